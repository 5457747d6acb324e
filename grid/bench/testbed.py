"""The bench's world: a chain with enough funded accounts, the contract, and its users.

Account layout (HD indices of the documented test mnemonic):
  0            admin: deploys PowerGeneration and registers everyone (`empower`)
  1, 2         the floor's sender and buyer (bare JSON-RPC, no toolkit)
  3, 4         the default web3.py client's sender and buyer
  5, 6, ...    the virtual users, each with its own account and its own client
The four measuring accounts are registered too, so a cell with U virtual users
holds U + 4 users in the contract.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from eth_abi import encode

from ..accounts import NamedAccount
from ..chain import Chain, connect
from ..errors import GridError
from ..powergrid import PowerGridClient
from ..txlog import TxLog
from .drivers import wire_fee_fields

FIRST_USER = 5
MEASURING_ACCOUNTS = (1, 2, 3, 4)
REGISTER_BLOCK = 100     # registrations per block in set-up (100 x ~150k gas < 30M gas)
REGISTER_GAS = 300_000
FUNDING_WEI = 10**18     # for URL nodes whose accounts hold no ether


@dataclass
class VirtualUser:
    """One LoadRunner-style virtual user: its own account and its own client."""

    account: NamedAccount
    client: PowerGridClient


@dataclass
class Testbed:
    """A chain, the deployed contract and the users registered so far."""

    chain: Chain
    admin: PowerGridClient
    users: list[VirtualUser] = field(default_factory=list)

    @property
    def floor_pair(self) -> tuple[NamedAccount, NamedAccount]:
        """The floor's (sender, buyer) accounts."""
        return self.chain.accounts[1], self.chain.accounts[2]

    @property
    def web3_pair(self) -> tuple[NamedAccount, NamedAccount]:
        """The default web3.py client's (sender, buyer) accounts."""
        return self.chain.accounts[3], self.chain.accounts[4]

    def register_users(self, count: int, tick: Callable[[int], None] = lambda n: None) -> None:
        """Register virtual users through the contract until there are `count` of them."""
        available = len(self.chain.accounts) - FIRST_USER
        if count > available:
            raise GridError(f"the bench needs {count} user accounts but the chain has {available}",
                            kind="input")
        new = [self.chain.accounts[FIRST_USER + i] for i in range(len(self.users), count)]
        _register(self.admin, new, tick)
        for account in new:
            client = self.admin.using(account)
            client.log = TxLog()  # each virtual user keeps its own log
            self.users.append(VirtualUser(account, client))


def _register(admin: PowerGridClient, accounts: list[NamedAccount], tick: Callable[[int], None]) -> None:
    """Register `accounts` through the contract's `empower`, many per block where the node allows.

    Set-up, not measurement: on a node that lets us pause its automine,
    packing the registrations into blocks of REGISTER_BLOCK keeps the chain
    short (on anvil each block costs more as the state grows) and 10,000
    users quick to register.
    """
    chain = admin.chain
    batches = [accounts[i:i + REGISTER_BLOCK] for i in range(0, len(accounts), REGISTER_BLOCK)]
    # eth-tester applies each pending transaction on its own (one sender cannot
    # queue several), so on tester each registration is a block of its own.
    if chain.target != "tester" and chain.holds_key(admin.account) and _set_automine(chain, False):
        try:
            for batch in batches:
                _register_block_rpc(admin, batch)
                tick(len(batch))
        finally:
            _set_automine(chain, True)
        return
    for account in accounts:  # a node that mines at its own pace: one transaction at a time
        admin.register_user(account.address, _name(account), "Sundsvall", can_generate=True, can_consume=True)
        tick(1)


def _name(account: NamedAccount) -> str:
    return f"User{account.index}"


def _empower_calldata(admin: PowerGridClient, account: NamedAccount) -> bytes:
    spec = admin.functions["empower"]
    return spec.selector + encode([t for t, _ in spec.inputs],
                                  [account.address, _name(account), "Sundsvall", True, True])


def _register_block_rpc(admin: PowerGridClient, batch: list[NamedAccount]) -> None:
    chain = admin.chain
    fees = wire_fee_fields(chain)
    hashes = [chain.rpc("eth_sendTransaction", {
        "from": admin.account.address, "to": admin.address, "gas": hex(REGISTER_GAS),
        "data": "0x" + _empower_calldata(admin, account).hex(), **fees}) for account in batch]
    chain.mine(1)
    for tx_hash in hashes:
        receipt = chain.rpc("eth_getTransactionReceipt", tx_hash)
        if not receipt or int(receipt["status"], 16) != 1:
            raise GridError("a registration was not mined or reverted while setting up the bench: "
                            "is another client using this node?", kind="node")


def _set_automine(chain: Chain, on: bool) -> bool:
    """Switch the node's automine; False when it has no such switch."""
    try:
        chain.set_automine(on)
        return True
    except GridError as exc:
        if exc.kind != "unsupported":
            raise
        return False


def open_testbed(target: str, max_users: int, tick: Callable[[int], None] = lambda n: None,
                 anvil_hardfork: str | None = None) -> Testbed:
    """Connect to `target` with accounts for `max_users` virtual users, deploy, register the measurers.

    `anvil_hardfork` picks the fork of an anvil the bench starts (None: anvil's default).
    """
    if target not in ("tester", "anvil") and not target.startswith(("http://", "https://")):
        raise GridError(f"the bench runs on tester, anvil or an http(s):// URL, not {target!r}", kind="input")
    fork = {"hardfork": anvil_hardfork} if target == "anvil" and anvil_hardfork else {}
    chain = connect(target, accounts=FIRST_USER + max_users, **fork)
    try:
        _fund_if_needed(chain)
        admin = PowerGridClient.deploy(chain, preflight=False)
        _register(admin, [chain.accounts[i] for i in MEASURING_ACCOUNTS], tick)
    except BaseException:
        chain.close()
        raise
    return Testbed(chain, admin)


def _fund_if_needed(chain: Chain) -> None:
    """Give ether to accounts a URL node did not fund (anvil and tester fund them all)."""
    if chain.target in ("tester", "anvil"):
        return
    admin = chain.accounts[0]
    for account in chain.accounts[1:]:
        if chain.balance(account) < FUNDING_WEI // 10:
            chain.send_transaction(admin, account.address, b"", 21_000, value=FUNDING_WEI)
