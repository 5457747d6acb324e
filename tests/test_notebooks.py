"""Every numbered notebook runs headless: as shipped, and with the reference solutions.

As shipped, every exercise check must print "not solved yet" and every cell must
still succeed; with lab/solutions/ injected into the cells tagged "exercise",
every check must print "solved". Cells tagged "library" check the student's own
notebooks/mychain.py: as shipped they read its stubs; with the solutions they run in
a temporary folder whose mychain.py is a copy of lab/solutions/mychain.py, the same
way a student's folder holds the student's copy. Notebooks are committed without outputs.
"""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from lab.exercises import registered

NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
REFERENCE_LIBRARY = NOTEBOOKS_DIR.parent / "lab" / "solutions" / "mychain.py"
CELL_TIMEOUT_S = 120


def notebook_number(path: Path) -> str:
    return path.name[:2]


def execute(nb: nbformat.NotebookNode, folder: Path = NOTEBOOKS_DIR) -> str:
    """Run the notebook in a fresh kernel in `folder`, with the chart rules watched; return its text."""
    nb.cells.insert(0, nbformat.v4.new_code_cell("from lab import chart_rules; chart_rules.watch()"))
    nb.cells.append(nbformat.v4.new_code_cell("chart_rules.report()"))
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    client.execute()
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            plain = "".join(data.get("text/plain", ""))
            # A figure without the inline backend shows as "<Figure size ...>": a chart nobody sees.
            assert not (plain.startswith("<Figure size") and "image/png" not in data), \
                f"a chart shows as text, not as an image (add %matplotlib inline): {cell.source[:60]!r}"
            texts.append(output.get("text", "") or plain)
    return "\n".join(texts)


def inject_solutions(nb: nbformat.NotebookNode, number: str) -> int:
    """Replace each exercise cell with an import of the same functions from lab.solutions."""
    replaced = 0
    for cell in nb.cells:
        if "exercise" in cell.metadata.get("tags", []):
            names = [n.name for n in ast.parse(cell.source).body if isinstance(n, ast.FunctionDef)]
            assert names, f"exercise cell without a function: {cell.source[:60]}"
            cell.source = f"from lab.solutions.nb{number} import {', '.join(names)}"
            replaced += 1
    return replaced


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def notebook(request) -> Path:
    return request.param


def test_committed_without_outputs(notebook):
    nbstripout = Path(sys.executable).with_name("nbstripout")
    done = subprocess.run([str(nbstripout), "--verify", str(notebook)], capture_output=True, text=True)
    assert done.returncode == 0, f"{notebook.name} has outputs: run `nbstripout {notebook}`"


def test_ends_with_a_recap_and_has_four_exercises(notebook):
    nb = nbformat.read(notebook, as_version=4)
    last = nb.cells[-1]
    assert last.cell_type == "markdown" and "What you learned" in last.source
    assert "Next" in last.source or "next" in last.source
    assert len(registered(notebook_number(notebook))) >= 4
    tagged = sum("exercise" in c.metadata.get("tags", []) for c in nb.cells)
    library = sum("library" in c.metadata.get("tags", []) for c in nb.cells)
    assert tagged + library == len(registered(notebook_number(notebook)))


def test_runs_as_shipped(notebook):
    nb = nbformat.read(notebook, as_version=4)
    text = execute(nb)
    ids = registered(notebook_number(notebook))
    for exercise_id in ids:
        assert f"⏳ Exercise {exercise_id} not solved yet" in text
    assert "✅ Exercise" not in text and "❌ Exercise" not in text
    assert "CHART RULE:" not in text, text[text.index("CHART RULE:"):]


def test_runs_with_the_reference_solutions(notebook, tmp_path):
    nb = nbformat.read(notebook, as_version=4)
    number = notebook_number(notebook)
    ids = registered(number)
    library = sum("library" in c.metadata.get("tags", []) for c in nb.cells)
    assert inject_solutions(nb, number) + library == len(ids)
    shutil.copyfile(REFERENCE_LIBRARY, tmp_path / "mychain.py")
    text = execute(nb, tmp_path)
    for exercise_id in ids:
        assert f"✅ Exercise {exercise_id} solved" in text, f"exercise {exercise_id} did not pass"
    assert "⏳ Exercise" not in text and "❌ Exercise" not in text
