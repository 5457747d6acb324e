"""Self-checking exercises: `check("01.2", your_function)` prints one line.

Each exercise is a function the student completes. Its check calls only that
function, on inputs whose answers come from a cited source or an independent
computation, and prints one of:

    ✅ Exercise 01.2 solved: ...
    ⏳ Exercise 01.2 not solved yet: ...     (the function still raises NotImplementedError)
    ❌ Exercise 01.2 not right yet: ...      (a wrong answer, or the function raised)

A check never raises, so an unsolved exercise never stops the notebook.
"""
from __future__ import annotations

import importlib
import pkgutil
import traceback
from collections.abc import Callable
from dataclasses import dataclass
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
    print(outcome)
    return outcome


def registered(notebook: str | None = None) -> list[str]:
    """The exercise ids of notebook `notebook` (e.g. "01"), in order; of every notebook without one."""
    for number in [notebook] if notebook is not None else notebooks():
        importlib.import_module(f"lab.checks.nb{number}")
    return sorted(e for e in _CHECKERS if notebook is None or e.split(".")[0] == notebook)


def notebooks() -> list[str]:
    """The numbers ("00", "01", ...) of the notebooks that have checks (a lab/checks/nbNN.py)."""
    return sorted(m.name[2:] for m in pkgutil.iter_modules(checks.__path__)
                  if m.name[:2] == "nb" and m.name[2:].isdigit())
