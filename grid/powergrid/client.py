"""The PowerGeneration contract client: one readable method per contract function.

    client = PowerGridClient.deploy(chain)                 # as admin
    client.register_user("generator1", "PowerProviderOne", "Sundsvall",
                         can_generate=True, can_consume=False)
    client.sell_power("consumer1", 100, sender="generator1")
    client.generation_balance(sender="generator1")         # -> -100

Every failure of the client's methods is a `GridError` with one readable
sentence (bad input, an unknown account, a missing right, a revert, a node
that is down). Arguments are checked before anything is sent, and with
`preflight=True` (the default) the contract's rights and balances are
checked too (grid/powergrid/rules.py), so a transaction that would revert is
not sent at all. Every transaction and call is recorded in `client.log`,
with what the thesis's Figures 5-4 to 5-6 show.
"""
from __future__ import annotations

from typing import Any

from ..accounts import NamedAccount
from ..chain import Chain
from ..compiler import Artifact, load_artifact
from ..contract import ContractClient
from ..errors import GridError
from ..storage import read_struct_in_mapping, read_struct_member, read_variable
from ..txlog import TxLog, TxLogEntry
from ..validation import check_argument
from .record import ADMIN_VARIABLE, USERS_MAPPING, UserRecord
from .rules import RULES

CONTRACT_NAME = "PowerGeneration"
Sender = str | NamedAccount | None


class PowerGridClient(ContractClient):
    """Drive a deployed PowerGeneration contract on any `Chain`."""

    rules = RULES
    reregistration_resets = True   # the seed's empower overwrites the whole User struct

    def __init__(self, chain: Chain, address: str, *, artifact: Artifact | None = None,
                 account: str | NamedAccount = "admin", log: TxLog | None = None,
                 preflight: bool = True) -> None:
        super().__init__(chain, artifact or load_artifact(CONTRACT_NAME), address, account=account, log=log,
                         preflight=preflight)
        self._administrator: str | None = None

    @classmethod
    def deploy(cls, chain: Chain, *, deployer: str | NamedAccount = "admin",  # type: ignore[override]
               artifact: Artifact | None = None, **kwargs: Any) -> PowerGridClient:
        """Deploy the contract from its artifact; the deployer becomes administrator."""
        return super().deploy(chain, artifact or load_artifact(CONTRACT_NAME), sender=deployer, **kwargs)

    @classmethod
    def _from_deployment(cls, chain: Chain, artifact: Artifact, address: str, who: NamedAccount,
                         kwargs: dict) -> PowerGridClient:
        return cls(chain, address, artifact=artifact, account=who, **kwargs)

    # ------------------------------------------------- readable transactions
    def register_user(self, user: str, name: str, location: str, *, can_generate: bool,
                      can_consume: bool, sender: Sender = None, reset: bool = False) -> TxLogEntry:
        """Administrator: register `user` with rights (contract `empower`).

        The seed's `empower` overwrites the whole User struct, so registering
        a user again sets its balances to 0. That is refused, before anything
        is sent, unless `reset=True`; `invoke("empower", ...)` sends it as written.
        """
        warning = None if reset else self.rules.needs_confirmation(self, "empower", [user])
        if warning:
            raise GridError(f"{warning}: confirm with reset=True to register it again anyway", kind="input",
                            function="empower")
        return self.invoke("empower", user, name, location, can_generate, can_consume, sender=sender)

    def generate_power(self, amount: int, *, sender: Sender = None) -> TxLogEntry:
        """Generator: record `amount` Wh generated (contract `GeneratePower`)."""
        return self.invoke("GeneratePower", amount, sender=sender)

    def sell_power(self, buyer: str, amount: int, *, sender: Sender = None) -> TxLogEntry:
        """Generator: sell `amount` Wh to `buyer` (contract `Transfer`)."""
        return self.invoke("Transfer", buyer, amount, sender=sender)

    def consume_power(self, amount: int, *, sender: Sender = None) -> TxLogEntry:
        """Consumer: use `amount` Wh of purchased power (contract `PowerConsume`)."""
        return self.invoke("PowerConsume", amount, sender=sender)

    def send_dispatch(self, user: str, instruction: str, *, sender: Sender = None) -> TxLogEntry:
        """Administrator: send a dispatch instruction to `user` (contract `PowerDispatch`)."""
        return self.invoke("PowerDispatch", user, instruction, sender=sender)

    # ------------------------------------------------------- readable queries
    def remaining_power(self, *, sender: Sender = None) -> int:
        """Consumer: purchased Wh not yet consumed (contract `GetUsedOfSelf`)."""
        return self.call("GetUsedOfSelf", sender=sender)

    def total_consumed(self, user: str, *, sender: Sender = None) -> int:
        """Wh `user` has consumed in total; 0 unless you are `user` or the admin."""
        return self.call("GetTotalUsedOfSomeone", user, sender=sender)

    def generation_balance(self, *, sender: Sender = None) -> int:
        """Generator: generated minus sold; negative = still owed (contract `GetGeneration`)."""
        return self.call("GetGeneration", sender=sender)

    def total_generated(self, user: str, *, sender: Sender = None) -> int:
        """Wh `user` has generated in total; 0 unless you are `user` or the admin."""
        return self.call("GetTotalGeneration", user, sender=sender)

    def dispatch_info(self, *, sender: Sender = None) -> str:
        """The latest dispatch instruction sent to the caller (contract `GetInformation`)."""
        return self.call("GetInformation", sender=sender)

    # ------------------------------------------------- what storage reveals
    def administrator(self) -> str:
        """The administrator's address, read from storage (it never changes)."""
        if self._administrator is None:
            self._administrator = read_variable(self._read, self.artifact.storage_layout, ADMIN_VARIABLE)
        return self._administrator

    def user_record(self, user: str) -> UserRecord:
        """Everything the contract stores about `user`, read slot by slot.

        No getter of the seed contract reveals rights or names, yet storage is
        public: this is what any observer of the chain can read.
        """
        address = check_argument("address", user, "the user's address",
                                 resolve_name=lambda n: self.chain.account(n).address)
        fields = read_struct_in_mapping(self._read, self.artifact.storage_layout, USERS_MAPPING,
                                        bytes.fromhex(address[2:]))
        return UserRecord.from_storage(address, fields)

    def user_member(self, address: str, label: str) -> Any:
        """One member of `user[address]` (contract names, e.g. "usePower"), reading only its slot."""
        return read_struct_member(self._read, self.artifact.storage_layout, USERS_MAPPING,
                                  bytes.fromhex(address[2:]), label)

    def rights(self, address: str) -> tuple[bool, bool]:
        """(may generate, may consume) of `address`, from storage."""
        return self.user_member(address, "generaterights"), self.user_member(address, "userights")

    def _read(self, slot: int) -> bytes:
        return self.chain.storage_at(self.address, slot)
