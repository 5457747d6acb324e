"""Notebook 01's checks reject plausible mistakes (tests/test_exercises.py runs the reference solutions)."""
import hashlib
import math

import pytest

from lab.exercises import WRONG, check


def _pad_without_room_for_length(message):
    # Pads to 64 bytes as if the 8-byte length always fitted: wrong for 56..63-byte messages.
    zeros = max(0, 55 - len(message) % 64)
    return message + b"\x80" + bytes(zeros) + (8 * len(message)).to_bytes(8, "big")


@pytest.mark.parametrize("exercise_id, wrong", [
    ("01.1", lambda data: hashlib.sha3_256(data).digest()),                 # FIPS 202 SHA3, not Keccak
    ("01.1", lambda data: hashlib.sha256(data).digest()),
    ("01.2", lambda a, b: sum(x != y for x, y in zip(a, b, strict=True))),  # counts bytes, not bits
    ("01.3", lambda k: 2 ** (k / 2)),                                        # the order, without sqrt(pi/2)
    ("01.3", lambda k: math.sqrt(math.pi / 2) * 2 ** k),                     # pre-image cost
    ("01.4", lambda x, n: (x >> n) | (x << (32 - n))),                       # not masked to 32 bits
    ("01.4", lambda x, n: ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF),        # rotates left
    ("01.5", lambda m: m + b"\x80" + bytes((55 - len(m)) % 64) + (8 * len(m)).to_bytes(8, "little")),
    # bytes, not bits:
    ("01.5", lambda m: m + b"\x80" + bytes((55 - len(m)) % 64) + len(m).to_bytes(8, "big")),
    ("01.5", _pad_without_room_for_length),
])
def test_plausible_mistake_is_rejected(exercise_id, wrong):
    assert check(exercise_id, wrong).status == WRONG
