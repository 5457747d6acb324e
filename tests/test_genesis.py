"""grid.genesis: the table shows the thesis's genesis.json faithfully and the node's real values."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from grid.chain import connect
from grid.genesis import (
    FORK_BLOCKS,
    GENESIS_PARAMETERS,
    THESIS_GENESIS,
    THESIS_NETWORK_ID,
    compare_genesis,
    format_genesis_table,
    genesis_date,
    genesis_markdown,
    rows_as_dicts,
    show_value,
)

THESIS = Path("/work/shared/seed/thesis.md")
if not THESIS.exists():  # the seed lives outside the repository; a copy may sit next to it
    THESIS = Path(__file__).resolve().parents[1] / "data" / "thesis.md"


@pytest.fixture(scope="module")
def thesis_text() -> str:
    if not THESIS.exists():
        pytest.skip(f"the thesis text is not available at {THESIS}")
    return THESIS.read_text()


@pytest.fixture(scope="module")
def thesis_genesis(thesis_text) -> dict:
    """The genesis.json code block of section 5.3, parsed from the thesis's own text."""
    section = thesis_text[thesis_text.index("### 5.3 Build a private chain"):]
    block = re.search(r"genesis\.json contains the following contents:\s*```\s*(\{.*?\})\s*```",
                      section, re.S)
    assert block, "section 5.3's genesis.json block was not found"
    return json.loads(block.group(1))


def test_the_thesis_genesis_is_copied_verbatim(thesis_genesis):
    assert thesis_genesis == THESIS_GENESIS


def test_the_thesis_column_shows_the_thesis_values(thesis_genesis):
    for param in GENESIS_PARAMETERS:
        key = param.name
        if key.startswith("config.") and key.split(".")[1] in thesis_genesis["config"]:
            assert param.thesis == show_value(thesis_genesis["config"][key.split(".")[1]]), key
        elif key in thesis_genesis:
            assert param.thesis == show_value(thesis_genesis[key]), key
    forks = next(p for p in GENESIS_PARAMETERS if p.name.startswith("config.*Block"))
    assert all(thesis_genesis["config"][f] == 0 for f in FORK_BLOCKS) and forks.thesis.startswith("0 ")
    # every field of the thesis's genesis.json has a row (the fork blocks share one)
    covered = {p.name for p in GENESIS_PARAMETERS}
    for key in thesis_genesis:
        assert key in covered or key == "config", key
    for key in thesis_genesis["config"]:
        assert f"config.{key}" in covered or key in FORK_BLOCKS or key == "eip150Hash", key


def test_the_network_id_is_the_one_of_the_thesis_s_geth_command(thesis_text):
    assert f"--networkid {THESIS_NETWORK_ID} " in thesis_text


def test_the_genesis_date_is_the_one_geth_printed(thesis_text):
    # geth's console in section 5.3: "at block: 0 (Thu Nov 28 2019 17:11:26 GMT+0800 (CST))"
    assert "Thu Nov 28 2019 17:11:26 GMT+0800" in thesis_text
    assert genesis_date(int(THESIS_GENESIS["timestamp"], 16)) == "2019-11-28 09:11:26 UTC"


def test_the_our_column_is_read_from_the_running_node(chain):
    rows = {r.name: r for r in compare_genesis(chain)}
    block0 = chain.w3.eth.get_block(0)
    assert rows["config.chainId"].ours == str(chain.w3.eth.chain_id)  # eth_chainId
    assert rows["config.chainId"].ours == "666" and rows["config.chainId"].same
    assert int(rows["timestamp"].ours, 16) == block0["timestamp"] == int(THESIS_GENESIS["timestamp"], 16)
    assert rows["timestamp"].same
    assert int(rows["gasLimit"].ours, 16) == block0["gasLimit"] and not rows["gasLimit"].same
    assert int(rows["difficulty"].ours, 16) == block0["difficulty"] == 0 and not rows["difficulty"].same
    assert rows["number"].ours == "0x0" and rows["number"].same
    funded = sum(chain.w3.eth.get_balance(a.address, block_identifier=0) > 0 for a in chain.accounts)
    assert rows["alloc"].ours.startswith(f"{funded} named accounts") and not rows["alloc"].same
    assert f"{block0['baseFeePerGas']:,} wei" == rows["baseFeePerGas (not in the thesis)"].ours


@pytest.mark.anvil
def test_anvil_answers_net_version_with_its_chain_id():
    with connect("anvil") as node:
        rows = {r.name: r for r in compare_genesis(node)}
        assert rows["networkid (geth flag)"].ours == node.rpc("net_version") == "666"
        assert rows["extraData"].ours == "0x (empty)"


def test_the_tables_show_every_row(chain):
    rows = compare_genesis(chain)
    text = format_genesis_table(rows)
    markdown = genesis_markdown(rows)
    assert len(text.splitlines()) == len(rows) + 1
    assert len(markdown.splitlines()) == len(rows) + 2
    for row in rows:
        assert row.name in text and f"`{row.name}`" in markdown
    assert rows_as_dicts(rows)[0]["name"] == "config.chainId"
