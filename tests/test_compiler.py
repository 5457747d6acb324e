"""grid.compiler: pinned solc, standard JSON, cache, errors, committed artifacts."""
import json
import shutil

import pytest
from eth_utils import keccak

from grid import compiler
from grid.compiler import (
    EVM_VERSION,
    SOLC_VERSION,
    CompileError,
    compile_contracts,
    compile_sources,
    find_backend,
    load_artifact,
)


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(compiler.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_committed_artifact_equals_a_fresh_compile(private_cache):
    fresh = compile_contracts(use_cache=False)
    committed = json.loads(compiler.artifact_path("PowerGeneration").read_text())
    assert fresh.artifacts["PowerGeneration"].to_json() == committed


def test_artifact_has_the_truffle_hardhat_shape_and_pinned_settings():
    data = json.loads(compiler.artifact_path("PowerGeneration").read_text())
    for key in ("contractName", "abi", "bytecode", "deployedBytecode", "compiler"):
        assert key in data
    assert data["compiler"]["version"].startswith(SOLC_VERSION + "+commit.")
    assert data["compiler"]["settings"]["evmVersion"] == EVM_VERSION == "prague"
    assert data["bytecode"].startswith("0x6080") and len(data["deployedBytecode"]) > 100


def test_selectors_match_the_thesis_figures_and_keccak():
    # Figure 5-4 shows empower's input as "0x241...", Figure 5-6 Transfer's as "0x69c...":
    # this also confirms Appendix A's capital-T `Transfer` (lower-case `transfer`
    # would be 0xa9059cbb).
    ids = load_artifact().method_identifiers
    for signature, selector in ids.items():
        assert selector == keccak(text=signature)[:4].hex()
    assert ids["empower(address,string,string,bool,bool)"].startswith("241")
    assert ids["Transfer(address,uint256)"].startswith("69c")
    assert len(ids) == 10  # 5 transactions + 5 queries, as in Appendix A


def test_second_compile_comes_from_the_cache(private_cache):
    first = compile_contracts()
    second = compile_contracts()
    assert (first.from_cache, second.from_cache) == (False, True)
    assert first.artifacts == second.artifacts
    assert len(list(private_cache.glob("*.json"))) == 1


def test_cache_key_changes_with_input_and_compiler_version():
    backend = find_backend()
    base = compiler.standard_input({"A.sol": "contract A {}"})
    other = compiler.standard_input({"A.sol": "contract A { }"})

    class OtherVersion:
        def cache_id(self):
            return backend.cache_id() + "-other"

    keys = {compiler.cache_key(backend, base), compiler.cache_key(backend, other),
            compiler.cache_key(OtherVersion(), base)}
    assert len(keys) == 3
    assert compiler.cache_key(backend, base) == compiler.cache_key(backend, json.loads(json.dumps(base)))


def test_compile_error_carries_file_line_messages(private_cache):
    source = "pragma solidity 0.8.37;\ncontract B {\n  function f() public { uint x = 1 }\n}\n"
    with pytest.raises(CompileError) as info:
        compile_sources({"Broken.sol": source})
    assert info.value.kind == "compile"
    assert "Broken.sol:3:" in str(info.value) and "ParserError" in str(info.value)
    assert any("Broken.sol:3:" in d for d in info.value.details)


def test_warnings_are_returned_not_printed(private_cache, capsys):
    source = ("// SPDX-License-Identifier: MIT\npragma solidity 0.8.37;\n"
              "contract W { function f() public { uint x = 1; } }\n")
    result = compile_sources({"W.sol": source})
    assert any("Unused local variable" in w for w in result.warnings)
    assert capsys.readouterr() == ("", "")


def test_a_wrong_solc_binary_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("SOLC_BINARY", str(tmp_path / "no-such-solc"))
    with pytest.raises(CompileError, match="cannot run the solc"):
        find_backend()


def test_without_node_and_solc_the_error_says_what_to_do(monkeypatch):
    monkeypatch.delenv("SOLC_BINARY", raising=False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(CompileError, match="make setup"):
        find_backend()


def test_native_solc_gives_the_same_artifact(private_cache):
    solc = shutil.which("solc")
    if not solc:
        pytest.skip("no native solc on PATH (not packaged for this machine); solcjs is tested above")
    native = compiler.NativeSolc(solc)
    if not native.version.startswith(SOLC_VERSION + "+"):
        pytest.skip(f"native solc is {native.version}, not the pinned {SOLC_VERSION}")
    result = compile_contracts(backend=native, use_cache=False)
    assert result.artifacts["PowerGeneration"] == load_artifact()


SHIM = r'''#!/usr/bin/env python3
# A stand-in with native solc's command-line interface (--version,
# --standard-json on stdin), backed by solcjs: it exercises the py-solc-x path.
import json, subprocess, sys
NODE = ("const s=require('solc');let d='';"
        "process.stdin.on('data',c=>d+=c).on('end',()=>process.stdout.write(s.compile(d)));")
if "--version" in sys.argv:
    print("solc, the solidity compiler commandline interface")
    print("Version: 0.8.37+commit.f401782d.Linux.g++")
    sys.exit(0)
assert "--standard-json" in sys.argv, sys.argv
out = subprocess.run(["node", "-e", NODE], input=sys.stdin.read(), capture_output=True, text=True,
                     env={"NODE_PATH": sys.argv[0].rsplit("/", 1)[0] + "/node_modules",
                          "PATH": "/usr/bin:/bin"})
sys.stdout.write(out.stdout)
'''


def test_native_backend_runs_through_py_solc_x(tmp_path, private_cache, monkeypatch):
    # No native solc is packaged for this machine, so a CLI-compatible shim
    # stands in for the binary; everything on our side of the pipe is real.
    shim = tmp_path / "solc"
    shim.write_text(SHIM)
    shim.chmod(0o755)
    (tmp_path / "node_modules").symlink_to(compiler.REPO_ROOT / "node_modules")
    monkeypatch.setenv("SOLC_BINARY", str(shim))
    backend = find_backend()
    assert isinstance(backend, compiler.NativeSolc) and backend.version == "0.8.37+commit.f401782d"
    result = compile_contracts(backend=backend, use_cache=False)
    assert result.backend == "native solc"
    assert result.artifacts["PowerGeneration"] == load_artifact()
    with pytest.raises(CompileError, match=r"Broken\.sol:2:"):
        compile_sources({"Broken.sol": "pragma solidity 0.8.37;\ncontract B { uint x = }\n"}, backend=backend,
                        use_cache=False)


def test_a_native_solc_of_another_version_is_refused(tmp_path, monkeypatch):
    fake = tmp_path / "solc"
    fake.write_text("#!/bin/sh\necho 'Version: 0.8.20+commit.a1b79de6.Linux.g++'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("SOLC_BINARY", str(fake))
    with pytest.raises(CompileError, match=r"SOLC_BINARY is solc 0\.8\.20"):
        find_backend()
