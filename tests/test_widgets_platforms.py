"""The user and manager platforms: the thesis flow, live refresh, a node that is down, the CSS contract.

Both are driven through their Python API on eth-tester and anvil.

Expected values come from the thesis's cast (grid.powergrid.cast.CAST, from data/thesis_cast.json) and the
arithmetic of section 5.2.2 (sell 100 before generating: -100; generate 10:
-90; ...), typed and shown in kWh while the chain counts Wh (1 kWh = 1,000 Wh),
or from the client/storage read independently, never from the widget under test.
Every bad input must show one sentence and send nothing.
"""
from __future__ import annotations

import asyncio
import re

import pytest
from platform_support import assert_one_error, css_classes, fill_register, shown, table_rows

import grid.widgets.manager as manager_module
import grid.widgets.user as user_module
from grid.chain import connect, node_down
from grid.powergrid import PowerGridClient
from grid.powergrid.cast import CAST
from grid.widgets import ManagerDashboard, UserDashboard

pytestmark = pytest.mark.usefixtures("close_dashboards")


# --------------------------------------------------------- the thesis flow
def test_manager_registers_and_users_act_the_thesis_scenario(fresh, chain):
    manager = ManagerDashboard(fresh, live=False)
    generator = UserDashboard(fresh, "generator1", live=False)
    consumer = UserDashboard(fresh, "consumer1", live=False)
    assert manager.is_admin and manager.users == [] and table_rows(manager) == {}
    assert shown(generator.name_display) == "not registered yet"

    for account, name, place, generate, consume in CAST:
        fill_register(manager, account, name, place, generate, consume)
        manager.register_button.click()
        assert manager.message.kind == "ok", manager.message.text
    rows = table_rows(manager)
    assert list(rows) == [chain.account(a).address for a, *_ in CAST]
    for account, name, place, generate, consume in CAST:
        row = rows[chain.account(account).address]
        expected_rights = {(True, False): "generator", (False, True): "consumer"}[(generate, consume)]
        assert (row["name"], row["address"], row["location"], row["rights"]) == \
            (name, account, place, expected_rights)
    # The user platforms refreshed from the shared log, without a click.
    assert shown(generator.name_display) == "PowerProviderOne"
    assert shown(generator.rights_display) == "generator"
    assert shown(consumer.rights_display) == "consumer"
    assert list(generator.sell_buyer.options) == ["consumer1", "consumer2"]

    generator.sell_buyer.value = "consumer1"
    generator.sell_amount.value = "100"
    generator.sell_button.click()
    assert generator.message.kind == "ok" and "sold 100" in generator.message.text
    assert shown(generator.generation_display) == str(0 - 100)
    assert shown(consumer.remaining_display) == "100"

    generator.generate_amount.value = "10"
    generator.generate_button.click()
    assert shown(generator.generation_display) == str(-100 + 10)
    assert shown(generator.total_generation_display) == "10"

    consumer.consume_amount.value = "30"
    consumer.consume_button.click()
    assert consumer.message.kind == "ok", consumer.message.text
    assert shown(consumer.remaining_display) == str(100 - 30)
    assert shown(consumer.total_use_display) == "30"

    manager.dispatch_target.value = manager_module.ALL_USERS
    manager.dispatch_text.value = "stop"
    manager.dispatch_button.click()
    assert manager.message.kind == "ok"
    assert manager.message.text.startswith(f'Sent "stop" to {len(CAST)} users')
    assert shown(consumer.dispatch_display) == "stop" and shown(generator.dispatch_display) == "stop"

    rows = table_rows(manager)
    g1, c1 = rows[chain.account("generator1").address], rows[chain.account("consumer1").address]
    assert [g1[k] for k in ("generation", "total-generation", "remaining", "total-use", "dispatch")] == \
        ["-90", "10", "0", "0", "stop"]
    assert [c1[k] for k in ("generation", "total-generation", "remaining", "total-use", "dispatch")] == \
        ["0", "0", "70", "30", "stop"]
    # The chain agrees, read independently through storage.
    assert fresh.user_record("generator1").generation_balance == -90 * 1000   # Wh on chain
    assert fresh.user_record("consumer1").total_use == 30 * 1000
    assert fresh.user_record("consumer2").dispatch == "stop"
    row = "PowerProviderOne | generator1 | Sundsvall | generator | -90 | 10 | 0 | 0 | stop"
    assert row in manager.summary()
    assert "generation balance: -90" in generator.summary()
    assert "remaining purchased power: 70" in consumer.summary()


