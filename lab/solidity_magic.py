"""`%%solidity`: compile a notebook cell as Solidity, with errors at the cell's own line:column.

    %load_ext lab.solidity_magic

    %%solidity Counter
    // SPDX-License-Identifier: MIT
    pragma solidity 0.8.37;
    contract Counter { uint256 public n; function bump() external { n += 1; } }

The cell's contract is compiled with grid.compile_text.compile_source (the
toolkit's pinned solc, offline). On success the artifact is stored in the
notebook under the name given (default: the contract's own name) and its
source under `<name>_source`; on failure one line per solc message is
printed, and nothing is stored.
"""
from __future__ import annotations

from grid.compile_text import compile_source
from grid.compiler import Artifact, CompileError


def compile_cell(line: str, cell: str, namespace: dict) -> Artifact | None:
    """Compile `cell`; store the artifact as `line` (or its contract's name) in `namespace`."""
    name = line.strip() or None
    if name is not None and not name.isidentifier():
        print(f"❌ {name!r} is not a Python name: write e.g. %%solidity Counter")
        return None
    try:
        artifact = compile_source(cell, name=None)
    except CompileError as exc:
        print(f"❌ {exc.message}")
        for message in exc.messages:
            if str(message) not in exc.message:   # the first error is in the sentence already
                print(f"   {message}")
        return None
    target = name or artifact.contract_name
    namespace[target] = artifact
    namespace[f"{target}_source"] = cell
    functions = [i["name"] for i in artifact.abi if i.get("type") == "function"]
    events = [i["name"] for i in artifact.abi if i.get("type") == "event"]
    print(f"✅ compiled {artifact.contract_name} into `{target}`: {len(functions)} function(s)"
          + (f", events {', '.join(events)}" if events else ", no events")
          + f"; its source is in `{target}_source`")
    return artifact


def load_ipython_extension(ipython) -> None:
    """Register the %%solidity cell magic (called by %load_ext lab.solidity_magic)."""
    ipython.register_magic_function(lambda line, cell: compile_cell(line, cell, ipython.user_ns) and None,
                                    magic_kind="cell", magic_name="solidity")
