"""How long a notebook takes a first-time student: its size counted, and a careful pace applied.

    minutes = words / 120 + 1.5 × demonstrations + 12.5 × exercises + 7.5 × written questions

Words are those of the markdown cells, read carefully at about 120 words a minute. A
demonstration is a code cell that is not an exercise: about a minute and a half to read,
run and look at. An exercise takes a first-time student 10-15 minutes (12.5); a short
written answer about 7.5. The README's time column and the instructor guide's table are
this estimate, rounded to 5 minutes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from lab.paths import NOTEBOOKS

WORDS_PER_MINUTE = 120
DEMONSTRATION_MIN = 1.5
EXERCISE_MIN = 12.5
QUESTION_MIN = 7.5
EXERCISE_TAGS = {"exercise", "library"}   # a stub in the notebook, or a function of the student's library


@dataclass(frozen=True)
class NotebookSize:
    """What a notebook asks of its reader."""

    number: str
    words: int
    code_cells: int
    exercises: int
    questions: int

    @property
    def minutes(self) -> float:
        """A first-time student's estimated time, in minutes."""
        return (self.words / WORDS_PER_MINUTE + DEMONSTRATION_MIN * (self.code_cells - self.exercises)
                + EXERCISE_MIN * self.exercises + QUESTION_MIN * self.questions)

    @property
    def rounded_minutes(self) -> int:
        """The estimate to the nearest 5 minutes, as the README and the guide print it."""
        return int(5 * round(self.minutes / 5))


def measure(path: Path) -> NotebookSize:
    """Count the words, code cells, exercises and written questions of one notebook."""
    nb = nbformat.read(path, as_version=4)
    tags = [set(cell.metadata.get("tags", [])) for cell in nb.cells]
    words = sum(len(re.findall(r"\S+", cell.source)) for cell in nb.cells if cell.cell_type == "markdown")
    return NotebookSize(
        number=path.name[:2],
        words=words,
        code_cells=sum(cell.cell_type == "code" for cell in nb.cells),
        exercises=sum(bool(t & EXERCISE_TAGS) for cell, t in zip(nb.cells, tags, strict=True)
                      if cell.cell_type == "code"),
        questions=sum("question" in t for t in tags),
    )


def course_sizes(folder: Path = NOTEBOOKS) -> list[NotebookSize]:
    """Every numbered lesson's size, in order."""
    return [measure(path) for path in sorted(folder.glob("[0-9][0-9]_*.ipynb"))]


def as_markdown(sizes: list[NotebookSize]) -> str:
    """The instructor guide's table of sizes and estimated times."""
    lines = ["| notebook | words | code cells | exercises | written questions | estimated min |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {s.number} | {s.words} | {s.code_cells} | {s.exercises} | {s.questions} "
              f"| {s.rounded_minutes} |" for s in sizes]
    total = sum(s.rounded_minutes for s in sizes)
    lines.append(f"| total | {sum(s.words for s in sizes)} | {sum(s.code_cells for s in sizes)} | "
                 f"{sum(s.exercises for s in sizes)} | {sum(s.questions for s in sizes)} | "
                 f"{total} (≈ {total / 60:.0f} h) |")
    return "\n".join(lines)


TABLE_START = "| notebook | words | code cells | exercises |"


def sync_docs(readme: Path, guide: Path) -> None:
    """Write the current estimates into the README's time column and the guide's table."""
    minutes = {s.number: s.rounded_minutes for s in course_sizes()}
    text = readme.read_text(encoding="utf-8")
    text = re.sub(r"^(\| (\d\d) \| `\d\d_\w+` \|.*\| )\d+ min \|$",
                  lambda m: f"{m.group(1)}{minutes[m.group(2)]} min |", text, flags=re.M)
    readme.write_text(text, encoding="utf-8")
    text = guide.read_text(encoding="utf-8")
    table = re.compile(r"^" + re.escape(TABLE_START) + r".*\n(?:\|.*\n)+", flags=re.M)
    text = table.sub(lambda _: as_markdown(course_sizes()) + "\n", text, count=1)
    guide.write_text(text, encoding="utf-8")
