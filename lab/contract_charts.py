"""Notebook 07's views of the PowerGeneration contract: source, ABI, bytecode, calldata, gas.

- `contract_parts` / `show_part` / `changes_from_04`: read the Solidity source
  part by part, next to the thesis's sections 5.1.1-5.1.2.5 and Appendix A.
- `abi_rows` / `abi_frame`: the ABI as a table, calls (Remix's blue buttons)
  apart from transactions (its red ones).
- `code_sizes`: creation and runtime bytecode against EIP-170 and EIP-3860.
- `calldata_layout`: calldata cut into its selector and 32-byte words, each
  word explained.
- `plot_gas_report`, `plot_string_cost`: the charts of grid.gas's measurements.

Measuring is grid.gas's job and compiling grid.compiler's; this module only
reads, lays out and draws.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd
from eth_abi import decode
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from grid.gas import GasReport, StringCost

WORD = 32
SELECTOR_BYTES = 4
EIP170_RUNTIME_LIMIT = 24_576    # EIP-170 (Spurious Dragon, 2016): max runtime code, 0x6000 bytes
EIP3860_INITCODE_LIMIT = 49_152  # EIP-3860 (Shanghai, 2023): max creation code, 2 x 24,576 bytes

# Where the thesis explains each part of the contract (chapter 5.1).
THESIS_SECTIONS = {
    "administrator": "5.1.1", "constructor": "5.1.1", "User": "5.1.1", "user": "5.1.1",
    "empower": "5.1.1", "GeneratePower": "5.1.2.1", "Transfer": "5.1.2.2",
    "PowerConsume": "5.1.2.3", "PowerDispatch": "5.1.2.4", "GetUsedOfSelf": "5.1.2.5",
    "GetTotalUsedOfSomeone": "5.1.2.5", "GetGeneration": "5.1.2.5", "GetTotalGeneration": "5.1.2.5",
    "GetInformation": "5.1.2.5",
}

_DECLARATION = re.compile(
    r"^\s*(?:function\s+(?P<function>\w+)\s*\("
    r"|(?P<constructor>constructor)\s*\("
    r"|struct\s+(?P<struct>\w+)"
    r"|mapping\s*\(.*\)\s*(?P<mapping>\w+)\s*;"
    r"|address\s+private\s+(?P<variable>\w+)\s*;)")


# ------------------------------------------------------------------ the source
@dataclass(frozen=True)
class ContractPart:
    """One declaration of the contract: where it is in the source and in the thesis."""

    name: str
    kind: str           # function, constructor, struct, mapping, variable
    first_line: int     # 1-based, inclusive
    last_line: int
    thesis_section: str


def contract_parts(source: str) -> list[ContractPart]:
    """Every state variable, struct, constructor and function of `source`, in order."""
    lines = source.splitlines()
    parts = []
    for index, line in enumerate(lines):
        match = _DECLARATION.match(line)
        if not match:
            continue
        kind = match.lastgroup
        name = match.group(kind)
        last = index if kind in ("mapping", "variable") else _block_end(lines, index)
        parts.append(ContractPart(name, kind, index + 1, last + 1, THESIS_SECTIONS.get(name, "")))
    return parts


def _block_end(lines: list[str], start: int) -> int:
    """The index of the line closing the first { ... } block opened at or after `start`."""
    depth, opened = 0, False
    for index in range(start, len(lines)):
        depth += lines[index].count("{") - lines[index].count("}")
        opened = opened or "{" in lines[index]
        if opened and depth == 0:
            return index
    return len(lines) - 1


def show_part(source: str, name: str) -> str:
    """The lines of part `name` (e.g. "Transfer"), numbered as in the file."""
    lines = source.splitlines()
    for part in contract_parts(source):
        if part.name == name:
            width = len(str(part.last_line))
            numbers = range(part.first_line, part.last_line + 1)
            return "\n".join(f"{n:>{width}} | {lines[n - 1]}" for n in numbers)
    raise KeyError(f"no part named {name!r}: choose one of "
                   f"{', '.join(p.name for p in contract_parts(source))}")


def parts_table(source: str) -> str:
    """One row per part: lines, kind, name and the thesis section that explains it."""
    rows = [f"{'lines':<9} {'kind':<12} {'name':<22} thesis"]
    rows += [f"{p.first_line:>3}-{p.last_line:<5} {p.kind:<12} {p.name:<22} {p.thesis_section}"
             for p in contract_parts(source)]
    return "\n".join(rows)


def changes_from_04(source: str) -> str:
    """The header comment's list of changes from Appendix A's Solidity 0.4 original."""
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if "Every change from the 0.4 original" in line)
    end = next(i for i, line in enumerate(lines) if "Kept on purpose" in line)
    return "\n".join(line.strip().removeprefix("*").rstrip() for line in lines[start:end]).strip()


# --------------------------------------------------------------------- the ABI
@dataclass(frozen=True)
class AbiRow:
    """One function of an ABI, as Remix shows it."""

    name: str
    inputs: str          # "address _to, uint256 _value"
    outputs: str         # "int256 _value"
    mutability: str      # view, pure, nonpayable, payable
    is_call: bool        # view/pure: a call (blue button); otherwise a transaction (red)

    @property
    def button(self) -> str:
        """Remix's colour for it (thesis Figure 5-3)."""
        return "blue: call" if self.is_call else "red: transaction"


