"""kWh on screens, Wh on chain: parsing and showing energy (grid.energy).

Expected values are plain arithmetic on 1 kWh = 1,000 Wh (SI: kilo = 10**3).
"""
from __future__ import annotations

import pytest

from grid.energy import energy_text, kwh_number, kwh_text, parse_kwh
from grid.errors import GridError
from grid.validation import INT256_MAX, UINT256_MAX


@pytest.mark.parametrize("typed, wh", [
    ("1", 1_000), ("1.5", 1_500), ("0.001", 1), (" 100 ", 100_000), ("1,5", 1_500), (".25", 250),
    ("2.", 2_000), ("1_000", 1_000_000), ("+3", 3_000), (7, 7_000), ("0.0010", 1),
])
def test_typed_kwh_becomes_whole_wh(typed, wh):
    assert parse_kwh(typed) == wh


@pytest.mark.parametrize("typed, words", [
    ("", "is missing"), ("abc", "must be an amount in kWh"), ("1e3", "must be an amount in kWh"),
    ("-1", "cannot be negative"), ("0", "above 0 kWh"), ("0.000", "above 0 kWh"),
    ("0.0005", "finer than the contract counts"), ("1.2345", "at most three decimals"),
    ("١٢", "must be an amount in kWh"), ("nan", "must be an amount in kWh"), ("9" * 200, "must be an amount"),
])
def test_bad_kwh_is_one_sentence(typed, words):
    with pytest.raises(GridError) as info:
        parse_kwh(typed, "the energy to sell")
    message = info.value.message
    assert words in message and message.startswith("the energy to sell") and "\n" not in message
    assert info.value.kind == "input"


def test_limits_follow_the_contract_types():
    top_int256_kwh = f"{INT256_MAX // 1000}.{INT256_MAX % 1000:03d}"
    assert parse_kwh(top_int256_kwh, int256=True) == INT256_MAX
    over = f"{(INT256_MAX + 1) // 1000}.{(INT256_MAX + 1) % 1000:03d}"
    with pytest.raises(GridError, match="int256"):
        parse_kwh(over, int256=True)
    assert parse_kwh(over) == INT256_MAX + 1                 # a uint256 holds it
    too_big = str(UINT256_MAX // 1000 + 1)
    with pytest.raises(GridError, match="uint256"):
        parse_kwh(too_big)


@pytest.mark.parametrize("wh, bare", [
    (0, "0"), (1, "0.001"), (1_500, "1.5"), (-90_000, "-90"), (100, "0.1"), (123_456_789, "123456.789"),
    (10**30, "1" + "0" * 27), (-1, "-0.001"),
    (2**255 - 1, f"{(2**255 - 1) // 1000}.{(2**255 - 1) % 1000:03d}"),   # ends in ...967: no zeros to strip
])
def test_wh_shows_as_exact_kwh(wh, bare):
    assert kwh_number(wh) == bare
    assert kwh_text(wh) == f"{bare} kWh"
    assert parse_kwh(bare) == wh if wh > 0 else True   # showing and typing agree


def test_sentences_carry_both():
    assert energy_text(1_500) == "1.5 kWh (1,500 Wh)"
    assert energy_text(-90_000) == "-90 kWh (-90,000 Wh)"
    assert energy_text(10**18) == "1.000e+15 kWh (19-digit Wh)"
