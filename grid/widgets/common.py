"""What every grid widget shares: a one-sentence message line, safe actions, live refresh.

A widget action never shows a traceback. `MessageLine.run(action)` runs it and
shows either its success text or the one sentence of the `GridError` it raised
(a bad input, a missing right, a revert, a node that is down). `BlockWatcher`
calls a refresh function whenever the chain moves on, whether the change came
from this kernel or from another page of the web app.
"""
from __future__ import annotations

import asyncio
import html
from typing import Any, Callable

import ipywidgets as widgets

from ..chain import Chain
from ..errors import GridError

# Colours readable on light and dark themes; the icon carries the meaning too.
# Text symbols, not emoji: a classroom browser may have no colour-emoji font.
_STYLES = {
    "ok": ("\u2714", "#1a7f37"),        # heavy check mark
    "info": ("\u2139", "inherit"),      # information source
    "warning": ("\u26a0", "#9a6700"),   # warning sign
    "error": ("\u2716", "#cf222e"),     # heavy multiplication x
}
DEFAULT_REFRESH_S = 1.0


class MessageLine:
    """One line of feedback under a form: the last action's result, in one sentence."""

    def __init__(self, css_class: str | None = None) -> None:
        self.widget = widgets.HTML(value="")
        if css_class:
            self.widget.add_class(css_class)
        self.text = ""     # the plain sentence shown
        self.kind = ""     # "ok", "info", "warning" or "error"; "" when empty

    def show(self, text: str, kind: str = "info") -> None:
        """Show `text` styled as `kind` ("ok", "info", "warning" or "error")."""
        icon, colour = _STYLES[kind]
        self.text, self.kind = text, kind
        self.widget.value = (f'<span class="gc-message gc-message-{kind}" style="color:{colour}">'
                             f"{icon} {html.escape(text)}</span>")

    def clear(self) -> None:
        """Show nothing."""
        self.text, self.kind = "", ""
        self.widget.value = ""

    def run(self, action: Callable[[], Any], success: str | Callable[[Any], str] | None = None) -> Any:
        """Run `action()`; show its success text or its error sentence. Never raises.

        Returns the action's result, or None when it failed.
        """
        try:
            result = action()
        except GridError as exc:
            self.show(sentence(exc.message), "error")
            return None
        except Exception as exc:  # a bug of ours: still one sentence, never a traceback wall
            self.show(f"Unexpected {type(exc).__name__}: {exc}. Nothing was sent; please report "
                      f"this to your teacher.", "error")
            return None
        if success is not None:
            self.show(success(result) if callable(success) else success, "ok")
        return result


def sentence(message: str) -> str:
    """Capitalise a message's first word, unless it is a name such as consumer1 or 0x..."""
    first = message.split(" ", 1)[0]
    if not first.isalpha() or not first.islower() or first == "admin":
        return message
    return message[:1].upper() + message[1:]


class BlockWatcher:
    """Call `refresh()` whenever the chain's latest block changes.

    In a running kernel (a notebook or a Voila page), `start()` polls the node
    every `interval` seconds on the kernel's event loop, so changes made by
    another page or another student show up without a click. Tests (no event
    loop) call `poll()` directly.
    """

    def __init__(self, chain: Chain, refresh: Callable[[], None], *,
                 interval: float = DEFAULT_REFRESH_S, on_error: Callable[[GridError], None] | None = None):
        self.chain = chain
        self.refresh = refresh
        self.interval = interval
        self.on_error = on_error
        self.last_block: int | None = None
        self._task: asyncio.Task | None = None

    def poll(self) -> bool:
        """Refresh if the chain has a new block since the last poll; True when it did."""
        try:
            block = self.chain.block_number
        except GridError as exc:
            if self.on_error:
                self.on_error(exc)
            return False
        if block == self.last_block:
            return False
        self.last_block = block
        self.refresh()
        return True

    def start(self) -> bool:
        """Poll in the background on the running event loop; False when there is none (tests)."""
        if self._task is not None and not self._task.done():
            return True
        try:  # a kernel runs each cell inside its asyncio loop
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        self._task = loop.create_task(self._loop())
        return True

    def stop(self) -> None:
        """Stop background polling."""
        if self._task is not None:
            self._task.cancel()
            self._task = None

    @property
    def running(self) -> bool:
        """True while background polling is on."""
        return self._task is not None and not self._task.done()

    async def _loop(self) -> None:
        while True:
            try:
                self.poll()
            except Exception as exc:  # a refresh must never kill the loop
                if self.on_error:
                    self.on_error(GridError(f"refresh failed ({type(exc).__name__}: {exc})", kind="node"))
            await asyncio.sleep(self.interval)
