"""A block explorer widget: recent blocks, and the decoded transactions of the one you pick.

    explorer = BlockExplorer(client)        # client = PowerGridClient on any chain
    explorer                                # show it in a notebook
    explorer.show_block(3)                  # what picking block 3 in the list does
    print(explorer.summary())               # the same content as plain text

It shows what Etherscan shows for mainnet, for your private chain: a table of
the newest blocks (number, hash, time, transactions, gas used), a list to pick
one, and that block's transactions with who sent them to whom and the call
decoded with the contract's ABI ("Transfer(_to=consumer1, _value=100)").
Everything comes from `grid.explorer`, which reads the chain through web3;
the widget holds no logic of its own. It refreshes on the refresh button, on
every transaction the client sends, and, once `start()` is called in a running
kernel, whenever the chain moves on (a `BlockWatcher`), so blocks made by
another page show up too. A bad block number or a stopped node shows one
sentence in the message line and changes nothing else.

Stable CSS classes (the contract with browser tests):

    gc-explorer                       the whole explorer
    gc-explorer-header                chain, chain id and latest block
    gc-explorer-refresh-button        the refresh button
    gc-explorer-blocks                the table of recent blocks
    gc-explorer-block-row             one row of it; also gc-explorer-block-<number>
                                      and gc-explorer-block-selected for the picked one
    gc-explorer-block-select          the list to pick a block from (Select)
    gc-explorer-block-input           a Text box to type any block number
    gc-explorer-show-button           shows the block typed in the box
    gc-explorer-transactions          the picked block's transactions
    gc-explorer-tx                    one transaction row; also gc-explorer-tx-<ok|reverted>
    gc-explorer-tx-call               its decoded call cell
    gc-explorer-message               the one-sentence message line
"""
from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
from IPython.display import display

from ..errors import GridError
from ..explorer import (
    BlockSummary,
    TxSummary,
    block_transactions,
    format_blocks,
    format_transactions,
    recent_blocks,
    short_hash,
)
from .common import BlockWatcher, MessageLine, sentence

DEFAULT_COUNT = 10
_CELL = "padding:2px 8px;border-bottom:1px solid #d0d7de;text-align:left;vertical-align:top"
_MONO = "font-family:monospace"


