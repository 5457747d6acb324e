"""The lab widgets' one message line: what the student should know about the last input, in one sentence.

Every lab widget shows a problem the same way (a warning sign, in red,
HTML-escaped) and shows nothing when there is none, so a student learns one
look for "your input needs fixing" across the whole course. `MessageLine`
is that line as a widget; `message_html` is its markup, for a view that
shows either a problem or a result in one place.

The contract-side widgets have their own line (grid.widgets.common.MessageLine,
same `show` / `clear`): it also runs chain actions and lives next to the chain
client, which a hashing lesson has no need to import.
"""
from __future__ import annotations

import html

import ipywidgets as widgets

# kind -> (sign, colour). Text symbols, not emoji: a classroom browser may have no colour-emoji font.
STYLES = {
    "error": ("\u26a0", "#b00"),        # warning sign, red: the input needs fixing
    "ok": ("\u2714", "#1a7f37"),        # heavy check mark, green
    "info": ("\u2139", "inherit"),      # information source, the text colour
}


def message_html(text: str, kind: str = "error") -> str:
    """`text` as the widgets' message line, styled as `kind` ("" when there is no text)."""
    if kind not in STYLES:
        raise ValueError(f"kind is one of {', '.join(STYLES)}, not {kind!r}")
    if not text:
        return ""
    sign, colour = STYLES[kind]
    return f"<b style='color:{colour}'>{sign} {html.escape(text)}</b>"


class MessageLine:
    """One line under a widget's controls: the plain sentence shown (`.text`, `.kind`) and its `.widget`."""

    def __init__(self) -> None:
        """Start empty."""
        self.widget = widgets.HTML(value="")
        self.text = ""     # the plain sentence shown, "" when none
        self.kind = ""     # "error", "ok" or "info"; "" when empty

    def show(self, text: str, kind: str = "error") -> None:
        """Show `text` styled as `kind` ("error", "ok" or "info"); an empty text clears the line."""
        self.widget.value = message_html(text, kind)
        self.text, self.kind = text, (kind if text else "")

    def clear(self) -> None:
        """Show nothing."""
        self.show("")
