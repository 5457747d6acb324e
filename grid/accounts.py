"""Deterministic, named accounts derived from the documented test mnemonic.

Every chain target uses the same keys: those of the well-known development
mnemonic "test test ... junk" (BIP-39) on Ethereum's path m/44'/60'/0'/0/i,
which is also anvil's, Hardhat's and Foundry's default. These keys are public
test keys: never send real value to them.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator, Sequence

from eth_account import Account
from eth_account.hdaccount import HDPath, seed_from_mnemonic
from eth_utils import is_address, to_checksum_address

from .errors import GridError

TEST_MNEMONIC = "test test test test test test test test test test test junk"
HD_PATH = "m/44'/60'/0'/0"
MNEMONIC_ENV = "GRIDCHAIN_MNEMONIC"

# The cast of the thesis's section 5.2.2: an administrator (the contract's
# deployer), two generation users and two consumption users.
ROLE_NAMES = ("admin", "generator1", "generator2", "consumer1", "consumer2")


def account_name(index: int) -> str:
    """Return the readable name of account `index` ("admin", ..., "user5")."""
    return ROLE_NAMES[index] if index < len(ROLE_NAMES) else f"user{index}"


@dataclass(frozen=True)
class NamedAccount:
    """One account: a readable name, its HD index, address and private key."""

    name: str
    index: int
    address: str  # 20 bytes, EIP-55 checksummed hex
    private_key: bytes = field(repr=False)  # 32 bytes; kept out of repr on purpose

    def __str__(self) -> str:
        return f"{self.name} ({self.address})"


@lru_cache(maxsize=4)
def _seed(mnemonic: str) -> bytes:
    # PBKDF2 with 2048 rounds: slow enough to be worth doing once.
    if not isinstance(mnemonic, str):
        raise GridError(f"a mnemonic is a phrase of words, not {type(mnemonic).__name__}", kind="input")
    try:
        return seed_from_mnemonic(mnemonic, passphrase="")
    except Exception:  # eth-account says ValidationError for a bad word or checksum
        raise GridError(f"the mnemonic is not a valid BIP-39 phrase ({len(mnemonic.split())} words): check "
                        f"${MNEMONIC_ENV}, or unset it to use the documented test mnemonic",
                        kind="input") from None


def derive_account(index: int, mnemonic: str = TEST_MNEMONIC) -> NamedAccount:
    """Derive account `index` of `mnemonic` on Ethereum's BIP-44 path."""
    key = HDPath(f"{HD_PATH}/{index}").derive(_seed(mnemonic))
    address = Account.from_key(key).address
    return NamedAccount(account_name(index), index, address, key)


def mnemonic_from_env() -> str:
    """The mnemonic named by $GRIDCHAIN_MNEMONIC, else the documented test one."""
    return os.environ.get(MNEMONIC_ENV, "").strip() or TEST_MNEMONIC


class Accounts(Sequence[NamedAccount]):
    """An ordered, named set of accounts: look up by index, name or address."""

    def __init__(self, accounts: Sequence[NamedAccount]) -> None:
        self._list = list(accounts)
        self._by_key = {a.name: a for a in self._list}
        self._by_key.update({a.address.lower(): a for a in self._list})

    @classmethod
    def derive(cls, count: int, mnemonic: str = TEST_MNEMONIC) -> "Accounts":
        """Derive the first `count` accounts of `mnemonic`."""
        return cls([derive_account(i, mnemonic) for i in range(count)])

    def __len__(self) -> int:
        return len(self._list)

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, (int, slice)):
            return self._list[key]
        return self.resolve(key)

    def __iter__(self) -> Iterator[NamedAccount]:
        return iter(self._list)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, NamedAccount):
            return key.address.lower() in self._by_key
        return isinstance(key, str) and key.lower() in self._by_key

    @property
    def names(self) -> list[str]:
        """The readable names, in HD-index order."""
        return [a.name for a in self._list]

    def resolve(self, who: "str | NamedAccount") -> NamedAccount:
        """Find an account by name or address, or raise a readable GridError."""
        if isinstance(who, NamedAccount):
            who = who.address
        if isinstance(who, str):
            found = self._by_key.get(who.strip().lower())
            if found is not None:
                return found
            if is_address(who.strip()):
                raise GridError(
                    f"{to_checksum_address(who.strip())} is not one of this chain's accounts, "
                    f"so it cannot sign: use one of {', '.join(self.names[:6])}, ...",
                    kind="account")
        if not self._list:
            raise GridError("this chain has no accounts to sign with", kind="account")
        raise GridError(
            f"unknown account {who!r}: use a name such as {', '.join(self.names[:6])} "
            f"or the 0x address of one of them", kind="account")

    def __repr__(self) -> str:
        return f"Accounts({', '.join(str(a) for a in self._list)})"
