"""Each lesson's learning outcomes, as its opening states them, and the instructor guide kept in step.

A lesson's first cell lists its outcomes under "**By the end of this notebook you will be
able to:**"; the guide repeats them under each notebook's heading. `sync_guide()` rewrites
the guide's lists from the lessons, so the two never drift apart.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

from lab.paths import NOTEBOOKS, REPO

GUIDE = REPO / "docs" / "instructor-guide.md"
OPENING_MARK = "**By the end of this notebook you will be able to:**"
GUIDE_MARK = "Learning outcomes, as the notebook's opening states them:"


def lesson_outcomes(path: Path) -> list[str]:
    """The bullet points under the opening's "you will be able to" line."""
    source = nbformat.read(path, as_version=4).cells[0].source
    if OPENING_MARK not in source:
        raise ValueError(f"{path.name} does not open with {OPENING_MARK}")
    after = source.split(OPENING_MARK, 1)[1].lstrip("\n").splitlines()
    bullets = []
    for line in after:
        if not line.startswith("- "):
            break
        bullets.append(line[2:].strip())
    return bullets


def all_outcomes(folder: Path = NOTEBOOKS) -> dict[str, list[str]]:
    """{"00": [...], "01": [...], ...} for every numbered lesson."""
    return {path.name[:2]: lesson_outcomes(path) for path in sorted(folder.glob("[0-9][0-9]_*.ipynb"))}


def guide_outcomes(text: str) -> dict[str, list[str]]:
    """The outcome lists the guide gives under each "### NN · Title" heading."""
    found = {}
    for match in re.finditer(r"^### (\d\d) · .*?\n\n" + re.escape(GUIDE_MARK) + r"\n\n((?:- .*\n)+)", text,
                             flags=re.M):
        found[match.group(1)] = [line[2:].strip() for line in match.group(2).splitlines()]
    return found


def sync_guide(guide: Path = GUIDE) -> None:
    """Replace each notebook's outcome list in the guide (or its placeholder) with the lesson's own."""
    text = guide.read_text(encoding="utf-8")
    for number, outcomes in all_outcomes().items():
        bullets = "".join(f"- {line}\n" for line in outcomes)
        heading = rf"(^### {number} · [^\n]*\n\n)"
        listed = heading + re.escape(GUIDE_MARK) + r"\n\n(?:- [^\n]*\n)+"
        placeholder = heading + r"Learning outcomes: see the notebook's opening\.\n"
        replacement = rf"\g<1>{GUIDE_MARK}\n\n{bullets}"
        text, done = re.subn(listed, lambda m, r=replacement: m.expand(r), text, flags=re.M)
        if not done:
            text = re.sub(placeholder, lambda m, r=replacement: m.expand(r), text, flags=re.M)
    guide.write_text(text, encoding="utf-8")
