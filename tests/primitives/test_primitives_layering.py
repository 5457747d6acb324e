"""Layering rule: primitives never imports grid, lab, web3 or widgets.

`lab` and the notebooks build on primitives; `grid` is its sibling (primitives/__init__.py).
Each module is imported in a fresh interpreter, so nothing the test runner
already loaded can hide (or fake) an import.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(p.stem for p in (REPO_ROOT / "primitives").glob("*.py") if p.stem != "__init__")
FORBIDDEN = ("grid", "lab", "web3", "ipywidgets")

PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(sys.modules)))
"""


def test_the_package_has_modules():
    assert {"block", "chain", "merkle", "network", "pow"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_module_does_not_pull_in_higher_layers(module):
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, f"primitives.{module}"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=True,
    )
    loaded = json.loads(completed.stdout)
    assert f"primitives.{module}" in loaded             # the probe really imported it
    offending = [name for name in loaded if name.split(".")[0] in FORBIDDEN]
    assert offending == []
