"""Notebook 00's set-up check: is everything a student needs here and working?

Each check returns an `EnvCheck` with a plain-words verdict and, when
something is wrong, the one thing to do about it.
"""
from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata

REQUIRED_PYTHON = (3, 11)
PACKAGES = ["web3", "eth-tester", "py-evm", "eth-account", "pycryptodome", "ipywidgets",
            "matplotlib", "pandas", "tqdm"]


@dataclass(frozen=True)
class EnvCheck:
    """One line of the set-up report."""

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def __str__(self) -> str:
        line = f"{'✅' if self.ok else '❌'} {self.name}: {self.detail}"
        return line if self.ok else f"{line}\n   fix: {self.fix}"


def check_python() -> EnvCheck:
    """Python is new enough."""
    version = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info[:2] >= REQUIRED_PYTHON
    return EnvCheck("Python", ok, f"{version} at {sys.executable}",
                    "install Python 3.11 or newer, then run `make clean lab`")


def check_packages() -> EnvCheck:
    """The pinned Python packages are installed in this kernel's environment."""
    found, missing = [], []
    for name in PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            missing.append(name)
    if missing:
        return EnvCheck("Python packages", False, f"missing {', '.join(missing)}",
                        "this notebook is not running in the lab's .venv: start it with `make lab`")
    return EnvCheck("Python packages", True, ", ".join(found))


def check_compiler() -> EnvCheck:
    """A Solidity compiler is available (not required: artifacts are committed)."""
    from grid.compiler import (  # noqa: PLC0415 - so a broken install is reported
        CompileError,
        find_backend,
        load_artifact,
    )

    load_artifact()  # the committed artifact is what the lessons deploy
    try:
        backend = find_backend()
    except CompileError as exc:
        return EnvCheck("Solidity compiler", False, "none found (the committed artifacts still work)",
                        str(exc))
    return EnvCheck("Solidity compiler", True, f"{backend.name} ({backend.cache_id()})")


def check_embedded_chain() -> EnvCheck:
    """The in-process chain starts and runs the thesis's contract."""
    from grid import GridError, PowerGridClient, connect  # noqa: PLC0415 - so a broken install is reported

    try:
        with connect("tester") as chain:
            client = PowerGridClient.deploy(chain)
            client.register_user("generator1", "Check", "Here", can_generate=True, can_consume=False)
            client.generate_power(1, sender="generator1")
            value = client.generation_balance(sender="generator1")
    except GridError as exc:
        return EnvCheck("Embedded chain", False, str(exc), "run `make clean lab` to reinstall")
    return EnvCheck("Embedded chain", value == 1, f"eth-tester, chainId {chain.chain_id}: "
                    f"deployed PowerGeneration and read back {value}",
                    "the contract misbehaved: run `make test` and report the failure")


def check_anvil() -> EnvCheck:
    """The anvil node (the private chain of notebook 09) is installed."""
    from grid import GridError  # noqa: PLC0415 - so a broken install is reported
    from grid.chain import anvil_binary  # noqa: PLC0415 - so a broken install is reported

    try:
        binary = anvil_binary()
        out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30)
    except (GridError, OSError) as exc:
        return EnvCheck("anvil node", False, "not installed", str(exc) if isinstance(exc, GridError)
                        else "run `make setup` (needs node and npm)")
    version = out.stdout.splitlines()[0] if out.stdout else "unknown version"
    return EnvCheck("anvil node", out.returncode == 0, version, "run `make setup` to reinstall node_modules")


CHECKS = (("Python", check_python), ("Python packages", check_packages),
          ("Solidity compiler", check_compiler), ("Embedded chain", check_embedded_chain),
          ("anvil node", check_anvil))


def run_all() -> list[EnvCheck]:
    """Run every check, in the order a student would fix them; none can crash the report."""
    results = []
    for name, check in CHECKS:
        try:
            results.append(check())
        except Exception as exc:  # a broken install shows up here: explain it, don't crash
            results.append(EnvCheck(name, False, f"the check itself failed ({type(exc).__name__}: {exc})",
                                    "the installation is incomplete: run `make clean lab` to reinstall"))
    return results


def report() -> bool:
    """Print every check; return True when all passed."""
    results = run_all()
    for result in results:
        print(result)
    ok = all(r.ok for r in results)
    print("\nAll set: continue with 01_hashing." if ok else
          "\nFix the ❌ lines above (top first), then run this cell again.")
    return ok
