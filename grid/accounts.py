"""Deterministic, named accounts derived from the documented test mnemonic.

Every chain target uses the same keys: those of the well-known development
mnemonic "test test ... junk" (BIP-39) on Ethereum's path m/44'/60'/0'/0/i,
which is also anvil's, Hardhat's and Foundry's default. These keys are public
test keys: never send real value to them.

Derivation is fast enough for 10,000 accounts: the parent node m/44'/60'/0'/0
(four levels, three of them hardened) is derived once per mnemonic, and each
account is then one BIP-32 step from it (one HMAC-SHA512, one scalar addition)
plus one elliptic-curve multiplication for its address. That multiplication
uses libsecp256k1 through `coincurve` when it is installed (~0.1 ms), else
eth-keys' pure-Python curve (~2 ms).
"""
from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from eth_account.hdaccount import seed_from_mnemonic
from eth_keys import keys
from eth_utils import is_address, keccak, to_checksum_address

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


# secp256k1's group order n (SEC 2, section 2.4.1).
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
HARDENED = 0x80000000  # BIP-32: indices from 2**31 are hardened


def _public_key(private_key: bytes, compressed: bool) -> bytes:
    """The SEC1-serialised public key of `private_key` (33 or 65 bytes)."""
    if _coincurve() is None:  # pure Python: correct, ~20x slower
        public = keys.PrivateKey(private_key).public_key
        return public.to_compressed_bytes() if compressed else b"\x04" + public.to_bytes()
    return _coincurve().PrivateKey(private_key).public_key.format(compressed=compressed)


@lru_cache(maxsize=1)
def _coincurve():
    """The coincurve module (libsecp256k1) if installed, else None."""
    try:
        import coincurve  # noqa: PLC0415 - optional C library, loaded once on first use
    except ImportError:
        return None
    return coincurve


def _child(key: bytes, chain_code: bytes, index: int, public: bytes | None = None) -> tuple[bytes, bytes]:
    """BIP-32 CKDpriv: the child (key, chain code) at `index` of a private node.

    `public` is the node's compressed public key, if already known (it is the
    costly part of a non-hardened step, and the same for all the node's children).
    """
    while True:
        if index >= HARDENED:
            data = b"\x00" + key + index.to_bytes(4, "big")
        else:
            data = (public or _public_key(key, compressed=True)) + index.to_bytes(4, "big")
        digest = hmac.new(chain_code, data, hashlib.sha512).digest()
        tweak = int.from_bytes(digest[:32], "big")
        child = (tweak + int.from_bytes(key, "big")) % SECP256K1_N
        if tweak < SECP256K1_N and child:
            return child.to_bytes(32, "big"), digest[32:]
        index += 1  # invalid key (p < 2**-127): BIP-32 (and eth-account) take the next index


def _path_indices(path: str) -> list[int]:
    return [int(part.rstrip("'H")) + (HARDENED if part[-1] in "'H" else 0)
            for part in path.split("/")[1:]]


@lru_cache(maxsize=4)
def _parent_node(mnemonic: str) -> tuple[bytes, bytes, bytes]:
    """The node at HD_PATH, derived once: (private key, chain code, compressed public key)."""
    master = hmac.new(b"Bitcoin seed", _seed(mnemonic), hashlib.sha512).digest()
    key, chain_code = master[:32], master[32:]
    for index in _path_indices(HD_PATH):
        key, chain_code = _child(key, chain_code, index)
    return key, chain_code, _public_key(key, compressed=True)


def _child_key(mnemonic: str, index: int) -> bytes:
    """The private key at HD_PATH/index: one non-hardened step from the cached parent."""
    key, chain_code, public = _parent_node(mnemonic)
    return _child(key, chain_code, index, public)[0]


def address_of(private_key: bytes) -> str:
    """The EIP-55 address of a private key: the last 20 bytes of keccak(public key)."""
    return to_checksum_address(keccak(_public_key(private_key, compressed=False)[1:])[-20:])


def derive_account(index: int, mnemonic: str = TEST_MNEMONIC) -> NamedAccount:
    """Derive account `index` of `mnemonic` on Ethereum's BIP-44 path."""
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < HARDENED:
        raise GridError(f"an account index is a whole number from 0 to {HARDENED - 1}, not {index!r}",
                        kind="input")
    key = _child_key(mnemonic, index)
    return NamedAccount(account_name(index), index, address_of(key), key)


def mnemonic_from_env() -> str:
    """The mnemonic named by $GRIDCHAIN_MNEMONIC, else the documented test one."""
    return os.environ.get(MNEMONIC_ENV, "").strip() or TEST_MNEMONIC


class Accounts(Sequence[NamedAccount]):
    """An ordered, named set of accounts: look up by index, name or address."""

    def __init__(self, accounts: Sequence[NamedAccount], mnemonic: str | None = None) -> None:
        self._list = list(accounts)
        self.mnemonic = mnemonic     # the phrase they were derived from, when known
        self._by_key = {a.name: a for a in self._list}
        self._by_key.update({a.address.lower(): a for a in self._list})

    @classmethod
    def derive(cls, count: int, mnemonic: str = TEST_MNEMONIC) -> Accounts:
        """Derive the first `count` accounts of `mnemonic`."""
        return cls([derive_account(i, mnemonic) for i in range(count)], mnemonic)

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

    def resolve(self, who: str | NamedAccount) -> NamedAccount:
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
