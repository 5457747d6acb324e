"""The class server's front door: every request checked, then passed to Voila on loopback.

Students' browsers reach only this server. Voila listens on 127.0.0.1 with a
secret token that only this server sends, so nothing else on the network
(or the machine) can ask it for a page or a kernel. On every HTTP and
websocket request this server checks, in order:

1. the Host header names an address it listens on (no DNS rebinding);
2. the path is one it serves, with no `..` (no traversal);
3. the token (from ?token= on the first visit, then an HttpOnly, SameSite
   cookie) belongs to a class member;
4. the member may open this page (a student only their own page, the
   teacher the manager and operator pages);
5. for a websocket or a POST, the Origin is this server (another site's
   page cannot drive a student's page);
6. for a kernel, the member owns it (grid.classroom.kernels);
7. for every websocket message, it is widget traffic (grid.classroom.messages).

A refusal is a short page (or HTTP status for a script) that says what to do.
"""
from __future__ import annotations

import asyncio
import html
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlencode, urlsplit

from tornado import httpclient, web, websocket

from .kernels import KernelRegistry
from .messages import V1_PROTOCOL, check_message
from .roster import Member, Roster

LOG = logging.getLogger("grid.classroom")
COOKIE = "gridchain_class"
UPSTREAM_CONNECTIONS = 64      # requests to Voila in flight at once
UPSTREAM_TIMEOUT_S = 180.0      # a page's first render in a cold kernel, on a busy 2-core laptop
PAGES = {"student": "student.ipynb", "manager": "manager.ipynb", "operator": "operator.ipynb"}
TEACHER_PAGES = ("manager", "operator")
STATIC_PREFIXES = ("/voila/static/", "/voila/templates/", "/voila/labextensions/", "/voila/api/themes/")
KERNEL_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_KERNEL_IN_PAGE = re.compile(rf'"kernelId"\s*:\s*"({KERNEL_ID})"')
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",          # the first URL carries the token: never pass it on
    "X-Frame-Options": "SAMEORIGIN",
    "Cache-Control": "no-store",
}
FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" '
           'fill="#1a7f37"/><path d="M9 1 4 9h3l-1 6 5-8H8z" fill="#fff"/></svg>')


@dataclass
class GatewayConfig:
    """What the front door needs to know."""

    roster: Roster
    upstream: str                        # Voila's base URL on loopback, e.g. http://127.0.0.1:41234
    upstream_token: str                  # Voila's own token: only this server knows it
    allowed_hosts: frozenset[str]        # Host header values accepted ("192.168.1.20:8900", ...)
    kernels: KernelRegistry = field(default_factory=KernelRegistry)
    landing: Callable[[Member], str] | None = None   # the teacher's landing page's HTML
    roster_html: Callable[[], str] | None = None      # the QR roster page's HTML
    refused: list[str] = field(default_factory=list)  # what was refused, newest last (for the log and tests)

    def note(self, what: str) -> None:
        """Remember a refusal (the last 500) and log it."""
        LOG.warning("refused: %s", what)
        self.refused.append(what)
        del self.refused[:-500]


def message_page(title: str, text: str, status: int) -> str:
    """A small self-contained page that says what happened and what to do."""
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><meta name='viewport' "
            f"content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)} · GridChain Lab</title><link rel='icon' href='/favicon.ico'>"
            f"<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;"
            f"padding:0 1rem;color:#111}}h1{{font-size:1.4rem}}</style></head><body>"
            f"<h1 class='gc-class-refusal' data-status='{status}'>{html.escape(title)}</h1>"
            f"<p>{html.escape(text)}</p></body></html>")


def same_origin(origin: str, host: str) -> bool:
    """True when `origin` (a page's Origin header) is this server at `host`."""
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


