"""The thesis's manager platform (chapter 5): register and authorise users, query them, dispatch.

    from grid.widgets import ManagerDashboard
    manager = ManagerDashboard(client)                  # acts as the client's account (the admin)
    manager.register_address.value = "consumer1"; ...; manager.register_button.click()
    print(manager.summary())

It refreshes itself and reports problems as every `LiveWidget` does (see
grid.widgets.common): bad input, a missing right, a revert or a stopped node
shows one sentence and sends nothing.

CSS classes (the contract with the browser test):

ManagerDashboard
    gc-manager                    the whole widget
    gc-manager-status             who acts, and whether it is the administrator
    gc-manager-register-address   Combobox: a named account or a 0x address
    gc-manager-register-name      Text
    gc-manager-register-location  Text
    gc-manager-register-generate  Checkbox: generation right
    gc-manager-register-consume   Checkbox: consumption right
    gc-manager-register-button    Button: register / authorise (empower); on PowerGridV2 it also binds
                                  the user's meter
    gc-manager-revoke-button      Button: revoke every right (PowerGridV2 only; hidden on the seed)
    gc-manager-users              HTML: the table of all users; one <tr class="gc-manager-user-row"
                                  data-address="0x..."> per user, whose <td>s have the classes
                                  gc-manager-user-name, -address (account name when known),
                                  -location, -rights, -generation, -total-generation,
                                  -remaining, -total-use (energy cells: bare kWh, e.g. "-90"),
                                  -dispatch
    gc-manager-dispatch-target    Dropdown: "all users" or one user (labels: account name or address)
    gc-manager-dispatch-text      Text: the instruction
    gc-manager-dispatch-button    Button: send (PowerDispatch, once per user for "all users")
    gc-manager-refresh            Button: refresh now
    gc-manager-message            the message line
"""
from __future__ import annotations

import html

import ipywidgets as widgets

from ..energy import kwh_number
from ..errors import GridError
from ..market import MarketClient
from ..powergrid.rules import not_admin_reason, reregistration_warning
from ..registry import UserRow, rights_text
from ..txlog import TxLogEntry
from ..validation import check_string
from .common import (
    DEFAULT_REFRESH_S,
    LiveWidget,
    MessageLine,
    PlatformClient,
    action_button,
    directory_for,
    note_html,
    text_box,
    value_display,
)
from .household_day import day_section
from .market import market_section

ALL_USERS = "__all__"            # the dispatch target meaning "every registered user"
ALL_USERS_LABEL = "all users"


TABLE_COLUMNS = (  # (heading, css suffix)
    ("name", "name"), ("account", "address"), ("location", "location"), ("rights", "rights"),
    ("generation balance (kWh)", "generation"), ("total generation (kWh)", "total-generation"),
    ("remaining (kWh)", "remaining"), ("total use (kWh)", "total-use"), ("latest dispatch", "dispatch"))


