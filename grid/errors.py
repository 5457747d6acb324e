"""The one exception type the contract side raises.

Every failure a student can meet (bad input, a missing right, a reverted
transaction, an unknown account, a node that is down, a compile error) arrives
as a `GridError` whose message is one readable sentence saying what to do.
"""
from __future__ import annotations


class GridError(Exception):
    """A failure with a readable, one-sentence explanation.

    `kind` says which family it belongs to, so code (and tests) can branch on
    it without parsing the text: "input", "account", "permission", "revert",
    "node", "compile" or "unsupported".
    """

    KINDS = ("input", "account", "permission", "revert", "node", "compile", "unsupported")

    def __init__(self, message: str, *, kind: str, function: str | None = None,
                 details: list[str] | None = None) -> None:
        if kind not in self.KINDS:
            raise ValueError(f"unknown GridError kind {kind!r}")
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.function = function
        self.details = list(details or [])

    def __str__(self) -> str:
        return self.message

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of printing a traceback: students see
        # one sentence (plus solc's file:line messages for compile errors).
        return [f"GridError ({self.kind}): {self.message}", *self.details]
