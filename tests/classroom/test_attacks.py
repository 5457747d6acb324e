"""A class session attacked as a hostile student or a hostile web page would.

One real session (anvil, Voila on loopback, the front door on 127.0.0.1)
serves three students. Every attack goes through real HTTP requests and a
real websocket client (websocket-client, not the server's tornado), and each
test checks what matters: the refusal, and that no transaction was mined.
"""
from __future__ import annotations

import http.client
import json
import time
import uuid
from urllib.parse import urlsplit

import pytest
import requests

from grid.classroom.page_client import PageClient, PageRefused
from grid.classroom.session import ClassSession
from grid.powergridv2 import PowerGridV2Client

pytestmark = [pytest.mark.anvil, pytest.mark.timeout(600)]

EVIL_ORIGIN = "http://attacker.example"
QUIET_S = 3.0          # how long to watch for a transaction that must not come
CLICK = {"method": "custom", "content": {"event": "click"}}      # what a browser sends for a button


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    with ClassSession(folder, students=3, host="127.0.0.1", port=0, pool_size=1) as running:
        running.config.kernels.close_grace_s = 1.0     # so that a closed tab is freed within the test
        yield running


@pytest.fixture(scope="module")
def tokens(session):
    return {m.name: m.token for m in session.roster.members}


@pytest.fixture(scope="module")
def student01(session, tokens):
    page = PageClient(session.base_url, tokens["student01"], timeout_s=180)
    page.open("student")
    yield page
    page.close()


@pytest.fixture(scope="module")
def operator(session, tokens):
    page = PageClient(session.base_url, tokens["teacher"], timeout_s=180)
    page.open("operator")
    yield page
    page.close()


def head(session) -> int:
    return session.chain.block_number


def raw_get(session, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """GET `path` byte for byte (no client-side normalising of `..` or %2e)."""
    parts = urlsplit(session.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", path, headers={"Host": parts.netloc, **(headers or {})})
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, body


def cookie_of(session, token: str) -> str:
    response = requests.get(f"{session.base_url}/", params={"token": token}, allow_redirects=False,
                            timeout=30)
    assert response.status_code == 302
    return f"gridchain_class={response.cookies['gridchain_class']}"


# ------------------------------------------------------------------ pages
@pytest.mark.parametrize("path", ["/", "/student", "/manager", "/operator", "/roster"])
def test_without_a_token_every_page_says_to_open_the_class_link(session, path):
    response = requests.get(session.base_url + path, allow_redirects=False, timeout=30)
    assert response.status_code == 403
    assert "This page needs your class link" in response.text and "kernelId" not in response.text


def test_a_wrong_token_is_refused_like_none(session, tokens):
    wrong = "A" + tokens["student01"][1:] if tokens["student01"][0] != "A" else "B" + tokens["student01"][1:]
    response = requests.get(f"{session.base_url}/student", cookies={"gridchain_class": wrong}, timeout=30)
    assert response.status_code == 403


@pytest.mark.parametrize("page", ["manager", "operator", "roster"])
def test_a_student_cannot_open_the_teachers_pages(session, tokens, page):
    cookie = cookie_of(session, tokens["student02"])
    response = requests.get(f"{session.base_url}/{page}", headers={"Cookie": cookie}, allow_redirects=False,
                            timeout=30)
    assert response.status_code == 403 and "This page is for the teacher" in response.text


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:{port}",
                                  "localhost.attacker.example:{port}", "127.0.0.1:1"])
def test_a_forged_host_is_refused(session, tokens, host):
    # DNS rebinding: another site's name resolving to this machine sends its own name as Host.
    status, body = raw_get(session, f"/?token={tokens['teacher']}",
                           {"Host": host.format(port=urlsplit(session.base_url).port)})
    assert status == 421 and "Wrong address" in body


@pytest.mark.parametrize("path", [
    "/voila/static/../render/student.ipynb", "/voila/static/%2e%2e/%2e%2e/class.json",
    "/voila/templates/..%2f..%2froster.csv", "/voila/static/..\\..\\roster.csv",
    "/voila/render/student.ipynb",
    "/voila/tree", "/voila/files/roster.csv", "/roster.csv", "/class.json", "/student.ipynb", "/api/kernels",
    "/api/sessions", "/voila/query/abc", "/voila/static/%00/x"])
def test_paths_outside_the_pages_are_not_served(session, tokens, path):
    status, body = raw_get(session, path, {"Cookie": cookie_of(session, tokens["teacher"])})
    assert status == 404, (path, status)
    assert not any(t in body for t in tokens.values()) and "nbformat" not in body and "kernelId" not in body