def abi_rows(abi: list[dict]) -> list[AbiRow]:
    """The functions of `abi` (constructor and events left out), in ABI order."""
    def params(items: list[dict]) -> str:
        return ", ".join(f"{p['type']} {p['name']}".strip() for p in items)
    return [AbiRow(item["name"], params(item["inputs"]), params(item.get("outputs", [])),
                   item["stateMutability"], item["stateMutability"] in ("view", "pure"))
            for item in abi if item.get("type") == "function"]


def abi_frame(abi: list[dict]):
    """The ABI's functions as a pandas DataFrame: inputs, outputs, view or not, Remix's button."""
    return pd.DataFrame([{"function": r.name, "inputs": r.inputs or "-", "outputs": r.outputs or "-",
                          "stateMutability": r.mutability, "view": r.is_call, "Remix button": r.button}
                         for r in abi_rows(abi)])


# ---------------------------------------------------------------- the bytecode
@dataclass(frozen=True)
class CodeSizes:
    """Creation and runtime bytecode sizes against their protocol limits."""

    creation: int   # bytes sent in the deployment transaction (constructor + runtime code)
    runtime: int    # bytes stored at the contract's address
    metadata: int   # bytes of solc's metadata trailer at the end of the runtime code
    solc_version: str  # the compiler version written in that trailer

    @property
    def runtime_share(self) -> float:
        """The runtime code as a fraction of EIP-170's limit."""
        return self.runtime / EIP170_RUNTIME_LIMIT

    def summary(self) -> str:
        """Both sizes, with their limits."""
        return (f"creation code {self.creation:>6,} bytes  (EIP-3860 limit {EIP3860_INITCODE_LIMIT:,}: "
                f"{self.creation / EIP3860_INITCODE_LIMIT:.0%})\n"
                f"runtime code  {self.runtime:>6,} bytes  (EIP-170 limit {EIP170_RUNTIME_LIMIT:,}: "
                f"{self.runtime_share:.0%})\n"
                f"difference    {self.creation - self.runtime:>6,} bytes  (the constructor, and the code "
                f"that copies the runtime code into place)\n"
                f"of the runtime code, the last {self.metadata} bytes are solc's metadata "
                f"(CBOR: the IPFS hash of the contract's metadata file, and solc {self.solc_version})")


def code_sizes(artifact) -> CodeSizes:
    """The sizes of an artifact's `bytecode` and `deployed_bytecode` (0x-hex) in bytes."""
    runtime = bytes.fromhex(artifact.deployed_bytecode[2:])
    # solc ends the runtime code with CBOR metadata followed by its length in 2 bytes
    # (Solidity docs, "Contract Metadata": "Encoding of the Metadata Hash in the Bytecode").
    metadata = int.from_bytes(runtime[-2:], "big") + 2
    marker = runtime.rfind(b"dsolcC")  # CBOR text "solc", then 3 bytes: major, minor, patch
    version = ".".join(str(b) for b in runtime[marker + 6:marker + 9]) if marker >= 0 else "?"
    return CodeSizes(len(bytes.fromhex(artifact.bytecode[2:])), len(runtime), metadata, version)


