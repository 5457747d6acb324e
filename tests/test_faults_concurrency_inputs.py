"""Fault injection on a shared anvil: many senders on one account, bad URLs, odd nodes, huge inputs.

Every transaction a client acknowledges is looked up on the chain by hash;
totals come from the contract, counted independently of the client's log.
"""
from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from grid import PowerGridClient
from grid.chain import AnvilProcess, connect
from grid.chain.base import MAX_MINE
from grid.chain.jsonrpc import JsonRpcConnection
from grid.chain.rpc import RpcTransport
from grid.errors import GridError
from grid.genesis import compare_genesis

THREADS, EACH = 8, 25


@pytest.fixture(scope="module")
def node():
    # One unlocked account (admin): generator1 is signed here, locally, like a student's own key.
    with connect("anvil", accounts=1) as chain:
        yield chain.process


def _generator_setup(url):
    chain = connect(url, accounts=10)
    admin, generator = chain.account("admin"), chain.account("generator1")
    chain.send_transaction(admin, generator.address, b"", 21_000, value=10**20)
    client = PowerGridClient.deploy(chain, deployer="admin")
    client.register_user("generator1", "G1", "Sundsvall", can_generate=True, can_consume=False)
    return chain, client


def _send_many(client, sender):
    return [client.generate_power(1, sender=sender).tx_hash for _ in range(EACH)]


def _all_on_chain(chain, hashes):
    receipts = [chain.rpc("eth_getTransactionReceipt", h) for h in hashes]
    return all(r is not None and r["status"] == "0x1" for r in receipts)


@pytest.mark.parametrize("signer", ["generator1", "admin"])   # signed here / signed by the node
def test_eight_threads_through_one_client_deliver_every_transaction(node, signer):
    chain, client = _generator_setup(node.url)
    if signer == "admin":
        client.register_user("admin", "A", "Sundsvall", can_generate=True, can_consume=False)
    assert chain.holds_key(signer) is (signer == "admin")
    with ThreadPoolExecutor(THREADS) as pool:
        batches = pool.map(lambda _: _send_many(client, signer), range(THREADS))
        hashes = [h for batch in batches for h in batch]
    assert len(set(hashes)) == THREADS * EACH and _all_on_chain(chain, hashes)
    assert client.total_generated(signer, sender=signer) == THREADS * EACH


def test_eight_clients_on_one_account_deliver_every_transaction(node):
    chain, client = _generator_setup(node.url)
    clients = [PowerGridClient(connect(node.url, accounts=10), client.address) for _ in range(THREADS)]
    with ThreadPoolExecutor(THREADS) as pool:
        hashes = [h for batch in pool.map(lambda c: _send_many(c, "generator1"), clients) for h in batch]
    assert len(set(hashes)) == THREADS * EACH and _all_on_chain(chain, hashes)
    assert client.total_generated("generator1", sender="generator1") == THREADS * EACH


def test_two_programs_on_one_account_still_deliver_every_transaction(node):
    chain, client = _generator_setup(node.url)
    script = ("import sys; from grid import PowerGridClient; from grid.chain import connect; "
              f"c = PowerGridClient(connect({node.url!r}, accounts=10), {client.address!r}); "
              "[c.generate_power(1, sender='generator1') for _ in range(40)]; print('done')")
    other = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    ours = [client.generate_power(1, sender="generator1").tx_hash for _ in range(40)]
    assert other.communicate(timeout=120)[0].strip() == "done" and other.returncode == 0
    assert _all_on_chain(chain, ours)
    assert client.total_generated("generator1", sender="generator1") == 80


def test_a_node_restarted_without_its_state_is_named_as_the_cause(node):
    _chain, client = _generator_setup(node.url)
    with connect("anvil") as fresh:        # the same keys, an empty chain: the contract is gone
        with pytest.raises(GridError, match="there is no contract at"):
            PowerGridClient(fresh, client.address)
        stale = client.using("generator1")
        stale.chain = fresh                # a client kept across a restart
        with pytest.raises(GridError, match="restarted without its state") as info:
            stale.generate_power(5)
        assert "no generation right" not in str(info.value)


