"""grid.migrate: `truffle migrate` for the toolkit, on eth-tester and on anvil.

Expected values come from the chain itself (receipts, eth_getCode hashed with
keccak here), never from the Deployment that migrate() returns.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from eth_utils import keccak, to_checksum_address

from grid.chain import connect
from grid.compiler import load_artifact
from grid.errors import GridError
from grid.migrate import (
    DEFAULT_RECORD_DIR,
    Deployment,
    check_deployment,
    default_record_path,
    load_deployment,
    migrate,
    record_dir,
    write_deployment,
)
from grid.txlog import TxLog

ARTIFACT = load_artifact("PowerGeneration")
# Creation code that deploys the one-byte runtime code 0x00 (STOP):
# PUSH1 1 PUSH1 0x0c PUSH1 0 CODECOPY PUSH1 1 PUSH1 0 RETURN, then the runtime byte.
TINY_CONTRACT = bytes.fromhex("6001600c60003960016000f3" + "00")


@pytest.fixture
def fresh(chain):
    """The module's chain, rolled back after the test."""
    snap = chain.snapshot()
    yield chain
    chain.revert(snap)


def keccak_hex(data: bytes) -> str:
    return "0x" + keccak(bytes(data)).hex()


def test_first_migration_deploys_and_writes_a_truffle_shaped_record(fresh, tmp_path):
    record = tmp_path / "PowerGeneration.json"
    start = fresh.block_number
    migration = migrate(fresh, record)
    assert not migration.reused and migration.record_path == record

    data = json.loads(record.read_text())
    assert data["contractName"] == "PowerGeneration"
    assert list(data["networks"]) == ["666"]
    entry = data["networks"]["666"]
    receipt = fresh.w3.eth.get_transaction_receipt(entry["transactionHash"])
    assert to_checksum_address(receipt["contractAddress"]) == entry["address"] == migration.client.address
    assert receipt["blockNumber"] == entry["blockNumber"] == start + 1
    assert to_checksum_address(receipt["from"]) == entry["deployer"] == fresh.account("admin").address
    assert entry["codeHash"] == keccak_hex(fresh.w3.eth.get_code(entry["address"]))
    assert entry["codeHash"] == keccak_hex(bytes.fromhex(ARTIFACT.deployed_bytecode[2:]))
    assert entry["compilerVersion"] == ARTIFACT.compiler_version
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))  # atomic: no leftovers

    text = migration.summary()
    assert "Deploying PowerGeneration..." in text
    assert f"PowerGeneration: {entry['address']}" in text
    assert "Saving successful migration to network..." in text
    assert "no deployment record yet" in text


def test_second_migration_reuses_without_a_transaction(fresh, tmp_path):
    record = tmp_path / "r.json"
    first = migrate(fresh, record)
    before_block, before_text = fresh.block_number, record.read_text()
    second = migrate(fresh, record)
    assert second.reused
    assert second.client.address == first.client.address
    assert second.deployment == first.deployment
    assert fresh.block_number == before_block          # nothing was sent
    assert record.read_text() == before_text
    text = second.summary()
    assert f"Reusing PowerGeneration at {first.client.address} (deployed in block " \
           f"{first.deployment.block_number})" in text
    assert "Deploying" not in text
    # the reused client drives the contract deployed the first time
    second.client.register_user("generator1", "G", "Sundsvall", can_generate=True, can_consume=False)
    assert first.client.user_record("generator1").name == "G"


def test_reset_always_redeploys(fresh, tmp_path):
    record = tmp_path / "r.json"
    first = migrate(fresh, record)
    again = migrate(fresh, record, reset=True)
    assert not again.reused and again.client.address != first.client.address
    assert "reset=True" in again.summary()
    assert load_deployment(record, 666).address == again.client.address
    assert migrate(fresh, record).client.address == again.client.address  # the new one is reused


