"""EnergyMarket: time slots, escrowed bids, a uniform-price double auction, signed meter readings."""
from __future__ import annotations

from .book import BookOrder, Fill, OrderBook, SlotResult
from .client import GATE_CLOSURE_SECONDS, SLOT_SECONDS, MarketClient, NewOrder
from .readings import MeterReading, reading_signer, sign_reading
from .units import eth_per_kwh_to_wei_per_wh, eth_text, price_text

__all__ = ["GATE_CLOSURE_SECONDS", "SLOT_SECONDS", "BookOrder", "Fill", "MarketClient", "MeterReading",
           "NewOrder", "OrderBook", "SlotResult", "eth_per_kwh_to_wei_per_wh", "eth_text", "price_text",
           "reading_signer", "sign_reading"]
