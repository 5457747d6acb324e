"""The shared widget pieces: one-sentence messages and live refresh."""
from __future__ import annotations

import asyncio

import pytest

from grid.chain import connect
from grid.errors import GridError
from grid.widgets.common import BlockWatcher, MessageLine


def test_message_line_shows_a_grid_error_as_one_sentence():
    line = MessageLine("gc-test-message")

    def fail():
        raise GridError("the amount cannot be negative (-5): give an amount of 0 or more", kind="input")

    assert line.run(fail) is None
    assert line.kind == "error"
    assert line.text == "The amount cannot be negative (-5): give an amount of 0 or more"
    assert "Traceback" not in line.widget.value and "\n" not in line.text
    assert "gc-test-message" in line.widget._dom_classes


@pytest.mark.parametrize("message, shown", [
    ("the amount is empty: type some text", "The amount is empty: type some text"),
    ("consumer1 has no generation right", "consumer1 has no generation right"),
    ("admin is not a consumer", "admin is not a consumer"),
    ("0xAbC... is not an address", "0xAbC... is not an address"),
])
def test_message_line_keeps_names_as_typed(message, shown):
    line = MessageLine()

    def fail():
        raise GridError(message, kind="input")

    line.run(fail)
    assert line.text == shown


def test_message_line_turns_an_unexpected_exception_into_one_sentence():
    line = MessageLine()
    assert line.run(lambda: {}["missing"]) is None
    assert line.kind == "error" and line.text.startswith("Unexpected KeyError")
    assert "Nothing was sent" in line.text


def test_message_line_shows_success_text_and_escapes_html():
    line = MessageLine()
    assert line.run(lambda: 42, success=lambda value: f"got <{value}>") == 42
    assert line.kind == "ok" and line.text == "got <42>"
    assert "&lt;42&gt;" in line.widget.value
    line.clear()
    assert (line.text, line.kind, line.widget.value) == ("", "", "")


def test_block_watcher_refreshes_only_when_a_block_arrives():
    calls = []
    with connect("tester") as chain:
        watcher = BlockWatcher(chain, lambda: calls.append(chain.block_number))
        assert watcher.poll() is True          # the first poll always refreshes
        assert watcher.poll() is False         # nothing new
        chain.mine(2)
        assert watcher.poll() is True
        assert calls == [0, 2]


def test_block_watcher_reports_a_closed_chain_instead_of_raising():
    errors = []
    chain = connect("tester")
    watcher = BlockWatcher(chain, lambda: None, on_error=errors.append)
    chain.close()
    assert watcher.poll() is False
    assert len(errors) == 1 and errors[0].kind == "node"


def test_block_watcher_has_no_background_loop_outside_a_kernel():
    with connect("tester") as chain:
        assert BlockWatcher(chain, lambda: None).start() is False


def test_block_watcher_polls_on_a_running_event_loop():
    calls = []

    async def scenario(chain):
        watcher = BlockWatcher(chain, lambda: calls.append(chain.block_number), interval=0.01)
        assert watcher.start() is True and watcher.running
        await asyncio.sleep(0.05)
        chain.mine(1)
        await asyncio.sleep(0.05)
        watcher.stop()
        assert not watcher.running

    with connect("tester") as chain:
        asyncio.run(scenario(chain))
    assert calls == [0, 1]
