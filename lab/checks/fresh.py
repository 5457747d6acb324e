"""A fresh chain for a check: its own eth-tester chain, PowerGeneration deployed, a cast registered.

A check that needs a contract builds its own world, so that it knows every
value on it from the actions it runs, and nothing a student did in the
notebook can change its verdict:

    with fresh_contract() as (chain, client):       # section 5.2.2's four users
        client.sell_power("consumer1", 100, sender="generator1")
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from grid.chain import Chain, connect
from grid.powergrid import PowerGridClient

# the thesis's cast: (account, name, location, can generate, can consume)
from grid.powergrid.cast import CAST

ACCOUNTS = 7   # admin, the cast, user5 and user6: every account a check uses


def contract_chain(cast: Iterable[tuple[str, str, str, bool, bool]] = CAST, *,
                   accounts: int = ACCOUNTS) -> tuple[Chain, PowerGridClient]:
    """A new eth-tester chain with PowerGeneration deployed and `cast` registered; the caller closes it."""
    chain = connect("tester", accounts=accounts)
    try:
        client = PowerGridClient.deploy(chain)
        for account, name, place, generate, consume in cast:
            client.register_user(account, name, place, can_generate=generate, can_consume=consume)
    except BaseException:
        chain.close()
        raise
    return chain, client


@contextmanager
def fresh_contract(cast: Iterable[tuple[str, str, str, bool, bool]] = CAST, *,
                   accounts: int = ACCOUNTS) -> Iterator[tuple[Chain, PowerGridClient]]:
    """`contract_chain()` for the length of a `with` block: the chain is closed afterwards."""
    chain, client = contract_chain(cast, accounts=accounts)
    try:
        yield chain, client
    finally:
        chain.close()
