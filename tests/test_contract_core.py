"""The contract core on any contract: the README's MeterBoard and a contract of every ABI type.

Each test runs on eth-tester and on a real anvil node. Expected values come
from the Solidity sources below and the Solidity documentation (panic codes
0x11, 0x12, 0x32 in "Panic via assert and Error via require"; selectors and
topics are keccak256 of the canonical signature, computed here with eth_utils).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from eth_abi import encode
from eth_utils import keccak

from grid import CompileError, ContractClient, ContractRules, GridError, compile_source, connect
from grid.chain import Chain
from grid.contract.reverts import decode_revert_reason

ROOT = Path(__file__).resolve().parents[1]
METER_BOARD = ROOT / "contracts" / "examples" / "MeterBoard.sol"

TYPES_SOURCE = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

contract Types {
    struct Offer { address seller; uint64 slot; uint256 wh; }
    event Paid(address indexed from, uint256 value, string memo);

    function echo(int256 a, uint8 b, bytes32 c, bytes calldata d, bool e, string calldata f)
        external pure returns (int256, uint8, bytes32, bytes memory, bool, string memory) {
        return (a, b, c, d, e, f);
    }
    function sum(uint256[] calldata xs) external pure returns (uint256 total) {
        for (uint256 i = 0; i < xs.length; i++) total += xs[i];
    }
    function offerWh(Offer calldata offer) external pure returns (uint256) { return offer.wh; }
    function sellers(Offer[] calldata offers) external pure returns (address[] memory out) {
        out = new address[](offers.length);
        for (uint256 i = 0; i < offers.length; i++) out[i] = offers[i].seller;
    }
    function pay(string calldata memo) external payable { emit Paid(msg.sender, msg.value, memo); }
}
"""


def one_sentence(text: str) -> bool:
    return "\n" not in text and "Traceback" not in text and len(text) < 400


@pytest.fixture(scope="module", params=["tester", pytest.param("anvil", marks=pytest.mark.anvil)])
def chain(request):
    with connect(request.param) as c:
        yield c


@pytest.fixture(scope="module")
def board_artifact():
    return compile_source(METER_BOARD.read_text())


@pytest.fixture
def board(chain: Chain, board_artifact):
    snap = chain.snapshot()
    yield ContractClient.deploy(chain, board_artifact, sender="admin")
    chain.revert(snap)


@pytest.fixture(scope="module")
def types_client(chain: Chain):
    return ContractClient.deploy(chain, compile_source(TYPES_SOURCE, name="Types"), sender="admin")


# ------------------------------------------------------------------ the README's example
def test_the_readme_shows_the_example_contract_as_it_is():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```solidity\n(.*?)```", readme, re.S)
    assert block, "the README has no solidity block"
    assert block.group(1) == METER_BOARD.read_text()


