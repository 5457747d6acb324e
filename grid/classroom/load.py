"""`python -m grid class-load`: a class of simulated students, all at once, through the real pages.

    python -m grid class-load --students 30

It starts a class session on loopback (anvil, Voila, the front door) and
then, at the same moment, every student opens their link with a page client
(grid.classroom.page_client: the same HTTP requests, websocket and widget
messages a browser page sends, through the same checks and kernels). The
teacher's market-operator page is open throughout. Once every page is usable,
every student places a bid at once. It reports:

- time to first usable page: link opened -> page loaded, websocket up, widgets' state received;
- click to update: a student's Place click -> the order in the teacher's order book;
- failed actions (a page that did not load, an order not confirmed);
- peak memory of the front door, Voila and its kernels, and the node, as proportional set size
  (a shared library's pages count once, not once per process), with the most kernels alive.
"""
from __future__ import annotations

import os
import re
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from .page_client import PageClient
from .session import ClassSession

ORDER_ID = re.compile(r"bid #(\d+)")
CONFIRM_S = 60.0          # an order not confirmed on its own page within this counts as failed


@dataclass
class MemoryPeak:
    """Peak memory (proportional set size), in MB, sampled every 0.25 s."""

    server: float = 0.0
    kernels: float = 0.0
    node: float = 0.0
    total: float = 0.0
    kernel_count: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def watch(self, server: int, voila: int, node: int | None) -> threading.Thread:
        """Start sampling the three processes (Voila's children are the kernels)."""
        def sample() -> None:
            while not self._stop.wait(0.25):
                try:
                    s = _memory(server)
                    children = psutil.Process(voila).children(recursive=True)
                    k = _memory(voila) + sum(_memory(c.pid) for c in children)
                    n = _memory(node) if node else 0.0
                except psutil.Error:
                    continue
                self.server, self.kernels = max(self.server, s), max(self.kernels, k)
                self.node, self.kernel_count = max(self.node, n), max(self.kernel_count, len(children))
                self.total = max(self.total, s + k + n)
        thread = threading.Thread(target=sample, name="memory", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()


def _memory(pid: int) -> float:
    """A process's proportional set size in MB: shared library pages are counted once across processes."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:    # no /proc (not Linux): resident memory, which counts shared pages in every process
        return psutil.Process(pid).memory_info().rss / 2**20
    except psutil.Error:
        return 0.0


@dataclass
class LoadReport:
    """What one run measured."""

    students: int
    cores: int
    usable_s: list[float]          # per student: link opened -> page usable
    all_usable_s: float            # the links opened -> the last page usable
    click_to_book_s: list[float]   # per order: Place clicked -> in the teacher's book
    click_to_confirm_s: list[float]
    failures: list[str]
    memory: MemoryPeak

    def lines(self) -> list[str]:
        """The report, as lines a teacher can read."""
        def p(values: list[float], q: float) -> str:
            if not values:
                return "n/a"
            return f"{statistics.quantiles(values, n=100, method='inclusive')[q - 1]:.2f} s" \
                if len(values) > 1 else f"{values[0]:.2f} s"
        return [
            f"Class load: {self.students} students at once on one chain; this machine has {self.cores} cores",
            f"  first usable page     p50 {p(self.usable_s, 50)}, p95 {p(self.usable_s, 95)}; "
            f"all {len(self.usable_s)} usable after {self.all_usable_s:.1f} s",
            f"  click -> teacher's book  p50 {p(self.click_to_book_s, 50)}, "
            f"p95 {p(self.click_to_book_s, 95)} ({len(self.click_to_book_s)} orders)",
            f"  click -> own confirmation  p50 {p(self.click_to_confirm_s, 50)}, "
            f"p95 {p(self.click_to_confirm_s, 95)}",
            f"  failed actions        {len(self.failures)}" + "".join(f"\n    {f}" for f in self.failures),
            f"  peak memory           {self.memory.total:.0f} MB: front door {self.memory.server:.0f} MB, "
            f"Voila and {self.memory.kernel_count} kernels {self.memory.kernels:.0f} MB, "
            f"node {self.memory.node:.0f} MB",
        ]


def _open_student(session: ClassSession, token: str, start: float) -> tuple[PageClient, float]:
    page = PageClient(session.base_url, token, timeout_s=180)
    return page, page.open("student") - start


def _bid(page: PageClient, price: str) -> tuple[float, float, int]:
    page.set("gc-market-kwh", value="1")
    page.set("gc-market-price", value=price)
    clicked = page.click("gc-market-place")
    confirmed = page.wait_for("gc-market-message", lambda v: "bid #" in v or "gc-message-error" in v,
                              timeout_s=CONFIRM_S)
    message = str(page.value("gc-market-message"))
    found = ORDER_ID.search(message)
    if found is None:
        raise RuntimeError(re.sub(r"<[^>]+>", "", message).strip() or "no confirmation")
    return clicked, confirmed, int(found.group(1))


def run_load(students: int = 30, folder: Path | None = None, *, pool_size: int = 2,
             student_pool: int | None = None) -> LoadReport:
    """Start a class, let `students` open their pages and bid at once; what was measured."""
    folder = Path(folder or tempfile.mkdtemp(prefix="gridchain-class-load-"))
    memory = MemoryPeak()
    failures: list[str] = []
    with ClassSession(folder, students=students, host="127.0.0.1", port=0, pool_size=pool_size,
                      student_pool=student_pool, reset=True) as session:
        node = getattr(session.chain, "process", None)
        memory.watch(os.getpid(), session.voila.pid, getattr(node, "pid", None))
        teacher = PageClient(session.base_url, session.roster.teacher.token, timeout_s=180)
        teacher.open("operator")
        time.sleep(5)      # the pools refill after the teacher's page took a kernel
        pages: list[PageClient] = []
        usable: list[float] = []
        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=students) as pool:
            futures = {pool.submit(_open_student, session, m.token, start): m.name
                       for m in session.roster.students}
            for future, name in futures.items():
                try:
                    page, seconds = future.result()
                    pages.append(page)
                    usable.append(seconds)
                except Exception as exc:
                    failures.append(f"{name}: the page did not become usable ({exc})")
        all_usable = time.monotonic() - start
        book: dict[int, float] = {}
        prices = [f"{0.0002 + 0.00001 * (i % 7):.5f}" for i in range(len(pages))]   # fixed, not random
        results: list[tuple[float, float, int]] = []
        with ThreadPoolExecutor(max_workers=max(1, len(pages))) as pool:
            futures = [pool.submit(_bid, page, price) for page, price in zip(pages, prices, strict=True)]
            for page, future in zip(pages, futures, strict=True):
                try:
                    results.append(future.result())
                except Exception as exc:
                    failures.append(f"{page.token[:4]}…: the order failed ({exc})")
        wanted = {order_id for *_, order_id in results}
        book_id = teacher.widget("gc-market-book")
        try:
            teacher.wait(lambda: _book_times(teacher, book_id, book) >= wanted, timeout_s=CONFIRM_S,
                         what="every order in the teacher's book")
        except Exception:
            missing = sorted(wanted - set(book))
            failures.append(f"the teacher's book never showed orders {missing}")
        memory.stop()
        for page in (*pages, teacher):
            page.close()
    return LoadReport(students, os.cpu_count() or 0, usable, all_usable,
                      [book[o] - clicked for clicked, _, o in results if o in book],
                      [confirmed - clicked for clicked, confirmed, _ in results], failures, memory)


def _book_times(teacher: PageClient, book_id: str, book: dict[int, float]) -> set[int]:
    """Record when each order id first appeared in the teacher's book (from the page's update history)."""
    for at, comm_id, state in teacher.history:
        if comm_id == book_id and "value" in state:
            for order_id in re.findall(r"<td>#(\d+)</td>", str(state["value"])):
                book.setdefault(int(order_id), at)
    return set(book)