def test_a_student_page_ignores_a_student_named_in_the_address(session, tokens):
    page = PageClient(session.base_url, tokens["student01"], timeout_s=180)
    page.login()
    page.load("student?student=student02")
    page.connect()
    page.sync_widgets()
    heading = str(page.value("gc-class-heading"))
    assert "student01" in heading and "student02" not in heading
    page.close()


# ------------------------------------------------------------------ websockets
def test_a_websocket_without_a_token_is_refused(session, student01):
    stranger = PageClient(session.base_url, None)
    with pytest.raises(PageRefused) as refused:
        stranger.connect(student01.kernel_id)
    assert refused.value.status == 403


def test_another_students_token_cannot_reach_a_kernel(session, tokens, student01):
    other = PageClient(session.base_url, tokens["student02"])
    other.login()
    with pytest.raises(PageRefused) as refused:
        other.connect(student01.kernel_id)
    assert refused.value.status == 403


def test_a_student_token_cannot_reach_the_teachers_kernel(session, tokens, operator):
    before = head(session)
    student = PageClient(session.base_url, tokens["student01"])
    student.login()
    with pytest.raises(PageRefused):
        student.connect(operator.kernel_id)
    assert head(session) == before


def test_a_kernel_id_the_server_did_not_hand_out_is_refused(session, tokens):
    page = PageClient(session.base_url, tokens["teacher"])
    page.login()
    with pytest.raises(PageRefused) as refused:
        page.connect(str(uuid.uuid4()))
    assert refused.value.status == 403


def test_a_websocket_with_a_forged_host_is_refused(session, tokens, student01):
    page = PageClient(session.base_url, tokens["student01"])
    page.login()
    page.host = "attacker.example"
    with pytest.raises(PageRefused) as refused:
        page.connect(student01.kernel_id)
    assert refused.value.status == 421


def test_a_websocket_from_another_sites_page_is_refused(session, tokens, student01):
    page = PageClient(session.base_url, tokens["student01"], origin=EVIL_ORIGIN)
    page.login()
    with pytest.raises(PageRefused) as refused:
        page.connect(student01.kernel_id)
    assert refused.value.status == 403


def test_execute_request_closes_the_socket_and_runs_nothing(session, tokens, tmp_path):
    page = PageClient(session.base_url, tokens["student03"], timeout_s=180)
    page.open("student")
    marker = tmp_path / "ran"
    before = head(session)
    code = (f"open({str(marker)!r}, 'w').write('x')\n"
            "from grid.chain import connect\n"
            f"c = connect({session.chain.rpc_url!r})\n"
            "c.send_transaction('admin', c.account('admin').address, b'')")
    for msg_type, channel in (("execute_request", "shell"), ("execute_request", "control"),
                              ("kernel_info_request", "control")):
        if page.closed.is_set():
            page.connect()
        page.send(msg_type, {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                             "allow_stdin": False, "stop_on_error": True}, channel=channel)
        page.closed.wait(10)
        assert page.closed.is_set() and page.close_code == 1008, (msg_type, channel)
    time.sleep(QUIET_S)
    assert not marker.exists() and head(session) == before
    assert not any(m.msg_type == "execute_reply" for m in page.inbox)
    page.close()


def test_a_click_sent_to_the_teachers_button_through_a_students_kernel_does_nothing(session, student01,
                                                                                    operator):
    before = head(session)
    clear = operator.widget("gc-market-clear")       # the operator page's live Clear button
    student01.send("comm_msg", {"comm_id": clear, "data": CLICK})
    time.sleep(QUIET_S)
    assert head(session) == before and not student01.closed.is_set()


def test_a_students_page_has_no_operator_buttons_and_no_other_account_to_act_as(tokens, student01):
    for operator_only in ("gc-market-clear", "gc-market-settle"):
        with pytest.raises(Exception, match="no widget"):
            student01.widget(operator_only)
    # A picker of who acts (or whose data shows) offers this student only; a buyer's name box may
    # list everyone, since a sale names its buyer.
    others = {name for name in tokens if name != "student01"} | {"admin"}
    pickers = [s for s in list(student01.states.values()) if s.get("_model_name") == "DropdownModel"
               and s.get("description") != ""]
    assert len(pickers) >= 2
    for state in pickers:
        assert not others & set(state["_options_labels"]), (state["_dom_classes"], state["_options_labels"])