# ---------------------------------------------------------------- the calldata
def calldata_layout(data: bytes, spec) -> str:
    """`data` cut into the 4-byte selector and 32-byte words, each word explained.

    `spec` is a grid.contract.FunctionSpec (its `.inputs` and `.signature`).
    Handles the contract's types: address, uint256, int256, bool and string.
    """
    data = bytes(data)
    body = data[SELECTOR_BYTES:]
    types = [t for t, _ in spec.inputs]
    values = decode(types, body)
    notes: dict[int, str] = {}
    for head, ((abi_type, name), value) in enumerate(zip(spec.inputs, values, strict=True)):
        word = body[head * WORD:(head + 1) * WORD]
        if abi_type == "string":
            offset = int.from_bytes(word, "big")
            notes[head] = f"{name}: offset {offset} = its text starts at word {offset // WORD}"
            length = int.from_bytes(body[offset:offset + WORD], "big")
            notes[offset // WORD] = f"{name}: length = {length} bytes"
            for k in range(-(-length // WORD)):
                notes[offset // WORD + 1 + k] = f"{name}: {value.encode()[k * WORD:(k + 1) * WORD]!r}" + (
                    " + zero padding" if (k + 1) * WORD > length else "")
        else:
            shown = value if abi_type != "address" else value.lower()
            notes[head] = f"{name} = {shown}  ({abi_type}, right-aligned)"
    lines = [f"bytes 0-3      {data[:SELECTOR_BYTES].hex()}{' ' * 56}  selector of {spec.signature}"]
    for index in range(len(body) // WORD):
        start = SELECTOR_BYTES + index * WORD
        lines.append(f"word {index:<2} @{start:>4}  {body[index * WORD:(index + 1) * WORD].hex()}  "
                     f"{notes.get(index, '')}")
    return "\n".join(lines)


# ------------------------------------------------------------------ the charts
def plot_gas_report(report: GasReport) -> Figure:
    """Horizontal bars per transaction: gasUsed split into intrinsic + execution, and the estimate."""
    steps = report.measurements
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(steps) + 1.8), layout="constrained")
    ys = list(range(len(steps)))[::-1]  # first step on top
    intrinsic = [m.intrinsic for m in steps]
    ax.barh([y + 0.2 for y in ys], intrinsic, height=0.4, color="tab:grey",
            label="intrinsic: 21,000 + calldata (EIP-2028)")
    ax.barh([y + 0.2 for y in ys], [m.execution for m in steps], left=intrinsic, height=0.4,
            color="tab:red", label="execution: the contract's code (mostly storage)")
    ax.barh([y - 0.2 for y in ys], [m.estimated for m in steps], height=0.4, color="tab:blue",
            alpha=0.6, label="eth_estimateGas, before sending")
    ax.set_yticks(ys, [m.label for m in steps])
    ax.set_title(f"Gas of each transaction of the thesis scenario ({report.target} chain)")
    ax.set_xlabel("gas used (gas)")
    ax.set_ylabel("transaction (in scenario order)")
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2, fontsize=8)
    return fig


def plot_string_cost(costs: Iterable[StringCost]) -> Figure:
    """Gas of PowerDispatch against the length of its text, with the 32-byte slot boundaries."""
    costs = sorted(costs, key=lambda c: c.length)
    lengths = [c.length for c in costs]
    points = [c.measurement for c in costs]
    fig, ax = plt.subplots(figsize=(7.5, 4.2), layout="constrained")
    ax.plot(lengths, [m.used for m in points], "o-", color="tab:red", label="gasUsed (receipt)")
    ax.plot(lengths, [m.estimated for m in points], "s--", color="tab:blue", alpha=0.6,
            label="eth_estimateGas")
    ax.plot(lengths, [m.intrinsic for m in points], ".-", color="tab:grey",
            label="intrinsic (21,000 + calldata)")
    # One more storage slot at 32 bytes (a short string becomes a long one), then every 32 bytes.
    for boundary in [WORD - 0.5] + [b + 0.5 for b in range(WORD, max(lengths), WORD)]:
        ax.axvline(boundary, color="grey", ls=":", lw=1)
    seen = set()
    for cost in costs:
        if cost.slots not in seen:
            seen.add(cost.slots)
            # below-right of the point: clear of the dotted boundary just left of it
            label = f"{cost.slots} slot{'s' if cost.slots > 1 else ''}"
            ax.annotate(label, (cost.length, cost.measurement.used),
                        textcoords="offset points", xytext=(8, -4), va="top", fontsize=8, color="tab:red")
    ax.set_title("PowerDispatch: gas against the length of the instruction")
    ax.set_xlabel("instruction length (bytes); dotted: one more storage slot")
    ax.set_ylabel("gas used (gas)")
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.legend()
    return fig
