"""The thesis's two platforms (chapter 5): the user platform and the manager platform.

    from grid.widgets import UserDashboard, ManagerDashboard
    manager = ManagerDashboard(client)                  # acts as the client's account (the admin)
    user = UserDashboard(client, "generator1")          # acts as the picked account
    manager.register_address.value = "consumer1"; ...; manager.register_button.click()
    print(manager.summary()); print(user.summary())

Both widgets refresh themselves: instantly after any transaction sent through
the same client log (same kernel), and within `refresh_interval` seconds after
a block mined by anyone else (another Voila page, another student), through a
`BlockWatcher`. A refresh never raises: a node that is down is said once on
the message line. Every action goes through `MessageLine.run`: bad input, a
missing right, a revert or a stopped node shows one sentence and sends nothing.

CSS classes (the contract with the browser test; each value display's text is
the bare value, e.g. "-90", "stop", "generator"):

UserDashboard
    gc-user                       the whole widget
    gc-user-account               Dropdown: the named account acting (labels are account names)
    gc-user-name                  the registered name, or "not registered yet"
    gc-user-location              the registered location ("" when not registered)
    gc-user-rights                "generator", "consumer", "generator and consumer" or "none"
    gc-user-status                one line: "registered" or "not registered yet: ask the manager ..."
    gc-user-generation            current generation balance (GetGeneration; negative = still owed)
    gc-user-total-generation      total generation (GetTotalGeneration of itself)
    gc-user-remaining             remaining purchased power (GetUsedOfSelf)
    gc-user-total-use             total use (GetTotalUsedOfSomeone of itself)
    gc-user-dispatch              latest dispatch instruction (GetInformation; "" when none)
    gc-user-generator-section     the generator's forms (record generation, sell)
    gc-user-generator-note        why they are unavailable ("" when available)
    gc-user-generate-amount       Text: units generated
    gc-user-generate-button       Button: record generation (GeneratePower)
    gc-user-sell-buyer            Combobox: a registered consumer, or any typed name / 0x address
    gc-user-sell-amount           Text: units to sell
    gc-user-sell-button           Button: sell (Transfer)
    gc-user-consumer-section      the consumer's form
    gc-user-consumer-note         why it is unavailable ("" when available)
    gc-user-consume-amount        Text: units to consume
    gc-user-consume-button        Button: consume (PowerConsume)
    gc-user-message               the message line (inner span: gc-message gc-message-<kind>)

ManagerDashboard
    gc-manager                    the whole widget
    gc-manager-status             who acts, and whether it is the administrator
    gc-manager-register-address   Combobox: a named account or a 0x address
    gc-manager-register-name      Text
    gc-manager-register-location  Text
    gc-manager-register-generate  Checkbox: generation right
    gc-manager-register-consume   Checkbox: consumption right
    gc-manager-register-button    Button: register / authorise (empower)
    gc-manager-users              HTML: the table of all users; one <tr class="gc-manager-user-row"
                                  data-address="0x..."> per user, whose <td>s have the classes
                                  gc-manager-user-name, -address (account name when known),
                                  -location, -rights, -generation, -total-generation,
                                  -remaining, -total-use, -dispatch
    gc-manager-dispatch-target    Dropdown: "all users" or one user (labels: account name or address)
    gc-manager-dispatch-text      Text: the instruction
    gc-manager-dispatch-button    Button: send (PowerDispatch, once per user for "all users")
    gc-manager-refresh            Button: refresh now
    gc-manager-message            the message line
"""
from __future__ import annotations

import html
from typing import Any, Callable, Iterable

import ipywidgets as widgets
from IPython.display import display

from ..accounts import NamedAccount
from ..powergrid import PowerGridClient
from ..errors import GridError
from ..registry import UserDirectory, UserRow, rights_text
from ..powergrid import UserRecord
from ..txlog import TxLog, TxLogEntry
from ..validation import INT256_MAX, check_string, check_uint256
from .common import DEFAULT_REFRESH_S, BlockWatcher, MessageLine, sentence

