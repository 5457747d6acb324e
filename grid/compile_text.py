"""Compile Solidity given as text, e.g. a contract a student writes in a notebook cell.

    artifact = compile_source(SOURCE)                 # the one deployable contract in SOURCE
    artifact = compile_source(SOURCE, name="Market")  # or the one you name
    except CompileError as exc: exc.messages          # SolcMessage(line, column, kind, message)

The artifact has the same shape as the committed ones (`load_artifact`). A
CompileError names line:column in the text itself, not in a temporary file.
"""
from __future__ import annotations

from dataclasses import dataclass

from .compiler import CONTRACTS_DIR, Artifact, CompileError, SolcBackend, compile_sources

SOURCE_NAME = "source.sol"   # the name solc gives text that has no file


@dataclass(frozen=True)
class SolcMessage:
    """One message of solc about a source given as text, located by line and column (1-based)."""

    severity: str     # "error" or "warning"
    kind: str         # e.g. "ParserError", "TypeError"
    message: str
    line: int | None
    column: int | None

    def __str__(self) -> str:
        where = f"{self.line}:{self.column}: " if self.line is not None else ""
        return f"{where}{self.kind}: {self.message}"


def compile_source(source: str, name: str | None = None, *, backend: SolcBackend | None = None) -> Artifact:
    """Compile Solidity given as text (a notebook cell, say); return the artifact of contract `name`.

    Without `name` the text must define exactly one deployable contract. A
    CompileError's message and `messages` point at line:column of the text.
    Imports are not resolved: paste what the contract needs into the text.
    """
    if not isinstance(source, str) or not source.strip():
        raise CompileError("the Solidity source is empty: write a contract, e.g. `contract Hello { }`")
    try:
        result = compile_sources({SOURCE_NAME: source}, backend=backend, base_dir=_NO_IMPORTS)
    except CompileError as exc:
        messages = _locate(exc.output, source)
        errors = [m for m in messages if m.severity == "error"] or messages
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise CompileError(f"solc found {len(errors)} error(s): {errors[0] if errors else exc.message}{more}",
                           details=exc.details, messages=messages) from None
    deployable = {n: a for n, a in result.artifacts.items() if a.bytecode not in ("", "0x")}
    if name is not None:
        if name not in result.artifacts:
            raise CompileError(f"the source defines no contract {name!r}: it defines "
                               f"{', '.join(result.artifacts) or 'none'}")
        return result.artifacts[name]
    if len(deployable) != 1:
        found = ", ".join(deployable) or "none that can be deployed"
        raise CompileError(f"the source defines {len(deployable)} deployable contracts ({found}): "
                           f"pass name= to pick one")
    return next(iter(deployable.values()))


_NO_IMPORTS = CONTRACTS_DIR / ".no-imports"   # a directory that does not exist: no file can be imported


def _locate(output: dict | None, source: str) -> list[SolcMessage]:
    """solc's structured messages, with byte offsets turned into line:column of `source`."""
    data = source.encode("utf-8")
    out = []
    for item in (output or {}).get("errors", []):
        location = item.get("sourceLocation") or {}
        line = column = None
        start = location.get("start", -1)
        if location.get("file") == SOURCE_NAME and 0 <= start <= len(data):
            before = data[:start].decode("utf-8", errors="replace")
            line = before.count("\n") + 1
            column = len(before) - (before.rfind("\n") + 1) + 1
        out.append(SolcMessage(item.get("severity", "error"), item.get("type", "Error"),
                               item.get("message", "").strip(), line, column))
    return out