class ManagerDashboard(LiveWidget):
    """The manager platform: register and authorise users, query all users, dispatch instructions."""

    def __init__(self, client: PlatformClient, *, live: bool = True,
                 refresh_interval: float = DEFAULT_REFRESH_S, market: MarketClient | None = None) -> None:
        """Act as `client`'s account, which must be the contract's administrator to change anything.

        With `market`, a market section shows the open slot's book and clears and settles slots,
        and "A household's day" shows any household's readings, trades and dispatches per slot.
        """
        self.client = client
        self.chain = client.chain
        self.directory = directory_for(client)
        self.users: list[UserRow] = []
        self.is_admin = False
        self.status = ""
        self._confirmed_reset: tuple | None = None   # the re-registration form a second press confirms

        self.status_display = value_display("gc-manager-status")
        self.register_address = widgets.Combobox(
            options=list(self.chain.accounts.names), placeholder="account name or 0x address",
            description="Address", ensure_option=False, layout=widgets.Layout(width="auto"))
        self.register_address.add_class("gc-manager-register-address")
        self.register_name = text_box("gc-manager-register-name", "e.g. PowerProviderOne", "Name")
        self.register_location = text_box("gc-manager-register-location", "e.g. Sundsvall", "Location")
        self.register_generate = widgets.Checkbox(value=False, description="may generate (generator)",
                                                  indent=False)
        self.register_generate.add_class("gc-manager-register-generate")
        self.register_consume = widgets.Checkbox(value=False, description="may consume (consumer)",
                                                 indent=False)
        self.register_consume.add_class("gc-manager-register-consume")
        self.register_button = action_button("Register / authorise", "gc-manager-register-button")
        self.revoke_button = action_button("Revoke rights", "gc-manager-revoke-button", style="warning")
        if client.reregistration_resets:   # the seed has no revoke: nothing to offer
            self.revoke_button.layout.display = "none"
        self.users_table = widgets.HTML(value="")
        self.users_table.add_class("gc-manager-users")
        self.dispatch_target = widgets.Dropdown(options=[(ALL_USERS_LABEL, ALL_USERS)], value=ALL_USERS,
                                                description="To", layout=widgets.Layout(width="auto"))
        self.dispatch_target.add_class("gc-manager-dispatch-target")
        self.dispatch_text = text_box("gc-manager-dispatch-text", 'e.g. "stop"', "Instruction")
        self.dispatch_button = action_button("Send dispatch", "gc-manager-dispatch-button")
        self.refresh_button = action_button("Refresh", "gc-manager-refresh", style="")
        self.message = MessageLine("gc-manager-message")
        self.register_spot, self.dispatch_spot = self.message.spot(), self.message.spot()

        self.register_button.on_click(lambda _: self.register())
        self.revoke_button.on_click(lambda _: self.revoke())
        self.dispatch_button.on_click(lambda _: self.dispatch())
        self.refresh_button.on_click(lambda _: self.refresh())
        self.widget = self._layout()
        self.market_panel = market_section(self, market, client.account.name, "operator", live=live,
                                           refresh_interval=refresh_interval)
        self.day_panel = day_section(self, market, client, client.account.name, pick=True, live=live,
                                     refresh_interval=refresh_interval)
        self._start_live(live, refresh_interval)

    def _layout(self) -> widgets.VBox:
        register = widgets.VBox([
            widgets.HTML("<b>Register or authorise a user</b> <small>(empower; registering again "
                         + ("resets the user's balances" if self.client.reregistration_resets
                            else "updates its rights and keeps its balances") + ")</small>"),
            self.register_address, self.register_name, self.register_location,
            widgets.HBox([self.register_generate, self.register_consume]),
            widgets.HBox([self.register_button, self.revoke_button]), self.register_spot])
        dispatch = widgets.VBox([widgets.HTML("<b>Dispatch an instruction</b> <small>(PowerDispatch)"
                                              "</small>"),
                                 self.dispatch_target, self.dispatch_text, self.dispatch_button,
                                 self.dispatch_spot])
        box = widgets.VBox([
            widgets.HTML("<h3>Manager platform</h3>"), self.status_display, register,
            widgets.HBox([widgets.HTML("<b>All users</b> <small>(found by scanning the chain)</small>"),
                          self.refresh_button]),
            self.users_table, dispatch],
            layout=widgets.Layout(border="1px solid #ccc", padding="8px", flex="1 1 auto", min_width="360px"))
        box.add_class("gc-manager")
        return box

    # ------------------------------------------------------------ actions
    def register(self) -> TxLogEntry | None:
        """Register (or re-authorise) the user in the form (empower)."""
        def act() -> tuple[TxLogEntry, bool]:
            self._require_admin()
            name = check_string(self.register_name.value, "the name")
            location = check_string(self.register_location.value, "the location")
            user = self.register_address.value
            before = self.client.user_record(user)   # also validates the address, before sending
            form = (before.address, name.strip(), location.strip(), self.register_generate.value,
                    self.register_consume.value)
            resets = before.registered and self.client.reregistration_resets
            if resets and self._confirmed_reset != form:
                # The seed's empower erases balances: a second press of the same form confirms.
                self._confirmed_reset = form
                warning = reregistration_warning(self.client.chain, before)
                raise GridError(f"{warning}: press Register again to register it anyway (or change the form "
                                f"to cancel)", kind="input")
            self._confirmed_reset = None
            entry = self.client.register_user(user, form[1], form[2], can_generate=form[3],
                                              can_consume=form[4], reset=True)   # checked just above
            meter = self._provision_meter(before.address)
            return entry, form, before.registered, meter

        def said(result: tuple[TxLogEntry, tuple, bool, str]) -> str:
            entry, (address, name, location, generate, consume), again, meter = result
            text = (f"Registered {self._label(address)} as {name} ({location}) with rights: "
                    f"{rights_text(generate, consume)}, in block {entry.block_number}.")
            if again:
                text += (" It was registered before: as confirmed, the seed's empower reset its balances "
                         "to 0." if self.client.reregistration_resets
                         else " It was registered before: its rights were updated and its balances kept.")
            return text + meter

        form = (self.register_address, self.register_name, self.register_location, self.register_generate,
                self.register_consume)
        result = self.message.run(act, said, beside=self.register_spot, reset=form)
        return result[0] if result else None

    def _provision_meter(self, address: str) -> str:
        # PowerGridV2 takes energy readings only from a user's meter: give it one.
        provision = getattr(self.client, "provision_meter", None)
        if provision is None or address not in self.chain.accounts:
            return ""
        try:
            meter = provision(address)
        except GridError as exc:
            return f" Its meter could not be bound ({exc.message}): register it again to retry."
        return f" Its meter is {meter.name} ({meter.address})."

    def revoke(self) -> TxLogEntry | None:
        """Withdraw every right of the user in the form (PowerGridV2's revoke; balances are kept)."""
        def act() -> TxLogEntry:
            self._require_admin()
            if not hasattr(self.client, "revoke_user"):
                raise GridError("the seed contract cannot withdraw a right (it has no revoke): deploy "
                                "PowerGridV2 to revoke users", kind="input")
            return self.client.revoke_user(self.register_address.value)

        return self.message.run(act, lambda e: f"Revoked every right of "
                                f"{self._label(e.decoded_input['address user'])}, in block {e.block_number}; "
                                f"its balances are kept.", beside=self.register_spot)

    def dispatch(self) -> list[TxLogEntry] | None:
        """Send the instruction to the chosen user, or to every registered user (one PowerDispatch each)."""
        def act() -> list[TxLogEntry]:
            # Validate everything first: nothing is sent unless every dispatch can be.
            self._require_admin()
            text = check_string(self.dispatch_text.value, "the dispatch instruction")
            targets = self._dispatch_targets()
            sent: list[TxLogEntry] = []
            for address in targets:
                try:
                    sent.append(self.client.send_dispatch(address, text))
                except GridError as exc:
                    raise self._partial_dispatch(exc, targets, sent) from None
            return sent

        def said(sent: list[TxLogEntry]) -> str:
            instruction, targets = _dispatched(sent[0])[1], [_dispatched(e)[0] for e in sent]
            if self.dispatch_target.value != ALL_USERS:
                return f'Sent "{instruction}" to {self._label(targets[0])}, in block {sent[0].block_number}.'
            return f'Sent "{instruction}" to {len(sent)} users ({", ".join(map(self._label, targets))}).'

        return self.message.run(act, said, beside=self.dispatch_spot, reset=(self.dispatch_text,))

    def _dispatch_targets(self) -> list[str]:
        registered = self.directory.registered_addresses()
        target = self.dispatch_target.value
        if target == ALL_USERS:
            if not registered:
                raise GridError("there are no registered users to dispatch to yet: register one first",
                                kind="input")
            return registered
        if target not in registered:
            raise GridError(f"{self._label(target)} is not a registered user: pick one from the list",
                            kind="input")
        return [target]

    def _partial_dispatch(self, exc: GridError, targets: list[str], sent: list[TxLogEntry]) -> GridError:
        if not sent:
            return exc
        got = ", ".join(self._label(_dispatched(e)[0]) for e in sent)
        missed = ", ".join(self._label(a) for a in targets[len(sent):])
        return GridError(f"only {len(sent)} of {len(targets)} users got the instruction ({got}); "
                         f"not sent to {missed}, because {exc.message}", kind=exc.kind)

    def _require_admin(self) -> None:
        admin = self.client.administrator()
        if self.client.account.address != admin:
            raise GridError(self._not_admin_reason(admin), kind="permission")

    def _not_admin_reason(self, admin: str) -> str:
        return not_admin_reason(self.client.account.name, self._label(admin))

    def _label(self, address: str) -> str:
        return self.directory.account_name(address) or address

    # ------------------------------------------------------------ refresh
    def _read_and_draw(self) -> None:
        admin = self.client.administrator()
        users = self.directory.users()
        self.users = users
        self.is_admin = self.client.account.address == admin
        self.status = (f"Acting as {self.client.account.name}, the administrator." if self.is_admin
                       else self._not_admin_reason(admin))
        self.status_display.value = html.escape(self.status) if self.is_admin else note_html(self.status)
        self.users_table.value = users_table_html(users)
        options = [(ALL_USERS_LABEL, ALL_USERS)] + [(row.label, row.address) for row in users]
        if list(self.dispatch_target.options) != options:
            chosen = self.dispatch_target.value
            self.dispatch_target.options = options
            self.dispatch_target.value = chosen if chosen in [v for _, v in options] else ALL_USERS
        for control in (self.register_address, self.register_name, self.register_location,
                        self.register_generate, self.register_consume, self.register_button,
                        self.revoke_button, self.dispatch_target, self.dispatch_text, self.dispatch_button):
            control.disabled = not self.is_admin

    def summary(self) -> str:
        """A plain-text view of what the dashboard shows."""
        lines = [f"Manager platform · {self.status}", f"  {len(self.users)} registered user(s):"]
        if self.users:
            lines.append("  " + " | ".join(heading for heading, _ in TABLE_COLUMNS))
            lines += ["  " + " | ".join(_cells(row)) for row in self.users]
        if self.message.text:
            lines.append(f"  message: {self.message.text}")
        return "\n".join(lines)


