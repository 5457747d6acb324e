"""The user and manager platforms refuse bad input with one sentence and send nothing.

Driven through their Python API on eth-tester and anvil; what "nothing sent"
means is read from the chain (block number, balances), never from the widget.
"""
from __future__ import annotations

import pytest
from platform_support import NOT_ADMIN, NothingSent, assert_one_error, fill_register, table_rows

from grid.chain import node_down
from grid.powergrid.cast import CAST
from grid.widgets import ManagerDashboard, UserDashboard

pytestmark = pytest.mark.usefixtures("close_dashboards")


# ------------------------------------------------------------ bad inputs
BAD_AMOUNTS = [
    ("-5", "negative"),
    ("0", "above 0"),
    (str(2**256), "too large"),
    ("abc", "amount in kWh"),
    ("", "missing"),
    ("1.2345", "three decimals"),      # finer than 1 Wh: refused, never rounded
    ("0.0004", "finer than the contract counts"),
    ("1e3", "amount in kWh"),
]


@pytest.mark.parametrize("text, says", BAD_AMOUNTS)
def test_bad_amounts_send_nothing(client, chain, text, says):
    generator = UserDashboard(client, "generator1", live=False)
    consumer = UserDashboard(client, "consumer1", live=False)
    generator.sell_buyer.value = "consumer1"
    for dash, box, button in ((generator, generator.generate_amount, generator.generate_button),
                              (generator, generator.sell_amount, generator.sell_button),
                              (consumer, consumer.consume_amount, consumer.consume_button)):
        box.value = text
        with NothingSent(chain, client):
            button.click()
        assert_one_error(dash.message, says)


def test_an_amount_beyond_int256_is_refused_for_generation(client, chain):
    generator = UserDashboard(client, "generator1", live=False)
    generator.generate_amount.value = str(2**255)
    with NothingSent(chain, client):
        generator.generate_button.click()
    assert_one_error(generator.message, "int256")


def test_consuming_more_than_bought_sends_nothing(client, chain):
    client.sell_power("consumer1", 5_000, sender="generator1")   # 5 kWh, in Wh
    consumer = UserDashboard(client, "consumer1", live=False)
    consumer.consume_amount.value = "5.001"
    with NothingSent(chain, client):
        consumer.consume_button.click()
    assert_one_error(consumer.message, "only 5 kWh (5,000 Wh)")


@pytest.mark.parametrize("typed, wh", [("0.5", 500), ("2,25", 2_250), ("0.001", 1), ("12", 12_000)])
def test_typed_kwh_reach_the_chain_as_exact_wh(client, chain, typed, wh):
    generator = UserDashboard(client, "generator1", live=False)
    generator.sell_buyer.value = "consumer1"
    generator.sell_amount.value = typed
    generator.sell_button.click()
    assert generator.message.kind == "ok", generator.message.text
    assert client.remaining_power(sender="consumer1") == wh          # read from the chain
    assert generator.message.text.startswith(f"generator1 sold {typed.replace(',', '.')} kWh to consumer1")


def _wrong_checksum(address: str) -> str:
    body = address[2:]
    i = next(i for i, ch in enumerate(body) if ch.isalpha())
    return "0x" + body[:i] + body[i].swapcase() + body[i + 1:]


@pytest.mark.parametrize("buyer, says", [
    ("0x1234", "not an address"),
    ("wrong-checksum", "checksum"),
    ("", "missing"),
    ("nobody", "unknown account"),
    ("generator2", "no consumption right"),
])
def test_bad_buyers_send_nothing(client, chain, buyer, says):
    if buyer == "wrong-checksum":
        buyer = _wrong_checksum(chain.account("consumer1").address)
    generator = UserDashboard(client, "generator1", live=False)
    generator.sell_buyer.value = buyer
    generator.sell_amount.value = "10"
    with NothingSent(chain, client):
        generator.sell_button.click()
    assert_one_error(generator.message, says)


@pytest.mark.parametrize("who, button, says", [
    ("consumer1", "generate_button",
     "consumer1 has no generation right: ask the manager to register it as a generator"),
    ("consumer1", "sell_button", "consumer1 has no generation right"),
    ("generator1", "consume_button", "generator1 has no consumption right: ask the manager"),
    ("user5", "generate_button", "user5 is not registered yet"),
    ("user5", "consume_button", "user5 is not registered yet"),
])
def test_missing_rights_send_nothing_even_when_clicked_through_the_api(client, chain, who, button, says):
    dash = UserDashboard(client, who, live=False)
    dash.generate_amount.value = dash.sell_amount.value = dash.consume_amount.value = "10"
    dash.sell_buyer.value = "consumer1"
    assert getattr(dash, button).disabled
    with NothingSent(chain, client):
        getattr(dash, button).click()
    assert_one_error(dash.message, says)


def test_a_non_admin_manager_is_disabled_and_sends_nothing(client, chain):
    manager = ManagerDashboard(client.using(NOT_ADMIN), live=False)
    assert not manager.is_admin
    assert "consumer1 is not the administrator (admin is)" in manager.status
    assert all(c.disabled for c in (manager.register_button, manager.register_address,
                                    manager.dispatch_button, manager.dispatch_text, manager.dispatch_target))
    assert len(table_rows(manager)) == len(CAST)    # the query interface still reads: storage is public
    fill_register(manager, "user5", "X", "Y", True, True)
    manager.dispatch_text.value = "stop"
    for button in (manager.register_button, manager.dispatch_button):
        with NothingSent(chain, client):
            button.click()
        assert_one_error(manager.message, "not the administrator")


@pytest.mark.parametrize("address, name, location, says", [
    ("0x12", "N", "L", "not an address"),
    ("wrong-checksum", "N", "L", "checksum"),
    ("", "N", "L", "missing"),
    ("somebody", "N", "L", "unknown account"),
    ("user5", "", "L", "the name is empty"),
    ("user5", "N", "   ", "the location is empty"),
    ("user5", "N" * 1100, "L", "too long"),
])
def test_bad_registrations_send_nothing(client, chain, address, name, location, says):
    if address == "wrong-checksum":
        address = _wrong_checksum(chain.account("user5").address)
    manager = ManagerDashboard(client, live=False)
    fill_register(manager, address, name, location, True, False)
    with NothingSent(chain, client):
        manager.register_button.click()
    assert_one_error(manager.message, says)


def test_bad_dispatches_send_nothing(fresh, client, chain):
    manager = ManagerDashboard(client, live=False)
    manager.dispatch_text.value = "  "
    with NothingSent(chain, client):
        manager.dispatch_button.click()
    assert_one_error(manager.message, "empty")
    empty = ManagerDashboard(fresh, live=False)
    empty.dispatch_text.value = "stop"
    with NothingSent(chain, fresh):
        empty.dispatch_button.click()
    assert_one_error(empty.message, "no registered users")


def test_a_node_failing_mid_dispatch_says_who_got_it(client, chain, monkeypatch):
    manager = ManagerDashboard(client, live=False)
    real = client.send_dispatch
    calls = []

    def flaky(user, text, **kwargs):
        calls.append(user)
        if len(calls) == 3:
            raise node_down("http://127.0.0.1:8545")
        return real(user, text, **kwargs)

    monkeypatch.setattr(client, "send_dispatch", flaky)
    manager.dispatch_text.value = "stop"
    manager.dispatch_button.click()
    assert_one_error(manager.message, "only 2 of 4 users got the instruction (generator1, generator2)",
                     "not sent to consumer1, consumer2", "cannot reach the Ethereum node")
    got = [client.user_record(a).dispatch for a, *_ in CAST]
    assert got == ["stop", "stop", "", ""]

