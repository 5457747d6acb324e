"""How the market's numbers read: energy in kWh (Wh on chain), prices in ETH per kWh (wei per Wh on chain)."""
from __future__ import annotations

from ..energy import WH_PER_KWH, energy_text

WEI_PER_ETH = 10**18


def price_number(wei_per_wh: int) -> str:
    """A price in ETH/kWh as a bare number (for a cell whose heading gives the unit)."""
    return f"{wei_per_wh * WH_PER_KWH / WEI_PER_ETH:.6g}"


def eth_number(wei: int) -> str:
    """An amount in ETH as a bare number (for a cell whose heading gives the unit)."""
    return f"{wei / WEI_PER_ETH:.6g}"


def price_text(wei_per_wh: int) -> str:
    """A price as a reader sees it: ETH/kWh, with the on-chain wei/Wh in brackets."""
    return f"{price_number(wei_per_wh)} ETH/kWh ({wei_per_wh:,} wei/Wh)"


def eth_text(wei: int) -> str:
    """An amount of money: ETH, with the wei in brackets."""
    return f"{eth_number(wei)} ETH ({wei:,} wei)"


def eth_per_kwh_to_wei_per_wh(eth_per_kwh: float) -> int:
    """A price typed in ETH/kWh, as the contract counts it (wei/Wh, rounded to a whole wei)."""
    return round(eth_per_kwh * WEI_PER_ETH / WH_PER_KWH)


__all__ = ["WH_PER_KWH", "energy_text", "eth_number", "eth_per_kwh_to_wei_per_wh", "eth_text", "price_number",
           "price_text"]
