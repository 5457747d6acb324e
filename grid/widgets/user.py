"""The thesis's user platform (chapter 5): one account's balances and dispatch, and its actions.

    from grid.widgets import UserDashboard
    user = UserDashboard(client, "generator1")          # acts as the picked account
    user.sell_amount.value = "100"; user.sell_buyer.value = "consumer1"; user.sell_button.click()
    print(user.summary())

It refreshes itself and reports problems as every `LiveWidget` does (see
grid.widgets.common): bad input, a missing right, a revert or a stopped node
shows one sentence and sends nothing.

Energy is typed and shown in kWh (the contract counts whole Wh, so up to three
decimals are exact). CSS classes (the contract with the browser test; each value
display's text is the bare value, e.g. "-90" for -90 kWh, "stop", "generator"):

UserDashboard
    gc-user                       the whole widget
    gc-user-account               Dropdown: the named account acting (labels are account names)
    gc-user-name                  the registered name, or "not registered yet"
    gc-user-location              the registered location ("" when not registered)
    gc-user-rights                "generator", "consumer", "generator and consumer" or "none"
    gc-user-status                one line: "registered" or "not registered yet: ask the manager ..."
    gc-user-generation            current generation balance in kWh (GetGeneration; negative = still owed)
    gc-user-total-generation      total generation in kWh (GetTotalGeneration of itself)
    gc-user-remaining             purchased and not yet consumed, in kWh (GetUsedOfSelf)
    gc-user-total-use             total use in kWh (GetTotalUsedOfSomeone of itself)
    gc-user-dispatch              latest dispatch instruction (GetInformation; "" when none)
    gc-user-generator-section     the generator's forms (record generation, sell)
    gc-user-generator-note        why they are unavailable ("" when available)
    gc-user-generate-amount       Text: kWh generated
    gc-user-generate-button       Button: record generation (GeneratePower)
    gc-user-sell-buyer            Combobox: a registered consumer, or any typed name / 0x address
    gc-user-sell-amount           Text: kWh to sell
    gc-user-sell-button           Button: sell (Transfer)
    gc-user-consumer-section      the consumer's form
    gc-user-consumer-note         why it is unavailable ("" when available)
    gc-user-consume-amount        Text: kWh to consume
    gc-user-consume-button        Button: consume (PowerConsume)
    gc-user-message               the message line (inner span: gc-message gc-message-<kind>)
"""
from __future__ import annotations

import html
from collections.abc import Iterable

import ipywidgets as widgets

from ..accounts import NamedAccount
from ..energy import kwh_number, kwh_text, parse_kwh
from ..market import MarketClient
from ..powergrid import UserRecord
from ..powergrid.rules import (
    NOT_REGISTERED,
    no_right_reason,
    require_right,
    unregistered_reason,
)
from ..registry import rights_text
from ..txlog import TxLogEntry
from .common import (
    DEFAULT_REFRESH_S,
    LiveWidget,
    MessageLine,
    PlatformClient,
    action_button,
    directory_for,
    labelled_row,
    note_html,
    reader,
    text_box,
    value_display,
)
from .household_day import day_section
from .market import market_section


