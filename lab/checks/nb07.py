"""Checks for notebook 07: the ABI, selectors, calldata, code size and a call made with web3.

Expected values come from solc's output committed in contracts/PowerGeneration.json
(methodIdentifiers, deployedBytecode), from the thesis (section 5.1.2.5's list of
query functions; Figures 5-4 and 5-6's inputs 0x241... and 0x69c...00064), from
EIP-20, or are computed with eth-utils and eth-abi. The two checks that need a
chain set up a fresh eth-tester chain themselves (lab.checks.fresh), and know its
values from the actions they run, not from the contract's getters.
"""
from __future__ import annotations

import json
from pathlib import Path

from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector, to_checksum_address

from ..exercises import exercise, expect
from .fresh import fresh_contract

ROOT = Path(__file__).resolve().parents[2]
ARTIFACT = json.loads((ROOT / "contracts" / "PowerGeneration.json").read_text())

# Thesis 5.1.2.5 ("Implementation of Query Information function") lists the five queries;
# sections 5.1.1-5.1.2.4 the five functions that change the contract.
THESIS_QUERIES = {"GetUsedOfSelf", "GetTotalUsedOfSomeone", "GetGeneration", "GetTotalGeneration",
                  "GetInformation"}
THESIS_TRANSACTIONS = {"empower", "GeneratePower", "Transfer", "PowerConsume", "PowerDispatch"}

# A token-like ABI in today's shape (solc >= 0.4.16): every kind of entry a student meets.
MODERN_ABI = [
    {"type": "constructor", "inputs": [], "stateMutability": "nonpayable"},
    {"type": "event", "name": "Sold", "inputs": [], "anonymous": False},
    {"type": "function", "name": "balanceOf", "inputs": [{"name": "who", "type": "address"}],
     "outputs": [{"name": "", "type": "uint256"}], "stateMutability": "view"},
    {"type": "function", "name": "unitPrice", "inputs": [], "outputs": [{"name": "", "type": "uint256"}],
     "stateMutability": "pure"},
    {"type": "function", "name": "deposit", "inputs": [], "outputs": [], "stateMutability": "payable"},
    {"type": "function", "name": "sell", "inputs": [], "outputs": [], "stateMutability": "nonpayable"},
    {"type": "receive", "stateMutability": "payable"},
    {"type": "fallback", "stateMutability": "nonpayable"},
]
# solc before 0.4.16 (allowed by Appendix A's `pragma solidity ^0.4.0`) wrote no
# stateMutability, only "constant" and "payable" (Solidity docs, "Contract ABI
# Specification", JSON: "constant" and "payable" were removed in 0.6.0).
LEGACY_ABI = [
    {"type": "function", "name": "GetGeneration", "constant": True, "payable": False, "inputs": [],
     "outputs": [{"name": "_value", "type": "int256"}]},
    {"type": "function", "name": "GeneratePower", "constant": False, "payable": False,
     "inputs": [{"name": "_value", "type": "uint256"}], "outputs": []},
    {"type": "constructor", "inputs": [], "payable": False},
]

# (as people write it, canonical form solc hashes)
LOOSE_SIGNATURES = [
    ("Transfer(address, uint256)", "Transfer(address,uint256)"),
    ("GeneratePower(uint)", "GeneratePower(uint256)"),
    ("GetTotalGeneration( address )", "GetTotalGeneration(address)"),
    ("empower(address, string, string, bool, bool)", "empower(address,string,string,bool,bool)"),
    ("setLimits(int, uint[])", "setLimits(int256,uint256[])"),
]

# Figure 5-6's buyer and input "0x69c...00064" (Transfer of 100 = 0x64).
FIG_5_6_BUYER = "0x69DEcf193967f83609eb67632b426ef1587097d2"


def _names(value) -> set:
    return set(value) if isinstance(value, (list, tuple, set, frozenset)) else {"<not a list>"}


@exercise("07.1", "calls and transactions in an ABI")
def check_split_calls_and_transactions(split_calls_and_transactions):
    for abi, calls, transactions, what in (
            (ARTIFACT["abi"], THESIS_QUERIES, THESIS_TRANSACTIONS, "PowerGeneration's ABI"),
            (MODERN_ABI, {"balanceOf", "unitPrice"}, {"deposit", "sell"},
             "an ABI with pure, payable, constructor, event, receive and fallback entries"),
            (LEGACY_ABI, {"GetGeneration"}, {"GeneratePower"},
             "a solc 0.4.0-style ABI (\"constant\": true)")):
        got = split_calls_and_transactions(abi)
        expect(isinstance(got, tuple) and len(got) == 2,
               f"return a pair (calls, transactions), not {type(got).__name__}")
        got_calls, got_transactions = _names(got[0]), _names(got[1])
        expect(got_calls == calls, f"for {what} the calls (view or pure) are {sorted(calls)}, you returned "
                                   f"{sorted(map(str, got_calls))}")
        expect(got_transactions == transactions,
               f"for {what} the transactions are {sorted(transactions)}, you returned "
               f"{sorted(map(str, got_transactions))} (only entries of type \"function\" count)")
    return ("view and pure functions are calls (Remix's blue buttons), nonpayable and payable ones "
            "transactions (red): 5 and 5 in PowerGeneration, as sections 5.1.1-5.1.2.5 describe")


