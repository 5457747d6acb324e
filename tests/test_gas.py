"""grid.gas on eth-tester and anvil: estimates, measurements, storage prices, readable errors.

Expected values are computed here from the protocol's published prices, never
read back from grid.gas:
  * Yellow Paper, Appendix G: G_transaction = 21,000 per transaction;
  * EIP-2028: calldata costs 4 gas per zero byte and 16 per non-zero byte;
  * EIP-7623 (Prague): a floor of 10 gas per calldata token (non-zero byte = 4 tokens);
  * EIP-2200 / EIP-2929: SSTORE of a zero slot to non-zero 20,000; of a non-zero
    slot to another non-zero value 5,000 - 2,100 = 2,900; first touch of a slot
    in a transaction (cold) 2,100, later touches (warm) 100;
  * EIP-2930: an access list costs 2,400 per address and 1,900 per storage key;
  * Solidity docs, "Layout of State Variables in Storage": a mapping value lives
    at keccak256(key . slot); a string of 32 bytes or more keeps its length in
    its slot and its bytes in ceil(length / 32) slots from keccak256(slot).
"""
from __future__ import annotations

import pytest
from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector, keccak

from grid import GridError, PowerGridClient, connect
from grid.gas import (
    GasReport,
    calldata_floor_gas,
    creation_gas,
    estimate_gas,
    intrinsic_gas,
    measure,
    measure_scenario,
    string_cost,
    user_member_slot,
    warm_slot_trials,
)

G_TRANSACTION = 21_000
ZERO_BYTE, NONZERO_BYTE = 4, 16          # EIP-2028
SSTORE_SET = 20_000                      # EIP-2200
SSTORE_RESET = 5_000 - 2_100             # EIP-2929
COLD_SLOAD, WARM_READ = 2_100, 100       # EIP-2929
LIST_ADDRESS, LIST_KEY = 2_400, 1_900    # EIP-2930


def lower_bound(calldata: bytes) -> int:
    """What any transaction with this calldata pays before its code runs."""
    zeros = calldata.count(0)
    return G_TRANSACTION + ZERO_BYTE * zeros + NONZERO_BYTE * (len(calldata) - zeros)


def encoded(signature: str, types: list[str], values: list) -> bytes:
    return function_signature_to_4byte_selector(signature) + encode(types, values)


# ------------------------------------------------------------------- no chain
def test_intrinsic_gas_counts_zero_and_nonzero_bytes():
    assert intrinsic_gas(b"") == 21_000
    assert intrinsic_gas(b"\x00\x00\x01") == 21_000 + 4 + 4 + 16
    data = encoded("Transfer(address,uint256)", ["address", "uint256"],
                   ["0x69DEcf193967f83609eb67632b426ef1587097d2", 100])   # Figure 5-6's transaction
    assert intrinsic_gas(data) == lower_bound(data)


def test_calldata_floor_of_eip_7623():
    assert calldata_floor_gas(b"\x01" * 10) == 21_000 + 10 * 4 * 10
    assert calldata_floor_gas(b"\x00" * 10) == 21_000 + 10 * 10


# -------------------------------------------------------------- on both chains
SCENARIO_CALLS = [
    # (function, args, sender, signature, types)
    ("Transfer", ("consumer1", 100), "generator1", "Transfer(address,uint256)", ["address", "uint256"]),
    ("GeneratePower", (10,), "generator1", "GeneratePower(uint256)", ["uint256"]),
    ("PowerConsume", (0,), "consumer1", "PowerConsume(uint256)", ["uint256"]),
    ("PowerDispatch", ("consumer1", "stop"), "admin", "PowerDispatch(address,string)", ["address", "string"]),
    ("empower", ("user5", "PowerUserFive", "Sundsvall", False, True), "admin",
     "empower(address,string,string,bool,bool)", ["address", "string", "string", "bool", "bool"]),
]


@pytest.mark.parametrize("function, args, sender, signature, types", SCENARIO_CALLS,
                         ids=[c[0] for c in SCENARIO_CALLS])
def test_estimate_covers_gas_used_which_covers_the_intrinsic_gas(client, chain, function, args, sender,
                                                                 signature, types):
    values = [chain.account(a).address if t == "address" else a for t, a in zip(types, args, strict=True)]
    data = encoded(signature, types, values)
    assert client.encode_input(function, *args) == data
    block = chain.block_number
    estimate = estimate_gas(client, function, *args, sender=sender)
    assert chain.block_number == block, "an estimate mines nothing"
    entry = client.invoke(function, *args, sender=sender)
    assert lower_bound(data) < entry.gas_used <= estimate
    receipt = chain.w3.eth.get_transaction_receipt(entry.tx_hash)
    assert receipt["gasUsed"] == entry.gas_used


def test_a_view_function_has_an_estimate_but_a_call_costs_nothing(client, chain):
    data = function_signature_to_4byte_selector("GetGeneration()")
    assert estimate_gas(client, "GetGeneration", sender="generator1") > lower_bound(data)
    sender = chain.account("generator1").address
    balance, block = chain.w3.eth.get_balance(sender), chain.block_number
    client.generation_balance(sender="generator1")
    assert (chain.w3.eth.get_balance(sender), chain.block_number) == (balance, block)


def test_measure_scenario_measures_every_transaction_function(client, chain):
    report = measure_scenario(chain)
    assert isinstance(report, GasReport) and report.target == chain.target
    changing = {item["name"] for item in client.artifact.abi
                if item["type"] == "function" and item["stateMutability"] == "nonpayable"}
    assert set(report.by_function()) == changing
    for m in report.measurements:
        block = chain.w3.eth.get_block(m.block_number)
        assert len(block["transactions"]) == 1 and block["gasUsed"] == m.used  # one transaction a block
        assert m.intrinsic < m.used <= m.estimated
    # a creation pays 32,000 more (Yellow Paper G_txcreate)
    assert report.deploy_gas > 32_000 + G_TRANSACTION
    assert "(deployment)" in report.table() and 'PowerDispatch "stop"' in report.table()


