"""The contract side's widgets: the Remix-like console and the two platforms of the thesis.

    from grid.widgets import ContractConsole, UserDashboard, ManagerDashboard, BlockExplorer, MarketDashboard

Widgets hold no business logic: every action calls the contract client
(`grid.powergrid.PowerGridClient`), which is usable and tested without any UI.
Each widget keeps its controls as public attributes, shows itself through
`.widget`, and has a `summary()` text view. Imports are lazy so that
`import grid` never pulls in ipywidgets.
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ContractConsole": "console",
    "UserDashboard": "user",
    "ManagerDashboard": "manager",
    "BlockExplorer": "explorer",
    "MarketDashboard": "market",
    "HouseholdDayPanel": "household_day",
    "MessageLine": "common",
    "BlockWatcher": "common",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'grid.widgets' has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