class Checked(web.RequestHandler):
    """Every handler's checks: host, path, token, and for unsafe requests the origin."""

    config: GatewayConfig
    member: Member | None = None
    teacher_only = False
    needs_member = True

    def initialize(self, config: GatewayConfig) -> None:
        self.config = config

    def set_default_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.set_header(name, value)

    def refuse(self, status: int, title: str, text: str) -> None:
        """End the request with a readable refusal."""
        self.config.note(f"{status} {self.request.method} {self.request.path}: {title}")
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(message_page(title, text, status))
        raise web.Finish()

    def prepare(self) -> None:
        host = (self.request.headers.get("Host") or "").lower()
        if host not in self.config.allowed_hosts:
            self.refuse(421, "Wrong address", "This class server answers only at the address the teacher "
                        "gave you: open your link again.")
        path = unquote(self.request.path)
        if ".." in path.replace("\\", "/").split("/") or "\x00" in path:
            self.refuse(404, "Not found", "There is no such page: open your class link again.")
        if not self.needs_member:
            return
        token = self.get_query_argument("token", None) or self.get_cookie(COOKIE)
        self.member = self.config.roster.find(token)
        if self.member is None:
            self.refuse(403, "This page needs your class link", "Open the personal link (or scan the QR "
                        "code) your teacher gave you. If it still fails, ask your teacher for your link "
                        "again.")
        if self.teacher_only and not self.member.is_teacher:
            self.refuse(403, "This page is for the teacher", "Your own page is at the address your link "
                        "opens: open your link again.")
        if self.request.method not in ("GET", "HEAD") or self.request.headers.get("Upgrade"):
            self.check_same_origin()

    def check_same_origin(self) -> None:
        """Refuse a request a page of another site made (its Origin is not this server)."""
        origin = self.request.headers.get("Origin")
        if origin is not None and not same_origin(origin, self.request.headers.get("Host", "")):
            self.refuse(403, "Refused", "This request came from another site's page.")

    def upstream_headers(self) -> dict[str, str]:
        """Headers for Voila: its token, and nothing the browser sent but what a page needs."""
        headers = {"Authorization": f"token {self.config.upstream_token}"}
        for name in ("Accept", "Accept-Language", "If-None-Match", "If-Modified-Since"):
            if name in self.request.headers:
                headers[name] = self.request.headers[name]
        return headers

    async def fetch(self, path: str, *, method: str = "GET", body: bytes | None = None,
                    timeout: float = 30.0) -> httpclient.HTTPResponse:
        """Ask Voila for `path` (with its token); the response, whatever its status."""
        # connect_timeout also bounds the wait in the client's queue, which a whole class fills at once.
        request = httpclient.HTTPRequest(self.config.upstream + path, method=method, body=body,
                                         headers=self.upstream_headers(), follow_redirects=False,
                                         connect_timeout=timeout, request_timeout=timeout,
                                         allow_nonstandard_methods=True)
        try:
            return await httpclient.AsyncHTTPClient().fetch(request, raise_error=False)
        except (httpclient.HTTPClientError, OSError) as exc:   # a timeout or no answer: relay() says so
            return httpclient.HTTPResponse(request, 599, error=exc)

    def relay(self, response: httpclient.HTTPResponse) -> None:
        """Send Voila's answer on, with its content type (and nothing that names Voila's address)."""
        if response.code == 599:   # no answer at all
            self.refuse(503, "The class server is busy", "The page did not load in time: reload it in a "
                        "minute.")
        self.set_status(response.code)
        for name in ("Content-Type", "Etag", "Last-Modified"):
            if name in response.headers:
                self.set_header(name, response.headers[name])
        if response.code == 304:
            self.finish()
        else:
            self.finish(response.body or b"")


class Landing(Checked):
    """/ : a first visit with ?token= sets the cookie; the teacher gets the class page, a student theirs."""

    def get(self) -> None:
        if self.get_query_argument("token", None) is not None:
            self.set_cookie(COOKIE, self.get_query_argument("token"), httponly=True, samesite="Strict",
                            path="/")
            self.redirect("/")   # drop the token from the address bar, the history and every Referer
            return
        if not self.member.is_teacher:
            self.redirect("/student")
            return
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(self.config.landing(self.member) if self.config.landing else "")


