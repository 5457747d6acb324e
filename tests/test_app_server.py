"""The web app's launcher without a browser: errors in one sentence, pages served, nothing left running."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from grid.app import AppServer
from grid.app import server as app_server
from grid.app.page import PageContext, manager_page, query_account, user_page
from grid.chain import connect
from grid.errors import GridError
from grid.powergrid import PowerGridClient

PAGES = Path(app_server.PAGES_DIR)


def one_sentence(text: str) -> bool:
    return "\n" not in text.strip() and "Traceback" not in text


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as reply:
        assert reply.status == 200
        return reply.read().decode()


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def gone(processes: list[psutil.Process], timeout: float = 10.0) -> list[psutil.Process]:
    """The processes still running after `timeout` seconds."""
    _, alive = psutil.wait_procs(processes, timeout=timeout)
    return alive


# ------------------------------------------------------------ fast: nothing starts
def test_a_taken_port_is_one_sentence_and_starts_nothing():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = AppServer(port=port)
        with pytest.raises(GridError) as caught:
            server.start()
    assert caught.value.kind == "input" and one_sentence(str(caught.value))
    assert str(caught.value).startswith(f"port {port} is taken") and "--port" in str(caught.value)
    assert server.chain is None and server.voila is None


@pytest.mark.parametrize("port", [-1, 65536, "8866"])
def test_a_port_out_of_range_is_one_sentence(port):
    with pytest.raises(GridError, match="the port must be a whole number"):
        AppServer(port=port).start()


@pytest.mark.parametrize("target", ["tester", "geth", "", None])
def test_the_chain_must_be_one_the_pages_can_share(target):
    with pytest.raises(GridError, match=r"anvil .*or the http") as caught:
        AppServer(target=target, port=0).start()
    assert one_sentence(str(caught.value))


def test_a_state_file_with_a_url_node_is_refused(tmp_path):
    server = AppServer(target="http://127.0.0.1:9", port=0, state_file=tmp_path / "chain.json")
    with pytest.raises(GridError, match="a state file works with the anvil chain only"):
        server.start()
    assert server.voila is None


def test_voila_missing_is_one_sentence(monkeypatch):
    monkeypatch.setattr(app_server, "voila_available", lambda: False)
    server = AppServer(port=0)
    with pytest.raises(GridError, match=r"Voila is not installed.*make setup") as caught:
        server.start()
    assert one_sentence(str(caught.value)) and server.chain is None


def test_anvil_missing_is_one_sentence_and_starts_no_voila(monkeypatch, tmp_path):
    monkeypatch.setenv("ANVIL_BINARY", str(tmp_path / "no-such-anvil"))
    server = AppServer(port=0, record_path=tmp_path / "record.json")
    with pytest.raises(GridError, match="cannot start anvil") as caught:
        server.start()
    assert one_sentence(str(caught.value)) and server.voila is None and server.chain is None


def test_urls_before_start_are_a_readable_error():
    with pytest.raises(GridError, match="not running"):
        _ = AppServer().urls


# ---------------------------------------------------------------- the pages' side
def test_pages_ship_stripped_of_outputs():
    nbstripout = Path(sys.executable).with_name("nbstripout")
    pages = [str(PAGES / "manager.ipynb"), str(PAGES / "user.ipynb")]
    done = subprocess.run([str(nbstripout), "--verify", *pages], capture_output=True, text=True)
    assert done.returncode == 0, f"a page has outputs: run `nbstripout {' '.join(pages)}`"
    assert (PAGES / "side_by_side.html").exists()


@pytest.mark.parametrize("query, account", [("account=consumer1", "consumer1"), ("", None),
                                            ("account=&x=1", None),
                                            ("x=1&account=%20generator2%20", "generator2")])
def test_query_account(query, account):
    assert query_account(query) == account


def test_a_page_outside_the_app_says_how_to_start_it(monkeypatch):
    for name in ("GRIDCHAIN_APP_RPC_URL", "GRIDCHAIN_APP_CONTRACT"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(GridError, match="make app"):
        PageContext.from_env()
    for page in (manager_page(live=False), user_page("account=generator1", live=False)):
        assert page.dashboard is None and "make app" in page.error and one_sentence(page.error)


def test_a_page_whose_node_is_down_says_so_in_one_sentence(monkeypatch):
    monkeypatch.setenv("GRIDCHAIN_APP_RPC_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("GRIDCHAIN_APP_CONTRACT", "0x5FbDB2315678afecb367f032d93F642f64180aa3")
    page = manager_page(live=False)
    assert page.dashboard is None and page.error.startswith("Cannot reach") and one_sentence(page.error)


# ------------------------------------------------------------- real processes
@pytest.mark.anvil
def test_the_user_page_opens_the_account_of_its_address(monkeypatch):
    with connect("anvil") as chain:
        contract = PowerGridClient.deploy(chain).address
        monkeypatch.setenv("GRIDCHAIN_APP_RPC_URL", chain.rpc_url)
        monkeypatch.setenv("GRIDCHAIN_APP_CONTRACT", contract)
        page = user_page("account=consumer1", live=False)
        assert page.dashboard.account.name == "consumer1" and not page.error
        assert "admin" not in page.dashboard.account_picker.options  # the manager is not a platform user
        page = user_page("account=nobody", live=False)
        notice = page.widget.children[0]
        assert "gc-app-notice" in notice._dom_classes and "no account named 'nobody'" in notice.value
        assert page.dashboard.account.name == "generator1"
        page = manager_page(live=False)
        assert page.dashboard.is_admin and page.widget is page.dashboard.widget


@pytest.mark.anvil
def test_a_url_chain_is_served_and_stop_leaves_only_that_node(tmp_path):
    with connect("anvil") as chain:
        server = AppServer(target=chain.rpc_url, port=0, record_path=tmp_path / "record.json").start()
        try:
            assert server.rpc_url == chain.rpc_url and server.chain.process is None
            assert (tmp_path / "record.json").exists() and not server.migration.reused
            side = fetch(server.urls.side_by_side)
            assert "gc-app-manager-frame" in side and "gc-app-user-frame" in side
            page = fetch(server.urls.manager)  # runs the page in a kernel
            assert "application/vnd.jupyter.widget-view+json" in page
            assert "There was an error when executing cell" not in page
            assert "cdn.jsdelivr.net" not in page and "cdnjs" not in page  # offline template
            with pytest.raises(urllib.error.HTTPError):   # only the side-by-side page is a plain file
                fetch(server.urls.base + "voila/files/manager.ipynb")
            voila = psutil.Process(server.voila.pid)
            kernels = descendants(voila.pid)
            assert kernels, "rendering the manager page should have started a kernel"
        finally:
            server.stop()
        assert not gone([voila, *kernels]), "Voila or a kernel outlived stop()"
        assert chain.block_number >= 1  # the node we did not start keeps running
        server.stop()  # stopping twice is harmless


def start_cli(cwd: Path, *args: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "grid", "app", "--port", "0", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("Press Ctrl-C"):
            break
    return proc, "".join(lines)


@pytest.mark.anvil
def test_the_cli_serves_until_ctrl_c_and_the_class_chain_survives_a_restart(tmp_path):
    proc, out = start_cli(tmp_path)
    try:
        assert "Side by side (open this in class)" in out, out + proc.stderr.read()
        side = re.search(r"Side by side \(open this in class\): (\S+)", out).group(1)
        contract = re.search(r"Contract: PowerGeneration at (0x[0-9a-fA-F]{40}) \(deployed just now", out)
        address = contract.group(1)
        assert "State file: " in out and "chainId 666" in out
        assert "gc-app-user-frame" in fetch(side)
        children = descendants(proc.pid)
        assert {"anvil"} <= {p.name() for p in children}
    finally:
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Stopped Voila and the node. State saved to" in rest and "Traceback" not in err
    assert not gone(children), "anvil, Voila or a kernel outlived Ctrl-C"
    assert (tmp_path / ".cache" / "app-chain.json").exists()
    assert (tmp_path / ".cache" / "app-deployment.json").exists()

    proc, out = start_cli(tmp_path)  # the same state file: the same contract, reused
    try:
        assert f"Contract: PowerGeneration at {address} (reused from the deployment record" in out, out
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    assert proc.returncode == 0


def test_the_cli_reports_a_taken_port_in_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "grid", "app", "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == (f"error: port {port} is taken (is the app already running?): stop the "
                                   f"other server or choose another port with --port")