def test_no_code_at_the_recorded_address_redeploys(fresh, tmp_path):
    record = tmp_path / "r.json"
    first = migrate(fresh, record)
    empty = "0x000000000000000000000000000000000000dEaD"
    assert fresh.w3.eth.get_code(empty) == b""
    data = json.loads(record.read_text())
    data["networks"]["666"]["address"] = empty
    record.write_text(json.dumps(data))
    again = migrate(fresh, record)
    assert not again.reused and again.client.address != empty
    assert f"no code at {empty}" in again.summary()
    assert again.deployment.block_number > first.deployment.block_number


def test_other_code_at_the_recorded_address_redeploys(fresh, tmp_path):
    """Another chain with chainId 666: something else lives at the recorded address."""
    receipt = fresh.send_transaction(fresh.account("user5"), None, TINY_CONTRACT, 100_000)
    other = receipt.contract_address
    assert fresh.w3.eth.get_code(other) == b"\x00"
    genuine = Deployment("PowerGeneration", other, 666, "0x" + "11" * 32, 1, fresh.account("admin").address,
                         keccak_hex(bytes.fromhex(ARTIFACT.deployed_bytecode[2:])), ARTIFACT.compiler_version)
    record = tmp_path / "r.json"
    record.write_text(json.dumps({"contractName": "PowerGeneration",
                                  "networks": {"666": genuine.to_network_entry()}}))
    assert "another chain with chainId 666" in check_deployment(fresh, genuine, ARTIFACT)
    again = migrate(fresh, record)
    assert not again.reused and again.client.address != other
    assert f"the code at {other} is not PowerGeneration's" in again.summary()


def test_a_recompiled_artifact_redeploys(fresh, tmp_path):
    record = tmp_path / "r.json"
    first = migrate(fresh, record)
    data = json.loads(record.read_text())
    data["networks"]["666"]["codeHash"] = "0x" + "ab" * 32
    record.write_text(json.dumps(data))
    again = migrate(fresh, record)
    assert not again.reused and again.client.address != first.client.address
    assert "recompiled" in again.summary()


def test_other_networks_in_the_record_are_kept(fresh, tmp_path):
    record = tmp_path / "r.json"
    other = {"address": "0x" + "12" * 20, "transactionHash": "0x" + "34" * 32, "blockNumber": 7,
             "deployer": "0x" + "56" * 20, "codeHash": "0x" + "78" * 32, "compilerVersion": "0.8.37"}
    record.write_text(json.dumps({"contractName": "PowerGeneration", "networks": {"1337": other}}))
    migrate(fresh, record)
    data = json.loads(record.read_text())
    assert data["networks"]["1337"] == other and "666" in data["networks"]
    assert load_deployment(record, 1337).block_number == 7
    assert load_deployment(record, 5) is None


def test_client_keyword_arguments_reach_the_client(fresh, tmp_path):
    log = TxLog()
    migration = migrate(fresh, tmp_path / "r.json", account="generator1", log=log, preflight=False)
    assert migration.client.account.name == "generator1"
    assert migration.client.log is log and log[-1].function == "(constructor)"
    assert migration.deployment.deployer == fresh.account("admin").address  # admin still deploys
    assert migrate(fresh, tmp_path / "r.json", account="consumer1").client.account.name == "consumer1"


@pytest.mark.parametrize("content, why", [
    ("{not json", "is not JSON"),
    ("[1, 2]", "is not a Truffle-shaped record"),
    ('{"contractName": "PowerGeneration"}', "is not a Truffle-shaped record"),
    ('{"contractName": "PowerGeneration", "networks": {"666": {"address": "0x12"}}}', "without the fields"),
    ('{"contractName": "PowerGeneration", "networks": {"666": {"address": "nope", "transactionHash": "0x",'
     ' "blockNumber": 1, "deployer": "0x", "codeHash": "0x", "compilerVersion": ""}}}', "not an address"),
    ('{"contractName": "Other", "networks": {}}', "is for contract Other"),
])
def test_a_bad_record_is_one_readable_sentence(fresh, tmp_path, content, why):
    record = tmp_path / "r.json"
    record.write_text(content)
    start = fresh.block_number
    with pytest.raises(GridError) as info:
        migrate(fresh, record)
    assert info.value.kind == "input"
    assert why in info.value.message and "delete the file or pass reset=True" in info.value.message
    assert "\n" not in info.value.message
    assert fresh.block_number == start                   # nothing deployed
    fixed = migrate(fresh, record, reset=True)           # reset replaces the broken file
    assert load_deployment(record, 666).address == fixed.client.address


