"""PowerGridV2's custom errors, each as one sentence that says what to do.

The contract refuses with custom errors that carry their arguments
(`ExceedsAvailable(generator, wh, available)`), so the client needs no copy
of the rules to check before sending: the node's gas estimate runs the
contract, and a would-be revert is turned into the sentence here.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..contract import ErrorSentences, Sentence, named, refusal
from ..energy import energy_text

ADMIN_ACTIONS = {"empower": "register users", "revoke": "revoke users", "bindMeter": "bind meters",
                 "PowerDispatch": "send dispatch instructions",
                 "transferAdmin": "hand the administrator over"}

SENTENCES: dict[str, Sentence] = {
    "NotAdmin": lambda c, f, w, a: refusal(
        f"only the administrator ({named(c, a['admin'])}) can {ADMIN_ACTIONS.get(f, 'do this')}: {w.name} is "
        f"not the administrator, so switch to the admin account", "permission", f),
    "NotPendingAdmin": lambda c, f, w, a: refusal(
        f"{w.name} was not named as the next administrator (the named one is "
        f"{named(c, a['pendingAdmin']) if int(a['pendingAdmin'], 16) else 'nobody'}): the administrator "
        f"must call transferAdmin with {w.name}'s address first", "permission", f),
    "ZeroAddress": lambda c, f, w, a: refusal(
        "the zero address 0x000...000 cannot be a user, a buyer, a meter or an administrator: give a real "
        "address", "input", f),
    "EmptyIdentity": lambda c, f, w, a: refusal(
        "the identity commitment is 32 zero bytes, which means \"never registered\": register with a name "
        "and a location, from which the client computes the commitment", "input", f),
    "NotRegistered": lambda c, f, w, a: refusal(
        f"{named(c, a['user'])} is not registered: ask the administrator to register it first",
        "permission", f),
    "NotActive": lambda c, f, w, a: refusal(
        f"{named(c, a['user'])}'s rights were revoked: ask the administrator to register it again",
        "permission", f),
    "NoGenerationRight": lambda c, f, w, a: refusal(
        f"{named(c, a['user'])} has no generation right: ask the administrator to register it as a "
        f"generator", "permission", f),
    "NoConsumptionRight": lambda c, f, w, a: refusal(
        f"{named(c, a['user'])} has no consumption right: ask the administrator to register it as a "
        f"consumer", "permission", f),
    "NoMeter": lambda c, f, w, a: refusal(
        f"{named(c, a['user'])} has no meter yet, and only a meter may report energy: ask the administrator "
        f"to bind one (bindMeter)", "permission", f),
    "NotTheMeter": lambda c, f, w, a: refusal(
        f"only {named(c, a['user'])}'s meter ({named(c, a['meter'])}) may report its energy, and "
        f"{named(c, a['caller'])} is not that meter: send the reading from the meter", "permission", f),
    "MeterIsUser": lambda c, f, w, a: refusal(
        f"{named(c, a['user'])} cannot be its own meter (that would be self-reported metering again): bind a "
        f"separate meter account", "input", f),
    "MeterInUse": lambda c, f, w, a: refusal(
        f"{named(c, a['meter'])} already reports for {named(c, a['user'])}: give each user its own meter",
        "input", f),
    "ZeroAmount": lambda c, f, w, a: refusal(
        "the amount must be above 0 Wh (0 Wh would change nothing): give a positive amount", "input", f),
    "ReadingTooLarge": lambda c, f, w, a: refusal(
        f"{energy_text(a['wh'])} in one reading is above the plausible maximum of {energy_text(a['maxWh'])}: "
        f"check the meter, or report in smaller readings", "input", f),
    "ExceedsAvailable": lambda c, f, w, a: refusal(
        f"{named(c, a['generator'])} has {energy_text(a['available'])} generated and not yet sold, less than "
        f"{energy_text(a['wh'])}: generate first, or sell less", "revert", f),
    "ExceedsPurchased": lambda c, f, w, a: refusal(
        f"{named(c, a['consumer'])} has {energy_text(a['purchased'])} purchased and not yet consumed, less "
        f"than {energy_text(a['wh'])}: buy more first", "revert", f),
    "EmptyInstruction": lambda c, f, w, a: refusal(
        "the dispatch instruction is empty: type what the user should do, e.g. \"stop\"", "input", f),
    "NoSuchDispatch": lambda c, f, w, a: refusal(
        f"{named(c, a['user'])} has {a['count']} dispatch instruction(s), so there is no number {a['index']} "
        f"(they count from 0)", "input", f),
}


class PowerGridV2Rules(ErrorSentences):
    """Names PowerGridV2's parameters and turns its custom errors into sentences."""

    labels: Mapping[str, str] = {
        "user": "the user's address", "identity": "the identity commitment",
        "canGenerate": "the generation right", "canConsume": "the consumption right",
        "meter": "the meter's address", "wh": "the energy in Wh", "to": "the buyer's address",
        "instruction": "the dispatch instruction", "next": "the next administrator's address",
        "index": "the dispatch number",
    }
    allow_empty_strings = False
    sentences = SENTENCES


RULES = PowerGridV2Rules()
