"""Checks for notebook 09: deployment records, EIP-155 chain ids, nonces, reading blocks with web3.

Every check builds its own world: a record file in a temporary folder, or a
fresh in-process eth-tester chain (lab.checks.fresh) on which it sends
known transactions. Expected values come from what the check itself wrote or
sent (its receipts, its amounts), hashed with eth-utils' keccak where needed,
from signatures made by eth-account, or from eth-utils' to_wei and geth's
rules for reading a genesis balance; never from
grid.migrate or grid.explorer, which the exercises re-implement.
"""
from __future__ import annotations

import json
import tempfile
from decimal import Decimal
from pathlib import Path

from eth_account import Account
from eth_utils import to_wei

from grid.compiler import load_artifact

from ..exercises import exercise, expect
from .fresh import fresh_contract

# Creation code whose runtime code is the single byte 0x00 (STOP): "another contract".
TINY_CONTRACT = bytes.fromhex("6001600c60003960016000f3" + "00")


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@exercise("09.1", "address from a deployment record")
def check_deployment_address(deployment_address):
    ours = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    other = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"
    record = {"contractName": "PowerGeneration", "networks": {
        "1337": {"address": other, "transactionHash": "0x" + "22" * 32, "blockNumber": 2},
        "666": {"address": ours, "transactionHash": "0x" + "11" * 32, "blockNumber": 1}}}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "PowerGeneration.json"
        path.write_text(json.dumps(record, indent=2))
        for chain_id, want in ((666, ours), (1337, other), (5, None)):
            got = deployment_address(path, chain_id)
            expect(got == want, f"for chainId {chain_id} you returned {_short(got)}, the record says {want!r}"
                                + (" (a chain that is not in the record gives None)" if want is None else ""))
    return ("the record is keyed by chainId as a string (JSON keys are text): that is how truffle, and "
            "migrate(), find the contract again")


@exercise("09.3", "count the contract's transactions with web3")
def check_count_contract_transactions(count_contract_transactions):
    with fresh_contract() as (chain, client):
        contract_blocks = [e.block_number for e in client.log.transactions if e.function != "(constructor)"]
        plain = chain.send_transaction(chain.account("user5"), chain.account("user6").address, b"", 21_000,
                                       value=10**15)
        contract_blocks.append(client.sell_power("consumer1", 50, sender="generator1").block_number)
        other = chain.send_transaction(chain.account("user6"), None, TINY_CONTRACT, 100_000)
        contract_blocks.append(client.consume_power(20, sender="consumer1").block_number)
        chain.mine(1)
        last = chain.block_number
        ranges = [(0, last), (plain.block_number, other.block_number), (last - 1, last - 1), (last, last)]
        for first, end in ranges:
            want = sum(first <= b <= end for b in contract_blocks)
            got = count_contract_transactions(chain.w3, client.address, first, end)
            expect(got == want, f"in blocks {first}..{end} (both included) {want} transaction(s) went to the "
                                f"contract; you counted {_short(got)}")
    return (f"{len(contract_blocks)} transactions reached the contract; ether transfers and the creation of "
            f"another contract (to = None) did not: this is what an explorer's 'transactions to' list reads")


# Named accounts of the test mnemonic and what block 0 should give them, in ether as decimal text.
GENESIS_BALANCES = (
    {"0x70997970C51812dc3A010C7d01b50e0d17dc79C8": "10000",
     "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC": "0.5",
     "0x90F79bf6EB2c4f870365E785982E1f101E93b906": "0.000000000000000001",
     "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65": "12345678.123456789012345678"},
    {"0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc": "1", "0x976EA74026E726554dB657fA54763abd0C3a0aa9": "0"},
    {},
)


def _geth_wei(value, address: str) -> int:
    """A balance as geth reads it (math.HexOrDecimal256): a string, 0x-hex or decimal, at most 256 bits."""
    expect(isinstance(value, str), f"the balance of {address} is {_short(value)}: genesis.json writes it as "
                                   f"a string (\"0x...\" hex or decimal digits); geth refuses a JSON number")
    text = value.strip()
    try:
        wei = int(text[2:], 16) if text[:2].lower() == "0x" else int(text, 10)
    except ValueError:
        expect(False, f"the balance of {address} is {value!r}: geth reads only 0x-hex or decimal digits")
    expect(0 <= wei < 2**256, f"the balance of {address} is {value!r}: not a 256-bit number")
    return wei


