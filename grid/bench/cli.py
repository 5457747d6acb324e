"""`python -m grid bench`: the command line of the benchmark.

    python -m grid bench                          # full run on tester and anvil
    python -m grid bench --quick                  # under 2 minutes
    python -m grid bench --chain anvil --chain http://127.0.0.1:8545 --repeats 50 --out results/

`add_arguments(parser)` and `main(args)` let `grid/cli.py` host it as a
sub-command; `python -m grid.bench` runs it alone.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..chain import connect
from ..chain.anvil import HARDFORKS, LONG_CHAIN_HARDFORK
from ..errors import GridError
from ..market.gas import gas_table, market_gas_figure, measure_market_gas, seed_transfer_gas
from .batched import (
    CHART_NAME,
    CSV_NAME,
    batched_table,
    latency_throughput_figure,
    requests_batched,
    run_batched,
    write_batched_csv,
)
from .options import DEFAULT_OUT, full_options, quick_options
from .results import write_csv
from .runner import run_bench

MARKET_CHART = "market_gas.png"


def _repeats(text: str) -> int:
    if not text.isdigit() or int(text) < 2:
        raise argparse.ArgumentTypeError(f"give a whole number of at least 2, not {text!r}")
    return int(text)


def _chain(text: str) -> str:
    text = text.strip()
    if text in ("tester", "anvil") or text.startswith(("http://", "https://")):
        return text
    raise argparse.ArgumentTypeError(f"use tester, anvil or an http(s):// node URL, not {text!r}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the bench's options to `parser` (a sub-command parser of `python -m grid`)."""
    parser.add_argument("--chain", action="append", type=_chain, default=None, metavar="CHAIN",
                        help="tester, anvil or an http(s):// node URL; repeat for several "
                             "(default: tester and anvil)")
    parser.add_argument("--quick", action="store_true",
                        help="a smaller grid and 10 repeats: under 2 minutes on tester and anvil")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"folder for bench.csv, summary.md and the charts (default {DEFAULT_OUT}/)")
    parser.add_argument("--repeats", type=_repeats, default=None,
                        help="timings per function per cell (default 100; 10 with --quick)")
    parser.add_argument("--anvil-hardfork", choices=HARDFORKS, default=LONG_CHAIN_HARDFORK,
                        help=f"the fork of the anvil the bench starts (default {LONG_CHAIN_HARDFORK}: "
                             f"flat in blocks; prague grows with every block, see grid/chain/anvil.py)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.add_argument("--no-batched", action="store_true",
                        help="skip the batched throughput on anvil (block times 0, 50 ms, 200 ms, 1 s)")


def options_from(args: argparse.Namespace):
    """The BenchOptions the parsed arguments ask for."""
    overrides = {"out": args.out, "progress": not getattr(args, "no_progress", False),
                 "anvil_hardfork": getattr(args, "anvil_hardfork", LONG_CHAIN_HARDFORK)}
    if args.chain:
        overrides["chains"] = tuple(dict.fromkeys(args.chain))
    if args.repeats is not None:
        overrides["repeats"] = args.repeats
    return quick_options(**overrides) if args.quick else full_options(**overrides)


def main(args: argparse.Namespace) -> int:
    """Run the bench for parsed `args`; print the figures table and where the files are."""
    try:
        options = options_from(args)
        kind = "quick" if options.quick else "full"
        print(f"Benchmark ({kind}): chains {', '.join(options.chains)}; blocks {list(options.blocks)} at "
              f"{options.fixed_users} users; users {list(options.users)} at {options.fixed_blocks} blocks; "
              f"{options.repeats} timings per function per cell.", flush=True)
        result = run_bench(options)
    except GridError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    print(result.summary())
    print(f"Done in {result.wall_s:.0f} s. CSV: {result.csv_path}; summary: {result.summary_path}; charts: "
          f"{', '.join(str(p) for p in result.chart_paths) or 'none'}")
    try:
        if "anvil" in options.chains and not getattr(args, "no_batched", False):
            _batched(options, result)
        _market_gas(options)
    except GridError as exc:
        print(f"error: the batched throughput or the market's gas could not be measured: {exc}",
              file=sys.stderr)
        return 2
    return 0


def _batched(options, result) -> None:
    """Throughput with several transactions per block; its rows join bench.csv as grid "batched"."""
    from tqdm.auto import tqdm  # noqa: PLC0415 - only when a bench runs

    with tqdm(total=requests_batched(options), unit="req", desc="batched", disable=not options.progress,
              file=sys.stderr, dynamic_ncols=True, mininterval=0.5) as bar:
        rows = run_batched(options, bar.update, bar.set_description)
    print("Batched blocks on anvil (automine off, a block every block time; every transaction mined):")
    print(batched_table(rows))
    if options.out is None:
        return
    out = Path(options.out)
    write_batched_csv(rows, out / CSV_NAME)
    write_csv([*result.rows, *(r.as_bench_row() for r in rows)], result.csv_path)
    latency_throughput_figure(rows).savefig(out / CHART_NAME, dpi=110)
    print(f"Batched CSV: {out / CSV_NAME} (also in {result.csv_path} as grid \"batched\"); "
          f"chart: {out / CHART_NAME}")


def _market_gas(options) -> None:
    """Measure EnergyMarket's gas (it is the same on every chain) on anvil, else tester."""
    local = [c for c in ("anvil", "tester") if c in options.chains]
    if not local:
        print("Market gas: skipped, it is measured on tester or anvil (add --chain tester).")
        return
    with connect(local[0], accounts=12) as chain:
        rows = measure_market_gas(chain, progress=options.progress)
        transfer = seed_transfer_gas(chain)
    print(gas_table(rows, transfer))
    path = Path(options.out) / MARKET_CHART
    market_gas_figure(rows, transfer).savefig(path, dpi=110)
    print(f"Market gas chart: {path}")
