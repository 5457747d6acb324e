"""Which websocket messages a class page may send its kernel.

Messages are built by jupyter_client's Session and framed by jupyter_server's
own serialisers (the v1 protocol and the legacy binary one), not by the code
under test: the filter must read what a real Jupyter page sends.
"""
from __future__ import annotations

import json

import pytest
from jupyter_client.session import Session, json_packer
from jupyter_server.services.kernels.connection.base import serialize_binary_message, serialize_msg_to_ws_v1

from grid.classroom.messages import MAX_MESSAGE_BYTES, V1_PROTOCOL, check_message

SESSION = Session(key=b"")


def message(msg_type: str, content: dict | None = None, channel: str = "shell") -> dict:
    """A Jupyter message as a page would send it."""
    msg = SESSION.msg(msg_type, content or {})
    msg["channel"] = channel
    msg["buffers"] = []
    return msg


def v1(msg: dict) -> bytes:
    return serialize_msg_to_ws_v1(msg, msg["channel"], json_packer)


def legacy_text(msg: dict) -> str:
    return json.dumps({k: v for k, v in msg.items() if k != "buffers"}, default=str)


def legacy_binary(msg: dict, buffers: list[bytes]) -> bytes:
    return serialize_binary_message({**msg, "buffers": buffers})


FRAMINGS = {
    "v1": lambda m: (v1(m), V1_PROTOCOL),
    "legacy-text": lambda m: (legacy_text(m), ""),
    "legacy-binary": lambda m: (legacy_binary(m, [b"\x00\x01buffer"]), ""),
}


@pytest.fixture(params=sorted(FRAMINGS))
def frame(request):
    return FRAMINGS[request.param]


@pytest.mark.parametrize("msg_type", ["kernel_info_request", "comm_info_request"])
def test_a_page_may_ask_about_its_kernel(frame, msg_type):
    assert check_message(*frame(message(msg_type))).allowed


def test_a_page_may_open_the_widget_control_comm_and_send_widget_updates(frame):
    control = {"comm_id": "c1", "target_name": "jupyter.widget.control", "data": {}}
    opened = check_message(*frame(message("comm_open", control)))
    assert opened.allowed and opened.comm_id == "c1"
    click = message("comm_msg", {"comm_id": "w9", "data": {"method": "custom",
                                                         "content": {"event": "click"}}})
    assert check_message(*frame(click)).allowed


@pytest.mark.parametrize("msg_type", ["execute_request", "complete_request", "inspect_request",
                                      "history_request", "shutdown_request", "is_complete_request"])
def test_code_and_kernel_control_are_refused(frame, msg_type):
    verdict = check_message(*frame(message(msg_type, {"code": "import os; os.system('id')"})))
    assert not verdict.allowed and msg_type in verdict.reason


def test_the_control_and_stdin_channels_are_refused(frame):
    for channel in ("control", "stdin", "iopub"):
        assert not check_message(*frame(message("kernel_info_request", channel=channel))).allowed


def test_a_comm_to_another_target_is_refused(frame):
    # A widget target other than the control comm would let a page create widgets in the kernel.
    for target in ("jupyter.widget", "anything"):
        msg = message("comm_open", {"comm_id": "c2", "target_name": target, "data": {}})
        assert not check_message(*frame(msg)).allowed


def test_a_page_may_close_only_the_comms_it_opened(frame):
    close = message("comm_close", {"comm_id": "w-the-register-button", "data": {}})
    assert not check_message(*frame(close)).allowed
    assert check_message(*frame(close), opened={"w-the-register-button"}).allowed


@pytest.mark.parametrize("junk", [b"", b"\x00" * 7, b"\xff" * 64, "not json", "[]", '{"header": 3}',
                                  json.dumps({"channel": "shell", "header": {"msg_type": 7}})])
def test_anything_that_is_not_a_jupyter_message_is_refused(junk):
    for protocol in ("", V1_PROTOCOL):
        assert not check_message(junk, protocol).allowed


def test_a_v1_frame_read_as_legacy_is_refused():
    # The filter reads a frame with the protocol the socket agreed on, never a guess.
    frame, _ = FRAMINGS["v1"](message("execute_request", {"code": "1"}))
    assert not check_message(frame, "").allowed


def test_a_huge_message_is_refused():
    big = message("comm_msg", {"comm_id": "w", "data": {"state": {"value": "x" * MAX_MESSAGE_BYTES}}})
    verdict = check_message(legacy_text(big))
    assert not verdict.allowed and "bytes" in verdict.reason
