"""The user and manager platforms on PowerGridV2: the same dashboards, the fixed contract.

Expected values come from the arithmetic of each step and from getUser,
read with a raw call independently of the widgets.
"""
from __future__ import annotations

import re

import pytest
from platform_support import NothingSent, assert_one_error, fill_register, screen_text, shown, table_rows

from grid.market import MarketClient
from grid.powergrid.cast import CAST
from grid.powergridv2 import PowerGridV2Client, meter_account
from grid.widgets import ManagerDashboard, UserDashboard

pytestmark = pytest.mark.usefixtures("close_dashboards")


@pytest.fixture
def v2(client, chain):
    """A fresh PowerGridV2 (rolled back with `client`'s snapshot)."""
    return PowerGridV2Client.deploy(chain)


def _on_chain(v2, account):
    """getUser's (available, totalGenerated, purchased, totalConsumed, active, meter), by a raw call."""
    _identity, available, generated, purchased, consumed, _, _, active, meter = v2.call("getUser", account)
    return available, generated, purchased, consumed, active, meter


def _register_cast(manager):
    for account, name, place, generate, consume in CAST:
        fill_register(manager, account, name, place, generate, consume)
        manager.register_button.click()
        assert manager.message.kind == "ok", manager.message.text


def test_the_platforms_trade_through_meters_on_v2(v2, chain):
    manager = ManagerDashboard(v2, live=False)
    generator = UserDashboard(v2, "generator1", live=False)
    consumer = UserDashboard(v2, "consumer1", live=False)
    _register_cast(manager)
    assert "Its meter is generator1-meter" not in manager.message.text   # the last one registered
    last_account = list(CAST)[-1].account
    assert f"Its meter is {last_account}-meter" in manager.message.text
    rows = table_rows(manager)
    assert [rows[chain.account(a).address]["name"] for a, *_ in CAST] == [name for _, name, *_ in CAST]
    assert _on_chain(v2, "generator1")[5] == meter_account(chain, "generator1").address

    generator.generate_amount.value = "5.5"            # kWh on the screen; 5,500 Wh on chain
    generator.generate_button.click()
    assert generator.message.kind == "ok" and "generator1-meter recorded 5.5 kWh" in generator.message.text
    generator.sell_buyer.value = "consumer1"
    generator.sell_amount.value = "2"
    generator.sell_button.click()
    assert generator.message.kind == "ok", generator.message.text
    consumer.consume_amount.value = "0.5"
    consumer.consume_button.click()
    assert consumer.message.kind == "ok", consumer.message.text
    assert _on_chain(v2, "generator1")[:2] == (5_500 - 2_000, 5_500)
    assert _on_chain(v2, "consumer1")[2:4] == (2_000 - 500, 500)
    assert shown(generator.generation_display) == "3.5" and shown(consumer.remaining_display) == "1.5"

    # Selling more than was generated is refused in one sentence; nothing is sent.
    generator.sell_amount.value = "3.501"
    with NothingSent(chain, v2):
        generator.sell_button.click()
    assert_one_error(generator.message, "not yet sold", "3.5 kWh (3,500 Wh)", "3.501 kWh (3,501 Wh)")


def test_registering_again_keeps_balances_and_needs_no_confirmation(v2, chain):
    manager = ManagerDashboard(v2, live=False)
    _register_cast(manager)
    user = UserDashboard(v2, "generator1", live=False)
    user.generate_amount.value = "70"
    user.generate_button.click()
    fill_register(manager, "generator1", "PowerProviderOne", "Sundsvall", True, True)
    manager.register_button.click()      # one press: V2 erases nothing
    assert manager.message.kind == "ok" and "balances kept" in manager.message.text
    available, generated, *_ = _on_chain(v2, "generator1")
    assert (available, generated) == (70_000, 70_000)   # 70 kWh typed, in Wh
    assert v2.call("getUser", "generator1")[6] is True        # the new consumption right


def test_revoke_withdraws_rights_and_the_user_platform_follows(v2, chain):
    manager = ManagerDashboard(v2, live=False)
    _register_cast(manager)
    consumer = UserDashboard(v2, "consumer1", live=False)
    generator = UserDashboard(v2, "generator1", live=False)
    manager.register_address.value = "consumer1"
    manager.revoke_button.click()
    assert manager.message.kind == "ok" and "Revoked" in manager.message.text
    assert _on_chain(v2, "consumer1")[4] is False
    consumer.refresh()
    generator.refresh()
    assert consumer.consume_button.disabled and "consumer1" not in generator.sell_buyer.options
    generator.generate_amount.value = "10"
    generator.generate_button.click()
    generator.sell_buyer.value = "consumer1"
    generator.sell_amount.value = "5"
    with NothingSent(chain, v2):
        generator.sell_button.click()
    assert_one_error(generator.message, "consumer1", "revoked")