ALL_USERS = "__all__"            # the dispatch target meaning "every registered user"
ALL_USERS_LABEL = "all users"
NOT_REGISTERED = "not registered yet"
_READ_LOG_CAPACITY = 100         # the private log of a dashboard's own queries


# ------------------------------------------------------------------ helpers
def positive_amount(value: Any, label: str = "the amount", *, int256: bool = False) -> int:
    """A whole number of units above 0 (a text box's value), or a GridError saying what to type.

    The contract accepts 0 (a transaction that changes nothing) and, for
    GeneratePower and Transfer, reinterprets amounts of 2**255 and above as
    negative int256 values; the platforms refuse both before sending.
    """
    try:
        amount = check_uint256(value, label)
    except GridError as exc:
        if "negative" not in exc.message:
            raise
        raise GridError(f"{label} cannot be negative ({str(value).strip()}): type a whole number of "
                        f"units above 0, such as 100", kind="input") from None
    if amount == 0:
        raise GridError(f"{label} must be above 0 (0 units would change nothing): type a whole "
                        f"number such as 100", kind="input")
    if int256 and amount > INT256_MAX:
        raise GridError(f"{label} is too large ({len(str(amount))} digits): the contract keeps the "
                        f"generation balance as an int256, which holds at most 2**255 - 1, so give a "
                        f"smaller amount", kind="input")
    return amount


def _reader(client: PowerGridClient, account: str | NamedAccount) -> PowerGridClient:
    """`client` acting as `account`, with its own small log: refreshes must not flood the shared one."""
    twin = client.using(account)
    twin.log = TxLog(capacity=_READ_LOG_CAPACITY)
    return twin


def _value_display(css_class: str, width: str = "auto") -> widgets.HTML:
    display_widget = widgets.HTML(value="", layout=widgets.Layout(width=width))
    display_widget.add_class(css_class)
    return display_widget


def _row(label: str, value: widgets.Widget, hint: str = "") -> widgets.HBox:
    title = f"<b>{html.escape(label)}</b>" + (f' <small style="opacity:.7">{html.escape(hint)}</small>'
                                              if hint else "")
    return widgets.HBox([widgets.HTML(title, layout=widgets.Layout(width="55%")), value])


def _button(description: str, css_class: str, style: str = "primary") -> widgets.Button:
    button = widgets.Button(description=description, button_style=style)
    button.add_class(css_class)
    return button


def _text(css_class: str, placeholder: str, description: str = "", value: str = "") -> widgets.Text:
    text = widgets.Text(value=value, placeholder=placeholder, description=description,
                        layout=widgets.Layout(width="auto"))
    text.add_class(css_class)
    return text


class _LiveWidget:
    """What both dashboards share: a message line, the log subscription and the block watcher."""

    message: MessageLine
    client: PowerGridClient

    def _start_live(self, live: bool, refresh_interval: float) -> None:
        self._refreshing = False
        self._node_problem: str | None = None  # the node error shown, so it is said once
        self._unsubscribe: Callable[[], None] | None = self.client.log.subscribe(self._on_log_entry)
        self.watcher = BlockWatcher(self.client.chain, self.refresh, interval=refresh_interval,
                                    on_error=self._show_node_problem)
        self.refresh()
        if live:
            self.watcher.start()

    def _on_log_entry(self, entry: TxLogEntry) -> None:
        # Calls change nothing on the chain; only transactions warrant a refresh.
        if entry.kind == "transaction":
            self.refresh()

    def refresh(self) -> None:
        """Read the chain again and redraw; never raises (a node problem goes to the message line)."""
        if self._refreshing:
            return
        self._refreshing = True
        try:
            block = self.client.chain.block_number
            self._read_and_draw()
            self.watcher.last_block = block  # this block is drawn: the watcher need not redo it
            if self._node_problem is not None:
                if self.message.text == self._node_problem:
                    self.message.show("The node answers again: the view is up to date.", "info")
                self._node_problem = None
        except GridError as exc:
            if exc.kind == "node":
                self._show_node_problem(exc)
            else:
                self.message.show(f"Could not refresh: {exc.message}", "warning")
        except Exception as exc:  # a bug of ours must not break the page's refresh loop
            self.message.show(f"Could not refresh (unexpected {type(exc).__name__}: {exc}); please "
                              f"report this to your teacher.", "warning")
        finally:
            self._refreshing = False

    def _show_node_problem(self, exc: GridError) -> None:
        # Said once, when the node stops answering: the watcher calls this every
        # interval while it is down, and must not overwrite the user's messages.
        if self._node_problem is None:
            text = sentence(exc.message)
            self.message.show(text, "error")
            self._node_problem = text

    def close(self) -> None:
        """Stop refreshing (background polling and the log subscription)."""
        self.watcher.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _read_and_draw(self) -> None:  # pragma: no cover - each dashboard defines it
        raise NotImplementedError

    def _ipython_display_(self) -> None:
        display(self.widget)  # type: ignore[attr-defined]


