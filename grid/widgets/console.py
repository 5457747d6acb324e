"""A Remix-like console for the PowerGeneration contract (thesis section 5.2, Figs. 5-3 to 5-6).

    console = ContractConsole(client)            # client = PowerGridClient.deploy(chain)
    console                                      # show it in a notebook
    console.select_account("generator1")         # Remix's account switch
    console.run("Transfer", "consumer1", "100")  # fill the inputs, click the red button
    console.run("GetGeneration")                 # a blue button: a call
    print(console.summary())                     # the same content as plain text

What it shows, as Remix does in the thesis:

* an account picker with the chain's named accounts (name + short address): the
  acting account, i.e. the `msg.sender` of every button;
* one row per contract function from the ABI, with one input per parameter (a
  text box for address, uint256 and string, whose placeholder is the type; a
  checkbox for bool). Transactions are **red** (they change the contract and are
  mined in a block), calls are **blue** (read only, answered at once, no block):
  section 5.2.1's "blue and red" buttons;
* a message line with the last action's result in one sentence;
* the transaction log, newest first: each entry opens to show the hash, the
  input, the decoded input, the decoded output, the gas used and the block
  (Figs. 5-4 to 5-6). Entries come from `client.log`, so transactions sent from
  notebook code with the same client appear too. An action refused before
  sending (bad input, a missing right, a node that is down) appears as a
  "not sent" entry with its one-sentence reason; nothing reaches the chain.

The widget holds no business logic: every button calls `client.invoke(...)`,
which checks the arguments and the contract's rights before sending anything.

Stable CSS classes (the contract with browser tests):

    gc-console                        the whole console
    gc-console-header                 contract address, chain, chain id
    gc-console-account                the account picker (Dropdown)
    gc-console-function               each function's row; also gc-console-function-<fn>
    gc-console-button-<fn>            its button; also gc-console-transaction-button or
                                      gc-console-call-button
    gc-console-kind                   the "transaction" / "call" label of a row
    gc-console-input-<fn>-<param>     one input (Text, or Checkbox for bool)
    gc-console-result-<fn>            a call's last result ("0: int256: _value -100")
    gc-console-message                the one-sentence message line
    gc-console-log                    the transaction log (newest first)
    gc-console-entry                  one log entry; also gc-console-entry-<ok|reverted|rejected>
                                      and gc-console-entry-<transaction|call>
    inside an entry's HTML:
    gc-console-details / gc-console-headline      the <details> element and its <summary>
    gc-console-field-<name>           one row: status, hash, from, to, input, decoded-input,
                                      decoded-output, gas, block, error, note, typed
"""
from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets
from IPython.display import display

from ..accounts import NamedAccount
from ..errors import GridError
from ..txlog import TxLogEntry
from ..validation import check_bool
from .common import MessageLine, sentence
from .console_entry import (
    CALL_STYLE,
    KIND_COLOURS,
    MAX_ENTRIES,
    MAX_SHOWN,
    TRANSACTION_STYLE,
    ConsoleEntry,
    call_result_text,
    short_address,
)


