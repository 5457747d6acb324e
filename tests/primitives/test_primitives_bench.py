"""primitives.bench: its floors do the same work as ours, and every figure is written.

The floors are checked against real data, not against the code they time:
bare_merkle_root against the roots of Bitcoin blocks 100000 and 170
(data/bitcoin_merkle_blocks.json), bare_hashing against hashlib's double
SHA-256 of the full 80-byte header with the nonce set. Nothing here is timed:
the ratios are figures for `make bench`, not pass marks.
"""
import csv
import hashlib
import json
from pathlib import Path

import pytest

from primitives import bench

DATA = Path(__file__).resolve().parents[2] / "data"
BLOCKS = json.loads((DATA / "bitcoin_merkle_blocks.json").read_text())["blocks"]


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: str(b["height"]))
def test_bare_merkle_floor_gives_real_roots(block):
    leaves = [bytes.fromhex(t)[::-1] for t in block["txids"]]
    assert bench.bare_merkle_root(leaves)[::-1].hex() == block["merkle_root"]


def test_bare_hashing_floor_hashes_the_last_nonce_header():
    attempts = 1000
    header = bytearray(bench.GENESIS_RAW)
    header[76:80] = (attempts - 1).to_bytes(4, "little")
    expected = hashlib.sha256(hashlib.sha256(bytes(header)).digest()).digest()
    assert bench.bare_hashing(bench.GENESIS_RAW, attempts) == expected


def test_genesis_header_is_bitcoins():
    # The block hash every Bitcoin explorer shows for height 0.
    digest = hashlib.sha256(hashlib.sha256(bench.GENESIS_RAW).digest()).digest()
    assert digest[::-1].hex() == "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"


def test_merkle_figure_refuses_a_disagreeing_floor(monkeypatch):
    monkeypatch.setattr(bench, "bare_merkle_root", lambda leaves: b"\0" * 32)
    with pytest.raises(AssertionError, match="disagree"):
        bench.bench_merkle(64, rounds=1)


def test_small_run_writes_one_row_per_building_block(tmp_path, monkeypatch):
    figures = [bench.bench_mining(2000, rounds=2), bench.bench_merkle(1025, rounds=2),
               bench.bench_trie(50, rounds=2)]
    assert [f.name for f in figures] == ["mining", "merkle_root", "trie"]
    for f in figures:
        assert f.rounds == 2 and f.ratio_low <= f.ratio <= f.ratio_high and f.ours_s > 0 < f.floor_s
    rows = list(csv.DictReader(bench.write_csv(figures, tmp_path / "primitives.csv").open()))
    assert [r["name"] for r in rows] == ["mining", "merkle_root", "trie"]
    assert rows[1]["size"] == "1025"
    assert "| merkle_root | 1,025 |" in bench.table(figures)


def test_main_ignores_the_node_bench_options(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench, "run", lambda quick: [bench.bench_merkle(8, rounds=1)])
    assert bench.main(["--quick", "--chain", "anvil", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "primitives.csv").exists()
    assert "merkle_root" in capsys.readouterr().out
