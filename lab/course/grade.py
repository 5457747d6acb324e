"""Autograde a folder of submissions with nbgrader's own `autograde`; write points per exercise per student.

A submissions folder holds one folder per student, with the notebooks either straight in it
(`alice/02_merkle_trees.ipynb`) or in a folder per assignment (`alice/02_merkle_trees/...`).
They are copied into the course's `submitted/` tree, autograded there (each notebook runs top
to bottom in a fresh kernel, hidden tests and all), and the gradebook's scores are written to
`grades.csv`: student, assignment, item, kind (auto or manual), points, max_points.
A written answer has no points until the teacher marks it (an unchanged answer earns 0).
"""
from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook

from .build import CourseError, nbgrader, read_items

CSV_FIELDS = ("student", "assignment", "item", "kind", "points", "max_points")


@dataclass(frozen=True)
class Score:
    """One student's points for one graded item."""

    student: str
    assignment: str
    item: str          # "02.1" or "02.Q1"
    kind: str          # "auto" or "manual"
    points: float | None
    max_points: float


def collect(submissions: Path, course: Path) -> dict[str, set[str]]:
    """Copy every submitted lesson notebook into course/submitted/; {assignment: {student, ...}}."""
    assignments = set(read_items(course))
    if not submissions.is_dir():
        raise CourseError(f"{submissions} is not a folder: give SUBMISSIONS=dir, one folder per student")
    found: dict[str, set[str]] = {}
    for student_dir in sorted(p for p in submissions.iterdir() if p.is_dir()):
        for notebook in sorted(student_dir.rglob("*.ipynb")):
            if notebook.stem not in assignments or ".ipynb_checkpoints" in notebook.parts:
                continue
            target = course / "submitted" / student_dir.name / notebook.stem / notebook.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(notebook, target)
            library = notebook.with_name("mychain.py")   # the student's own library, graded as it is
            if library.is_file():
                shutil.copyfile(library, target.with_name("mychain.py"))
            found.setdefault(notebook.stem, set()).add(student_dir.name)
    if not found:
        raise CourseError(f"no submitted lesson notebooks in {submissions} (expected "
                          "<student>/NN_name.ipynb for a built assignment; run make assignments first)")
    return found


def autograde(submissions: Path, course: Path, progress=print) -> list[Score]:
    """Collect, autograde every assignment submitted, and return the scores (also in course/grades.csv)."""
    found = collect(submissions, course)
    for assignment, students in sorted(found.items()):
        progress(f"  autograding {assignment} for {len(students)} students ...")
        nbgrader(course, "autograde", assignment, "--create", "--force")
    scores = read_scores(course, found)
    write_csv(scores, course / "grades.csv")
    return scores


def read_scores(course: Path, found: dict[str, set[str]]) -> list[Score]:
    """The gradebook's score of every graded item of every submission in `found`."""
    items = read_items(course)
    scores: list[Score] = []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for assignment, students in sorted(found.items()):
            for student in sorted(students):
                notebook = gradebook.find_submission_notebook(assignment, assignment, student)
                by_id = {g.name: g for g in notebook.grades}
                for item in items[assignment]:
                    grade = by_id.get(item.grade_id)
                    if grade is None:
                        raise CourseError(f"{student}'s {assignment} has no graded cell {item.grade_id}: "
                                          "was it built from an older release?")
                    points = None if grade.needs_manual_grade else grade.score
                    kind = "manual" if item.manual else "auto"
                    scores.append(Score(student, assignment, item.exercise, kind, points, grade.max_score))
    return scores


def write_csv(scores: list[Score], path: Path) -> None:
    """grades.csv: one row per student, assignment and item."""
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_FIELDS)
        for s in scores:
            writer.writerow([s.student, s.assignment, s.item, s.kind,
                             "" if s.points is None else f"{s.points:g}", f"{s.max_points:g}"])
