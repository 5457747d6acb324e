"""The thesis's cast: the four users section 5.2.2 registers in Remix (data/thesis_cast.json)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import astuple, dataclass
from pathlib import Path

CAST_FILE = Path(__file__).resolve().parents[2] / "data" / "thesis_cast.json"


@dataclass(frozen=True)
class CastMember:
    """One registered user of the thesis's session."""

    account: str        # the named test account, e.g. "generator1"
    name: str           # e.g. "PowerProviderOne"
    location: str       # e.g. "Sundsvall"
    can_generate: bool
    can_consume: bool

    def __iter__(self) -> Iterator:
        # Unpacks in field order: `for account, name, place, gen, use in CAST` reads like the thesis's row.
        return iter(astuple(self))


def load_cast(path: Path = CAST_FILE) -> tuple[CastMember, ...]:
    """The cast from its data file."""
    return tuple(CastMember(*row) for row in json.loads(path.read_text())["users"])


CAST = load_cast()
