"""Bad input gets one readable sentence, and nothing is sent."""
import pytest

from grid.errors import GridError
from grid.validation import (
    MAX_STRING_BYTES,
    check_address,
    check_bool,
    check_int256,
    check_string,
    check_uint256,
)

GOOD = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # EIP-55 form, Hardhat account 1


def one_sentence(exc: GridError) -> str:
    text = str(exc)
    assert "\n" not in text and "Traceback" not in text and ":" in text
    return text


@pytest.mark.parametrize("value, phrase", [
    ("0x1234", "need 40 hex digits"),
    (GOOD.replace("C51", "c51"), "wrong EIP-55 checksum"),
    ("", "is missing"),
    (None, "is missing"),
    ("not an address", "is not an address"),
    ("0x" + "g" * 40, "is not an address"),
])
def test_bad_addresses(value, phrase):
    with pytest.raises(GridError) as info:
        check_address(value)
    assert info.value.kind == "input" and phrase in one_sentence(info.value)


def test_good_addresses_in_every_case_style():
    assert check_address(GOOD) == GOOD
    assert check_address(GOOD.lower()) == GOOD
    assert check_address("0x" + GOOD[2:].upper()) == GOOD


@pytest.mark.parametrize("value, phrase", [
    (-1, "cannot be negative"),
    (2**256, "too large"),
    (1.5, "whole number"),
    ("12abc", "whole number"),
    (True, "whole number"),
    (None, "whole number"),
])
def test_bad_uint256(value, phrase):
    with pytest.raises(GridError) as info:
        check_uint256(value)
    assert phrase in one_sentence(info.value)


def test_uint256_and_int256_bounds():
    assert check_uint256(0) == 0 and check_uint256(2**256 - 1) == 2**256 - 1
    assert check_uint256(" 1_000 ") == 1000 and check_uint256(10.0) == 10
    assert check_int256(-(2**255)) == -(2**255) and check_int256(2**255 - 1) == 2**255 - 1
    for bad in (-(2**255) - 1, 2**255):
        with pytest.raises(GridError, match="out of range"):
            check_int256(bad)


def test_strings_and_bools():
    assert check_string("stop") == "stop"
    assert check_string("", required=False) == ""
    for bad, phrase in (("   ", "is empty"), (5, "must be text"), ("x" * (MAX_STRING_BYTES + 1), "too long")):
        with pytest.raises(GridError, match=phrase):
            check_string(bad)
    assert check_bool("True") is True and check_bool(False) is False
    with pytest.raises(GridError, match="true or false"):
        check_bool("yes")


@pytest.mark.parametrize("action", [
    lambda c: c.sell_power("0x1234", 5, sender="generator1"),
    lambda c: c.sell_power("consumer1", -5, sender="generator1"),
    lambda c: c.sell_power("consumer1", 2**256, sender="generator1"),
    lambda c: c.generate_power("ten", sender="generator1"),
    lambda c: c.register_user("user5", "", "Sundsvall", can_generate=True, can_consume=False),
    lambda c: c.register_user("user5", "Name", "Sundsvall", can_generate="maybe", can_consume=False),
    lambda c: c.send_dispatch("consumer1", "   "),
    lambda c: c.consume_power(5, sender="stranger"),
    lambda c: c.invoke("NoSuchFunction"),
    lambda c: c.invoke("Transfer", "consumer1"),
], ids=["short-address", "negative", "2**256", "not-a-number", "empty-name", "bad-bool",
        "empty-dispatch", "unknown-account", "unknown-function", "missing-argument"])
def test_client_rejects_bad_input_before_sending(client, chain, action):
    block, logged = chain.block_number, len(client.log)
    with pytest.raises(GridError) as info:
        action(client)
    one_sentence(info.value)
    assert info.value.kind in ("input", "account")
    assert chain.block_number == block and len(client.log) == logged
