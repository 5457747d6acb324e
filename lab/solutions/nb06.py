"""Reference solutions for notebook 06."""
from eth_keys import keys

from lab.solutions import ModelAnswer, mychain
from primitives.hashing import keccak256


def address_from_public_key(public_key: bytes) -> str:
    """0x + hex of the last 20 bytes of keccak256(64-byte public key)."""
    return "0x" + keccak256(public_key)[-20:].hex()


def eip55(address: str) -> str:
    """EIP-55: upper-case each letter whose digit in keccak256(lower-case hex text) is >= 8."""
    lower = address[2:].lower()
    digest = keccak256(lower.encode("ascii")).hex()
    # 40 address digits against 64 digest digits (strict=False): only the first 40 are used.
    return "0x" + "".join(c.upper() if int(d, 16) >= 8 else c for c, d in zip(lower, digest, strict=False))


def eip191_hash(message: str) -> bytes:
    """keccak256 of "\\x19Ethereum Signed Message:\\n" + byte length + message (UTF-8)."""
    data = message.encode("utf-8")
    return keccak256(b"\x19Ethereum Signed Message:\n" + str(len(data)).encode() + data)


def recover_signer(message: str, signature: bytes) -> str:
    """Address whose key made `signature` (r || s || v) over the EIP-191 hash of message."""
    r, s, v = signature[:32], signature[32:64], signature[64]
    sig = keys.Signature(vrs=(v - 27 if v >= 27 else v, int.from_bytes(r, "big"), int.from_bytes(s, "big")))
    public = sig.recover_public_key_from_msg_hash(eip191_hash(message))
    return eip55(address_from_public_key(public.to_bytes()))


# Which function answers which exercise (the test suite checks each one).
SOLUTIONS = {
    "06.1": address_from_public_key,
    "06.2": eip55,
    "06.3": eip191_hash,
    "06.4": recover_signer,
    "06.5": mychain.signed_by,      # a library exercise: notebooks/mychain.py
}

MODEL_ANSWERS = {
    "06.Q1": ModelAnswer(
        points=3,
        answer=(
            "`msg.sender` is not a field the sender writes: every node recovers it from the transaction's "
            "signature (r, s, v) over the transaction's hash. Producing a signature that recovers to "
            "someone else's address needs that address's private key; finding it from the public key is the "
            'elliptic-curve discrete logarithm problem, infeasible for a 256-bit key, and changing any byte '
            'of a signed transaction makes it recover to a different address. A thief with the '
            "administrator's key, however, is the administrator as far as the contract knows: they can sign "
            'transactions that pass `require(msg.sender == administrator)`, grant the generation right to '
            'their own addresses with `empower` and have those addresses credit themselves power. The '
            'contract cannot tell them apart, since a valid signature is the only identity it sees, so the '
            'key must be guarded (hardware wallet, multi-signature or a way to replace the administrator).'
        ),
        marking=(
            '1 point: msg.sender is recovered from the signature, not written by the sender; 1 point: '
            'forging it needs the private key, which cannot be derived from the public key or address; 1 '
            'point: a stolen key gives full administrator power (e.g. empower, then credit power) and the '
            'contract cannot distinguish the thief'
        ),
    ),
}
