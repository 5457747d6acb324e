"""UserDirectory: the manager's "all users", found by scanning the chain for empower transactions.

Runs on eth-tester and anvil (conftest's `chain`/`client` fixtures, with
snapshot rollback). Expected values come from the thesis's cast
(grid.powergrid.cast.CAST, from data/thesis_cast.json) and the scenario
arithmetic of section 5.2.2, never from the directory itself.
"""
from __future__ import annotations

import pytest

from grid.chain import connect
from grid.errors import GridError
from grid.powergrid import PowerGridClient
from grid.powergrid.cast import CAST
from grid.registry import Registration, UserDirectory, UserRow, rights_text


def _address(chain, name):
    return chain.account(name).address


def test_finds_the_thesis_cast_in_registration_order(client, chain):
    directory = UserDirectory(client)
    found = directory.scan()
    assert found == [_address(chain, account) for account, *_ in CAST]
    rows = directory.users()
    assert all(isinstance(row, UserRow) for row in rows)
    for row, (account, name, place, generate, consume) in zip(rows, CAST, strict=True):
        assert (row.account, row.name, row.location, row.can_generate, row.can_consume) == \
            (account, name, place, generate, consume)
        assert (row.generation_balance, row.total_generation, row.remaining, row.total_use, row.dispatch) \
            == (0, 0, 0, 0, "")
        assert row.label == account
    assert [r.rights for r in rows] == ["generator", "generator", "consumer", "consumer"]
    assert all(isinstance(r, Registration) and r.tx_hash.startswith("0x") for r in directory.registrations)


def test_scan_is_incremental(client, chain):
    directory = UserDirectory(client)
    directory.scan()
    assert directory.last_scanned == chain.block_number
    assert directory.scan() == []                      # nothing new: nothing found
    chain.mine(3)                                      # empty blocks: still nothing
    assert directory.scan() == [] and directory.last_scanned == chain.block_number
    client.register_user("user5", "PowerUserFive", "Härnösand", can_generate=False, can_consume=True)
    scanned_from = directory.last_scanned + 1
    assert directory.scan() == [_address(chain, "user5")]
    assert directory.registrations[-1].block_number == scanned_from == chain.block_number
    assert len(directory.addresses) == len(CAST) + 1


def test_reading_scans_only_new_blocks(client, chain, monkeypatch):
    directory = UserDirectory(client)
    directory.scan()
    read: list[int] = []
    original = chain.w3.eth.get_block

    def counting(number, full_transactions=False):
        if full_transactions:
            read.append(number)
        return original(number, full_transactions)

    monkeypatch.setattr(chain.w3.eth, "get_block", counting)
    chain.mine(2)
    directory.scan()
    assert read == [chain.block_number - 1, chain.block_number]


def test_re_registration_keeps_one_row_with_the_new_data(client, chain):
    directory = UserDirectory(client)
    client.sell_power("consumer1", 100, sender="generator1")
    client.register_user("consumer1", "PowerUserOneRenamed", "Umeå", can_generate=True, can_consume=True,
                         reset=True)
    rows = directory.users()
    assert [row.account for row in rows] == [account for account, *_ in CAST]   # first-seen order
    consumer1 = rows[2]
    assert (consumer1.name, consumer1.location, consumer1.rights) == \
        ("PowerUserOneRenamed", "Umeå", "generator and consumer")
    assert consumer1.remaining == 0            # empower resets the balances (the seed's behaviour)
    assert consumer1.registered_in_block == chain.block_number


def test_a_reverted_empower_registers_nobody(client, chain):
    # No preflight: the transaction is really sent by a non-administrator, and reverts on chain.
    raw = PowerGridClient(chain, client.address, account="consumer1", preflight=False)
    with pytest.raises(GridError):
        raw.register_user("user6", "Intruder", "Nowhere", can_generate=True, can_consume=True)
    directory = UserDirectory(client)
    assert _address(chain, "user6") not in directory.registered_addresses()
    assert len(directory.addresses) == len(CAST)


