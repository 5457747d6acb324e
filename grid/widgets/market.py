"""The market panel: place bids and asks as any prosumer, watch the book, clear and settle a slot.

    from grid.widgets import MarketDashboard
    panel = MarketDashboard(market)               # market = grid.market.MarketClient
    panel.account.value = "consumer1"; panel.side.value = "bid"
    panel.kwh.value = "1.5"; panel.price.value = "0.0002"; panel.place_button.click()

Amounts are typed in kWh and prices in ETH/kWh; the contract counts Wh and
wei/Wh. Every refusal is one sentence on the message line, and nothing is sent.
The user and manager platforms show it as a section when given `market=`:
`UserDashboard(registry, "generator1", market=market)` (role "user": orders,
credit, withdraw) and `ManagerDashboard(registry, market=market)` (role
"operator": the book, clearing, settlement).

CSS classes:
    gc-market                 the whole widget
    gc-market-account         Dropdown: who places the order
    gc-market-side            ToggleButtons: bid or ask
    gc-market-kwh, gc-market-price   Text: energy (kWh), price (ETH/kWh)
    gc-market-place           Button: place the order in the open slot
    gc-market-slot            the slot taking orders, and when its gate closes
    gc-market-book            HTML: the book, one <tr class="gc-market-order"> per order
    gc-market-clear           Button: close the gate and clear the slot (travels the chain's clock)
    gc-market-result          the last clearing: price, volume, fills (read from the chain's Cleared events)
    gc-market-chart           HTML: the last clearing's supply and demand chart (inline SVG)
    gc-market-settle          Button: the sellers' meters report what they sold, then the slot settles
    gc-market-credit          what the picked account may withdraw
    gc-market-withdraw        Button: withdraw the picked account's credit
    gc-market-message         the message line
"""
from __future__ import annotations

import html
from datetime import UTC, datetime

import ipywidgets as widgets

from ..energy import kwh_text, parse_kwh
from ..errors import GridError
from ..market import MarketClient, OrderBook, SlotResult, eth_per_kwh_to_wei_per_wh, eth_text, price_text
from .common import (
    DEFAULT_REFRESH_S,
    LiveWidget,
    MessageLine,
    action_button,
    close_tree,
    text_box,
    value_display,
)


def _price(text: str) -> int:
    """A typed ETH/kWh price as the contract's whole wei per Wh."""
    try:
        value = float(str(text).replace(",", ".").strip())
    except ValueError:
        raise GridError(f"the price must be a number of ETH/kWh, e.g. 0.0002, not {text!r}",
                        kind="input") from None
    if not value > 0 or value != value or value == float("inf"):
        raise GridError(f"the price must be above 0 ETH/kWh, not {text!r}", kind="input")
    price = eth_per_kwh_to_wei_per_wh(value)
    if price < 1:
        raise GridError("the price rounds to 0 wei/Wh: give at least 0.000000000000001 ETH/kWh", kind="input")
    return price


