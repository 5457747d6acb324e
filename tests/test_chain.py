"""grid.chain: the same accounts everywhere, chain control, and a well-behaved anvil."""
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from web3.exceptions import TransactionNotFound

from grid.accounts import Accounts
from grid.chain import THESIS_CHAIN_ID, THESIS_GENESIS_TIMESTAMP, AnvilProcess, connect
from grid.errors import GridError
from grid.powergrid import PowerGridClient


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped) counts as gone
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def wait_gone(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return False


# --------------------------------------------------------- on every target
def test_same_named_accounts_and_chain_id(chain):
    assert [a.address for a in chain.accounts] == [a.address for a in Accounts.derive(10)]
    assert chain.chain_id == THESIS_CHAIN_ID == 666  # genesis.json, thesis 5.3
    assert chain.w3.eth.chain_id == 666
    for account in chain.accounts:
        assert chain.w3.eth.get_balance(account.address) > 0


def test_genesis_timestamp_is_the_thesis_s(chain):
    assert chain.w3.eth.get_block(0)["timestamp"] == THESIS_GENESIS_TIMESTAMP == 0x5DDF8F3E


def test_mine_snapshot_revert(chain):
    start = chain.block_number
    assert chain.mine(5) == start + 5
    snap = chain.snapshot()
    chain.mine(3)
    chain.revert(snap)
    assert chain.block_number == start + 5
    with pytest.raises(GridError, match="whole number"):
        chain.mine(-1)


def test_transactions_are_found_by_hash_after_a_snapshot_undid_their_block(chain):
    """A hash index must not answer for a block that a revert replaced with another."""
    alice, bob = chain.accounts[0], chain.accounts[1]
    kept = chain.send_transaction(alice, bob.address, b"", 21_000, value=1)
    chain.mine(3)
    snap = chain.snapshot()
    undone = chain.send_transaction(alice, bob.address, b"", 21_000, value=2)
    chain.revert(snap)
    replacement = chain.send_transaction(alice, bob.address, b"", 21_000, value=3)
    assert replacement.block_number == undone.block_number and replacement.tx_hash != undone.tx_hash
    assert chain.w3.eth.get_transaction(replacement.tx_hash)["value"] == 3
    assert chain.w3.eth.get_transaction_receipt(kept.tx_hash)["blockNumber"] == kept.block_number
    assert chain.w3.eth.get_transaction(kept.tx_hash)["value"] == 1
    with pytest.raises(TransactionNotFound):
        chain.w3.eth.get_transaction(undone.tx_hash)


@pytest.mark.parametrize("target", ["tester", pytest.param("anvil", marks=pytest.mark.anvil)])
def test_first_deployment_address_is_deterministic(target):
    # CREATE address = keccak(rlp([sender, nonce]))[12:]: account 0 at nonce 0 gives
    # 0x5FbDB2315678afecb367f032d93F642f64180aa3 (the address Hardhat/Foundry docs show).
    with connect(target) as fresh:
        assert PowerGridClient.deploy(fresh).address == "0x5FbDB2315678afecb367f032d93F642f64180aa3"


def test_unknown_target_is_a_clear_error():
    with pytest.raises(GridError, match="unknown chain target 'mainnet'"):
        connect("mainnet")


def test_geth_without_binary_says_how_to_get_one(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("GETH_BINARY", raising=False)
    with pytest.raises(GridError, match="no geth binary found") as info:
        connect("geth")
    assert info.value.kind == "unsupported"


def test_geth_dev_chain_runs_the_contract():
    if not shutil.which("geth") and not os.environ.get("GETH_BINARY"):
        pytest.skip("geth is not installed (not packaged for this machine); "
                    "install go-ethereum to run this test")
    with connect("geth") as chain:
        client = PowerGridClient.deploy(chain)
        client.register_user("generator1", "G", "S", can_generate=True, can_consume=False)
        client.generate_power(10, sender="generator1")
        assert client.generation_balance(sender="generator1") == 10


# ---------------------------------------------------------------- anvil only

@pytest.mark.anvil
def test_anvil_stops_cleanly_with_close():
    chain = connect("anvil")
    pid = chain.process.pid
    assert pid_alive(pid)
    chain.close()
    assert wait_gone(pid)


@pytest.mark.anvil
def test_no_orphan_when_python_is_killed(tmp_path):
    script = ("import sys, time\n"
              "from grid.chain import connect\n"
              "c = connect('anvil')\n"
              "print(c.process.pid, flush=True)\n"
              "time.sleep(120)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    pid = int(proc.stdout.readline())
    assert pid_alive(pid)
    proc.send_signal(signal.SIGKILL)  # no atexit, no finally: only PR_SET_PDEATHSIG can help
    proc.wait()
    assert wait_gone(pid), f"anvil {pid} outlived its killed parent"


@pytest.mark.anvil
def test_state_file_survives_a_restart(tmp_path):
    state = tmp_path / "chain-state.json"
    with connect("anvil", state_file=state) as chain:
        client = PowerGridClient.deploy(chain)
        client.register_user("generator1", "PowerProviderOne", "Sundsvall",
                             can_generate=True, can_consume=False)
        client.register_user("consumer1", "PowerUserOne", "Sundsvall", can_generate=False, can_consume=True)
        client.sell_power("consumer1", 100, sender="generator1")
        client.generate_power(10, sender="generator1")
        client.consume_power(30, sender="consumer1")
        client.send_dispatch("consumer1", "stop")
        chain.travel(3600)  # an hour of class goes by
        address, height = client.address, chain.block_number
        last_time = chain.w3.eth.get_block(height)["timestamp"]
    assert state.exists() and state.stat().st_size > 0
    with connect("anvil", state_file=state) as chain:
        client = PowerGridClient(chain, address)
        assert chain.block_number == height
        assert client.generation_balance(sender="generator1") == -90
        assert client.total_generated("generator1", sender="admin") == 10
        assert client.remaining_power(sender="consumer1") == 70
        assert client.total_consumed("consumer1", sender="admin") == 30
        assert client.dispatch_info(sender="consumer1") == "stop"
        client.generate_power(5, sender="generator1")  # and the chain carries on
        assert client.generation_balance(sender="generator1") == -85
        # ... with its own clock: a block after the restart is not dated before the last one
        assert chain.w3.eth.get_block("latest")["timestamp"] >= last_time


@pytest.mark.anvil
def test_node_down_is_one_sentence():
    chain = connect("anvil")
    client = PowerGridClient.deploy(chain)
    chain.process.stop()
    with pytest.raises(GridError) as info:
        client.generate_power(1)
    assert info.value.kind == "node" and "cannot reach the Ethereum node" in str(info.value)
    with pytest.raises(GridError, match="cannot reach"):
        client.generation_balance()
    chain.close()


@pytest.mark.anvil
def test_url_target_signs_locally_for_accounts_the_node_does_not_hold():
    # The node unlocks 2 accounts; the URL client derives 6 and signs the rest itself.
    node = AnvilProcess.start(accounts=2)
    try:
        with connect(node.url, accounts=6) as chain:
            assert chain.target == node.url and chain.chain_id == 666
            client = PowerGridClient.deploy(chain)       # admin: unlocked on the node
            client.register_user("consumer1", "U", "S", can_generate=False, can_consume=True)
            client.register_user("generator2", "G", "S", can_generate=True, can_consume=False)
            # generator2 and consumer1 are not on the node: fund them, then sign locally.
            for who in ("generator2", "consumer1"):
                chain.w3.provider.make_request("anvil_setBalance", [chain.account(who).address, hex(10**20)])
            client.sell_power("consumer1", 12, sender="generator2")
            client.consume_power(2, sender="consumer1")
            client.consume_power(3, sender="consumer1")  # consecutive nonces tracked locally
            assert client.remaining_power(sender="consumer1") == 7
            assert chain.w3.eth.get_transaction_count(chain.account("consumer1").address) == 2
    finally:
        node.stop()


@pytest.mark.anvil
def test_unreachable_url_is_one_sentence():
    with pytest.raises(GridError) as info:
        connect("http://127.0.0.1:9")
    assert info.value.kind == "node"
    assert "cannot reach the Ethereum node at http://127.0.0.1:9" in str(info.value)


@pytest.mark.parametrize("target", ["tester", pytest.param("anvil", marks=pytest.mark.anvil)])
def test_a_transaction_the_chain_refuses_is_one_sentence(target):
    # user9 spends all its ether, then tries to pay for gas.
    with connect(target) as chain:
        client = PowerGridClient.deploy(chain)
        poor = chain.account("user9")
        balance = chain.w3.eth.get_balance(poor.address)
        fee = 21_000 * 100 * 10**9  # gas * the fee cap the toolkit uses on local chains
        chain.send_transaction(poor, chain.accounts[0].address, b"", 21_000, value=balance - fee)
        with pytest.raises(GridError) as info:
            client.generate_power(1, sender="user9")
        assert info.value.kind == "node" and "user9's transaction" in str(info.value)


@pytest.mark.anvil
def test_a_corrupt_state_file_is_one_sentence(tmp_path):
    state = tmp_path / "not-anvil.json"
    state.write_text('{"garbage": 1}')
    with pytest.raises(GridError) as info:
        connect("anvil", state_file=state)
    assert info.value.kind == "input" and "is corrupt" in str(info.value)
    assert "\n" not in str(info.value) and state.read_text() == '{"garbage": 1}'   # left as it was


@pytest.mark.anvil
def test_url_target_takes_its_keys_from_the_mnemonic_env_var(monkeypatch):
    # BIP-39's all-"abandon" test phrase: a different, valid mnemonic.
    phrase = "abandon " * 11 + "about"
    monkeypatch.setenv("GRIDCHAIN_MNEMONIC", phrase)
    node = AnvilProcess.start(accounts=1)
    try:
        with connect(node.url, accounts=2) as chain:
            assert [a.address for a in chain.accounts] == [a.address for a in Accounts.derive(2, phrase)]
            assert chain.accounts[0].address != Accounts.derive(1)[0].address
    finally:
        node.stop()
