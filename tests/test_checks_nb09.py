"""Notebook 09's checks reject plausible mistakes (tests/test_exercises.py runs the reference solutions)."""
from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from decimal import Decimal
from fractions import Fraction

import pytest
from eth_utils import keccak, to_wei

from grid.chain.anvil import anvil_binary
from grid.compiler import load_artifact
from grid.errors import GridError
from grid.genesis import THESIS_GENESIS
from lab.exercises import SOLVED, WRONG, check
from lab.solutions import nb09


# ------------------------------------------------------------ wrong answers
def _first_network(record_path, chain_id):
    # Ignores the chain id: takes whatever network comes first.
    with open(record_path) as record:
        networks = json.load(record)["networks"]
    return next(iter(networks.values()))["address"]


def _int_key(record_path, chain_id):
    # JSON object keys are strings: networks[666] raises KeyError.
    return json.loads(open(record_path).read())["networks"][chain_id]["address"]


def _count_every_transaction(w3, address, first, last):
    # Counts ether transfers and creations too.
    return sum(len(w3.eth.get_block(n)["transactions"]) for n in range(first, last + 1))


def _count_exclusive(w3, address, first, last):
    # range(first, last) forgets the last block.
    return sum(1 for n in range(first, last)
               for tx in w3.eth.get_block(n, full_transactions=True)["transactions"]
               if tx["to"] == address)


def _alloc_in_ether(balances):
    # Writes the ether amount where geth expects wei.
    return {a[2:].lower(): {"balance": hex(int(Fraction(e)))} for a, e in balances.items()}


def _alloc_with_float(balances):
    # float: 12345678.123456789012345678 ether loses its last digits of wei.
    return {a[2:].lower(): {"balance": hex(int(float(e) * 10**18))} for a, e in balances.items()}


def _alloc_as_json_numbers(balances):
    # A JSON number, not a string: geth's HexOrDecimal256 refuses it.
    return {a[2:].lower(): {"balance": int(Fraction(e) * 10**18)} for a, e in balances.items()}


def _alloc_without_object(balances):
    # The balance straight under the address, without {"balance": ...}.
    return {a[2:].lower(): hex(int(Fraction(e) * 10**18)) for a, e in balances.items()}


def _any_code_is_valid(w3, address, deployed_bytecode):
    # Only checks that something lives at the address.
    return len(w3.eth.get_code(address)) > 0


def _compare_with_creation_code(w3, address, deployed_bytecode):
    # Hashes the creation code (constructor included), which never sits on chain.
    return keccak(bytes(w3.eth.get_code(address))) == keccak(hexstr=load_artifact("PowerGeneration").bytecode)


def _off_by_one(v):
    # Subtracts 36, as if the parity were always 1.
    return None if v in (27, 28) else (v - 36) // 2


def _true_division(v):
    # / gives a float, and half a chain id for odd parity.
    return None if v in (27, 28) else (v - 35) / 2


def _no_pre_eip155_case(v):
    # Forgets v = 27/28: returns a negative chain id instead of "every chain".
    return (v - 35) // 2


@pytest.mark.parametrize("exercise_id, wrong", [
    ("09.1", _first_network),
    ("09.1", _int_key),
    ("09.3", _count_every_transaction),
    ("09.3", _count_exclusive),
    ("09.4", _alloc_in_ether),
    ("09.4", _alloc_with_float),
    ("09.4", _alloc_as_json_numbers),
    ("09.4", _alloc_without_object),
    ("09.5", _any_code_is_valid),
    ("09.5", _compare_with_creation_code),
    ("09.2", _off_by_one),
    ("09.2", _true_division),
    ("09.2", _no_pre_eip155_case),
], ids=lambda v: v if isinstance(v, str) else v.__name__)
def test_a_plausible_mistake_is_rejected(exercise_id, wrong):
    outcome = check(exercise_id, wrong)
    assert outcome.status == WRONG, outcome.message


def test_decimal_balances_and_0x_keys_pass_too():
    # geth and anvil read "0x"-prefixed keys and decimal balance strings as well.
    def decimal(balances):
        return {a: {"balance": str(int(Fraction(e) * 10**18))} for a, e in balances.items()}
    assert check("09.4", decimal).status == SOLVED


def _rpc(url, method, params):
    request = urllib.request.Request(url, json.dumps({"jsonrpc": "2.0", "id": 1, "method": method,
                                                      "params": params}).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=5) as reply:
        return json.loads(reply.read())["result"]


def test_a_real_node_starts_from_the_reference_alloc(tmp_path):
    # anvil --init reads a geth genesis.json: block 0 must hold exactly these balances (eth-utils' to_wei).
    try:
        binary = anvil_binary()
    except GridError:
        pytest.skip("anvil is not installed (make setup)")
    balances = {"0x70997970C51812dc3A010C7d01b50e0d17dc79C8": "10000",
                "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65": "12345678.123456789012345678"}
    genesis = {"config": {"chainId": 666}, "timestamp": THESIS_GENESIS["timestamp"], "difficulty": "0x2",
               "gasLimit": THESIS_GENESIS["gasLimit"], "extraData": "0x",
               "alloc": nb09.genesis_alloc(balances)}
    (tmp_path / "genesis.json").write_text(json.dumps(genesis))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    node = subprocess.Popen([str(binary), "--init", str(tmp_path / "genesis.json"), "--port", str(port),
                             "--silent"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        chain_id = None
        for _ in range(150):
            try:
                chain_id = _rpc(url, "eth_chainId", [])
                break
            except OSError:
                time.sleep(0.1)
        assert chain_id is not None and int(chain_id, 16) == 666, node.poll()
        for address, ether in balances.items():
            assert int(_rpc(url, "eth_getBalance", [address, "0x0"]), 16) == to_wei(Decimal(ether), "ether")
    finally:
        node.terminate()
        node.wait(timeout=10)


def test_the_wrong_answer_message_names_the_unit():
    outcome = check("09.4", _alloc_in_ether)
    assert "10**18 wei" in outcome.message and "Traceback" not in outcome.message, outcome.message
    outcome = check("09.2", _no_pre_eip155_case)
    assert "every chain" in outcome.message and "Traceback" not in outcome.message, outcome.message
