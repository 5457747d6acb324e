"""Revert payloads decode per the Solidity ABI spec (encoded here with eth_abi)."""
from eth_abi import encode

from grid.contract.reverts import decode_revert_reason


def test_no_data_means_no_reason():
    assert decode_revert_reason(b"") is None


def test_error_string():
    # Error(string) selector 0x08c379a0 (Solidity docs, "Error handling").
    data = bytes.fromhex("08c379a0") + encode(["string"], ["not allowed"])
    assert decode_revert_reason(data) == "not allowed"


def test_panic_overflow():
    text = decode_revert_reason(bytes.fromhex("4e487b71") + encode(["uint256"], [0x11]))
    assert text.startswith("panic 0x11") and "overflow" in text


def test_unknown_selector_is_named():
    assert decode_revert_reason(bytes.fromhex("deadbeef")) == "custom error 0xdeadbeef"
