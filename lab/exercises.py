"""Self-checking exercises: `check("01.2", your_function)` prints one line.

Each exercise is a function the student completes. Its check calls only that
function, on inputs whose answers come from a cited source or an independent
computation, and prints one of:

    ✅ Exercise 01.2 solved: ...
    ⏳ Exercise 01.2 not solved yet: ...     (the function still raises NotImplementedError)
    ❌ Exercise 01.2 not right yet: ...      (a wrong answer, or the function raised)

A check never raises, so an unsolved exercise never stops the notebook.

In graded mode (a course's release copy turns it on in a locked first cell, or
GRIDCHAIN_GRADED=1), a check says only whether the answer passes: its message,
which may show an expected value, is withheld. `grade()` is what the course's
hidden autograder tests call: it raises when the answer does not pass.

A library exercise is a function of the student's own module, mychain.py beside the notebook:
`check_library("02.5", "merkle_root")` reads that file afresh on every call (so an edit is seen
without restarting the kernel) and checks the function it defines; `grade_library` grades it.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import checks

SOLVED, UNSOLVED, WRONG = "solved", "not solved yet", "not right yet"
_ICONS = {SOLVED: "✅", UNSOLVED: "⏳", WRONG: "❌"}


class Mismatch(AssertionError):
    """Raised by a checker when the student's answer is wrong (message says how)."""


@dataclass(frozen=True)
class Outcome:
    """The result of one check."""

    exercise: str
    status: str       # SOLVED, UNSOLVED or WRONG
    message: str

    @property
    def solved(self) -> bool:
        """True when the exercise passed its check."""
        return self.status == SOLVED

    def __str__(self) -> str:
        return f"{_ICONS[self.status]} Exercise {self.exercise} {self.status}: {self.message}"


_graded = os.environ.get("GRIDCHAIN_GRADED", "").strip() == "1"


def use_graded_mode(on: bool = True) -> None:
    """Withhold each check's detail (expected values) from here on; a course's release copy calls this."""
    global _graded   # one switch for the whole notebook, set once by its first cell
    _graded = on


def graded_mode() -> bool:
    """True when checks say only whether an answer passes."""
    return _graded


Checker = Callable[[Callable[..., Any]], str]
_CHECKERS: dict[str, tuple[str, Checker]] = {}


def exercise(exercise_id: str, title: str) -> Callable[[Checker], Checker]:
    """Register `checker(student_fn) -> success message` for `exercise_id`."""
    def register(checker: Checker) -> Checker:
        _CHECKERS[exercise_id] = (title, checker)
        return checker
    return register


def expect(condition: bool, message: str) -> None:
    """Fail the check with `message` (say what was expected and what came back)."""
    if not condition:
        raise Mismatch(message)


def _load(exercise_id: str) -> tuple[str, Checker]:
    if exercise_id not in _CHECKERS:
        # Checkers for notebook NN live in lab.checks.nbNN.
        importlib.import_module(f"lab.checks.nb{exercise_id.split('.')[0]}")
    return _CHECKERS[exercise_id]


def check(exercise_id: str, student_fn: Callable[..., Any]) -> Outcome:
    """Run the check of `exercise_id` on `student_fn`, print one line, return it."""
    title, checker = _load(exercise_id)
    try:
        detail = checker(student_fn)
        outcome = Outcome(exercise_id, SOLVED, detail or title)
    except NotImplementedError:
        outcome = Outcome(exercise_id, UNSOLVED,
                          f"{title}: replace `raise NotImplementedError` with your code, then run this "
                          "cell again")
    except Mismatch as exc:
        outcome = Outcome(exercise_id, WRONG, f"{title}: {exc}")
    except Exception as exc:  # the student's code raised: show where, briefly
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        outcome = Outcome(exercise_id, WRONG,
                          f"{title}: your function raised {type(exc).__name__}: {exc} (line {frame.lineno})")
    if _graded:
        outcome = Outcome(exercise_id, outcome.status, _GRADED_MESSAGES[outcome.status])
    print(outcome)
    return outcome


