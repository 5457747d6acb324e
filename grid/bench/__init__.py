"""grid.bench: the thesis's chapter-6 experiment, rerun on our stack beside the physical floor.

    from grid.bench import run_bench, quick_options
    result = run_bench(quick_options(chains=("anvil",)))
    print(result.summary())          # p50, ratio to the floor, scaling, throughput, speed-up
    result.csv_path                  # one row per chain, grid, value and function

Modules: options (what to run), testbed (chain, contract, registered users),
drivers (toolkit, floor, default web3.py), runner (cells, timings), stats,
results (rows, CSV, figures table), charts (Figures 6.1/6.2), thesis (the
thesis's Tables 6.1/6.2 from data/), cli.
"""
from .options import BenchOptions, full_options, quick_options
from .results import BenchResult, Row, read_csv
from .runner import run_bench
from .stats import Summary, summarize

__all__ = ["BenchOptions", "BenchResult", "Row", "Summary", "full_options", "quick_options",
           "read_csv", "run_bench", "summarize"]
