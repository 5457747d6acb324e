"""grid.bench.batched: many transactions per block, all of them mined; the anvil hardfork switch.

Nothing here asserts on speed. What is checked is what the figures rest on:
every transaction a virtual user sends is mined and counted by the contract
(read back through GetTotalGeneration, not from the bench's own count); with
a block time, blocks really hold several transactions; automine is back on
afterwards; and the rows reach bench.csv and a chart that follows the chart
rules. The fork test reads the header fields each fork adds (EIP-4844's
blobGasUsed in Cancun, EIP-7685's requestsHash in Prague).
"""
import math

import pytest

from grid.bench import batched, quick_options
from grid.bench.results import read_csv, write_csv
from grid.bench.testbed import open_testbed
from grid.chain import connect
from grid.chain.anvil import AnvilProcess
from grid.errors import GridError
from lab.chart_rules import problems

pytestmark = pytest.mark.anvil


@pytest.fixture(scope="module")
def bed():
    testbed = open_testbed("anvil", 12, anvil_hardfork="cancun")
    testbed.register_users(12)
    yield testbed
    testbed.chain.close()


def _generated(bed, users):
    return sum(bed.admin.total_generated(u.account.address) for u in users)


def test_interval_blocks_mine_every_transaction_several_per_block(bed):
    users = bed.users[:8]
    before = _generated(bed, users)
    with batched.IntervalMiner(bed.chain, 0.2) as miner:
        row = batched.measure_level(bed, 8, 0.2)
    assert miner.failure is None
    per_user = max(batched.REQUESTS_PER_USER, -(-batched.MIN_REQUESTS // 8))
    assert row.n == 8 * per_user
    assert _generated(bed, users) - before == row.n          # 1 Wh each, all mined
    assert row.tx_per_block > 1.5                            # 8 senders share blocks
    assert row.blocks < row.n
    assert bed.chain.rpc("anvil_getAutomine") is True        # the miner gave automine back


def test_automine_row_and_its_bench_row(bed, tmp_path):
    before = _generated(bed, bed.users[:4])
    row = batched.measure_level(bed, 4, 0.0)
    assert _generated(bed, bed.users[:4]) - before == row.n
    assert row.throughput_tx_s == pytest.approx(row.n / row.wall_s)
    assert row.p95_s >= row.p50_s > 0 and row.label == "automine"
    bench_row = row.as_bench_row()
    path = write_csv([bench_row], tmp_path / "bench.csv")
    (back,) = read_csv(path)
    assert (back.grid, back.value, back.function, back.concurrency) == ("batched", 0, batched.BATCHED, 4)
    assert back.throughput_tx_s == pytest.approx(row.throughput_tx_s) and math.isnan(back.ratio_to_floor)
    assert batched.write_batched_csv([row], tmp_path / "batched.csv").read_text().startswith("block_time_s,")
    other = batched.BatchedRow(**{**row.__dict__, "block_time_s": 0.05})
    fig = batched.latency_throughput_figure([row, other])
    assert problems(fig) == []


def test_levels_never_exceed_the_users():
    assert batched.in_flight_levels(quick_options(), 100) == [16, 64, 100]
    assert batched.in_flight_levels(quick_options(quick=False), 10_000) == [16, 64, 256, 512]


@pytest.mark.parametrize("fork, has_requests_hash", [("cancun", False), ("prague", True)])
def test_the_hardfork_reaches_anvil(fork, has_requests_hash):
    with connect("anvil", accounts=2, hardfork=fork) as chain:
        header = chain.rpc("eth_getBlockByNumber", "latest", False)
    assert "blobGasUsed" in header
    assert ("requestsHash" in header) == has_requests_hash


def test_an_unknown_hardfork_is_one_sentence():
    with pytest.raises(GridError, match="hardfork must be one of cancun, prague"):
        AnvilProcess.start(hardfork="istanbul")
    with pytest.raises(GridError, match="anvil chain only"):
        connect("tester", hardfork="cancun")
