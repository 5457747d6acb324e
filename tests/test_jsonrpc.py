"""The kept-alive JSON-RPC connection: one per thread, reconnects when the node closed it."""
from __future__ import annotations

import http.server
import json
import threading
import time

import pytest

from grid.chain.jsonrpc import HttpStatusError, JsonRpcConnection, NodeUnreachable


class _Node(http.server.BaseHTTPRequestHandler):
    """A tiny JSON-RPC echo server: result = [method, params, connection number]."""

    protocol_version = "HTTP/1.1"   # keep-alive, like a real node
    status = 200
    body_override: bytes | None = None
    drop_after_reply = False

    def do_POST(self):  # http.server's naming
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body = self.body_override or json.dumps(
            {"jsonrpc": "2.0", "id": request["id"],
             "result": [request["method"], request["params"], self.client_address[1]]}).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        if self.drop_after_reply:
            self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def node():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Node)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/"


def test_requests_reuse_one_connection(node):
    rpc = JsonRpcConnection(url(node))
    first = rpc.request("eth_blockNumber", [])
    second = rpc.request("eth_call", [{"to": "0x00"}, "latest"])
    assert first["result"][:2] == ["eth_blockNumber", []]
    assert second["result"][:2] == ["eth_call", [{"to": "0x00"}, "latest"]]
    assert first["result"][2] == second["result"][2]      # same client port: kept alive


def test_each_thread_has_its_own_connection(node):
    rpc = JsonRpcConnection(url(node))
    ports = []
    threads = [threading.Thread(target=lambda: ports.append(rpc.request("x", [])["result"][2]))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ports)) == 3


def test_a_connection_the_node_closed_is_replaced_before_sending(node):
    # The node drops idle connections without saying so (no "Connection: close"):
    # sending on the dead socket would fail, so the client must reconnect first.
    _Node.drop_after_reply = True
    try:
        rpc = JsonRpcConnection(url(node))
        first = rpc.request("a", [])["result"][2]
        time.sleep(0.2)                      # the node's FIN reaches us
        second = rpc.request("b", [])["result"][2]
    finally:
        _Node.drop_after_reply = False
    assert first != second                   # a new connection, and no error


def test_an_http_error_without_json_is_an_http_status_error(node):
    _Node.status, _Node.body_override = 404, b"<html>not here</html>"
    try:
        with pytest.raises(HttpStatusError) as caught:
            JsonRpcConnection(url(node)).request("eth_chainId", [])
        assert caught.value.status == 404
    finally:
        _Node.status, _Node.body_override = 200, None


def test_a_port_nobody_listens_on_is_unreachable():
    with pytest.raises(NodeUnreachable):
        JsonRpcConnection("http://127.0.0.1:9/").request("eth_chainId", [])


def test_only_http_urls_are_accepted():
    with pytest.raises(ValueError):
        JsonRpcConnection("ws://127.0.0.1:8545")
