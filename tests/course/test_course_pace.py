"""Lesson times and outcomes: the arithmetic on a notebook made here; README and guide kept current."""
from __future__ import annotations

import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from lab.course.outcomes import GUIDE, all_outcomes, guide_outcomes
from lab.course.pace import as_markdown, course_sizes, measure
from lab.paths import REPO


def test_a_notebook_made_here_is_counted_and_timed(tmp_path):
    question = new_markdown_cell("### Question 99.Q1: why " + "word " * 38)        # 4 + 38 = 42 words
    question.metadata["tags"] = ["question"]
    stub = new_code_cell("def f():\n    raise NotImplementedError")
    stub.metadata["tags"] = ["exercise"]
    nb = new_notebook(cells=[new_markdown_cell("word " * 198), question, new_code_cell("1 + 1"), stub,
                             new_code_cell("check('99.1', f)"), new_code_cell("print('done')")])
    nbformat.write(nb, tmp_path / "99_made_here.ipynb")
    size = measure(tmp_path / "99_made_here.ipynb")
    assert (size.words, size.code_cells, size.exercises, size.questions) == (240, 4, 1, 1)
    # 240 words / 120 + 3 demonstrations x 1.5 + 1 exercise x 12.5 + 1 question x 7.5, by hand:
    assert size.minutes == 2 + 4.5 + 12.5 + 7.5
    assert size.rounded_minutes == 25


def test_the_readme_bills_each_notebook_its_estimate():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    billed = dict(re.findall(r"^\| (\d\d) \| `\d\d_\w+` \|.*\| (\d+) min \|$", readme, flags=re.M))
    sizes = course_sizes()
    assert {s.number: str(s.rounded_minutes) for s in sizes} == billed, \
        "run `python -m lab.course pace` and update the README's time column"


def test_the_guide_prints_the_current_table():
    guide = (REPO / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
    assert as_markdown(course_sizes()) in guide, "paste `python -m lab.course pace` into the guide"


def test_the_guide_lists_each_lessons_own_outcomes():
    lessons = all_outcomes()
    assert all(3 <= len(outcomes) <= 6 for outcomes in lessons.values()), lessons
    assert guide_outcomes(GUIDE.read_text(encoding="utf-8")) == lessons, \
        "run `python -m lab.course pace --write` after changing a lesson's opening"
