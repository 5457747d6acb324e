"""What every grid widget shares: a one-sentence message line, safe actions, live refresh.

`LiveWidget` is the base of the two platforms (`grid.widgets.user` and
`grid.widgets.manager`): its view redraws after every transaction of the
shared log and whenever the chain moves on.

A widget action never shows a traceback. `MessageLine.run(action)` runs it and
shows either its success text or the one sentence of the `GridError` it raised
(a bad input, a missing right, a revert, a node that is down). `BlockWatcher`
calls a refresh function whenever the chain moves on, whether the change came
from this kernel or from another page of the web app.
"""
from __future__ import annotations

import asyncio
import html
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
from IPython.display import display

from ..accounts import NamedAccount
from ..chain import Chain
from ..errors import GridError
from ..powergrid import PowerGridClient
from ..powergridv2 import PowerGridV2Client
from ..powergridv2.directory import EventDirectory
from ..registry import UserDirectory
from ..txlog import TxLog, TxLogEntry

# Colours readable on light and dark themes; the icon carries the meaning too.
# Text symbols, not emoji: a classroom browser may have no colour-emoji font.
_STYLES = {
    "ok": ("\u2714", "#1a7f37"),        # heavy check mark
    "info": ("\u2139", "inherit"),      # information source
    "warning": ("\u26a0", "#9a6700"),   # warning sign
    "error": ("\u2716", "#cf222e"),     # heavy multiplication x
}
DEFAULT_REFRESH_S = 1.0
_READ_LOG_CAPACITY = 100         # the private log of a dashboard's own queries


class MessageLine:
    """One line of feedback under a form: the last action's result, in one sentence."""

    def __init__(self, css_class: str | None = None) -> None:
        self.widget = widgets.HTML(value="")
        if css_class:
            self.widget.add_class(css_class)
        self.text = ""     # the plain sentence shown
        self.kind = ""     # "ok", "info", "warning" or "error"; "" when empty
        self._spots: list[widgets.Box] = []

    def spot(self) -> widgets.Box:
        """A place for the line next to a form; the line moves there when that form acts.

        The first spot made holds the line until then (and keeps messages that
        come from no form, such as a node that stopped answering).
        """
        box = widgets.VBox([] if self._spots else [self.widget])
        box.add_class("gc-message-spot")
        self._spots.append(box)
        return box

    def move_to(self, box: widgets.Box) -> None:
        """Show the line in `box` (one of its spots), and nowhere else."""
        if self.widget in box.children:
            return
        for other in self._spots:
            if self.widget in other.children:
                other.children = ()
        box.children = (self.widget,)

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

    def run(self, action: Callable[[], Any], success: str | Callable[[Any], str] | None = None, *,
            beside: widgets.Box | None = None, reset: Sequence[widgets.Widget] = ()) -> Any:
        """Run `action()`; show its success text or its error sentence. Never raises.

        `beside` (a spot) puts the sentence next to the form that acted; on
        success the `reset` fields are emptied (ticks cleared), ready for the
        next entry, while a failure keeps them for correcting. Returns the
        action's result, or None when it failed.
        """
        if beside is not None:
            self.move_to(beside)
        try:
            result = action()
        except GridError as exc:
            self.show(sentence(exc.message), "error")
            return None
        except Exception as exc:  # a bug of ours: still one sentence, never a traceback wall
            self.show(f"Unexpected {type(exc).__name__}: {exc}. Nothing was sent; please report "
                      f"this to your teacher.", "error")
            return None
        said = success(result) if callable(success) else success
        for field in reset:
            field.value = False if isinstance(field.value, bool) else ""
        if said is not None:
            self.show(said, "ok")
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


# ------------------------------------------------------------ the platforms' parts
PlatformClient = PowerGridClient | PowerGridV2Client   # the platforms drive either contract


def directory_for(client: PlatformClient) -> UserDirectory:
    """The user directory that suits the contract: events on PowerGridV2, a block scan on the seed."""
    return EventDirectory(client) if isinstance(client, PowerGridV2Client) else UserDirectory(client)


def reader(client: PlatformClient, account: str | NamedAccount) -> PlatformClient:
    """`client` acting as `account`, with its own small log: refreshes must not flood the shared one."""
    twin = client.using(account)
    twin.log = TxLog(capacity=_READ_LOG_CAPACITY)
    return twin


