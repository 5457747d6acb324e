"""The %%solidity cell magic: compiles a cell, stores artifact and source, reports errors at line:column."""
from __future__ import annotations

from lab.solidity_magic import compile_cell

GOOD = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;
contract Counter {
    event Bumped(uint256 n);
    uint256 public n;
    function bump() external { n += 1; emit Bumped(n); }
}
"""


def test_a_good_cell_is_stored_under_the_name_given(capsys):
    namespace = {}
    artifact = compile_cell("MyCounter", GOOD, namespace)
    assert namespace["MyCounter"] is artifact and namespace["MyCounter_source"] == GOOD
    assert artifact.contract_name == "Counter"
    assert {i["name"] for i in artifact.abi if i.get("type") == "function"} == {"n", "bump"}
    assert "✅ compiled Counter" in capsys.readouterr().out


def test_an_error_names_the_cells_line_and_column_and_stores_nothing(capsys):
    namespace = {}
    broken = GOOD.replace("n += 1;", "m += 1;")           # line 6, column 32: `m` is undeclared
    assert compile_cell("", broken, namespace) is None and namespace == {}
    out = capsys.readouterr().out
    assert out.startswith("❌") and "6:32: DeclarationError" in out and "Traceback" not in out


def test_a_bad_name_is_refused(capsys):
    assert compile_cell("my counter", GOOD, {}) is None
    assert "not a Python name" in capsys.readouterr().out
