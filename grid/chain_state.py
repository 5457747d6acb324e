"""A chain's state in a few comparable numbers, before and after: to show that a restart lost nothing.

    before = chain_state(chain, client)
    ...                                   # stop the node, start it again from its state file
    print(format_comparison(compare_states(before, chain_state(chain, client))))
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eth_utils import keccak

from .chain import Chain
from .explorer import hex_text, node_errors, short_hash


@dataclass(frozen=True)
class ChainState:
    """What a chain holds, in a few comparable numbers: to show that a restart lost nothing."""

    chain_id: int
    block_number: int
    latest_hash: str
    balances: dict[str, int]          # named account -> wei
    nonces: dict[str, int]            # named account -> transactions sent
    contract: str | None = None       # the contract address, when a client was given
    code_hash: str | None = None      # keccak256 of the code there, 0x-hex
    users: dict[str, Any] = field(default_factory=dict)  # named account -> UserRecord (registered ones)


def chain_state(chain: Chain, client: Any = None) -> ChainState:
    """Read block height, latest hash, balances and nonces (and the contract's code and users)."""
    w3 = chain.w3
    with node_errors(chain):
        latest = w3.eth.get_block("latest")
        balances = {a.name: int(w3.eth.get_balance(a.address)) for a in chain.accounts}
        nonces = {a.name: int(w3.eth.get_transaction_count(a.address)) for a in chain.accounts}
        code = bytes(w3.eth.get_code(client.address)) if client is not None else None
    users = {}
    if client is not None:
        for account in chain.accounts:
            record = client.user_record(account.name)
            if record.registered:
                users[account.name] = record
    return ChainState(
        chain_id=chain.chain_id, block_number=int(latest["number"]), latest_hash=hex_text(latest["hash"]),
        balances=balances, nonces=nonces, contract=getattr(client, "address", None),
        code_hash=("0x" + keccak(code).hex()) if code is not None else None, users=users)


@dataclass(frozen=True)
class StateComparison:
    """One line of a before/after comparison (`same` compares the exact values, not the text)."""

    what: str
    before: str
    after: str
    same: bool


def _row(what: str, before: Any, after: Any, show: Any = str) -> StateComparison:
    return StateComparison(what, show(before), show(after), before == after)


def compare_states(before: ChainState, after: ChainState) -> list[StateComparison]:
    """Line by line: chain id, height, latest hash, code hash, active accounts, contract users.

    Accounts that sent a transaction or are registered get a line each; the
    others share one line that covers all their balances and nonces.
    """
    rows = [_row("chainId", before.chain_id, after.chain_id),
            _row("block number", before.block_number, after.block_number),
            _row("latest block hash", before.latest_hash, after.latest_hash, short_hash)]
    if before.contract or after.contract:
        rows.append(_row(f"code hash at {short_hash(before.contract or after.contract or '')}",
                         before.code_hash or "-", after.code_hash or "-", short_hash))
    active = [n for n in before.balances if before.nonces.get(n) or n in before.users or n in after.users]
    for name in active:
        rows.append(_row(f"{name}: balance (ether)", before.balances[name], after.balances.get(name), _ether))
        rows.append(_row(f"{name}: nonce", before.nonces[name], after.nonces.get(name)))
    idle = [n for n in before.balances if n not in active]
    if idle:
        same = all((before.balances[n], before.nonces[n]) == (after.balances.get(n), after.nonces.get(n))
                   for n in idle)
        rows.append(StateComparison(f"{len(idle)} other accounts: balances, nonces", "as listed before",
                                    "all equal" if same else "some changed", same))
    for name in sorted(set(before.users) | set(after.users)):
        rows.append(_row(f"{name}: contract record", before.users.get(name), after.users.get(name),
                         _record_text))
    return rows


def format_comparison(rows: list[StateComparison], width: int = 30) -> str:
    """A plain-text before/after table with a ✔ or ✘ per line."""
    label = max(len(r.what) for r in rows) if rows else 10
    lines = [f"{'':<{label}}  {'before':<{width}} {'after':<{width}}"]
    for r in rows:
        lines.append(f"{r.what:<{label}}  {_cut(r.before, width):<{width}} {_cut(r.after, width):<{width}} "
                     f"{'✔' if r.same else '✘'}")
    return "\n".join(lines)


def _ether(wei: Any) -> str:
    return "-" if wei is None else f"{wei / 10**18:,.6f}"


def _record_text(record: Any) -> str:
    if record is None:
        return "-"
    return (f"{record.name}: gen {record.generation_balance}/{record.total_generation}, "
            f"use {record.remaining}/{record.total_use}, info {record.dispatch!r}")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
