"""A class page driven without a browser: the requests, websocket and widget messages a page sends.

    page = PageClient("http://127.0.0.1:8900", token)
    page.open("student")                      # the cookie, the page, its kernel's websocket, the widgets
    page.set("gc-market-kwh", value="1.5")
    page.click("gc-market-place")
    page.wait_for("gc-market-message", lambda v: "bid #" in v)
    page.close()

It speaks what JupyterLab's widget manager speaks in a browser: Jupyter's v1
websocket protocol, `comm_open` of "jupyter.widget.control" with
`request_states` to learn every widget's state, `comm_msg` "update" for a
typed value and "custom" {"event": "click"} for a button. The messages are
made by jupyter_client's Session and framed by jupyter_server's own v1
serialiser. `python -m grid class-load` runs thirty of these at once; the
class's security tests use one to try what a hostile page would.
"""
from __future__ import annotations

import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
import websocket
from jupyter_client.session import Session, json_packer
from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1, serialize_msg_to_ws_v1

from ..errors import GridError
from .messages import V1_PROTOCOL, WIDGET_CONTROL_TARGET

KERNEL_IN_PAGE = re.compile(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"')
CONTROL_PROTOCOL_VERSION = "1.0.0"     # ipywidgets 8's widget control protocol
REFUSAL_TITLE = re.compile(r"<h1 class='gc-class-refusal'[^>]*>([^<]*)</h1>")


class PageRefused(GridError):
    """The class server refused a request: its HTTP status and the refusal page's title."""

    def __init__(self, status: int, title: str) -> None:
        super().__init__(f"the class server answered {status}: {title or 'no page'}", kind="permission")
        self.status = status


@dataclass
class Incoming:
    """One message from the kernel, with when it arrived (time.monotonic())."""

    channel: str
    msg_type: str
    content: dict
    at: float


@dataclass
class PageClient:
    """One member's page: log in with a token, open a page, then read and drive its widgets."""

    base_url: str
    token: str | None
    host: str | None = None          # a Host header to send instead of the URL's (an attack)
    origin: str | None = None        # the Origin to send (default: the server's own)
    timeout_s: float = 60.0
    kernel_id: str = ""
    states: dict[str, dict] = field(default_factory=dict)     # comm id -> widget state
    inbox: list[Incoming] = field(default_factory=list)
    history: list[tuple[float, str, dict]] = field(default_factory=list)   # (when, comm id, state change)
    closed: threading.Event = field(default_factory=threading.Event)
    close_code: int | None = None

    def __post_init__(self) -> None:
        self.http = requests.Session()
        # The server signs what it forwards to the kernel; a key here only keeps Session from warning.
        self.session = Session(key=secrets.token_bytes(16), username="page")
        self._changed = threading.Condition()
        self._ws: websocket.WebSocket | None = None
        self._reader: threading.Thread | None = None

    # ------------------------------------------------------------ http
    def _headers(self) -> dict[str, str]:
        return {"Host": self.host} if self.host else {}

    def login(self) -> None:
        """First visit with the token: the server sets its cookie (a PageRefused if it will not)."""
        response = self.http.get(f"{self.base_url}/", params={"token": self.token} if self.token else None,
                                 headers=self._headers(), allow_redirects=False, timeout=self.timeout_s)
        if response.status_code != 302:
            raise _refused(response)

    def load(self, page: str) -> str:
        """GET /<page>: the kernel id the rendered page names (a PageRefused if refused)."""
        response = self.http.get(f"{self.base_url}/{page}", headers=self._headers(), allow_redirects=False,
                                 timeout=self.timeout_s)
        found = KERNEL_IN_PAGE.search(response.text) if response.status_code == 200 else None
        if found is None:
            raise _refused(response)
        self.kernel_id = found.group(1)
        return self.kernel_id

    # ------------------------------------------------------------ websocket
    def connect(self, kernel_id: str | None = None) -> None:
        """Open the kernel's websocket as the page does (a PageRefused with the handshake's status)."""
        kernel_id = kernel_id or self.kernel_id
        parts = urlsplit(self.base_url)
        url = f"ws://{parts.netloc}/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4()}"
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        try:
            self._ws = websocket.create_connection(
                url, timeout=self.timeout_s, cookie=cookie or None, host=self.host or parts.netloc,
                origin=self.origin or f"{parts.scheme}://{parts.netloc}", subprotocols=[V1_PROTOCOL])
        except websocket.WebSocketBadStatusException as exc:
            raise PageRefused(exc.status_code, "the websocket was refused") from None
        self.closed.clear()
        self._reader = threading.Thread(target=self._read, name=f"page-{kernel_id[:8]}", daemon=True)
        self._reader.start()

    def send(self, msg_type: str, content: dict, channel: str = "shell", metadata: dict | None = None) -> str:
        """Send one message to the kernel; its msg_id."""
        msg = self.session.msg(msg_type, content, metadata=metadata)
        self._ws.send_binary(serialize_msg_to_ws_v1(msg, channel, json_packer))
        return msg["header"]["msg_id"]

    def _read(self) -> None:
        ws = self._ws
        try:
            while True:
                opcode, frame = ws.recv_data()
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    self.close_code = int.from_bytes(frame[:2], "big") if len(frame) >= 2 else 1005
                    break
                if opcode == websocket.ABNF.OPCODE_BINARY:
                    self._receive(*deserialize_msg_from_ws_v1(frame))
        except (websocket.WebSocketException, OSError, ValueError):
            pass
        finally:
            with self._changed:
                self.closed.set()
                self._changed.notify_all()

    def _receive(self, channel: str, parts: list[bytes]) -> None:
        header, content = json.loads(parts[0]), json.loads(parts[3])
        with self._changed:
            self.inbox.append(Incoming(channel, header.get("msg_type", ""), content, time.monotonic()))
            data = content.get("data") or {}
            if header.get("msg_type") == "comm_open" and "state" in data:
                self.states[content["comm_id"]] = dict(data["state"])
            elif header.get("msg_type") == "comm_msg":
                if data.get("method") == "update_states":
                    for comm_id, model in data.get("states", {}).items():
                        self.states[comm_id] = dict(model.get("state", {}))
                elif data.get("method") in ("update", "echo_update"):
                    self.states.setdefault(content["comm_id"], {}).update(data.get("state", {}))
                    self.history.append((time.monotonic(), content["comm_id"], data.get("state", {})))
            elif header.get("msg_type") == "comm_close":
                self.states.pop(content.get("comm_id"), None)
            self._changed.notify_all()

    def wait(self, ready: Callable[[], bool], timeout_s: float | None = None, what: str = "") -> float:
        """Wait until `ready()` (checked under the inbox lock); when it became true (time.monotonic())."""
        deadline = time.monotonic() + (self.timeout_s if timeout_s is None else timeout_s)
        with self._changed:
            while not ready():
                left = deadline - time.monotonic()
                if left <= 0 or self.closed.is_set():
                    state = "the websocket closed" if self.closed.is_set() else "timed out"
                    raise GridError(f"{state} waiting for {what or 'the page'}", kind="node")
                self._changed.wait(min(left, 0.5))
            return time.monotonic()

    # ------------------------------------------------------------ widgets
    def sync_widgets(self) -> None:
        """Ask the kernel for every widget's state, as the widget manager does when a page starts."""
        self.send("kernel_info_request", {})
        control = str(uuid.uuid4())
        self.send("comm_open", {"comm_id": control, "target_name": WIDGET_CONTROL_TARGET, "data": {}},
                  metadata={"version": CONTROL_PROTOCOL_VERSION})
        self.send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        self.wait(lambda: any(m.msg_type == "comm_msg" and m.content.get("comm_id") == control
                              for m in self.inbox), what="the widgets' states")
        self.send("comm_close", {"comm_id": control, "data": {}})

    def open(self, page: str) -> float:
        """Log in, load `page`, connect and learn its widgets; when it became usable (time.monotonic())."""
        self.login()
        self.load(page)
        self.connect()
        self.sync_widgets()
        return time.monotonic()

    def widget(self, css_class: str) -> str:
        """The comm id of the widget carrying `css_class` (a GridError when the page has none)."""
        with self._changed:
            for comm_id, state in self.states.items():
                if css_class in state.get("_dom_classes", ()):
                    return comm_id
        raise GridError(f"the page has no widget {css_class!r}", kind="input")

    def value(self, css_class: str, key: str = "value") -> object:
        """A widget's current `key` as the page last heard it."""
        comm_id = self.widget(css_class)
        with self._changed:
            return self.states[comm_id].get(key)

    def set(self, css_class: str, **state: object) -> None:
        """Type into a widget: send the state change the browser would."""
        comm_id = self.widget(css_class)
        self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": state,
                                                             "buffer_paths": []}})

    def click(self, css_class: str) -> float:
        """Click a button; when the click was sent (time.monotonic())."""
        comm_id = self.widget(css_class)
        self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "custom",
                                                             "content": {"event": "click"}}})
        return time.monotonic()

    def wait_for(self, css_class: str, test: Callable[[str], bool], timeout_s: float | None = None,
                 key: str = "value") -> float:
        """Wait until the widget's `key` passes `test`; when it did (time.monotonic())."""
        comm_id = self.widget(css_class)
        return self.wait(lambda: test(str(self.states.get(comm_id, {}).get(key, ""))), timeout_s,
                         what=f"{css_class} to change")

    def close(self) -> None:
        """Close the websocket (as closing the tab does)."""
        if self._ws is not None:
            try:
                self._ws.close()
            except (websocket.WebSocketException, OSError):
                pass
        if self._reader is not None:
            self._reader.join(5)
        self.http.close()


def _refused(response: requests.Response) -> PageRefused:
    found = REFUSAL_TITLE.search(response.text or "")
    return PageRefused(response.status_code, found.group(1) if found else "")