class MarketDashboard(LiveWidget):
    """Place orders for the open slot as any prosumer; see the book; clear a slot and read its result."""

    def __init__(self, market: MarketClient, *, account: str | None = None, role: str = "all",
                 live: bool = True, refresh_interval: float = DEFAULT_REFRESH_S) -> None:
        """A panel on `market`, acting as the picked account (only `account`, when given).

        `role` "all" shows everything (the lesson's panel); "user" only orders, credit and
        withdraw (the user platform's section); "operator" only the book, clearing and
        settlement (the manager platform's section).
        """
        if role not in ("all", "user", "operator"):
            raise GridError(f"role is all, user or operator, not {role!r}", kind="input")
        self.client = market
        self.chain = market.chain
        self.slot = market.next_open_slot()
        self.book: OrderBook | None = None
        self.result: SlotResult | None = None
        names = list(self.chain.accounts.names)
        first = market.chain.account(account).name if account else names[min(3, len(names) - 1)]
        # A fixed account is the only option: a disabled widget can still be set from the page,
        # but a Dropdown refuses a value outside its options.
        self.account = widgets.Dropdown(options=[first] if account else names, value=first, description="As",
                                        disabled=bool(account))
        self.account.add_class("gc-market-account")
        self.side = widgets.ToggleButtons(options=[("bid (buy)", "bid"), ("ask (sell)", "ask")], value="bid")
        self.side.add_class("gc-market-side")
        self.kwh = text_box("gc-market-kwh", "energy, e.g. 1.5", "kWh")
        self.price = text_box("gc-market-price", "price, e.g. 0.0002", "ETH/kWh")
        self.place_button = action_button("Place order", "gc-market-place")
        self.clear_button = action_button("Close the gate and clear", "gc-market-clear", style="warning")
        self.slot_display = value_display("gc-market-slot")
        self.book_display = widgets.HTML()
        self.book_display.add_class("gc-market-book")
        self.result_display = value_display("gc-market-result")
        self.chart = widgets.HTML()
        self.chart.add_class("gc-market-chart")
        self._scanned_to = -1          # the last block searched for Cleared events
        self._charted: SlotResult | None = None
        self.settle_button = action_button("Meters report, then settle", "gc-market-settle", style="")
        self.credit_display = value_display("gc-market-credit")
        self.withdraw_button = action_button("Withdraw", "gc-market-withdraw", style="success")
        self.message = MessageLine("gc-market-message")
        self.status_spot, self.orders_spot, self.operate_spot, self.wallet_spot = (
            self.message.spot() for _ in range(4))
        self.place_button.on_click(lambda _: self.place())
        self.clear_button.on_click(lambda _: self.clear())
        self.settle_button.on_click(lambda _: self.settle())
        self.withdraw_button.on_click(lambda _: self.withdraw())
        self.account.observe(lambda _: self.refresh(), names="value")
        orders = widgets.VBox([widgets.HBox([self.account, self.side]),
                               widgets.HBox([self.kwh, self.price, self.place_button]), self.orders_spot])
        operate = widgets.VBox([widgets.HBox([self.clear_button, self.settle_button]), self.operate_spot])
        wallet = widgets.VBox([widgets.HBox([self.credit_display, self.withdraw_button]), self.wallet_spot])
        parts = {"all": [orders, self.book_display, operate, self.result_display, wallet],
                 "user": [orders, self.book_display, wallet, self.result_display, self.chart],
                 "operator": [self.book_display, operate, self.result_display, self.chart]}[role]
        # A part the role does not show is closed, not hidden: a page can send a click to any live
        # widget, and a user's panel must not clear the market or report for other people's meters.
        for part in (orders, operate, wallet, self.chart):
            if part not in parts:
                close_tree(part)
        self.widget = widgets.VBox([
            widgets.HTML("<h3>Market</h3>" if role == "all" else "<b>Energy market</b>"), self.slot_display,
            self.status_spot, *parts],
            layout=widgets.Layout(border="1px solid #ccc", padding="8px"))
        self.widget.add_class("gc-market")
        self._start_live(live, refresh_interval)

    # ------------------------------------------------------------ actions
    def place(self) -> int | None:
        """Place the form's order in the open slot; its id, or None (the reason is on the message line)."""
        def act() -> tuple[int, int, int]:
            wh = parse_kwh(self.kwh.value, "the energy")
            price = _price(self.price.value)
            place = self.client.place_bid if self.side.value == "bid" else self.client.place_ask
            return place(self.slot, wh, price, sender=self.account.value), wh, price

        def said(r: tuple[int, int, int]) -> str:
            order_id, wh, price = r
            return (f"{self.account.value}'s {self.side.value} #{order_id}: {kwh_text(wh)} at "
                    f"{price_text(price)} in slot {self.slot}.")

        result = self.message.run(act, said, beside=self.orders_spot, reset=(self.kwh, self.price))
        return result[0] if result else None

    def clear(self) -> SlotResult | None:
        """Move the chain's clock past the open slot's gate, clear it, and open the next slot."""
        def act() -> SlotResult:
            slot = self.slot   # a refresh during the clearing moves self.slot on
            self.client.travel_past_gate(slot)
            self.client.clear(slot)
            result = self.client.result(slot)
            self.result = result
            self.slot = self.client.next_open_slot()
            return result

        return self.message.run(act, lambda r: f"Slot {r.slot} cleared: {_result_text(r)}.",
                                beside=self.operate_spot)

    def settle(self) -> SlotResult | None:
        """Settle the last cleared slot: each seller's meter reports what it sold, then settle() pays."""
        def act() -> SlotResult:
            if self.result is None:
                raise GridError("no slot has been cleared here yet: place orders and clear a slot first",
                                kind="input")
            slot = self.result.slot
            self.client.travel_to_slot_end(slot)
            sold: dict[str, int] = {}
            for fill in self.result.fills:
                seller = self.client.order(fill.ask_id).owner
                sold[seller] = sold.get(seller, 0) + fill.wh
            for seller, wh in sold.items():
                if not self.client.call("readingOf", seller, slot)[0]:
                    self.client.report(seller, slot, exported_wh=wh, imported_wh=0)
            self.client.travel_to_settlement(slot)
            self.client.settle(slot)
            self.result = self.client.result(slot)
            return self.result

        return self.message.run(act, lambda r: f"Slot {r.slot} settled: {len(r.payments)} payment(s), "
                                f"{eth_text(sum(w for *_, w in r.payments))} to the sellers.",
                                beside=self.operate_spot)

    def act_as(self, account: str) -> None:
        """Act as `account` from now on (the platform that holds this panel switched user)."""
        name = self.chain.account(account).name
        if self.account.disabled:
            self.account.options = [name]
        self.account.value = name

    def withdraw(self) -> int | None:
        """Pay the picked account its credit; the wei paid."""
        def act() -> int:
            amount = self.client.credit(self.account.value)
            self.client.withdraw(sender=self.account.value)
            return amount
        return self.message.run(act, lambda wei: f"{self.account.value} withdrew {eth_text(wei)}.",
                                beside=self.wallet_spot)

    # ------------------------------------------------------------ refresh
    def _read_and_draw(self) -> None:
        if self.client.gate_closure(self.slot) <= self.chain.timestamp():
            self.slot = self.client.next_open_slot()
        self._read_last_clearing()
        self.book = self.client.order_book(self.slot)
        closes = datetime.fromtimestamp(self.client.gate_closure(self.slot), UTC).strftime("%H:%M:%S UTC")
        self.slot_display.value = html.escape(f"Orders go to slot {self.slot}; its gate closes at {closes}.")
        self.book_display.value = book_html(self.book, self.chain)
        self.result_display.value = html.escape(f"Last clearing: slot {self.result.slot}, "
                                                f"{_result_text(self.result)}") if self.result else ""
        credit = self.client.credit(self.account.value)
        self.credit_display.value = html.escape(f"{self.account.value} may withdraw {eth_text(credit)}")
        self.withdraw_button.disabled = credit == 0
        self._draw_chart()

    def _read_last_clearing(self) -> None:
        """Pick up a clearing made anywhere (another page, another person) since the last look."""
        head = self.chain.block_number
        if head <= self._scanned_to:
            return
        cleared = self.client.events("Cleared", self._scanned_to + 1, head)
        self._scanned_to = head
        if cleared:
            slot = int(cleared[-1].args["slot"])
            if self.result is None or slot >= self.result.slot:
                self.result = self.client.result(slot)

    def _draw_chart(self) -> None:
        if self.result is None or self.result == self._charted or self.chart not in self.widget.children:
            return
        from ..market.charts import book_figure, figure_svg  # noqa: PLC0415 - matplotlib loads on the first clearing

        fig = book_figure(self.client.order_book(self.result.slot), self.result,
                          title=f"Slot {self.result.slot}: supply, demand and the clearing price")
        fig.set_size_inches(6.4, 3.4)
        self.chart.value = f'<div style="max-width:100%;overflow-x:auto">{figure_svg(fig)}</div>'
        self._charted = self.result

    def summary(self) -> str:
        """A plain-text view of the panel."""
        lines = [f"Market · slot {self.slot} taking orders"]
        for order in (self.book.bids + self.book.asks) if self.book else ():
            lines.append(f"  #{order.order_id} {order.side} {_name(self.chain, order.owner)} "
                         f"{kwh_text(order.wh)} at {price_text(order.price)}")
        if self.result:
            lines.append(f"  last clearing: slot {self.result.slot}, {_result_text(self.result)}")
        if self.message.text:
            lines.append(f"  message: {self.message.text}")
        return "\n".join(lines)


