"""Dependencies point one way: notebooks -> lab -> grid -> primitives."""
import subprocess
import sys

GRID_MODULES = ["grid", "grid.cli", "grid.demo", "grid.powergrid", "grid.compiler", "grid.chain",
                "grid.storage", "grid.validation", "grid.txlog", "grid.accounts",
                "grid.bench", "grid.bench.cli", "grid.bench.charts", "grid.migrate", "grid.explorer",
                "grid.registry", "grid.gas", "grid.genesis", "grid.app.server"]


def test_grid_never_imports_lab_or_widgets():
    code = ("import sys, importlib\n"
            f"for m in {GRID_MODULES!r}: importlib.import_module(m)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('lab', 'ipywidgets')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