def test_dispatch_history_keeps_every_instruction(v2, chain):
    manager = ManagerDashboard(v2, live=False)
    _register_cast(manager)
    manager.dispatch_target.value = chain.account("generator2").address
    for text in ("curtail PV to 60 %", "resume"):
        manager.dispatch_text.value = text
        manager.dispatch_button.click()
        assert manager.message.kind == "ok", manager.message.text
    assert [d.instruction for d in v2.dispatches("generator2")] == ["curtail PV to 60 %", "resume"]
    assert table_rows(manager)[chain.account("generator2").address]["dispatch"] == "resume"


def test_the_seed_hides_the_revoke_button_and_refuses_revoke(client):
    manager = ManagerDashboard(client, live=False)
    assert manager.revoke_button.layout.display == "none"
    manager.register_address.value = "consumer1"
    manager.revoke()
    assert_one_error(manager.message, "no revoke", "PowerGridV2")


def test_no_screen_counts_in_units(v2, chain):
    """Energy is kWh and money ETH on every screen, after a whole session of registering and trading."""
    market = MarketClient.deploy(chain, v2.address)
    manager = ManagerDashboard(v2, live=False, market=market)
    _register_cast(manager)
    generator = UserDashboard(v2, "generator1", live=False, market=market)
    consumer = UserDashboard(v2, "consumer1", live=False, market=market)
    generator.generate_amount.value = "5"
    generator.generate_button.click()
    generator.sell_buyer.value = "consumer1"
    generator.sell_amount.value = "2"
    generator.sell_button.click()
    consumer.consume_amount.value = "1"
    consumer.consume_button.click()
    manager.refresh()
    for dashboard in (manager, generator, consumer):
        text = screen_text(dashboard.widget)
        assert "kWh" in text, text
        assert not re.search(r"\bunits?\b", text, re.IGNORECASE), re.findall(r".{40}\bunits?\b.{40}", text)


def test_forms_empty_after_success_keep_a_mistake_and_speak_beside_their_button(v2, chain):
    manager = ManagerDashboard(v2, live=False)
    fill_register(manager, "consumer1", "PowerUserOne", "Sundsvall", False, True)
    manager.register_name.value = "   "                       # a mistake: kept for correcting
    manager.register_button.click()
    assert manager.message.kind == "error" and manager.message.widget in manager.register_spot.children
    assert (manager.register_address.value, manager.register_consume.value) == ("consumer1", True)
    manager.register_name.value = "PowerUserOne"
    manager.register_button.click()
    assert manager.message.kind == "ok", manager.message.text
    # The next registration starts from an empty form: no tick is carried over to another user.
    assert [manager.register_address.value, manager.register_name.value, manager.register_location.value,
            manager.register_generate.value, manager.register_consume.value] == ["", "", "", False, False]
    manager.dispatch_target.value = chain.account("consumer1").address
    manager.dispatch_text.value = "stop"
    manager.dispatch_button.click()
    assert manager.message.kind == "ok" and manager.dispatch_text.value == ""
    assert manager.message.widget in manager.dispatch_spot.children
    assert manager.message.widget not in manager.register_spot.children       # shown once, beside its form

    fill_register(manager, "generator1", "PowerProviderOne", "Sundsvall", True, False)
    manager.register_button.click()
    generator = UserDashboard(v2, "generator1", live=False)
    generator.generate_amount.value = "5"
    generator.generate_button.click()
    assert generator.message.widget in generator.generate_spot.children
    assert generator.generate_amount.value == ""
    generator.sell_buyer.value = "consumer1"
    generator.sell_amount.value = "9"                          # more than generated: refused, kept
    generator.sell_button.click()
    assert generator.message.kind == "error" and generator.message.widget in generator.sell_spot.children
    assert generator.sell_amount.value == "9"
    generator.sell_amount.value = "2"
    generator.sell_button.click()
    assert generator.message.kind == "ok" and generator.sell_amount.value == ""
    assert generator.sell_buyer.value == "consumer1"           # who it sells to is not part of the entry
