"""A household's day on the platforms: per slot its meter reading, its trades and the dispatch it received.

    from grid.widgets.household_day import HouseholdDayPanel
    panel = HouseholdDayPanel(market, "house03", registry)
    panel.summary()

Energies are shown in kWh and money in ETH; the chain's own Wh and wei are in
`panel.rows` (grid.market.household_day).

CSS classes:
    gc-day             the whole panel
    gc-day-account     Dropdown: whose day (the manager platform's; the user platform shows its own)
    gc-day-table       HTML: one <tr class="gc-day-slot"> per slot, then <tr class="gc-day-total">
    gc-day-message     the message line
"""
from __future__ import annotations

import html
from datetime import UTC, datetime

import ipywidgets as widgets

from ..energy import kwh_number
from ..market import MarketClient, eth_text
from ..market.household_day import HouseholdSlot, household_day
from ..market.units import eth_number, price_number
from ..powergridv2 import PowerGridV2Client
from .common import DEFAULT_REFRESH_S, LiveWidget, MessageLine

COLUMNS = ("Slot", "Starts (UTC)", "Exported (kWh)", "Imported (kWh)", "Bought (kWh)", "Sold (kWh)",
           "Price (ETH/kWh)", "Paid (ETH)", "Earned (ETH)", "Dispatch received")


class HouseholdDayPanel(LiveWidget):
    """One household's slots, read from the market's events and the registry's dispatch history."""

    def __init__(self, market: MarketClient, account: str, registry: PowerGridV2Client | None = None, *,
                 pick: bool = False, live: bool = True, refresh_interval: float = DEFAULT_REFRESH_S) -> None:
        """Show `account`'s day on `market` (with `registry`, the dispatches it received too).

        `pick` adds a household picker (the manager platform's view of anyone's day).
        """
        self.client = market
        self.chain = market.chain
        self.registry = registry
        self.account = self.chain.account(account).name
        self.rows: list[HouseholdSlot] = []
        self.table = widgets.HTML()
        self.table.add_class("gc-day-table")
        self.message = MessageLine("gc-day-message")
        # Without `pick` there is no picker at all: a hidden one could still be set from the page.
        self.picker: widgets.Dropdown | None = None
        if pick:
            self.picker = widgets.Dropdown(options=list(self.chain.accounts.names), value=self.account,
                                           description="Household", layout=widgets.Layout(width="auto"))
            self.picker.add_class("gc-day-account")
            self.picker.observe(lambda change: self.show_account(change["new"]), names="value")
        title = widgets.HTML("<b>A household's day</b>" if pick else "<b>My day</b>")
        self.widget = widgets.VBox([title, *([self.picker] if pick else []), self.table, self.message.widget],
                                   layout=widgets.Layout(border="1px solid #ccc", padding="8px"))
        self.widget.add_class("gc-day")
        self._start_live(live, refresh_interval)

    def show_account(self, account: str) -> None:
        """Show another household's day."""
        self.account = self.chain.account(account).name
        self.refresh()

    def _read_and_draw(self) -> None:
        rows = household_day(self.client, self.account, self.registry)
        self.rows = rows
        self.table.value = day_html(rows)

    def summary(self) -> str:
        """A plain-text view: one line per slot, then the totals."""
        lines = [f"Day of {self.account}"]
        if not self.rows:
            lines.append("  no slots yet: no orders, readings or dispatches")
        for row in self.rows:
            cells = row_cells(row)
            lines.append("  " + " · ".join(f"{name.split(' (')[0].lower()} {cell}"
                                           for name, cell in zip(COLUMNS, cells, strict=True) if cell))
        if self.rows:
            lines.append("  total · " + totals_text(self.rows))
        return "\n".join(lines)


def row_cells(row: HouseholdSlot) -> list[str]:
    """The table cells of one slot (bare kWh and ETH numbers; the headings carry the units)."""
    start = datetime.fromtimestamp(row.start, UTC).strftime("%Y-%m-%d %H:%M")
    reading = (("", "") if row.exported_wh is None
               else (kwh_number(row.exported_wh), kwh_number(row.imported_wh or 0)))
    return [str(row.slot), start, *reading, kwh_number(row.bought_wh), kwh_number(row.sold_wh),
            price_number(row.price_wei_per_wh) if row.price_wei_per_wh else "",
            _eth(row.paid_wei), _eth(row.earned_wei), "; ".join(row.dispatches)]


def totals_text(rows: list[HouseholdSlot]) -> str:
    """The day's totals in words: energies in kWh, money in ETH."""
    def total(field: str) -> int:
        return sum(getattr(r, field) or 0 for r in rows)
    return (f"exported {kwh_number(total('exported_wh'))} kWh, "
            f"imported {kwh_number(total('imported_wh'))} kWh, "
            f"bought {kwh_number(total('bought_wh'))} kWh, sold {kwh_number(total('sold_wh'))} kWh, "
            f"paid {eth_text(total('paid_wei'))}, earned {eth_text(total('earned_wei'))}, "
            f"{sum(len(r.dispatches) for r in rows)} dispatch instruction(s)")


def day_html(rows: list[HouseholdSlot]) -> str:
    """The day as an HTML table."""
    if not rows:
        return ("<i>No slots yet: this household has placed no orders, sent no readings and had no "
                "dispatch.</i>")
    head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
    body = "".join("<tr class='gc-day-slot'>" + "".join(f"<td>{html.escape(c)}</td>" for c in row_cells(r))
                   + "</tr>" for r in rows)
    total = (f"<tr class='gc-day-total'><td colspan='{len(COLUMNS)}'>{html.escape(totals_text(rows))}"
             f"</td></tr>")
    return f"<table><tr>{head}</tr>{body}{total}</table>"


def _eth(wei: int) -> str:
    return eth_number(wei) if wei else ""


def day_section(host: LiveWidget, market: MarketClient | None, client: object, account: str, *, pick: bool,
                live: bool, refresh_interval: float) -> HouseholdDayPanel | None:
    """A platform's household-day section under `host` (closed with it); None without a market."""
    if market is None:
        return None
    registry = client if isinstance(client, PowerGridV2Client) else None   # the seed keeps no history
    panel = HouseholdDayPanel(market, account, registry, pick=pick, live=live,
                              refresh_interval=refresh_interval)
    host.widget.children = (*host.widget.children, panel.widget)  # type: ignore[attr-defined]
    host.parts.append(panel)
    return panel
