"""Notebook 06's widget and EIP-55 view, driven through their Python API."""
import json
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct

from lab.widgets.keys import EXAMPLE_PRIVATE_KEY, SignatureLab, eip55_table

KEYS = json.loads((Path(__file__).resolve().parents[1] / "data" / "ethereum_keys.json").read_text())


def test_signs_on_construction_and_recovers_the_signer():
    w = SignatureLab(message="Some data", tampered="Some data!")
    vector = KEYS["signatures"][0]
    assert w.keypair.address == Account.from_key(bytes.fromhex(EXAMPLE_PRIVATE_KEY)).address
    assert w.signature.to_bytes().hex() == vector["signature"]       # web3.js docs, deterministic
    assert w.valid and not w.tampered_valid
    assert w.tampered_recovered == Account.recover_message(encode_defunct(text="Some data!"),
                                                           signature=w.signature.to_bytes())
    text = w.summary()
    assert "✔ matches the key" in text and "a different address" in text
    assert w.recovered in w.status.value


def test_click_after_editing_the_texts():
    w = SignatureLab()
    w.message.value = "sell 100 to consumer1"
    w.tampered.value = "sell 100 to consumer1"
    w.button.click()
    assert w.valid and w.tampered_valid and "the same text" in w.summary()
    w.tampered.value = "sell 100 to consumer2"
    w.button.click()
    assert w.valid and not w.tampered_valid


def test_new_random_key_changes_the_address():
    w = SignatureLab()
    before = w.keypair.address
    w.new_key_button.click()
    assert w.keypair.address != before and w.valid
    assert Account.from_key(bytes.fromhex(w.private_key.value)).address == w.keypair.address


@pytest.mark.parametrize("bad", ["", "not a key", "0" * 64, "ff" * 33])
def test_bad_private_key_shows_one_readable_message(bad):
    w = SignatureLab()
    w.private_key.value = bad
    w.button.click()
    assert w.keypair is None and w.signature is None and not w.valid
    assert "⚠" in w.status.value and "Traceback" not in w.status.value
    assert w.summary().startswith("no signature: that private key does not work")
    w.private_key.value = "0x" + EXAMPLE_PRIVATE_KEY
    w.button.click()
    assert w.valid and not w.error


@pytest.mark.parametrize("address", KEYS["eip55_examples"]["addresses"])
def test_eip55_table_shows_the_eip_examples(address):
    rows = eip55_table(address.lower()).splitlines()
    assert rows[2].split()[-1] == address
    marks = rows[3][len("upper case     "):len("upper case     ") + 40]
    assert [m == "^" for m in marks] == [c.isupper() for c in address[2:]]
