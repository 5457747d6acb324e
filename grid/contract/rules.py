"""The hook where a contract module plugs its own rules into `ContractClient`.

A contract's `require`s are its rules. A module for one contract subclasses
`ContractRules` to check them before anything is sent (the preflight), to
name its parameters in sentences, and to explain a revert that carries no
reason. The generic client needs none of it: without rules, arguments are
still checked against the ABI, gas is estimated by the node (a transaction
that would revert is not sent), and reverts are decoded from their payload.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..accounts import NamedAccount
from ..errors import GridError
from .abi import FunctionSpec

if TYPE_CHECKING:  # the client imports this module: only type checkers need the reverse
    from .client import ContractClient

Verdict = GridError | str | None   # a GridError: it would fail; a str: it would do nothing; None: fine


class ContractRules:
    """No rules beyond the ABI: the default for any contract."""

    labels: Mapping[str, str] = {}   # parameter name -> how a sentence names it ("_value" -> "the amount")
    allow_empty_strings = True       # "" is a valid Solidity string

    def label(self, name: str) -> str:
        """How sentences name parameter `name`."""
        return self.labels.get(name, name)

    def check(self, client: ContractClient, function: str, who: NamedAccount, values: list) -> Verdict:
        """Why `function(*values)` from `who` would fail (GridError), do nothing (a note), or None."""
        return None

    def needs_confirmation(self, client: ContractClient, function: str, values: list) -> str | None:
        """What `function(*values)` would destroy, for the caller to confirm first; None when nothing."""
        return None

    def gas_limit(self, spec: FunctionSpec, values: list) -> int | None:
        """A gas limit computed locally, or None to ask the node (eth_estimateGas)."""
        return None

    def deploy_gas(self) -> int | None:
        """The deployment's gas limit, or None to ask the node."""
        return None

    def no_reason(self, spec: FunctionSpec, who: NamedAccount) -> str:
        """The sentence for a revert without a reason that `check` could not explain."""
        return f"{spec.name} from {who.name} was reverted by the contract without a reason"

    def error_sentence(self, client: ContractClient | None, function: str, who: NamedAccount, error: str,
                       args: dict) -> GridError | None:
        """The readable GridError for custom error `error(args)`; None to show it as decoded.

        `client` is None when a deployment's constructor reverted (there is no contract yet).
        """
        return None

    def describe(self, client: ContractClient, value: Any) -> str:
        """How sentences name an address: the account name when the chain knows it."""
        chain = client.chain
        return chain.account(value).name if isinstance(value, str) and value in chain.accounts else str(value)


# A custom error's sentence: (client, function, sender, the error's arguments by name) -> GridError.
Sentence = Callable[[Any, str, NamedAccount, dict], GridError]


class ErrorSentences(ContractRules):
    """The rules of a contract whose custom errors say why: one sentence per error, by name."""

    sentences: Mapping[str, Sentence] = {}

    def error_sentence(self, client: ContractClient | None, function: str, who: NamedAccount, error: str,
                       args: dict) -> GridError | None:
        make = self.sentences.get(error)
        return None if make is None else make(client, function, who, args)


def named(client: ContractClient, address: str) -> str:
    """How a sentence names `address`: the account name when the chain knows it."""
    return client.rules.describe(client, address)


def refusal(text: str, kind: str, function: str) -> GridError:
    """A contract's refusal of `function`, in one sentence."""
    return GridError(text, kind=kind, function=function)

