"""Each household's meter: its own key, derived from the chain's mnemonic, funded for gas.

PowerGridV2 accepts generation and consumption only from the meter bound
to a user. A meter is a device with its own key, not the user's account:
otherwise the user would be reporting its own numbers again. Here the key
of the meter of account i is account METER_INDEX_OFFSET + i of the same
mnemonic (path m/44'/60'/0'/0/(1000 + i)), named "<user>-meter".
"""
from __future__ import annotations

from ..accounts import TEST_MNEMONIC, NamedAccount, derive_account
from ..chain import Chain

METER_INDEX_OFFSET = 1000
METER_FUNDING_WEI = 10**17          # 0.1 ether: thousands of readings at local gas prices


def meter_account(chain: Chain, user: str | NamedAccount) -> NamedAccount:
    """The meter of `user` (one of the chain's accounts), added to the accounts the chain signs with."""
    owner = chain.account(user)
    derived = derive_account(METER_INDEX_OFFSET + owner.index, chain.accounts.mnemonic or TEST_MNEMONIC)
    meter = NamedAccount(f"{owner.name}-meter", derived.index, derived.address, derived.private_key)
    return chain.add_account(meter)


def fund(chain: Chain, payer: NamedAccount, meter: NamedAccount, wei: int = METER_FUNDING_WEI) -> None:
    """Give `meter` gas money from `payer` when it has less than half of `wei`."""
    if chain.balance(meter) < wei // 2:
        chain.send_transaction(payer, meter.address, b"", 21_000, value=wei)
