"""Who may send from an account right now, and with which nonce: shared by every client in this process.

A nonce orders one account's transactions; two sent at once from one account
race for the same nonce and the node refuses one ("nonce too low",
"transaction already imported"). So each account on each node has one send
lock that every client and thread in this process shares, and, for
transactions signed here, the next nonce to use.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

NONCE_RETRIES = 8   # resends after another program took the nonce; then the sentence says so
_NONCE_CONFLICTS = ("nonce too low", "already imported", "already known", "nonce has already been used",
                    "replacement transaction underpriced", "invalid nonce")


def nonce_conflict(message: str) -> bool:
    """True when a node refused a transaction because its nonce was taken already."""
    text = message.lower()
    return any(marker in text for marker in _NONCE_CONFLICTS)


@dataclass
class AccountSlot:
    """One account on one node: its send lock and, for locally signed transactions, the next nonce."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    next: int | None = None


_slots: dict[tuple[str, str], AccountSlot] = {}
_slots_lock = threading.Lock()


def account_slot(url: str, address: str) -> AccountSlot:
    """The slot every client in this process shares for `address` on the node at `url`."""
    with _slots_lock:
        return _slots.setdefault((url, address.lower()), AccountSlot())


def forget_slots(url: str) -> None:
    """Drop the cached nonces for the node at `url` (each is read again before its next use)."""
    with _slots_lock:
        slots = [slot for (node, _), slot in _slots.items() if node == url]
    for slot in slots:
        with slot.lock:
            slot.next = None
