"""The Remix-like ContractConsole, driven through its Python API on eth-tester and anvil.

Expected values never come from the widget: the ABI is read from the committed
artifact JSON, calldata is encoded with eth-abi / eth-utils, gas and blocks come
from the node's receipts, addresses are the well-known ones of the test
mnemonic (printed by anvil at start-up), and balances follow the thesis's
section 5.2.2 arithmetic (sell 100 -> -100 / 100, generate 10 -> -90 / 10).
"""
from __future__ import annotations

import json
from pathlib import Path

import ipywidgets as widgets
import pytest
from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector, to_checksum_address

from grid.chain import connect
from grid.errors import GridError
from grid.powergrid import PowerGridClient
from grid.widgets import ContractConsole
from grid.widgets.console import MAX_SHOWN

ARTIFACT = json.loads((Path(__file__).resolve().parents[1] / "contracts" / "PowerGeneration.json")
                      .read_text())
ABI_FUNCTIONS = [item for item in ARTIFACT["abi"] if item["type"] == "function"]
# Accounts 0-4 of "test test ... junk" (anvil's start-up banner, Hardhat's docs).
ADDRESS = {
    "admin": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    "generator1": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "generator2": "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    "consumer1": "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    "consumer2": "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
}


@pytest.fixture
def console(client):
    """A console on the deployed contract (thesis cast registered), closed after the test."""
    widget = ContractConsole(client)
    yield widget
    widget.close()


def calldata(signature: str, types: list[str], values: list) -> str:
    """Independent ABI encoding: 4-byte selector + arguments."""
    return "0x" + (function_signature_to_4byte_selector(signature) + encode(types, values)).hex()


def nonce(chain, name: str) -> int:
    return chain.w3.eth.get_transaction_count(ADDRESS[name])


# ----------------------------------------------------------------- layout
def test_account_picker_lists_the_named_accounts_with_short_addresses(console, chain):
    labels = dict((value, label) for label, value in console.account.options)
    for name, address in ADDRESS.items():
        assert labels[name].startswith(name) and address[:6] in labels[name] and address[-4:] in labels[name]
    assert len(labels) == len(chain.accounts)
    assert console.account.value == "admin" and console.acting.address == ADDRESS["admin"]
    assert "gc-console-account" in console.account._dom_classes
    assert console.select_account("generator1") is True
    assert console.client.account.address == ADDRESS["generator1"]
    assert console.message.kind == "info" and ADDRESS["generator1"] in console.message.text


def test_unknown_account_is_one_message_and_keeps_the_acting_account(console):
    console.select_account("consumer1")
    assert console.select_account("mallory") is False
    assert console.message.kind == "error" and "\n" not in console.message.text
    assert console.acting.name == "consumer1"


def test_picker_can_be_limited(client):
    widget = ContractConsole(client, accounts=["generator1", "consumer1"])
    try:
        assert [v for _, v in widget.account.options] == ["generator1", "consumer1"]
        assert widget.acting.name == "generator1"      # admin is not offered, so the first one acts
        assert widget.select_account("admin") is False and widget.message.kind == "error"
    finally:
        widget.close()


def test_one_row_per_abi_function_with_one_typed_input_per_parameter(console):
    assert set(console.buttons) == {item["name"] for item in ABI_FUNCTIONS}
    for item in ABI_FUNCTIONS:
        name, view = item["name"], item["stateMutability"] == "view"
        button = console.buttons[name]
        assert button.button_style == ("primary" if view else "danger")   # blue call, red transaction
        assert f"gc-console-button-{name}" in button._dom_classes
        assert ("gc-console-call-button" if view else "gc-console-transaction-button") in button._dom_classes
        kind_label = console.rows[name].children[1]
        assert ("call" if view else "transaction") in kind_label.value
        assert list(console.inputs[name]) == [p["name"] for p in item["inputs"]]
        for param in item["inputs"]:
            box = console.inputs[name][param["name"]]
            assert f"gc-console-input-{name}-{param['name']}" in box._dom_classes
            if param["type"] == "bool":
                assert isinstance(box, widgets.Checkbox)
            else:
                assert isinstance(box, widgets.Text) and box.placeholder == f"{param['type']} {param['name']}"
        assert (name in console.results) == view


