"""lab.performance: notebook 11's tables, model, traces and charts.

Expected values come from plain arithmetic on rows built here, from the thesis's
tables read straight from data/thesis_chapter6.json, and from the model's
definition written out (half an interval + one block + one per confirmation).
The anvil test only checks what each client sends, never how fast.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from grid import PowerGridClient, connect
from grid.bench import Row
from lab import performance as perf
from lab.chart_rules import problems

FUNCTIONS = ["Generate Power", "Consume Power", "Transfer Power", "Query Information"]
CONCURRENT = "Concurrent Generate Power"
THESIS = json.loads((Path(__file__).resolve().parents[1] / "data" / "thesis_chapter6.json").read_text())


def _row(grid, value, function, *, p50, floor, mean=None, web3=math.nan, throughput=math.nan, chain="anvil"):
    return Row(chain=chain, grid=grid, variable=grid, value=value, users=value if grid == "users" else 10,
               blocks=value if grid == "blocks" else 100, height=value + 3, function=function, n=10,
               mean_s=mean if mean is not None else p50 * 1.1, sigma_s=p50 / 10, p50_s=p50, p95_s=p50 * 1.3,
               floor_p50_s=floor, ratio_to_floor=p50 / floor, web3_p50_s=web3,
               speedup_vs_web3=web3 / p50 if not math.isnan(web3) else math.nan, throughput_tx_s=throughput,
               floor_throughput_tx_s=throughput * 2 if not math.isnan(throughput) else math.nan,
               concurrency=10 if function == CONCURRENT else 1)


def _rows():
    rows = []
    for grid, values in (("blocks", (0, 1000)), ("users", (10, 100))):
        for i, value in enumerate(values):
            for function in FUNCTIONS:
                floor = 0.001 * (1 + i) if function != "Query Information" else 0.0003
                rows.append(_row(grid, value, function, p50=floor + 0.0006, floor=floor, web3=0.01))
            rows.append(_row(grid, value, CONCURRENT, p50=0.008, floor=0.007, throughput=500.0 + value))
    rows.append(_row("blocks", 0, "Generate Power", p50=0.05, floor=0.01, chain="tester"))
    return rows


def _thesis_mean(table, function, value):
    return next(r["mean_s"] for r in THESIS["tables"][table]["rows"]
                if r["function"] == function and r["value"] == value)


# ------------------------------------------------------------------ the model
@pytest.mark.parametrize("block_time, base, confirmations, poll, expected", [
    (0, 0.0015, 0, 0.0, 0.0015),            # instant blocks: just the base
    (0, 0.0015, 6, 0.1, 0.0015),            # nothing to wait for, nothing to poll
    (1, 0.002, 0, 0.0, 0.002 + 0.5 + 1),
    (12, 0.002, 0, 0.0, 0.002 + 6 + 12),
    (12, 0.002, 6, 0.0, 0.002 + 6 + 12 + 72),
    (1, 0.01, 0, 0.1, 0.01 + 1.5 + 0.05),   # a polling client notices half a poll late
])
def test_the_transaction_model(block_time, base, confirmations, poll, expected):
    got = perf.expected_transaction_s(block_time, base_s=base, confirmations=confirmations,
                                      poll_interval_s=poll)
    assert got == pytest.approx(expected)


def test_a_query_waits_for_no_block():
    assert {perf.expected_query_s(t, base_s=0.0009) for t in (0, 1, 12, 600)} == {0.0009}


@pytest.mark.parametrize("bad", [dict(block_time_s=-1, base_s=0), dict(block_time_s=1, base_s=-0.1),
                                 dict(block_time_s=1, base_s=0, confirmations=-1)])
def test_the_model_refuses_negative_inputs(bad):
    with pytest.raises(ValueError):
        perf.expected_transaction_s(**bad)


def test_the_network_table():
    table = perf.network_table([0, 1, 12], transaction_base_s=0.002, query_base_s=0.001, confirmations=2)
    assert list(table.index) == [0, 1, 12]
    assert list(table["query (s)"]) == [0.001] * 3
    assert list(table["transaction, included (s)"]) == pytest.approx([0.002, 1.502, 18.002])
    assert list(table["transaction, 2 confirmations (s)"]) == pytest.approx([0.002, 3.502, 42.002])


def test_block_capacity():
    assert perf.block_capacity(0x47b760, 34_125) == 4_700_000 // 34_125 == 137
    with pytest.raises(ValueError):
        perf.block_capacity(4_700_000, 0)


def test_web3_poll_interval_is_read_from_web3():
    assert perf.web3_poll_interval_s() == 0.1   # web3.py's documented default poll_latency


# ------------------------------------------------------------------ tables
def test_the_thesis_table_as_printed():
    table = perf.thesis_table("users")
    assert list(table.index) == FUNCTIONS and list(table.columns) == [10, 50, 100, 1000]
    assert table.loc["Transfer Power", 1000] == "4.36 ± 0.23"   # Table 6.2's largest cell


def test_beside_thesis_compares_means():
    rows = _rows()
    table = perf.beside_thesis(rows, "anvil", "blocks")
    assert list(table.index) == [(f, v) for f in FUNCTIONS for v in (0, 1000)]
    wanted = ("anvil", "blocks", 1000, "Transfer Power")
    ours = next(r for r in rows if (r.chain, r.grid, r.value, r.function) == wanted)
    cell = table.loc[("Transfer Power", 1000)]
    assert cell["thesis mean (s)"] == _thesis_mean("6.1", "Transfer Power", 1000) == 3.64
    assert cell["ours p50 (ms)"] == pytest.approx(ours.p50_s * 1e3)
    assert cell["thesis ÷ ours (means)"] == pytest.approx(3.64 / ours.mean_s)


def test_a_cell_the_thesis_did_not_measure_has_no_thesis_figure():
    rows = [_row("blocks", 10000, f, p50=0.002, floor=0.001) for f in FUNCTIONS]
    table = perf.beside_thesis(rows, "anvil", "blocks")
    assert table["thesis mean (s)"].isna().all() and table["ours p50 (ms)"].notna().all()


def test_pivot_scaling_and_verdicts():
    rows = _rows()
    ratios = perf.pivot(rows, "anvil", "ratio_to_floor")
    assert list(ratios.index) == FUNCTIONS
    assert ratios.loc["Generate Power", ("blocks", 0)] == pytest.approx(0.0016 / 0.001)
    scaling = perf.scaling_table(rows, "anvil")
    generate = scaling.loc[("blocks 0 → 1000", "Generate Power")]
    assert generate["floor: p50 ×"] == pytest.approx(2.0)
    assert generate["ours: p50 ×"] == pytest.approx(0.0026 / 0.0016)
    assert generate["overhead first (ms)"] == pytest.approx(0.6) == generate["overhead last (ms)"]
    verdicts = perf.target_verdicts(rows, "anvil").splitlines()
    assert len(verdicts) == 4
    assert "Query Information: median ratio to the floor 3.00x, above" in verdicts[3]
    assert "Generate Power: median ratio to the floor 1.45x, within" in verdicts[0]  # (1.6 + 1.3) / 2


def test_the_load_table():
    table = perf.load_table(_rows(), "anvil")
    assert list(table.index) == ["blocks 0", "blocks 1000", "users 10", "users 100"]
    assert table.loc["users 100", "throughput (tx/s)"] == 600.0
    assert table.loc["users 100", "floor throughput (tx/s)"] == 1200.0
    assert table.loc["blocks 0", "one user alone: 1 ÷ p50 (tx/s)"] == pytest.approx(1 / 0.0016)


# ------------------------------------------------------------------ traces
def test_breakdown_of_known_traces():
    ms = 1e-3
    traces = {"a": [perf.Trace("a", 3 * ms, (("x", 1 * ms), ("y", 1 * ms)))] * 3,
              "b": [perf.Trace("b", 1 * ms, (("x", 1 * ms),))] * 3}
    table = perf.breakdown(traces)
    assert table.loc["a", "x"] == pytest.approx(1) and table.loc["a", "y"] == pytest.approx(1)
    assert table.loc["a", perf.CLIENT_SIDE] == pytest.approx(1)
    assert table.loc["b", "y"] == 0 and table.loc["b", perf.CLIENT_SIDE] == pytest.approx(0)
    assert list(table["requests"]) == [2, 1] and list(table["total (ms)"]) == pytest.approx([3, 1])


def test_recording_records_and_restores():
    class Provider:
        def make_request(self, method, params):
            return {"result": method}

    provider = Provider()
    with perf.recording(provider) as log:
        assert provider.make_request("eth_chainId", []) == {"result": "eth_chainId"}
    assert [m for m, _ in log] == ["eth_chainId"]
    assert "make_request" not in vars(provider)   # the class's method again


@pytest.mark.anvil
def test_what_each_client_sends_on_anvil():
    with connect("anvil") as chain, connect("tester") as tester:
        client = PowerGridClient.deploy(chain)
        client.register_user("generator1", "G", "Sundsvall", can_generate=True, can_consume=False)
        tester_client = PowerGridClient.deploy(tester)
        tester_client.register_user("generator1", "G", "Sundsvall", can_generate=True, can_consume=False)
        traces = perf.trace_transactions(client, "generator1", repeats=3)
        parts = perf.measure_parts(client, "generator1", tester_client=tester_client, repeats=3)
    methods = {name: [m for m, _ in runs[0].requests] for name, runs in traces.items()}
    assert methods[perf.TOOLKIT_BENCH] == ["eth_sendTransactionSync"]
    assert methods[perf.TOOLKIT_DEFAULT] == ["eth_getStorageAt", "eth_getStorageAt",
                                             "eth_sendTransactionSync"]
    assert "eth_sendTransaction" in methods[perf.WEB3_DEFAULT]
    assert "eth_getTransactionReceipt" in methods[perf.WEB3_DEFAULT]
    assert len(methods[perf.WEB3_DEFAULT]) > 3
    assert len(parts) == 8 and all(p.seconds > 0 for p in parts)


# ------------------------------------------------------------------ charts
def _legend_labels(fig):
    return [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]


def test_every_chart_follows_the_chart_rules():
    parts = [perf.Part("round trip", 0.0002, "measured on anvil"),
             perf.Part("poll", 0.1, "documented default")]
    traces = {"a": [perf.Trace("a", 0.003, (("x", 0.001),))], "b": [perf.Trace("b", 0.001, (("y", 0.001),))]}
    figures = [perf.plot_ratio_to_floor(_rows(), "anvil"), perf.plot_parts(parts),
               perf.plot_breakdown(perf.breakdown(traces)),
               perf.plot_network_model(transaction_base_s=0.002, query_base_s=0.001, thesis={"query": 1.34})]
    for fig in figures:
        assert problems(fig) == []
        assert len(_legend_labels(fig)) >= 2
        plt.close(fig)
