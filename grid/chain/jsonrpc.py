"""JSON-RPC over HTTP with one kept-alive connection per thread: the shortest path to a node.

web3's HTTPProvider goes through requests and urllib3, which cost about as
much per request as a local node's whole answer (measured: an
eth_sendTransactionSync takes ~1.3 ms through HTTPProvider, ~0.7 ms through
http.client). The contract side talks to nodes through this instead; `chain.w3`
stays a normal web3 for students.
"""
from __future__ import annotations

import base64
import errno
import http.client
import itertools
import json
import select
import socket
import ssl
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
DEFAULT_TIMEOUT_S = 60.0


class NodeUnreachable(ConnectionError):
    """No connection, or the connection broke before a reply arrived.

    `cause` says which: "refused" (nothing listens), "timeout" (it listens
    but does not answer: frozen or overloaded), "tls" (https to a plain-http
    node, or a bad certificate) or "broken".
    """

    def __init__(self, message: str, cause: str = "broken") -> None:
        super().__init__(message)
        self.cause = cause


def redacted(url: str) -> str:
    """The URL without any user:password part, for messages and logs."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]).geturl()


def check_url(url: str) -> str:
    """The URL when it is http(s) with a host and a valid port; else ValueError (credentials hidden)."""
    shown = redacted(url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"{shown!r} is not an http:// or https:// URL")
    if not parts.hostname:
        raise ValueError(f"{shown!r} names no host: write it as http://host:port, e.g. http://127.0.0.1:8545")
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked
    except ValueError:
        raise ValueError(f"the port in {shown!r} is not a number from 1 to 65535: write it as "
                         f"http://host:port, e.g. http://127.0.0.1:8545") from None
    return url


@dataclass(frozen=True)
class HttpReply:
    """One HTTP answer: status code and raw body."""

    status: int
    body: bytes


class JsonRpcConnection:
    """POST JSON-RPC requests to `url` on a kept-alive connection (one per thread)."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        parts = urlsplit(check_url(url))
        self.url = url
        self._headers = dict(HEADERS)
        if parts.username is not None:  # http://user:pw@host: HTTP basic authentication
            token = base64.b64encode(f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode())
            self._headers["Authorization"] = "Basic " + token.decode()
        self._https = parts.scheme == "https"
        self._host, self._port = parts.hostname, parts.port
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._timeout = timeout
        self._local = threading.local()
        self._ids = itertools.count(1)

    def request(self, method: str, params: list) -> Any:
        """Send one request; return the decoded JSON reply (raises ValueError for a non-JSON body)."""
        body = json.dumps({"jsonrpc": "2.0", "id": next(self._ids), "method": method,
                           "params": params}, separators=(",", ":")).encode()
        reply = self.post(body)
        if reply.status != 200 and not reply.body.lstrip().startswith(b"{"):
            raise HttpStatusError(reply.status)
        return json.loads(reply.body)

    def post(self, body: bytes) -> HttpReply:
        """POST a pre-encoded body on this thread's connection."""
        conn = self._connection()
        try:
            conn.request("POST", self._path, body, self._headers)
            response = conn.getresponse()
            return HttpReply(response.status, response.read())
        except (OSError, http.client.HTTPException) as exc:
            self._drop()
            raise NodeUnreachable(str(exc), _cause(exc)) from None

    def close(self) -> None:
        """Close this thread's connection (others close when their threads end)."""
        self._drop()

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is not None and _dropped_by_peer(conn):
            # The node closed the idle connection (or restarted): reconnect
            # before sending, so a request is never sent twice.
            self._drop()
            conn = None
        if conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            conn = self._local.conn = cls(self._host, self._port, timeout=self._timeout)
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            conn.close()


class HttpStatusError(Exception):
    """The server answered with an HTTP error and no JSON-RPC body."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


def _cause(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError):
        return "tls"
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError) or (isinstance(exc, OSError) and exc.errno in (
            errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH)) or isinstance(exc, socket.gaierror):
        return "refused"
    return "broken"


def _dropped_by_peer(conn: http.client.HTTPConnection) -> bool:
    # An idle kept-alive socket that is readable has been closed by the peer
    # (urllib3 checks the same way before reusing a pooled connection).
    sock = conn.sock
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)