def test_load_deployment_without_a_file_is_none(tmp_path):
    assert load_deployment(tmp_path / "missing.json", 666) is None
    with pytest.raises(GridError, match="is a folder"):
        load_deployment(tmp_path, 666)


def test_record_folder_follows_the_cache_variable(monkeypatch, tmp_path, chain):
    monkeypatch.delenv("GRIDCHAIN_CACHE_DIR", raising=False)
    default = Path(__file__).resolve().parents[1] / ".cache" / "deployments"
    assert record_dir() == DEFAULT_RECORD_DIR == default
    monkeypatch.setenv("GRIDCHAIN_CACHE_DIR", str(tmp_path))
    assert default_record_path() == tmp_path / "deployments" / "PowerGeneration.json"
    snap = chain.snapshot()
    try:
        migration = migrate(chain)
    finally:
        chain.revert(snap)
    assert migration.record_path == tmp_path / "deployments" / "PowerGeneration.json"
    assert migration.record_path.exists()


def test_an_unwritable_record_folder_is_readable(fresh, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    start = fresh.block_number
    with pytest.raises(GridError, match="cannot write the deployment record") as info:
        migrate(fresh, blocker / "sub" / "r.json")
    assert info.value.kind == "input"
    assert fresh.block_number == start  # checked before deploying


# ---------------------------------------------------------------- anvil only
@pytest.mark.anvil
def test_anvil_restart_with_state_reuses_and_without_state_redeploys(tmp_path):
    record, state = tmp_path / "r.json", tmp_path / "chain.json"
    with connect("anvil", state_file=state) as node:
        first = migrate(node, record)
        first.client.register_user("consumer1", "C", "Sundsvall", can_generate=False, can_consume=True)
    with connect("anvil", state_file=state) as node:      # restarted from its state file
        again = migrate(node, record)
        assert again.reused and again.client.address == first.client.address
        assert again.client.user_record("consumer1").name == "C"
    with connect("anvil") as empty:                        # restarted without state
        third = migrate(empty, record)
        assert not third.reused
        assert "anvil restarted without its state file" in third.summary()


@pytest.mark.anvil
def test_a_stopped_node_is_a_node_error(tmp_path):
    with connect("anvil") as node:
        migrate(node, tmp_path / "r.json")
        node.process.stop()
        with pytest.raises(GridError) as info:
            migrate(node, tmp_path / "r.json")
        assert info.value.kind == "node"


def test_deployment_round_trips_through_the_record(tmp_path):
    d = Deployment("PowerGeneration", "0x5FbDB2315678afecb367f032d93F642f64180aa3", 666, "0x" + "ab" * 32,
                   3, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "0x" + "cd" * 32,
                   "0.8.37+commit.f401782d")
    write_deployment(tmp_path / "r.json", d)
    assert load_deployment(tmp_path / "r.json", 666) == d
    write_deployment(tmp_path / "r.json", replace(d, chain_id=1))
    assert load_deployment(tmp_path / "r.json", 666) == d


@pytest.mark.anvil
def test_two_processes_migrating_at_once_deploy_once(tmp_path):
    """The web app's pages start together: one deploys, the other reuses its record."""
    record = tmp_path / "r.json"
    with connect("anvil") as node:
        script = ("import sys; from grid import connect; from grid.migrate import migrate\n"
                  f"chain = connect({node.rpc_url!r})\n"
                  f"print(migrate(chain, {str(record)!r}).client.address)\n")
        procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
                 for _ in range(2)]
        addresses = {p.communicate(timeout=120)[0].strip() for p in procs}
        assert all(p.returncode == 0 for p in procs)
        assert len(addresses) == 1 and addresses == {load_deployment(record, 666).address}
        creations = [n for n in range(node.block_number + 1)
                     if any(tx["to"] is None for tx in node.w3.eth.get_block(n, True)["transactions"])]
        assert len(creations) == 1
