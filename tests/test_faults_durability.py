"""Fault injection on the class chain's state file, on a real anvil: kill -9, SIGSTOP, two owners, junk.

What counts as saved comes from reading the chain back after a restart, never
from what the node or the toolkit said it did.
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from grid import PowerGridClient
from grid.chain import AnvilProcess, connect
from grid.chain import process as node_process
from grid.chain.state_file import SAVE_INTERVAL_S, StateLock, StopReport
from grid.errors import GridError

WRITE_MARGIN_S = 1.0   # time anvil may take to write one periodic save


def _start(path):
    chain = connect("anvil", state_file=path)   # the chain owns its node: close() stops it
    return chain.process, chain


def test_kill_9_mid_loop_loses_at_most_one_save_interval(tmp_path, capsys):
    path = tmp_path / "class.json"
    node, chain = _start(path)
    client = PowerGridClient.deploy(chain, deployer="admin")
    client.register_user("generator1", "G1", "Sundsvall", can_generate=True, can_consume=False)
    time.sleep(SAVE_INTERVAL_S + WRITE_MARGIN_S)   # the deployment is in a periodic save
    acknowledged: list[float] = []                  # when each GeneratePower(1) came back mined
    kill_after = random.Random(11).uniform(2.5, 5.0) * SAVE_INTERVAL_S
    started = time.monotonic()
    while time.monotonic() - started < kill_after:
        client.generate_power(1, sender="generator1")
        acknowledged.append(time.monotonic())
    os.kill(node.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    node.process.wait()
    assert not node.stop().saved                  # a killed node is never reported as saved
    chain.close()

    node, chain = _start(path)
    recovered_in = time.monotonic() - killed_at
    try:
        survived = PowerGridClient(chain, client.address).total_generated("generator1", sender="generator1")
        safe = sum(1 for t in acknowledged if t < killed_at - SAVE_INTERVAL_S - WRITE_MARGIN_S)
        assert safe > 0, "the loop ran too briefly to test anything"
        assert safe <= survived <= len(acknowledged)
        assert node.resumed is not None and node.resumed.block_number == chain.block_number
        with capsys.disabled():
            print(f"\n[kill -9] acknowledged {len(acknowledged)}, survived {survived}, lost "
                  f"{len(acknowledged) - survived} (allowed: {len(acknowledged) - safe}), "
                  f"restart {recovered_in:.2f} s")
    finally:
        chain.close()


def test_a_stopped_node_reports_the_block_it_saved_and_resumes_there(tmp_path):
    path = tmp_path / "class.json"
    node, chain = _start(path)
    chain.mine(7)
    report = node.stop()
    chain.close()
    assert report.saved and report.file_block == 7 == report.chain_block
    assert "at block 7" in report.sentence()
    assert json.loads(path.read_text())["best_block_number"] in (7, "0x7")   # anvil's own file says so

    node, chain = _start(path)
    try:
        assert node.resumed.block_number == 7 == chain.block_number
    finally:
        chain.close()


def test_a_paused_node_is_woken_to_save_on_stop(tmp_path):
    path = tmp_path / "class.json"
    node, chain = _start(path)
    chain.mine(5)
    os.kill(node.pid, signal.SIGSTOP)
    report = node.stop()
    chain.close()
    assert report.saved and report.file_block == 5
    node, chain = _start(path)
    try:
        assert chain.block_number == 5
    finally:
        chain.close()


def test_a_process_that_ignores_the_stop_signal_is_killed_and_that_is_reported():
    stubborn = subprocess.Popen([sys.executable, "-c",
                                 "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
                                 "print('ready', flush=True); time.sleep(60)"], stdout=subprocess.PIPE)
    stubborn.stdout.readline()
    assert node_process.stop(stubborn, timeout=0.5) is True
    assert stubborn.returncode == -signal.SIGKILL
    gentle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    assert node_process.stop(gentle, timeout=5) is False


def test_the_report_of_a_forced_stop_says_what_the_file_still_holds(tmp_path):
    text = StopReport(False, tmp_path / "c.json", chain_block=40, file_block=38, forced=True).sentence()
    assert text.startswith("State NOT saved") and "killed" in text and "38" in text and "40" in text


def test_two_nodes_on_one_state_file_the_second_refuses_and_names_the_first(tmp_path):
    path = tmp_path / "class.json"
    _node, chain = _start(path)
    try:
        with pytest.raises(GridError) as refused:
            AnvilProcess.start(state_file=path)
        assert refused.value.kind == "input" and str(os.getpid()) in str(refused.value)
        assert "in use" in str(refused.value)
    finally:
        chain.close()
    _node, chain = _start(path)    # once the first has stopped, the file is free again
    chain.close()


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path):
    path = tmp_path / "class.json"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "class.json.lock").write_text(f"{dead.pid}\n")   # its file lock died with it
    lock = StateLock(path).acquire()
    try:
        assert (tmp_path / "class.json.lock").read_text().strip() == str(os.getpid())
    finally:
        lock.release()


def test_a_second_app_process_on_the_same_file_is_refused(tmp_path):
    path = tmp_path / "class.json"
    holder = subprocess.Popen([sys.executable, "-c",
                               "import sys, time; from pathlib import Path; "
                               "from grid.chain.state_file import StateLock; "
                               f"StateLock(Path({str(path)!r})).acquire(); print('held', flush=True); "
                               "time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(GridError, match=f"in use by process {holder.pid}"):
            StateLock(path).acquire("app")
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("damage, word", [
    (lambda text: text[: len(text) // 2], "truncated"),
    (lambda text: "", "truncated"),
    (lambda text: "not json at all", "corrupt"),
    (lambda text: json.dumps({"accounts": {}}), "corrupt"),
])
def test_a_damaged_state_file_gets_its_own_sentence_and_is_left_alone(tmp_path, damage, word):
    path = tmp_path / "class.json"
    _node, chain = _start(path)
    chain.mine(3)
    chain.close()
    _node, chain = _start(path)    # this start keeps a copy of the good file aside
    chain.mine(2)
    chain.close()
    path.write_text(damage(path.read_text()))
    before = path.read_bytes()
    with pytest.raises(GridError) as bad:
        AnvilProcess.start(state_file=path)
    message = str(bad.value)
    assert word in message and "class.json.prev" in message and "block 3" in message
    assert path.read_bytes() == before                      # nothing deleted or rewritten
    assert not StateLock(path).acquire().release()           # and the lock was given back


def test_a_resumed_chain_keeps_its_own_clock(tmp_path):
    path = tmp_path / "class.json"
    _node, chain = _start(path)
    chain.mine(2)
    saved_stamp = chain.timestamp()
    chain.close()
    _node, chain = _start(path)
    try:
        chain.mine(1)
        # The thesis-dated chain goes on from its own date, not the machine's (2026).
        assert 0 <= chain.timestamp() - saved_stamp < 120
    finally:
        chain.close()


@pytest.mark.parametrize("host, port, words", [
    ("127.0.0.1", 70000, "from 1 to 65535"),
    ("no-such-host.invalid", 0, "not an address this machine knows"),
    ("192.0.2.1", 0, "cannot listen on 192.0.2.1"),    # TEST-NET-1 (RFC 5737): never this machine's
])
def test_a_bad_port_or_host_is_named(host, port, words):
    with pytest.raises(GridError, match=words) as bad:
        AnvilProcess.start(host=host, port=port)
    assert bad.value.kind == "input"


def test_a_taken_port_is_named():
    node = AnvilProcess.start()
    try:
        port = int(node.url.rsplit(":", 1)[1])
        with pytest.raises(GridError, match=f"port {port} is taken \\(is a node already running"):
            AnvilProcess.start(port=port)
    finally:
        node.stop()
