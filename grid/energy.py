"""Energy as the contracts count it (whole Wh) and as people read and type it (kWh).

Every contract in this toolkit stores energy in watt-hours, as whole numbers;
every screen shows kilowatt-hours. 1 kWh = 1,000 Wh, so a kWh amount with up
to three decimals is exactly one on-chain amount, and anything finer is
refused rather than rounded (a platform must never send an amount the user
did not type).
"""
from __future__ import annotations

import re

from .errors import GridError
from .validation import INT256_MAX, UINT256_MAX

WH_PER_KWH = 1000
_KWH_TEXT = re.compile(r"^[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)$")   # ASCII digits; "1,5" is read as 1.5
MAX_KWH_CHARS = 100   # beyond any uint256 of Wh: refuse before parsing


def kwh_number(wh: int) -> str:
    """An on-chain Wh amount as a bare kWh number, exact and without trailing zeros ("-90", "0.5")."""
    whole, thousandths = divmod(abs(wh), WH_PER_KWH)   # integers: exact at any size
    fraction = f"{thousandths:03d}".rstrip("0")
    return ("-" if wh < 0 else "") + str(whole) + (f".{fraction}" if fraction else "")


def kwh_text(wh: int) -> str:
    """An on-chain Wh amount as a screen shows it: "1.5 kWh"."""
    return f"{kwh_number(wh)} kWh"


def energy_text(wh: int) -> str:
    """An on-chain amount (Wh) as a sentence shows it: kWh, with the Wh in brackets."""
    if abs(wh) >= 10**15:   # beyond any real meter: the digits stop being readable
        return f"{wh / WH_PER_KWH:.3e} kWh ({len(str(abs(wh)))}-digit Wh)"
    return f"{kwh_number(wh)} kWh ({wh:,} Wh)"


def parse_kwh(value: object, label: str = "the energy", *, int256: bool = False) -> int:
    """A typed kWh amount above 0 as the contract's whole Wh, or a GridError saying what to type.

    `int256` caps it where the seed contract keeps the amount in a signed int256
    (GeneratePower and Transfer), which reads 2**255 Wh and more as negative.
    """
    text = str(value).strip().replace("_", "").replace(" ", "")
    if not text:
        raise GridError(f"{label} is missing: type an amount in kWh, such as 1.5", kind="input")
    if len(text) > MAX_KWH_CHARS or not _KWH_TEXT.match(text):
        shown = text if len(text) <= 24 else text[:20] + "..."
        raise GridError(f"{label} must be an amount in kWh, such as 1.5, not {shown!r}", kind="input")
    if text.startswith("-"):
        raise GridError(f"{label} cannot be negative ({text} kWh): type an amount above 0, such as 1.5",
                        kind="input")
    # Whole kWh and thousandths by hand: a Decimal context would round 78-digit amounts.
    whole, _, fraction = text.lstrip("+").replace(",", ".").partition(".")
    if len(fraction.rstrip("0")) > 3:
        raise GridError(f"{label} {text} kWh is finer than the contract counts (whole Wh, so 0.001 kWh): "
                        f"round it to at most three decimals", kind="input")
    wh = int(whole or "0") * WH_PER_KWH + int(fraction.rstrip("0").ljust(3, "0"))
    if wh == 0:
        raise GridError(f"{label} must be above 0 kWh (0 would change nothing): type an amount such as 1.5",
                        kind="input")
    limit = INT256_MAX if int256 else UINT256_MAX
    if wh > limit:
        raise GridError(f"{label} is too large ({len(str(wh))}-digit Wh): the contract keeps it as "
                        f"{'an int256' if int256 else 'a uint256'} of Wh, so give a smaller amount",
                        kind="input")
    return wh


__all__ = ["WH_PER_KWH", "energy_text", "kwh_number", "kwh_text", "parse_kwh"]