@exercise("07.2", "a function selector from its signature")
def check_function_selector(function_selector):
    for signature, selector in ARTIFACT["methodIdentifiers"].items():   # solc's own selectors
        got = function_selector(signature)
        expect(isinstance(got, (bytes, bytearray)) and len(got) == 4,
               f"function_selector({signature!r}) should return 4 bytes, not {got!r}")
        expect(bytes(got).hex() == selector, f"function_selector({signature!r}) returned "
                                             f"0x{bytes(got).hex()}, "
                                             f"solc says 0x{selector} (keccak256 of the text, first 4 bytes)")
    expect(function_selector("empower(address,string,string,bool,bool)").hex().startswith("241"),
           "empower's selector must start with 241, as Figure 5-4's input 0x241...0000 shows")
    expect(bytes(function_selector("transfer(address,uint256)")).hex() == "a9059cbb",
           "ERC-20's transfer(address,uint256) is 0xa9059cbb (EIP-20): case matters, Transfer is 0x69ca02dd")
    for loose, canonical in LOOSE_SIGNATURES:
        want = function_signature_to_4byte_selector(canonical)
        got = function_selector(loose)
        expect(bytes(got) == want, f"function_selector({loose!r}) returned 0x{bytes(got).hex()}, expected "
                                   f"0x{want.hex()}: solc hashes the canonical form {canonical!r} (no "
                                   "spaces, uint -> uint256, int -> int256)")
    return ("4 bytes = 2**32 selectors: enough to tell a contract's functions apart, and the compiler "
            "refuses two functions of one contract with the same selector")


@exercise("07.3", "calldata of Transfer(address,uint256)")
def check_transfer_calldata(transfer_calldata):
    selector = function_signature_to_4byte_selector("Transfer(address,uint256)")
    got = transfer_calldata(FIG_5_6_BUYER, 100)
    expect(isinstance(got, (bytes, bytearray)), f"return bytes, not {type(got).__name__}")
    expect(len(got) == 4 + 32 + 32, f"Transfer's calldata is 4 + 32 + 32 = 68 bytes, yours has {len(got)}")
    expect(bytes(got[:4]) == selector, f"it starts with 0x{bytes(got[:4]).hex()}, Transfer's selector is "
                                       f"0x{selector.hex()} (Figure 5-6: 0x69c...)")
    expect(bytes(got).hex().endswith("0064"),
           "Figure 5-6's input ends in ...00064: 100 = 0x64 in the last word")
    for to, amount in ((FIG_5_6_BUYER, 100), (FIG_5_6_BUYER.lower(), 0),
                       ("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", 2**256 - 1),
                       ("0x0000000000000000000000000000000000000001", 1)):
        want = selector + encode(["address", "uint256"], [to_checksum_address(to), amount])
        got = bytes(transfer_calldata(to, amount))
        expect(got == want, f"for ({to}, {amount}) expected 0x{want.hex()}, got 0x{got.hex()}: each value "
                            f"fills a 32-byte word, right-aligned (zeros on the left), big-endian")
    return "68 bytes: 4 of selector and two 32-byte words, the address right-aligned like a number"


@exercise("07.4", "runtime code size")
def check_runtime_code_size(runtime_code_size):
    runtime = len(bytes.fromhex(ARTIFACT["deployedBytecode"][2:]))   # solc's deployedBytecode
    with fresh_contract() as (chain, client):
        got = runtime_code_size(chain.w3, client.address)
        hint = ": count bytes, not hex digits" if got == 2 * runtime else ""
        expect(got == runtime, f"the contract's runtime code is {runtime} bytes (the artifact's "
                               f"deployedBytecode), you returned {got!r}{hint}")
        account = chain.account("consumer1").address
        got = runtime_code_size(chain.w3, account)
        expect(got == 0, f"an account without code (consumer1, {account}) has 0 bytes of code, you returned "
                         f"{got!r}")
    return (f"{runtime:,} bytes, {runtime / 24_576:.0%} of EIP-170's 24,576-byte limit; an account held by "
            f"a key has no code at all")


@exercise("07.5", "a call with web3 directly")
def check_generation_balance_call(generation_balance_call):
    with fresh_contract() as (chain, client):
        # The thesis's section 5.2.2: generator1 sells 100 before generating, then generates 10.
        client.sell_power("consumer1", 100, sender="generator1")
        client.generate_power(10, sender="generator1")
        client.generate_power(25, sender="generator2")
        expected = {"generator1": -100 + 10, "generator2": 25, "consumer1": 0, "admin": 0}
        block = chain.block_number
        for name, want in expected.items():
            try:
                got = generation_balance_call(chain.w3, client.address, chain.account(name).address)
            except Exception as exc:
                # eth-tester runs a call without 'from' from an account with no ether, and says so.
                expect("afford" not in str(exc), "the node ran your call from an empty default account: "
                                                 "set 'from' to caller_address (msg.sender is the caller)")
                raise
            expect(chain.block_number == block, "a call mines no block, but the chain grew: did you send a "
                                                "transaction? use w3.eth.call")
            if want < 0 and got == want + 2**256:
                expect(False, f"for {name} you returned {got}: that is {want} read as unsigned. "
                              "GetGeneration returns int256 (two's complement): use signed=True or eth_abi's "
                              "'int256'")
            expect(got == want, f"GetGeneration() called as {name} should return {want}, you returned {got!r}"
                                + (" (did you set 'from'? msg.sender is the caller)" if got == 0 else ""))
    return ("-90, as in the thesis: a call is free, mines nothing, and msg.sender is whatever 'from' says, "
            "since nobody signs it")