class RosterPage(Checked):
    """/roster : the QR codes (teacher only)."""

    teacher_only = True

    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(self.config.roster_html() if self.config.roster_html else "")


class Favicon(Checked):
    """/favicon.ico : the lab's icon (no token: a browser asks for it before anything else)."""

    needs_member = False

    def get(self) -> None:
        self.set_header("Content-Type", "image/svg+xml")
        self.set_header("Cache-Control", "max-age=86400")
        self.finish(FAVICON)


class Page(Checked):
    """/student, /manager, /operator : a platform page rendered by Voila in a kernel of the member's own."""

    async def get(self, page: str) -> None:
        member = self.member
        if (page == "student") == member.is_teacher or page not in PAGES:
            if member.is_teacher:
                self.refuse(404, "Not a teacher's page", "Your pages are the manager and the market "
                            "operator: open them from the class page.")
            self.refuse(403, "This page is for the teacher", "Your own page is at /student: open your link "
                        "again.")
        kernels = self.config.kernels
        if not kernels.reserve():
            self.refuse(503, "The class is full", f"{kernels.cap} pages are open already. Close a tab you no "
                        f"longer use, or wait a minute and reload.")
        try:
            query = urlencode({"student": member.name}) if page == "student" else ""
            response = await self.fetch(f"/voila/render/{PAGES[page]}" + (f"?{query}" if query else ""),
                                        timeout=UPSTREAM_TIMEOUT_S)
            found = _KERNEL_IN_PAGE.search((response.body or b"").decode("utf-8", "replace"))
            if found and response.code == 200:
                for old in kernels.add(found.group(1), member.name, page):
                    await shutdown_kernel(self.config, old)
        finally:
            kernels.unreserve()
        self.relay(response)


class Static(Checked):
    """Voila's scripts, styles, templates and themes (for any member)."""

    async def get(self, _: str) -> None:
        self.relay(await self.fetch(self.request.uri))


class KernelOwned(Checked):
    """A request about one kernel: only its owner's token may make it."""

    def owns(self, kernel_id: str) -> None:
        """Refuse unless the member owns `kernel_id`."""
        if self.config.kernels.owner_of(kernel_id) != self.member.name:
            self.refuse(403, "Not your page", "This connection belongs to another page: reload your own.")


class Shutdown(KernelOwned):
    """POST /voila/api/shutdown/<id> : the page is closing; free its kernel."""

    async def post(self, kernel_id: str) -> None:
        self.owns(kernel_id)
        await shutdown_kernel(self.config, kernel_id)
        self.set_status(204)
        self.finish()

    def check_xsrf_cookie(self) -> None:   # the Origin check above stands in for it
        return None


class KernelModel(KernelOwned):
    """GET /api/kernels/<id> : the page asks whether its kernel lives (its own only)."""

    async def get(self, kernel_id: str) -> None:
        self.owns(kernel_id)
        self.relay(await self.fetch(f"/api/kernels/{kernel_id}"))