def test_dispatch_to_one_user(client, chain):
    manager = ManagerDashboard(client, live=False)
    manager.dispatch_target.value = chain.account("consumer2").address
    manager.dispatch_text.value = "reduce load"
    with_before = client.user_record("consumer1").dispatch
    manager.dispatch_button.click()
    assert manager.message.text.startswith('Sent "reduce load" to consumer2')
    assert client.user_record("consumer2").dispatch == "reduce load"
    assert client.user_record("consumer1").dispatch == with_before == ""
    assert table_rows(manager)[chain.account("consumer2").address]["dispatch"] == "reduce load"


def test_registering_again_asks_first_then_says_the_balances_were_reset(client, chain):
    client.sell_power("consumer1", 100, sender="generator1")
    manager = ManagerDashboard(client, live=False)
    fill_register(manager, "consumer1", "PowerUserOne", "Sundsvall", True, True)
    manager.register_button.click()     # the first press only warns: nothing is sent
    assert manager.message.kind == "error" and "press Register again" in manager.message.text
    assert "0.1 kWh (100 Wh)" in manager.message.text and client.remaining_power(sender="consumer1") == 100
    fill_register(manager, "consumer1", "PowerUserOne", "Västerås", True, True)
    manager.register_button.click()     # a changed form is a new request: it warns again
    assert manager.message.kind == "error" and client.remaining_power(sender="consumer1") == 100
    manager.register_button.click()     # the same form pressed again confirms
    assert manager.message.kind == "ok" and "reset its balances" in manager.message.text
    row = table_rows(manager)[chain.account("consumer1").address]
    assert (row["rights"], row["remaining"]) == ("generator and consumer", "0")
    assert len(table_rows(manager)) == len(CAST)   # still one row per user


def test_registering_a_plain_address(client, chain):
    outsider = "0x" + "ab" * 20   # lower case: no checksum to check
    manager = ManagerDashboard(client, live=False)
    fill_register(manager, outsider, "Meter42", "Timrå", False, True)
    manager.register_button.click()
    assert manager.message.kind == "ok", manager.message.text
    rows = table_rows(manager)
    checksummed = chain.w3.to_checksum_address(outsider)
    assert rows[checksummed]["address"] == checksummed and rows[checksummed]["rights"] == "consumer"


# ----------------------------------------------------- rights and pickers
def test_rights_are_shown_and_unavailable_actions_disabled(client, chain):
    generator = UserDashboard(client, "generator1", live=False)
    assert shown(generator.rights_display) == "generator"
    assert not generator.generate_button.disabled and not generator.sell_button.disabled
    assert generator.consume_button.disabled and generator.consume_amount.disabled
    assert generator.consumer_note == \
        "generator1 has no consumption right: ask the manager to register it as a consumer"
    assert generator.consumer_note in generator.consumer_note_display.value
    assert generator.generator_note == ""

    consumer = UserDashboard(client, "consumer1", live=False)
    assert consumer.generate_button.disabled and consumer.sell_button.disabled
    assert consumer.sell_buyer.disabled and consumer.sell_amount.disabled
    assert consumer.generate_amount.disabled
    assert not consumer.consume_button.disabled
    assert consumer.generator_note == \
        "consumer1 has no generation right: ask the manager to register it as a generator"

    stranger = UserDashboard(client, "user5", live=False)
    assert shown(stranger.name_display) == "not registered yet"
    assert shown(stranger.rights_display) == "none"
    assert "not registered yet" in shown(stranger.status_display)
    assert all(c.disabled for c in (stranger.generate_button, stranger.sell_button, stranger.consume_button,
                                    stranger.generate_amount, stranger.sell_amount, stranger.consume_amount))


