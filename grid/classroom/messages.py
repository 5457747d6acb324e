"""Which kernel messages a class page may send: widget traffic only, never code.

A Voila page talks to its kernel over Jupyter's websocket protocol. The page
needs only the widget messages: `kernel_info_request` and `comm_info_request`
on start, a `comm_open` of the widget manager's control channel
("jupyter.widget.control") to fetch the widgets' state and a `comm_close` of
that same comm, and `comm_msg` for every click and keystroke. Anything else,
above all `execute_request`, would let a page run code on the server, so the
class server refuses it and closes the socket.

Both protocols are read: Jupyter's v1 websocket protocol
("v1.kernel.websocket.jupyter.org": a little-endian uint64 count, that many
uint64 offsets, then the channel, header, parent header, metadata, content
and buffers), and the legacy one (JSON text; with buffers, a big-endian
uint32 count, that many uint32 offsets, the JSON message, then the buffers).
"""
from __future__ import annotations

import json
import struct
from dataclasses import dataclass

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
ALLOWED_SHELL = frozenset({"kernel_info_request", "comm_info_request", "comm_msg", "comm_open",
                           "comm_close"})
WIDGET_CONTROL_TARGET = "jupyter.widget.control"
MAX_MESSAGE_BYTES = 1 << 20       # a widget update is a few hundred bytes; 1 MiB is generous


@dataclass(frozen=True)
class Verdict:
    """Whether a page's message may reach its kernel, and why not."""

    allowed: bool
    reason: str = ""
    msg_type: str = ""
    comm_id: str = ""         # for comm_open and comm_close


def _parse_v1(message: bytes) -> dict:
    (count,) = struct.unpack_from("<Q", message, 0)
    if not 6 <= count <= 64 or len(message) < 8 * (count + 1):
        raise ValueError("a v1 message with a bad offset count")
    offsets = struct.unpack_from(f"<{count}Q", message, 8)
    if list(offsets) != sorted(offsets) or offsets[-1] > len(message):
        raise ValueError("a v1 message with bad offsets")
    part = [message[offsets[i]:offsets[i + 1]] for i in range(count - 1)]
    return {"channel": part[0].decode("utf-8"), "header": json.loads(part[1]), "content": json.loads(part[4])}


def _parse(message: str | bytes, protocol: str) -> dict:
    if isinstance(message, str):
        return json.loads(message)
    if protocol == V1_PROTOCOL:
        return _parse_v1(message)
    if len(message) < 8:
        raise ValueError("a binary message shorter than its header")
    (count,) = struct.unpack_from(">I", message, 0)
    if not 1 <= count <= 64 or len(message) < 4 + 4 * count:
        raise ValueError("a binary message with a bad buffer count")
    offsets = struct.unpack_from(f">{count}I", message, 4)
    end = offsets[1] if count > 1 else len(message)
    return json.loads(message[offsets[0]:end].decode("utf-8"))


def check_message(message: str | bytes, protocol: str = "",
                  opened: frozenset[str] | set[str] = frozenset()) -> Verdict:
    """May this message from a page go to its kernel?

    `protocol` is the websocket's subprotocol; `opened` the comms this page opened
    itself (the only ones it may close).
    """
    if len(message) > MAX_MESSAGE_BYTES:
        return Verdict(False, f"a message of {len(message)} bytes (at most {MAX_MESSAGE_BYTES})")
    try:
        msg = _parse(message, protocol)
        channel = msg.get("channel")
        msg_type = msg["header"]["msg_type"]
        content = msg.get("content") or {}
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, struct.error):
        return Verdict(False, "a message that is not a Jupyter message")
    if not isinstance(msg_type, str):
        return Verdict(False, "a message without a type")
    if channel != "shell":
        return Verdict(False, f"{msg_type} on the {channel} channel", msg_type)
    if msg_type not in ALLOWED_SHELL:
        return Verdict(False, f"{msg_type} (a page may only use its widgets)", msg_type)
    comm_id = str(content.get("comm_id", "")) if isinstance(content, dict) else ""
    if msg_type == "comm_open" and content.get("target_name") != WIDGET_CONTROL_TARGET:
        return Verdict(False, f"comm_open of {content.get('target_name')!r}", msg_type)
    if msg_type == "comm_close" and comm_id not in opened:
        return Verdict(False, "comm_close of a comm this page did not open", msg_type)
    return Verdict(True, msg_type=msg_type, comm_id=comm_id)