class UserDashboard(LiveWidget):
    """The user platform: one account's balances and dispatch, and the actions its rights allow."""

    def __init__(self, client: PlatformClient, account: str | NamedAccount | None = None, *,
                 accounts: Iterable[str | NamedAccount] | None = None, live: bool = True,
                 refresh_interval: float = DEFAULT_REFRESH_S, market: MarketClient | None = None) -> None:
        """Show `account` (default: the first offered); `accounts` limits the picker (default: all).

        With `market` (an EnergyMarket on the same PowerGridV2), a market section lets the user
        place orders for the open slot and withdraw its credit, and "My day" lists its slots:
        meter readings, trades, payments and the dispatch it received, in kWh and ETH.
        """
        self.client = client
        self.chain = client.chain
        self.directory = directory_for(client)
        names = [self.chain.account(a).name for a in (accounts if accounts is not None
                                                      else self.chain.accounts)]
        if account is not None:
            first = self.chain.account(account).name
        else:  # the deployer (usually the administrator) is rarely a platform user
            first = next((n for n in names if n != client.account.name), names[0] if names else "admin")
        if first not in names:
            names.insert(0, first)
        self.account = self.chain.account(first)
        self.user_client = client.using(self.account)     # sends the user's transactions
        self._queries = reader(client, self.account)      # reads the user's own getters

        # state, as last read from the chain
        self.record: UserRecord | None = None
        self.registered = False
        self.can_generate = False
        self.can_consume = False
        self.generation_balance = 0
        self.total_generation = 0
        self.remaining = 0
        self.total_use = 0
        self.dispatch = ""
        self.consumers: list[str] = []      # registered consumers, as account names or addresses
        self.generator_note = ""
        self.consumer_note = ""

        # controls
        self.account_picker = widgets.Dropdown(options=names, value=first, description="Account",
                                               layout=widgets.Layout(width="auto"))
        self.account_picker.add_class("gc-user-account")
        self.name_display = value_display("gc-user-name")
        self.location_display = value_display("gc-user-location")
        self.rights_display = value_display("gc-user-rights")
        self.status_display = value_display("gc-user-status")
        self.generation_display = value_display("gc-user-generation")
        self.total_generation_display = value_display("gc-user-total-generation")
        self.remaining_display = value_display("gc-user-remaining")
        self.total_use_display = value_display("gc-user-total-use")
        self.dispatch_display = value_display("gc-user-dispatch")

        self.generate_amount = text_box("gc-user-generate-amount", "kWh, e.g. 10", "Generated")
        self.generate_button = action_button("Record generation", "gc-user-generate-button")
        self.sell_buyer = widgets.Combobox(options=[], placeholder="consumer name or 0x address",
                                           description="Buyer", ensure_option=False,
                                           layout=widgets.Layout(width="auto"))
        self.sell_buyer.add_class("gc-user-sell-buyer")
        self.sell_amount = text_box("gc-user-sell-amount", "kWh, e.g. 100", "kWh")
        self.sell_button = action_button("Sell", "gc-user-sell-button")
        self.consume_amount = text_box("gc-user-consume-amount", "kWh, e.g. 30", "Consume")
        self.consume_button = action_button("Consume", "gc-user-consume-button")
        self.generator_note_display = value_display("gc-user-generator-note")
        self.consumer_note_display = value_display("gc-user-consumer-note")
        self.message = MessageLine("gc-user-message")
        # The line starts under the account picker (above the fold) and moves next to the form that acts.
        self.status_spot, self.generate_spot, self.sell_spot, self.consume_spot = (
            self.message.spot() for _ in range(4))

        self.account_picker.observe(self._on_account_change, names="value")
        self.generate_button.on_click(lambda _: self.record_generation())
        self.sell_button.on_click(lambda _: self.sell())
        self.consume_button.on_click(lambda _: self.consume())
        self.widget = self._layout()
        self.market_panel = market_section(self, market, self.account.name, "user", live=live,
                                           refresh_interval=refresh_interval)
        self.day_panel = day_section(self, market, client, self.account.name, pick=False, live=live,
                                     refresh_interval=refresh_interval)
        self._start_live(live, refresh_interval)

    def _layout(self) -> widgets.VBox:
        generator = widgets.VBox([
            widgets.HTML("<b>Generator</b>"), self.generator_note_display,
            widgets.HBox([self.generate_amount, self.generate_button]), self.generate_spot,
            widgets.HBox([self.sell_buyer, self.sell_amount, self.sell_button]), self.sell_spot])
        generator.add_class("gc-user-generator-section")
        consumer = widgets.VBox([widgets.HTML("<b>Consumer</b>"), self.consumer_note_display,
                                 widgets.HBox([self.consume_amount, self.consume_button]), self.consume_spot])
        consumer.add_class("gc-user-consumer-section")
        box = widgets.VBox([
            widgets.HTML("<h3>User platform</h3>"), self.account_picker, self.status_spot,
            labelled_row("Name", self.name_display), labelled_row("Location", self.location_display),
            labelled_row("Rights", self.rights_display), self.status_display,
            labelled_row("Generation balance", self.generation_display,
                         "kWh (negative = sold, still to generate)"),
            labelled_row("Total generation", self.total_generation_display, "kWh"),
            labelled_row("Remaining purchased power", self.remaining_display, "kWh"),
            labelled_row("Total use", self.total_use_display, "kWh"),
            labelled_row("Latest dispatch", self.dispatch_display),
            generator, consumer],
            layout=widgets.Layout(border="1px solid #ccc", padding="8px", flex="1 1 auto", min_width="320px"))
        box.add_class("gc-user")
        return box

    # ------------------------------------------------------------ actions
    def select(self, account: str | NamedAccount) -> None:
        """Act as `account` (same as picking it in the dropdown)."""
        name = self.chain.account(account).name
        if name not in self.account_picker.options:
            self.account_picker.options = [*self.account_picker.options, name]
        self.account_picker.value = name

    def record_generation(self) -> TxLogEntry | None:
        """Record the kWh in the generation box (GeneratePower, in Wh)."""
        def act() -> TxLogEntry:
            self._require_right(generate=True)  # a missing right says more than a bad amount
            amount = parse_kwh(self.generate_amount.value, "the generated energy", int256=True)
            return self.user_client.generate_power(amount)
        return self.message.run(act, lambda e: f"{e.sender} recorded {_amount(e)} generated"
                                f"{self._for_whom(e)}, in block {e.block_number}.", beside=self.generate_spot,
                                reset=(self.generate_amount,))

    def sell(self) -> TxLogEntry | None:
        """Sell the kWh in the sell box to the chosen buyer (Transfer, in Wh)."""
        def act() -> TxLogEntry:
            self._require_right(generate=True)  # a missing right says more than a bad amount
            amount = parse_kwh(self.sell_amount.value, "the energy to sell", int256=True)
            return self.user_client.sell_power(self.sell_buyer.value, amount)
        return self.message.run(act, lambda e: f"{self.account.name} sold {_amount(e)} to "
                                f"{self._label(next(iter(e.decoded_input.values())))}, in block "
                                f"{e.block_number}.", beside=self.sell_spot, reset=(self.sell_amount,))

    def consume(self) -> TxLogEntry | None:
        """Consume the kWh in the consume box (PowerConsume, in Wh)."""
        def act() -> TxLogEntry:
            self._require_right(consume=True)  # a missing right says more than a bad amount
            amount = parse_kwh(self.consume_amount.value, "the energy to consume")
            return self.user_client.consume_power(amount)
        def said(e: TxLogEntry) -> str:
            if e.sender == self.account.name:
                return f"{e.sender} consumed {_amount(e)}, in block {e.block_number}."
            return (f"{e.sender} recorded {_amount(e)} consumed{self._for_whom(e)}, in block "
                    f"{e.block_number}.")
        return self.message.run(act, said, beside=self.consume_spot, reset=(self.consume_amount,))

    def _for_whom(self, entry: TxLogEntry) -> str:
        # On PowerGridV2 the user's meter reports, not the user.
        return "" if entry.sender == self.account.name else f" for {self.account.name}"

    def _require_right(self, *, generate: bool = False, consume: bool = False) -> None:
        # Read the rights now, not from the last refresh: the manager may have changed them.
        record = self._queries.user_record(self.account.address)
        require_right(record, self.account.name, generate=generate, consume=consume)

    def _label(self, address: str) -> str:
        return self.directory.account_name(address) or address

    def _on_account_change(self, change: dict) -> None:
        self.account = self.chain.account(change["new"])
        self.user_client = self.client.using(self.account)
        self._queries = reader(self.client, self.account)
        if self.market_panel is not None:
            self.market_panel.act_as(self.account.name)
        if self.day_panel is not None:
            self.day_panel.show_account(self.account.name)
        self.message.clear()
        self.refresh()

    # ------------------------------------------------------------ refresh
    def _read_and_draw(self) -> None:
        q = self._queries
        record = q.user_record(self.account.address)
        values = (q.generation_balance(), q.total_generated(self.account.address), q.remaining_power(),
                  q.total_consumed(self.account.address), q.dispatch_info())
        consumers = [self._label(address) for address in self.directory.consumer_addresses()]
        # Everything is read: now draw it all at once (never a half-updated view).
        self.record, self.registered = record, record.registered
        self.can_generate = record.registered and record.can_generate
        self.can_consume = record.registered and record.can_consume
        (self.generation_balance, self.total_generation, self.remaining, self.total_use,
         self.dispatch) = values
        self.consumers = consumers
        if not record.registered:
            self.generator_note = self.consumer_note = unregistered_reason(self.account.name)
        else:
            name = self.account.name
            self.generator_note = ("" if self.can_generate
                                   else no_right_reason(name, "generation", "generator"))
            self.consumer_note = "" if self.can_consume else no_right_reason(name, "consumption", "consumer")
        self._draw()

    def _draw(self) -> None:
        shown = self.displayed_values()
        for display_widget, key in ((self.name_display, "name"), (self.location_display, "location"),
                                    (self.rights_display, "rights"), (self.status_display, "status"),
                                    (self.generation_display, "generation"),
                                    (self.total_generation_display, "total generation"),
                                    (self.remaining_display, "remaining"),
                                    (self.total_use_display, "total use"),
                                    (self.dispatch_display, "dispatch")):
            display_widget.value = html.escape(shown[key])
        self.generator_note_display.value = note_html(self.generator_note)
        self.consumer_note_display.value = note_html(self.consumer_note)
        for control in (self.generate_amount, self.generate_button, self.sell_buyer, self.sell_amount,
                        self.sell_button):
            control.disabled = not self.can_generate
        for control in (self.consume_amount, self.consume_button):
            control.disabled = not self.can_consume
        if list(self.sell_buyer.options) != self.consumers:
            self.sell_buyer.options = self.consumers

    def displayed_values(self) -> dict[str, str]:
        """The text of each value display, as shown (keys: name, location, rights, status, ...)."""
        record = self.record
        registered = self.registered
        return {
            "name": record.name if registered and record else NOT_REGISTERED,
            "location": record.location if registered and record else "",
            "rights": rights_text(self.can_generate, self.can_consume),
            "status": "registered" if registered else unregistered_reason(self.account.name),
            "generation": kwh_number(self.generation_balance),
            "total generation": kwh_number(self.total_generation),
            "remaining": kwh_number(self.remaining),
            "total use": kwh_number(self.total_use),
            "dispatch": self.dispatch,
        }

    def summary(self) -> str:
        """A plain-text view of what the dashboard shows."""
        shown = self.displayed_values()
        lines = [f"User platform · {self.account.name} ({self.account.address})",
                 f"  name: {shown['name']}"
                 + (f" · location: {shown['location']}" if shown["location"] else ""),
                 f"  rights: {shown['rights']}",
                 f"  generation balance: {shown['generation']} kWh"
                 + ("  (negative: sold before generated, still owed)" if self.generation_balance < 0 else ""),
                 f"  total generation: {shown['total generation']} kWh",
                 f"  remaining purchased power: {shown['remaining']} kWh",
                 f"  total use: {shown['total use']} kWh",
                 f"  latest dispatch: {shown['dispatch'] or '(none)'}",
                 "  generate / sell: "
                 + ("available" if self.can_generate else "unavailable: " + self.generator_note),
                 f"  consume: {'available' if self.can_consume else 'unavailable: ' + self.consumer_note}"]
        if self.message.text:
            lines.append(f"  message: {self.message.text}")
        return "\n".join(lines)


def _amount(entry: TxLogEntry) -> str:
    """The energy in a GeneratePower, Transfer or PowerConsume entry (its last argument, in Wh), in kWh."""
    return kwh_text(list(entry.decoded_input.values())[-1])