class Channels(websocket.WebSocketHandler, KernelOwned):
    """/api/kernels/<id>/channels : the page's websocket, relayed to its own kernel, widget traffic only."""

    upstream: websocket.WebSocketClientConnection | None = None
    kernel_id = ""
    protocol = ""
    _pumping: asyncio.Future | None = None

    def check_origin(self, origin: str) -> bool:
        return same_origin(origin, self.request.headers.get("Host", ""))

    def select_subprotocol(self, subprotocols: list[str]) -> str | None:
        # The same protocol upstream and here: grid.classroom.messages reads both framings.
        return V1_PROTOCOL if V1_PROTOCOL in subprotocols else None

    async def get(self, kernel_id: str) -> None:
        self.owns(kernel_id)
        self.kernel_id = kernel_id
        url = self.config.upstream.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels"
        session = self.get_query_argument("session_id", "")
        request = httpclient.HTTPRequest(url + (f"?session_id={session}" if session else ""),
                                         headers={"Authorization": f"token {self.config.upstream_token}"},
                                         request_timeout=30)
        offered = [p.strip() for p in self.request.headers.get("Sec-WebSocket-Protocol", "").split(",")]
        self.protocol = self.select_subprotocol(offered) or ""
        try:
            self.upstream = await websocket.websocket_connect(
                request, max_message_size=64 << 20, subprotocols=[self.protocol] if self.protocol else None)
        except Exception:
            self.refuse(503, "The page's kernel is gone", "Reload the page to start it again.")
        await super().get(kernel_id)

    def open(self, kernel_id: str) -> None:
        self.opened: set[str] = set()    # the comms this page opened (and so may close)
        self.config.kernels.connected(kernel_id)
        self._pumping = asyncio.ensure_future(self._pump())

    async def _pump(self) -> None:
        while self.upstream is not None:
            message = await self.upstream.read_message()
            if message is None:
                break
            try:
                await self.write_message(message, binary=isinstance(message, bytes))
            except websocket.WebSocketClosedError:
                break
        self.close()

    async def on_message(self, message: str | bytes) -> None:
        verdict = check_message(message, self.protocol, self.opened)
        if verdict.msg_type == "comm_open" and verdict.allowed:
            self.opened.add(verdict.comm_id)
        if not verdict.allowed:
            self.config.note(f"ws {self.member.name} -> {self.kernel_id}: refused {verdict.reason}")
            self.close(1008, "only widget messages are allowed")
            return
        self.config.kernels.touched(self.kernel_id)
        if self.upstream is not None:
            await self.upstream.write_message(message, binary=isinstance(message, bytes))

    def on_close(self) -> None:
        if self.upstream is not None:
            self.upstream.close()
            self.upstream = None
        if self.kernel_id:
            self.config.kernels.disconnected(self.kernel_id)


class NotFound(Checked):
    """Anything else: Voila's own file list, raw notebooks, its query socket, the kernels API."""

    needs_member = False

    def prepare(self) -> None:
        super().prepare()
        self.refuse(404, "Not found", "There is no such page: open your class link again.")


async def shutdown_kernel(config: GatewayConfig, kernel_id: str) -> None:
    """Ask Voila to shut `kernel_id` down and forget it."""
    if config.kernels.remove(kernel_id) is None:
        return
    request = httpclient.HTTPRequest(f"{config.upstream}/api/kernels/{kernel_id}", method="DELETE",
                                     headers={"Authorization": f"token {config.upstream_token}"},
                                     connect_timeout=30, request_timeout=30)
    try:
        await httpclient.AsyncHTTPClient().fetch(request, raise_error=False)
    except (httpclient.HTTPClientError, OSError) as exc:   # Voila's own cull frees it later
        logging.getLogger(__name__).warning("could not shut kernel %s down: %s", kernel_id, exc)


async def reap(config: GatewayConfig, every_s: float = 2.0) -> None:
    """Free the kernels that are due (closed tabs, abandoned loads), forever."""
    while True:
        for kernel_id in config.kernels.due(time.monotonic()):
            await shutdown_kernel(config, kernel_id)
        await asyncio.sleep(every_s)


def application(config: GatewayConfig) -> web.Application:
    """The front door's routes."""
    # Every open page may load at once (tornado's default is 10 at a time); the rest queue.
    httpclient.AsyncHTTPClient.configure(None, max_clients=UPSTREAM_CONNECTIONS)
    kw = {"config": config}
    return web.Application([
        (r"/", Landing, kw),
        (r"/roster", RosterPage, kw),
        (r"/favicon\.ico", Favicon, kw),
        (r"/(student|manager|operator)", Page, kw),
        (r"(/voila/(?:static|templates|labextensions|api/themes)/.*)", Static, kw),
        (rf"/voila/api/shutdown/({KERNEL_ID})", Shutdown, kw),
        (rf"/api/kernels/({KERNEL_ID})", KernelModel, kw),
        (rf"/api/kernels/({KERNEL_ID})/channels", Channels, kw),
        (r".*", NotFound, kw),
    ], websocket_max_message_size=1 << 20, xsrf_cookies=False)
