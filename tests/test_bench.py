"""grid.bench: the quick run works and its CSV has the right shape; statistics; the CLI's errors.

Benchmarks are not timed tests: nothing here asserts on speed. The runs use a
reduced grid (2 blocks values x 2 users values, 3 repeats) to stay fast; the
CLI test swaps that reduced grid in under `--quick` to check the wiring.
"""
import argparse
import math
import statistics
from dataclasses import replace

import numpy as np
import pytest

from grid.bench import BenchOptions, cli, quick_options, read_csv, run_bench, summarize
from grid.bench.charts import response_time_figure
from grid.bench.results import CONCURRENT, Row, write_csv
from grid.bench.runner import plan_cells
from grid.bench.stats import percentile
from grid.errors import GridError
from lab.chart_rules import problems

FUNCTIONS = ["Generate Power", "Consume Power", "Transfer Power", "Query Information"]
SMALL = dict(blocks=(0, 10), users=(10, 12), fixed_users=10, repeats=3, load_requests=6, progress=False)


def _parse(*argv):
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(list(argv))


def _check_shape(rows, chains, options):
    cells = plan_cells(options)
    expected = {(chain, c.grid, c.value, f) for chain in chains for c in cells
                for f in [*FUNCTIONS, CONCURRENT]}
    assert len(rows) == len(expected)
    assert {(r.chain, r.grid, r.value, r.function) for r in rows} == expected
    for r in rows:
        timings = [r.mean_s, r.sigma_s, r.p50_s, r.p95_s, r.floor_p50_s, r.ratio_to_floor]
        if r.function == CONCURRENT:
            timings += [r.throughput_tx_s, r.floor_throughput_tx_s]
            assert r.n == options.load_requests
        else:
            timings += [r.web3_p50_s, r.speedup_vs_web3]
            assert r.n == options.repeats
        assert all(math.isfinite(v) for v in timings), r
        assert all(v > 0 for v in timings if v is not r.sigma_s), r
        assert r.sigma_s >= 0 and r.p95_s >= r.p50_s
        assert r.users == (r.value if r.grid == "users" else options.fixed_users)
        assert r.blocks == (r.value if r.grid == "blocks" else options.fixed_blocks)
        assert r.height >= r.blocks  # real blocks on the chain


def _run_small(tmp_path, chain):
    options = quick_options(chains=(chain,), out=tmp_path, **SMALL)
    result = run_bench(options)
    rows = read_csv(result.csv_path)
    assert len(rows) == len(result.rows)
    _check_shape(rows, [chain], options)
    assert [p.name for p in result.chart_paths] == [f"figure_6_1_{chain}.png", f"figure_6_2_{chain}.png"]
    assert "ratio to floor" in result.summary_path.read_text()
    return result


def test_quick_run_on_tester_writes_a_csv_with_one_row_per_cell(tmp_path):
    _run_small(tmp_path, "tester")


@pytest.mark.anvil
def test_quick_run_on_anvil_writes_a_csv_with_one_row_per_cell(tmp_path):
    _run_small(tmp_path, "anvil")


def test_the_cli_quick_run_ends_with_files_and_status_0(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "quick_options", lambda **kw: quick_options(**{**kw, **SMALL}))
    status = cli.main(_parse("--quick", "--chain", "tester", "--out", str(tmp_path), "--no-progress"))
    out = capsys.readouterr().out
    assert status == 0, out
    assert "Benchmark (quick)" in out and "### tester" in out
    assert (tmp_path / "bench.csv").exists() and (tmp_path / "summary.md").exists()


def test_quick_is_the_issue_s_quick_mode_on_both_chains():
    options = cli.options_from(_parse("--quick"))
    assert options == quick_options(out=options.out)
    assert options.chains == ("tester", "anvil") and options.quick
    assert options.repeats == 10 and len(plan_cells(options)) == 6
    full = cli.options_from(_parse("--repeats", "7", "--chain", "anvil"))
    assert (full.blocks, full.users, full.repeats, full.chains) == (
        (0, 10, 100, 1000, 10000), (10, 50, 100, 1000, 10000), 7, ("anvil",))


@pytest.mark.parametrize("argv", [["--chain", "ftp://x"], ["--repeats", "1"], ["--repeats", "many"]])
def test_a_bad_option_is_one_readable_sentence(argv, capsys):
    with pytest.raises(SystemExit) as info:
        _parse(*argv)
    assert info.value.code == 2
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert "error: argument" in message and ("give" in message or "use" in message)


def test_a_node_that_is_down_is_one_readable_sentence(tmp_path, capsys):
    status = cli.main(_parse("--quick", "--chain", "http://127.0.0.1:9", "--out", str(tmp_path),
                             "--no-progress"))
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert err.startswith("error: cannot reach the Ethereum node at http://127.0.0.1:9")
    assert "\n" not in err and "Traceback" not in err


def test_bad_options_in_python_are_one_sentence():
    for bad in (dict(repeats=1), dict(chains=()), dict(chains=("geth",)), dict(blocks=(-1,)),
                dict(max_in_flight=0)):
        with pytest.raises(GridError) as info:
            replace(BenchOptions(), **bad).checked()
        assert "\n" not in str(info.value)


# ---------------------------------------------------------------- statistics
@pytest.mark.parametrize("values", [[0.5], [3.0, 1.0], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
                                    list(np.random.default_rng(6).lognormal(-6, 0.4, 101))])
def test_summary_matches_statistics_and_numpy(values):
    s = summarize(values)
    assert s.n == len(values)
    assert s.mean_s == pytest.approx(statistics.fmean(values))
    assert s.sigma_s == pytest.approx(statistics.stdev(values) if len(values) > 1 else 0.0)
    assert s.p50_s == pytest.approx(statistics.median(values))
    assert s.p95_s == pytest.approx(float(np.percentile(values, 95)))
    assert s.p50_s == pytest.approx(float(np.percentile(values, 50)))


def test_percentiles_interpolate_like_numpy():
    values = [4.0, 1.0, 3.0, 2.0]
    for q in (0, 10, 25, 50, 90, 95, 100):
        assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))
    with pytest.raises(ValueError):
        summarize([])


def test_csv_round_trip_keeps_missing_values_missing(tmp_path):
    row = Row("anvil", "users", "users", 10, 10, 100, 103, "Query Information", 3, 1e-3, 1e-4, 9e-4,
              1.2e-3, 5e-4, 1.8)
    back = read_csv(write_csv([row], tmp_path / "x.csv"))[0]
    assert math.isnan(back.throughput_tx_s) and back.value == 10 and back.p50_s == pytest.approx(9e-4)


def test_charts_follow_the_chart_rules(tmp_path):
    rows = [Row("anvil", grid, grid, v, 10, 100, 100, f, 3, 1e-3, 1e-4, 1e-3, 2e-3, 5e-4, 2.0)
            for grid, values in (("blocks", (0, 10)), ("users", (10, 50))) for v in values for f in FUNCTIONS]
    for grid in ("blocks", "users"):
        fig = response_time_figure(rows, grid, "anvil")
        assert problems(fig) == []
        assert fig.axes[0].get_yscale() == "log" and fig.axes[0].get_legend() is not None
