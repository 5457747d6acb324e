"""One lesson notebook -> its nbgrader source: the same cells, marked for grading, with the answers in.

The lessons stay the single copy. Their conventions say where the grading goes:

* a code cell tagged `exercise` holds a stub; the cell after it calls `check("NN.k", name)`.
  The stub becomes a solution cell whose body is the reference solution (lab/solutions/nbNN.py)
  between nbgrader's `### BEGIN SOLUTION` and `### END SOLUTION`; the release keeps the
  signature and docstring and stubs the body. The check cell becomes an autograded test cell:
  its practice line stays (in graded mode it says only pass or not yet) and a hidden test,
  removed from the release, calls `grade()`.
* a markdown cell tagged `question` is a written question; the `answer` cell after it becomes
  a manually graded answer whose source copy holds the model answer and the marking guide.

A first, locked cell turns graded mode on, so no check prints an expected value.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import nbformat

EXERCISE_POINTS = 2
CHECK_CALL = re.compile(r"""check\(\s*["'](?P<id>\d\d\.\d+)["']\s*,\s*(?P<name>\w+)\s*\)""")
LIBRARY_CALL = re.compile(r"""check_library\(\s*["'](?P<id>\d\d\.\d+)["']\s*,\s*["'](?P<name>\w+)["']\s*\)""")
QUESTION_HEADING = re.compile(r"###\s*Question\s+(?P<id>\d\d\.Q\d+)")
GRADED_MODE_CELL = ("# This copy is graded: checks say whether an answer passes, not what was expected.\n"
                    "from lab.exercises import use_graded_mode\n\nuse_graded_mode()")


class SourceError(ValueError):
    """A lesson does not follow the exercise or question conventions; the message says where."""


@dataclass(frozen=True)
class GradedItem:
    """One thing that earns points in a notebook: an exercise (autograded) or a written answer (by hand)."""

    grade_id: str      # nbgrader's cell id, e.g. "ex-02_1" or "q-02_Q1"
    exercise: str      # "02.1" or "02.Q1"
    points: int
    manual: bool


def _cell_id(kind: str, item: str) -> str:
    """nbgrader's ids allow letters, digits, - and _ only: "ex-02_1", "q-02_Q1"."""
    return f"{kind}-{item.replace('.', '_')}"


def _nbgrader(cell: Any, **fields: Any) -> None:
    cell.metadata["nbgrader"] = {"schema_version": 3, "grade": False, "solution": False, "locked": False,
                                 "task": False, **fields}


def solutions_module(number: str) -> ModuleType:
    """lab/solutions/nbNN.py."""
    return importlib.import_module(f"lab.solutions.nb{number}")


def graded_source(nb: nbformat.NotebookNode, number: str) -> tuple[nbformat.NotebookNode, list[GradedItem]]:
    """The nbgrader source version of lesson `number` (a copy) and the items it grades."""
    nb = nbformat.from_dict(nb)
    module = solutions_module(number)
    answers = getattr(module, "MODEL_ANSWERS", {})
    items: list[GradedItem] = []
    cells = nb.cells
    for index, cell in enumerate(cells):
        tags = cell.metadata.get("tags", [])
        following = cells[index + 1] if index + 1 < len(cells) else None
        if "exercise" in tags:
            calls = list(CHECK_CALL.finditer(following.source if following is not None else ""))
            if not calls:
                raise SourceError(f"notebook {number}: an exercise cell is not followed by its check cell")
            exercise = calls[0]["id"]
            cell.source = fill_solution(cell.source, module)
            _nbgrader(cell, solution=True, grade_id=_cell_id("ex", exercise) + "-answer")
            _nbgrader(following, grade=True, locked=True, points=EXERCISE_POINTS,
                      grade_id=_cell_id("ex", exercise))
            following.source = (following.source.rstrip() + "\n### BEGIN HIDDEN TESTS\n"
                                "from lab.exercises import grade\n"
                                + "".join(f'grade("{c["id"]}", {c["name"]})\n' for c in calls)
                                + "### END HIDDEN TESTS")
            items.append(GradedItem(_cell_id("ex", exercise), exercise, EXERCISE_POINTS, manual=False))
        elif "library" in tags:
            # A function of the student's mychain.py: the cell itself becomes the graded test.
            calls = list(LIBRARY_CALL.finditer(cell.source))
            if not calls:
                raise SourceError(f"notebook {number}: a library cell does not call check_library")
            exercise = calls[0]["id"]
            _nbgrader(cell, grade=True, locked=True, points=EXERCISE_POINTS,
                      grade_id=_cell_id("ex", exercise))
            cell.source = (cell.source.rstrip() + "\n### BEGIN HIDDEN TESTS\n"
                           "from lab.exercises import grade_library\n"
                           + "".join(f'grade_library("{c["id"]}", "{c["name"]}")\n' for c in calls)
                           + "### END HIDDEN TESTS")
            items.append(GradedItem(_cell_id("ex", exercise), exercise, EXERCISE_POINTS, manual=False))
        elif "question" in tags:
            match = QUESTION_HEADING.search(cell.source)
            if match is None or following is None or "answer" not in following.metadata.get("tags", []):
                raise SourceError(f"notebook {number}: a question cell needs a '### Question NN.Qk' heading "
                                 "and an answer cell after it")
            question = match["id"]
            if question not in answers:
                raise SourceError(f"notebook {number}: question {question} has no MODEL_ANSWERS entry")
            model = answers[question]
            _nbgrader(cell, locked=True, grade_id=_cell_id("q", question) + "-text")
            _nbgrader(following, solution=True, grade=True, points=model.points,
                      grade_id=_cell_id("q", question))
            following.source = ("### BEGIN SOLUTION\n"
                                f"**Model answer.** {model.answer}\n\n**Marking ({model.points} points).** "
                                f"{model.marking}\n### END SOLUTION")
            items.append(GradedItem(_cell_id("q", question), question, model.points, manual=True))
    switch = nbformat.v4.new_code_cell(GRADED_MODE_CELL)
    _nbgrader(switch, locked=True, grade_id="graded-mode")
    cells.insert(1 if cells and cells[0].cell_type == "markdown" else 0, switch)
    return nb, items


def fill_solution(stub: str, module: ModuleType) -> str:
    """The stub's functions with their bodies replaced by the reference solution, marked for nbgrader."""
    tree = ast.parse(stub)
    lines = stub.splitlines()
    # Bottom up, so earlier line numbers stay valid while later functions are rewritten.
    for node in sorted((n for n in tree.body if isinstance(n, ast.FunctionDef)), key=lambda n: -n.lineno):
        reference = getattr(module, node.name, None)
        if reference is None:
            raise SourceError(f"{module.__name__} has no {node.name}() for the exercise stub")
        first = node.body[0]
        start = first.end_lineno + 1 if _has_docstring(node) else first.lineno
        indent = " " * first.col_offset
        region = [f"{indent}### BEGIN SOLUTION",
                  *textwrap.indent(solution_body(reference, module), indent).splitlines(),
                  f"{indent}### END SOLUTION"]
        lines[start - 1:node.end_lineno] = region
    return "\n".join(lines)


def _has_docstring(node: ast.FunctionDef) -> bool:
    first = node.body[0]
    return isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
        and isinstance(first.value.value, str)


def solution_body(function: Any, module: ModuleType) -> str:
    """The reference function's body (no signature, no docstring), preceded by what it needs from its module.

    A name the body takes from the solutions module (an import, a helper, a constant) is copied in
    ahead of it, so the answer stands alone in the notebook: it never leans on another exercise.
    """
    source = textwrap.dedent(inspect.getsource(function))
    node = ast.parse(source).body[0]
    lines = source.splitlines()
    body = node.body[1:] if _has_docstring(node) and len(node.body) > 1 else node.body
    own = _outdent(lines[body[0].lineno - 1:node.end_lineno], body[0].col_offset)
    # the module that defines it: a notebook's solutions may gather functions from topic modules
    home = inspect.getmodule(function) or module
    needed = _module_needs(home, _used_names(node) - _bound_names(node))
    return ("\n".join(needed) + "\n" if needed else "") + own


def _outdent(lines: list[str], columns: int) -> str:
    """Remove `columns` leading spaces where a line has them (a string's own lines may not)."""
    pad = " " * columns
    return "\n".join(line[columns:] if line.startswith(pad) else line for line in lines)


def _used_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _bound_names(node: ast.FunctionDef) -> set[str]:
    args = node.args
    params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    stored = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return params | stored


def _module_needs(module: ModuleType, names: set[str]) -> list[str]:
    """The module-level statements that bind `names`, with what they need in turn, in module order."""
    source = inspect.getsource(module)
    tree = ast.parse(source)
    binders: dict[str, ast.stmt] = {}
    for statement in tree.body:
        for name in _names_bound_by(statement):
            binders.setdefault(name, statement)
    chosen: list[ast.stmt] = []
    pending = sorted(names & binders.keys())
    while pending:
        statement = binders[pending.pop()]
        if statement in chosen:
            continue
        chosen.append(statement)
        inner = _used_names(statement)
        if isinstance(statement, ast.FunctionDef):
            inner -= _bound_names(statement)
        pending.extend(sorted((inner & binders.keys()) - {n for s in chosen for n in _names_bound_by(s)}))
    chosen.sort(key=lambda s: s.lineno)
    return [ast.get_source_segment(source, s) or "" for s in chosen
            if not (isinstance(s, ast.ImportFrom) and s.module == "__future__")]


def _names_bound_by(statement: ast.stmt) -> list[str]:
    if isinstance(statement, ast.Import | ast.ImportFrom):
        return [(a.asname or a.name).split(".")[0] for a in statement.names]
    if isinstance(statement, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
        return [statement.name]
    if isinstance(statement, ast.Assign):
        return [n.id for t in statement.targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return [statement.target.id]
    return []
