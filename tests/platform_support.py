"""Helpers for the platform tests: read what the widgets show, and prove that nothing was sent."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from grid.widgets import ManagerDashboard

NOT_ADMIN = "consumer1"


class _Rows(HTMLParser):
    """Each <tr class="gc-manager-user-row"> of the users table as {css suffix: text}."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self._cell: str | None = None

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class", "") or ""
        if tag == "tr" and "gc-manager-user-row" in classes:
            self.rows.append({"data-address": dict(attrs)["data-address"]})
        elif tag == "td" and self.rows and classes.startswith("gc-manager-user-"):
            self._cell = classes.removeprefix("gc-manager-user-")
            self.rows[-1][self._cell] = ""

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = None

    def handle_data(self, data):
        if self._cell:
            self.rows[-1][self._cell] += data


def table_rows(manager: ManagerDashboard) -> dict[str, dict[str, str]]:
    parser = _Rows()
    parser.feed(manager.users_table.value)
    return {row["data-address"]: row for row in parser.rows}


def shown(display) -> str:
    """The text a browser shows for a value display (HTML-unescaped)."""
    return html.unescape(re.sub("<[^>]+>", "", display.value))


def fill_register(manager: ManagerDashboard, address: str, name: str, location: str, generate: bool,
                  consume: bool) -> None:
    manager.register_address.value = address
    manager.register_name.value = name
    manager.register_location.value = location
    manager.register_generate.value = generate
    manager.register_consume.value = consume


class NothingSent:
    """Assert that no block was mined and no account's nonce moved."""

    def __init__(self, chain, client) -> None:
        self.chain, self.client = chain, client

    def __enter__(self):
        self.block = self.chain.block_number
        self.nonces = [self.chain.w3.eth.get_transaction_count(a.address) for a in self.chain.accounts]
        self.logged = len(self.client.log.transactions)
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            assert self.chain.block_number == self.block
            assert [self.chain.w3.eth.get_transaction_count(a.address)
                    for a in self.chain.accounts] == self.nonces
            assert len(self.client.log.transactions) == self.logged


def assert_one_error(message_line, *fragments: str) -> None:
    assert message_line.kind == "error", message_line.text
    text = message_line.text
    assert text and "\n" not in text and "Traceback" not in text and "Unexpected" not in text, text
    for fragment in fragments:
        assert fragment.lower() in text.lower(), text


def css_classes(widget, found: set[str] | None = None) -> set[str]:
    """Every CSS class on `widget` and its children, including those inside HTML values."""
    found = set() if found is None else found
    found.update(getattr(widget, "_dom_classes", ()))
    for child in getattr(widget, "children", ()):
        css_classes(child, found)
    value = getattr(widget, "value", None)
    if isinstance(value, str):
        found.update(c for cs in re.findall(r"class=['\"]([^'\"]+)", value) for c in cs.split())
    return found


def screen_text(widget, found: list[str] | None = None) -> str:
    """Every word `widget` and its children put on the screen: labels, values, options, placeholders, HTML."""
    found = [] if found is None else found
    for name in ("description", "placeholder", "tooltip", "value"):
        text = getattr(widget, name, None)
        if isinstance(text, str):
            found.append(html.unescape(re.sub(r"<[^>]+>", " ", text)))
    found.extend(str(option) for option in getattr(widget, "options", ()))
    for child in getattr(widget, "children", ()):
        screen_text(child, found)
    return " ".join(found)
