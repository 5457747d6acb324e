"""PowerGeneration's rules, in one place: who may do what, and the sentence when they may not.

The contract's `require`s (contracts/PowerGeneration.sol) carry no messages,
so the toolkit states them here, once. The client checks them before it
sends (its preflight) and uses them to explain a revert; the two platforms
check them before they enable a button or send; the console goes through the
client. Amounts are whole Wh, as the contract counts them (grid.energy shows them in kWh).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..accounts import NamedAccount
from ..contract import ContractRules, FunctionSpec, Verdict
from ..energy import energy_text
from ..errors import GridError
from .record import UserRecord

if TYPE_CHECKING:  # the client imports this module: only type checkers need the reverse
    from ..chain import Chain
    from .client import PowerGridClient

NOT_REGISTERED = "not registered yet"
ADMIN_ONLY = {"empower": "register users", "PowerDispatch": "send dispatch instructions"}

# Gas limits computed locally, so no eth_estimateGas round trip: fixed-size
# functions stay far below GAS_BASE; each stored 32-byte word of a string
# costs at most one fresh SSTORE (22,100 gas) plus calldata.
GAS_BASE = 300_000
GAS_PER_STRING_WORD = 25_000
DEPLOY_GAS = 3_000_000


class PowerGenerationRules(ContractRules):
    """The seed contract's `require`s and quirks, checked before sending."""

    labels: Mapping[str, str] = {
        "addr": "the user's address",
        "_to": "the buyer's address",
        "_value": "the amount",
        "_name": "the name",
        "_useraddr": "the location",
        "_generaterights": "the generation right",
        "_userights": "the consumption right",
        "_info": "the dispatch instruction",
    }
    allow_empty_strings = False   # an empty name, location or instruction is a typing slip

    def needs_confirmation(self, client: PowerGridClient, function: str, values: list) -> str | None:
        """Registering a registered user again erases its balances (the seed's empower)."""
        if function != "empower":
            return None
        record = client.user_record(values[0])
        return reregistration_warning(client.chain, record) if record.registered else None

    def gas_limit(self, spec: FunctionSpec, values: list) -> int:
        return GAS_BASE + GAS_PER_STRING_WORD * sum(len(v.encode()) // 32 + 1
                                                    for v in values if isinstance(v, str))

    def deploy_gas(self) -> int:
        return DEPLOY_GAS

    def no_reason(self, spec: FunctionSpec, who: NamedAccount) -> str:
        return (f"{spec.name} from {who.name} was reverted by the contract without a reason "
                f"(the seed's require()s give none)")

    def check(self, client: PowerGridClient, function: str, who: NamedAccount, values: list) -> Verdict:
        """Why `function(values)` from `who` would fail (GridError), do nothing (str), or None."""
        if function in ADMIN_ONLY:
            admin = client.administrator()
            if who.address != admin:
                return GridError(f"only the administrator ({self.describe(client, admin)}) can "
                                 f"{ADMIN_ONLY[function]}: {who.name} is not the administrator, so switch to "
                                 f"the admin account", kind="permission", function=function)
        elif function == "GeneratePower":
            if not client.rights(who.address)[0]:
                return (f"no effect: {who.name} has no generation right, and the seed contract "
                        f"returns silently instead of reverting")
        elif function == "Transfer":
            return self._check_transfer(client, who, *values)
        elif function == "PowerConsume":
            (amount,) = values
            if not client.rights(who.address)[1]:
                return GridError(f"{who.name} has no consumption right, so it cannot consume power: ask "
                                 f"the administrator to register it as a consumer", kind="permission",
                                 function=function)
            balance = client.user_member(who.address, "usePower")
            if amount > balance:
                return GridError(f"{who.name} has only {energy_text(balance)} of purchased power, less "
                                 f"than {energy_text(amount)}: buy more from a generator first",
                                 kind="revert", function=function)
        return None

    def _check_transfer(self, client: PowerGridClient, who: NamedAccount, buyer: str, amount: int) -> Verdict:
        if not client.rights(who.address)[0]:
            return GridError(f"{who.name} has no generation right, so it cannot sell power: ask the "
                             f"administrator to register it as a generator", kind="permission",
                             function="Transfer")
        if not client.rights(buyer)[1]:
            return GridError(f"{self.describe(client, buyer)} has no consumption right, so it cannot "
                             f"buy power: ask the administrator to register it as a consumer",
                             kind="permission", function="Transfer")
        balance = client.user_member(buyer, "usePower")
        if amount == 0:
            return GridError("the amount to sell must be above 0 (the contract's check "
                             "usePower + _value > usePower rejects 0): give a positive amount",
                             kind="revert", function="Transfer")
        if balance + amount >= 2**256:
            return GridError(f"selling {amount} would overflow {self.describe(client, buyer)}'s balance of "
                             f"{balance} (uint256): give a smaller amount", kind="revert",
                             function="Transfer")
        return None


RULES = PowerGenerationRules()


# ------------------------------------------------ the platforms' wording of the same rules
def require_right(record: UserRecord, name: str, *, generate: bool = False, consume: bool = False) -> None:
    """Raise the platform's sentence when `record` lacks registration or the right an action needs."""
    if not record.registered:
        raise GridError(unregistered_reason(name), kind="permission")
    if generate and not record.can_generate:
        raise GridError(no_right_reason(name, "generation", "generator"), kind="permission")
    if consume and not record.can_consume:
        raise GridError(no_right_reason(name, "consumption", "consumer"), kind="permission")


def unregistered_reason(name: str) -> str:
    """Why an unregistered account can do nothing on the user platform."""
    return f"{name} is {NOT_REGISTERED}: ask the manager to register it"


def no_right_reason(name: str, right: str, role: str) -> str:
    """Why an account lacks a right on the user platform."""
    return f"{name} has no {right} right: ask the manager to register it as a {role}"


def not_admin_reason(name: str, admin_label: str) -> str:
    """Why a non-administrator can change nothing on the manager platform."""
    return (f"{name} is not the administrator ({admin_label} is): only the administrator can register "
            f"users and send dispatch instructions, so open the manager platform with the administrator's "
            f"account")


def reregistration_warning(chain: Chain, record: UserRecord) -> str:
    """What registering `record`'s user again would erase (each caller adds how to confirm)."""
    who = next((a.name for a in chain.accounts if a.address == record.address), record.address)
    return (f"{who} is already registered as {record.name or '(no name)'}: registering it again makes the "
            f"seed contract reset its balances to 0 (generation balance "
            f"{energy_text(record.generation_balance)}, total generation "
            f"{energy_text(record.total_generation)}, purchased and not yet consumed "
            f"{energy_text(record.remaining)}, total use {energy_text(record.total_use)})")
