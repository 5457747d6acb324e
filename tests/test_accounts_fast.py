"""Fast HD derivation (parent node once, one BIP-32 step per account) gives eth-account's keys.

The reference is eth-account's own `Account.from_mnemonic`, which derives the
full path m/44'/60'/0'/0/i from the seed every time: an independent
implementation of BIP-32/39/44.
"""
import pytest
from eth_account import Account

from grid import accounts as hd
from grid.accounts import TEST_MNEMONIC, Accounts, derive_account
from grid.errors import GridError

Account.enable_unaudited_hdwallet_features()
OTHER_MNEMONIC = ("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
                  "abandon about")
INDICES = [0, 1, 4, 5, 99, 1000, 4242, 9999]


def _reference(mnemonic: str, index: int) -> tuple[str, bytes]:
    account = Account.from_mnemonic(mnemonic, account_path=f"m/44'/60'/0'/0/{index}")
    return account.address, bytes(account.key)


@pytest.mark.parametrize("mnemonic", [TEST_MNEMONIC, OTHER_MNEMONIC])
@pytest.mark.parametrize("index", INDICES)
def test_fast_path_equals_eth_account(mnemonic, index):
    account = derive_account(index, mnemonic)
    assert (account.address, account.private_key) == _reference(mnemonic, index)


def test_pure_python_curve_gives_the_same_keys(monkeypatch):
    hd._coincurve.cache_clear()
    monkeypatch.setattr(hd, "_coincurve", lambda: None)  # as on a machine without coincurve
    hd._parent_node.cache_clear()
    try:
        for index in (0, 7, 1234):
            account = derive_account(index, OTHER_MNEMONIC)
            assert (account.address, account.private_key) == _reference(OTHER_MNEMONIC, index)
    finally:
        hd._parent_node.cache_clear()


def test_many_accounts_in_order_with_names():
    many = Accounts.derive(2000)
    assert len(many) == 2000 and many[1999].name == "user1999"
    assert len({a.address for a in many}) == 2000
    assert (many[1999].address, many[1999].private_key) == _reference(TEST_MNEMONIC, 1999)


def test_address_of_matches_eth_account():
    key = bytes.fromhex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
    assert hd.address_of(key) == Account.from_key(key).address


@pytest.mark.parametrize("index", [-1, 2**31, 1.5, True, "3"])
def test_a_bad_index_is_one_readable_sentence(index):
    with pytest.raises(GridError) as info:
        derive_account(index)
    assert info.value.kind == "input" and "\n" not in str(info.value)
