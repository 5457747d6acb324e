"""The PowerGridV2 client: the fixed contract, driven with the same readable methods as the seed's.

    client = PowerGridV2Client.deploy(chain)                     # as admin
    client.register_user("generator1", "PowerProviderOne", "Sundsvall",
                         can_generate=True, can_consume=False)   # commitment on chain, record in SQLite
    client.provision_meter("generator1")                         # derive, fund and bind its meter
    client.generate_power(500, sender="generator1")              # sent by generator1's meter
    client.sell_power("consumer1", 200, sender="generator1")
    client.user_info("generator1").available                     # -> 300 (Wh)

The methods the platforms use (register_user, generate_power, sell_power,
consume_power, send_dispatch, user_record, the queries) have the seed
client's names and arguments, so the user and manager dashboards drive
either contract. Every refusal is one sentence from grid/powergridv2/rules.py.
"""
from __future__ import annotations

from typing import Any

from ..accounts import NamedAccount
from ..chain import Chain
from ..compiler import Artifact, load_artifact
from ..contract import ContractCall, ContractClient
from ..errors import GridError
from ..powergrid import UserRecord
from ..txlog import TxLog, TxLogEntry
from ..validation import check_argument
from .identity import IdentityRecord, IdentityStore
from .meters import fund, meter_account
from .record import DispatchRecord, UserV2
from .rules import RULES

CONTRACT_NAME = "PowerGridV2"
NO_RECORD = "(no off-chain record here)"
RECORD_MISMATCH = "(off-chain record does not match the chain)"
Sender = str | NamedAccount | None


