"""Dispatch really fixes the voltage; the CLI writes its files and refuses bad input in one sentence."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from grid.chain import connect
from grid.simulation.day import DayOptions, simulate_day
from grid.simulation.flow import V_MAX_PU

REPO = Path(__file__).resolve().parents[2]
# A sunny June day with high PV: twenty households, a clear sky, the hours around solar noon.
SUNNY = DayOptions(date="2026-06-21", households=20, sky="clear", seed=2, first_slot=38, slots=8)


@pytest.mark.anvil
def test_dispatch_removes_the_voltage_violation_the_undispatched_run_has():
    with connect("anvil", accounts=2) as chain:
        dispatched = simulate_day(SUNNY, chain=chain, progress=False)
    with connect("anvil", accounts=2) as chain:
        free = simulate_day(DayOptions(**{**SUNNY.__dict__, "dispatch": False}), chain=chain, progress=False)
    over_free = [r.slot for r in free.slots if r.vmax_pu > V_MAX_PU]
    assert len(over_free) == len(free.slots), "without dispatch every sunny slot should be over 1.05 p.u."
    assert free.slots[0].dispatches == 0 and sum(r.dispatches for r in free.slots) == 0
    # The counterfactual column of the dispatched run is the undispatched run itself.
    counterfactual = [r.vmax_pu_undispatched for r in dispatched.slots]
    assert counterfactual == pytest.approx([r.vmax_pu for r in free.slots])
    first = next(r.slot for r in dispatched.slots if r.dispatches)
    after = [r for r in dispatched.slots if r.slot > first + 1]      # curtailment has had a slot to bite
    assert after and all(r.vmax_pu <= V_MAX_PU for r in after)
    assert all(r.curtailed_kwh > 0 for r in after)
    assert sum(r.pv_kwh for r in dispatched.slots) < sum(r.pv_kwh for r in free.slots)


def _simulate(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grid", "simulate", "--no-progress", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600, env=None)


def test_the_cli_writes_the_day_and_its_charts(tmp_path):
    done = _simulate("--quick", "--chain", "tester", "--households", "3", "--seed", "7", "--out",
                     str(tmp_path / "out"), cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "16 slots on kerber-landnetz-kabel-2 (3 households" in done.stdout
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"slots.csv", "households.csv", "readings.csv", "summary.json", "feeder_energy.png",
            "voltage_band.png", "market.png", "curtailment.png", "self_sufficiency.png"} <= names
    with (tmp_path / "out" / "slots.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["slot"]) for r in rows] == list(range(36, 52))
    assert rows[0]["start_utc"] == "2026-06-21T09:00:00Z"


@pytest.mark.parametrize("args, says", [
    (["--date", "2026-13-01"], "is not a day: write it as YYYY-MM-DD"),
    (["--households", "0"], "from 1 to 60"),
    (["--feeder", "nowhere"], "invalid choice"),
    (["--chain", "http://127.0.0.1:9"], "node"),
])
def test_bad_input_is_one_sentence(tmp_path, args, says):
    done = _simulate("--quick", *args, "--out", str(tmp_path / "out"), cwd=REPO)
    assert done.returncode == 2
    assert says in done.stderr and "Traceback" not in done.stderr, done.stderr[-1500:]
    assert not (tmp_path / "out").exists()
