"""Who a user is, kept off chain: personal records in SQLite, each bound to an on-chain commitment.

PowerGridV2 stores no name and no street address. The administrator keeps
them here, with a random salt, and registers only

    identity = keccak256(abi.encode(salt, name, location))

on chain. Anyone can read the commitment; without the salt nobody can test
guesses against it, and whoever is shown the record can check it matches.
`abi.encode` (not `abi.encodePacked`) keeps ("ab", "c") and ("a", "bc") apart.

    store = IdentityStore(".cache/identities.sqlite")     # or ":memory:"
    record = store.create(contract, user, "PowerProviderOne", "Sundsvall")
    store.get(contract, user).matches(on_chain_identity)  # -> True
"""
from __future__ import annotations

import secrets
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from ..errors import GridError

SALT_BYTES = 32
SCHEMA = """
CREATE TABLE IF NOT EXISTS identity (
    contract  TEXT NOT NULL,      -- EIP-55 address of the PowerGridV2 deployment
    user      TEXT NOT NULL,      -- EIP-55 address of the user
    name      TEXT NOT NULL,
    location  TEXT NOT NULL,
    salt      BLOB NOT NULL,      -- 32 random bytes, secret
    commitment BLOB NOT NULL,     -- keccak256(abi.encode(salt, name, location))
    PRIMARY KEY (contract, user)
)
"""


def commitment(salt: bytes, name: str, location: str) -> bytes:
    """keccak256(abi.encode(bytes32 salt, string name, string location)): what goes on chain."""
    if not isinstance(salt, bytes) or len(salt) != SALT_BYTES:
        raise GridError(f"a salt is {SALT_BYTES} bytes, not {salt!r}", kind="input")
    return keccak(encode(["bytes32", "string", "string"], [salt, name, location]))


@dataclass(frozen=True)
class IdentityRecord:
    """One user's off-chain record and the commitment that binds it to the chain."""

    contract: str
    user: str
    name: str
    location: str
    salt: bytes
    commitment: bytes

    def matches(self, on_chain: bytes) -> bool:
        """True when this record is the one committed on chain (recomputed, not trusted)."""
        return commitment(self.salt, self.name, self.location) == bytes(on_chain)


class IdentityStore:
    """Personal records in one SQLite file (standard library), one row per (contract, user)."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            with self._db:
                self._db.execute(SCHEMA)
        except sqlite3.Error as exc:
            raise GridError(f"cannot open the identity store {self.path} ({exc}): check the path and "
                            f"that the file is a SQLite database", kind="input") from None
        self._lock = threading.Lock()   # widgets refresh from a timer thread

    def prepare(self, contract: str, user: str, name: str, location: str,
                salt: bytes | None = None) -> IdentityRecord:
        """A new record with a fresh random salt (not stored yet: store it once the chain has it)."""
        salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
        return IdentityRecord(to_checksum_address(contract), to_checksum_address(user), name, location, salt,
                              commitment(salt, name, location))

    def put(self, record: IdentityRecord) -> None:
        """Store `record`, replacing the user's previous one."""
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO identity VALUES (?, ?, ?, ?, ?, ?)",
                             (record.contract, record.user, record.name, record.location, record.salt,
                              record.commitment))

    def create(self, contract: str, user: str, name: str, location: str) -> IdentityRecord:
        """Prepare and store a record in one step."""
        record = self.prepare(contract, user, name, location)
        self.put(record)
        return record

    def get(self, contract: str, user: str) -> IdentityRecord | None:
        """The stored record of `user` at `contract`, or None."""
        with self._lock:
            row = self._db.execute("SELECT contract, user, name, location, salt, commitment FROM identity "
                                   "WHERE contract = ? AND user = ?",
                                   (to_checksum_address(contract), to_checksum_address(user))).fetchone()
        return None if row is None else IdentityRecord(*row[:4], bytes(row[4]), bytes(row[5]))

    def close(self) -> None:
        """Close the database file."""
        self._db.close()
