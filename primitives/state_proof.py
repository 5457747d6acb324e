"""Check what a node says about an account or a storage slot, trusting only a block's state root.

A light client keeps block headers, not the state. To learn an account's
balance, or one storage slot of a contract, it asks a full node for the value
*and a proof* (``eth_getProof``, EIP-1186) and checks the proof against the
``stateRoot`` in a header it already trusts:

1. the account proof is a path in the state trie, keyed by keccak256(address),
   ending in the account's RLP ``[nonce, balance, storageRoot, codeHash]``;
2. the storage proof is a path in that account's storage trie (rooted at
   ``storageRoot``), keyed by keccak256(slot as 32 bytes), ending in the RLP
   of the slot's value with its leading zero bytes dropped.

Nothing here talks to a node: the caller passes in what the node sent.
"""

from __future__ import annotations

from dataclasses import dataclass

import rlp

from .hashing import keccak256
from .trie import EMPTY_ROOT, ProofError, verify_secure_proof

#: keccak256(b""): the code hash of an account without code.
EMPTY_CODE_HASH = keccak256(b"")

HexOrBytes = str | bytes


def to_bytes(value: HexOrBytes) -> bytes:
    """Bytes from bytes or from a hex string as JSON-RPC sends it ("0x..." or bare hex)."""
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    text = value[2:] if value.startswith(("0x", "0X")) else value
    return bytes.fromhex(text)


@dataclass(frozen=True)
class Account:
    """An Ethereum account as the state trie stores it."""

    nonce: int
    balance: int  # wei
    storage_root: bytes  # root of the account's storage trie (EMPTY_ROOT if it stores nothing)
    code_hash: bytes  # keccak256 of the code (EMPTY_CODE_HASH for a plain account)

    def encode(self) -> bytes:
        """The RLP the state trie holds: [nonce, balance, storageRoot, codeHash]."""
        return rlp.encode([self.nonce, self.balance, self.storage_root, self.code_hash])

    @classmethod
    def decode(cls, raw: bytes) -> Account:
        """Read an account back from its RLP; ProofError if it is not four items."""
        items = rlp.decode(raw)
        if not isinstance(items, list) or len(items) != 4:
            raise ProofError("an account is the RLP of exactly four items")
        nonce, balance, storage_root, code_hash = items
        return cls(int.from_bytes(nonce, "big"), int.from_bytes(balance, "big"), storage_root, code_hash)

    @property
    def has_code(self) -> bool:
        """True for a contract account."""
        return self.code_hash != EMPTY_CODE_HASH

    @property
    def has_storage(self) -> bool:
        """True if the account stores anything."""
        return self.storage_root != EMPTY_ROOT


def verify_account_proof(state_root: HexOrBytes, address: HexOrBytes,
                         account_proof: list[HexOrBytes]) -> Account | None:
    """The account at `address` under `state_root`, or None if the proof shows there is none.

    Raises ProofError (a ValueError) if the proof does not fit the root.
    """
    address_bytes = to_bytes(address)
    if len(address_bytes) != 20:
        raise ValueError(f"an address is 20 bytes, not {len(address_bytes)}")
    raw = verify_secure_proof(to_bytes(state_root), address_bytes, [to_bytes(n) for n in account_proof])
    return None if raw is None else Account.decode(raw)


def verify_storage_proof(storage_root: HexOrBytes, slot: int, proof: list[HexOrBytes]) -> int:
    """The value of storage `slot` under `storage_root`; 0 if the proof shows the slot is empty.

    Storage holds 32-byte words; an all-zero word is not stored at all, so an
    absent slot reads as 0. Raises ProofError if the proof does not fit the root.
    """
    raw = verify_secure_proof(to_bytes(storage_root), slot.to_bytes(32, "big"), [to_bytes(n) for n in proof])
    if raw is None:
        return 0
    value = rlp.decode(raw)
    if not isinstance(value, bytes) or len(value) > 32:
        raise ProofError("a storage value is the RLP of at most 32 bytes")
    return int.from_bytes(value, "big")


def mapping_slot(key: bytes, slot: int) -> int:
    """The slot of ``mapping[key]`` for a Solidity mapping declared at `slot`.

    It is keccak256(pad32(key) ++ pad32(slot)), read as a number.
    A struct value occupies consecutive slots from there: add the member's offset.
    """
    if len(key) > 32:
        raise ValueError("a mapping key of a value type fits in 32 bytes")
    return int.from_bytes(keccak256(key.rjust(32, b"\0") + slot.to_bytes(32, "big")), "big")
