"""Build the graded course: every lesson's nbgrader source, then nbgrader's release of it.

    course/
      nbgrader_config.py          the course's settings (nbgrader reads it from this folder)
      gradebook.db                nbgrader's gradebook: assignments, students, scores
      source/NN_name/NN_name.ipynb    the teacher's copy: solutions, model answers, hidden tests
      release/NN_name/NN_name.ipynb   the students' copy: stubs, no hidden tests, graded mode on
      items.json                  what each assignment grades, and for how many points

nbgrader's own `generate_assignment` makes the release: it strips the solution regions,
the hidden tests and the model answers, and records each graded cell's checksum.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import nbformat

from ..paths import NOTEBOOKS, REPO
from .graded_source import GradedItem, graded_source

COURSE_ID = "gridchain-lab"
DEFAULT_COURSE_DIR = REPO / "course"
CELL_TIMEOUT_S = 300     # a cell of the feeder's day runs for about a minute on two cores
CONFIG = '''# nbgrader's settings for this course (written by `make assignments`).
c = get_config()  # noqa: F821 - nbgrader defines it
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = {root!r}
c.ClearSolutions.text_stub = "*Write your answer here.*"
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError"}}
c.Execute.timeout = {timeout}
c.Execute.kernel_name = "python3"
c.Exchange.path_includes_course = True
# Autograde keeps each student's own mychain.py instead of copying the teacher's over it.
c.Autograde.exclude_overwriting = {exclude!r}
'''


class CourseError(RuntimeError):
    """A course step failed; the message says which and what to do."""


def lessons(numbers: list[str] | None = None) -> list[Path]:
    """The numbered lesson notebooks, or those whose number is in `numbers`."""
    found = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in found if numbers is None or p.name[:2] in numbers]


def write_config(course: Path) -> None:
    """course/nbgrader_config.py, so nbgrader's commands run from that folder need no flags."""
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(
        CONFIG.format(course_id=COURSE_ID, root=str(course.resolve()), timeout=CELL_TIMEOUT_S,
                      exclude={p.stem: ["mychain.py"] for p in lessons() if p.name[:2] in LIBRARY_LESSONS}))


LIBRARY_LESSONS = ("01", "02", "03", "04", "05", "06")


def library_for(number: str, solved_through_this_one: bool) -> str:
    """The assignment's mychain.py: reference bodies for earlier notebooks (and this one in the source),
    the stubs of notebooks/mychain.py for the rest."""
    import ast  # noqa: PLC0415
    import inspect  # noqa: PLC0415

    from ..solutions import mychain  # noqa: PLC0415
    stub = (NOTEBOOKS / "mychain.py").read_text()
    lines = stub.splitlines()
    functions = [n for n in ast.parse(stub).body if isinstance(n, ast.FunctionDef)]
    for node in sorted(functions, key=lambda n: -n.lineno):
        introduced = mychain.INTRODUCED_IN[node.name][0]
        if introduced < number or (solved_through_this_one and introduced == number):
            reference = inspect.getsource(getattr(mychain, node.name))
            lines[node.lineno - 1:node.end_lineno] = reference.splitlines()
    return "\n".join(lines) + "\n"


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run one nbgrader command in the course folder; a CourseError with its log when it fails."""
    # nbgrader runs `alembic` (its gradebook's migrations) from PATH: the venv's bin must be on it.
    env = {**os.environ, "PYTHONPATH": str(REPO),
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise CourseError(f"nbgrader {args[0]} failed (exit {done.returncode}):\n{tail}")
    return done


def build_course(course: Path = DEFAULT_COURSE_DIR, numbers: list[str] | None = None,
                 progress=print) -> dict[str, list[GradedItem]]:
    """Write every lesson's source, then release it with nbgrader; return the graded items per assignment."""
    write_config(course)
    items: dict[str, list[GradedItem]] = {}
    for path in lessons(numbers):
        assignment = path.stem
        source_nb, graded = graded_source(nbformat.read(path, as_version=4), path.name[:2])
        folder = course / "source" / assignment
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(source_nb, folder / path.name)
        number = path.name[:2]
        if number in LIBRARY_LESSONS:
            (folder / "mychain.py").write_text(library_for(number, solved_through_this_one=True))
        nbgrader(course, "generate_assignment", assignment, "--force", "--create")
        if number in LIBRARY_LESSONS:   # nbgrader copied the teacher's file: hand out the stubs instead
            (course / "release" / assignment / "mychain.py").write_text(library_for(number, False))
        items[assignment] = graded
        progress(f"  {assignment}: {sum(not i.manual for i in graded)} autograded exercises, "
                 f"{sum(i.manual for i in graded)} written questions, {sum(i.points for i in graded)} points")
    existing = read_items(course) if (course / "items.json").exists() else {}
    (course / "items.json").write_text(json.dumps(
        {**existing, **{a: [asdict(i) for i in g] for a, g in items.items()}}, indent=1))
    return items


def read_items(course: Path) -> dict[str, list[GradedItem]]:
    """What each built assignment grades (course/items.json)."""
    raw = json.loads((course / "items.json").read_text())
    return {a: [GradedItem(**i) for i in g] for a, g in raw.items()}
