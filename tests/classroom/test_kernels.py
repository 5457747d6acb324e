"""The page kernels' book-keeping: the cap, ownership and when a kernel is freed."""
from __future__ import annotations

from grid.classroom.kernels import KernelRegistry

A, B, C, D = (f"{n:08x}-0000-0000-0000-000000000000" for n in range(1, 5))


def test_the_cap_counts_pages_being_rendered():
    kernels = KernelRegistry(cap=2)
    assert kernels.reserve() and kernels.reserve()
    assert not kernels.reserve()                   # two renders in flight fill a cap of two
    kernels.unreserve()
    kernels.add(A, "student01", "student")
    assert not kernels.reserve()                   # one render and one live kernel
    kernels.unreserve()
    assert kernels.reserve()


def test_only_the_owner_is_known_for_a_kernel():
    kernels = KernelRegistry()
    kernels.add(A, "student01", "student")
    assert kernels.owner_of(A) == "student01"
    assert kernels.owner_of(B) is None


def test_a_closed_tab_frees_its_kernel_after_the_grace():
    kernels = KernelRegistry(close_grace_s=10, never_connected_s=1e9, idle_s=1e9)
    kernels.add(A, "student01", "student")
    kernels.connected(A)
    kernels.disconnected(A)
    closed_at = kernels.snapshot()[0].last_closed
    assert kernels.due(closed_at + 9) == []
    assert kernels.due(closed_at + 10) == [A]


def test_a_reload_within_the_grace_keeps_the_kernel():
    kernels = KernelRegistry(close_grace_s=10, never_connected_s=1e9, idle_s=1e9)
    kernels.add(A, "student01", "student")
    kernels.connected(A)
    kernels.connected(A)          # a second tab
    kernels.disconnected(A)
    assert kernels.due(kernels.snapshot()[0].created + 3600) == []   # one tab is still open


def test_a_page_that_never_connects_is_freed():
    kernels = KernelRegistry(close_grace_s=10, never_connected_s=120, idle_s=1e9)
    kernels.add(A, "student01", "student")
    created = kernels.snapshot()[0].created
    assert kernels.due(created + 119) == []
    assert kernels.due(created + 120) == [A]


def test_an_idle_open_tab_is_freed_and_activity_keeps_it():
    kernels = KernelRegistry(close_grace_s=10, never_connected_s=120, idle_s=2700)
    kernels.add(A, "student01", "student")
    kernels.connected(A)
    start = kernels.snapshot()[0].created
    assert kernels.due(start + 2699.5) == []
    assert kernels.due(start + 2700.5) == [A]      # no click for 45 minutes
    click = float(round(start)) + 2000.0           # whole seconds: the boundary below is exact
    kernels.touched(A, click)
    assert kernels.due(click + 2699) == []         # the click restarted the clock
    assert kernels.due(click + 2700) == [A]


def test_a_member_holds_at_most_three_pages():
    kernels = KernelRegistry(per_member=3)
    assert kernels.add(A, "student01", "student") == []
    kernels.add(B, "student01", "student")
    kernels.add(C, "student01", "student")
    assert kernels.add(D, "student01", "student") == [A]     # the oldest goes
    kernels.add("e" * 8 + "-0000-0000-0000-000000000000", "student02", "student")
    assert kernels.count("student02") == 1


def test_removed_kernels_are_forgotten():
    kernels = KernelRegistry()
    kernels.add(A, "teacher", "manager")
    assert kernels.remove(A).owner == "teacher"
    assert kernels.remove(A) is None and kernels.owner_of(A) is None and kernels.count() == 0
