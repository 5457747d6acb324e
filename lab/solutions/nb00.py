"""Reference solutions for notebook 00."""


def to_hex(data: bytes) -> str:
    """Lower-case hex, two digits per byte."""
    return "".join(f"{b:02x}" for b in data)


def hex_to_int(text: str) -> int:
    """Parse '0x...' hex into an integer."""
    return int(text, 16)


def reverse_bytes(hex_text: str) -> str:
    """Reverse the byte order of a hex string (not its characters)."""
    return bytes.fromhex(hex_text)[::-1].hex()


def count_one_bits(data: bytes) -> int:
    """Number of 1 bits in `data`."""
    return sum(bin(b).count("1") for b in data)


# Which function answers which exercise (the test suite checks each one).
SOLUTIONS = {
    "00.1": to_hex,
    "00.2": hex_to_int,
    "00.3": reverse_bytes,
    "00.4": count_one_bits,
}
