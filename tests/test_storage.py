"""Reading storage slot by slot agrees with the contract's own getters."""
from eth_utils import keccak

from grid.storage import mapping_slot


def test_mapping_slot_follows_the_solidity_layout_rule():
    # Solidity docs: the value of mapping key k at slot p lives at keccak256(h(k) . p).
    key = bytes.fromhex("70997970C51812dc3A010C7d01b50e0d17dc79C8")
    expected = int.from_bytes(keccak(b"\0" * 12 + key + (1).to_bytes(32, "big")), "big")
    assert mapping_slot(key, 1) == expected


def test_record_matches_getters_after_trading(client):
    client.sell_power("consumer1", 100, sender="generator1")
    client.generate_power(10, sender="generator1")
    client.consume_power(25, sender="consumer1")
    gen, con = client.user_record("generator1"), client.user_record("consumer1")
    assert gen.generation_balance == client.generation_balance(sender="generator1") == -90
    assert gen.total_generation == client.total_generated("generator1", sender="generator1")
    assert con.remaining == client.remaining_power(sender="consumer1") == 75
    assert con.total_use == client.total_consumed("consumer1", sender="consumer1") == 25
    assert (gen.name, gen.location, gen.can_generate, gen.can_consume) == \
        ("PowerProviderOne", "Sundsvall", True, False)


def test_long_strings_are_read_from_their_hashed_slots(client):
    text = "reduce load by 20% between 17:00 and 19:00; grid frequency 49.8 Hz — ⚡"
    assert len(text.encode()) > 31  # stored out of line, at keccak(slot)
    client.send_dispatch("consumer2", text)
    assert client.user_record("consumer2").dispatch == text == client.dispatch_info(sender="consumer2")


def test_administrator_is_the_deployer(client):
    assert client.administrator() == client.chain.account("admin").address
