"""`ContractClient`: drive any compiled contract on any `Chain`, with readable failures.

    artifact = compile_source(SOURCE)                       # or load_artifact("Name")
    client = ContractClient.deploy(chain, artifact, 42, sender="admin")
    client.transact("deposit", 100, sender="consumer1", value=10**15)
    client.call("balanceOf", "consumer1")
    print(client.log.format())                              # inputs, outputs, gas, events

Arguments are checked against the ABI before anything is sent; the
contract's rules (`ContractRules`, plugged in by a contract module) are
checked next; a transaction is then sent with a gas limit computed locally
or estimated by the node, so one that would revert is not sent at all.
Every failure is a GridError with one sentence: a `require` message, a
custom error with its arguments, or a panic, on eth-tester and on nodes.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..accounts import NamedAccount
from ..chain import Chain, Receipt, TxRequest, TxReverted
from ..compiler import Artifact
from ..errors import GridError
from ..txlog import DecodedEvent, TxLog, TxLogEntry
from ..validation import check_address, check_argument, check_uint256
from .abi import ContractABI, FunctionSpec, decode_calldata, decode_values
from .reverts import decode_custom_error, decode_revert_reason
from .rules import ContractRules, Verdict

GAS_HEADROOM = 1.25        # over the node's estimate: state may change before the block
GAS_HEADROOM_FLAT = 10_000


def labelled(kind_name: tuple[str, str]) -> str:
    """A parameter as the transaction log names it: "uint256 _value"."""
    return f"{kind_name[0]} {kind_name[1]}".strip()


@dataclass(frozen=True)
class ContractCall:
    """One transaction for `ContractClient.transact_many`: a function, its arguments, who sends, wei sent."""

    function: str
    args: tuple = ()
    sender: str | NamedAccount | None = None
    value: int = 0


class ContractClient:
    """One deployed contract: typed calls and transactions, a transaction log, decoded events."""

    rules: ContractRules = ContractRules()

    def __init__(self, chain: Chain, artifact: Artifact, address: str, *,
                 account: str | NamedAccount = "admin", log: TxLog | None = None,
                 preflight: bool = True, rules: ContractRules | None = None) -> None:
        self.chain = chain
        self.artifact = artifact
        if rules is not None:
            self.rules = rules
        self.address = check_address(address, "the contract address")
        if not chain.code_at(self.address):
            raise contract_gone(chain, self.address)
        self.account = chain.account(account)
        self.log = log if log is not None else TxLog()
        self.preflight_checks = preflight
        self.abi = ContractABI.from_abi(artifact.abi)
        self.functions = self.abi.functions

    # ------------------------------------------------------------ construction
    @classmethod
    def at(cls, chain: Chain, artifact: Artifact, address: str, **kwargs: Any) -> ContractClient:
        """The contract of `artifact` already deployed at `address`."""
        return cls(chain, artifact, address, **kwargs)

    @classmethod
    def deploy(cls, chain: Chain, artifact: Artifact, *constructor_args: Any,
               sender: str | NamedAccount = "admin", value: int = 0, **kwargs: Any) -> ContractClient:
        """Deploy `artifact` with `constructor_args` from `sender`; return a client acting as `sender`."""
        rules = kwargs.get("rules") or cls.rules
        who = chain.account(sender)
        spec = ContractABI.from_abi(artifact.abi).constructor
        if not artifact.bytecode or artifact.bytecode == "0x":
            raise GridError(f"{artifact.contract_name} has no bytecode "
                            "(an interface or an abstract contract cannot be deployed): "
                            "deploy a contract that implements it", kind="input")
        values = _check_values(chain, rules, spec, constructor_args,
                               f"{artifact.contract_name}'s constructor")
        amount = _check_value(spec, value)
        data = bytes.fromhex(artifact.bytecode[2:]) + spec.encode(values)[len(spec.selector):]
        gas = rules.deploy_gas()
        if gas is None:
            gas = _estimate(chain, rules, spec, who, None, data, amount, ContractABI.from_abi(artifact.abi))
        receipt = chain.send_transaction(who, None, data, gas, value=amount)
        if receipt.status != 1 or not receipt.contract_address:
            raise GridError(f"deploying {artifact.contract_name} failed in block {receipt.block_number}: "
                            f"check the constructor's arguments and that the chain supports evmVersion "
                            f"{artifact.settings.get('evmVersion')}", kind="revert")
        client = cls._from_deployment(chain, artifact, receipt.contract_address, who, kwargs)
        client.log.append(TxLogEntry(
            kind="transaction", function="(constructor)", sender=who.name, sender_address=who.address,
            contract=receipt.contract_address, input=artifact.bytecode[:10] + "...",
            decoded_input={labelled(p): v for p, v in zip(spec.inputs, values, strict=True)},
            decoded_output={}, block_number=receipt.block_number, tx_hash=receipt.tx_hash,
            gas_used=receipt.gas_used,
            note=f"{artifact.contract_name} deployed at {receipt.contract_address}",
            events=client.decode_events(receipt), value=amount))
        return client

    @classmethod
    def _from_deployment(cls, chain: Chain, artifact: Artifact, address: str, who: NamedAccount,
                         kwargs: dict) -> ContractClient:
        return cls(chain, artifact, address, account=who, **kwargs)

    def using(self, account: str | NamedAccount) -> ContractClient:
        """The same contract and log, acting as another account (Remix's account switch)."""
        twin = type(self).__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin.account = self.chain.account(account)
        return twin

    def acting(self, sender: str | NamedAccount | None = None) -> NamedAccount:
        """The account a call acts as: `sender` when given, else this client's account."""
        return self.account if sender is None else self.chain.account(sender)

    def __repr__(self) -> str:
        return (f"<{type(self).__name__} {self.artifact.contract_name} at {self.address} on "
                f"{self.chain.target} as {self.account.name}>")

    # ------------------------------------------------------------ the API
    def transact(self, function: str, *args: Any, sender: str | NamedAccount | None = None,
                 value: int = 0) -> TxLogEntry:
        """Send `function(*args)` as a transaction from `sender`; the log entry, with decoded events."""
        spec = self.spec(function)
        if spec.is_view:
            raise GridError(f"{function} is a view function, so it is a call, not a transaction: use "
                            f"call({function!r}, ...)", kind="input")
        return self.invoke(function, *args, sender=sender, value=value)

    def call(self, function: str, *args: Any, sender: str | NamedAccount | None = None) -> Any:
        """Run a view function (a query, never a transaction) and return its decoded value."""
        spec = self.spec(function)
        if not spec.is_view:
            raise GridError(f"{function} changes the contract, so it is a transaction, not a call: "
                            f"use transact({function!r}, ...) or its readable method", kind="input")
        entry = self.invoke(function, *args, sender=sender)
        values = list(entry.decoded_output.values())
        return values[0] if len(values) == 1 else tuple(values)

    def invoke(self, function: str, *args: Any, sender: str | NamedAccount | None = None,
               value: int = 0) -> TxLogEntry:
        """Call or transact `function` by its ABI name, as its ABI says; log and return the entry."""
        spec = self.spec(function)
        who = self.acting(sender)
        values = self.check_arguments(spec, args)
        amount = _check_value(spec, value)
        data = spec.encode(values)
        decoded_input = {labelled(p): v for p, v in zip(spec.inputs, values, strict=True)}
        if spec.is_view:
            return self._call(spec, who, data, decoded_input)
        note = self._preflight_checked(function, who, values) if self.preflight_checks else None
        return self._transact(spec, who, data, decoded_input, values, note, amount)

    def transact_many(self, calls: list[ContractCall]) -> list[TxLogEntry]:
        """Send several independent transactions together (one block on anvil); their log entries.

        Every call is checked before anything is sent, so bad input sends none.
        The checks read the chain as it is before the batch: the calls must not
        depend on each other. If any reverts, all are logged and the first
        revert is raised; the others stand.
        """
        prepared = []
        for call in calls:
            spec = self.spec(call.function)
            if spec.is_view:
                raise GridError(f"{call.function} is a view function, so it cannot be sent as a "
                                f"transaction: use call({call.function!r}, ...)", kind="input")
            who = self.acting(call.sender)
            values = self.check_arguments(spec, call.args)
            amount = _check_value(spec, call.value)
            note = self._preflight_checked(call.function, who, values) if self.preflight_checks else None
            data = spec.encode(values)
            gas = self._gas(spec, who, data, values, amount)
            prepared.append((spec, who, data, values, note, amount, gas))
        receipts = self.chain.send_transactions([TxRequest(who, self.address, data, gas, amount)
                                                 for _, who, data, _, _, amount, gas in prepared])
        entries, first_error = [], None
        for (spec, who, data, values, note, amount, _), receipt in zip(prepared, receipts, strict=True):
            decoded_input = {labelled(p): v for p, v in zip(spec.inputs, values, strict=True)}
            try:
                entries.append(self._logged(spec, who, data, decoded_input, values, note, amount, receipt))
            except GridError as error:
                first_error = first_error or error
        if first_error is not None:
            raise first_error
        return entries

    def preflight(self, function: str, *values: Any, sender: str | NamedAccount | None = None) -> str | None:
        """Raise the GridError a transaction would revert with, without sending it.

        Returns a note for a transaction that would succeed but change nothing, else None.
        """
        spec = self.spec(function)
        return self._preflight_checked(function, self.acting(sender), self.check_arguments(spec, values))

    def encode_input(self, function: str, *args: Any) -> bytes:
        """The calldata of `function(*args)`: 4-byte selector + ABI-encoded arguments (checked first)."""
        spec = self.spec(function)
        return spec.encode(self.check_arguments(spec, args))

    def decode_input(self, data: str | bytes) -> tuple[FunctionSpec, dict[str, Any]]:
        """The function some calldata calls and its named arguments (Remix's "decoded input")."""
        spec, values = decode_calldata(self.functions.values(), data)
        return spec, {labelled(p): v for p, v in zip(spec.inputs, values, strict=True)}

    def decode_events(self, receipt: Receipt) -> tuple[DecodedEvent, ...]:
        """The events in `receipt`'s logs, decoded with this contract's ABI."""
        out = []
        for log in receipt.logs:
            event = self.abi.events.get(log.topics[0]) if log.topics else None
            if event is None or log.address.lower() != self.address.lower():
                out.append(DecodedEvent("(unknown event)", {"topics": ["0x" + t.hex() for t in log.topics],
                                                            "data": "0x" + log.data.hex()}, log.address))
                continue
            out.append(DecodedEvent(event.name, event.decode(log.topics, log.data), log.address,
                                    event.signature))
        return tuple(out)

    def events(self, name: str | tuple[str, ...] | None = None, first_block: int = 0,
               last_block: int | str = "latest", *, topics: list | None = None) -> list[DecodedEvent]:
        """The events this contract emitted in blocks first..last (all, or those named), oldest first.

        `topics` filters on indexed arguments, as eth_getLogs does: position k is topic k + 1
        (a 32-byte value, a list of them for "any of", or None for any).
        """
        names = (name,) if isinstance(name, str) else name
        wanted = [topic for topic, event in self.abi.events.items() if names is None or event.name in names]
        if names is not None and len({self.abi.events[t].name for t in wanted}) < len(set(names)):
            raise GridError(f"{self.artifact.contract_name} has no event {name!r}: choose one of "
                            f"{', '.join(sorted({e.name for e in self.abi.events.values()}))}", kind="input")
        if not wanted:
            return []
        out = []
        for log in self.chain.logs(self.address, first_block, last_block, topics=[wanted, *(topics or [])]):
            event = self.abi.events[log.topics[0]]
            out.append(DecodedEvent(event.name, event.decode(log.topics, log.data), log.address,
                                    event.signature, log.block_number, log.tx_hash))
        return out

    def spec(self, function: Any) -> FunctionSpec:
        """The ABI spec of `function`, or a GridError naming the functions there are."""
        spec = self.functions.get(function) if isinstance(function, str) else None
        if spec is None:
            raise GridError(f"{self.artifact.contract_name} has no function {function!r}: choose one of "
                            f"{', '.join(self.functions)}", kind="input")
        return spec

    def check_arguments(self, spec: FunctionSpec, args: tuple) -> list:
        """Each argument checked against its ABI type (account names become addresses)."""
        return _check_values(self.chain, self.rules, spec, args, spec.name)

    def explain(self, spec: FunctionSpec, who: NamedAccount, values: list, data: bytes) -> GridError:
        """Turn a revert payload into the one readable sentence for it."""
        custom = decode_custom_error(data, self.abi.errors)
        if custom is not None:
            sentence = self.rules.error_sentence(self, spec.name, who, *custom)
            if sentence is not None:
                return sentence
        reason = decode_revert_reason(data, self.abi.errors)
        if reason:
            return GridError(f"{spec.name} from {who.name} was reverted by the contract: {reason}",
                             kind="revert", function=spec.name)
        problem = self.rules.check(self, spec.name, who, values) if values or not spec.inputs else None
        if isinstance(problem, GridError):
            return problem
        return GridError(self.rules.no_reason(spec, who), kind="revert", function=spec.name)

    # ------------------------------------------------------------ internals
    def _preflight_checked(self, function: str, who: NamedAccount, values: list) -> str | None:
        problem: Verdict = self.rules.check(self, function, who, values)
        if isinstance(problem, GridError):
            # Rules read storage, and a missing contract reads as all zeros ("no right"):
            # name the real cause instead.
            self._require_code()
            raise problem
        return problem

    def _require_code(self) -> None:
        if not self.chain.code_at(self.address):
            raise contract_gone(self.chain, self.address)

    def _call(self, spec: FunctionSpec, who: NamedAccount, data: bytes, decoded_input: dict) -> TxLogEntry:
        try:
            raw = self.chain.call(who, self.address, data)
        except TxReverted as exc:
            raise self.explain(spec, who, [], exc.data) from None
        if not raw and spec.outputs:
            self._require_code()
        outputs = decode_values([t for t, _ in spec.outputs], raw, spec.name)
        entry = TxLogEntry(
            kind="call", function=spec.name, sender=who.name, sender_address=who.address,
            contract=self.address, input="0x" + data.hex(), decoded_input=decoded_input,
            decoded_output={labelled(p): v for p, v in zip(spec.outputs, outputs, strict=True)},
            block_number=None)
        self.log.append(entry)
        return entry

    def _transact(self, spec: FunctionSpec, who: NamedAccount, data: bytes, decoded_input: dict,
                  values: list, note: str | None, amount: int) -> TxLogEntry:
        receipt = self.chain.send_transaction(who, self.address, data,
                                              self._gas(spec, who, data, values, amount), value=amount)
        return self._logged(spec, who, data, decoded_input, values, note, amount, receipt)

    def _gas(self, spec: FunctionSpec, who: NamedAccount, data: bytes, values: list, amount: int) -> int:
        gas = self.rules.gas_limit(spec, values)
        if gas is None:
            gas = _estimate(self.chain, self.rules, spec, who, self.address, data, amount, self.abi, values,
                            client=self)
        return gas

    def _logged(self, spec: FunctionSpec, who: NamedAccount, data: bytes, decoded_input: dict, values: list,
                note: str | None, amount: int, receipt: Receipt) -> TxLogEntry:
        """The log entry of a mined transaction; a revert is logged, then raised as its sentence."""
        if receipt.status == 1 and not receipt.logs and receipt.gas_used <= intrinsic_gas(data):
            # Only the intrinsic gas was used: no code ran, so nothing happened.
            self._require_code()
        entry = TxLogEntry(
            kind="transaction", function=spec.name, sender=who.name, sender_address=who.address,
            contract=self.address, input="0x" + data.hex(), decoded_input=decoded_input,
            decoded_output={}, block_number=receipt.block_number, tx_hash=receipt.tx_hash,
            gas_used=receipt.gas_used, status="ok" if receipt.status == 1 else "reverted", note=note,
            events=self.decode_events(receipt), value=amount)
        if receipt.status != 1:
            error = self.explain(spec, who, values, self._replay_revert_data(who, data, amount))
            entry = replace(entry, error=str(error))
            self.log.append(entry)
            error.receipt = receipt  # type: ignore[attr-defined]
            raise error
        self.log.append(entry)
        return entry

    def _replay_revert_data(self, who: NamedAccount, data: bytes, amount: int) -> bytes:
        # A mined revert carries no reason in its receipt; replaying it as a
        # call on the unchanged state returns the revert payload.
        try:
            self.chain.call(who, self.address, data, value=amount)
        except TxReverted as exc:
            return exc.data
        return b""


def _check_values(chain: Chain, rules: ContractRules, spec: FunctionSpec, args: tuple, what: str) -> list:
    if len(args) != len(spec.inputs):
        wanted = ", ".join(labelled(p) for p in spec.inputs) or "no arguments"
        raise GridError(f"{what} takes {len(spec.inputs)} argument(s), not {len(args)}: give {wanted}",
                        kind="input")
    params = spec.abi_inputs or tuple({"type": t, "name": n} for t, n in spec.inputs)
    return [check_argument(param["type"], value, rules.label(name) or f"argument {i + 1}",
                           resolve_name=lambda n: chain.account(n).address,
                           components=param.get("components"), allow_empty=rules.allow_empty_strings)
            for i, ((_, name), param, value) in enumerate(zip(spec.inputs, params, args, strict=True))]


def _check_value(spec: FunctionSpec, value: Any) -> int:
    amount = check_uint256(value, "the value (wei sent along)")
    if amount and not spec.payable:
        raise GridError(f"{spec.name} is not payable, so it cannot receive ether: send it with value=0",
                        kind="input", function=spec.name)
    return amount


def _estimate(chain: Chain, rules: ContractRules, spec: FunctionSpec, who: NamedAccount, to: str | None,
              data: bytes, amount: int, abi: ContractABI, values: list | None = None,
              client: ContractClient | None = None) -> int:
    """The node's estimate plus headroom; a would-be revert is explained and nothing is sent."""
    try:
        estimate = chain.estimate_gas(who, to, data, value=amount)
    except TxReverted as exc:
        if client is not None:
            raise client.explain(spec, who, values or [], exc.data) from None
        custom = decode_custom_error(exc.data, abi.errors)
        sentence = rules.error_sentence(None, spec.name, who, *custom) if custom else None
        if sentence is not None:   # a constructor's custom error, in the contract module's words
            raise sentence from None
        reason = decode_revert_reason(exc.data, abi.errors) or "without a reason"
        raise GridError(f"{spec.name} from {who.name} would be reverted by the contract ({reason}), so "
                        f"nothing was sent: check the arguments", kind="revert", function=spec.name) from None
    return int(estimate * GAS_HEADROOM) + GAS_HEADROOM_FLAT


def intrinsic_gas(data: bytes) -> int:
    """The most gas a call can be charged when no code runs.

    The yellow paper's 21,000 plus 4 per zero and 16 per other calldata byte,
    or EIP-7623's floor (Prague): 21,000 plus 10 per zero and 40 per other byte.
    """
    zeros = data.count(0)
    return 21_000 + max(4 * zeros + 16 * (len(data) - zeros), 10 * zeros + 40 * (len(data) - zeros))


def contract_gone(chain: Chain, address: str) -> GridError:
    """The one sentence for an address with no contract code behind it."""
    return GridError(f"there is no contract at {address} on this {chain.target} chain (at block "
                     f"{chain.block_number}): the node was restarted without its state file, or this is "
                     f"another chain; deploy the contract again (or restore the state file), or check the "
                     f"address", kind="input")
