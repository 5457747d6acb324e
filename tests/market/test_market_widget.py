"""The market panel: orders in kWh and ETH/kWh reach the chain in Wh and wei/Wh; bad input sends nothing."""
from __future__ import annotations

import pytest
from platform_support import NothingSent, assert_one_error

from grid.powergridv2 import PowerGridV2Client
from grid.widgets import ManagerDashboard, MarketDashboard, UserDashboard

pytestmark = pytest.mark.usefixtures("close_dashboards")


def _order(panel, account, side, kwh, price):
    panel.account.value, panel.side.value, panel.kwh.value, panel.price.value = account, side, kwh, price
    return panel.place()


def test_orders_in_kwh_clear_into_the_result(market):
    panel = MarketDashboard(market, live=False)
    slot = panel.slot
    ask = _order(panel, "generator1", "ask", "2", "0.0001")        # 2,000 Wh at 10**11 wei/Wh
    bid = _order(panel, "consumer1", "bid", "1.5", "0.0003")        # 1,500 Wh at 3 * 10**11
    assert market.order(ask).wh == 2_000 and market.order(ask).price == 10**11
    assert market.order(bid).wh == 1_500 and market.order(bid).price == 3 * 10**11
    assert market.chain.balance(market.address) == 1_500 * 3 * 10**11    # the escrow
    assert "#2" in panel.book_display.value and "1.5 kWh" in panel.book_display.value
    result = panel.clear()
    assert (result.slot, result.volume, result.price) == (slot, 1_500, (3 * 10**11 + 10**11) // 2)
    assert panel.slot > slot and "1.5 kWh at 0.0002 ETH/kWh" in panel.message.text


@pytest.mark.parametrize("kwh, price, words", [
    ("-1", "0.0002", "cannot be negative"), ("lots", "0.0002", "must be an amount in kWh"),
    ("1", "0", "above 0"), ("0.0001", "0.0002", "finer than the contract counts"), ("1", "nan", "above 0"),
    ("1", "1e-19", "rounds to 0 wei/Wh"), ("0", "0.0002", "above 0 kWh"),
])
def test_bad_input_is_one_sentence_and_sends_nothing(market, kwh, price, words):
    panel = MarketDashboard(market, live=False)
    with NothingSent(market.chain, market):
        assert _order(panel, "consumer1", "bid", kwh, price) is None
    assert_one_error(panel.message, words)


def test_a_generator_cannot_bid(market):
    panel = MarketDashboard(market, live=False)
    with NothingSent(market.chain, market):
        _order(panel, "generator1", "bid", "1", "0.0002")
    assert_one_error(panel.message, "not an active consumer")


def test_settle_pays_the_seller_and_withdraw_empties_the_credit(market):
    panel = MarketDashboard(market, live=False)
    _order(panel, "generator1", "ask", "1", "0.0001")
    _order(panel, "consumer1", "bid", "1", "0.0003")
    panel.clear()
    result = panel.settle()
    price = (3 * 10**11 + 10**11) // 2
    assert result.settled and result.payments[0][2] == 1_000 * price     # delivered in full
    panel.account.value = "generator1"
    assert "generator1 may withdraw 0.0002 ETH" in panel.credit_display.value
    before = market.chain.balance("generator1")
    panel.withdraw()
    assert panel.message.kind == "ok" and market.credit("generator1") == 0
    assert market.chain.balance("generator1") > before
    panel.withdraw()                                                       # nothing left: one sentence
    assert_one_error(panel.message, "no credit to withdraw")


def test_the_user_and_manager_platforms_trade_on_the_market(market):
    registry = PowerGridV2Client(market.chain, market.call("registry"))
    manager = ManagerDashboard(registry, live=False, market=market)
    seller = UserDashboard(registry, "generator1", live=False, market=market)
    buyer = UserDashboard(registry, "consumer1", live=False, market=market)
    assert seller.market_panel.account.disabled and seller.market_panel.account.value == "generator1"
    assert seller.market_panel.widget in seller.widget.children
    _order(seller.market_panel, "generator1", "ask", "1", "0.0001")
    _order(buyer.market_panel, "consumer1", "bid", "0.4", "0.0003")
    result = manager.market_panel.clear()
    assert (result.volume, result.price) == (400, 2 * 10**11)
    manager.market_panel.settle()
    seller.market_panel.refresh()
    assert "generator1 may withdraw 8e-05 ETH" in seller.market_panel.credit_display.value   # 400 Wh x 2e11
    buyer.select("consumer2")
    assert buyer.market_panel.account.value == "consumer2"
    for dashboard in (manager, seller, buyer):
        dashboard.close()
    assert not seller.market_panel.watcher.running


def test_a_role_has_no_live_widget_of_another_role(market):
    # A hidden widget could still be clicked from the page; a part a role does not show is closed.
    user = MarketDashboard(market, account="consumer1", role="user", live=False)
    assert user.clear_button.comm is None and user.settle_button.comm is None
    assert user.place_button.comm is not None and user.withdraw_button.comm is not None
    operator = MarketDashboard(market, account="admin", role="operator", live=False)
    assert operator.place_button.comm is None and operator.kwh.comm is None
    assert operator.clear_button.comm is not None
    operator.refresh()                     # a closed part is still safe to update
    for panel in (user, operator):
        panel.close()


def test_an_order_empties_the_form_and_a_refusal_keeps_it_beside_the_button(market):
    panel = MarketDashboard(market, live=False)
    assert _order(panel, "generator1", "bid", "1", "0.0002") is None
    assert (panel.kwh.value, panel.price.value) == ("1", "0.0002")
    assert panel.message.widget in panel.orders_spot.children
    assert _order(panel, "consumer1", "bid", "1", "0.0002") is not None
    assert (panel.kwh.value, panel.price.value) == ("", "") and panel.message.kind == "ok"
    panel.clear()
    assert panel.message.widget in panel.operate_spot.children
    assert panel.message.widget not in panel.orders_spot.children
