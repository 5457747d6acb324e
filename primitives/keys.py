"""Asymmetric keys on secp256k1, Ethereum addresses and message signatures.

From secret to address, step by step:

1. private key: a random integer d in [1, n-1], n the curve order (32 bytes);
2. public key: the curve point d*G, written x || y (64 bytes). This one-way
   scalar multiplication is delegated to eth-keys;
3. address: the last 20 bytes of keccak256(x || y);
4. EIP-55 checksum: upper-case the hex letters where keccak256 of the
   lower-case hex address has a nibble >= 8, so typos are caught.

Signatures: ECDSA over keccak256 of an EIP-191 "personal_sign" message,
with a recovery id so the signer's address can be recovered from (r, s, v)
alone, which is how Ethereum contracts check signatures (ecrecover).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from eth_keys import keys as _eth_keys
from eth_keys.exceptions import BadSignature, ValidationError

from .hashing import keccak256

# Order of the secp256k1 base point G (SEC 2, version 2.0, section 2.4.1).
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

PrivateKeyLike = bytes | int | str


def _private_key_bytes(key: PrivateKeyLike) -> bytes:
    """Normalise a private key given as 32 bytes, an int or hex text."""
    if isinstance(key, str):
        key = bytes.fromhex(key.removeprefix("0x").removeprefix("0X").rjust(64, "0"))
    if isinstance(key, int):
        if not 0 < key < 2 ** 256:
            raise ValueError("private key out of range")
        key = key.to_bytes(32, "big")
    key = bytes(key)
    if len(key) != 32:
        raise ValueError("a private key is 32 bytes")
    if not 1 <= int.from_bytes(key, "big") < SECP256K1_N:
        raise ValueError("a private key must be in [1, n-1] for the secp256k1 order n")
    return key


def private_key_to_public_key(private_key: PrivateKeyLike) -> bytes:
    """Public key d*G as 64 bytes x || y (uncompressed, no 0x04 prefix)."""
    return _eth_keys.PrivateKey(_private_key_bytes(private_key)).public_key.to_bytes()


def to_checksum_address(address: str | bytes) -> str:
    """EIP-55 mixed-case form of a 20-byte address (given as bytes or hex)."""
    if isinstance(address, (bytes, bytearray)):
        hex_address = bytes(address).hex()
    else:
        hex_address = address.removeprefix("0x").removeprefix("0X").lower()
    if len(hex_address) != 40 or any(c not in "0123456789abcdef" for c in hex_address):
        raise ValueError("an address is 20 bytes (40 hex digits)")
    # The hash input is the lower-case hex *text*, not the 20 raw bytes.
    digest = keccak256(hex_address.encode("ascii")).hex()
    return "0x" + "".join(c.upper() if int(digest[i], 16) >= 8 else c
                          for i, c in enumerate(hex_address))


def is_checksum_address(address: str) -> bool:
    """True if address is written in its exact EIP-55 mixed-case form."""
    try:
        return address == to_checksum_address(address)
    except ValueError:
        return False


def public_key_to_address(public_key: bytes) -> str:
    """Ethereum address (EIP-55) of a 64-byte x || y public key."""
    public_key = bytes(public_key)
    if len(public_key) == 65 and public_key[0] == 0x04:
        public_key = public_key[1:]           # accept the SEC1 uncompressed prefix
    if len(public_key) != 64:
        raise ValueError("expected a 64-byte uncompressed public key")
    return to_checksum_address(keccak256(public_key)[-20:])


def private_key_to_address(private_key: PrivateKeyLike) -> str:
    """Ethereum address (EIP-55) controlled by a private key."""
    return public_key_to_address(private_key_to_public_key(private_key))


@dataclass(frozen=True)
class AddressDerivation:
    """Every intermediate value between a private key and its address."""

    private_key: bytes = field(repr=False)  # 32 bytes, the secret scalar d
    public_key: bytes                       # 64 bytes, x || y of d*G
    public_key_hash: bytes                  # 32 bytes, keccak256(public_key)
    address_bytes: bytes                    # 20 bytes, last 20 of the hash
    address: str                            # 0x + 40 hex digits, EIP-55 mixed case


def address_derivation(private_key: PrivateKeyLike) -> AddressDerivation:
    """Show the steps private key -> public key -> keccak256 -> address -> EIP-55."""
    secret = _private_key_bytes(private_key)
    public = private_key_to_public_key(secret)
    digest = keccak256(public)
    return AddressDerivation(secret, public, digest, digest[-20:], to_checksum_address(digest[-20:]))


# -----------------------------------------------------------------------------
# Signatures

@dataclass(frozen=True)
class Signature:
    """An Ethereum ECDSA signature (65 bytes when serialised as r || s || v)."""

    r: int  # 32 bytes: x coordinate of the nonce point k*G, mod n
    s: int  # 32 bytes: k^-1 (hash + r*d) mod n
    v: int  # 1 byte: recovery id + 27 (27 or 28)

    def to_bytes(self) -> bytes:
        """65-byte r || s || v encoding used by personal_sign."""
        return self.r.to_bytes(32, "big") + self.s.to_bytes(32, "big") + bytes([self.v])

    def to_hex(self) -> str:
        """0x-prefixed hex of to_bytes()."""
        return "0x" + self.to_bytes().hex()

    @classmethod
    def from_bytes(cls, raw: bytes | str) -> Signature:
        """Parse a 65-byte r || s || v signature (bytes or hex)."""
        if isinstance(raw, str):
            raw = bytes.fromhex(raw.removeprefix("0x"))
        if len(raw) != 65:
            raise ValueError("a signature is 65 bytes: r (32) || s (32) || v (1)")
        v = raw[64] if raw[64] >= 27 else raw[64] + 27
        return cls(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:64], "big"), v)

    def _eth_keys(self) -> _eth_keys.Signature:
        return _eth_keys.Signature(vrs=(self.v - 27, self.r, self.s))


def hash_message(message: bytes | str) -> bytes:
    """EIP-191 personal_sign hash: keccak256("\\x19Ethereum Signed Message:\\n" + len + message).

    The prefix makes a signed text unusable as a signed transaction.
    """
    data = message.encode("utf-8") if isinstance(message, str) else bytes(message)
    return keccak256(b"\x19Ethereum Signed Message:\n" + str(len(data)).encode("ascii") + data)


def sign_hash(message_hash: bytes, private_key: PrivateKeyLike) -> Signature:
    """ECDSA-sign a 32-byte hash (deterministic nonce, RFC 6979)."""
    if len(message_hash) != 32:
        raise ValueError("sign a 32-byte hash")
    sig = _eth_keys.PrivateKey(_private_key_bytes(private_key)).sign_msg_hash(bytes(message_hash))
    return Signature(sig.r, sig.s, sig.v + 27)


def sign_message(message: bytes | str, private_key: PrivateKeyLike) -> Signature:
    """Sign a message the way wallets do for personal_sign (EIP-191)."""
    return sign_hash(hash_message(message), private_key)


def recover_public_key(message_hash: bytes, signature: Signature) -> bytes:
    """The 64-byte public key that produced signature over message_hash."""
    return signature._eth_keys().recover_public_key_from_msg_hash(bytes(message_hash)).to_bytes()


def recover_address(message: bytes | str, signature: Signature) -> str:
    """Address that signed message (personal_sign), recovered from the signature."""
    return public_key_to_address(recover_public_key(hash_message(message), signature))


def verify_hash(message_hash: bytes, signature: Signature, public_key: bytes) -> bool:
    """Plain ECDSA verification of a signature over a 32-byte hash."""
    try:
        return _eth_keys.PublicKey(bytes(public_key)).verify_msg_hash(
            bytes(message_hash), signature._eth_keys())
    except (BadSignature, ValidationError, ValueError):
        return False


def verify_message(message: bytes | str, signature: Signature, address: str) -> bool:
    """True if `address` signed `message`; any tampering makes this False."""
    try:
        return recover_address(message, signature).lower() == address.lower()
    except (BadSignature, ValidationError, ValueError):
        return False


@dataclass(frozen=True)
class KeyPair:
    """A secp256k1 key pair and the Ethereum address it controls."""

    private_key: bytes = field(repr=False)  # 32 bytes, keep secret (hidden from repr)
    public_key: bytes                       # 64 bytes, x || y
    address: str                            # EIP-55 checksummed, 42 characters

    @classmethod
    def from_private_key(cls, private_key: PrivateKeyLike) -> KeyPair:
        """Derive the public key and address from a private key."""
        secret = _private_key_bytes(private_key)
        public = private_key_to_public_key(secret)
        return cls(secret, public, public_key_to_address(public))

    @classmethod
    def generate(cls) -> KeyPair:
        """A fresh key pair from the operating system's secure randomness."""
        while True:
            candidate = secrets.token_bytes(32)
            if 1 <= int.from_bytes(candidate, "big") < SECP256K1_N:
                return cls.from_private_key(candidate)

    def sign_message(self, message: bytes | str) -> Signature:
        """Sign a personal_sign message with this key."""
        return sign_message(message, self.private_key)

    def verify_message(self, message: bytes | str, signature: Signature) -> bool:
        """Check that this key pair's address signed message."""
        return verify_message(message, signature, self.address)
