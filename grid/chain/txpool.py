"""The transaction pool, watched on a real node: pending transactions, their order, replacement by fee.

With automine off, a node keeps signed transactions in its pool until a block is mined.
Which go first is the node's policy, not the protocol's:

* geth orders ready transactions by *effective tip*, what the
  block producer earns per gas: min(maxPriorityFeePerGas, maxFeePerGas - baseFee).
* anvil 1.7.1, the node in this toolkit, orders by `gas_price()`, which for an EIP-1559
  transaction is maxFeePerGas, the most the sender would pay (foundry-rs/foundry,
  crates/anvil/src/eth/pool/transactions.rs: `TransactionOrder::Fees =>
  TransactionPriority(tx.gas_price())`); on equal fees, the earlier arrival goes first.
* Within one sender, nonces decide: nonce n + 1 never goes before nonce n, whatever its
  fee, and a gap in the nonces leaves a transaction *queued*, not pending, until the gap
  is filled.
* A second transaction with the same sender and nonce *replaces* the first. geth asks
  for a 10 % higher fee; anvil 1.7.1 has no minimum bump: any strictly higher
  maxFeePerGas, even 1 wei more, replaces it, and an equal one is refused as
  ReplacementUnderpriced (`ReadyTransactions::replaced_transactions`: `gas_price() <=
  to_remove.gas_price()`). Measured on 1.7.1, a queued transaction refuses an equal fee
  too, but a higher one joins it rather than replacing it: txpool_status counts both,
  txpool_content (keyed by nonce) shows one, and once the gap is filled the block takes
  the higher fee and drops the other.

Every function takes a grid `Chain` connected to an RPC node (anvil, geth or a URL).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_utils import to_checksum_address

from ..errors import GridError

GWEI = 10**9
TRANSFER_GAS = 21_000


@dataclass(frozen=True)
class PoolTransaction:
    """A signed transfer as the pool holds it."""

    hash: str
    sender: str
    nonce: int
    max_fee_per_gas: int
    max_priority_fee_per_gas: int
    state: str = "pending"      # "pending": ready for the next block; "queued": waits for a lower nonce


@dataclass(frozen=True)
class Included:
    """A transaction as a block included it: its position and what its producer earned per gas."""

    position: int
    hash: str
    sender: str
    nonce: int
    max_fee_per_gas: int
    max_priority_fee_per_gas: int
    effective_tip: int


def effective_tip(max_fee_per_gas: int, max_priority_fee_per_gas: int, base_fee: int) -> int:
    """What the block producer earns per gas under EIP-1559: min(priority fee, max fee - base fee)."""
    return min(max_priority_fee_per_gas, max_fee_per_gas - base_fee)


def pause_mining(chain: Any) -> None:
    """Stop mining a block per transaction: from now on transactions wait in the pool."""
    if chain.target == "tester":
        raise GridError("the embedded chain has no transaction pool to watch: use connect(\"anvil\")",
                        kind="unsupported")
    chain.set_automine(False)


def base_fee(chain: Any) -> int:
    """The base fee per gas (wei) the next block will charge, from the latest block."""
    return int(chain.rpc("eth_getBlockByNumber", "latest", False)["baseFeePerGas"], 16)


def send_transfer(chain: Any, sender: str, nonce: int, max_fee_per_gas: int, max_priority_fee_per_gas: int,
                  to: str = "admin", value: int = 1) -> PoolTransaction:
    """Sign a 1-wei EIP-1559 transfer from the named account with these fees and nonce, and send it."""
    if min(nonce, max_fee_per_gas, max_priority_fee_per_gas) < 0:
        raise GridError("a nonce and fees are whole numbers of at least 0", kind="input")
    if max_priority_fee_per_gas > max_fee_per_gas:
        raise GridError(f"the priority fee ({max_priority_fee_per_gas} wei) cannot exceed the maximum fee "
                        f"({max_fee_per_gas} wei): raise maxFeePerGas", kind="input")
    account = chain.account(sender)
    tx = {"chainId": chain.chain_id, "nonce": nonce, "to": chain.account(to).address, "value": value,
          "gas": TRANSFER_GAS, "maxFeePerGas": max_fee_per_gas,
          "maxPriorityFeePerGas": max_priority_fee_per_gas, "type": 2}
    raw = Account.sign_transaction(tx, account.private_key).raw_transaction
    try:
        tx_hash = chain.rpc("eth_sendRawTransaction", "0x" + raw.hex())
    except GridError as exc:
        text = str(exc).lower()
        if "underpriced" in text:
            raise GridError(f"the pool refused {sender}'s replacement of nonce {nonce}: it does not pay more "
                            "than the transaction it would replace; offer a higher maxFeePerGas",
                            kind="input") from None
        if "already imported" in text or "already known" in text:
            raise GridError(f"the pool already holds this exact transaction from {sender} (nonce {nonce}): "
                            "change a fee to replace it", kind="input") from None
        if "fee" in text and "base" in text:
            raise GridError(f"{sender}'s maxFeePerGas is below the base fee: offer at least the base fee "
                            f"({base_fee(chain)} wei)", kind="input") from None
        raise
    return PoolTransaction(tx_hash, account.address, nonce, max_fee_per_gas, max_priority_fee_per_gas)


def pool_status(chain: Any) -> tuple[int, int]:
    """(pending, queued): transactions ready for the next block, and those waiting for a missing nonce."""
    status = chain.rpc("txpool_status")
    return int(status["pending"], 16), int(status["queued"], 16)


def pool_content(chain: Any) -> list[PoolTransaction]:
    """Every transaction in the pool (`txpool_content`), pending ones first, by sender then nonce.

    The reply holds one transaction per sender and nonce: two queued ones for the same nonce
    (see the module's note on replacement) show as one, while `pool_status` counts both.
    """
    content = chain.rpc("txpool_content")
    listed = []
    for state in ("pending", "queued"):
        for sender, by_nonce in sorted(content.get(state, {}).items()):
            for tx in sorted(by_nonce.values(), key=lambda t: int(t["nonce"], 16)):
                fees = int(tx["maxFeePerGas"], 16), int(tx["maxPriorityFeePerGas"], 16)
                listed.append(PoolTransaction(tx["hash"], to_checksum_address(sender), int(tx["nonce"], 16),
                                              *fees, state))
    return listed


def mine_block(chain: Any) -> list[Included]:
    """Mine one block from the pool and list its transactions in the order the node included them."""
    fee = base_fee(chain)
    chain.rpc("evm_mine")
    block = chain.rpc("eth_getBlockByNumber", "latest", True)
    included = []
    for position, tx in enumerate(block["transactions"]):
        max_fee, tip = int(tx["maxFeePerGas"], 16), int(tx["maxPriorityFeePerGas"], 16)
        included.append(Included(position, tx["hash"], to_checksum_address(tx["from"]), int(tx["nonce"], 16),
                                 max_fee, tip, effective_tip(max_fee, tip, fee)))
    return included
