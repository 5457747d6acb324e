"""Reference solutions for notebook 00."""
from lab.solutions import ModelAnswer


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

MODEL_ANSWERS = {
    "00.Q1": ModelAnswer(
        points=2,
        answer=(
            'A hex string is text: `"00ff"` is four ASCII characters, four bytes, while '
            '`bytes.fromhex("00ff")` is the two bytes 0x00 0xff, so hashing the text gives an entirely '
            'different digest (the avalanche effect leaves nothing in common) and a check against the '
            'published hash fails. Byte order is a second trap: the same 32 bytes read front to back or '
            'back to front are two different numbers and two different hex strings, so a hash compared in '
            'the wrong order never matches, even though it is correct; you would see the same pairs of hex '
            'digits in reverse order, and, read as a number, a wildly different value, for instance leading '
            'zeros that appear at the end instead of the start.'
        ),
        marking=(
            '1 point: a hex string is text whose bytes differ from the bytes it encodes, so hashing the '
            'wrong one gives an unrelated digest; 1 point: reversed byte order gives a different number and '
            'string, the same hex pairs in reverse, so a correct hash fails the comparison'
        ),
    ),
}