def _name(chain, address: str) -> str:
    return chain.account(address).name if address in chain.accounts else address


def _result_text(result: SlotResult) -> str:
    if not result.volume:
        return "no trade (no bid reached an ask)"
    return (f"{kwh_text(result.volume)} at {price_text(result.price)}, in {len(result.fills)} "
            f"fill(s)")


def book_html(book: OrderBook, chain) -> str:
    """The book as a table: bids best first, then asks best first."""
    rows = "".join(
        f"<tr class='gc-market-order'><td>#{o.order_id}</td><td>{o.side}</td>"
        f"<td>{html.escape(_name(chain, o.owner))}</td><td>{kwh_text(o.wh)}</td>"
        f"<td>{html.escape(price_text(o.price))}</td></tr>"
        for o in book.bids + book.asks) or "<tr><td colspan='5'><i>No orders yet.</i></td></tr>"
    return ("<table><thead><tr><th>order</th><th>side</th><th>who</th><th>energy</th><th>price</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>")


def market_section(host: LiveWidget, market: MarketClient | None, account: str, role: str, *, live: bool,
                   refresh_interval: float) -> MarketDashboard | None:
    """A platform's market section: a panel for `account` in `role`, shown under `host` and closed with it."""
    if market is None:
        return None
    panel = MarketDashboard(market, account=account, role=role, live=live, refresh_interval=refresh_interval)
    host.widget.children = (*host.widget.children, panel.widget)
    host.parts.append(panel)
    return panel

