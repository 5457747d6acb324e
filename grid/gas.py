"""Gas: what a contract function costs, estimated before sending and measured after.

    gas = estimate_gas(client, "Transfer", "consumer1", 100, sender="generator1")
    report = measure_scenario(chain)          # the thesis's section 5.2.2, step by step
    print(report.table())

Every transaction pays the *intrinsic* gas (21,000 plus its calldata bytes) and
then the gas of the EVM instructions it runs; storage writes dominate the
latter. The prices below are those of the EIPs named next to them, as in force
on the chains the toolkit uses (evmVersion "prague"). A failure is a GridError
with one readable sentence, like everything on the contract side.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .accounts import NamedAccount
from .chain import Chain, TxReverted
from .contract import decode_revert_reason
from .errors import GridError
from .powergrid import USERS_MAPPING, PowerGridClient
from .powergrid.cast import CAST
from .storage import struct_member_slot

# -- intrinsic gas (Yellow Paper, Appendix G; EIP-2028; EIP-7623)
TX_BASE_GAS = 21_000            # G_transaction: every transaction
CALLDATA_ZERO_BYTE_GAS = 4      # G_txdatazero
CALLDATA_NONZERO_BYTE_GAS = 16  # G_txdatanonzero, lowered from 68 by EIP-2028 (Istanbul)
CALLDATA_FLOOR_PER_TOKEN = 10   # EIP-7623 (Prague): floor of 10 gas per token, a non-zero byte = 4 tokens

# -- contract creation (Yellow Paper, Appendix G; EIP-3860)
CREATE_GAS = 32_000             # G_txcreate: a transaction that creates a contract
INITCODE_WORD_GAS = 2           # EIP-3860 (Shanghai): per 32-byte word of creation code
CODE_DEPOSIT_GAS = 200          # G_codedeposit: per byte of runtime code stored

# -- storage prices (EIP-2929 "Berlin", EIP-2200 "Istanbul", EIP-2930 access lists)
COLD_SLOAD_GAS = 2_100          # first touch of a slot in a transaction (EIP-2929 COLD_SLOAD_COST)
WARM_ACCESS_GAS = 100           # any later touch (EIP-2929 WARM_STORAGE_READ_COST)
SSTORE_SET_GAS = 20_000         # a zero slot becomes non-zero (EIP-2200 SSTORE_SET_GAS)
SSTORE_RESET_GAS = 2_900        # a non-zero slot changes (5,000 - COLD_SLOAD_COST, EIP-2929)
ACCESS_LIST_ADDRESS_GAS = 2_400  # per address in an access list (EIP-2930)
ACCESS_LIST_KEY_GAS = 1_900     # per storage key in an access list (EIP-2930)

WORD_BYTES = 32  # the EVM's word, and the unit of calldata and storage slots

# A limit high enough for any of the contract's functions (the client uses the same scale).
TRIAL_GAS_LIMIT = 300_000

# The thesis's scenario (section 5.2.2), plus one PowerConsume (the thesis describes it, its
# Remix session does not run it) and GeneratePower twice, to show a fresh against a used slot.
# (label, function, arguments, sender)
SCENARIO: tuple[tuple[str, str, tuple, str], ...] = (
    *((f"empower {account}", "empower", (account, name, place, gen, use), "admin")
      for account, name, place, gen, use in CAST),
    ("Transfer 100 to consumer1", "Transfer", ("consumer1", 100), "generator1"),
    ("GeneratePower 10", "GeneratePower", (10,), "generator1"),
    ("GeneratePower 10 again", "GeneratePower", (10,), "generator1"),
    ("PowerConsume 30", "PowerConsume", (30,), "consumer1"),
    ('PowerDispatch "stop"', "PowerDispatch", ("consumer1", "stop"), "admin"),
)


def intrinsic_gas(calldata: bytes) -> int:
    """21,000 + 4 gas per zero byte + 16 per non-zero byte of calldata (EIP-2028).

    What a transaction pays before the first instruction runs; a call to a
    contract then adds the gas of the code it executes.
    """
    zeros = bytes(calldata).count(0)
    return TX_BASE_GAS + CALLDATA_ZERO_BYTE_GAS * zeros + CALLDATA_NONZERO_BYTE_GAS * (len(calldata) - zeros)


def calldata_floor_gas(calldata: bytes) -> int:
    """EIP-7623's minimum for a transaction (Prague): 21,000 + 10 per token.

    A zero byte is 1 token, a non-zero byte 4. It only matters for transactions
    that carry much data and run little code; none of PowerGeneration's do.
    """
    zeros = bytes(calldata).count(0)
    return TX_BASE_GAS + CALLDATA_FLOOR_PER_TOKEN * (zeros + 4 * (len(calldata) - zeros))


@dataclass(frozen=True)
class CreationGas:
    """The fixed parts of a deployment's gas; the rest of gasUsed is the constructor's code."""

    base: int          # 21,000
    create: int        # 32,000
    calldata: int      # the creation code as calldata (EIP-2028)
    initcode: int      # 2 per 32-byte word of creation code (EIP-3860)
    code_deposit: int  # 200 per byte of runtime code, for storing it

    @property
    def total(self) -> int:
        """The sum of the fixed parts."""
        return self.base + self.create + self.calldata + self.initcode + self.code_deposit


def creation_gas(creation_code: bytes, runtime_size: int) -> CreationGas:
    """What deploying `creation_code` costs before its constructor runs, and for storing the result."""
    calldata = intrinsic_gas(creation_code) - TX_BASE_GAS
    words = -(-len(creation_code) // WORD_BYTES)
    return CreationGas(TX_BASE_GAS, CREATE_GAS, calldata, INITCODE_WORD_GAS * words,
                       CODE_DEPOSIT_GAS * runtime_size)


def estimate_gas(client: PowerGridClient, function: str, *args: Any,
                 sender: str | NamedAccount | None = None) -> int:
    """The node's gas estimate (eth_estimateGas) for `function(*args)` sent by `sender`.

    Nothing is mined: the node runs the transaction on a copy of the state.
    Works for view functions too (what they would cost as a transaction). A
    transaction that would revert has no estimate: with the client's preflight
    on (the default) you get its readable reason, else a GridError of kind
    "revert".
    """
    data = client.encode_input(function, *args)
    who = client.acting(sender)
    spec = client.functions[function]
    if client.preflight_checks and not spec.is_view:
        client.preflight(function, *args, sender=who)  # raises the readable reason of a revert
    try:
        return client.chain.estimate_gas(who, client.address, data)
    except TxReverted as exc:
        reason = decode_revert_reason(exc.data) or "the seed's require()s give no reason"
        raise GridError(f"{function} from {who.name} would revert, so it has no gas estimate: {reason}",
                        kind="revert", function=function) from None


# ------------------------------------------------------------- measurements
@dataclass(frozen=True)
class GasMeasurement:
    """One transaction: the gas estimated before sending it and the gas it used."""

    label: str           # e.g. "Transfer 100 to consumer1"
    function: str
    sender: str
    calldata_bytes: int
    intrinsic: int       # 21,000 + calldata (EIP-2028)
    estimated: int       # eth_estimateGas, before sending
    used: int            # gasUsed of the receipt
    block_number: int

    @property
    def execution(self) -> int:
        """Gas of the contract code itself: used minus intrinsic."""
        return self.used - self.intrinsic


def measure(client: PowerGridClient, function: str, *args: Any, sender: str | NamedAccount | None = None,
            label: str | None = None) -> GasMeasurement:
    """Estimate `function(*args)`, then send it and read the gas it used."""
    data = client.encode_input(function, *args)
    who = client.acting(sender)
    estimated = estimate_gas(client, function, *args, sender=who)
    entry = client.invoke(function, *args, sender=who)
    return GasMeasurement(label or function, function, who.name, len(data), intrinsic_gas(data),
                          estimated, entry.gas_used, entry.block_number)


@dataclass
class GasReport:
    """The gas of a deployment and of every transaction of a scenario."""

    target: str                       # the chain: "tester", "anvil", ...
    contract: str                     # the contract's address
    deploy_gas: int                   # gasUsed of the deployment
    measurements: list[GasMeasurement] = field(default_factory=list)

    def by_function(self) -> dict[str, list[GasMeasurement]]:
        """The measurements grouped by contract function, in scenario order."""
        groups: dict[str, list[GasMeasurement]] = {}
        for m in self.measurements:
            groups.setdefault(m.function, []).append(m)
        return groups

    def table(self) -> str:
        """A plain-text table: one row per transaction."""
        rows = [f"{'transaction':<28} {'sender':<11} {'calldata':>9} {'intrinsic':>9} "
                f"{'execution':>9} {'gasUsed':>8} {'estimate':>8}"]
        rows.append(f"{'(deployment)':<28} {'admin':<11} {'':>9} {'':>9} {'':>9} "
                    f"{self.deploy_gas:>8,} {'':>8}")
        for m in self.measurements:
            rows.append(f"{m.label:<28} {m.sender:<11} {m.calldata_bytes:>7} B {m.intrinsic:>9,} "
                        f"{m.execution:>9,} {m.used:>8,} {m.estimated:>8,}")
        return "\n".join(rows)


def measure_scenario(chain: Chain, progress: Callable[[GasMeasurement], None] | None = None) -> GasReport:
    """Deploy a fresh contract and measure each transaction of SCENARIO on it.

    `progress(measurement)` is called after each step (e.g. a tqdm bar's update).
    """
    client = PowerGridClient.deploy(chain)
    report = GasReport(chain.target, client.address, client.log[-1].gas_used)
    for label, function, args, sender in SCENARIO:
        report.measurements.append(measure(client, function, *args, sender=sender, label=label))
        if progress is not None:
            progress(report.measurements[-1])
    return report


def dispatch_text(length: int) -> str:
    """A dispatch instruction of exactly `length` ASCII bytes ("stop stop st...")."""
    return ("stop " * (length // 5 + 1))[:length]


@dataclass(frozen=True)
class StringCost:
    """PowerDispatch with an instruction of `length` bytes, measured."""

    length: int
    measurement: GasMeasurement

    @property
    def slots(self) -> int:
        """Storage slots the text fills: 1 up to 31 bytes, else 1 (length) + 1 per 32 bytes.

        Solidity's layout of `string` in storage: a short text sits inside its
        slot with its length; a long one keeps only the length there and its
        bytes at keccak256(slot), keccak256(slot) + 1, ...
        """
        return 1 if self.length < WORD_BYTES else 1 + -(-self.length // WORD_BYTES)


def string_cost(client: PowerGridClient, lengths: list[int], *, user: str = "consumer2",
                sender: str | NamedAccount = "admin") -> list[StringCost]:
    """PowerDispatch to `user` with texts of each length (bytes), each from the same state.

    The chain is rolled back (snapshot/revert) after each one, so every text
    lands in the same `information` slot: pick a user whose information is
    still empty (the default, consumer2, gets no dispatch in the scenario).
    """
    results = []
    for length in lengths:
        snapshot = client.chain.snapshot()
        try:
            results.append(StringCost(length, measure(client, "PowerDispatch", user, dispatch_text(length),
                                                      sender=sender, label=f"{length} bytes")))
        finally:
            client.chain.revert(snapshot)
    return results


# ------------------------------------------------------- cold and warm slots
@dataclass(frozen=True)
class AccessListTrial:
    """GeneratePower sent with some of its storage slots pre-warmed by an access list."""

    slots_listed: int    # storage keys in the access list; -1 = no access list at all
    gas_used: int

    @property
    def described(self) -> str:
        """What was listed, in words."""
        if self.slots_listed < 0:
            return "no access list"
        return f"contract + {self.slots_listed} slot(s)"


def user_member_slot(client: PowerGridClient, user: str, member: str) -> int:
    """The storage slot of `user[address].member` (Solidity's layout: keccak(key . slot) + offset)."""
    address = client.chain.account(user).address
    try:
        return struct_member_slot(client.artifact.storage_layout, USERS_MAPPING, bytes.fromhex(address[2:]),
                                  member)
    except KeyError:
        raise GridError(f"the User struct has no member {member!r}: use a member name of the contract's "
                        f"struct User, e.g. generationPower or usePower", kind="input") from None


# The slots GeneratePower touches, in the order it touches them.
GENERATE_POWER_SLOTS = ("generaterights", "generationPower", "totalGenerationPower")


def warm_slot_trials(client: PowerGridClient, amount: int = 10,
                     sender: str | NamedAccount = "generator1") -> list[AccessListTrial]:
    """Send GeneratePower(amount) without, then with 0..3 of its slots in an access list.

    An EIP-2930 access list pays up front (2,400 per address, 1,900 per slot)
    to make those first accesses warm (100 instead of 2,100). Every trial starts
    from the same state (snapshot/revert), so only the list changes the gas.
    """
    who = client.chain.account(sender)
    data = client.encode_input("GeneratePower", amount)
    keys = [f"0x{user_member_slot(client, who.name, m):064x}" for m in GENERATE_POWER_SLOTS]
    trials = []
    for listed in (-1, *range(len(keys) + 1)):
        access_list = ([{"address": client.address, "storageKeys": keys[:listed]}]
                       if listed >= 0 else None)
        snapshot = client.chain.snapshot()
        try:
            receipt = client.chain.send_transaction(who, client.address, data, TRIAL_GAS_LIMIT,
                                                    access_list=access_list)
        finally:
            client.chain.revert(snapshot)
        if receipt.status != 1:
            raise GridError(f"GeneratePower from {who.name} reverted in the access-list trial: is it a "
                            f"registered generator?", kind="revert", function="GeneratePower")
        trials.append(AccessListTrial(listed, receipt.gas_used))
    return trials
