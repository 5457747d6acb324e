"""Checks for notebook 09: deployment records, reading blocks with web3, raw JSON-RPC, eth_call.

Every check builds its own world: a record file in a temporary folder, or a
fresh in-process eth-tester chain (lab.checks.fresh) on which it sends
known transactions. Expected values come from what the check itself wrote or
sent (its receipts, its amounts), hashed with eth-utils' keccak where needed,
never from grid.migrate or grid.explorer, which the exercises re-implement.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hexbytes import HexBytes

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


def _as_json_rpc(tx) -> dict:
    """A web3 transaction as a node sends it over JSON-RPC: quantities and data as 0x-hex text."""
    return {"hash": HexBytes(tx["hash"]).to_0x_hex(), "blockNumber": hex(tx["blockNumber"]),
            "transactionIndex": hex(tx["transactionIndex"]), "from": tx["from"].lower(),
            "to": tx["to"].lower(), "value": hex(tx["value"]), "gas": hex(tx["gas"]),
            "nonce": hex(tx["nonce"]), "input": HexBytes(tx["input"]).to_0x_hex(), "type": "0x2",
            "chainId": hex(666)}


@exercise("09.4", "decode a raw JSON-RPC transaction")
def check_decode_transfer(decode_transfer):
    with fresh_contract() as (chain, client):
        chain.mine(20)  # block numbers above 9, so hex and decimal differ
        sales = [("generator2", "consumer2", 137), ("generator1", "consumer1", 10**30)]
        for seller, buyer, amount in sales:
            entry = client.sell_power(buyer, amount, sender=seller)
            raw = _as_json_rpc(chain.w3.eth.get_transaction(entry.tx_hash))
            got = decode_transfer(dict(raw))
            want = {"block": entry.block_number, "sender": chain.account(seller).address,
                    "buyer": chain.account(buyer).address, "amount": amount}
            expect(isinstance(got, dict), "return a dict with block, sender, buyer, amount; got "
                                          f"{_short(got)}")
            for key in want:
                value = got.get(key)
                if key in ("sender", "buyer"):
                    same = isinstance(value, str) and value.lower() == want[key].lower()
                else:
                    same = type(value) is int and value == want[key]
                hints = {"block": f"JSON-RPC gives the hex text {raw['blockNumber']!r}: an int, please",
                         "sender": "the transaction's from field",
                         "buyer": "the last 20 bytes of the input's first 32-byte word",
                         "amount": "the input's second 32-byte word, as an int"}
                expect(same, f"for {seller} selling {amount} to {buyer}, {key} should be {want[key]!r} "
                             f"({hints[key]}); you returned {_short(value)}")
    return ("a node speaks hex text: quantities like blockNumber are 0x-hex numbers, and the input is the "
            "selector followed by 32-byte words (an address is right-aligned in its word)")


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


@exercise("09.2", "an eth_call by hand")
def check_generation_balance(generation_balance):
    with fresh_contract() as (chain, client):
        client.sell_power("consumer1", 100, sender="generator1")   # 0 generated - 100 sold
        client.generate_power(30, sender="generator2")             # 30 generated, nothing sold
        client.generate_power(5, sender="generator2")
        for generator, want in (("generator1", -100), ("generator2", 35), ("consumer2", 0)):
            address = chain.account(generator).address
            got = generation_balance(chain.w3, client.address, address)
            expect(type(got) is int and got == want,
                   f"GetGeneration() as {generator} returns {want}; you returned {_short(got)}"
                   + (" (int256 is signed: read the word as two's complement)" if want < 0 else ""))
    return ("a call is an eth_call: selector in, 32-byte word out, nothing mined; the thesis's blue buttons "
            "do exactly this (section 5.2.1)")
