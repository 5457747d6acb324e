"""data/thesis_chapter6.json holds Tables 6.1 and 6.2 exactly as the thesis prints them.

The numbers are re-read here from the thesis's own markdown (a parser that
shares nothing with how the JSON was typed), so a typing slip fails.
"""
import json
import re
from pathlib import Path

import pytest

from grid.bench.thesis import thesis_series

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "thesis_chapter6.json"
THESIS = Path("/work/shared/seed/thesis.md")
FUNCTIONS = ["Generate Power", "Consume Power", "Transfer Power", "Query Information"]
CELL = re.compile(r"\$\\mu=([0-9.]+)\$\s*\$\\sigma=([0-9.]+)\$")


def _tables_from_thesis() -> dict[str, dict]:
    """{'6.1': {'values': [...], 'cells': {(function, value): (mu, sigma)}}, '6.2': ...}."""
    text = THESIS.read_text(encoding="utf-8")
    chapter = text[text.index("## 6 Results"):text.index("## 7 Conclusions")]
    tables = {}
    for number in ("6.1", "6.2"):
        caption = chapter.index(f"**Table {number}:")
        start = chapter.rfind("Function\t", 0, caption)
        lines = [line for line in chapter[start:caption].splitlines() if line.strip()]
        values = [int(v) for v in lines[1].split()]
        cells = {}
        for line in lines[2:]:
            name = line.split("\t")[0].strip()
            pairs = [(float(m), float(s)) for m, s in CELL.findall(line)]
            assert len(pairs) == len(values), line
            cells.update({(name, v): pair for v, pair in zip(values, pairs, strict=True)})
        tables[number] = {"values": values, "cells": cells}
    return tables


@pytest.fixture(scope="module")
def thesis():
    if not THESIS.exists():
        pytest.skip("the thesis markdown is not on this machine")
    return _tables_from_thesis()


@pytest.fixture(scope="module")
def data():
    return json.loads(DATA.read_text(encoding="utf-8"))


def test_the_source_is_cited(data):
    source = data["source"]
    assert "Design and Implementation of A Smart Grid System" in source["thesis"]
    assert source["chapter"].startswith("6")
    assert set(source["tables"]) == {"6.1", "6.2"}
    assert "LoadRunner" in source["test_setup"] and "i5-10210U" in source["test_setup"]
    assert source["repeats"] == 100


@pytest.mark.parametrize("number, variable, fixed", [("6.1", "blocks", {"users": 100}),
                                                     ("6.2", "users", {"blocks": 100})])
def test_each_table_matches_the_thesis(thesis, data, number, variable, fixed):
    table = data["tables"][number]
    assert table["variable"] == variable and table["fixed"] == fixed
    assert table["values"] == thesis[number]["values"]
    typed = {(r["function"], r["value"]): (r["mean_s"], r["sigma_s"]) for r in table["rows"]}
    assert all(r["variable"] == variable for r in table["rows"])
    assert typed == thesis[number]["cells"]
    assert {f for f, _ in typed} == set(FUNCTIONS)


def test_the_bench_reads_the_same_numbers(data):
    last = thesis_series("users", "Transfer Power")[-1]
    assert (last.value, last.mean_s, last.sigma_s) == (1000, 4.36, 0.23)
    first = thesis_series("blocks", "Query Information")[0]
    assert (first.value, first.mean_s, first.sigma_s) == (0, 1.34, 0.02)
    assert len(thesis_series("blocks", "Generate Power")) == 4
