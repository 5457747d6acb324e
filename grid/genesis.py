"""The thesis's genesis.json (section 5.3) next to the private chain we actually run.

The thesis builds its private chain with geth from a genesis.json; the toolkit
runs anvil instead (grid/chain/anvil.py starts it with --chain-id 666,
--timestamp 0x5DDF8F3E, --accounts, --mnemonic and --balance). Each entry of
`GENESIS_PARAMETERS` says what the thesis wrote, how our node sets the same
field, and why the two differ (or agree). `compare_genesis(chain)` reads the
"ours" column from a running node, so the table can never drift from the chain.

    rows = compare_genesis(chain)
    print(format_genesis_table(rows))
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from hexbytes import HexBytes
from web3.exceptions import Web3RPCError

from .chain import THESIS_CHAIN_ID, THESIS_GENESIS_TIMESTAMP, Chain, history_gone

# genesis.json as printed in thesis section 5.3 (the Appendix repeats it, with
# line breaks inside two hashes). Kept verbatim, 32-byte "coinbase" included.
ZERO_32 = "0x" + "00" * 32
THESIS_GENESIS: dict[str, Any] = {
    "config": {
        "chainId": 666,
        "homesteadBlock": 0,
        "eip150Block": 0,
        "eip150Hash": ZERO_32,
        "eip155Block": 0,
        "eip158Block": 0,
        "byzantiumBlock": 0,
        "constantinopleBlock": 0,
        "petersburgBlock": 0,
        "istanbulBlock": 0,
        "ethash": {},
    },
    "nonce": "0x0",
    "timestamp": "0x5ddf8f3e",
    "extraData": ZERO_32,
    "gasLimit": "0x47b760",
    "difficulty": "0x00002",
    "mixHash": ZERO_32,
    "coinbase": ZERO_32,
    "alloc": {},
    "number": "0x0",
    "gasUsed": "0x0",
    "parentHash": ZERO_32,
}
# geth's command line in section 5.3: `geth ... --networkid 123 --nodiscover console`.
THESIS_NETWORK_ID = 123
FORK_BLOCKS = ("homesteadBlock", "eip150Block", "eip155Block", "eip158Block", "byzantiumBlock",
               "constantinopleBlock", "petersburgBlock", "istanbulBlock")
ANVIL_DEFAULT_GAS_LIMIT = 30_000_000
ANVIL_BALANCE_ETH = 10_000  # --balance in grid/chain/anvil.py


@dataclass(frozen=True)
class GenesisParameter:
    """One genesis field: the thesis's value, how our node sets it, and why they differ."""

    name: str                 # the genesis.json key ("gasLimit", "config.chainId", ...)
    thesis: str               # the value in the thesis's genesis.json, as written there
    our_setting: str          # how the anvil private chain sets it (a flag, or anvil's default)
    why: str                  # one or two sentences for students
    read: Callable[[dict, Chain], Any] = field(repr=False, compare=False)  # the node's value


@dataclass(frozen=True)
class GenesisRow:
    """One row of the comparison, with the value read from a running node."""

    name: str
    thesis: str
    ours: str
    same: bool
    our_setting: str
    why: str


def thesis_value(name: str) -> Any:
    """The value of `name` ("gasLimit", "config.chainId") in the thesis's genesis.json."""
    value: Any = THESIS_GENESIS
    for part in name.split("."):
        value = value[part]
    return value


def show_value(value: Any) -> str:
    """A genesis value as the table shows it: all-zero hashes shortened, the rest as written."""
    if isinstance(value, dict):
        return "{}" if not value else json.dumps(value)
    if isinstance(value, (bytes, bytearray)):
        value = HexBytes(value).to_0x_hex()
    text = str(value)
    digits = text[2:] if text.startswith("0x") else ""
    if len(digits) > 16 and set(digits) == {"0"}:
        return f"0x00…00 ({len(digits) // 2} zero bytes)"
    return text


def _hex(value: Any) -> str:
    return show_value(value) if value not in (None, b"", "") else "0x (empty)"