class PowerGridV2Client(ContractClient):
    """Drive a deployed PowerGridV2 contract on any `Chain`."""

    rules = RULES
    reregistration_resets = False   # empower updates rights and keeps balances

    def __init__(self, chain: Chain, address: str, *, artifact: Artifact | None = None,
                 account: str | NamedAccount = "admin", log: TxLog | None = None, preflight: bool = True,
                 identities: IdentityStore | None = None) -> None:
        super().__init__(chain, artifact or load_artifact(CONTRACT_NAME), address, account=account, log=log,
                         preflight=preflight)
        self.identities = identities if identities is not None else IdentityStore()

    @classmethod
    def deploy(cls, chain: Chain, *, deployer: str | NamedAccount = "admin",  # type: ignore[override]
               artifact: Artifact | None = None, **kwargs: Any) -> PowerGridV2Client:
        """Deploy PowerGridV2 from its artifact; the deployer becomes administrator."""
        return super().deploy(chain, artifact or load_artifact(CONTRACT_NAME), sender=deployer, **kwargs)

    @classmethod
    def _from_deployment(cls, chain: Chain, artifact: Artifact, address: str, who: NamedAccount,
                         kwargs: dict) -> PowerGridV2Client:
        return cls(chain, address, artifact=artifact, account=who, **kwargs)

    # ------------------------------------------------------------ registry
    def register_user(self, user: str, name: str, location: str, *, can_generate: bool, can_consume: bool,
                      sender: Sender = None, reset: bool = False, salt: bytes | None = None) -> TxLogEntry:
        """Administrator: register `user`, or update its rights (empower); balances are always kept.

        The name and location stay off chain, in `identities`; the chain gets
        only their salted commitment. `reset` exists for the seed client's
        callers: V2 never resets balances, so there is nothing to confirm.
        """
        address = self._address(user)
        record = self.identities.prepare(self.address, address, name, location, salt)
        entry = self.invoke("empower", address, record.commitment, can_generate, can_consume, sender=sender)
        self.identities.put(record)   # only once the chain holds its commitment
        return entry

    def revoke_user(self, user: str, *, sender: Sender = None) -> TxLogEntry:
        """Administrator: withdraw all of `user`'s rights; its balances and history are kept."""
        return self.invoke("revoke", user, sender=sender)

    def bind_meter(self, user: str, meter: str | NamedAccount, *, sender: Sender = None) -> TxLogEntry:
        """Administrator: make `meter` the only address that reports `user`'s energy."""
        meter_address = meter.address if isinstance(meter, NamedAccount) else meter
        return self.invoke("bindMeter", user, meter_address, sender=sender)

    def provision_meter(self, user: str, *, sender: Sender = None) -> NamedAccount:
        """Administrator: derive `user`'s meter key, fund it for gas and bind it (if not bound yet)."""
        meter = meter_account(self.chain, user)
        info = self.user_info(user)
        if info.meter != meter.address:
            self.bind_meter(user, meter, sender=sender)   # first: a refusal leaves nothing half done
        fund(self.chain, self.acting(sender), meter)
        return meter

    def transfer_admin(self, next_admin: str, *, sender: Sender = None) -> TxLogEntry:
        """Administrator, step 1 of 2: name the next administrator."""
        return self.invoke("transferAdmin", next_admin, sender=sender)

    def accept_admin(self, *, sender: Sender = None) -> TxLogEntry:
        """The named account, step 2 of 2: become the administrator."""
        return self.invoke("acceptAdmin", sender=sender)

    # ------------------------------------------------------------ energy
    def report_generation(self, user: str, wh: int, *, meter: Sender = None) -> TxLogEntry:
        """`user`'s meter reports `wh` generated (default meter: the one bound to `user`)."""
        return self.invoke("GeneratePower", user, wh, sender=meter or self._meter_of(user))

    def report_consumption(self, user: str, wh: int, *, meter: Sender = None) -> TxLogEntry:
        """`user`'s meter reports `wh` consumed."""
        return self.invoke("PowerConsume", user, wh, sender=meter or self._meter_of(user))

    def generate_power(self, amount: int, *, sender: Sender = None) -> TxLogEntry:
        """Generation of `sender` (default: this client's account), as reported by its meter."""
        return self.report_generation(self.acting(sender).name, amount)

    def consume_power(self, amount: int, *, sender: Sender = None) -> TxLogEntry:
        """Consumption of `sender`, as reported by its meter."""
        return self.report_consumption(self.acting(sender).name, amount)

    def sell_power(self, buyer: str, amount: int, *, sender: Sender = None) -> TxLogEntry:
        """Generator: sell `amount` Wh of unsold generation to `buyer` (Transfer)."""
        return self.invoke("Transfer", buyer, amount, sender=sender)

    def send_dispatch(self, user: str, instruction: str, *, sender: Sender = None) -> TxLogEntry:
        """Administrator: append a dispatch instruction to `user`'s history (PowerDispatch)."""
        return self.invoke("PowerDispatch", user, instruction, sender=sender)

    def send_dispatches(self, instructions: list[tuple[str, str]], *,
                        sender: Sender = None) -> list[TxLogEntry]:
        """Administrator: several (user, instruction) dispatches at once (one block on anvil)."""
        return self.transact_many([ContractCall("PowerDispatch", (user, text), sender)
                                   for user, text in instructions])

    # ------------------------------------------------------------ reading
    def user_info(self, user: str) -> UserV2:
        """Everything PowerGridV2 stores about `user` (getUser)."""
        address = self._address(user)
        return UserV2.from_call(address, self.call("getUser", address))

    def dispatches(self, user: str) -> list[DispatchRecord]:
        """Every dispatch instruction sent to `user`, oldest first, with its block time."""
        address = self._address(user)
        return [DispatchRecord(*self.call("dispatchAt", address, i))
                for i in range(self.call("dispatchCount", address))]

    def identity(self, user: str) -> IdentityRecord | None:
        """`user`'s off-chain record, when this client's store holds one."""
        return self.identities.get(self.address, self._address(user))

    def administrator(self) -> str:
        """The current administrator (it can change: transferAdmin, acceptAdmin)."""
        return self.call("admin")

    def user_record(self, user: str) -> UserRecord:
        """The platforms' view of `user`: chain balances plus the off-chain record, checked."""
        info = self.user_info(user)
        name = location = ""
        if info.registered:
            record = self.identity(info.address)
            if record is None:
                name = NO_RECORD
            elif not record.matches(info.identity):
                name = RECORD_MISMATCH
            else:
                name, location = record.name, record.location
        count = self.call("dispatchCount", info.address)
        latest = self.call("dispatchAt", info.address, count - 1)[0] if count else ""
        return UserRecord(address=info.address, name=name, location=location,
                          generation_balance=info.available, total_generation=info.total_generated,
                          remaining=info.purchased, total_use=info.total_consumed,
                          can_generate=info.can_generate, can_consume=info.can_consume, dispatch=latest)

    def rights(self, address: str) -> tuple[bool, bool]:
        """(may generate, may consume) of `address` now."""
        info = self.user_info(address)
        return info.can_generate, info.can_consume

    # The seed client's queries, with V2's meaning (reads are public, so no caller check).
    def generation_balance(self, *, sender: Sender = None) -> int:
        """Wh generated and not yet sold by `sender`."""
        return self.user_info(self.acting(sender).address).available

    def total_generated(self, user: str, *, sender: Sender = None) -> int:
        """Wh `user` has generated in total."""
        return self.user_info(user).total_generated

    def remaining_power(self, *, sender: Sender = None) -> int:
        """Wh `sender` bought and has not consumed yet."""
        return self.user_info(self.acting(sender).address).purchased

    def total_consumed(self, user: str, *, sender: Sender = None) -> int:
        """Wh `user` has consumed in total."""
        return self.user_info(user).total_consumed

    def dispatch_info(self, *, sender: Sender = None) -> str:
        """The latest dispatch instruction sent to `sender` ("" when none)."""
        return self.user_record(self.acting(sender).address).dispatch

    # ------------------------------------------------------------ internals
    def _address(self, user: str | NamedAccount) -> str:
        if isinstance(user, NamedAccount):
            return user.address
        return check_argument("address", user, "the user's address",
                              resolve_name=lambda n: self.chain.account(n).address)

    def _meter_of(self, user: str) -> NamedAccount:
        info = self.user_info(user)
        who = self.rules.describe(self, info.address)
        if info.meter is None:
            raise GridError(f"{who} has no meter yet, and only a meter may report energy: ask the "
                            f"administrator to bind one", kind="permission")
        if info.meter not in self.chain.accounts and who in self.chain.accounts:
            meter_account(self.chain, who)   # the derived meter of one of our accounts: adopt its key
        if info.meter not in self.chain.accounts:
            raise GridError(f"{who}'s meter {info.meter} is not a key this toolkit holds: the reading must "
                            f"come from that meter itself", kind="account")
        return self.chain.account(info.meter)