# ------------------------------------------------------------- user platform
class UserDashboard(_LiveWidget):
    """The user platform: one account's balances and dispatch, and the actions its rights allow."""

    def __init__(self, client: PowerGridClient, account: str | NamedAccount | None = None, *,
                 accounts: Iterable[str | NamedAccount] | None = None, live: bool = True,
                 refresh_interval: float = DEFAULT_REFRESH_S) -> None:
        """Show `account` (default: the first offered); `accounts` limits the picker (default: all)."""
        self.client = client
        self.chain = client.chain
        self.directory = UserDirectory(client)
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
        self._queries = _reader(client, self.account)      # reads the user's own getters

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
        self.name_display = _value_display("gc-user-name")
        self.location_display = _value_display("gc-user-location")
        self.rights_display = _value_display("gc-user-rights")
        self.status_display = _value_display("gc-user-status")
        self.generation_display = _value_display("gc-user-generation")
        self.total_generation_display = _value_display("gc-user-total-generation")
        self.remaining_display = _value_display("gc-user-remaining")
        self.total_use_display = _value_display("gc-user-total-use")
        self.dispatch_display = _value_display("gc-user-dispatch")

        self.generate_amount = _text("gc-user-generate-amount", "units, e.g. 10", "Generated")
        self.generate_button = _button("Record generation", "gc-user-generate-button")
        self.sell_buyer = widgets.Combobox(options=[], placeholder="consumer name or 0x address",
                                           description="Buyer", ensure_option=False,
                                           layout=widgets.Layout(width="auto"))
        self.sell_buyer.add_class("gc-user-sell-buyer")
        self.sell_amount = _text("gc-user-sell-amount", "units, e.g. 100", "Units")
        self.sell_button = _button("Sell", "gc-user-sell-button")
        self.consume_amount = _text("gc-user-consume-amount", "units, e.g. 30", "Consume")
        self.consume_button = _button("Consume", "gc-user-consume-button")
        self.generator_note_display = _value_display("gc-user-generator-note")
        self.consumer_note_display = _value_display("gc-user-consumer-note")
        self.message = MessageLine("gc-user-message")

        self.account_picker.observe(self._on_account_change, names="value")
        self.generate_button.on_click(lambda _: self.record_generation())
        self.sell_button.on_click(lambda _: self.sell())
        self.consume_button.on_click(lambda _: self.consume())
        self.widget = self._layout()
        self._start_live(live, refresh_interval)

    def _layout(self) -> widgets.VBox:
        generator = widgets.VBox([
            widgets.HTML("<b>Generator</b>"), self.generator_note_display,
            widgets.HBox([self.generate_amount, self.generate_button]),
            widgets.HBox([self.sell_buyer, self.sell_amount, self.sell_button])])
        generator.add_class("gc-user-generator-section")
        consumer = widgets.VBox([widgets.HTML("<b>Consumer</b>"), self.consumer_note_display,
                                 widgets.HBox([self.consume_amount, self.consume_button])])
        consumer.add_class("gc-user-consumer-section")
        box = widgets.VBox([
            widgets.HTML("<h3>User platform</h3>"), self.account_picker,
            _row("Name", self.name_display), _row("Location", self.location_display),
            _row("Rights", self.rights_display), self.status_display,
            _row("Generation balance", self.generation_display, "negative = sold, still to generate"),
            _row("Total generation", self.total_generation_display, "units"),
            _row("Remaining purchased power", self.remaining_display, "units"),
            _row("Total use", self.total_use_display, "units"),
            _row("Latest dispatch", self.dispatch_display),
            generator, consumer, self.message.widget],
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
        """Record the units in the generation box (GeneratePower)."""
        def act() -> TxLogEntry:
            self._require_right(generate=True)  # a missing right says more than a bad amount
            amount = positive_amount(self.generate_amount.value, "the generated amount", int256=True)
            return self.user_client.generate_power(amount)
        return self.message.run(act, lambda e: f"{self.account.name} recorded "
                                f"{e.decoded_input['uint256 _value']} unit(s) generated, in block "
                                f"{e.block_number}.")

    def sell(self) -> TxLogEntry | None:
        """Sell the units in the sell box to the chosen buyer (Transfer)."""
        def act() -> TxLogEntry:
            self._require_right(generate=True)  # a missing right says more than a bad amount
            amount = positive_amount(self.sell_amount.value, "the amount to sell", int256=True)
            return self.user_client.sell_power(self.sell_buyer.value, amount)
        return self.message.run(act, lambda e: f"{self.account.name} sold "
                                f"{e.decoded_input['uint256 _value']} unit(s) to "
                                f"{self._label(e.decoded_input['address _to'])}, in block {e.block_number}.")

    def consume(self) -> TxLogEntry | None:
        """Consume the units in the consume box (PowerConsume)."""
        def act() -> TxLogEntry:
            self._require_right(consume=True)  # a missing right says more than a bad amount
            amount = positive_amount(self.consume_amount.value, "the amount to consume")
            return self.user_client.consume_power(amount)
        return self.message.run(act, lambda e: f"{self.account.name} consumed "
                                f"{e.decoded_input['uint256 _value']} unit(s), in block {e.block_number}.")

    def _require_right(self, *, generate: bool = False, consume: bool = False) -> None:
        # Read the rights now, not from the last refresh: the manager may have changed them.
        record = self._queries.user_record(self.account.address)
        if not record.registered:
            raise GridError(self._unregistered_reason(), kind="permission")
        if generate and not record.can_generate:
            raise GridError(self._no_right_reason("generation", "generator"), kind="permission")
        if consume and not record.can_consume:
            raise GridError(self._no_right_reason("consumption", "consumer"), kind="permission")

    def _unregistered_reason(self) -> str:
        return f"{self.account.name} is {NOT_REGISTERED}: ask the manager to register it"

    def _no_right_reason(self, right: str, role: str) -> str:
        return f"{self.account.name} has no {right} right: ask the manager to register it as a {role}"

    def _label(self, address: str) -> str:
        return self.directory.account_name(address) or address

    def _on_account_change(self, change: dict) -> None:
        self.account = self.chain.account(change["new"])
        self.user_client = self.client.using(self.account)
        self._queries = _reader(self.client, self.account)
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
            self.generator_note = self.consumer_note = self._unregistered_reason()
        else:
            self.generator_note = "" if self.can_generate else self._no_right_reason("generation", "generator")
            self.consumer_note = "" if self.can_consume else self._no_right_reason("consumption", "consumer")
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
        self.generator_note_display.value = _note_html(self.generator_note)
        self.consumer_note_display.value = _note_html(self.consumer_note)
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
            "status": "registered" if registered else self._unregistered_reason(),
            "generation": str(self.generation_balance),
            "total generation": str(self.total_generation),
            "remaining": str(self.remaining),
            "total use": str(self.total_use),
            "dispatch": self.dispatch,
        }

    def summary(self) -> str:
        """A plain-text view of what the dashboard shows."""
        shown = self.displayed_values()
        lines = [f"User platform · {self.account.name} ({self.account.address})",
                 f"  name: {shown['name']}" + (f" · location: {shown['location']}" if shown["location"] else ""),
                 f"  rights: {shown['rights']}",
                 f"  generation balance: {shown['generation']}"
                 + ("  (negative: sold before generated, still owed)" if self.generation_balance < 0 else ""),
                 f"  total generation: {shown['total generation']}",
                 f"  remaining purchased power: {shown['remaining']}",
                 f"  total use: {shown['total use']}",
                 f"  latest dispatch: {shown['dispatch'] or '(none)'}",
                 f"  generate / sell: {'available' if self.can_generate else 'unavailable: ' + self.generator_note}",
                 f"  consume: {'available' if self.can_consume else 'unavailable: ' + self.consumer_note}"]
        if self.message.text:
            lines.append(f"  message: {self.message.text}")
        return "\n".join(lines)