def test_the_account_picker_switches_user(client, chain):
    client.sell_power("consumer2", 40_000, sender="generator2")   # 40 kWh, in Wh
    dash = UserDashboard(client, "generator2", accounts=["generator2", "consumer2"], live=False)
    assert list(dash.account_picker.options) == ["generator2", "consumer2"]
    assert shown(dash.generation_display) == "-40"
    dash.account_picker.value = "consumer2"
    assert dash.account.name == "consumer2"
    assert shown(dash.remaining_display) == "40" and shown(dash.generation_display) == "0"
    assert dash.generate_button.disabled and not dash.consume_button.disabled
    dash.select("user5")   # not in the list: added
    assert shown(dash.name_display) == "not registered yet"


def test_rights_changed_by_the_manager_enable_the_user_controls(client, chain):
    consumer = UserDashboard(client, "consumer2", live=False)
    assert consumer.generate_button.disabled
    manager = ManagerDashboard(client, live=False)
    fill_register(manager, "consumer2", "PowerUserTwo", "Sundsvall", True, True)
    manager.register_button.click()
    assert consumer.generate_button.disabled            # asked first: nothing sent yet
    manager.register_button.click()                     # confirmed
    assert not consumer.generate_button.disabled and consumer.generator_note == ""


# ----------------------------------------------------------- live refresh
def test_another_client_object_sees_changes_after_poll(client, chain):
    other = PowerGridClient(chain, client.address)          # its own log: like another kernel
    assert other.log is not client.log
    watcher_side = UserDashboard(other, "consumer1", live=False)
    manager_elsewhere = ManagerDashboard(other, live=False)
    acting = UserDashboard(client, "generator1", live=False)
    acting.sell_buyer.value = "consumer1"
    acting.sell_amount.value = "25"
    acting.sell_button.click()
    assert shown(watcher_side.remaining_display) == "0"      # not told yet
    assert watcher_side.watcher.poll() is True
    assert shown(watcher_side.remaining_display) == "25"
    assert manager_elsewhere.watcher.poll() is True
    assert table_rows(manager_elsewhere)[chain.account("consumer1").address]["remaining"] == "25"
    assert watcher_side.watcher.poll() is False              # nothing new: no redraw


def test_refreshes_do_not_flood_the_shared_log(client, chain):
    before = len(client.log)
    manager = ManagerDashboard(client, live=False)
    user = UserDashboard(client, "generator1", live=False)
    manager.refresh()
    user.refresh()
    assert len(client.log) == before


def test_live_refresh_on_a_running_event_loop(client, chain):
    other = PowerGridClient(chain, client.address)

    async def scenario():
        dash = UserDashboard(other, "consumer1", live=True, refresh_interval=0.05)
        assert dash.watcher.running
        client.sell_power("consumer1", 12_500, sender="generator1")   # 12.5 kWh, from another "page"
        for _ in range(100):
            await asyncio.sleep(0.05)
            if shown(dash.remaining_display) == "12.5":
                break
        dash.close()
        return shown(dash.remaining_display), dash.watcher.running

    assert asyncio.run(scenario()) == ("12.5", False)


def test_live_is_a_no_op_without_an_event_loop(client):
    dash = ManagerDashboard(client, live=True)
    assert not dash.watcher.running
    dash.close()
    client.send_dispatch("consumer1", "after close")
    assert "after close" not in dash.users_table.value      # unsubscribed: no redraw



