"""Every function of PowerGeneration (thesis Appendix A), on eth-tester and anvil.

Expected values follow from Appendix A's source read by hand; permission
failures must arrive as one GridError sentence and change nothing.
"""
import pytest
from eth_abi import encode

from grid.chain import TxReverted
from grid.errors import GridError
from grid.powergrid import PowerGridClient

UINT256_MAX = 2**256 - 1


def snapshot_state(client):
    """Everything the contract stores about the four users, read from storage."""
    return {who: client.user_record(who) for who in ("generator1", "generator2", "consumer1", "consumer2")}


# ----------------------------------------------------------------- empower
def test_empower_registers_name_location_and_rights(client):
    client.register_user("user5", "Prosumer", "Härnösand", can_generate=True, can_consume=True)
    record = client.user_record("user5")
    assert (record.name, record.location, record.can_generate, record.can_consume) == \
        ("Prosumer", "Härnösand", True, True)
    assert (record.generation_balance, record.total_generation, record.remaining,
            record.total_use, record.dispatch) == (0, 0, 0, 0, "")


def test_empower_again_resets_the_balances(client):
    # A quirk of the seed: re-registering wipes a user's balances.
    client.sell_power("consumer1", 40, sender="generator1")
    with pytest.raises(GridError, match="reset its balances to 0"):   # the client asks first
        client.register_user("consumer1", "PowerUserOne", "Sundsvall", can_generate=False, can_consume=True)
    assert client.remaining_power(sender="consumer1") == 40
    client.register_user("consumer1", "PowerUserOne", "Sundsvall", can_generate=False, can_consume=True,
                         reset=True)
    assert client.remaining_power(sender="consumer1") == 0


def test_only_the_administrator_may_empower(client, chain):
    block = chain.block_number
    with pytest.raises(GridError) as info:
        client.register_user("user5", "x", "y", can_generate=True, can_consume=True, sender="generator1")
    assert info.value.kind == "permission"
    assert "only the administrator" in str(info.value)
    assert chain.block_number == block  # preflight: nothing was sent
    assert not client.user_record("user5").registered


# ----------------------------------------------------------- GeneratePower
def test_generate_power_adds_to_both_counters(client):
    client.generate_power(7, sender="generator1")
    client.generate_power(5, sender="generator1")
    assert client.generation_balance(sender="generator1") == 12
    assert client.total_generated("generator1", sender="generator1") == 12


def test_generate_power_without_right_returns_silently(client, chain):
    block = chain.block_number
    entry = client.generate_power(10, sender="consumer1")
    assert entry.ok and chain.block_number == block + 1  # a successful transaction...
    assert "no generation right" in entry.note
    assert client.user_record("consumer1").total_generation == 0  # ...that changed nothing


# ------------------------------------------------------------------ Transfer
def test_transfer_moves_power_and_can_drive_generation_negative(client):
    client.sell_power("consumer1", 100, sender="generator1")
    client.sell_power("consumer2", 30, sender="generator1")
    assert client.generation_balance(sender="generator1") == -130
    assert client.remaining_power(sender="consumer1") == 100
    assert client.remaining_power(sender="consumer2") == 30


@pytest.mark.parametrize("seller, buyer, phrase", [
    ("consumer1", "consumer2", "consumer1 has no generation right"),
    ("generator1", "generator2", "generator2 has no consumption right"),
    ("generator1", "user5", "user5 has no consumption right"),  # never registered
])
def test_transfer_requires_both_rights(client, chain, seller, buyer, phrase):
    before, block = snapshot_state(client), chain.block_number
    with pytest.raises(GridError) as info:
        client.sell_power(buyer, 10, sender=seller)
    assert info.value.kind == "permission" and phrase in str(info.value)
    assert chain.block_number == block and snapshot_state(client) == before


def raw_revert_payload(client, function, *args, sender):
    """What the contract itself reverts with, asked directly (no client diagnosis)."""
    spec = client.functions[function]
    data = spec.selector + encode([t for t, _ in spec.inputs], list(args))
    with pytest.raises(TxReverted) as info:
        client.chain.call(client.chain.account(sender), client.address, data)
    return info.value.data


def test_transfer_of_zero_is_rejected_by_client_and_contract(client):
    with pytest.raises(GridError, match="must be above 0"):
        client.sell_power("consumer1", 0, sender="generator1")
    buyer = client.chain.account("consumer1").address
    assert raw_revert_payload(client, "Transfer", buyer, 0, sender="generator1") == b""