def test_a_fresh_slot_costs_more_than_a_used_one(client):
    # generator1 has generated nothing: the first GeneratePower turns its two counters
    # (generationPower, totalGenerationPower) from zero to non-zero, the second changes them again.
    first = measure(client, "GeneratePower", 10, sender="generator1")
    second = measure(client, "GeneratePower", 10, sender="generator1")
    assert first.used - second.used == 2 * (SSTORE_SET - SSTORE_RESET) == 34_200


def test_an_access_list_makes_cold_slots_warm(client):
    client.generate_power(5, sender="generator1")
    trials = warm_slot_trials(client, 10, sender="generator1")
    baseline, *listed = trials
    assert baseline.slots_listed == -1
    for trial in listed:
        k = trial.slots_listed
        # Each listed key: 1,900 up front, then its first touch costs 100 (warm) instead of 2,100 (cold).
        assert trial.gas_used - baseline.gas_used == LIST_ADDRESS + k * (LIST_KEY - (COLD_SLOAD - WARM_READ))
    assert [t.slots_listed for t in listed] == [0, 1, 2, 3]


def test_user_member_slot_is_solidity_s_mapping_layout(client, chain):
    client.generate_power(42, sender="generator1")
    address = chain.account("generator1").address
    key = bytes.fromhex(address[2:]).rjust(32, b"\0") + (1).to_bytes(32, "big")
    base = int.from_bytes(keccak(key), "big")
    assert user_member_slot(client, "generator1", "generationPower") == base + 2
    assert int.from_bytes(chain.storage_at(client.address, base + 2), "big") == 42
    with pytest.raises(GridError) as info:
        user_member_slot(client, "generator1", "balance")
    assert info.value.kind == "input"


def test_each_long_string_slot_costs_a_fresh_sstore(client):
    costs = {c.length: c for c in string_cost(client, [31, 32, 33, 64, 65], user="consumer2")}
    assert [costs[n].slots for n in (31, 32, 33, 64, 65)] == [1, 2, 3, 3, 4]

    def step(a: int, b: int) -> int:
        return costs[b].measurement.used - costs[a].measurement.used
    # One more slot: one more zero-to-non-zero SSTORE (20,000) touched cold (2,100).
    for a, b in ((31, 32), (32, 33), (64, 65)):
        assert SSTORE_SET + COLD_SLOAD <= step(a, b) < SSTORE_SET + COLD_SLOAD + 1_000
    assert 0 < step(33, 64) < 1_000   # same slots: only calldata and copying differ


def test_a_deployment_pays_creation_code_deposit_and_one_sstore(client, chain):
    deployed = PowerGridClient.deploy(chain)
    creation = bytes.fromhex(deployed.artifact.bytecode[2:])
    runtime = chain.code_at(deployed.address)
    assert "0x" + runtime.hex() == deployed.artifact.deployed_bytecode
    # Yellow Paper: G_transaction + G_txcreate + calldata + G_codedeposit (200) per stored byte;
    # EIP-3860: 2 per 32-byte word of creation code.
    fixed = (G_TRANSACTION + 32_000 + lower_bound(creation) - G_TRANSACTION + 2 * -(-len(creation) // 32)
             + 200 * len(runtime))
    assert creation_gas(creation, len(runtime)).total == fixed
    constructor = deployed.log[-1].gas_used - fixed
    # The constructor stores the administrator in a zero slot, touched cold: 22,100, plus a few cheap opcodes.
    assert SSTORE_SET + COLD_SLOAD <= constructor < SSTORE_SET + COLD_SLOAD + 2_000


# ------------------------------------------------------------ readable errors
@pytest.mark.parametrize("function, args, sender, kind", [
    ("Transfer", ("consumer1", -5), "generator1", "input"),
    ("Transfer", ("0x123", 5), "generator1", "input"),
    ("Transfer", ("consumer1", 2**256), "generator1", "input"),
    ("Transfer", ("consumer1",), "generator1", "input"),
    ("Nope", (), "admin", "input"),
    ("empower", ("user5", "a", "b", True, True), "generator1", "permission"),
    ("PowerConsume", (1,), "consumer1", "revert"),          # consumer1 has bought nothing
    ("Transfer", ("consumer1", 0), "generator1", "revert"),
    ("Transfer", ("consumer1", 5), "nobody", "account"),
])
def test_bad_estimates_are_one_readable_sentence(client, chain, function, args, sender, kind):
    block = chain.block_number
    with pytest.raises(GridError) as info:
        estimate_gas(client, function, *args, sender=sender)
    assert info.value.kind == kind and "\n" not in info.value.message and len(info.value.message) < 300
    assert chain.block_number == block


def test_a_revert_without_preflight_is_still_readable(deployed, chain):
    raw = PowerGridClient(chain, deployed.address, preflight=False)
    with pytest.raises(GridError) as info:
        estimate_gas(raw, "Transfer", "consumer1", 0, sender="generator1")
    assert info.value.kind == "revert" and "would revert" in info.value.message


@pytest.mark.anvil
def test_a_stopped_node_is_a_readable_error():
    with connect("anvil") as chain:
        client = PowerGridClient.deploy(chain)
        chain.process.stop()
        with pytest.raises(GridError) as info:
            estimate_gas(client, "GeneratePower", 1, sender="generator1")
        assert info.value.kind == "node" and "cannot reach" in info.value.message
