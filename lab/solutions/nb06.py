"""Reference solutions for notebook 06."""
from eth_keys import keys

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


def generate_power_calldata(amount: int) -> bytes:
    """Selector keccak256("GeneratePower(uint256)")[:4] + amount as a 32-byte big-endian word."""
    return keccak256(b"GeneratePower(uint256)")[:4] + amount.to_bytes(32, "big")


# Which function answers which exercise (the test suite checks each one).
SOLUTIONS = {
    "06.1": address_from_public_key,
    "06.2": eip55,
    "06.3": eip191_hash,
    "06.4": recover_signer,
    "06.5": generate_power_calldata,
}
