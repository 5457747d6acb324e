"""Both contracts deployed side by side, with the same cast, for the exploit tests (lab.invariants.deploy)."""
from __future__ import annotations

import pytest

from lab.invariants import deploy


@pytest.fixture
def seed(chain):
    snap = chain.snapshot()
    yield deploy(chain, "seed")
    chain.revert(snap)


@pytest.fixture
def v2(chain):
    snap = chain.snapshot()
    yield deploy(chain, "v2")
    chain.revert(snap)


def pytest_terminal_summary(terminalreporter):
    """Say how hard the invariant test pushed PowerGridV2."""
    from test_invariants import REPORT  # noqa: PLC0415 - only when that module ran

    if REPORT["steps"]:
        terminalreporter.write_line(f"PowerGridV2 invariants: {REPORT['examples']} sequences, "
                                    f"{REPORT['steps']} actions, {REPORT['divergences']} divergences "
                                    f"from the model")
