"""One entry of the contract console's log: a transaction, a call, or an action refused before sending.

`ConsoleEntry` turns a `TxLogEntry` (or a refusal) into the headline, the
fields and the HTML `<details>` element the console shows, newest first,
like Remix's transaction log in thesis Figs. 5-4 to 5-6.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

from ..txlog import TxLogEntry

MAX_ENTRIES = 1_000    # entries kept in `console.entries` (a bounded console, like TxLog)
MAX_SHOWN = 50         # entries rendered in the log box; older ones stay in `entries`
TRANSACTION_STYLE, CALL_STYLE = "danger", "primary"   # red and blue, as in thesis Fig. 5-3
KIND_COLOURS = {"transaction": "#cf222e", "call": "#0969da"}
_ICONS = {"ok": "✔", "reverted": "✘", "rejected": "✘", "note": "⚠"}


def short_address(address: str) -> str:
    """0x7099...79C8: enough to tell accounts apart in a picker."""
    return f"{address[:6]}...{address[-4:]}"


def call_result_text(decoded_output: dict[str, Any]) -> str:
    """A call's result the way Remix prints it: '0: int256: _value -100'."""
    parts = []
    for index, (label, value) in enumerate(decoded_output.items()):
        abi_type, _, name = label.partition(" ")
        parts.append(f"{index}: {abi_type}: {name} {value}".rstrip())
    return "; ".join(parts) or "(no output)"


def _json(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


@dataclass(frozen=True)
class ConsoleEntry:
    """One entry of the console's log.

    Either a transaction or call from `client.log` (`log_entry` set; status "ok"
    or "reverted"), or an action the client refused before sending anything
    (status "rejected"; `typed` holds what was in the inputs).
    """

    function: str
    kind: str                            # "transaction" or "call"
    sender: str                          # the acting account's name
    status: str                          # "ok", "reverted" or "rejected"
    log_entry: TxLogEntry | None = None  # None when nothing was sent
    message: str = ""                    # the error sentence, or a note such as a silent no-op
    typed: tuple[Any, ...] = ()          # the inputs' values for a rejected action

    @classmethod
    def from_log(cls, entry: TxLogEntry) -> ConsoleEntry:
        """Wrap a transaction or call recorded in `client.log`."""
        return cls(entry.function, entry.kind, entry.sender, entry.status, entry,
                   entry.error or entry.note or "")

    @property
    def ok(self) -> bool:
        """True when the action was sent and succeeded."""
        return self.status == "ok"

    @property
    def warning(self) -> bool:
        """True for a mined transaction that carries a warning note (e.g. a silent no-op)."""
        return self.ok and bool(self.message) and self.function != "(constructor)"

    @property
    def sent(self) -> bool:
        """True when something reached the chain (a call or a mined transaction)."""
        return self.log_entry is not None

    @property
    def value(self) -> Any:
        """A call's decoded result (one value, or a tuple); None otherwise."""
        if self.log_entry is None or self.kind != "call":
            return None
        values = list(self.log_entry.decoded_output.values())
        return values[0] if len(values) == 1 else tuple(values)

    def headline(self) -> str:
        """One line: icon, kind, function, sender, and where it went."""
        icon = _ICONS["note"] if self.warning else _ICONS[self.status]
        head = f"{icon} [{self.kind}] {self.function} from {self.sender}"
        entry = self.log_entry
        if entry is None:
            return f"{head} - not sent: {self.message}"
        if self.kind == "call":
            return f"{head} -> {call_result_text(entry.decoded_output)}"
        where = f"block {entry.block_number}" + (f", gas {entry.gas_used:,}" if entry.gas_used else "")
        if self.status == "reverted":
            return f"{head} - reverted in {where}: {self.message}"
        return f"{head} - {where}" + (f" - {self.message}" if self.message else "")

    def fields(self) -> list[tuple[str, str]]:
        """(label, text) rows of the opened entry: the content of Figs. 5-4 to 5-6."""
        entry = self.log_entry
        if entry is None:
            return [("status", "not sent: nothing reached the chain"),
                    ("typed", _json(list(self.typed))), ("error", self.message)]
        rows = [("status", {"ok": "ok", "reverted": "reverted (mined, state unchanged)"}[entry.status])]
        if entry.tx_hash:
            rows.append(("hash", entry.tx_hash))
        rows += [("from", f"{entry.sender} {entry.sender_address}"), ("to", entry.contract),
                 ("input", entry.input),
                 ("decoded input", _json(entry.decoded_input)),
                 ("decoded output", _json(entry.decoded_output))]
        if entry.kind == "transaction":
            rows += [("gas", f"{entry.gas_used:,} used" if entry.gas_used is not None else "-"),
                     ("block", str(entry.block_number))]
        else:
            rows += [("gas", "none paid: a call runs on the node only"),
                     ("block", "latest (a call is not mined)")]
        if entry.error:
            rows.append(("error", entry.error))
        if entry.note:
            rows.append(("note", entry.note))
        return rows

    def format(self) -> str:
        """Plain text: the headline, then one line per field."""
        return "\n".join([self.headline()] + [f"  {label:<15} {text}" for label, text in self.fields()])

    def html(self) -> str:
        """The entry as an HTML <details> element, closed until clicked (like Remix)."""
        colour = KIND_COLOURS[self.kind] if self.ok else "#cf222e"
        rows = "".join(
            f'<tr class="gc-console-field-{label.replace(" ", "-")}">'
            f'<td style="padding:1px 8px 1px 0;color:#57606a;white-space:nowrap;vertical-align:top">'
            f'{label}</td><td style="padding:1px 0;font-family:monospace;word-break:break-all">'
            f'{html.escape(text)}</td></tr>'
            for label, text in self.fields())
        return (f'<details class="gc-console-details" style="border-left:3px solid {colour};'
                f'padding-left:6px;margin:2px 0">'
                f'<summary class="gc-console-headline" style="cursor:pointer">{html.escape(self.headline())}'
                f'</summary><table style="font-size:90%">{rows}</table></details>')