def _dispatched(entry: TxLogEntry) -> tuple[str, str]:
    """(user, instruction) of a PowerDispatch log entry, on either contract (same argument order)."""
    user, instruction = entry.decoded_input.values()
    return user, instruction


def _cells(row: UserRow) -> list[str]:
    return [row.name, row.label, row.location, row.rights, kwh_number(row.generation_balance),
            kwh_number(row.total_generation), kwh_number(row.remaining), kwh_number(row.total_use),
            row.dispatch]


def users_table_html(users: list[UserRow]) -> str:
    """The manager's query interface as an HTML table (one gc-manager-user-row per user)."""
    head = "".join(f"<th style='text-align:left;padding:2px 6px'>{html.escape(h)}</th>"
                   for h, _ in TABLE_COLUMNS)
    if not users:
        body = f"<tr><td colspan='{len(TABLE_COLUMNS)}'><i>No users registered yet.</i></td></tr>"
    else:
        body = "".join(
            f"<tr class='gc-manager-user-row' data-address='{row.address}'>"
            + "".join(f"<td class='gc-manager-user-{css}' style='padding:2px 6px'"
                      + (f" title='{row.address}'" if css == "address" else "")
                      + f">{html.escape(text)}</td>"
                      for (_, css), text in zip(TABLE_COLUMNS, _cells(row), strict=True))
            + "</tr>" for row in users)
    return (f"<table class='gc-manager-users-table'><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")
