"""One user of PowerGeneration as the contract stores it: the `User` struct, read from storage."""
from __future__ import annotations

from dataclasses import dataclass

USERS_MAPPING = "user"              # `mapping(address => User) user`
ADMIN_VARIABLE = "administrator"


@dataclass(frozen=True)
class UserRecord:
    """One `User` struct of PowerGeneration, read straight from storage.

    The field names are the platforms' (the same as `registry.UserRow`); the
    contract's own member names are in the comments.
    """

    address: str
    name: str                    # `name`
    location: str                # `useraddr`: the meter's street address
    generation_balance: int      # `generationPower`, int256: negative = sold but not yet generated
    total_generation: int        # `totalGenerationPower`
    remaining: int               # `usePower`: purchased power not yet consumed
    total_use: int               # `totalUsePower`
    can_generate: bool           # `generaterights`
    can_consume: bool            # `userights`
    dispatch: str                # `information`: the latest dispatch instruction

    @property
    def registered(self) -> bool:
        """True when the administrator has registered (empowered) this address."""
        return bool(self.name or self.location or self.can_generate or self.can_consume)

    @classmethod
    def from_storage(cls, address: str, fields: dict) -> UserRecord:
        """Build from the struct members as named in the contract."""
        return cls(address=address, name=fields["name"], location=fields["useraddr"],
                   generation_balance=fields["generationPower"],
                   total_generation=fields["totalGenerationPower"],
                   remaining=fields["usePower"], total_use=fields["totalUsePower"],
                   can_generate=fields["generaterights"], can_consume=fields["userights"],
                   dispatch=fields["information"])
