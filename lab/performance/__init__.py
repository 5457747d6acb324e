"""Notebook 11's tables, measurements, model and charts: the thesis's chapter 6 beside our bench.

One module each: `tables`, `measure`, `model`, `charts`; everything is
importable from `lab.performance` itself.

Measuring the response times is grid.bench's job; this module reads its rows,
times the parts of one request, models a real network, and draws.

- Tables (pandas): `thesis_table` (Tables 6.1/6.2 as printed), `bench_frame`
  (the bench's rows), `beside_thesis` (thesis mean, ours, how many times
  faster), `pivot` (one column per function and cell), `load_table`
  (throughput of the concurrent virtual users).
- Where the time goes: `measure_parts` (a round trip, an eth_call, the EVM,
  a block, a signature, the web3.py poll interval), `trace_transactions`
  (every JSON-RPC request a client makes for one transaction, timed) and
  `breakdown` (those traces as stacked parts).
- The real-network model: `expected_transaction_s`, `expected_query_s`,
  `network_table`, `block_capacity`.
- Charts: `plot_ratio_to_floor`, `plot_parts`, `plot_breakdown`,
  `plot_network_model` (each with a title, axis labels with units, a legend);
  `show_figure` displays the bench's own Figures 6.1/6.2 (made without pyplot).
"""
from __future__ import annotations

from grid.bench.timing import Trace, median_time, recording, time_calls

from .charts import COLOURS, plot_breakdown, plot_network_model, plot_parts, plot_ratio_to_floor, show_figure
from .measure import (
    CLIENT_SIDE,
    FLOOR,
    TOOLKIT_BENCH,
    TOOLKIT_DEFAULT,
    WEB3_DEFAULT,
    Part,
    breakdown,
    measure_parts,
    parts_table,
    request_list,
    trace_transactions,
    web3_poll_interval_s,
)
from .model import block_capacity, expected_query_s, expected_transaction_s, network_table
from .tables import (
    FLOOR_TARGET,
    bench_frame,
    beside_thesis,
    load_table,
    pivot,
    scaling_table,
    target_verdicts,
    thesis_table,
)

__all__ = [
    "CLIENT_SIDE",
    "COLOURS",
    "FLOOR",
    "FLOOR_TARGET",
    "TOOLKIT_BENCH",
    "TOOLKIT_DEFAULT",
    "WEB3_DEFAULT",
    "Part",
    "Trace",
    "bench_frame",
    "beside_thesis",
    "block_capacity",
    "breakdown",
    "expected_query_s",
    "expected_transaction_s",
    "load_table",
    "measure_parts",
    "median_time",
    "network_table",
    "parts_table",
    "pivot",
    "plot_breakdown",
    "plot_network_model",
    "plot_parts",
    "plot_ratio_to_floor",
    "recording",
    "request_list",
    "scaling_table",
    "show_figure",
    "target_verdicts",
    "thesis_table",
    "time_calls",
    "trace_transactions",
    "web3_poll_interval_s",
]
