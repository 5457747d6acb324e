"""Set a class up on a chain: the contracts, one account per student, their rights, meters and money.

    record = provision_class(chain, folder, students=30)     # deploys, or reuses what class.json names
    record.market, record.registry, record.students

The administrator (account 0, "admin") is the teacher. Student i is HD
account STUDENT_INDEX_OFFSET + i of the test mnemonic, named "student01" ...;
the server holds its key and signs for it (nothing signs in a browser). Every
student is a prosumer (may generate and consume) with a bound meter, and gets
STUDENT_FUNDING_WEI for escrow and gas.

class.json records what was deployed. A restart reuses it when the chain still
has the recorded contracts' code (the class chain's state file keeps them);
otherwise the class is set up afresh, with new links.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from ..accounts import NamedAccount, derive_account
from ..chain import Chain
from ..compiler import load_artifact
from ..errors import GridError
from ..market import MarketClient
from ..migrate import code_hash
from ..powergridv2 import PowerGridV2Client
from ..powergridv2.identity import IdentityStore
from .roster import (
    ROSTER_CSV,
    TEACHER,
    Member,
    Roster,
    new_token,
    read_roster_csv,
    student_name,
    token_digest,
)

CLASS_FILE = "class.json"
IDENTITY_FILE = "identities.sqlite"
STUDENT_INDEX_OFFSET = 100          # students are HD accounts 101, 102, ...: apart from the thesis cast
STUDENT_FUNDING_WEI = 10 * 10**18   # 10 test ether: escrow for bids plus gas
MAX_STUDENTS = 200
LOCATION = "Sundsvall"


@dataclass(frozen=True)
class ClassRecord:
    """What class.json holds: the chain, the contracts and who is in the class (no tokens)."""

    chain_id: int
    registry: str
    market: str
    students: tuple[str, ...]         # names, student01 ...
    digests: dict[str, str]           # member name -> SHA-256 of its token
    codes: dict[str, str]             # contract name -> keccak256 of its runtime code

    def to_json(self) -> str:
        """class.json's text."""
        data = asdict(self)
        data["students"] = list(self.students)
        return json.dumps(data, indent=2) + "\n"

    @classmethod
    def read(cls, folder: Path) -> ClassRecord | None:
        """class.json of `folder`, or None when there is none; a GridError when it is not one."""
        path = folder / CLASS_FILE
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(int(data["chain_id"]), data["registry"], data["market"], tuple(data["students"]),
                       dict(data["digests"]), dict(data["codes"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise GridError(f"{path} is not a class record ({exc}): start the class with --reset to set "
                            f"it up again", kind="input") from None


def student_account(number: int, mnemonic: str | None = None) -> NamedAccount:
    """Student `number`'s account (1-based), derived from the mnemonic."""
    derived = derive_account(STUDENT_INDEX_OFFSET + number, *([mnemonic] if mnemonic else []))
    return NamedAccount(student_name(number), derived.index, derived.address, derived.private_key)


def add_students(chain: Chain, count: int) -> list[NamedAccount]:
    """Let `chain` sign for students 1..count (their keys stay in this process)."""
    return [chain.add_account(student_account(i, chain.accounts.mnemonic)) for i in range(1, count + 1)]


def identity_store(folder: Path) -> IdentityStore:
    """The class's store of names and locations (shared by every page's kernel; its owner's only)."""
    store = IdentityStore(folder / IDENTITY_FILE)
    os.chmod(folder / IDENTITY_FILE, 0o600)
    return store


def _reusable(chain: Chain, record: ClassRecord | None, count: int) -> bool:
    if record is None or record.chain_id != chain.chain_id or len(record.students) != count:
        return False
    for name, address in (("PowerGridV2", record.registry), ("EnergyMarket", record.market)):
        code = chain.code_at(address)
        if not code or code_hash(code) != record.codes.get(name):
            return False
    return True


def provision_class(chain: Chain, folder: Path, students: int, *,
                    reset: bool = False) -> tuple[ClassRecord, Roster]:
    """Deploy (or reuse) the class's contracts and accounts; write class.json; the record and the roster.

    Reused only when class.json names contracts whose code this chain still
    has, for the same number of students, and roster.csv still holds the links.
    """
    if not 1 <= students <= MAX_STUDENTS:
        raise GridError(f"a class has 1 to {MAX_STUDENTS} students, not {students}", kind="input")
    folder.mkdir(parents=True, exist_ok=True)
    accounts = add_students(chain, students)
    admin = chain.account("admin")
    old = None if reset else ClassRecord.read(folder)
    roster = _old_roster(folder, old) if _reusable(chain, old, students) else None
    store = identity_store(folder)
    if roster is not None and old is not None:
        registry = PowerGridV2Client(chain, old.registry, identities=store)
        market = MarketClient(chain, old.market)
    else:
        registry = PowerGridV2Client.deploy(chain, identities=store)
        market = MarketClient.deploy(chain, registry.address)
        roster = Roster((*(Member(a.name, a.address, new_token()) for a in accounts),
                         Member(TEACHER, admin.address, new_token())))
    for account in accounts:   # idempotent: a resumed class only tops up what is missing
        if chain.balance(account) < STUDENT_FUNDING_WEI // 2:
            chain.send_transaction(admin, account.address, b"", 21_000, value=STUDENT_FUNDING_WEI)
        info = registry.user_info(account.address)
        if not (info.active and info.can_generate and info.can_consume):
            registry.register_user(account.name, account.name, LOCATION, can_generate=True, can_consume=True)
        registry.provision_meter(account.name)
    record = ClassRecord(chain.chain_id, registry.address, market.address, tuple(a.name for a in accounts),
                         {m.name: token_digest(m.token) for m in roster.members},
                         {name: code_hash(chain.code_at(address)) for name, address
                          in (("PowerGridV2", registry.address), ("EnergyMarket", market.address))})
    path = folder / CLASS_FILE
    path.write_text(record.to_json(), encoding="utf-8")
    os.chmod(path, 0o600)
    load_artifact("EnergyMarket")   # fail here, not in 30 kernels, if the artifacts are missing
    return record, roster


def _old_roster(folder: Path, record: ClassRecord | None) -> Roster | None:
    if record is None or not (folder / ROSTER_CSV).exists():
        return None
    rows = read_roster_csv(folder / ROSTER_CSV)
    members = tuple(Member(r["student"], r["account"], r["token"]) for r in rows)
    if {m.name: token_digest(m.token) for m in members} != record.digests:
        return None    # edited or from another class: new links
    return Roster(members)
