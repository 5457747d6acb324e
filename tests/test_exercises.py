"""The exercise checker itself: verdicts, checks that can fail, and every reference solution passing.

The wrong answers each notebook's checks must reject are in tests/test_checks_nbNN.py.
"""
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from lab import environment
from lab.exercises import SOLVED, UNSOLVED, WRONG, check, notebooks, registered
from lab.solutions import nb00


def reference_solution(exercise_id: str):
    """The function of lab/solutions/nbNN.py that answers `exercise_id`."""
    return solutions_of(exercise_id.split(".")[0])[exercise_id]


def solutions_of(notebook: str) -> dict:
    return importlib.import_module(f"lab.solutions.nb{notebook}").SOLUTIONS


@pytest.mark.parametrize("exercise_id", registered())
def test_reference_solution_passes(exercise_id):
    assert check(exercise_id, reference_solution(exercise_id)).status == SOLVED


@pytest.mark.parametrize("notebook", notebooks())
def test_every_exercise_has_one_reference_solution(notebook):
    assert sorted(solutions_of(notebook)) == registered(notebook)


@pytest.mark.parametrize("exercise_id", registered())
def test_an_unsolved_exercise_is_not_solved_yet(exercise_id):
    def unsolved(*args):
        raise NotImplementedError
    assert check(exercise_id, unsolved).status == UNSOLVED


def test_unsolved_wrong_raising_and_solved(capsys):
    def unsolved(data):
        raise NotImplementedError

    assert check("00.1", unsolved).status == UNSOLVED
    assert check("00.1", lambda data: data.hex().upper()).status == WRONG
    assert check("00.1", lambda data: 1 / 0).status == WRONG
    assert check("00.1", nb00.to_hex).status == SOLVED
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("⏳ Exercise 00.1 not solved yet")
    assert lines[1].startswith("❌ Exercise 00.1 not right yet") and "expected '00ff'" in lines[1]
    assert "ZeroDivisionError" in lines[2]
    assert lines[3].startswith("✅ Exercise 00.1 solved")


@pytest.mark.parametrize("exercise_id, wrong", [
    ("00.2", lambda text: int(text, 10) if text.isdigit() else 0),
    ("00.3", lambda text: text[::-1]),                       # reverses characters, not bytes
    ("00.4", lambda data: len(data) * 4),
])
def test_each_check_rejects_a_plausible_mistake(exercise_id, wrong):
    assert check(exercise_id, wrong).status == WRONG


def test_the_set_up_report_explains_a_broken_install_instead_of_crashing(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "eth_tester", None)  # as if eth-tester were not installed
    assert environment.report() is False
    out = capsys.readouterr().out
    assert "❌ Embedded chain" in out and "fix:" in out
    verdicts = [line for line in out.splitlines() if line.startswith(("✅", "❌"))]
    assert len(verdicts) == len(environment.CHECKS)


def test_the_set_up_report_imports_without_the_packages_it_checks():
    # lab.environment imports grid inside each check, so a missing web3 is a ❌ line, not an ImportError.
    code = "import sys; sys.modules['web3'] = None\nfrom lab.environment import report\nprint(report())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    assert "❌ Embedded chain" in done.stdout
    assert done.stdout.rstrip().endswith("False")