@exercise("09.4", "fund accounts in the genesis block")
def check_genesis_alloc(genesis_alloc):
    for balances in GENESIS_BALANCES:
        got = genesis_alloc(dict(balances))
        expect(isinstance(got, dict), f"return the alloc as a dict {{address: {{\"balance\": ...}}}}, not "
                                      f"{type(got).__name__}")
        try:
            json.dumps(got)
        except (TypeError, ValueError) as exc:
            expect(False, f"genesis.json is JSON, and json cannot write your alloc: {exc}")
        read = {}
        for key, entry in got.items():
            hex_part = str(key)[2:] if str(key).lower().startswith("0x") else str(key)
            expect(len(hex_part) == 40 and all(c in "0123456789abcdefABCDEF" for c in hex_part),
                   f"alloc key {key!r} is not an address (40 hex digits, 0x optional)")
            expect(isinstance(entry, dict) and "balance" in entry,
                   f"alloc[{key!r}] is {_short(entry)}: each account is an object with a \"balance\"")
            read[hex_part.lower()] = _geth_wei(entry["balance"], str(key))
        want = {address[2:].lower(): to_wei(Decimal(ether), "ether") for address, ether in balances.items()}
        expect(set(read) == set(want), f"fund exactly the accounts {sorted(balances)}; your alloc has "
                                       f"{sorted(got)}")
        for address, ether in balances.items():
            wei = want[address[2:].lower()]
            expect(read[address[2:].lower()] == wei,
                   f"{ether} ether is {wei} wei (1 ether = 10**18 wei; a balance counts wei); your alloc "
                   f"gives {address[:10]}... {read[address[2:].lower()]} wei")
    return ("block 0 can hand out any balances: that is how anvil funds the named accounts, and what the "
            "thesis's empty alloc made geth mine for; a node reads each balance as a 256-bit number of wei")


@exercise("09.5", "is a recorded deployment still valid?")
def check_deployment_still_valid(deployment_still_valid):
    artifact = load_artifact("PowerGeneration")
    runtime = artifact.deployed_bytecode
    recompiled = runtime[:-2] + ("00" if runtime[-2:] != "00" else "01")  # one byte changed
    with fresh_contract() as (chain, client):
        tiny = chain.send_transaction(chain.account("user5"), None, TINY_CONTRACT, 100_000).contract_address
        cases = [
            (client.address, runtime, True, "the contract runs at the recorded address"),
            ("0x000000000000000000000000000000000000dEaD", runtime, False,
             "there is no code at the address (a fresh node)"),
            (tiny, runtime, False, "another contract lives at the address (another chain with chainId 666)"),
            (client.address, recompiled, False, "the artifact was recompiled: its runtime code changed"),
        ]
        for address, code, want, why in cases:
            got = deployment_still_valid(chain.w3, address, code)
            expect(got is want, f"when {why}, the answer is {want}; you returned {_short(got)}")
    return ("compare keccak256 of eth_getCode with keccak256 of the artifact's deployedBytecode (not the "
            "creation bytecode, which also holds the constructor): a chainId alone proves nothing")


# Account 0 of the documented test mnemonic ("test test ... junk"): a public key, never funded for real.
TEST_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"


def _signed_v_values() -> list[tuple[int, int | None]]:
    """(v, chainId) of legacy transactions signed by eth-account, with both parities for each chain."""
    found = {}
    for chain_id in (666, 1337, 1, 5, 31337, None):
        for nonce in range(12):
            tx = {"nonce": nonce, "gasPrice": 10**9, "gas": 21_000, "value": 1, "data": b"",
                  "to": "0x5FbDB2315678afecb367f032d93F642f64180aa3"}
            if chain_id is not None:   # without chainId eth-account signs as before EIP-155
                tx["chainId"] = chain_id
            found[Account.sign_transaction(tx, TEST_KEY).v] = chain_id
    return sorted(found.items(), key=lambda item: item[0])


@exercise("09.2", "which chains is a signature valid on?")
def check_signed_chain_id(signed_chain_id):
    cases = _signed_v_values()
    expect(len(cases) == 12, f"checker bug: expected both parities for 6 chains, got {cases}")
    for v, want in cases:
        got = signed_chain_id(v)
        if want is None:
            expect(got is None, f"v = {v} is a signature from before EIP-155: it names no chain, so it is "
                                f"valid on every chain (answer None); you returned {_short(got)}")
        else:
            expect(type(got) is int and got == want,
                   f"eth-account signed for chainId {want} and wrote v = {v} (chainId * 2 + 35 + parity); "
                   f"you returned {_short(got)}")
    return ("EIP-155 folds the chainId into v, so a transaction signed for chain 666 is refused by "
            "every other chain; a signature with v = 27 or 28 can be replayed on all of them")
