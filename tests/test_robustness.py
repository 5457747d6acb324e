"""Odd input and odd situations: each is one readable GridError, never a raw exception."""
import http.server
import threading
import time

import pytest
from eth_abi import encode

from grid import GridError, PowerGridClient, connect
from grid.validation import check_string, check_uint256


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def serve(body: bytes, status: int = 200):
    """A loopback HTTP server that answers every POST with `body`."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = _Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.mark.parametrize("body, status, phrase", [
    (b"<html>hello</html>", 200, "its answer is not JSON"),
    (b"{}", 200, "not a JSON-RPC reply"),
    (b"[]", 200, "not a JSON-RPC reply"),
    (b'{"jsonrpc": "2.0", "id": 1, "error": "nope"}', 200, "not a JSON-RPC error object"),
    (b"not found", 404, "it answered HTTP 404"),
])
def test_a_url_that_is_not_an_ethereum_node(body, status, phrase):
    server, url = serve(body, status)
    try:
        with pytest.raises(GridError) as info:
            connect(url)
        assert info.value.kind == "node" and phrase in str(info.value)
        assert "is not an Ethereum JSON-RPC endpoint" in str(info.value)
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def tester():
    with connect("tester") as chain:
        yield chain, PowerGridClient.deploy(chain)


@pytest.mark.parametrize("address, phrase", [
    ("nonsense", "is not an address"),
    (None, "is missing"),
    (12, "is missing"),
    ("0x000000000000000000000000000000000000dEaD", "there is no contract at"),
])
def test_client_needs_a_real_contract_address(tester, address, phrase):
    chain, _ = tester
    with pytest.raises(GridError, match=phrase):
        PowerGridClient(chain, address)


def test_lower_case_contract_address_is_fine(tester):
    chain, client = tester
    assert PowerGridClient(chain, client.address.lower()).address == client.address


def test_call_refuses_a_function_that_would_transact(tester):
    chain, client = tester
    block = chain.block_number
    with pytest.raises(GridError, match="is a transaction, not a call"):
        client.call("GeneratePower", 1)
    assert chain.block_number == block


@pytest.mark.parametrize("function", [["x"], None, 5, "NoSuch"])
def test_unknown_function_names(tester, function):
    with pytest.raises(GridError, match="has no function"):
        tester[1].invoke(function)


def test_preflight_checks_its_arguments(tester):
    client = tester[1]
    with pytest.raises(GridError, match="takes 2 argument"):
        client.preflight("Transfer", 5)
    with pytest.raises(GridError, match="unknown account 'nobody'"):
        client.preflight("Transfer", "nobody", 5, sender="generator1")


def test_invalid_utf8_stored_by_someone_else_still_reads(tester):
    # A classmate can store any bytes through raw calldata; reading must not crash.
    chain, client = tester
    spec = client.functions["PowerDispatch"]
    data = spec.selector + encode(["address", "bytes"], [chain.accounts[3].address, b"st\xffop"])
    chain.send_transaction(chain.account("admin"), client.address, data, 300_000)
    assert client.dispatch_info(sender="consumer1") == "st\ufffdop"


def test_validation_edge_cases():
    with pytest.raises(GridError, match="too large"):
        check_uint256("9" * 5000)
    with pytest.raises(GridError, match="whole number"):
        check_uint256("١٢")  # Arabic-Indic digits are not accepted as 12
    with pytest.raises(GridError, match="not valid Unicode"):
        check_string("\ud800")


def test_closed_chain_and_bad_snapshot():
    chain = connect("tester")
    with pytest.raises(GridError, match="no snapshot 42"):
        chain.revert(42)
    chain.close()
    for action in (lambda: chain.mine(1), lambda: chain.block_number, chain.snapshot):
        with pytest.raises(GridError, match="chain is closed"):
            action()


@pytest.mark.parametrize("kwargs, phrase", [
    ({"mnemonic": "foo bar"}, "not a valid BIP-39 phrase"),
    ({"mnemonic": 5}, "phrase of words"),
    ({"accounts": True}, "whole number from 1"),
    ({"accounts": 0}, "whole number from 1"),
])
def test_connect_arguments(kwargs, phrase):
    with pytest.raises(GridError, match=phrase):
        connect("tester", **kwargs)


@pytest.mark.anvil
@pytest.mark.parametrize("state_file, phrase", [
    ("", "must be a file path"),
    (5, "must be a file path"),
    ("/proc/no/such/dir/state.json", "cannot create the folder"),
])
def test_bad_state_file_paths(state_file, phrase):
    with pytest.raises(GridError, match=phrase):
        connect("anvil", state_file=state_file)


@pytest.mark.anvil
def test_anvil_started_from_a_worker_thread_outlives_the_thread():
    # PR_SET_PDEATHSIG follows the spawning thread: nodes are spawned from a
    # long-lived spawner thread so a short worker thread cannot take them down.
    box = {}
    worker = threading.Thread(target=lambda: box.setdefault("chain", connect("anvil")))
    worker.start()
    worker.join()
    chain = box["chain"]
    try:
        chain.mine(1)
        time.sleep(1.0)
        assert chain.process.running and chain.mine(1) == 2
    finally:
        chain.close()


def test_two_threads_share_the_tester_chain():
    with connect("tester") as chain:
        client = PowerGridClient.deploy(chain)
        client.register_user("generator1", "G", "S", can_generate=True, can_consume=False)
        client.register_user("generator2", "G2", "S", can_generate=True, can_consume=False)
        errors = []

        def work(who):
            try:
                for _ in range(15):
                    client.generate_power(1, sender=who)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(w,)) for w in ("generator1", "generator2")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert client.generation_balance(sender="generator1") == 15
        assert client.generation_balance(sender="generator2") == 15