def test_balances_follow_the_thesis_scenario(client, chain):
    # Section 5.2.2: sell 100 before generating (-100), generate 10 (-90), consume 30 of the 100.
    client.sell_power("consumer1", 100, sender="generator1")
    client.generate_power(10, sender="generator1")
    client.consume_power(30, sender="consumer1")
    client.send_dispatch("consumer1", "stop")
    rows = {row.account: row for row in UserDirectory(client).users()}
    g1, c1 = rows["generator1"], rows["consumer1"]
    assert (g1.generation_balance, g1.total_generation, g1.remaining, g1.total_use, g1.dispatch) == \
        (100 * -1 + 10, 10, 0, 0, "")
    assert (c1.generation_balance, c1.total_generation, c1.remaining, c1.total_use, c1.dispatch) == \
        (0, 0, 100 - 30, 30, "stop")


def test_totals_come_from_the_getters_as_administrator(client, chain):
    client.generate_power(7, sender="generator2")
    directory = UserDirectory(client)
    row = directory.user("generator2")
    assert row.total_generation == 7
    reader = directory._admin_reader()
    assert reader is not client and reader.log is not client.log   # its reads stay out of the shared log
    before = len(client.log)
    directory.users()
    assert len(client.log) == before


def test_an_unregistered_address_reads_as_empty(client, chain):
    row = UserDirectory(client).user("user7")
    assert (row.name, row.rights, row.registered_in_block) == ("", "none", -1)


def test_a_rewound_chain_is_scanned_again(client, chain):
    directory = UserDirectory(client)
    snap = chain.snapshot()
    client.register_user("user5", "Temporary", "Sundsvall", can_generate=True, can_consume=False)
    assert _address(chain, "user5") in directory.registered_addresses()
    chain.revert(snap)
    chain.mine(2)   # the chain grows past where it was: only the changed hash tells
    assert _address(chain, "user5") not in directory.registered_addresses()
    assert len(directory.addresses) == len(CAST)


def test_start_block_skips_older_blocks(client, chain):
    start = chain.block_number + 1
    client.register_user("user5", "Late", "Sundsvall", can_generate=False, can_consume=True)
    assert UserDirectory(client, start_block=start).registered_addresses() == [_address(chain, "user5")]


def test_rights_text():
    assert [rights_text(g, c) for g, c in [(True, True), (True, False), (False, True), (False, False)]] == \
        ["generator and consumer", "generator", "consumer", "none"]


def test_a_closed_tester_chain_is_a_grid_error():
    own = connect("tester")
    client = PowerGridClient.deploy(own)
    directory = UserDirectory(client)
    own.close()
    with pytest.raises(GridError) as caught:
        directory.users()
    assert caught.value.kind == "node"


@pytest.mark.anvil
def test_a_stopped_node_is_one_grid_error():
    with connect("anvil") as own:
        client = PowerGridClient.deploy(own)
        for account, name, place, generate, consume in CAST[:2]:
            client.register_user(account, name, place, can_generate=generate, can_consume=consume)
        directory = UserDirectory(client)
        directory.scan()
        own.mine(1)
        own.process.stop()
        for read in (directory.scan, directory.users, lambda: directory.registrations_in_block(1)):
            with pytest.raises(GridError) as caught:
                read()
            assert caught.value.kind == "node"
            assert "cannot reach the Ethereum node" in caught.value.message


def test_transactions_in_block_are_what_any_observer_reads(client, chain):
    client.sell_power("consumer1", 3, sender="generator1")
    (tx,) = UserDirectory(client).transactions_in_block(chain.block_number)
    assert (tx.sender, tx.to, tx.status, tx.block_number) == \
        (_address(chain, "generator1"), client.address, 1, chain.block_number)
    spec, args = client.decode_input(tx.input)
    assert spec.name == "Transfer"
    assert args == {"address _to": _address(chain, "consumer1"), "uint256 _value": 3}
