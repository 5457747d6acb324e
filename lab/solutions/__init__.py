"""Reference solutions, one module per notebook (nbNN.py); the test suite injects them.

Each module ends with SOLUTIONS: {exercise id: the function that answers it}, and
MODEL_ANSWERS: {question id: ModelAnswer} for its written-reasoning questions, which
a teacher marks by hand (the course build puts the model answer in the teacher's copy).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelAnswer:
    """A written question's model answer and how to mark it."""

    points: int
    answer: str        # what a full-marks answer says, in a few sentences
    marking: str       # how the points are earned, e.g. "1 point: names X; 1 point: explains Y"
