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

from dataclasses import dataclass, field
from typing import Callable

from ..accounts import Accounts, NamedAccount, TEST_MNEMONIC, mnemonic_from_env
from ..chain import Chain
from ..client import PowerGridClient
from ..errors import GridError
from ..txlog import TxLog

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
    unlocked = getattr(chain.transport, "unlocked", set())
    if admin.account.address.lower() in unlocked and _set_automine(chain, False):
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
    from eth_abi import encode

    spec = admin.functions["empower"]
    return spec.selector + encode([t for t, _ in spec.inputs],
                                  [account.address, _name(account), "Sundsvall", True, True])


def _register_block_rpc(admin: PowerGridClient, batch: list[NamedAccount]) -> None:
    from ..chain.transport import LOCAL_MAX_FEE, LOCAL_PRIORITY_FEE

    rpc = admin.chain.transport.rpc
    fees = ({"maxFeePerGas": hex(LOCAL_MAX_FEE), "maxPriorityFeePerGas": hex(LOCAL_PRIORITY_FEE)}
            if admin.chain.transport.local_fees else {})
    hashes = [rpc("eth_sendTransaction", [{
        "from": admin.account.address, "to": admin.address, "gas": hex(REGISTER_GAS),
        "data": "0x" + _empower_calldata(admin, account).hex(), **fees}]) for account in batch]
    rpc("evm_mine", [])
    for tx_hash in hashes:
        receipt = rpc("eth_getTransactionReceipt", [tx_hash])
        if not receipt or int(receipt["status"], 16) != 1:
            raise GridError("a registration was not mined or reverted while setting up the bench: "
                            "is another client using this node?", kind="node")


def _set_automine(chain: Chain, on: bool) -> bool:
    """Switch the node's automine; False when it has no such switch."""
    from ..chain.transport import RpcError

    try:
        chain.transport.rpc("evm_setAutomine", [on])
        return True
    except RpcError:
        return False


def open_testbed(target: str, max_users: int, tick: Callable[[int], None] = lambda n: None) -> Testbed:
    """Connect to `target` with accounts for `max_users` virtual users, deploy, register the measurers."""
    chain = open_chain(target, FIRST_USER + max_users)
    try:
        _fund_if_needed(chain)
        admin = PowerGridClient.deploy(chain, preflight=False)
        _register(admin, [chain.accounts[i] for i in MEASURING_ACCOUNTS], tick)
    except BaseException:
        chain.close()
        raise
    return Testbed(chain, admin)


def open_chain(target: str, accounts: int) -> Chain:
    """Like `connect(target)`, but for up to tens of thousands of accounts."""
    from ..chain import base

    if target == "tester":
        return base._connect_tester(accounts, TEST_MNEMONIC)
    if target == "anvil":
        return _anvil_chain(accounts)
    if target.startswith(("http://", "https://")):
        return base._connect_url(target, accounts, mnemonic_from_env())
    raise GridError(f"the bench runs on tester, anvil or an http(s):// URL, not {target!r}", kind="input")


def _anvil_chain(count: int) -> Chain:
    """The toolkit's anvil (which keeps only recent states: see AnvilProcess) with `count` accounts."""
    from ..chain import base
    from ..chain.anvil import AnvilProcess

    node = AnvilProcess.start(accounts=count, mnemonic=TEST_MNEMONIC)
    return base._rpc_chain("anvil", node.url, Accounts.derive(count, TEST_MNEMONIC), local_fees=True,
                           process=node)


def _fund_if_needed(chain: Chain) -> None:
    """Give ether to accounts a URL node did not fund (anvil and tester fund them all)."""
    if chain.target in ("tester", "anvil"):
        return
    rpc = chain.transport.rpc
    admin = chain.accounts[0]
    for account in chain.accounts[1:]:
        if int(rpc("eth_getBalance", [account.address, "latest"]), 16) < FUNDING_WEI // 10:
            chain.send_transaction(admin, account.address, b"", 21_000, value=FUNDING_WEI)


def reset_after_revert(chain: Chain) -> None:
    """After a revert, locally cached nonces are stale: let the transport fetch them again."""
    nonces = getattr(chain.transport, "_nonces", None)
    if isinstance(nonces, dict):
        nonces.clear()