def test_the_readme_examples_run_as_written(monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### The contract core"):readme.index("### Command line")]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 2
    monkeypatch.chdir(ROOT)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    assert "NotTheOperator(caller=" in capsys.readouterr().out


def test_deploy_transact_call_and_decoded_events(chain, board):
    entry = board.transact("post", 7, 2500, sender="generator1")
    assert entry.status == "ok" and entry.block_number == chain.block_number
    (event,) = entry.events
    meter = chain.account("generator1").address
    assert event.name == "Reading" and event.signature == "Reading(address,uint64,uint256)"
    assert event.args == {"meter": meter, "slot": 7, "wh": 2500}
    assert event.address == board.address
    assert board.call("totalWh", "generator1") == 2500
    assert board.call("readings", 0) == 2500
    assert board.call("operator") == chain.account("admin").address
    assert "Reading(meter=" in board.log.format() and "wh=2500" in board.log.format()


def test_at_attaches_to_a_deployed_contract(chain, board, board_artifact):
    board.transact("post", 1, 10, sender="generator1")
    again = ContractClient.at(chain, board_artifact, board.address)
    assert again.call("totalWh", "generator1") == 10


def test_a_require_string_is_the_sentence(chain, board):
    height = chain.block_number
    with pytest.raises(GridError) as caught:
        board.transact("post", 1, 0, sender="generator1")
    assert caught.value.kind == "revert" and one_sentence(str(caught.value))
    assert "a reading must be above 0 Wh" in caught.value.message
    assert chain.block_number == height   # refused before sending: nothing mined


def test_a_custom_error_names_itself_and_its_arguments(chain, board):
    with pytest.raises(GridError) as caught:
        board.transact("clear", "generator1", sender="consumer1")
    caller, operator = chain.account("consumer1").address, chain.account("admin").address
    assert caught.value.kind == "revert" and one_sentence(str(caught.value))
    assert f"NotTheOperator(caller={caller}, operator={operator})" in caught.value.message
    assert "clear from consumer1" in caught.value.message


@pytest.mark.parametrize(("args", "code", "words"), [
    ((5, 1), 0x32, "array index was out of bounds"),
    ((0, 0), 0x12, "division or modulo by zero"),
])
def test_panics_in_a_call_are_named(board, args, code, words):
    board.transact("post", 1, 10, sender="generator1")
    with pytest.raises(GridError) as caught:
        board.call("share", *args)
    assert f"panic 0x{code:02x}" in caught.value.message and words in caught.value.message
    assert one_sentence(str(caught.value))


def test_an_overflow_panic_is_named(board):
    board.transact("post", 1, 2**256 - 1, sender="generator1")
    with pytest.raises(GridError) as caught:
        board.transact("post", 2, 1, sender="generator1")
    assert "panic 0x11" in caught.value.message and "overflowed" in caught.value.message


def test_the_panic_decoder_agrees_with_the_abi_encoding():
    payload = keccak(text="Panic(uint256)")[:4] + encode(["uint256"], [0x12])
    assert decode_revert_reason(payload).startswith("panic 0x12")


# ------------------------------------------------------------------ the preflight hook
class BoardRules(ContractRules):
    """A contract module's rules: refuse a clear from anyone but the operator, before sending."""

    labels: Mapping[str, str] = {"wh": "the reading", "meter": "the meter"}

    def check(self, client, function, who, values):
        if function == "clear" and who.address != client.call("operator"):
            return GridError(f"only the operator may clear a meter: {who.name} is not the operator",
                             kind="permission", function=function)
        return None


def test_a_contract_module_plugs_in_its_rules(chain, board_artifact):
    snap = chain.snapshot()
    try:
        board = ContractClient.deploy(chain, board_artifact, sender="admin", rules=BoardRules())
        height = chain.block_number
        with pytest.raises(GridError, match="only the operator may clear a meter: consumer1 is not"):
            board.transact("clear", "generator1", sender="consumer1")
        with pytest.raises(GridError, match="the reading"):
            board.transact("post", 1, -5, sender="generator1")
        assert chain.block_number == height
        board.transact("clear", "generator1", sender="admin")   # the operator passes the rule
    finally:
        chain.revert(snap)


# ------------------------------------------------------------------ ABI-derived validation
def test_every_abi_type_round_trips(types_client):
    got = types_client.call("echo", -(2**255), 255, b"\x01" * 32, b"\xff\x00", True, "kWh")
    assert got == (-(2**255), 255, b"\x01" * 32, b"\xff\x00", True, "kWh")
    assert types_client.call("sum", [1, 2, 3]) == 6
    assert types_client.call("offerWh", {"seller": "generator1", "slot": 3, "wh": 1500}) == 1500
    assert types_client.call("offerWh", ("generator1", 3, 1500)) == 1500
    chain = types_client.chain
    sellers = types_client.call("sellers", [("generator1", 1, 1),
                                            {"seller": "generator2", "slot": 2, "wh": 2}])
    assert sellers == [chain.account("generator1").address, chain.account("generator2").address]


@pytest.mark.parametrize(("position", "bad", "words"), [
    (0, 2**255, "int256"),             # one above int256's maximum, 2**255 - 1
    (0, -(2**255) - 1, "int256"),
    (0, 1e30, "float"),                # a float is never silently made an integer
    (1, 256, "uint8"),
    (1, -1, "negative"),
    (2, b"\x01" * 31, "32"),
    (4, "yes", "true or false"),
])
def test_out_of_range_arguments_are_refused_before_sending(types_client, position, bad, words):
    args = [0, 0, b"\x00" * 32, b"", False, "x"]
    args[position] = bad
    with pytest.raises(GridError) as caught:
        types_client.call("echo", *args)
    assert caught.value.kind == "input" and one_sentence(str(caught.value))
    assert words in caught.value.message
    assert "1000000000000000019884624839424" not in caught.value.message


def test_a_struct_with_a_wrong_member_is_refused(types_client):
    with pytest.raises(GridError, match="seller, slot, wh"):
        types_client.call("offerWh", {"seller": "generator1", "slot": 3})


def test_payable_value_and_its_event(chain, types_client):
    before = chain.balance(types_client.address)
    entry = types_client.transact("pay", "for 2 kWh", sender="consumer1", value=12345)
    assert chain.balance(types_client.address) == before + 12345 and entry.value == 12345
    (event,) = entry.events
    topic = keccak(text="Paid(address,uint256,string)")
    assert event.signature == "Paid(address,uint256,string)" and topic == keccak(text=event.signature)
    assert event.args == {"from": chain.account("consumer1").address, "value": 12345, "memo": "for 2 kWh"}


def test_value_to_a_function_that_is_not_payable_is_refused(types_client):
    with pytest.raises(GridError, match="not payable"):
        types_client.invoke("sum", [1], value=1)


# ------------------------------------------------------------------ compile_source
def test_compile_error_points_at_line_and_column_of_the_text():
    source = "pragma solidity 0.8.37;\ncontract Broken {\n    uint256 x = ;\n}\n"
    with pytest.raises(CompileError) as caught:
        compile_source(source)
    (first, *_) = [m for m in caught.value.messages if m.severity == "error"]
    # The stray ';' is on line 3; solc points at it, column 17 (1-based) of "    uint256 x = ;".
    assert (first.line, first.column) == (3, source.splitlines()[2].index(";") + 1)
    assert "3:17" in caught.value.message and first.kind == "ParserError"


def test_compile_source_picks_the_named_contract_and_refuses_ambiguity():
    source = "pragma solidity 0.8.37;\ncontract A { }\ncontract B { function f() external {} }\n"
    assert compile_source(source, name="B").contract_name == "B"
    with pytest.raises(CompileError, match="pass name="):
        compile_source(source)
    with pytest.raises(CompileError, match="no contract 'C'"):
        compile_source(source, name="C")
    with pytest.raises(CompileError, match="empty"):
        compile_source("  ")