# --------------------------------------------------------- the scenario
def test_section_5_2_2_through_the_console(console, chain):
    console.select_account("generator1")
    assert console.run("GetGeneration").value == 0
    console.select_account("consumer1")
    assert console.run("GetUsedOfSelf").value == 0

    console.select_account("generator1")
    block = chain.block_number
    sale = console.run("Transfer", ADDRESS["consumer1"], "100")
    assert sale.ok and chain.block_number == block + 1
    receipt = chain.w3.eth.get_transaction_receipt(sale.log_entry.tx_hash)
    assert sale.log_entry.block_number == receipt["blockNumber"] == block + 1
    assert sale.log_entry.gas_used == receipt["gasUsed"]
    # Fig. 5-6: input 0x69c...00064 and the decoded input {address _to, uint256 _value}.
    want = calldata("Transfer(address,uint256)", ["address", "uint256"], [ADDRESS["consumer1"], 100])
    assert sale.log_entry.input == want and want.startswith("0x69c") and want.endswith("64")
    assert sale.log_entry.decoded_input == {"address _to": ADDRESS["consumer1"], "uint256 _value": 100}
    assert sale.log_entry.decoded_output == {}

    assert console.run("GetGeneration").value == 0 - 100
    assert "0: int256: _value -100" in console.results["GetGeneration"].value
    console.select_account("consumer1")
    assert console.run("GetUsedOfSelf").value == 0 + 100

    console.select_account("generator1")
    assert console.run("GeneratePower", "10").ok
    assert console.run("GetGeneration").value == -100 + 10
    assert console.run("GetTotalGeneration", "generator1").value == 10

    console.select_account("admin")
    dispatch = console.run("PowerDispatch", ADDRESS["consumer1"], "stop")
    assert dispatch.log_entry.input == calldata("PowerDispatch(address,string)", ["address", "string"],
                                                [ADDRESS["consumer1"], "stop"])
    console.select_account("consumer1")
    assert console.run("GetInformation").value == "stop"
    assert console.run("PowerConsume", "30").ok
    assert console.run("GetUsedOfSelf").value == 100 - 30
    console.select_account("admin")
    assert console.run("GetTotalUsedOfSomeone", ADDRESS["consumer1"]).value == 30


def test_empower_entry_shows_what_figure_5_4_shows(console, chain):
    user5 = chain.accounts[5].address
    entry = console.run("empower", user5, "PowerProviderThree", "Sundsvall", True, False)
    log_entry = entry.log_entry
    assert log_entry.input == calldata("empower(address,string,string,bool,bool)",
                                       ["address", "string", "string", "bool", "bool"],
                                       [user5, "PowerProviderThree", "Sundsvall", True, False])
    assert log_entry.input.startswith("0x241")                  # Fig. 5-4: input 0x241...0000
    assert log_entry.decoded_input == {"address addr": user5, "string _name": "PowerProviderThree",
                                       "string _useraddr": "Sundsvall", "bool _generaterights": True,
                                       "bool _userights": False}
    assert console.inputs["empower"]["_generaterights"].value is True
    view = console.log_box.children[0]
    assert "gc-console-entry" in view._dom_classes and "gc-console-entry-ok" in view._dom_classes
    assert "<details" in view.value and "<summary" in view.value
    for field in ("hash", "input", "decoded-input", "decoded-output", "gas", "block"):
        assert f"gc-console-field-{field}" in view.value
    assert log_entry.tx_hash in view.value and f"{log_entry.gas_used:,}" in view.value
    text = entry.format()
    assert log_entry.tx_hash in text and "decoded output  {}" in text
    record = console.client.user_record(user5)
    assert (record.can_generate, record.can_consume) == (True, False)


def test_a_call_entry_shows_its_decoded_output_and_no_gas(console):
    console.select_account("generator1")
    entry = console.run("GetGeneration")
    assert entry.kind == "call" and entry.log_entry.tx_hash is None and entry.log_entry.block_number is None
    assert entry.log_entry.input == calldata("GetGeneration()", [], [])
    fields = dict(entry.fields())
    assert fields["decoded output"] == '{"int256 _value": 0}'
    assert "no" in fields["gas"] and "not mined" in fields["block"]
    assert "gc-console-entry-call" in console.log_box.children[0]._dom_classes


# ------------------------------------------------------------ bad input
def _wrong_checksum(address: str) -> str:
    """Flip the case of one letter: same bytes, broken EIP-55 checksum."""
    i = next(i for i, c in enumerate(address) if i > 1 and c.isalpha())
    return address[:i] + address[i].swapcase() + address[i + 1:]


