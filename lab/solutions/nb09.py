"""Reference solutions for notebook 09 (the private chain)."""
from __future__ import annotations

import json
from fractions import Fraction

from eth_utils import keccak

from lab.solutions import ModelAnswer


def deployment_address(record_path, chain_id: int) -> str | None:
    """The address recorded for `chain_id` in a Truffle-shaped record, or None."""
    with open(record_path) as handle:
        record = json.load(handle)
    entry = record["networks"].get(str(chain_id))   # JSON keys are strings: "666", not 666
    return entry["address"] if entry else None


def count_contract_transactions(w3, address: str, first: int, last: int) -> int:
    """How many transactions in blocks first..last (both included) were sent to `address`."""
    count = 0
    for number in range(first, last + 1):
        block = w3.eth.get_block(number, full_transactions=True)
        count += sum(1 for tx in block["transactions"]
                     if tx["to"] is not None and tx["to"].lower() == address.lower())
    return count


def genesis_alloc(balances: dict) -> dict:
    """The genesis.json `alloc` giving each address its balance (ether, as decimal text) in block 0."""
    alloc = {}
    for address, ether in balances.items():
        wei = Fraction(ether) * 10**18                          # exact, unlike float
        alloc[address[2:].lower()] = {"balance": hex(int(wei))}  # geth reads a 0x-hex (or decimal) string
    return alloc


def deployment_still_valid(w3, address: str, deployed_bytecode: str) -> bool:
    """True when the chain runs exactly `deployed_bytecode` (the artifact's runtime code) at `address`."""
    on_chain = bytes(w3.eth.get_code(address))
    return keccak(on_chain) == keccak(hexstr=deployed_bytecode)


def signed_chain_id(v: int) -> int | None:
    """The chainId a legacy transaction with signature value `v` is valid on; None for every chain."""
    if v in (27, 28):
        return None                  # signed before EIP-155: no chain id, valid on every chain
    return (v - 35) // 2             # EIP-155: v = chainId * 2 + 35 + parity (0 or 1)


# Which function answers which exercise (the test suite checks each one).
SOLUTIONS = {
    "09.1": deployment_address,
    "09.2": signed_chain_id,
    "09.3": count_contract_transactions,
    "09.4": genesis_alloc,
    "09.5": deployment_still_valid,
}

MODEL_ANSWERS = {
    "09.Q1": ModelAnswer(
        points=3,
        answer=(
            'It still guarantees integrity that anyone can check: each transaction is signed, so nobody'
            " can forge a household's sale, and each block commits to its parent's hash, so a change to"
            ' an old record is visible to anyone holding a copy or an old block hash. It does not '
            "guarantee what a public chain's consensus gives: the single signer decides which "
            "transactions go in and in what order, so it can censor or delay a household's transaction,"
            ' and because it alone makes blocks it can rebuild the whole history from any point without'
            ' any work, and only outside copies would show it. When the node stops, the chain stops; '
            'with no other node, losing its state file loses the chain. For a grid operator it is a '
            'shared, signed, tamper-evident log, not a trustless one: trust in the operator is still '
            'needed.'
        ),
        marking=(
            '1 point: signatures and hash links make forgery and silent edits detectable; 1 point: the '
            'single signer can censor, reorder or rewrite history; 1 point: availability and durability'
            ' depend on that one node (a judgement: tamper-evident log, trust still needed)'
        ),
    ),
}
