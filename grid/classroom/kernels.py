"""Which page kernel belongs to whom, how many are open, and which can be freed.

The class server learns a kernel's id from the page Voila rendered for a
member, and from then on lets only that member's token reach it. A kernel
is freed (shut down in Voila) when:

- its last tab has been closed for CLOSE_GRACE_S (a reload reconnects
  sooner, so it is not freed under the student's feet);
- no tab ever connected to it within NEVER_CONNECTED_S of its page load
  (an abandoned or failed load);
- its page sent nothing (no click, no typing) for IDLE_S, even with the tab
  open: a tab left open after class stops holding memory;
- its owner opens more than MAX_PAGES_PER_MEMBER pages (the oldest goes).

At most `cap` kernels are live at once; past that, a new page gets a clear
"the class is full" page instead of a kernel.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

CLOSE_GRACE_S = 10.0
NEVER_CONNECTED_S = 120.0
IDLE_S = 45 * 60.0        # a lesson's length: a student who comes back reloads the page
MAX_PAGES_PER_MEMBER = 3
DEFAULT_CAP = 45          # 30 students, the teacher's pages, and reloads in flight


@dataclass
class KernelEntry:
    """One page's kernel: who owns it, which page it runs, and its open websockets."""

    kernel_id: str
    owner: str                  # member name: "student03", "teacher"
    page: str                   # "student", "manager", "operator"
    created: float = field(default_factory=time.monotonic)
    sockets: int = 0
    ever_connected: bool = False
    last_closed: float | None = None
    last_active: float = field(default_factory=time.monotonic)


class KernelRegistry:
    """The live page kernels, thread-safe (the server's loop and its reaper share it)."""

    def __init__(self, cap: int = DEFAULT_CAP, *, per_member: int = MAX_PAGES_PER_MEMBER,
                 close_grace_s: float = CLOSE_GRACE_S, never_connected_s: float = NEVER_CONNECTED_S,
                 idle_s: float = IDLE_S) -> None:
        self.cap = cap
        self.idle_s = idle_s
        self.per_member = per_member
        self.close_grace_s = close_grace_s
        self.never_connected_s = never_connected_s
        self._entries: dict[str, KernelEntry] = {}
        self._pending = 0         # pages being rendered: they will hold a kernel
        self._lock = threading.Lock()

    def reserve(self) -> bool:
        """Hold a place for a page about to be rendered; False when the cap is reached."""
        with self._lock:
            if len(self._entries) + self._pending >= self.cap:
                return False
            self._pending += 1
            return True

    def unreserve(self) -> None:
        """Give back a place held by `reserve()` (the render ended, with or without a kernel)."""
        with self._lock:
            self._pending = max(0, self._pending - 1)

    def add(self, kernel_id: str, owner: str, page: str) -> list[str]:
        """Record a new kernel; the ids of `owner`'s oldest kernels now past the per-member limit."""
        with self._lock:
            now = time.monotonic()   # one reading: a new page has been idle for exactly 0 s
            self._entries[kernel_id] = KernelEntry(kernel_id, owner, page, created=now, last_active=now)
            mine = sorted((e for e in self._entries.values() if e.owner == owner), key=lambda e: e.created)
            return [e.kernel_id for e in mine[:max(0, len(mine) - self.per_member)]]

    def owner_of(self, kernel_id: str) -> str | None:
        """The member that owns `kernel_id`, or None for a kernel this server did not hand out."""
        with self._lock:
            entry = self._entries.get(kernel_id)
            return entry.owner if entry else None

    def connected(self, kernel_id: str) -> None:
        """A tab opened a websocket to the kernel."""
        with self._lock:
            entry = self._entries.get(kernel_id)
            if entry:
                entry.sockets += 1
                entry.ever_connected = True
                entry.last_closed = None

    def touched(self, kernel_id: str, now: float | None = None) -> None:
        """The kernel's page sent a message (the student did something)."""
        with self._lock:
            entry = self._entries.get(kernel_id)
            if entry:
                entry.last_active = time.monotonic() if now is None else now

    def disconnected(self, kernel_id: str) -> None:
        """A tab's websocket to the kernel closed."""
        with self._lock:
            entry = self._entries.get(kernel_id)
            if entry:
                entry.sockets = max(0, entry.sockets - 1)
                if entry.sockets == 0:
                    entry.last_closed = time.monotonic()

    def remove(self, kernel_id: str) -> KernelEntry | None:
        """Forget a kernel (it was shut down); its entry, if it was known."""
        with self._lock:
            return self._entries.pop(kernel_id, None)

    def due(self, now: float | None = None) -> list[str]:
        """The kernels to free now: closed long enough, never connected, or idle too long."""
        now = time.monotonic() if now is None else now
        with self._lock:
            closed = [e for e in self._entries.values() if e.sockets == 0 and e.last_closed is not None
                      and now - e.last_closed >= self.close_grace_s]
            abandoned = [e for e in self._entries.values()
                         if not e.ever_connected and now - e.created >= self.never_connected_s]
            idle = [e for e in self._entries.values() if now - e.last_active >= self.idle_s]
            return list(dict.fromkeys(e.kernel_id for e in closed + abandoned + idle))

    def count(self, owner: str | None = None) -> int:
        """Live kernels (of `owner`, or all)."""
        with self._lock:
            return sum(1 for e in self._entries.values() if owner is None or e.owner == owner)

    def snapshot(self) -> list[KernelEntry]:
        """A copy of the entries, oldest first."""
        with self._lock:
            return sorted((KernelEntry(**vars(e)) for e in self._entries.values()), key=lambda e: e.created)
