"""The contract core: any compiled contract, driven from Python with readable failures.

`ContractClient` deploys or attaches to a contract, checks arguments against
its ABI, runs calls and transactions, records them in a `TxLog` with decoded
events, and turns reverts (`require` messages, custom errors, panics) into
one sentence. A contract module adds its own rules through `ContractRules`
(see grid/powergrid/ for PowerGeneration's).
"""
from __future__ import annotations

from .abi import ContractABI, ErrorSpec, EventSpec, FunctionSpec, canonical_type, decode_calldata
from .client import ContractCall, ContractClient, labelled
from .reverts import PANIC_CODES, decode_revert_reason
from .rules import ContractRules, ErrorSentences, Sentence, Verdict, named, refusal

__all__ = ["PANIC_CODES", "ContractABI", "ContractCall", "ContractClient", "ContractRules", "ErrorSentences",
           "ErrorSpec", "EventSpec", "FunctionSpec", "Sentence", "Verdict", "canonical_type",
           "decode_calldata", "decode_revert_reason", "labelled", "named", "refusal"]
