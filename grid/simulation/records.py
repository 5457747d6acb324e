"""What a simulated day produces: one record per slot and one per household (the two CSVs' rows)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SlotRecord:
    """The feeder and the market in one 15-minute slot (energies in kWh, money in wei unless named)."""

    slot: int                     # 0-95 within the day
    start_utc: str
    market_slot: int              # the slot number on chain
    pv_clear_sky_kwh: float       # the feeder's PV under a clear sky, before clouds and curtailment
    pv_available_kwh: float       # under the day's clouds, before curtailment
    pv_kwh: float                 # produced (after curtailment)
    load_kwh: float
    grid_import_kwh: float
    grid_export_kwh: float
    losses_kwh: float
    curtailed_kwh: float
    shed_kwh: float               # load the households cut on instruction
    vmin_pu: float
    vmax_pu: float
    vmin_pu_undispatched: float   # the same slot had nobody been instructed
    vmax_pu_undispatched: float
    max_line_loading_pct: float
    trafo_loading_pct: float
    price_eth_per_kwh: float
    traded_kwh: float             # matched at clearing
    delivered_kwh: float          # what the sellers' meters showed of it
    orders: int
    dispatches: int               # instructions sent on chain at the start of this slot
    escrow_wei: int               # buyers' escrow placed with their bids
    paid_wei: int                 # to sellers at settlement
    refunded_wei: int             # credited back to buyers (read from their credits)
    market_balance_wei: int       # the market contract's balance after settlement
    credits_wei: int              # everything it owes (all credits) after settlement


@dataclass
class HouseholdRecord:
    """One household's day (energies in kWh, money in ETH)."""

    household: str
    account: str
    meter: str
    bus: int
    pv_kwp: float
    annual_kwh: int
    pv_kwh: float = 0.0
    load_kwh: float = 0.0
    exported_kwh: float = 0.0     # as its meter signed
    imported_kwh: float = 0.0
    sold_kwh: float = 0.0         # matched asks
    bought_kwh: float = 0.0       # matched bids
    earned_eth: float = 0.0
    paid_eth: float = 0.0
    withdrawn_eth: float = 0.0
    dispatches: int = 0


@dataclass(frozen=True)
class MeterReadingRecord:
    """One signed reading: what a household's meter saw in a slot (Wh, as on chain)."""

    household: str
    slot: int
    exported_wh: int
    imported_wh: int
