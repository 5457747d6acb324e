"""Chain editor: tamper with a transaction and watch the chain after it break.

The editor holds a short chain of mined blocks. Each block is checked the way
a node checks it, with primitives code only:

- merkle: the header's Merkle root commits to the block's transactions
  (`Block.check_merkle_root`);
- link: the header's prev_hash is the hash of the block before it;
- PoW: the header hash is at or below the target (`BlockHeader.check_pow`);
- and a block is valid only if every block before it is valid.

The student edits a transaction, then repairs the damage step by step:
"update Merkle root" rewrites block k's header without mining (its old nonce
no longer works, and block k+1 now points to a hash that is gone),
"re-mine block k" finds a new nonce for k alone, and "re-mine from k"
re-mines k and every later block with `primitives.pow.mine`.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, replace

import ipywidgets as widgets
from IPython.display import display

from grid.chain import THESIS_GENESIS_TIMESTAMP
from primitives.block import Block, BlockHeader
from primitives.chain import build_block
from primitives.pow import expected_attempts, mine

from .message import MessageLine

# About 4,096 hashes a block: still instant, but a header changed without
# mining passes proof of work only once in 4,096 tries. (With regtest's
# 0x207fffff every other header would pass, which hides the lesson.)
EDITOR_BITS = 0x1F0FFFFF


def default_transactions(n_blocks: int) -> list[list[str]]:
    """A reward for the miner, then a power sale, in every block after genesis."""
    txs = [["reward: 50 coins to the grid operator"]]
    for height in range(1, n_blocks):
        txs.append([f"reward: 50 coins to miner{height}",
                    f"generator1 sells {100 * height} kWh to consumer1"])
    return txs


@dataclass(frozen=True)
class BlockStatus:
    """What a node's checks say about one block of the chain."""

    height: int
    hash_hex: str        # display order
    merkle_ok: bool      # header commits to these transactions
    link_ok: bool        # prev_hash is the hash of the block before (True for genesis)
    pow_ok: bool         # hash at or below the target
    first_bad_ancestor: int | None  # height of the first invalid earlier block, if any

    @property
    def valid(self) -> bool:
        """All checks pass and every earlier block is valid."""
        return self.merkle_ok and self.link_ok and self.pow_ok and self.first_bad_ancestor is None

    @property
    def reason(self) -> str:
        """Why the block is invalid, in words ('' when valid)."""
        if not self.merkle_ok:
            return "the header's Merkle root does not match the transactions"
        if not self.link_ok:
            return f"prev_hash is not the hash of block {self.height - 1}"
        if not self.pow_ok:
            return "hash above target: this header has not been mined"
        if self.first_bad_ancestor is not None:
            return f"builds on invalid block {self.first_bad_ancestor}"
        return ""


def block_statuses(blocks: list[Block]) -> list[BlockStatus]:
    """Check every block of a chain (blocks[0] is its genesis)."""
    statuses: list[BlockStatus] = []
    first_bad: int | None = None
    for height, block in enumerate(blocks):
        link_ok = height == 0 or block.header.prev_hash == blocks[height - 1].hash()
        status = BlockStatus(height, block.hash_hex(), block.check_merkle_root(), link_ok,
                             block.header.check_pow(), first_bad)
        statuses.append(status)
        if first_bad is None and not status.valid:
            first_bad = height
    return statuses


def build_chain(transactions: list[list[str]], bits: int = EDITOR_BITS,
                start_time: int = THESIS_GENESIS_TIMESTAMP) -> list[Block]:
    """Mine a chain whose block i holds transactions[i] (UTF-8 text), ten minutes apart."""
    blocks = [build_block(bytes(32), [t.encode() for t in transactions[0]],
                          bits=bits, timestamp=start_time)]
    for txs in transactions[1:]:
        blocks.append(build_block(blocks[-1], [t.encode() for t in txs], bits=bits))
    return blocks


def _check(ok: bool) -> str:
    return "✓" if ok else "✗"


