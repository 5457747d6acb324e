"""The architecture, enforced: `grid` and `primitives` are siblings, and `lab` uses both.

    primitives/   the blockchain primitives the demos build (imports neither grid nor lab)
    grid/         the contract side (imports neither primitives nor lab; only
                  grid.widgets and grid.app may import ipywidgets)
    lab/          notebook helpers: may use both

Modules are found by globbing the packages, so a new module is covered the
day it is added. The chain's transport is private to grid/chain/, and no
module grows past MAX_LINES.
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("grid", "primitives", "lab")
MAX_LINES = 450
WIDGET_PACKAGES = ("grid/widgets", "grid/app")
FORBIDDEN = {"primitives": {"grid", "lab", "ipywidgets"}, "grid": {"primitives", "lab"}, "lab": set()}


def python_files(*roots: str) -> list[Path]:
    """Every .py file under the given folders of the repo."""
    return sorted(p for root in roots for p in (ROOT / root).rglob("*.py")
                  if ".ipynb_checkpoints" not in p.parts)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_packages(path: Path) -> set[str]:
    """The top-level packages a module imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                found.add(base[0] if base else "")
            elif node.module:
                found.add(node.module.split(".")[0])
    return found


ALL_MODULES = python_files(*PACKAGES)


def test_the_glob_finds_every_package():
    names = {module_name(p) for p in ALL_MODULES}
    assert {"grid.chain.base", "grid.contract.client", "grid.powergrid.client", "primitives.pow",
            "lab.performance.tables"} <= names
    assert len(names) > 80


@pytest.mark.parametrize("path", ALL_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_dependencies_point_the_documented_way(path):
    top = module_name(path).split(".")[0]
    forbidden = set(FORBIDDEN[top])
    relative = str(path.relative_to(ROOT))
    if top == "grid" and not relative.startswith(WIDGET_PACKAGES):
        forbidden.add("ipywidgets")
    found = imported_packages(path) & forbidden
    assert not found, f"{relative} imports {found}"


def test_importing_all_of_grid_outside_widgets_loads_no_lab_and_no_widgets():
    modules = [module_name(p) for p in python_files("grid")
               if not str(p.relative_to(ROOT)).startswith(WIDGET_PACKAGES)
               and p.name not in ("__main__.py",)]
    code = ("import sys, importlib\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'lab', 'ipywidgets', 'primitives'}))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"


def test_the_importer_sees_forbidden_imports(tmp_path, monkeypatch):
    # The scanner itself can fail: a grid module that imports lab, relatively or not, is caught.
    probe = tmp_path / "grid" / "chain" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("from lab import exercises\nfrom ... import primitives\nfrom .base import Chain\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert imported_packages(probe) == {"lab", "", "grid"}


# ------------------------------------------------------------------ the chain stays closed
TRANSPORT = re.compile(r"\.transport\b|\._transport\b|\._live\b")
PRIVATE_CHAIN = re.compile(r"\bchain\._[a-z]\w*|from [\w.]*chain\.\w+ import _\w+")
SCANNED = [p for p in python_files("grid", "primitives", "lab", "tests")
           if "grid/chain/" not in str(p.relative_to(ROOT)) and p.name != "test_layering.py"]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "grid" / "app").rglob("*.ipynb"))


@pytest.mark.parametrize("path", SCANNED + NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_outside_grid_chain_reaches_behind_the_facade(path):
    text = path.read_text()
    assert not TRANSPORT.search(text), f"{path.name} uses the chain's transport"
    assert not PRIVATE_CHAIN.search(text), f"{path.name} uses a private name of the chain"


def test_the_facade_scan_can_fail():
    assert TRANSPORT.search("chain.transport.rpc('x')") and PRIVATE_CHAIN.search("chain._connect_url(u)")


# ------------------------------------------------------------------ small modules
@pytest.mark.parametrize("path", python_files(*PACKAGES, "tests"), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_the_line_limit(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines (at most {MAX_LINES})"