def test_transfer_overflow_guard_is_the_contract_s_own(client, chain):
    # The 0.4-style guard `usePower + _value > usePower` must revert with no data.
    # Under 0.8's checked arithmetic it would be Panic(0x11) (0x4e487b71...).
    client.sell_power("consumer1", 1, sender="generator1")
    buyer = chain.account("consumer1").address
    assert raw_revert_payload(client, "Transfer", buyer, UINT256_MAX, sender="generator1") == b""
    raw = PowerGridClient(chain, client.address, preflight=False, log=client.log)
    before = snapshot_state(client)
    with pytest.raises(GridError) as info:
        raw.sell_power("consumer1", UINT256_MAX, sender="generator1")
    assert info.value.kind == "revert" and "overflow" in str(info.value)
    assert client.log[-1].status == "reverted" and client.log[-1].tx_hash
    assert snapshot_state(client) == before


def test_arithmetic_wraps_around_as_in_solidity_0_4(client):
    # int256(2**255) reinterprets to -2**255 (Solidity docs, explicit conversions);
    # adding 2**255 twice to the uint256 total wraps to 0 instead of reverting.
    client.generate_power(2**255, sender="generator1")
    assert client.generation_balance(sender="generator1") == -(2**255)
    client.generate_power(2**255, sender="generator1")
    assert client.total_generated("generator1", sender="generator1") == 0
    assert client.generation_balance(sender="generator1") == 0  # -2**255 + -2**255 wraps to 0


def test_reverted_transaction_without_preflight_is_explained(client, chain):
    raw = PowerGridClient(chain, client.address, preflight=False, log=client.log)
    with pytest.raises(GridError) as info:
        raw.sell_power("consumer2", 5, sender="consumer1")
    assert info.value.kind == "permission"
    assert "consumer1 has no generation right" in str(info.value)
    entry = client.log[-1]
    assert (entry.function, entry.status, entry.gas_used > 0) == ("Transfer", "reverted", True)


# -------------------------------------------------------------- PowerConsume
def test_consume_moves_power_to_the_total(client):
    client.sell_power("consumer1", 100, sender="generator1")
    client.consume_power(30, sender="consumer1")
    assert client.remaining_power(sender="consumer1") == 70
    assert client.total_consumed("consumer1", sender="consumer1") == 30


def test_consume_more_than_bought_is_rejected(client, chain):
    client.sell_power("consumer1", 10, sender="generator1")
    block = chain.block_number
    with pytest.raises(GridError, match=r"has only 0.01 kWh \(10 Wh\)"):
        client.consume_power(11, sender="consumer1")
    assert chain.block_number == block


def test_consume_requires_the_consumption_right(client):
    with pytest.raises(GridError) as info:
        client.consume_power(0, sender="generator1")
    assert info.value.kind == "permission"


# ------------------------------------------------------------- PowerDispatch
def test_dispatch_reaches_only_its_receiver(client):
    client.send_dispatch("consumer1", "stop")
    assert client.dispatch_info(sender="consumer1") == "stop"
    assert client.dispatch_info(sender="consumer2") == ""


def test_only_the_administrator_may_dispatch(client):
    with pytest.raises(GridError) as info:
        client.send_dispatch("consumer1", "stop", sender="consumer2")
    assert info.value.kind == "permission"
    assert client.dispatch_info(sender="consumer1") == ""


# ------------------------------------------------------------------ getters
def test_totals_are_visible_to_self_and_administrator_only(client):
    client.sell_power("consumer1", 50, sender="generator1")
    client.consume_power(20, sender="consumer1")
    client.generate_power(8, sender="generator1")
    assert client.total_consumed("consumer1", sender="consumer1") == 20
    assert client.total_consumed("consumer1", sender="admin") == 20
    assert client.total_consumed("consumer1", sender="generator1") == 0   # not an error: 0
    assert client.total_generated("generator1", sender="admin") == 8
    assert client.total_generated("generator1", sender="consumer2") == 0


def test_private_getters_hide_nothing_from_storage(client):
    # GetTotalGeneration returns 0 to a stranger, but storage is public.
    client.generate_power(8, sender="generator1")
    stranger = client.using("consumer2")
    assert stranger.total_generated("generator1") == 0
    assert stranger.user_record("generator1").total_generation == 8


def test_using_switches_account_and_shares_the_log(client):
    generator = client.using("generator1")
    generator.generate_power(3)
    assert client.log[-1].sender == "generator1"
    assert client.generation_balance(sender="generator1") == 3


def test_the_log_has_what_figures_5_4_to_5_6_show(client):
    entry = client.sell_power("consumer1", 100, sender="generator1")
    assert entry.kind == "transaction" and entry.ok
    assert entry.tx_hash.startswith("0x") and len(entry.tx_hash) == 66
    assert entry.input.startswith("0x69ca02dd")  # Figure 5-6 shows "0x69c...00064"
    assert entry.input.endswith("64")           # 100 = 0x64
    assert entry.decoded_input == {"address _to": client.chain.account("consumer1").address,
                                   "uint256 _value": 100}
    assert entry.decoded_output == {}
    assert entry.gas_used > 21_000 and entry.block_number >= 1
    assert client.generation_balance(sender="generator1") == -100
    call = client.log[-1]
    assert call.kind == "call" and call.decoded_output == {"int256 _value": -100}