class ChainEditor:
    """Edit transactions of a small mined chain, see which blocks break, re-mine them."""

    def __init__(self, n_blocks: int = 5, bits: int = EDITOR_BITS,
                 transactions: list[list[str]] | None = None):
        """Mine a chain of n_blocks (genesis included) with the given compact bits."""
        txs = transactions if transactions is not None else default_transactions(n_blocks)
        if len(txs) < 2 or any(not block_txs for block_txs in txs):
            raise ValueError("the chain needs at least 2 blocks, each with at least one transaction")
        self.bits = bits
        self.original: list[Block] = build_chain(txs, bits)
        self.blocks: list[Block] = list(self.original)
        self.statuses: list[BlockStatus] = block_statuses(self.blocks)
        self.last_attempts = 0        # hashes spent by the last re-mine
        self.last_remined: list[int] = []
        self.message_line = MessageLine()

        heights = list(range(len(self.blocks)))
        self.block = widgets.Dropdown(options=heights, value=1, description="block k")
        self.tx = widgets.Dropdown(options=[], description="transaction")
        self.text = widgets.Text(description="text", continuous_update=False,
                                 layout=widgets.Layout(width="32em"))
        self.root_button = widgets.Button(description="update Merkle root",
                                          tooltip="rewrite block k's header without mining")
        self.remine_one_button = widgets.Button(description="re-mine block k")
        self.remine_button = widgets.Button(description="re-mine from k", button_style="warning")
        self.reset_button = widgets.Button(description="reset")
        self.message_view = self.message_line.widget
        self.view = widgets.HTML()

        self._syncing = False
        self.block.observe(self._on_block, names="value")
        self.tx.observe(self._on_tx, names="value")
        self.text.observe(self._on_text, names="value")
        self.root_button.on_click(lambda _: self.update_merkle_root())
        self.remine_one_button.on_click(lambda _: self.remine(only_one=True))
        self.remine_button.on_click(lambda _: self.remine())
        self.reset_button.on_click(lambda _: self.reset())

        self.widget = widgets.VBox([
            widgets.HBox([self.block, self.tx]),
            self.text,
            widgets.HBox([self.root_button, self.remine_one_button, self.remine_button,
                          self.reset_button]),
            self.message_view,
            self.view,
        ])
        self._load_tx_options()
        self._refresh()

    # -- actions (the buttons call these) ------------------------------------------

    def edit(self, height: int, index: int, text: str) -> None:
        """Replace transaction `index` of block `height` by `text`; the header is untouched."""
        if not text.strip():
            self._say("A transaction cannot be empty: type some text, e.g. "
                      "'generator1 sells 900 kWh to consumer1'.")
            return
        block = self.blocks[height]
        raw = list(block.raw_txs)
        if raw[index] == text.encode():
            return
        raw[index] = text.encode()
        # Same header, new transactions: exactly what a forger changes first.
        self.blocks[height] = Block.from_raw_txs(block.header, raw)
        self._say("")
        self._refresh()

    def update_merkle_root(self) -> None:
        """Make block k's header commit to its transactions again, without mining."""
        k = self.block.value
        self.blocks[k] = replace(self.blocks[k], header=self._recommitted(k))
        self.last_remined, self.last_attempts = [], 0
        self._say("")
        self._refresh()

    def remine(self, only_one: bool = False) -> None:
        """Re-mine block k (and, unless only_one, every block after it)."""
        k = self.block.value
        last = k if only_one else len(self.blocks) - 1
        attempts = 0
        for height in range(k, last + 1):
            result = mine(self._recommitted(height), start_nonce=0)
            attempts += result.attempts
            if not result.found:
                self._say(f"No nonce in the 32-bit range works for block {height}: "
                          "edit a transaction and try again.")
                break
            self.blocks[height] = replace(self.blocks[height], header=result.header)
        self.last_remined, self.last_attempts = list(range(k, last + 1)), attempts
        self._refresh()

    def reset(self) -> None:
        """Go back to the chain as first mined."""
        self.blocks = list(self.original)
        self.last_remined, self.last_attempts = [], 0
        self._say("")
        self._load_tx_options()
        self._refresh()

    # -- views ----------------------------------------------------------------------

    @property
    def message(self) -> str:
        """The problem with the last action, else ""."""
        return self.message_line.text

    def summary(self) -> str:
        """One line per block: its checks and whether it is valid."""
        n_valid = sum(s.valid for s in self.statuses)
        lines = [f"chain of {len(self.blocks)} blocks, bits 0x{self.bits:08x} "
                 f"(about {expected_attempts(self.blocks[0].header.target):,.0f} hashes a block): "
                 f"{n_valid} valid"]
        if self.last_remined:
            lines.append(f"last re-mine: block(s) {self.last_remined[0]}..{self.last_remined[-1]}, "
                         f"{self.last_attempts:,} hashes")
        for s, block in zip(self.statuses, self.blocks, strict=True):
            verdict = "valid  " if s.valid else "INVALID"
            line = (f"block {s.height}  {verdict}  hash {s.hash_hex[:12]}…  "
                    f"merkle {_check(s.merkle_ok)}  link {_check(s.link_ok)}  PoW {_check(s.pow_ok)}  "
                    f"txs: {' | '.join(t.decode(errors='replace') for t in block.raw_txs)}")
            lines.append(line + (f"  ({s.reason})" if s.reason else ""))
        if self.message:
            lines.append(self.message)
        return "\n".join(lines)

    def _ipython_display_(self):
        display(self.widget)

    # -- internals --------------------------------------------------------------------

    def _recommitted(self, height: int) -> BlockHeader:
        """Block `height`'s header rebuilt from its contents: new Merkle root, current parent hash."""
        block = self.blocks[height]
        prev = block.header.prev_hash if height == 0 else self.blocks[height - 1].hash()
        return replace(block.header, prev_hash=prev, merkle_root=block.computed_merkle_root())

    def _say(self, message: str) -> None:
        self.message_line.show(message)

    def _load_tx_options(self) -> None:
        self._syncing = True
        n = len(self.blocks[self.block.value].raw_txs)
        self.tx.options = [(f"tx {i}", i) for i in range(n)]
        self.tx.value = n - 1       # the power sale, when there is one
        self.text.value = self.blocks[self.block.value].raw_txs[n - 1].decode(errors="replace")
        self._syncing = False

    def _on_block(self, _change) -> None:
        self._load_tx_options()

    def _on_tx(self, _change) -> None:
        if self._syncing or self.tx.value is None:
            return
        self._syncing = True
        self.text.value = self.blocks[self.block.value].raw_txs[self.tx.value].decode(errors="replace")
        self._syncing = False

    def _on_text(self, change) -> None:
        if not self._syncing:
            self.edit(self.block.value, self.tx.value, change["new"])

    def _refresh(self) -> None:
        self.statuses = block_statuses(self.blocks)
        rows = []
        for s, block in zip(self.statuses, self.blocks, strict=True):
            colour = "#e6f4ea" if s.valid else "#fce8e6"
            txs = "<br>".join(html.escape(t.decode(errors="replace")) for t in block.raw_txs)
            verdict = "valid" if s.valid else f"<b>INVALID</b><br><small>{html.escape(s.reason)}</small>"
            rows.append(
                f"<tr style='background:{colour}'><td>{s.height}</td>"
                f"<td><code>{s.hash_hex[:16]}…</code></td>"
                f"<td><code>{block.header.prev_hash_hex[:16]}…</code></td>"
                f"<td>{block.header.nonce}</td><td>{txs}</td>"
                f"<td>{_check(s.merkle_ok)}</td><td>{_check(s.link_ok)}</td><td>{_check(s.pow_ok)}</td>"
                f"<td>{verdict}</td></tr>")
        head = ("<tr><th>block</th><th>hash</th><th>prev_hash</th><th>nonce</th><th>transactions</th>"
                "<th>merkle</th><th>link</th><th>PoW</th><th>verdict</th></tr>")
        self.view.value = f"<table>{head}{''.join(rows)}</table>"