def test_re_registering_a_user_says_what_it_would_erase_and_needs_reset(node):
    _chain, client = _generator_setup(node.url)
    client.generate_power(2500, sender="generator1")
    with pytest.raises(GridError) as warned:
        client.register_user("generator1", "G1", "Sundsvall", can_generate=True, can_consume=True)
    assert "2.5 kWh (2,500 Wh)" in str(warned.value) and "reset=True" in str(warned.value)
    assert client.generation_balance(sender="generator1") == 2500          # nothing was sent
    client.register_user("generator1", "G1", "Sundsvall", can_generate=True, can_consume=True, reset=True)
    assert client.generation_balance(sender="generator1") == 0              # the seed's flaw, confirmed


def test_mine_refuses_an_unbounded_count_before_mining(node):
    with connect(node.url) as chain:
        before = chain.block_number
        with pytest.raises(GridError, match=f"at most {MAX_MINE:,} blocks"):
            chain.mine(10**7)
        assert chain.block_number == before
        assert chain.mine(1200) == before + 1200     # three chunks, one count


def test_compare_genesis_answers_on_a_chain_longer_than_the_kept_history(node):
    with connect(node.url) as chain:
        chain.mine(40)
        rows = compare_genesis(chain)
    assert any("not readable" in row.ours for row in rows)


@pytest.mark.parametrize("url, words", [
    ("http://", "names no host"),
    ("http://127.0.0.1:notaport", "port in"),
    ("http://127.0.0.1:99999", "port in"),
    ("ftp://127.0.0.1:8545", "unknown chain target"),
])
def test_the_cli_gives_one_line_for_a_bad_url(url, words):
    result = subprocess.run([sys.executable, "-m", "grid", "demo", "--chain", url],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "Traceback" not in result.stderr + result.stdout
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_credentials_in_a_url_are_never_printed():
    url = "http://student:hunter2@127.0.0.1:9"
    result = subprocess.run([sys.executable, "-m", "grid", "demo", "--chain", url],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "hunter2" not in result.stderr + result.stdout
    assert "***@127.0.0.1:9" in result.stderr


class _OddNode(http.server.BaseHTTPRequestHandler):
    answer: object = None

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        body = self.answer if isinstance(self.answer, bytes) else json.dumps(self.answer).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("answer, words", [
    ({"jsonrpc": "2.0", "id": 1, "result": "0xzz"}, "not a chain id"),
    ({"jsonrpc": "2.0", "id": 1, "result": None}, "not a chain id"),
    ({"jsonrpc": "2.0", "id": 1, "result": 7}, "not a chain id"),
    ({"hello": "world"}, "not a JSON-RPC reply"),
    (b"<html>router login</html>", "not JSON"),
    ([1, 2, 3], "not a JSON-RPC reply"),
])
def test_a_node_with_odd_answers_gets_one_sentence(answer, words):
    handler = type("Handler", (_OddNode,), {"answer": answer})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(GridError, match=words) as info:
            connect(f"http://127.0.0.1:{server.server_port}")
        assert info.value.kind == "node"
    finally:
        server.shutdown()


def test_a_frozen_node_is_not_called_down():
    node = AnvilProcess.start()
    try:
        os.kill(node.pid, signal.SIGSTOP)
        transport = RpcTransport(node.url, unlocked=set(), local_fees=True)
        transport.connection = JsonRpcConnection(node.url, timeout=1.0)
        with pytest.raises(GridError, match="did not answer in time: it may be frozen"):
            transport.rpc("eth_blockNumber", [])
    finally:
        node.stop()


def test_https_to_a_plain_http_node_says_to_use_http():
    node = AnvilProcess.start()
    try:
        with pytest.raises(GridError, match="write http:// instead of https://"):
            connect(node.url.replace("http://", "https://"))
    finally:
        node.stop()
