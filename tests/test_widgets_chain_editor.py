"""The chain editor, driven through its Python API as a student would click it."""
import json
from pathlib import Path

import pytest

from lab.block_charts import blocks_table, chain_table, header_fields
from lab.widgets.chain_editor import EDITOR_BITS, ChainEditor, block_statuses
from primitives.block import REGTEST_BITS, BlockHeader


@pytest.fixture
def editor():
    return ChainEditor(n_blocks=5)


def test_starts_as_a_valid_linked_chain(editor):
    assert len(editor.blocks) == 5
    assert all(s.valid for s in editor.statuses)
    assert editor.summary().splitlines()[0].endswith("5 valid")
    assert editor.summary().count("valid  ") == 5
    assert all(b.header.bits == EDITOR_BITS for b in editor.blocks)
    assert editor.view.value.count("<tr") == 6          # header row + 5 blocks


def test_picking_a_block_shows_its_transaction(editor):
    editor.block.value = 3
    assert editor.text.value == "generator1 sells 300 kWh to consumer1"
    editor.tx.value = 0
    assert editor.text.value == "reward: 50 coins to miner3"
    assert all(s.valid for s in editor.statuses)       # looking changes nothing


def test_editing_breaks_the_block_and_everything_after_it(editor):
    editor.block.value = 2
    editor.text.value = "generator1 sells 900 kWh to consumer1"
    s = editor.statuses
    assert [x.valid for x in s] == [True, True, False, False, False]
    assert not s[2].merkle_ok and s[2].pow_ok and s[2].link_ok
    assert s[3].first_bad_ancestor == 2 and s[4].first_bad_ancestor == 2
    lines = editor.summary().splitlines()
    assert "block 2  INVALID" in lines[3] and "Merkle root does not match" in lines[3]
    assert "builds on invalid block 2" in lines[4] and "builds on invalid block 2" in lines[5]
    assert "900 kWh" in editor.view.value and "INVALID" in editor.view.value


def test_update_root_breaks_pow_and_the_next_link(editor):
    editor.block.value = 2
    editor.text.value = "generator1 sells 900 kWh to consumer1"
    editor.root_button.click()
    s = editor.statuses
    assert s[2].merkle_ok and not s[2].pow_ok            # new header, old nonce
    assert not s[3].link_ok                               # block 3 names the old hash
    assert "hash above target" in editor.summary()
    assert "prev_hash is not the hash of block 2" in editor.summary()


def test_remine_one_block_leaves_the_next_link_broken(editor):
    editor.block.value = 2
    editor.text.value = "generator1 sells 900 kWh to consumer1"
    editor.remine_one_button.click()
    s = editor.statuses
    assert s[2].valid and not s[3].link_ok and not s[4].valid
    assert editor.last_remined == [2] and editor.last_attempts > 0


def test_remine_from_k_repairs_the_chain(editor):
    old_hashes = [b.hash() for b in editor.blocks]
    editor.block.value = 2
    editor.text.value = "generator1 sells 900 kWh to consumer1"
    editor.remine_button.click()
    assert all(s.valid for s in editor.statuses)
    new_hashes = [b.hash() for b in editor.blocks]
    assert new_hashes[:2] == old_hashes[:2]
    assert all(a != b for a, b in zip(new_hashes[2:], old_hashes[2:], strict=True))
    assert editor.last_remined == [2, 3, 4]
    assert "last re-mine: block(s) 2..4" in editor.summary()
    assert editor.blocks[2].raw_txs[1] == b"generator1 sells 900 kWh to consumer1"


def test_empty_transaction_shows_a_message_and_changes_nothing(editor):
    before = list(editor.blocks)
    editor.block.value = 1
    editor.text.value = "   "
    assert editor.blocks == before
    assert "cannot be empty" in editor.message
    assert "cannot be empty" in editor.message_view.value
    assert "Traceback" not in editor.summary()
    editor.text.value = "generator1 sells 1 kWh to consumer1"   # a good edit clears the message
    assert editor.message == "" and editor.message_view.value == ""


def test_reset_restores_the_original_chain(editor):
    original = list(editor.blocks)
    editor.block.value = 1
    editor.text.value = "generator1 sells 5 kWh to consumer1"
    editor.remine_button.click()
    editor.reset_button.click()
    assert editor.blocks == original
    assert all(s.valid for s in editor.statuses)
    assert editor.text.value == "generator1 sells 100 kWh to consumer1"


def test_regtest_bits_and_custom_transactions():
    editor = ChainEditor(bits=REGTEST_BITS, transactions=[["genesis"], ["a", "b"], ["c"]])
    assert len(editor.blocks) == 3 and all(s.valid for s in editor.statuses)
    assert block_statuses(editor.blocks) == editor.statuses


def test_constructor_rejects_a_chain_too_short():
    with pytest.raises(ValueError):
        ChainEditor(transactions=[["only genesis"]])


# -- notebook 03's tables (lab/block_charts.py) ----------------------------------------

def test_header_table_mirrors_thesis_table_2_1():

    data = json.loads((Path(__file__).resolve().parents[1] / "data" / "bitcoin_genesis.json").read_text())
    table = header_fields(BlockHeader.from_hex(data["raw_header"]))
    assert list(table["field"]) == ["version", "previous block hash", "Merkle root", "timestamp",
                                    "difficulty target (bits)", "nonce"]
    assert "".join(table["raw bytes (as stored)"]) == data["raw_header"]
    assert table.loc[3, "value"].startswith("1231006505 = 2009-01-03 18:15:05 UTC")
    assert data["merkle_root"] in table.loc[2, "value"]


def test_chain_table_flags_a_broken_link():
    editor = ChainEditor(n_blocks=3)
    headers = [b.header for b in editor.blocks]
    assert list(chain_table(headers)["links to row above"]) == ["—", "✓", "✓"]
    assert list(chain_table([headers[0], headers[2]])["links to row above"]) == ["—", "✗"]
    assert list(blocks_table(editor.blocks)["Merkle root matches"]) == ["✓"] * 3
