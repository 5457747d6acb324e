"""Slither, the static analyser, run offline on the contracts; its findings kept as data.

Slither (slither-analyzer from PyPI) needs web3 < 8 and the toolkit uses
web3 8, so it lives in its own virtual environment, `.venv/tools/slither/`
(installed by `make setup` from requirements-slither.txt). It needs a solc
binary too: it is given `grid.analysis.solc_cli`, which answers as solc
from the toolkit's own compiler (solcjs, or a native solc), so nothing is
downloaded. The findings of the committed contracts are written to
data/security/slither_findings.json:

    python -m grid slither            # run, print a table, rewrite the data file
    python -m grid slither --check    # run, and fail if the data file is stale
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from ..compiler import CONTRACTS_DIR, REPO_ROOT
from ..errors import GridError

SLITHER_ENV = "SLITHER_BINARY"
TOOL_BINARY = REPO_ROOT / ".venv" / "tools" / "slither" / "bin" / "slither"
FINDINGS_FILE = REPO_ROOT / "data" / "security" / "slither_findings.json"
CONTRACTS = ("PowerGeneration.sol", "PowerGridV2.sol")
TIMEOUT_S = 600


@dataclass(frozen=True)
class Finding:
    """One result of one Slither detector, located in a contract."""

    check: str          # the detector, e.g. "naming-convention"
    impact: str         # High, Medium, Low, Informational, Optimization
    confidence: str
    contract: str       # the contract the first element belongs to
    element: str        # the function, variable or parameter it is about
    lines: str          # e.g. "86-94"
    description: str    # Slither's first line, with paths made repository-relative

    @classmethod
    def from_result(cls, result: dict) -> Finding:
        """Build from one entry of Slither's --json "detectors" list."""
        first = (result.get("elements") or [{}])[0]
        node, contract = first, ""
        while node:   # a parameter's parent is its function, whose parent is the contract
            if node.get("type") == "contract":
                contract = node.get("name", "")
                break
            node = node.get("type_specific_fields", {}).get("parent")
        lines = first.get("source_mapping", {}).get("lines") or []
        span = f"{lines[0]}-{lines[-1]}" if len(lines) > 1 else (str(lines[0]) if lines else "")
        return cls(result["check"], result["impact"], result["confidence"], contract, first.get("name", ""),
                   span, result["description"].splitlines()[0].strip())


def slither_binary() -> str:
    """The slither command: $SLITHER_BINARY, the repository's tool venv, or slither on PATH."""
    for candidate in (os.environ.get(SLITHER_ENV, "").strip(), str(TOOL_BINARY), shutil.which("slither")):
        if candidate and Path(candidate).is_file():
            return candidate
    raise GridError("Slither is not installed: run `make setup` (it installs slither-analyzer into "
                    ".venv/tools/slither), or set SLITHER_BINARY", kind="input")


def run_slither(sources: dict[str, str]) -> list[Finding]:
    """Run every Slither detector on `sources` (file name -> Solidity text); the findings, sorted."""
    with tempfile.TemporaryDirectory(prefix="gridchain-slither-") as tmp:
        work = Path(tmp)
        for name, text in sources.items():
            (work / name).write_text(text)
        shim = work / "solc"
        shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m grid.analysis.solc_cli \"$@\"\n")
        shim.chmod(0o755)
        report = work / "slither.json"
        try:
            proc = subprocess.run([slither_binary(), ".", "--solc-standard-json", "--solc", str(shim),
                                   "--json", str(report), "--disable-color"],
                                  cwd=work, capture_output=True, text=True, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise GridError(f"Slither took over {TIMEOUT_S} s: is the machine overloaded? try again",
                            kind="input") from None
        if not report.exists():
            last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise GridError(f"Slither did not run ({last}): run `make setup` to reinstall it", kind="input")
        data = json.loads(report.read_text())
    if not data.get("success"):
        raise GridError(f"Slither could not analyse the contracts: {data.get('error')}", kind="input")
    found = [Finding.from_result(r) for r in data.get("results", {}).get("detectors", [])]
    return sorted(found, key=lambda f: (f.contract, f.check, f.element, f.lines))


def committed_sources() -> dict[str, str]:
    """The two contracts the lesson compares, as committed."""
    return {name: (CONTRACTS_DIR / name).read_text() for name in CONTRACTS}


def write_findings(findings: list[Finding], path: Path = FINDINGS_FILE) -> Path:
    """Write findings as JSON data, with where they came from."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "tool": "slither-analyzer 0.11.6 (requirements-slither.txt), all detectors, "
                "solc 0.8.37 through grid.analysis.solc_cli",
        "contracts": list(CONTRACTS),
        "findings": [asdict(f) for f in findings]}, indent=1) + "\n")
    return path


def load_findings(path: Path = FINDINGS_FILE) -> list[Finding]:
    """The committed findings."""
    return [Finding(**item) for item in json.loads(path.read_text())["findings"]]
