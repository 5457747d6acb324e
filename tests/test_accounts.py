"""Named accounts come from the documented test mnemonic, on every chain."""
import pytest

from grid.accounts import TEST_MNEMONIC, Accounts, derive_account
from grid.errors import GridError

# The first accounts of "test test ... junk" on m/44'/60'/0'/0/i, as printed
# by Hardhat ("npx hardhat node") and Foundry's anvil in their documentation.
DOCUMENTED = [
    ("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
     "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"),
    ("0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
     "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"),
    ("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
     "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"),
]


@pytest.mark.parametrize("index, expected", list(enumerate(DOCUMENTED)))
def test_derivation_matches_hardhat_and_foundry_docs(index, expected):
    account = derive_account(index, TEST_MNEMONIC)
    assert (account.address, account.private_key.hex()) == expected


def test_names_follow_the_thesis_cast():
    accounts = Accounts.derive(7)
    assert accounts.names == ["admin", "generator1", "generator2", "consumer1", "consumer2",
                              "user5", "user6"]
    assert accounts["consumer1"] is accounts[3]
    assert accounts.resolve(DOCUMENTED[1][0].lower()).name == "generator1"


def test_private_key_is_not_in_repr():
    account = derive_account(0)
    assert DOCUMENTED[0][1] not in repr(account)
    assert DOCUMENTED[0][1] not in repr(Accounts([account]))


@pytest.mark.parametrize("who, phrase", [
    ("nobody", "unknown account 'nobody'"),
    ("0x0000000000000000000000000000000000000001", "is not one of this chain's accounts"),
    (42, "unknown account 42"),
])
def test_unknown_account_is_one_readable_sentence(who, phrase):
    with pytest.raises(GridError) as info:
        Accounts.derive(3).resolve(who)
    assert info.value.kind == "account"
    assert phrase in str(info.value)
    assert "\n" not in str(info.value)
