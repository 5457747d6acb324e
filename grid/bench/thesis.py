"""The thesis's own response times (Tables 6.1 and 6.2), read from data/thesis_chapter6.json."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "thesis_chapter6.json"
FUNCTIONS = ("Generate Power", "Consume Power", "Transfer Power", "Query Information")
TABLE_OF_GRID = {"blocks": "6.1", "users": "6.2"}


@dataclass(frozen=True)
class ThesisCell:
    """One cell of Table 6.1 or 6.2: a function's mean and sigma at one value of the variable."""

    table: str        # "6.1" or "6.2"
    function: str     # e.g. "Transfer Power"
    variable: str     # "blocks" or "users"
    value: int
    mean_s: float
    sigma_s: float


@lru_cache(maxsize=1)
def thesis_cells() -> tuple[ThesisCell, ...]:
    """Every cell of both tables, as typed in (with the source cited) in data/."""
    doc = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return tuple(ThesisCell(number, row["function"], row["variable"], int(row["value"]),
                            float(row["mean_s"]), float(row["sigma_s"]))
                 for number, table in doc["tables"].items() for row in table["rows"])


def thesis_series(grid: str, function: str) -> list[ThesisCell]:
    """The cells of `function` in the table of `grid` ("blocks" or "users"), by value."""
    table = TABLE_OF_GRID[grid]
    return sorted((c for c in thesis_cells() if c.table == table and c.function == function),
                  key=lambda c: c.value)
