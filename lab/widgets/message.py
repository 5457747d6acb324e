"""The lab widgets' one message line: what is wrong with the student's input, in one sentence.

Every lab widget shows a problem the same way (a warning sign, in red,
HTML-escaped) and shows nothing when there is none, so a student learns one
look for "your input needs fixing" across the whole course.
"""
from __future__ import annotations

import html

PROBLEM_COLOUR = "#b00"


def problem_html(text: str) -> str:
    """`text` as the widgets' problem line ("" when there is no problem)."""
    return f"<b style='color:{PROBLEM_COLOUR}'>\u26a0 {html.escape(text)}</b>" if text else ""
