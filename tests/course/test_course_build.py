"""The graded course: nbgrader's release of a lesson hides the answers; the teacher's source holds them.

Expected facts come from the lessons themselves (their tagged cells) and from lab/solutions, read
independently of the builder; nbgrader's own generate_assignment makes the release.
"""
from __future__ import annotations

import inspect
import subprocess
import sys

import nbformat
import pytest

from lab import exercises
from lab.course.build import build_course
from lab.course.graded_source import fill_solution, graded_source
from lab.paths import NOTEBOOKS
from lab.solutions import nb02, nb12

LESSONS = {"02": "02_merkle_trees", "12": "12_attacking_and_fixing_the_contract"}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course")
    build_course(folder, list(LESSONS), progress=lambda _: None)
    return folder


def cells(folder, stage, number):
    name = LESSONS[number]
    return nbformat.read(folder / stage / name / f"{name}.ipynb", as_version=4).cells


def lesson_exercises(number):
    nb = nbformat.read(NOTEBOOKS / f"{LESSONS[number]}.ipynb", as_version=4)
    return [c for c in nb.cells if {"exercise", "library"} & set(c.metadata.get("tags", []))]


@pytest.mark.parametrize("number", list(LESSONS))
def test_release_holds_no_solution_code_and_no_hidden_test(course, number):
    release = "\n".join(c.source for c in cells(course, "release", number))
    for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "grade(", "Model answer"):
        assert marker not in release
    solutions = {"02": nb02, "12": nb12}[number]
    for function in solutions.SOLUTIONS.values():
        last = inspect.getsource(function).strip().splitlines()[-1].strip()
        assert last not in release, f"{function.__name__}'s last line is in the students' copy"
    assert release.count("raise NotImplementedError") >= len(lesson_exercises(number))


@pytest.mark.parametrize("number", list(LESSONS))
def test_source_holds_the_reference_and_the_hidden_tests(course, number):
    source = cells(course, "source", number)
    graded = [c for c in source if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    assert len(graded) == len(lesson_exercises(number))
    assert all("### BEGIN HIDDEN TESTS" in c.source and ("grade(" in c.source or "grade_library(" in c.source)
               for c in graded)
    assert "use_graded_mode()" in source[1].source and source[1].metadata["nbgrader"]["locked"]


def test_the_students_library_is_stubbed_from_this_lesson_on_and_their_own_file_is_graded(course):
    release = (course / "release" / LESSONS["02"] / "mychain.py").read_text()
    source = (course / "source" / LESSONS["02"] / "mychain.py").read_text()
    merkle = lambda text: text[text.index("def merkle_root"):text.index("def bits_to_target")]  # noqa: E731
    assert "raise NotImplementedError" in merkle(release)
    assert "raise NotImplementedError" not in merkle(source)
    hash256 = lambda text: text[text.index("def hash256"):text.index("def merkle_root")]  # noqa: E731
    assert "raise NotImplementedError" not in hash256(release)       # 01's function comes solved
    config = (course / "nbgrader_config.py").read_text()
    assert "exclude_overwriting" in config and "mychain.py" in config


def test_the_filled_solution_solves_the_exercise():
    stub = lesson_exercises("02")[0].source
    namespace: dict = {}
    exec(fill_solution(stub, nb02), namespace)   # the markers are comments
    assert exercises.check("02.1", namespace["merkle_parent"]).solved
    exec(stub, namespace)      # the bare stub does not pass
    with pytest.raises(AssertionError):
        exercises.grade("02.1", namespace["merkle_parent"])


def test_graded_mode_withholds_what_was_expected(capsys):
    def wrong(left, right):
        return b"\x00" * 32
    practice = exercises.check("02.1", wrong)
    exercises.use_graded_mode()
    try:
        graded = exercises.check("02.1", wrong)
    finally:
        exercises.use_graded_mode(False)
    assert not practice.solved and not graded.solved
    assert practice.message != graded.message and "00000000" not in graded.message
    with pytest.raises(AssertionError, match="does not pass"):
        exercises.grade("02.1", wrong)


def test_the_command_says_what_it_built(tmp_path):
    done = subprocess.run([sys.executable, "-m", "lab.course", "assignments", "--out", str(tmp_path / "c"),
                           "--only", "02"], capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "1 assignments" in done.stdout and (tmp_path / "c" / "release" / LESSONS["02"]).is_dir()


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_every_lesson_builds_and_its_questions_state_their_points(path):
    nb = nbformat.read(path, as_version=4)
    _, items = graded_source(nb, path.name[:2])
    assert sum(not i.manual for i in items) == len([c for c in nb.cells if {"exercise", "library"}
                                                    & set(c.metadata.get("tags", []))])
    questions = [c.source for c in nb.cells if "question" in c.metadata.get("tags", [])]
    for item in (i for i in items if i.manual):
        text = next(q for q in questions if f"Question {item.exercise}:" in q)
        assert f"({item.points} points)" in text, f"{item.exercise}: question and model disagree"
