"""The PowerGeneration contract client: one readable method per contract function.

    client = PowerGridClient.deploy(chain)                 # as admin
    client.register_user("generator1", "PowerProviderOne", "Sundsvall",
                         can_generate=True, can_consume=False)
    client.sell_power("consumer1", 100, sender="generator1")
    client.generation_balance(sender="generator1")         # -> -100

Every failure of the client's methods is a `GridError` with one readable
sentence (bad input, an unknown account, a missing right, a revert, a node
that is down). Arguments
are checked before anything is sent, and with `preflight=True` (the default)
the contract's rights and balances are checked too, so a transaction that
would revert is not sent at all. Every transaction and call is recorded in
`client.log`, with what the thesis's Figures 5-4 to 5-6 show.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from eth_abi import decode, encode
from eth_utils import function_signature_to_4byte_selector, to_checksum_address

from .accounts import NamedAccount
from .chain import Chain, TxReverted
from .compiler import Artifact, load_artifact
from .errors import GridError
from .revert import decode_revert_reason
from .storage import UserRecord, read_struct_in_mapping, read_struct_member, read_variable
from .txlog import TxLog, TxLogEntry
from .validation import check_address, check_argument

CONTRACT_NAME = "PowerGeneration"
DEPLOY_GAS = 3_000_000
# Gas limits computed locally, so no eth_estimateGas round trip: fixed-size
# functions stay far below GAS_BASE; each stored 32-byte word of a string
# costs at most one fresh SSTORE (22,100 gas) plus calldata.
GAS_BASE = 300_000
GAS_PER_STRING_WORD = 25_000

# Readable labels for the contract's parameter names, used in error messages.
PARAMETER_LABELS = {
    "addr": "the user's address",
    "_to": "the buyer's address",
    "_value": "the amount",
    "_name": "the name",
    "_useraddr": "the location",
    "_generaterights": "the generation right",
    "_userights": "the consumption right",
    "_info": "the dispatch instruction",
}
USERS_MAPPING = "user"
ADMIN_VARIABLE = "administrator"


@dataclass(frozen=True)
class FunctionSpec:
    """One contract function from the ABI."""

    name: str
    inputs: tuple[tuple[str, str], ...]   # (type, name)
    outputs: tuple[tuple[str, str], ...]
    is_view: bool
    selector: bytes                       # 4 bytes

    @property
    def signature(self) -> str:
        """The canonical signature, e.g. 'Transfer(address,uint256)'."""
        return f"{self.name}({','.join(t for t, _ in self.inputs)})"

    @classmethod
    def from_abi(cls, item: dict) -> "FunctionSpec":
        """Build from one ABI entry of type "function"."""
        spec = cls(item["name"], tuple((p["type"], p["name"]) for p in item["inputs"]),
                   tuple((p["type"], p["name"]) for p in item["outputs"]),
                   item["stateMutability"] in ("view", "pure"), b"")
        return replace(spec, selector=function_signature_to_4byte_selector(spec.signature))


def _labelled(kind_name: tuple[str, str]) -> str:
    return f"{kind_name[0]} {kind_name[1]}".strip()


class PowerGridClient:
    """Drive a deployed PowerGeneration contract on any `Chain`."""

    def __init__(self, chain: Chain, address: str, *, artifact: Artifact | None = None,
                 account: str | NamedAccount = "admin", log: TxLog | None = None,
                 preflight: bool = True) -> None:
        self.chain = chain
        self.artifact = artifact or load_artifact(CONTRACT_NAME)
        self.address = check_address(address, "the contract address")
        if not chain.code_at(self.address):
            raise GridError(f"there is no contract at {self.address} on this {chain.target} chain: deploy "
                            f"one with PowerGridClient.deploy(chain), or check the address", kind="input")
        self.account = chain.account(account)
        self.log = log if log is not None else TxLog()
        self.preflight_checks = preflight
        self.functions = {item["name"]: FunctionSpec.from_abi(item)
                          for item in self.artifact.abi if item.get("type") == "function"}
        self._administrator: str | None = None

    # ------------------------------------------------------------ construction
    @classmethod
    def deploy(cls, chain: Chain, *, deployer: str | NamedAccount = "admin",
               artifact: Artifact | None = None, **kwargs: Any) -> "PowerGridClient":
        """Deploy the contract from its artifact; the deployer becomes administrator."""
        artifact = artifact or load_artifact(CONTRACT_NAME)
        sender = chain.account(deployer)
        receipt = chain.send_transaction(sender, None, bytes.fromhex(artifact.bytecode[2:]), DEPLOY_GAS)
        if receipt.status != 1 or not receipt.contract_address:
            raise GridError(f"deploying {artifact.contract_name} failed in block {receipt.block_number}: "
                            f"check that the chain supports evmVersion "
                            f"{artifact.settings.get('evmVersion')}", kind="revert")
        client = cls(chain, receipt.contract_address, artifact=artifact, account=sender, **kwargs)
        client.log.append(TxLogEntry(
            kind="transaction", function="(constructor)", sender=sender.name,
            sender_address=sender.address, contract=receipt.contract_address,
            input=artifact.bytecode[:10] + "...", decoded_input={}, decoded_output={},
            block_number=receipt.block_number, tx_hash=receipt.tx_hash, gas_used=receipt.gas_used,
            note=f"{artifact.contract_name} deployed at {receipt.contract_address}"))
        return client

    def using(self, account: str | NamedAccount) -> "PowerGridClient":
        """The same contract and log, acting as another account (Remix's account switch)."""
        twin = PowerGridClient.__new__(PowerGridClient)
        twin.__dict__.update(self.__dict__)
        twin.account = self.chain.account(account)
        return twin

    def acting(self, sender: str | NamedAccount | None = None) -> NamedAccount:
        """The account a call acts as: `sender` when given, else this client's account."""
        return self.account if sender is None else self.chain.account(sender)

    def __repr__(self) -> str:
        return f"<PowerGridClient {self.address} on {self.chain.target} as {self.account.name}>"

    # ------------------------------------------------- readable transactions
    def register_user(self, user: str, name: str, location: str, *, can_generate: bool,
                      can_consume: bool, sender: str | NamedAccount | None = None) -> TxLogEntry:
        """Administrator: register `user` with rights (contract `empower`)."""
        return self.invoke("empower", user, name, location, can_generate, can_consume, sender=sender)

    def generate_power(self, amount: int, *, sender: str | NamedAccount | None = None) -> TxLogEntry:
        """Generator: record `amount` units generated (contract `GeneratePower`)."""
        return self.invoke("GeneratePower", amount, sender=sender)

    def sell_power(self, buyer: str, amount: int, *, sender: str | NamedAccount | None = None) -> TxLogEntry:
        """Generator: sell `amount` units to `buyer` (contract `Transfer`)."""
        return self.invoke("Transfer", buyer, amount, sender=sender)

    def consume_power(self, amount: int, *, sender: str | NamedAccount | None = None) -> TxLogEntry:
        """Consumer: use `amount` purchased units (contract `PowerConsume`)."""
        return self.invoke("PowerConsume", amount, sender=sender)

    def send_dispatch(self, user: str, instruction: str, *,
                      sender: str | NamedAccount | None = None) -> TxLogEntry:
        """Administrator: send a dispatch instruction to `user` (contract `PowerDispatch`)."""
        return self.invoke("PowerDispatch", user, instruction, sender=sender)

    # ------------------------------------------------------- readable queries
    def remaining_power(self, *, sender: str | NamedAccount | None = None) -> int:
        """Consumer: purchased units not yet consumed (contract `GetUsedOfSelf`)."""
        return self.call("GetUsedOfSelf", sender=sender)

    def total_consumed(self, user: str, *, sender: str | NamedAccount | None = None) -> int:
        """Units `user` has consumed in total; 0 unless you are `user` or the admin."""
        return self.call("GetTotalUsedOfSomeone", user, sender=sender)

    def generation_balance(self, *, sender: str | NamedAccount | None = None) -> int:
        """Generator: generated minus sold; negative = still owed (contract `GetGeneration`)."""
        return self.call("GetGeneration", sender=sender)

    def total_generated(self, user: str, *, sender: str | NamedAccount | None = None) -> int:
        """Units `user` has generated in total; 0 unless you are `user` or the admin."""
        return self.call("GetTotalGeneration", user, sender=sender)

    def dispatch_info(self, *, sender: str | NamedAccount | None = None) -> str:
        """The latest dispatch instruction sent to the caller (contract `GetInformation`)."""
        return self.call("GetInformation", sender=sender)

    # ------------------------------------------------------- raw functions
    def call(self, function: str, *args: Any, sender: str | NamedAccount | None = None) -> Any:
        """Run a view function (a query, never a transaction) and return its decoded value."""
        spec = self._spec(function)
        if not spec.is_view:
            raise GridError(f"{function} changes the contract, so it is a transaction, not a call: "
                            f"use invoke({function!r}, ...) or its readable method", kind="input")
        entry = self.invoke(function, *args, sender=sender)
        values = list(entry.decoded_output.values())
        return values[0] if len(values) == 1 else tuple(values)

    def invoke(self, function: str, *args: Any, sender: str | NamedAccount | None = None) -> TxLogEntry:
        """Call or transact contract `function` by its ABI name; log and return the entry."""
        spec = self._spec(function)
        who = self.acting(sender)
        values = self._check_arguments(spec, args)
        data = _encode(spec, values)
        decoded_input = {_labelled(p): v for p, v in zip(spec.inputs, values)}
        if spec.is_view:
            return self._call(spec, who, data, decoded_input)
        note = self._preflight_checked(function, who, values) if self.preflight_checks else None
        return self._transact(spec, who, data, decoded_input, values, note)

    def encode_input(self, function: str, *args: Any) -> bytes:
        """The calldata of `function(*args)`: 4-byte selector + ABI-encoded arguments.

        Arguments are checked as `invoke` checks them (account names become
        addresses, "100" becomes 100); a bad one is a GridError of kind "input".
        """
        spec = self._spec(function)
        return _encode(spec, self._check_arguments(spec, args))

    def decode_input(self, data: str | bytes) -> tuple[FunctionSpec, dict[str, Any]]:
        """The function some calldata calls and its named arguments (Remix's "decoded input").

        Works for any transaction sent to this contract, by anyone: the first
        4 bytes pick the function, the rest is ABI-decoded with its inputs.
        """
        return decode_calldata(self.functions.values(), data)

    def _spec(self, function: Any) -> FunctionSpec:
        spec = self.functions.get(function) if isinstance(function, str) else None
        if spec is None:
            raise GridError(f"{self.artifact.contract_name} has no function {function!r}: choose one of "
                            f"{', '.join(self.functions)}", kind="input")
        return spec

    def _check_arguments(self, spec: FunctionSpec, args: tuple) -> list:
        if len(args) != len(spec.inputs):
            wanted = ", ".join(_labelled(p) for p in spec.inputs) or "no arguments"
            raise GridError(f"{spec.name} takes {len(spec.inputs)} argument(s), not {len(args)}: "
                            f"give {wanted}", kind="input")
        return [check_argument(abi_type, value, PARAMETER_LABELS.get(name, name),
                               resolve_name=lambda n: self.chain.account(n).address)
                for (abi_type, name), value in zip(spec.inputs, args)]

    def _call(self, spec: FunctionSpec, who: NamedAccount, data: bytes, decoded_input: dict) -> TxLogEntry:
        try:
            raw = self.chain.call(who, self.address, data)
        except TxReverted as exc:
            raise self._explain(spec, who, [], exc.data) from None
        if not raw and spec.outputs:
            raise GridError(f"no contract at {self.address} on this chain: deploy it first "
                            f"(PowerGridClient.deploy) or check the address", kind="input")
        outputs = _decode_outputs(spec, raw)
        entry = TxLogEntry(
            kind="call", function=spec.name, sender=who.name, sender_address=who.address,
            contract=self.address, input="0x" + data.hex(), decoded_input=decoded_input,
            decoded_output={_labelled(p): v for p, v in zip(spec.outputs, outputs)},
            block_number=None)
        self.log.append(entry)
        return entry

    def _transact(self, spec: FunctionSpec, who: NamedAccount, data: bytes, decoded_input: dict,
                  values: list, note: str | None) -> TxLogEntry:
        gas = GAS_BASE + GAS_PER_STRING_WORD * sum(
            len(v.encode()) // 32 + 1 for v in values if isinstance(v, str))
        receipt = self.chain.send_transaction(who, self.address, data, gas)
        entry = TxLogEntry(
            kind="transaction", function=spec.name, sender=who.name, sender_address=who.address,
            contract=self.address, input="0x" + data.hex(), decoded_input=decoded_input,
            decoded_output={}, block_number=receipt.block_number, tx_hash=receipt.tx_hash,
            gas_used=receipt.gas_used, status="ok" if receipt.status == 1 else "reverted", note=note)
        if receipt.status != 1:
            error = self._explain(spec, who, values, self._replay_revert_data(who, data))
            entry = replace(entry, error=str(error))
            self.log.append(entry)
            error.receipt = receipt  # type: ignore[attr-defined]
            raise error
        self.log.append(entry)
        return entry

    def _replay_revert_data(self, who: NamedAccount, data: bytes) -> bytes:
        # A mined revert carries no reason in its receipt; replaying it as a
        # call on the unchanged state returns the revert payload.
        try:
            self.chain.call(who, self.address, data)
        except TxReverted as exc:
            return exc.data
        return b""

    # ------------------------------------------- rights, balances, diagnosis
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

    def preflight(self, function: str, *values: Any, sender: str | NamedAccount | None = None) -> str | None:
        """Raise the GridError a transaction would revert with, without sending it.

        Returns a note for a transaction that would succeed but change nothing
        (GeneratePower's silent return), else None. Reads only the few storage
        slots the contract's `require`s look at.
        """
        spec = self._spec(function)
        who = self.acting(sender)
        return self._preflight_checked(function, who, self._check_arguments(spec, values))

    def _preflight_checked(self, function: str, who: NamedAccount, values: list) -> str | None:
        problem = self._diagnose(function, who, values)
        if isinstance(problem, GridError):
            raise problem
        return problem

    def _read(self, slot: int) -> bytes:
        return self.chain.storage_at(self.address, slot)

    def _user_member(self, address: str, label: str) -> Any:
        """One member of `user[address]`, located with solc's storage layout."""
        return read_struct_member(self._read, self.artifact.storage_layout, USERS_MAPPING,
                                  bytes.fromhex(address[2:]), label)

    def _rights(self, address: str) -> tuple[bool, bool]:
        return self._user_member(address, "generaterights"), self._user_member(address, "userights")

    def _name_of(self, address: str) -> str:
        return self.chain.account(address).name if address in self.chain.accounts else address

    def _diagnose(self, function: str, who: NamedAccount, values: list) -> "GridError | str | None":
        """Why `function(values)` from `who` would fail (GridError), do nothing (str), or None."""
        if function in ("empower", "PowerDispatch"):
            admin = self.administrator()
            if who.address != admin:
                action = "register users" if function == "empower" else "send dispatch instructions"
                return GridError(f"only the administrator ({self._name_of(admin)}) can {action}: "
                                 f"{who.name} is not the administrator, so switch to the admin account",
                                 kind="permission", function=function)
        elif function == "GeneratePower":
            if not self._rights(who.address)[0]:
                return (f"no effect: {who.name} has no generation right, and the seed contract "
                        f"returns silently instead of reverting")
        elif function == "Transfer":
            buyer, amount = values
            if not self._rights(who.address)[0]:
                return GridError(f"{who.name} has no generation right, so it cannot sell power: ask the "
                                 f"administrator to register it as a generator", kind="permission",
                                 function=function)
            if not self._rights(buyer)[1]:
                return GridError(f"{self._name_of(buyer)} has no consumption right, so it cannot buy power: "
                                 f"ask the administrator to register it as a consumer", kind="permission",
                                 function=function)
            balance = self._user_member(buyer, "usePower")
            if amount == 0:
                return GridError("the amount to sell must be above 0 (the contract's check "
                                 "usePower + _value > usePower rejects 0): give a positive amount",
                                 kind="revert", function=function)
            if balance + amount >= 2**256:
                return GridError(f"selling {amount} would overflow {self._name_of(buyer)}'s balance of "
                                 f"{balance} (uint256): give a smaller amount", kind="revert",
                                 function=function)
        elif function == "PowerConsume":
            (amount,) = values
            if not self._rights(who.address)[1]:
                return GridError(f"{who.name} has no consumption right, so it cannot consume power: ask "
                                 f"the administrator to register it as a consumer", kind="permission",
                                 function=function)
            balance = self._user_member(who.address, "usePower")
            if amount > balance:
                return GridError(f"{who.name} has only {balance} unit(s) of purchased power, fewer than "
                                 f"{amount}: buy more from a generator first", kind="revert",
                                 function=function)
        return None

    def _explain(self, spec: FunctionSpec, who: NamedAccount, values: list, data: bytes) -> GridError:
        """Turn a revert into the one readable sentence for it.

        A revert that carries a reason (Error(string), Panic) is reported as
        such; the seed's bare `require`s carry none, so the contract's state
        is read to say which condition failed.
        """
        reason = decode_revert_reason(data)
        if reason:
            return GridError(f"{spec.name} from {who.name} was reverted by the contract: {reason}",
                             kind="revert", function=spec.name)
        problem = self._diagnose(spec.name, who, values) if values or not spec.inputs else None
        if isinstance(problem, GridError):
            return problem
        return GridError(f"{spec.name} from {who.name} was reverted by the contract without a reason "
                         f"(the seed's require()s give none)", kind="revert", function=spec.name)


def _encode(spec: FunctionSpec, values: list) -> bytes:
    return spec.selector + encode([t for t, _ in spec.inputs], values)


def _decode_outputs(spec: FunctionSpec, raw: bytes) -> tuple:
    """ABI-decode a call's result; invalid UTF-8 in a string shows as U+FFFD, not an error."""
    types = [t for t, _ in spec.outputs]
    try:
        return decode(types, raw)
    except Exception:
        try:
            values = decode(["bytes" if t == "string" else t for t in types], raw)
        except Exception:
            raise GridError(f"{spec.name} returned data that does not match its ABI: is this the "
                            f"{CONTRACT_NAME} contract?", kind="revert", function=spec.name) from None
        return tuple(v.decode("utf-8", errors="replace") if t == "string" else v
                     for t, v in zip(types, values))


def decode_calldata(functions: Any, data: str | bytes) -> tuple[FunctionSpec, dict[str, Any]]:
    """Match calldata's 4-byte selector against `functions` (FunctionSpecs) and decode the rest."""
    if isinstance(data, str):
        text = data.strip()
        try:
            data = bytes.fromhex(text[2:] if text.lower().startswith("0x") else text)
        except ValueError:
            raise GridError(f"the input {text[:20]!r} is not hex calldata: copy it from the "
                            f"transaction log (it starts with 0x)", kind="input") from None
    if not isinstance(data, (bytes, bytearray)) or len(data) < 4:
        raise GridError("calldata needs at least the 4-byte function selector: copy the whole "
                        "input from the transaction log", kind="input")
    by_selector = {spec.selector: spec for spec in functions}
    spec = by_selector.get(bytes(data[:4]))
    if spec is None:
        raise GridError(f"selector 0x{bytes(data[:4]).hex()} is none of this contract's functions: "
                        f"is this input for another contract?", kind="input")
    try:
        values = decode([t for t, _ in spec.inputs], bytes(data[4:]))
    except Exception:
        raise GridError(f"the arguments after {spec.name}'s selector do not decode as "
                        f"({', '.join(t for t, _ in spec.inputs)}): the input is cut or altered",
                        kind="input") from None
    values = [to_checksum_address(v) if t == "address" else v for (t, _), v in zip(spec.inputs, values)]
    return spec, {_labelled(p): v for p, v in zip(spec.inputs, values)}
