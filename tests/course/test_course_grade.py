"""Autograding with nbgrader: the reference earns every point, a blank copy none, a mistake loses one.

The three submissions are made here, independently of the grader: the reference is the
teacher's source copy, the blank one is the students' release unchanged, and the mistaken one
is the reference with one plausible bug per notebook. In notebooks 01-06 the bug is in the
student's own mychain.py, handed in next to the notebook. Points per exercise are the
notebook's tagged exercises times the points an exercise is worth.
"""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys

import nbformat
import pytest

from lab.course.build import build_course
from lab.course.graded_source import EXERCISE_POINTS
from lab.paths import NOTEBOOKS, REPO

# nbgrader executes every notebook of every submission: three students, each lesson
pytestmark = pytest.mark.timeout(2400)

# notebook -> (exercise, the reference's text in mychain.py, the bug a student plausibly writes)
LIBRARY_MISTAKES = {
    # SHA-256 once, not twice:
    "01_hashing": ("01.6", "hashlib.sha256(hashlib.sha256(data).digest()).digest()",
                   "hashlib.sha256(data).digest()"),
    "02_merkle_trees": ("02.5", "if len(level) % 2 == 1:", "if False:"),     # an odd last node dropped
    "03_blocks_and_headers": ("03.3", "mantissa << (8 * (size - 3))", "mantissa << (8 * size)"),  # exponent
    "04_proof_of_work": ("04.5", 'int.from_bytes(digest, "little") <= target',
                         'int.from_bytes(digest, "big") <= target'),         # the hash read the wrong way
    "05_longest_chain_and_consensus": ("05.2", "2 ** 256 // (bits_to_target",
                                       "2 ** 256 / (bits_to_target"),       # a float loses the exact work
    "06_keys_and_signatures": ("06.5", "recover_public_key_from_msg_hash(hash256(header))",
                               "recover_public_key_from_msg_hash(hashlib.sha256(header).digest())"),
}

# notebook -> (exercise, the reference's text in the answer cell, the bug a student plausibly writes)
MISTAKES = {
    "00_start_here": ("00.3", "[::-1].hex()", ".hex()[::-1]"),           # reverses the digits, not the bytes
    "07_ethereum_and_solidity": ("07.2", "[:4]", "[-4:]"),               # the hash's end, not its start
    "08_contract_console": ("08.1", '"tip": fee - burned', '"tip": fee'),   # forgot that the base fee burns
    "09_private_chain": ("09.1", ".get(str(chain_id))", ".get(chain_id)"),  # JSON keys are strings
    "10_platforms": ("10.5", "Fraction(number) * (1000", "float(number) * (1000"),  # 1.001 kWh refused
    "11_performance": ("11.3", "(len(ordered) - 1) * 0.95", "len(ordered) * 0.95"),  # the rank off by one
    # the largest int256, which does not wrap:
    "12_attacking_and_fixing_the_contract": ("12.5", "2**255, sender", "2**255 - 1, sender"),
    # pay as bid:
    "13_energy_market": ("13.1", "price = (bids[i][3] + asks[j][3]) // 2", "price = bids[i][3]"),
    # all the PV, used locally or not:
    "14_a_day_on_the_feeder": ("14.1", '[["pv_kwh", "load_kwh"]].min(axis=1).sum()', ".pv_kwh.sum()"),
    # every replica that signed anything, not only those that signed two digests:
    "15_ethereum_state_and_consensus": ("15.3", "len(seen) > 1", "len(seen) >= 1"),
}
ALL_MISTAKES = LIBRARY_MISTAKES | MISTAKES


def exercise_count(assignment):
    nb = nbformat.read(NOTEBOOKS / f"{assignment}.ipynb", as_version=4)
    return sum(bool({"exercise", "library"} & set(c.metadata.get("tags", []))) for c in nb.cells)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    build_course(course, [a[:2] for a in ALL_MISTAKES], progress=lambda _: None)
    subs = tmp_path_factory.mktemp("submissions")
    for assignment, (exercise, right, wrong) in ALL_MISTAKES.items():
        name = f"{assignment}.ipynb"
        folder = {s: subs / s / assignment for s in ("reference", "blank", "mistaken")}
        for path in folder.values():
            path.mkdir(parents=True)
        for student, copy in (("reference", "source"), ("blank", "release"), ("mistaken", "source")):
            for handed_in in (course / copy / assignment).glob("*"):
                if handed_in.name in (name, "mychain.py"):
                    shutil.copyfile(handed_in, folder[student] / handed_in.name)
        if assignment in LIBRARY_MISTAKES:
            library = folder["mistaken"] / "mychain.py"
            assert right in library.read_text()
            library.write_text(library.read_text().replace(right, wrong, 1))
            continue
        nb = nbformat.read(course / "source" / assignment / name, as_version=4)
        cell_id = f"ex-{exercise.replace('.', '_')}-answer"
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == cell_id)
        assert right in cell.source
        cell.source = cell.source.replace(right, wrong)
        nbformat.write(nb, folder["mistaken"] / name)
    done = subprocess.run([sys.executable, "-m", "lab.course", "grade", str(subs), "--course", str(course)],
                          cwd=REPO, capture_output=True, text=True, check=False, timeout=1200)
    assert done.returncode == 0, done.stdout + done.stderr
    with (course / "grades.csv").open() as rows:
        return list(csv.DictReader(rows)), done.stdout


def points(rows, student, assignment, kind="auto"):
    return [(r["item"], float(r["points"]), float(r["max_points"])) for r in rows
            if r["student"] == student and r["assignment"] == assignment and r["kind"] == kind]


@pytest.mark.parametrize("assignment", list(ALL_MISTAKES))
def test_full_zero_and_partial(graded, assignment):
    rows, _ = graded
    full = exercise_count(assignment) * EXERCISE_POINTS
    reference, blank, mistaken = (points(rows, s, assignment) for s in ("reference", "blank", "mistaken"))
    assert len(reference) == exercise_count(assignment)
    assert sum(p for _, p, _ in reference) == full == sum(m for _, _, m in reference)
    assert sum(p for _, p, _ in blank) == 0
    lost = [item for item, p, m in mistaken if p < m]
    assert lost == [ALL_MISTAKES[assignment][0]]
    assert sum(p for _, p, _ in mistaken) == full - EXERCISE_POINTS


def test_written_answers_wait_for_the_teacher(graded):
    rows, _ = graded
    manual = [r for r in rows if r["kind"] == "manual"]
    assert manual, "each notebook has a written question"
    assert all(r["points"] == "" for r in manual if r["student"] == "reference")   # to be marked by hand
    assert all(r["points"] == "0" for r in manual if r["student"] == "blank")  # unchanged: 0


def test_the_command_reports_each_student(graded):
    _, stdout = graded
    assert "reference:" in stdout and "blank: 0 of" in stdout and "grades.csv" in stdout


def test_grading_without_a_course_says_what_to_do(tmp_path):
    done = subprocess.run([sys.executable, "-m", "lab.course", "grade", str(tmp_path), "--course",
                           str(tmp_path / "none")], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 1 and "make assignments" in done.stderr and "Traceback" not in done.stderr