BAD_ACTIONS = [
    # (acting account, function, typed texts, phrase of the one message)
    ("generator1", "Transfer", ("0x123", "5"), "is not an address"),
    ("generator1", "Transfer", ("consumer1x", "5"), "consumer1x"),
    ("generator1", "Transfer", (_wrong_checksum(ADDRESS["consumer1"]), "5"), "EIP-55 checksum"),
    ("generator1", "Transfer", ("consumer1", "-5"), "cannot be negative"),
    ("generator1", "Transfer", ("consumer1", "0"), "above 0"),
    ("generator1", "Transfer", ("consumer1", str(2**256)), "too large"),
    ("generator1", "GeneratePower", ("abc",), "whole number"),
    ("generator1", "GeneratePower", ("1.5",), "whole number"),
    ("consumer1", "Transfer", ("consumer2", "5"), "no generation right"),
    ("generator1", "Transfer", ("generator2", "5"), "no consumption right"),
    ("generator1", "empower", ("user5", "Mallory", "Sundsvall", True, True), "only the administrator"),
    ("consumer1", "PowerDispatch", ("consumer2", "stop"), "only the administrator"),
    ("consumer2", "PowerConsume", ("5",), "has only 0 kWh (0 Wh)"),
    ("generator1", "PowerConsume", ("1",), "no consumption right"),
    ("admin", "empower", ("user5", "", "Sundsvall", True, False), "is empty"),
    ("admin", "GetTotalGeneration", ("0xzz",), "is not an address"),
]


@pytest.mark.parametrize("who, function, texts, phrase", BAD_ACTIONS,
                         ids=[f"{c[1]}-{c[3].replace(' ', '_')}" for c in BAD_ACTIONS])
def test_bad_input_is_one_message_and_sends_nothing(console, client, chain, who, function, texts, phrase):
    console.select_account(who)
    block, sent, logged, shown = chain.block_number, nonce(chain, who), len(client.log), len(console.entries)
    entry = console.run(function, *texts)
    assert chain.block_number == block and nonce(chain, who) == sent and len(client.log) == logged
    assert console.message.kind == "error" and phrase.lower() in console.message.text.lower()
    assert "\n" not in console.message.text and "Traceback" not in console.message.widget.value
    assert len(console.entries) == shown + 1 and entry is console.entries[-1]
    assert entry.status == "rejected" and not entry.sent and phrase in entry.message
    assert entry.headline().startswith(f"✘ [{entry.kind}] {function} from {who} - not sent")
    view = console.log_box.children[0]
    assert "gc-console-entry-rejected" in view._dom_classes and "Traceback" not in view.value


def test_overflowing_sale_is_refused_before_sending(console, chain):
    console.select_account("generator1")
    assert console.run("Transfer", "consumer1", "5").ok
    block = chain.block_number
    entry = console.run("Transfer", "consumer1", str(2**256 - 1))
    assert entry.status == "rejected" and "overflow" in console.message.text
    assert chain.block_number == block


def test_wrong_input_count_and_unknown_function(console, chain):
    block = chain.block_number
    entry = console.run("Transfer", "consumer1")
    assert entry.status == "rejected" and "takes 2 input(s)" in console.message.text
    assert console.run("Steal", "1") is None
    assert console.message.kind == "error" and "no function 'Steal'" in console.message.text
    bad_bool = console.run("empower", "user5", "A", "B", "maybe", False)
    assert bad_bool.status == "rejected" and "true or false" in console.message.text
    assert chain.block_number == block


# ------------------------------------------------- reverts, notes, history
def test_a_mined_revert_shows_in_the_log_with_its_reason(client, chain):
    # Without preflight the client sends the doomed transaction, as Remix would:
    # the node mines it with status 0, and the log says which require failed.
    raw = PowerGridClient(chain, client.address, log=client.log, preflight=False)
    widget = ContractConsole(raw)
    try:
        widget.select_account("consumer1")
        block = chain.block_number
        entry = widget.run("Transfer", "consumer2", "5")
        assert chain.block_number == block + 1
        assert entry.status == "reverted" and entry.sent
        assert chain.w3.eth.get_transaction_receipt(entry.log_entry.tx_hash)["status"] == 0
        assert "no generation right" in entry.message and "reverted in block" in entry.headline()
        assert widget.message.kind == "error" and "no generation right" in widget.message.text
        assert len([e for e in widget.entries if e.function == "Transfer"]) == 1   # not logged twice
        assert "gc-console-entry-reverted" in widget.log_box.children[0]._dom_classes
    finally:
        widget.close()


def test_generating_without_the_right_is_mined_but_warned(console, chain):
    console.select_account("consumer1")
    block = chain.block_number
    entry = console.run("GeneratePower", "5")
    assert chain.block_number == block + 1 and entry.ok
    assert console.message.kind == "warning" and "no generation right" in console.message.text
    assert entry.headline().startswith("⚠")
    console.select_account("admin")
    assert console.run("GetTotalGeneration", "consumer1").value == 0