_GRADED_MESSAGES = {
    SOLVED: "your answer passes this check (its graded tests run when your teacher grades it)",
    UNSOLVED: "replace `raise NotImplementedError` with your code, then run this cell again",
    WRONG: "your answer does not pass yet (in a graded assignment the check keeps its details to itself)",
}


def grade(exercise_id: str, student_fn: Callable[..., Any]) -> None:
    """Raise AssertionError unless `student_fn` passes the check of `exercise_id` (for autograders)."""
    _, checker = _load(exercise_id)
    try:
        checker(student_fn)
    except NotImplementedError:
        raise AssertionError(f"Exercise {exercise_id} is not answered") from None
    except Exception:  # a wrong value or a crash: both earn no points, and neither shows the expected value
        raise AssertionError(f"Exercise {exercise_id} does not pass") from None


def registered(notebook: str | None = None) -> list[str]:
    """The exercise ids of notebook `notebook` (e.g. "01"), in order; of every notebook without one."""
    for number in [notebook] if notebook is not None else notebooks():
        importlib.import_module(f"lab.checks.nb{number}")
    return sorted(e for e in _CHECKERS if notebook is None or e.split(".")[0] == notebook)


def notebooks() -> list[str]:
    """The numbers ("00", "01", ...) of the notebooks that have checks (a lab/checks/nbNN.py)."""
    return sorted(m.name[2:] for m in pkgutil.iter_modules(checks.__path__)
                  if m.name[:2] == "nb" and m.name[2:].isdigit())


LIBRARY = "mychain"


class LibraryProblem(Exception):
    """mychain.py cannot be read, or lacks the function asked for (the message says how to fix it)."""


def load_library(folder: str | Path | None = None) -> Any:
    """mychain.py of `folder` (the working directory by default), executed afresh as module `mychain`."""
    path = Path(folder if folder is not None else os.getcwd()) / f"{LIBRARY}.py"
    if not path.is_file():
        raise LibraryProblem(f"there is no {path.name} next to this notebook ({path.parent}): "
                             f"put your {path.name} there")
    spec = importlib.util.spec_from_file_location(LIBRARY, path)
    module = importlib.util.module_from_spec(spec)
    previous = sys.modules.get(LIBRARY)
    sys.modules[LIBRARY] = module   # dataclasses look their module up while the file runs
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise LibraryProblem(f"{path.name} line {exc.lineno}: {exc.msg}; fix it, save, run this cell again") \
            from None
    except Exception as exc:  # the file raised while it was imported
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        raise LibraryProblem(f"{path.name} raised {type(exc).__name__}: {exc} while loading (line "
                             f"{frame.lineno})") from None
    finally:
        if previous is not None:
            sys.modules[LIBRARY] = previous
        else:
            sys.modules.pop(LIBRARY, None)
    return module


def _library_function(name: str) -> Callable[..., Any]:
    module = load_library()
    function = getattr(module, name, None)
    if not callable(function):
        raise LibraryProblem(f"{LIBRARY}.py has no function {name}(): add it (the signature is in the "
                             "notebook), save, and run this cell again")
    return function


def check_library(exercise_id: str, name: str) -> Outcome:
    """Check `name` of the student's mychain.py, read afresh, as exercise `exercise_id`; print one line."""
    try:
        function = _library_function(name)
    except LibraryProblem as exc:
        title, _ = _load(exercise_id)
        outcome = Outcome(exercise_id, WRONG, f"{title}: {exc}")
        if _graded:
            outcome = Outcome(exercise_id, WRONG, _GRADED_MESSAGES[WRONG])
        print(outcome)
        return outcome
    return check(exercise_id, function)


def grade_library(exercise_id: str, name: str) -> None:
    """Raise AssertionError unless mychain.`name` passes exercise `exercise_id` (for autograders)."""
    try:
        function = _library_function(name)
    except LibraryProblem:
        raise AssertionError(f"Exercise {exercise_id}: mychain.py does not provide {name}()") from None
    grade(exercise_id, function)