class ContractConsole:
    """Remix's "Deploy & run" panel for a deployed PowerGeneration contract (thesis 5.2)."""

    def __init__(self, client: Any, *, accounts: Iterable[str | NamedAccount] | None = None,
                 history: bool = True) -> None:
        """Build the console for `client` (a PowerGridClient).

        `accounts` limits the picker (default: every named account of the chain);
        `history` shows the entries already in `client.log` for this contract.
        """
        self.client = client
        self._base = client
        self._confirmed: tuple | None = None   # the destructive call a second press confirms
        chain = client.chain
        self.accounts = [chain.account(a) for a in (accounts if accounts is not None else chain.accounts)]
        if not self.accounts:
            raise GridError("the console needs at least one account to act as: give "
                            "accounts=[\"admin\", ...] or leave it out to use every account of the chain",
                            kind="input")
        self.entries: list[ConsoleEntry] = []
        self.last_entry: ConsoleEntry | None = None
        self._arrived = 0   # log entries received; tells a refused action from a mined revert

        self.header = widgets.HTML(
            f"<b>{html.escape(client.artifact.contract_name)}</b> at <code>{client.address}</code> "
            f"on the {html.escape(str(chain.target))} chain (chainId {chain.chain_id})")
        self.header.add_class("gc-console-header")
        names = [a.name for a in self.accounts]
        self.account = widgets.Dropdown(
            options=[(f"{a.name} ({short_address(a.address)})", a.name) for a in self.accounts],
            value=client.account.name if client.account.name in names else names[0],
            description="account", layout=widgets.Layout(width="330px"))
        self.account.add_class("gc-console-account")
        if self.account.value != client.account.name:
            self.client = self._base.using(self.account.value)
        self.account.observe(self._on_account, names="value")

        self.message = MessageLine("gc-console-message")
        self.buttons: dict[str, widgets.Button] = {}
        self.inputs: dict[str, dict[str, widgets.Widget]] = {}
        self.results: dict[str, widgets.HTML] = {}
        self.rows: dict[str, widgets.HBox] = {}
        specs = list(client.functions.values())
        transactions = [self._make_row(s) for s in specs if not s.is_view]
        calls = [self._make_row(s) for s in specs if s.is_view]

        self.log_box = widgets.VBox(layout=widgets.Layout(max_height="420px", overflow="auto"))
        self.log_box.add_class("gc-console-log")
        self.widget = widgets.VBox([
            self.header,
            self.account,
            widgets.HTML(f'<b style="color:{KIND_COLOURS["transaction"]}">Transactions</b> '
                         "(red): change the contract, are mined in a block and cost gas"),
            *transactions,
            widgets.HTML(f'<b style="color:{KIND_COLOURS["call"]}">Calls</b> '
                         "(blue): read only, answered by the node at once, no block, no gas"),
            *calls,
            self.message.widget,
            widgets.HTML("<b>Transaction log</b> (newest first): click an entry to open it"),
            self.log_box,
        ])
        self.widget.add_class("gc-console")

        if history:
            for entry in client.log:
                self._on_log(entry)
        self._unsubscribe = client.log.subscribe(self._on_log)

    # ------------------------------------------------------------ building
    def _make_row(self, spec: Any) -> widgets.HBox:
        kind = "call" if spec.is_view else "transaction"
        button = widgets.Button(
            description=spec.name, button_style=CALL_STYLE if spec.is_view else TRANSACTION_STYLE,
            tooltip=f"{spec.signature}: " + ("a call, read only" if spec.is_view else
                                             "a transaction, changes the contract"),
            layout=widgets.Layout(width="190px", min_width="190px"))
        button.add_class(f"gc-console-button-{spec.name}")
        button.add_class(f"gc-console-{kind}-button")
        button.on_click(lambda _button, name=spec.name: self.execute(name))
        label = widgets.HTML(f'<span style="color:{KIND_COLOURS[kind]};font-size:85%">{kind}</span>',
                             layout=widgets.Layout(width="80px", min_width="80px"))
        label.add_class("gc-console-kind")
        inputs: dict[str, widgets.Widget] = {}
        for abi_type, name in spec.inputs:
            if abi_type == "bool":
                box: widgets.Widget = widgets.Checkbox(value=False, description=name, indent=False,
                                                       layout=widgets.Layout(width="auto"))
            else:
                wide = "310px" if abi_type == "address" else "150px"
                box = widgets.Text(placeholder=f"{abi_type} {name}", layout=widgets.Layout(width=wide),
                                   tooltip=("a 0x address or an account name, e.g. consumer1"
                                            if abi_type == "address" else f"{abi_type} {name}"))
            box.add_class(f"gc-console-input-{spec.name}-{name}")
            inputs[name] = box
        parts: list[widgets.Widget] = [button, label, *inputs.values()]
        if spec.is_view:
            result = widgets.HTML("")
            result.add_class(f"gc-console-result-{spec.name}")
            self.results[spec.name] = result
            parts.append(result)
        row = widgets.HBox(parts, layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        row.add_class("gc-console-function")
        row.add_class(f"gc-console-function-{spec.name}")
        self.buttons[spec.name], self.inputs[spec.name], self.rows[spec.name] = button, inputs, row
        return row

    # ------------------------------------------------------------ actions
    @property
    def acting(self) -> NamedAccount:
        """The account the buttons act as (msg.sender)."""
        return self.client.account

    def select_account(self, who: str | NamedAccount) -> bool:
        """Act as `who` (a name or an address from the picker); False with a message if unknown."""
        def pick() -> str:
            account = self._base.chain.account(who)
            if account.name not in [a.name for a in self.accounts]:
                raise GridError(f"{account.name} is not in this console's account picker: choose one "
                                f"of {', '.join(a.name for a in self.accounts)}", kind="account")
            return account.name

        name = self.message.run(pick)
        if name is None:
            return False
        self.account.value = name   # the observer switches the client and says so
        return True

    def _on_account(self, change: dict) -> None:
        self.client = self._base.using(change["new"])
        self.message.show(f"Acting as {self.acting.name} ({self.acting.address}): every button now "
                          f"sends msg.sender = {short_address(self.acting.address)}", "info")

    def run(self, function: str, *texts: Any) -> ConsoleEntry | None:
        """Type `texts` into `function`'s inputs and click its button, as a student would.

        Booleans take True/False (or "true"/"false"). Returns the new log entry
        (None only when `function` is not a contract function).
        """
        if function not in self.buttons:
            self.message.show(f"{self.client.artifact.contract_name} has no function {function!r}: choose "
                              f"one of {', '.join(self.buttons)}", "error")
            return None
        boxes = self.inputs[function]
        if len(texts) != len(boxes):
            return self._reject(function, texts, f"{function} takes {len(boxes)} input(s) "
                                f"({', '.join(boxes) or 'none'}), not {len(texts)}")
        for (name, box), text in zip(boxes.items(), texts, strict=True):
            if isinstance(box, widgets.Checkbox):
                try:
                    box.value = check_bool(text, name)
                except GridError as exc:
                    return self._reject(function, texts, exc.message)
            else:
                box.value = text if isinstance(text, str) else str(text)
        self.buttons[function].click()
        return self.last_entry

    def execute(self, function: str) -> ConsoleEntry | None:
        """What a click on `function`'s button does: send the inputs' values through the client."""
        spec = self.client.functions[function]
        values = [box.value for box in self.inputs[function].values()]
        arrived = self._arrived
        failure: list[str] = []

        def send() -> TxLogEntry:
            try:
                self._confirm(function, values)
                return self.client.invoke(function, *values)
            except GridError as exc:
                failure.append(exc.message)   # the sentence as the client wrote it, for the log
                raise

        entry = self.message.run(send, success=lambda e: self._success_text(spec, e))
        if entry is None:
            if self._arrived == arrived:   # refused before sending: the log got nothing
                reason = failure[0] if failure else self.message.text
                return self._reject(function, tuple(values), reason, show=False)
            return self.last_entry         # mined but reverted: the log entry says why
        if entry.note:
            self.message.show(f"{function} from {entry.sender} was mined in block {entry.block_number}, "
                              f"but {entry.note}", "warning")
        return self.last_entry

    def _confirm(self, function: str, values: list) -> None:
        """Refuse the first press of a destructive call; the same inputs pressed again go through."""
        asked = (function, tuple(values))
        warning = self.client.rules.needs_confirmation(self.client, function,
                                                       self.client.check_arguments(self.client.spec(function),
                                                                                   tuple(values)))
        if warning and self._confirmed != asked:
            self._confirmed = asked
            raise GridError(f"{warning}: press {function} again to send it anyway (or change an input to "
                            f"cancel)", kind="input", function=function)
        self._confirmed = None

    def _success_text(self, spec: Any, entry: TxLogEntry) -> str:
        if spec.is_view:
            return f"{spec.name} as {entry.sender}: {call_result_text(entry.decoded_output)}"
        return (f"{spec.name} from {entry.sender} was mined in block {entry.block_number} "
                f"(gas used {entry.gas_used:,})")

    def _reject(self, function: str, typed: tuple, message: str, *, show: bool = True) -> ConsoleEntry:
        if show:
            self.message.show(sentence(message), "error")
        spec = self.client.functions.get(function)
        kind = "call" if spec is not None and spec.is_view else "transaction"
        entry = ConsoleEntry(function, kind, self.acting.name, "rejected", None, message, tuple(typed))
        self._add(entry)
        return entry

    # ------------------------------------------------------------ the log
    def _on_log(self, log_entry: TxLogEntry) -> None:
        # Called by client.log for every entry, including ones sent from notebook
        # code; it must never raise, or the client's own action would fail.
        try:
            if str(log_entry.contract).lower() != self.client.address.lower():
                return
            self._arrived += 1
            entry = ConsoleEntry.from_log(log_entry)
            if entry.kind == "call" and entry.function in self.results:
                self.results[entry.function].value = (
                    f'<code>{html.escape(call_result_text(log_entry.decoded_output))}</code> '
                    f'<span style="color:#57606a">(as {html.escape(entry.sender)})</span>')
            self._add(entry)
        except Exception:  # a display problem must not break a transaction
            pass

    def _add(self, entry: ConsoleEntry) -> None:
        self.entries.append(entry)
        del self.entries[:-MAX_ENTRIES]
        self.last_entry = entry
        view = widgets.HTML(entry.html())
        view.add_class("gc-console-entry")
        view.add_class(f"gc-console-entry-{entry.status}")
        view.add_class(f"gc-console-entry-{entry.kind}")
        dropped = self.log_box.children[MAX_SHOWN - 1:]
        self.log_box.children = (view, *self.log_box.children[:MAX_SHOWN - 1])
        for old in dropped:
            old.close()

    # ------------------------------------------------------------ views
    def summary(self) -> str:
        """Plain text of what the console shows: account, functions, message, recent log."""
        chain = self._base.chain
        lines = [f"{self.client.artifact.contract_name} console: {self.client.address} on the "
                 f"{chain.target} chain (chainId {chain.chain_id})",
                 f"acting account: {self.acting.name} ({self.acting.address})",
                 "transactions (red): " + ", ".join(n for n, s in self.client.functions.items()
                                                     if not s.is_view)]
        calls = []
        for name, spec in self.client.functions.items():
            if spec.is_view:
                last = next((e for e in reversed(self.entries) if e.function == name and e.sent), None)
                calls.append(f"{name} = {last.value!r} (as {last.sender})" if last else name)
        lines.append("calls (blue): " + ", ".join(calls))
        if self.message.text:
            lines.append(f"message: {self.message.text}")
        shown = self.entries[-8:]
        count = len(self.entries)
        lines.append(f"log: {count} {'entry' if count == 1 else 'entries'}" +
                     (f", the last {len(shown)} (oldest first):" if shown else ""))
        lines += [f"  {e.headline()}" for e in shown]
        return "\n".join(lines)

    def close(self) -> None:
        """Stop following the client's log and close the widgets."""
        self._unsubscribe()
        self.widget.close()

    def _ipython_display_(self) -> None:
        display(self.widget)

    def __repr__(self) -> str:
        return f"<ContractConsole {self.client.address} as {self.acting.name}, {len(self.entries)} entries>"
