"""Timing helpers shared by the bench and the performance lesson: medians, and traces of JSON-RPC requests.

    median_time(action, 20)                 # the median wall time of 20 calls
    traced("toolkit", chain, action, 20)    # each call's total time and its JSON-RPC requests
    with recording(w3.provider) as log:     # what a plain web3.py client sends
        ...
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..chain import Chain


def median_time(action: Callable[[], Any], repeats: int) -> float:
    """The median wall time of `repeats` calls of `action()` (one warm-up call first)."""
    return statistics.median(time_calls(action, repeats))


def time_calls(action: Callable[[], Any], repeats: int, warm_up: int = 1) -> list[float]:
    """Wall times (s) of `repeats` calls of `action()`, after `warm_up` untimed calls."""
    for _ in range(warm_up):
        action()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times



@dataclass(frozen=True)
class Trace:
    """One timed transaction of one client: its total time and its JSON-RPC requests in order."""

    client: str
    total_s: float
    requests: tuple[tuple[str, float], ...]   # (method, seconds) in the order sent


@contextmanager
def recording(provider, attribute: str = "make_request"):
    """Record (method, seconds) of every request `provider.<attribute>(method, params)` sends in the block.

    For web3, patch the provider before its first request: web3 caches its
    request function, so a later patch sees only calls that bypass web3's
    middleware. The toolkit's own requests are recorded by
    `chain.record_requests()` instead.
    """
    log: list[tuple[str, float]] = []
    original = getattr(provider, attribute)
    state = {"on": True}

    def make_request(method, params):
        started = time.perf_counter()
        try:
            return original(method, params)
        finally:
            if state["on"]:
                log.append((str(method), time.perf_counter() - started))

    had_own = attribute in vars(provider)
    setattr(provider, attribute, make_request)
    try:
        yield log
    finally:
        state["on"] = False   # a copy web3 cached stays harmless: it only passes requests on
        if had_own:
            setattr(provider, attribute, original)
        else:
            delattr(provider, attribute)


def traced(name: str, chain: Chain, action: Callable[[], Any], repeats: int) -> list[Trace]:
    """Run `action()` `repeats` times (after one warm-up), timing every JSON-RPC request the toolkit sends."""
    action()  # warm-up: caches, connection, nonces
    out = []
    with chain.record_requests() as log:
        for _ in range(repeats):
            log.clear()
            started = time.perf_counter()
            action()
            out.append(Trace(name, time.perf_counter() - started, tuple(log)))
    return out