def test_every_button_on_a_students_page_acts_only_as_that_student(session, tokens):
    chain = session.chain
    page = PageClient(session.base_url, tokens["student02"], timeout_s=180)
    page.open("student")
    own = {tokens_account(session, "student02").lower()}
    start = head(session)
    for field_class in ("gc-market-kwh", "gc-user-amount"):
        try:
            page.set(field_class, value="0.5")
        except Exception:
            pass
    buttons = [c for c, s in page.states.items() if s.get("_model_name") == "ButtonModel"]
    for comm_id in buttons:
        page.send("comm_msg", {"comm_id": comm_id, "data": CLICK})
    time.sleep(QUIET_S)
    registry_meters = {session_meter(session, "student02").lower()}
    senders = {chain.web3.eth.get_transaction(h)["from"].lower()
               for n in range(start + 1, head(session) + 1)
               for h in chain.web3.eth.get_block(n)["transactions"]}
    assert senders <= own | registry_meters, senders
    page.close()


def tokens_account(session, name: str) -> str:
    return next(m.account for m in session.roster.members if m.name == name)


def session_meter(session, name: str) -> str:
    registry = PowerGridV2Client(session.chain, session.record.registry)
    return registry.call("getUser", tokens_account(session, name))[8]


# ------------------------------------------------------------------ resources
def test_when_the_cap_is_reached_a_new_page_gets_the_class_is_full(session, tokens):
    kernels = session.config.kernels
    cap = kernels.cap
    kernels.cap = kernels.count()
    try:
        response = requests.get(f"{session.base_url}/student",
                                headers={"Cookie": cookie_of(session, tokens["student03"])}, timeout=60)
    finally:
        kernels.cap = cap
    assert response.status_code == 503 and "The class is full" in response.text


def voila_has(session, kernel_id: str) -> bool:
    """Whether Voila (asked directly, with its own token) still runs `kernel_id`."""
    response = requests.get(f"{session.config.upstream}/api/kernels/{kernel_id}",
                            headers={"Authorization": f"token {session.config.upstream_token}"}, timeout=30)
    assert response.status_code in (200, 404), response.status_code
    return response.status_code == 200


def test_closing_a_tab_frees_its_kernel(session, tokens):
    page = PageClient(session.base_url, tokens["student03"], timeout_s=180)
    page.login()
    kernel = page.load("student")
    page.connect()
    page.sync_widgets()
    assert voila_has(session, kernel)
    page.close()
    deadline = time.monotonic() + 30
    while voila_has(session, kernel) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not voila_has(session, kernel)


def test_another_student_cannot_shut_a_kernel_down(session, tokens, student01):
    cookie = cookie_of(session, tokens["student02"])
    response = requests.post(f"{session.base_url}/voila/api/shutdown/{student01.kernel_id}",
                             headers={"Cookie": cookie, "Origin": session.base_url}, timeout=30)
    assert response.status_code == 403 and voila_has(session, student01.kernel_id)
    own = cookie_of(session, tokens["student01"])
    response = requests.post(f"{session.base_url}/voila/api/shutdown/{student01.kernel_id}",
                             headers={"Cookie": own, "Origin": EVIL_ORIGIN}, timeout=30)
    assert response.status_code == 403 and voila_has(session, student01.kernel_id)


def test_voila_itself_answers_no_one_without_its_token(session):
    assert urlsplit(session.config.upstream).hostname == "127.0.0.1"
    response = requests.get(f"{session.config.upstream}/voila/render/student.ipynb", timeout=30,
                            allow_redirects=False)
    assert response.status_code in (302, 401, 403)
    assert "kernelId" not in response.text


# ------------------------------------------------------------------ the node
def rpc(session, body: str, content_type: str, origin: str | None = EVIL_ORIGIN) -> requests.Response:
    headers = {"Content-Type": content_type, **({"Origin": origin} if origin else {})}
    return requests.post(session.chain.rpc_url, data=body, headers=headers, timeout=30)


def send_as_admin(session) -> str:
    admin = session.chain.account("admin").address
    return json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_sendTransaction",
                       "params": [{"from": admin, "to": admin, "value": "0x1"}]})


def test_the_node_listens_on_loopback_only(session):
    assert urlsplit(session.chain.rpc_url).hostname == "127.0.0.1"


def test_the_node_does_not_let_another_sites_page_read_it(session):
    preflight = requests.options(session.chain.rpc_url, timeout=30, headers={
        "Origin": EVIL_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    allowed = preflight.headers.get("Access-Control-Allow-Origin", "")
    assert allowed not in ("*", EVIL_ORIGIN)
    answer = rpc(session, json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber"}),
                 "application/json")
    assert answer.headers.get("Access-Control-Allow-Origin", "") not in ("*", EVIL_ORIGIN)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data"])
def test_a_simple_cross_site_request_to_the_node_mines_nothing(session, content_type):
    # A page may send these without a preflight; the node must not act on them.
    before = head(session)
    rpc(session, send_as_admin(session), content_type)
    time.sleep(1)
    assert head(session) == before