def value_display(css_class: str, width: str = "auto") -> widgets.HTML:
    """An HTML value display with a CSS class (the browser test finds values by class)."""
    display_widget = widgets.HTML(value="", layout=widgets.Layout(width=width))
    display_widget.add_class(css_class)
    return display_widget


def labelled_row(label: str, value: widgets.Widget, hint: str = "") -> widgets.HBox:
    """A bold label (with an optional small hint) beside a value."""
    title = f"<b>{html.escape(label)}</b>" + (f' <small style="opacity:.7">{html.escape(hint)}</small>'
                                              if hint else "")
    return widgets.HBox([widgets.HTML(title, layout=widgets.Layout(width="55%")), value])


def close_tree(widget: widgets.Widget) -> None:
    """Close `widget` and everything inside it: its comms end, so no page can drive it any more."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    widget.close()


def action_button(description: str, css_class: str, style: str = "primary") -> widgets.Button:
    """A button with a CSS class."""
    button = widgets.Button(description=description, button_style=style)
    button.add_class(css_class)
    return button


def text_box(css_class: str, placeholder: str, description: str = "", value: str = "") -> widgets.Text:
    """A full-width text box with a CSS class."""
    text = widgets.Text(value=value, placeholder=placeholder, description=description,
                        layout=widgets.Layout(width="auto"))
    text.add_class(css_class)
    return text


def note_html(note: str) -> str:
    """A note in the warning colour (empty when there is none)."""
    return f'<span style="color:#9a6700">{html.escape(note)}</span>' if note else ""


class LiveWidget:
    """What both dashboards share: a message line, the log subscription and the block watcher.

    A live widget refreshes itself: instantly after any transaction sent through
    the same client log (same kernel), and within `refresh_interval` seconds after
    a block mined by anyone else (another Voila page, another student), through a
    `BlockWatcher`. A refresh never raises: a node that is down is said once on
    the message line. Every action goes through `MessageLine.run`.
    """

    message: MessageLine
    client: PlatformClient

    def _start_live(self, live: bool, refresh_interval: float) -> None:
        self._refreshing = False
        self._node_problem: str | None = None  # the node error shown, so it is said once
        self._unsubscribe: Callable[[], None] | None = self.client.log.subscribe(self._on_log_entry)
        self.watcher = BlockWatcher(self.client.chain, self.refresh, interval=refresh_interval,
                                    on_error=self._show_node_problem)
        self.refresh()
        if live:
            self.watcher.start()

    def _on_log_entry(self, entry: TxLogEntry) -> None:
        # Calls change nothing on the chain; only transactions warrant a refresh.
        if entry.kind == "transaction":
            self.refresh()

    def refresh(self) -> None:
        """Read the chain again and redraw; never raises (a node problem goes to the message line)."""
        if self._refreshing:
            return
        self._refreshing = True
        try:
            block = self.client.chain.block_number
            self._read_and_draw()
            self.watcher.last_block = block  # this block is drawn: the watcher need not redo it
            if self._node_problem is not None:
                if self.message.text == self._node_problem:
                    self.message.show("The node answers again: the view is up to date.", "info")
                self._node_problem = None
        except GridError as exc:
            if exc.kind == "node":
                self._show_node_problem(exc)
            else:
                self.message.show(f"Could not refresh: {exc.message}", "warning")
        except Exception as exc:  # a bug of ours must not break the page's refresh loop
            self.message.show(f"Could not refresh (unexpected {type(exc).__name__}: {exc}); please "
                              f"report this to your teacher.", "warning")
        finally:
            self._refreshing = False

    def _show_node_problem(self, exc: GridError) -> None:
        # Said once, when the node stops answering: the watcher calls this every
        # interval while it is down, and must not overwrite the user's messages.
        if self._node_problem is None:
            text = sentence(exc.message)
            self.message.show(text, "error")
            self._node_problem = text

    @property
    def parts(self) -> list[LiveWidget]:
        """Live widgets shown inside this one, closed with it."""
        if "_parts" not in self.__dict__:
            self._parts: list[LiveWidget] = []
        return self._parts

    def close(self) -> None:
        """Stop refreshing (background polling and the log subscription), this widget's parts too."""
        for part in self.parts:
            part.close()
        self.watcher.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _read_and_draw(self) -> None:  # pragma: no cover - each dashboard defines it
        raise NotImplementedError

    def _ipython_display_(self) -> None:
        display(self.widget)  # type: ignore[attr-defined]