def _note_html(note: str) -> str:
    return f'<span style="color:#9a6700">{html.escape(note)}</span>' if note else ""


# ---------------------------------------------------------- manager platform
TABLE_COLUMNS = (  # (heading, css suffix)
    ("name", "name"), ("account", "address"), ("location", "location"), ("rights", "rights"),
    ("generation balance", "generation"), ("total generation", "total-generation"),
    ("remaining", "remaining"), ("total use", "total-use"), ("latest dispatch", "dispatch"))


class ManagerDashboard(_LiveWidget):
    """The manager platform: register and authorise users, query all users, dispatch instructions."""

    def __init__(self, client: PowerGridClient, *, live: bool = True,
                 refresh_interval: float = DEFAULT_REFRESH_S) -> None:
        """Act as `client`'s account, which must be the contract's administrator to change anything."""
        self.client = client
        self.chain = client.chain
        self.directory = UserDirectory(client)
        self.users: list[UserRow] = []
        self.is_admin = False
        self.status = ""

        self.status_display = _value_display("gc-manager-status")
        self.register_address = widgets.Combobox(
            options=list(self.chain.accounts.names), placeholder="account name or 0x address",
            description="Address", ensure_option=False, layout=widgets.Layout(width="auto"))
        self.register_address.add_class("gc-manager-register-address")
        self.register_name = _text("gc-manager-register-name", "e.g. PowerProviderOne", "Name")
        self.register_location = _text("gc-manager-register-location", "e.g. Sundsvall", "Location")
        self.register_generate = widgets.Checkbox(value=False, description="may generate (generator)",
                                                  indent=False)
        self.register_generate.add_class("gc-manager-register-generate")
        self.register_consume = widgets.Checkbox(value=False, description="may consume (consumer)",
                                                 indent=False)
        self.register_consume.add_class("gc-manager-register-consume")
        self.register_button = _button("Register / authorise", "gc-manager-register-button")
        self.users_table = widgets.HTML(value="")
        self.users_table.add_class("gc-manager-users")
        self.dispatch_target = widgets.Dropdown(options=[(ALL_USERS_LABEL, ALL_USERS)], value=ALL_USERS,
                                                description="To", layout=widgets.Layout(width="auto"))
        self.dispatch_target.add_class("gc-manager-dispatch-target")
        self.dispatch_text = _text("gc-manager-dispatch-text", 'e.g. "stop"', "Instruction")
        self.dispatch_button = _button("Send dispatch", "gc-manager-dispatch-button")
        self.refresh_button = _button("Refresh", "gc-manager-refresh", style="")
        self.message = MessageLine("gc-manager-message")

        self.register_button.on_click(lambda _: self.register())
        self.dispatch_button.on_click(lambda _: self.dispatch())
        self.refresh_button.on_click(lambda _: self.refresh())
        self.widget = self._layout()
        self._start_live(live, refresh_interval)

    def _layout(self) -> widgets.VBox:
        register = widgets.VBox([
            widgets.HTML("<b>Register or authorise a user</b> <small>(empower; registering again "
                         "resets the user's balances)</small>"),
            self.register_address, self.register_name, self.register_location,
            widgets.HBox([self.register_generate, self.register_consume]), self.register_button])
        dispatch = widgets.VBox([widgets.HTML("<b>Dispatch an instruction</b> <small>(PowerDispatch)"
                                              "</small>"),
                                 self.dispatch_target, self.dispatch_text, self.dispatch_button])
        box = widgets.VBox([
            widgets.HTML("<h3>Manager platform</h3>"), self.status_display, register,
            widgets.HBox([widgets.HTML("<b>All users</b> <small>(found by scanning the chain)</small>"),
                          self.refresh_button]),
            self.users_table, dispatch, self.message.widget],
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
            entry = self.client.register_user(user, name.strip(), location.strip(),
                                              can_generate=self.register_generate.value,
                                              can_consume=self.register_consume.value)
            return entry, before.registered

        def said(result: tuple[TxLogEntry, bool]) -> str:
            entry, again = result
            args = entry.decoded_input
            who = self.directory.account_name(args["address addr"]) or args["address addr"]
            rights = rights_text(args["bool _generaterights"], args["bool _userights"])
            text = (f"Registered {who} as {args['string _name']} ({args['string _useraddr']}) with "
                    f"rights: {rights}, in block {entry.block_number}.")
            if again:
                text += " It was registered before: the seed's empower reset its balances to 0."
            return text

        result = self.message.run(act, said)
        return result[0] if result else None

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
            instruction = sent[0].decoded_input["string _info"]
            if self.dispatch_target.value != ALL_USERS:
                return (f'Sent "{instruction}" to {self._label(sent[0].decoded_input["address addr"])}, '
                        f"in block {sent[0].block_number}.")
            return (f'Sent "{instruction}" to {len(sent)} users '
                    f"({', '.join(self._label(e.decoded_input['address addr']) for e in sent)}).")

        return self.message.run(act, said)

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
        got = ", ".join(self._label(e.decoded_input["address addr"]) for e in sent)
        missed = ", ".join(self._label(a) for a in targets[len(sent):])
        return GridError(f"only {len(sent)} of {len(targets)} users got the instruction ({got}); "
                         f"not sent to {missed}, because {exc.message}", kind=exc.kind)

    def _require_admin(self) -> None:
        admin = self.client.administrator()
        if self.client.account.address != admin:
            raise GridError(self._not_admin_reason(admin), kind="permission")

    def _not_admin_reason(self, admin: str) -> str:
        return (f"{self.client.account.name} is not the administrator ({self._label(admin)} is): only the "
                f"administrator can register users and send dispatch instructions, so open the manager "
                f"platform with the administrator's account")

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
        self.status_display.value = html.escape(self.status) if self.is_admin else _note_html(self.status)
        self.users_table.value = users_table_html(users)
        options = [(ALL_USERS_LABEL, ALL_USERS)] + [(row.label, row.address) for row in users]
        if list(self.dispatch_target.options) != options:
            chosen = self.dispatch_target.value
            self.dispatch_target.options = options
            self.dispatch_target.value = chosen if chosen in [v for _, v in options] else ALL_USERS
        for control in (self.register_address, self.register_name, self.register_location,
                        self.register_generate, self.register_consume, self.register_button,
                        self.dispatch_target, self.dispatch_text, self.dispatch_button):
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


def _cells(row: UserRow) -> list[str]:
    return [row.name, row.label, row.location, row.rights, str(row.generation_balance),
            str(row.total_generation), str(row.remaining), str(row.total_use), row.dispatch]


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
                      for (_, css), text in zip(TABLE_COLUMNS, _cells(row)))
            + "</tr>" for row in users)
    return f"<table class='gc-manager-users-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
