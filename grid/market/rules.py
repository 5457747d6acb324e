"""EnergyMarket's custom errors, each as one sentence that says what to do.

The node's gas estimate runs the contract before anything is sent, so a
refused order, clearing, reading or withdrawal is explained and never mined.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from ..contract import ErrorSentences, Sentence, named, refusal
from .units import energy_text, eth_text


def _when(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")






SENTENCES: dict[str, Sentence] = {
    "NoRegistry": lambda c, f, w, a: refusal(
        f"there is no contract at {a['registry']}: give the address of a deployed PowerGridV2 as the "
        f"registry", "input", f),
    "ZeroSlotLength": lambda c, f, w, a: refusal(
        "a slot must last at least 1 second: give slotSeconds above 0", "input", f),
    "NotAGenerator": lambda c, f, w, a: refusal(
        f"{named(c, a['caller'])} is not an active generator in the registry, so it cannot offer energy: ask "
        f"the administrator to register it as a generator", "permission", f),
    "NotAConsumer": lambda c, f, w, a: refusal(
        f"{named(c, a['caller'])} is not an active consumer in the registry, so it cannot bid: ask the "
        f"administrator to register it as a consumer", "permission", f),
    "ZeroAmount": lambda c, f, w, a: refusal("an order must be for more than 0 Wh: give the energy in Wh",
                                            "input", f),
    "ZeroPrice": lambda c, f, w, a: refusal("a bid's maximum price must be above 0: give it in wei per Wh",
                                           "input", f),
    "EscrowMismatch": lambda c, f, w, a: refusal(
        f"a bid must escrow exactly energy x maximum price = {eth_text(a['expectedWei'])}, and "
        f"{eth_text(a['sentWei'])} was sent: send exactly that much", "input", f),
    "GateClosed": lambda c, f, w, a: refusal(
        f"slot {a['slot']}'s gate closed at {_when(a['closedAt'])}: orders for it are no longer taken, so "
        f"choose a later slot (the next open one is {c.next_open_slot()})", "revert", f),
    "GateStillOpen": lambda c, f, w, a: refusal(
        f"slot {a['slot']} is still taking orders until {_when(a['closesAt'])}: clear it after gate closure",
        "revert", f),
    "SlotFull": lambda c, f, w, a: refusal(
        f"slot {a['slot']} already has {a['limit']} orders, the most one clearing can handle within a block: "
        f"choose another slot", "revert", f),
    "NoSuchOrder": lambda c, f, w, a: refusal(f"there is no order {a['orderId']}: check the order number",
                                             "input", f),
    "NotYourOrder": lambda c, f, w, a: refusal(
        f"order {a['orderId']} belongs to {named(c, a['owner'])}: only its owner may cancel it",
        "permission", f),
    "AlreadyCancelled": lambda c, f, w, a: refusal(f"order {a['orderId']} is already cancelled", "revert", f),
    "AlreadyCleared": lambda c, f, w, a: refusal(
        f"slot {a['slot']} is already cleared: read its result instead (clearing happens once)", "revert", f),
    "NotCleared": lambda c, f, w, a: refusal(f"slot {a['slot']} is not cleared yet: clear it first",
                                            "revert", f),
    "AlreadySettled": lambda c, f, w, a: refusal(
        f"slot {a['slot']} is already settled: its payments are final, read them instead", "revert", f),
    "TooEarlyToSettle": lambda c, f, w, a: refusal(
        f"slot {a['slot']} can be settled from {_when(a['settlesFrom'])}, once the meters have had a slot to "
        f"report: wait until then", "revert", f),
    "ReadingTooEarly": lambda c, f, w, a: refusal(
        f"slot {a['slot']} ends at {_when(a['slotEnds'])}: a meter can report it only after it ends",
        "revert", f),
    "ReadingExists": lambda c, f, w, a: refusal(
        f"{named(c, a['user'])}'s reading for slot {a['slot']} is already in: a reading counts once, so this "
        f"is a replay", "revert", f),
    "NoMeter": lambda c, f, w, a: refusal(
        f"{named(c, a['user'])} has no meter bound in the registry: ask the administrator to bind one",
        "permission", f),
    "BadSignature": lambda c, f, w, a: refusal(
        "the reading's signature is not a valid 65-byte signature: sign it with the meter's key (EIP-712)",
        "input", f),
    "WrongMeter": lambda c, f, w, a: refusal(
        f"the reading for {named(c, a['user'])} was signed by {named(c, a['signer'])}, not by its bound "
        f"meter {named(c, a['meter'])}: a forged or altered reading is refused", "permission", f),
    "NothingToWithdraw": lambda c, f, w, a: refusal(
        f"{named(c, a['caller'])} has no credit to withdraw: credits come from refunds and settlements",
        "revert", f),
    "PaymentFailed": lambda c, f, w, a: refusal(
        f"paying {eth_text(a['amountWei'])} to {named(c, a['to'])} failed (its code refused the ether): "
        f"withdraw from an account that accepts payments", "revert", f),
    "Reentered": lambda c, f, w, a: refusal("withdraw was called again during its own payment: refused",
                                           "revert", f),
}


class MarketRules(ErrorSentences):
    """Names EnergyMarket's parameters and turns its custom errors into sentences."""

    labels: Mapping[str, str] = {
        "slot": "the slot", "wh": "the energy in Wh", "minPriceWeiPerWh": "the minimum price (wei/Wh)",
        "maxPriceWeiPerWh": "the maximum price (wei/Wh)", "orderId": "the order number",
        "user": "the user's address", "exportedWh": "the exported energy in Wh",
        "importedWh": "the imported energy in Wh", "signature": "the meter's signature",
    }
    sentences = SENTENCES



RULES = MarketRules()
__all__ = ["RULES", "SENTENCES", "MarketRules", "energy_text"]
