"""PowerGridV2's user and dispatch records, as its getters return them."""
from __future__ import annotations

from dataclasses import dataclass

ZERO_ADDRESS = "0x" + "00" * 20


@dataclass(frozen=True)
class UserV2:
    """`getUser(address)`: everything PowerGridV2 stores about one user (all public)."""

    address: str
    identity: bytes          # keccak256 commitment to the off-chain record; 32 zero bytes = never registered
    available: int           # Wh generated and not yet sold
    total_generated: int     # Wh, cumulative
    purchased: int           # Wh bought and not yet consumed
    total_consumed: int      # Wh, cumulative
    can_generate: bool
    can_consume: bool
    active: bool             # False once revoked
    meter: str | None        # the bound meter, None when none

    @property
    def registered(self) -> bool:
        """True once the administrator has registered this address (revoked users stay registered)."""
        return any(self.identity)

    @classmethod
    def from_call(cls, address: str, values: tuple) -> UserV2:
        """Build from getUser's nine return values, in order."""
        identity, available, generated, purchased, consumed, generate, consume, active, meter = values
        return cls(address, bytes(identity), available, generated, purchased, consumed, generate, consume,
                   active, None if int(meter, 16) == 0 else meter)


@dataclass(frozen=True)
class DispatchRecord:
    """One dispatch instruction as `dispatchAt` returns it."""

    instruction: str
    timestamp: int           # block time it was sent, seconds since 1970