# ------------------------------------------------------------- node down
def _node_down_checks(own, stop):
    client = PowerGridClient.deploy(own)
    for account, name, place, generate, consume in CAST:
        client.register_user(account, name, place, can_generate=generate, can_consume=consume)
    client.sell_power("consumer1", 50_000, sender="generator1")   # 50 kWh
    manager = ManagerDashboard(client, live=False)
    generator = UserDashboard(client, "generator1", live=False)
    consumer = UserDashboard(client, "consumer1", live=False)
    logged = len(client.log.transactions)
    stop()
    # Refreshes never raise; the node problem is said once.
    for dash in (manager, generator, consumer):
        dash.refresh()
        assert_one_error(dash.message, "node" if own.target == "anvil" else "closed")
        first = dash.message.text
        dash.watcher.poll()
        dash.refresh()
        assert dash.message.text == first
    generator.generate_amount.value = "10"
    generator.sell_buyer.value = "consumer1"
    generator.sell_amount.value = "10"
    consumer.consume_amount.value = "10"
    fill_register(manager, "user5", "N", "L", True, False)
    manager.dispatch_text.value = "stop"
    for dash, button in ((generator, generator.generate_button), (generator, generator.sell_button),
                         (consumer, consumer.consume_button), (manager, manager.register_button),
                         (manager, manager.dispatch_button), (manager, manager.refresh_button)):
        dash.message.clear()
        button.click()
        if button is manager.refresh_button:
            continue   # a refresh after the problem was said stays quiet
        assert_one_error(dash.message, "node" if own.target == "anvil" else "closed")
    assert len(client.log.transactions) == logged
    # The values shown are the last ones read, not a half-updated view.
    assert shown(consumer.remaining_display) == "50"
    assert "remaining purchased power: 50 kWh" in consumer.summary()


@pytest.mark.anvil
def test_a_stopped_anvil_node_shows_one_message_and_sends_nothing():
    with connect("anvil") as own:
        _node_down_checks(own, own.process.stop)


def test_a_closed_tester_chain_shows_one_message_and_sends_nothing():
    own = connect("tester")
    _node_down_checks(own, own.close)


def test_building_on_a_stopped_node_does_not_raise():
    own = connect("tester")
    client = PowerGridClient.deploy(own)
    own.close()
    manager = ManagerDashboard(client, live=False)
    user = UserDashboard(client, "generator1", live=False)
    assert_one_error(manager.message, "closed")
    assert_one_error(user.message, "closed")


# ------------------------------------------------------------ css contract
def test_every_documented_css_class_exists(client):
    documented = set(re.findall(r"\bgc-[a-z]+(?:-[a-z]+)*", user_module.__doc__ + manager_module.__doc__))
    documented |= {f"gc-manager-user-{c}" for c in ("name", "address", "location", "rights", "generation",
                                                    "total-generation", "remaining", "total-use", "dispatch")}
    client.send_dispatch("consumer1", "x")
    user = UserDashboard(client, "generator1", live=False)
    manager = ManagerDashboard(client, live=False)
    user.message.show("hello")
    found = css_classes(user.widget) | css_classes(manager.widget)
    assert {"gc-user-message", "gc-manager-user-row"} <= documented
    assert documented <= found, sorted(documented - found)


def test_a_flapping_node_is_said_once_then_cleared(client, chain, monkeypatch):
    user = UserDashboard(client, "generator1", live=False)
    real = type(chain).block_number

    def _down(self):
        raise node_down("http://127.0.0.1:8545")

    down = property(_down)

    monkeypatch.setattr(type(chain), "block_number", down)
    user.refresh()
    assert_one_error(user.message, "cannot reach the Ethereum node")
    user.message.show("generator1 sold 0.001 kWh", "ok")   # a later message is not overwritten
    user.watcher.poll()
    user.refresh()
    assert user.message.text == "generator1 sold 0.001 kWh"
    monkeypatch.setattr(type(chain), "block_number", real)
    user.refresh()
    assert user.message.text == "generator1 sold 0.001 kWh"  # still not the node's business
    monkeypatch.setattr(type(chain), "block_number", down)
    user.refresh()
    monkeypatch.setattr(type(chain), "block_number", real)
    user.refresh()
    assert user.message.kind == "info" and "answers again" in user.message.text