def _funded_accounts(block: dict, chain: Chain) -> str:
    try:
        balances = [chain.w3.eth.get_balance(a.address, block_identifier=0) for a in chain.accounts]
    except Web3RPCError as exc:
        if not history_gone(str(exc)):
            raise
        # A long-running node keeps only recent states: block 0's balances are gone.
        return "(not readable: this node keeps only its recent blocks' state)"
    funded = [b for b in balances if b > 0]
    if not funded:
        return "{} (no account funded)"
    each = {b // 10**18 for b in funded}
    amount = f"{each.pop():,} ether each" if len(each) == 1 else "various balances"
    return f"{len(funded)} named accounts, {amount}"


def _fork_summary(block: dict, chain: Chain) -> str:
    # Block 0 carries fields that exist only after London (baseFeePerGas),
    # Shanghai (withdrawalsRoot) and Cancun (blobGasUsed): read the era from them.
    forks = [("requestsHash", "Prague"), ("blobGasUsed", "Cancun"), ("withdrawalsRoot", "Shanghai"),
             ("baseFeePerGas", "London")]
    latest = next((name for key, name in forks if block.get(key) is not None), "pre-London")
    return f"all forks active from block 0, up to {latest} or later"


def _net_version(block: dict, chain: Chain) -> str:
    return str(chain.w3.net.version)


GENESIS_PARAMETERS: tuple[GenesisParameter, ...] = (
    GenesisParameter(
        "config.chainId", show_value(THESIS_GENESIS["config"]["chainId"]), "--chain-id 666",
        "Identical on purpose: EIP-155 puts the chain id into every signature, so a transaction "
        "signed for chain 666 is valid here and nowhere else.",
        lambda b, c: str(int(c.w3.eth.chain_id))),
    GenesisParameter(
        "networkid (geth flag)", str(THESIS_NETWORK_ID), "the chain id (anvil has no separate flag)",
        "geth's --networkid only picks peers to talk to; the thesis used 123 next to chainId 666. "
        "anvil answers net_version with its chain id.",
        _net_version),
    GenesisParameter(
        "config.*Block (forks)", "0 for Homestead ... Istanbul", "anvil's default: the latest fork",
        "Istanbul (Dec. 2019) was the newest fork in 2020. Our contract is compiled for evmVersion "
        "prague (grid/compiler.py), which needs a newer EVM: anvil runs every fork from block 0.",
        _fork_summary),
    GenesisParameter(
        "config.ethash", "{}", "none: anvil mines a block per transaction",
        "ethash is geth's proof-of-work engine (notebook 04). A one-node teaching chain needs no "
        "consensus: anvil seals each transaction into a block at once, so nothing waits for a miner.",
        lambda b, c: "none (instant mining)"),
    GenesisParameter(
        "nonce", THESIS_GENESIS["nonce"], "anvil's default",
        "The proof-of-work nonce of block 0. Without proof of work it stays zero.",
        lambda b, c: _hex(b.get("nonce"))),
    GenesisParameter(
        "timestamp", THESIS_GENESIS["timestamp"],
        f"--timestamp {THESIS_GENESIS_TIMESTAMP} (= {THESIS_GENESIS_TIMESTAMP:#x}) on a new chain",
        "Identical on purpose: 2019-11-28 09:11:26 UTC, the date the thesis's geth console shows "
        "('Thu Nov 28 2019 17:11:26 GMT+0800'). It makes block 0 reproducible.",
        lambda b, c: hex(int(b["timestamp"]))),
    GenesisParameter(
        "extraData", show_value(THESIS_GENESIS["extraData"]), "anvil's default (empty)",
        "Free bytes for whoever seals the block; no rule depends on them.",
        lambda b, c: _hex(b.get("extraData"))),
    GenesisParameter(
        "gasLimit", THESIS_GENESIS["gasLimit"], f"anvil's default ({ANVIL_DEFAULT_GAS_LIMIT:,})",
        "The most gas one block may use. 4,700,000 was geth's and Truffle's usual development "
        "value in 2019; anvil uses 30,000,000, Ethereum's limit from 2021 to 2024. Deploying "
        "PowerGeneration fits in either.",
        lambda b, c: hex(int(b["gasLimit"]))),
    GenesisParameter(
        "difficulty", THESIS_GENESIS["difficulty"], "none (0): no proof of work",
        "A difficulty of 2 let geth's CPU miner find blocks in moments. anvil does no proof of "
        "work, so difficulty is 0, as on Ethereum since the Merge (2022).",
        lambda b, c: hex(int(b.get("difficulty", 0)))),
    GenesisParameter(
        "mixHash", show_value(THESIS_GENESIS["mixHash"]), "anvil's default",
        "Part of ethash's proof of work (since the Merge: the beacon chain's randomness). Unused here.",
        lambda b, c: _hex(b.get("mixHash"))),
    GenesisParameter(
        "coinbase", show_value(THESIS_GENESIS["coinbase"]), "anvil's default (the zero address)",
        "Who receives the block reward. An address has 20 bytes; the thesis wrote 32 zero bytes. "
        "Nobody earns rewards on either chain.",
        lambda b, c: show_value(str(b.get("miner")))),
    GenesisParameter(
        "alloc", show_value(THESIS_GENESIS["alloc"]),
        f"--mnemonic, --accounts, --balance {ANVIL_BALANCE_ETH}",
        "With an empty alloc the thesis had to mine ether before any transaction could pay gas. "
        "anvil funds the named test accounts (admin, generator1, ...) in block 0.",
        _funded_accounts),
    GenesisParameter(
        "number", THESIS_GENESIS["number"], "always 0", "The genesis block is block 0 everywhere.",
        lambda b, c: hex(int(b["number"]))),
    GenesisParameter(
        "gasUsed", THESIS_GENESIS["gasUsed"], "always 0", "Block 0 has no transactions, so it uses no gas.",
        lambda b, c: hex(int(b["gasUsed"]))),
    GenesisParameter(
        "parentHash", show_value(THESIS_GENESIS["parentHash"]), "always zero",
        "Block 0 has no parent: its link is all zeros.",
        lambda b, c: _hex(b.get("parentHash"))),
    GenesisParameter(
        "baseFeePerGas (not in the thesis)", "(did not exist)", "anvil's default (1 gwei)",
        "EIP-1559 (London fork, 2021) added a base fee per gas that is burnt. The thesis's chain "
        "had only gas prices.",
        lambda b, c: f"{int(b['baseFeePerGas']):,} wei" if b.get("baseFeePerGas") is not None else "none"),
)


def _same(param: GenesisParameter, ours: str) -> bool:
    """Whether the node's value equals the thesis's (numbers compared as numbers)."""
    if param.name in ("config.chainId", "networkid (geth flag)"):
        return ours == param.thesis
    try:
        thesis = thesis_value(param.name)
    except KeyError:
        return False
    if isinstance(thesis, str) and thesis.startswith("0x") and ours.startswith("0x"):
        if "zero bytes" in ours or "zero bytes" in show_value(thesis):
            return show_value(thesis) == ours or (_is_zero(thesis) and _is_zero(ours))
        try:
            return int(thesis, 16) == int(ours, 16)
        except ValueError:
            return False
    return False


def _is_zero(text: str) -> bool:
    return text.startswith("0x00") and ("zero bytes" in text or set(text[2:]) <= {"0"})


def compare_genesis(chain: Chain) -> list[GenesisRow]:
    """Every genesis parameter with the value the running `chain` has in its block 0."""
    block = dict(chain.w3.eth.get_block(0))
    rows = []
    for param in GENESIS_PARAMETERS:
        ours = str(param.read(block, chain))
        rows.append(GenesisRow(param.name, param.thesis, ours, _same(param, ours), param.our_setting,
                               param.why))
    return rows


def rows_as_dicts(rows: list[GenesisRow]) -> list[dict]:
    """The rows as plain dicts (for pandas.DataFrame or JSON)."""
    return [asdict(row) for row in rows]


def genesis_markdown(rows: list[GenesisRow]) -> str:
    """A Markdown table of the rows (renders in Jupyter and on GitHub)."""
    lines = ["| parameter | thesis genesis.json | our node (read from block 0) | same? "
             "| how we set it | why |",
             "|---|---|---|---|---|---|"]
    for row in rows:
        cells = [f"`{row.name}`", f"`{row.thesis}`", f"`{row.ours}`", "✔" if row.same else "✘",
                 row.our_setting, row.why]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def format_genesis_table(rows: list[GenesisRow], *, width: int = 34) -> str:
    """A plain-text table: parameter, thesis value, our node's value, same?"""
    lines = [f"{'parameter':<36} {'thesis genesis.json':<{width}} {'our node':<{width}} same"]
    for row in rows:
        lines.append(f"{row.name:<36} {_cut(row.thesis, width):<{width}} {_cut(row.ours, width):<{width}} "
                     f"{'yes' if row.same else 'no'}")
    return "\n".join(lines)


def genesis_date(timestamp: int = THESIS_GENESIS_TIMESTAMP) -> str:
    """The UTC date of a genesis timestamp, e.g. '2019-11-28 09:11:26 UTC'."""
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 3] + "..."


__all__ = [
    "GENESIS_PARAMETERS",
    "THESIS_CHAIN_ID",
    "THESIS_GENESIS",
    "THESIS_NETWORK_ID",
    "GenesisParameter",
    "GenesisRow",
    "compare_genesis",
    "format_genesis_table",
    "genesis_date",
    "genesis_markdown",
    "rows_as_dicts",
    "show_value",
    "thesis_value",
]
