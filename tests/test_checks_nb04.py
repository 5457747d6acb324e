"""Notebook 04's checks reject plausible mistakes (tests/test_exercises.py runs the reference solutions)."""
import hashlib

import pytest

from lab.exercises import WRONG, check
from lab.solutions import nb04 as solved

TWO_WEEKS = 1_209_600
POW_LIMIT = (1 << 224) - 1


def _no_clamp(old_target, timespan):
    return min(old_target * timespan // TWO_WEEKS, POW_LIMIT)


def _no_cap(old_target, timespan):
    clamped = min(max(timespan, TWO_WEEKS // 4), TWO_WEEKS * 4)
    return old_target * clamped // TWO_WEEKS


def _float_maths(old_target, timespan):
    clamped = min(max(timespan, TWO_WEEKS // 4), TWO_WEEKS * 4)
    return min(old_target * (clamped / TWO_WEEKS), POW_LIMIT)


def _big_endian_nonce(header, nonces):
    return [hashlib.sha256(hashlib.sha256(header[:76] + n.to_bytes(4, "big")).digest()).digest()
            for n in nonces]


def _single_sha(header, nonces):
    return [hashlib.sha256(header[:76] + n.to_bytes(4, "little")).digest() for n in nonces]


def _ignores_nonce(header, nonces):
    return [hashlib.sha256(hashlib.sha256(header).digest()).digest() for _ in nonces]


@pytest.mark.parametrize("exercise_id, wrong", [
    ("04.1", lambda h, target: int.from_bytes(h, "big") <= target),     # display order
    ("04.1", lambda h, target: int.from_bytes(h, "little") < target),   # strict: rejects hash == target
    ("04.2", lambda target: 2 ** 256 / target),                          # forgets the + 1
    ("04.2", lambda target: 2.0 ** (256 - target.bit_length())),         # counts zero bits only
    ("04.3", _big_endian_nonce),
    ("04.3", _single_sha),
    ("04.3", _ignores_nonce),
    ("04.4", _no_clamp),
    ("04.4", _no_cap),
    ("04.4", _float_maths),
])
def test_plausible_mistake_is_rejected(exercise_id, wrong):
    assert check(exercise_id, wrong).status == WRONG


def test_04_4_rejects_float_arithmetic_and_the_wrong_cap():
    def with_floats(old, timespan):
        two_weeks = 14 * 24 * 3600
        return int(old * min(max(timespan, two_weeks / 4), two_weeks * 4) / two_weeks)

    def genesis_cap(old, timespan):
        return min(solved.next_target(old, timespan), 0xFFFF << 208)

    assert check("04.4", with_floats).status == WRONG
    assert check("04.4", genesis_cap).status == WRONG