class BlockExplorer:
    """Recent blocks of the client's chain and the decoded transactions of a picked block."""

    def __init__(self, client: Any, *, count: int = DEFAULT_COUNT, interval: float = 1.0) -> None:
        """Build the explorer for `client` (a PowerGridClient); show the newest `count` blocks."""
        self.client = client
        self.chain = client.chain
        self.count = count
        # computed state (read by tests and summary())
        self.blocks: list[BlockSummary] = []
        self.latest_block: int | None = None
        self.selected_block: int | None = None
        self.transactions: list[TxSummary] = []

        self.header = widgets.HTML()
        self.header.add_class("gc-explorer-header")
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh",
                                             tooltip="read the newest blocks from the node")
        self.refresh_button.add_class("gc-explorer-refresh-button")
        self.blocks_html = widgets.HTML()
        self.blocks_html.add_class("gc-explorer-blocks")
        self.block_select = widgets.Select(options=[], rows=min(count, 8), description="Block:",
                                           layout=widgets.Layout(width="340px"))
        self.block_select.add_class("gc-explorer-block-select")
        self.block_input = widgets.Text(placeholder="block number", layout=widgets.Layout(width="140px"))
        self.block_input.add_class("gc-explorer-block-input")
        self.show_button = widgets.Button(description="Show block",
                                          tooltip="show the block typed on the left")
        self.show_button.add_class("gc-explorer-show-button")
        self.transactions_html = widgets.HTML()
        self.transactions_html.add_class("gc-explorer-transactions")
        self.message = MessageLine("gc-explorer-message")

        self.refresh_button.on_click(lambda _: self.refresh())
        self.show_button.on_click(lambda _: self.show_block(self.block_input.value))
        self.block_select.observe(self._on_select, names="value")
        self._updating = False  # True while refresh() rewrites the list (not a user's pick)
        self._live_error = False  # the message shows an error from a live refresh
        self.watcher = BlockWatcher(self.chain, self._refresh_quietly, interval=interval,
                                    on_error=self._show_live_error)
        self._unsubscribe = client.log.subscribe(
            lambda entry: self._refresh_quietly() if entry.kind == "transaction" else None)

        picker = widgets.VBox([self.block_select,
                               widgets.HBox([self.block_input, self.show_button])])
        self.widget = widgets.VBox([
            widgets.HBox([self.header, self.refresh_button]),
            self.blocks_html, picker, self.transactions_html, self.message.widget])
        self.widget.add_class("gc-explorer")
        self.refresh()

    # ------------------------------------------------------------- actions
    def refresh(self) -> bool:
        """Read the newest blocks again (the refresh button); True when it worked."""
        self._live_error = False
        done = self.message.run(self._load) is not None
        if done:
            self.message.clear()  # the tables say it all; an earlier error is no longer true
        return done

    def show_block(self, number: Any) -> bool:
        """Show the transactions of block `number` (an int or typed digits); True when shown."""
        self._live_error = False
        def load() -> int:
            txs = block_transactions(self.chain, number, client=self.client)
            picked = txs[0].block_number if txs else _as_int(number)
            self.selected_block, self.transactions = picked, txs
            self._render()
            return picked
        said = self.message.run(load, lambda n: f"Block {n}: {len(self.transactions)} transaction(s).")
        return said is not None

    def start(self) -> bool:
        """Refresh live whenever the chain moves on (needs a running kernel); False in tests."""
        return self.watcher.start()

    def stop(self) -> None:
        """Stop live refresh (background polling and the transaction-log subscription)."""
        self.watcher.stop()
        self._unsubscribe()

    # ------------------------------------------------------------- state
    def _load(self) -> int:
        """Read blocks, then the picked block's transactions; assign state only when all worked."""
        blocks = recent_blocks(self.chain, self.count)
        latest = blocks[0].number
        follow = self.selected_block is None or self.selected_block == self.latest_block
        selected = latest if follow else self.selected_block
        txs = block_transactions(self.chain, selected, client=self.client)
        self.blocks, self.latest_block = blocks, latest
        self.selected_block, self.transactions = selected, txs
        self.watcher.last_block = latest
        self._render()
        return latest

    def _refresh_quietly(self) -> None:
        # A live refresh keeps the message of the student's last action, but clears
        # an error that an earlier live refresh showed (the node is back).
        try:
            self._load()
        except GridError as exc:
            self._show_live_error(exc)
            return
        if self._live_error:
            self._live_error = False
            self.message.clear()

    def _show_live_error(self, exc: GridError) -> None:
        self._live_error = True
        self.message.show(sentence(exc.message), "error")

    def _on_select(self, change: dict) -> None:
        if self._updating or change["new"] is None or change["new"] == self.selected_block:
            return
        self.show_block(change["new"])

    # ------------------------------------------------------------- views
    def _render(self) -> None:
        chain = self.chain
        self.header.value = (f"<b>Block explorer</b> · {html.escape(chain.target)} chain · chainId "
                             f"{chain.chain_id} · latest block <b>{self.latest_block}</b>")
        self.blocks_html.value = self._blocks_table()
        self._updating = True
        try:
            options = [(f"block {b.number} · {b.transaction_count} tx · {b.gas_used:,} gas", b.number)
                       for b in self.blocks]
            if self.selected_block is not None and self.selected_block not in [n for _, n in options]:
                options.append((f"block {self.selected_block} (older)", self.selected_block))
            self.block_select.options = options
            self.block_select.value = self.selected_block
        finally:
            self._updating = False
        self.transactions_html.value = self._transactions_table()

    def _blocks_table(self) -> str:
        head = "".join(f'<th style="{_CELL}">{h}</th>' for h in
                       ("block", "hash", "time (UTC)", "transactions", "gas used", "base fee (gwei)"))
        rows = []
        for b in self.blocks:
            picked = " gc-explorer-block-selected" if b.number == self.selected_block else ""
            weight = "font-weight:bold;" if picked else ""
            fee = f"{b.base_fee / 1e9:g}" if b.base_fee is not None else "-"
            cells = [str(b.number), f'<span title="{b.hash}" style="{_MONO}">{short_hash(b.hash)}</span>',
                     b.time, str(b.transaction_count), f"{b.gas_used:,}", fee]
            rows.append(f'<tr class="gc-explorer-block-row gc-explorer-block-{b.number}{picked}" '
                        f'style="{weight}">'
                        + "".join(f'<td style="{_CELL}">{c}</td>' for c in cells) + "</tr>")
        return f'<table style="border-collapse:collapse;font-size:90%"><tr>{head}</tr>{"".join(rows)}</table>'

    def _transactions_table(self) -> str:
        title = f"<b>Block {self.selected_block}</b>: {len(self.transactions)} transaction(s)"
        if not self.transactions:
            return f"<div>{title}</div>"
        head = "".join(f'<th style="{_CELL}">{h}</th>' for h in
                       ("#", "hash", "from", "to", "call (decoded)", "status", "gas used"))
        rows = []
        for tx in self.transactions:
            sender = tx.sender_name or short_hash(tx.sender)
            to = tx.to_name or (short_hash(tx.to) if tx.to else "(new contract)")
            colour = "#1a7f37" if tx.status == "ok" else "#cf222e"
            cells = [str(tx.index), f'<span title="{tx.hash}" style="{_MONO}">{short_hash(tx.hash)}</span>',
                     f'<span title="{tx.sender}">{html.escape(sender)}</span>',
                     f'<span title="{tx.to or ""}">{html.escape(to)}</span>',
                     f'<span class="gc-explorer-tx-call" style="{_MONO}">'
                     f'{html.escape(tx.call_text())}</span>',
                     f'<span style="color:{colour}">{tx.status}</span>', f"{tx.gas_used:,}"]
            rows.append(f'<tr class="gc-explorer-tx gc-explorer-tx-{tx.status}">'
                        + "".join(f'<td style="{_CELL}">{c}</td>' for c in cells) + "</tr>")
        return (f'<div>{title}</div><table style="border-collapse:collapse;font-size:90%">'
                f'<tr>{head}</tr>{"".join(rows)}</table>')

    def summary(self) -> str:
        """The explorer as plain text: recent blocks, then the picked block's transactions."""
        lines = [f"Block explorer · {self.chain.target} chain (chainId {self.chain.chain_id}) · "
                 f"latest block {self.latest_block}", format_blocks(self.blocks), "",
                 f"Block {self.selected_block}: {len(self.transactions)} transaction(s)"]
        if self.transactions:
            lines.append(format_transactions(self.transactions))
        if self.message.text:
            lines += ["", f"message: {self.message.text}"]
        return "\n".join(lines)

    def _ipython_display_(self) -> None:
        display(self.widget)


def _as_int(number: Any) -> int:
    return int(str(number).strip())



__all__ = ["BlockExplorer"]
