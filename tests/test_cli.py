"""`python -m grid demo` and `python -m grid node`, run as a student would."""
import re
import signal
import subprocess
import sys

import pytest

from grid.chain import connect
from grid.powergrid import PowerGridClient

THESIS_VALUES = ["0: int256: _value 0", "0: uint256: _value 0", "0: int256: _value -100",
                 "0: uint256: _value 100", "0: int256: _value -90", "0: uint256: _value 10",
                 "0: string: _info stop"]


def run_grid(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "grid", *args], capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.parametrize("target", ["tester", pytest.param("anvil", marks=pytest.mark.anvil)])
def test_demo_replays_section_5_2_2(target):
    done = run_grid("demo", "--chain", target)
    assert done.returncode == 0, done.stderr
    for value in THESIS_VALUES:
        assert value in done.stdout
    assert done.stdout.count("[transaction] empower from admin") == 4
    assert "hash            0x" in done.stdout and "decoded input" in done.stdout


def test_demo_against_a_dead_node_is_one_line_and_no_traceback():
    done = run_grid("demo", "--chain", "http://127.0.0.1:9")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: cannot reach the Ethereum node")


def test_compile_check_passes_on_the_committed_artifacts():
    done = run_grid("compile", "--check")
    assert done.returncode == 0, done.stderr


@pytest.mark.anvil
def test_node_serves_a_class_and_keeps_its_state(tmp_path):
    state = tmp_path / "classroom.json"

    def start():
        proc = subprocess.Popen([sys.executable, "-m", "grid", "node", "--port", "0", "--state", str(state)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        text = "".join(lines)
        url = re.search(r"RPC URL: (http://\S+)", text).group(1)
        return proc, url, text

    proc, url, text = start()
    assert "chainId 666" in text and "admin       0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" in text
    with connect(url) as chain:
        client = PowerGridClient.deploy(chain)
        client.register_user("generator1", "G", "S", can_generate=True, can_consume=False)
        client.generate_power(42, sender="generator1")
        address = client.address
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Node stopped. State saved" in out and state.exists()

    proc, url, _ = start()
    try:
        with connect(url) as chain:
            assert PowerGridClient(chain, address).generation_balance(sender="generator1") == 42
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