def test_actions_done_in_code_appear_and_other_contracts_do_not(console, client, chain):
    client.sell_power("consumer1", 7, sender="generator1")
    last = console.entries[-1]
    assert (last.function, last.sender) == ("Transfer", "generator1")
    assert last.log_entry.decoded_input["uint256 _value"] == 7
    client.generation_balance(sender="generator1")
    assert "0: int256: _value -7" in console.results["GetGeneration"].value
    shown = len(console.entries)
    other = PowerGridClient.deploy(chain, log=client.log)     # same log, another contract
    other.generation_balance(sender="generator1")
    assert len(console.entries) == shown


def test_history_shows_the_deployment_and_the_four_registrations(console):
    # Fig. 5-5: the contract deployment, then the administrator's four authorisations.
    functions = [e.function for e in console.entries[:5]]
    assert functions == ["(constructor)"] + ["empower"] * 4
    assert [e.log_entry.decoded_input["address addr"] for e in console.entries[1:5]] == [
        ADDRESS["generator1"], ADDRESS["generator2"], ADDRESS["consumer1"], ADDRESS["consumer2"]]


def test_text_is_escaped_and_the_log_box_is_bounded(console):
    console.run("PowerDispatch", "consumer1", "<b>stop</b>")
    assert "&lt;b&gt;stop&lt;/b&gt;" in console.log_box.children[0].value
    assert "<b>stop</b>" not in console.log_box.children[0].value
    for _ in range(MAX_SHOWN + 3):
        console.run("GetInformation")
    assert len(console.log_box.children) == MAX_SHOWN
    assert len(console.entries) >= MAX_SHOWN + 3


def test_summary_is_a_plain_text_view(console):
    console.select_account("generator1")
    console.run("Transfer", "consumer1", "100")
    console.run("GetGeneration")
    console.run("Transfer", "consumer1", "-1")
    text = console.summary()
    assert "acting account: generator1" in text and "chainId 666" in text
    assert "GetGeneration = -100 (as generator1)" in text
    assert "not sent: the amount cannot be negative" in text
    assert text.count("\n") < 20


# ------------------------------------------------------------- node down
@pytest.mark.parametrize("target", ["tester", pytest.param("anvil", marks=pytest.mark.anvil)])
def test_node_stopped_is_one_message_and_nothing_sent(target):
    chain = connect(target)
    try:
        client = PowerGridClient.deploy(chain)
        client.register_user("generator1", "PowerProviderOne", "Sundsvall", can_generate=True,
                             can_consume=False)
        client.register_user("consumer1", "PowerUserOne", "Sundsvall", can_generate=False, can_consume=True)
        widget = ContractConsole(client)
        widget.select_account("generator1")
        logged = len(client.log)
        if chain.process is not None:
            chain.process.stop()        # the node dies under the student's feet
        else:
            chain.close()               # the in-process chain has no process to kill
        for function, texts in [("Transfer", ("consumer1", "5")), ("GetGeneration", ())]:
            entry = widget.run(function, *texts)
            assert entry.status == "rejected" and not entry.sent
            assert widget.message.kind == "error" and "\n" not in widget.message.text
            said = "cannot reach the ethereum node" if target == "anvil" else "is closed"
            assert said in widget.message.text.lower()
        assert len(client.log) == logged
        assert "not sent" in widget.summary()
        widget.close()
    finally:
        chain.close()


def test_an_empty_picker_is_refused(client):
    with pytest.raises(GridError) as info:
        ContractConsole(client, accounts=[])
    assert info.value.kind == "input"


def test_checksummed_and_lower_case_addresses_both_work(console):
    console.select_account("generator1")
    for text in (ADDRESS["consumer1"], ADDRESS["consumer1"].lower()):
        entry = console.run("Transfer", text, "1")
        assert entry.ok and entry.log_entry.decoded_input["address _to"] == to_checksum_address(text)


def test_empower_on_a_registered_user_asks_first_and_a_second_press_sends(console, client, chain):
    client.sell_power("consumer1", 40, sender="generator1")
    console.select_account("admin")
    first = console.run("empower", ADDRESS["consumer1"], "PowerUserOne", "Sundsvall", False, True)
    assert not first.ok and "press empower again" in console.message.text
    assert "0.04 kWh (40 Wh)" in console.message.text and client.remaining_power(sender="consumer1") == 40
    second = console.run("empower", ADDRESS["consumer1"], "PowerUserOne", "Sundsvall", False, True)
    assert second.ok and client.remaining_power(sender="consumer1") == 0   # the seed's flaw, confirmed
