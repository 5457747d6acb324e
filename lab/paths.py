"""Where a notebook finds the toolkit's data and contracts, wherever the notebook itself sits.

A lesson opened from `notebooks/` could say `../data`, but the same lesson handed out as a
course assignment (in a student's home folder, or in nbgrader's `submitted/` tree) has no
`..` to lean on; these paths follow the installed toolkit instead.
"""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
CONTRACTS = REPO / "contracts"
NOTEBOOKS = REPO / "notebooks"
