"""A meter's signed reading: EIP-712 typed data, signed with the meter's key by eth-account.

    reading = MeterReading(user, slot=42, exported_wh=1200, imported_wh=0)
    signature = sign_reading(reading, meter_account, chain_id, market_address)

The market checks the signature against the user's bound meter in the
PowerGridV2 registry. EIP-712 binds the reading to one chain (chainId) and
one market contract (verifyingContract), so it cannot be replayed on
another; the market accepts one reading per user and slot.
"""
from __future__ import annotations

from dataclasses import dataclass

from eth_account import Account
from eth_account.messages import encode_typed_data

from ..accounts import NamedAccount

DOMAIN_NAME, DOMAIN_VERSION = "GridChain", "1"
READING_TYPES = {"MeterReading": [
    {"name": "user", "type": "address"}, {"name": "slot", "type": "uint64"},
    {"name": "exportedWh", "type": "uint256"}, {"name": "importedWh", "type": "uint256"}]}


@dataclass(frozen=True)
class MeterReading:
    """What a meter measured for one user in one slot, in Wh."""

    user: str
    slot: int
    exported_wh: int      # fed into the grid
    imported_wh: int      # taken from the grid

    def typed_data(self, chain_id: int, market: str) -> dict:
        """The EIP-712 message: domain, types and values, as eth-account takes it."""
        return {"domain_data": {"name": DOMAIN_NAME, "version": DOMAIN_VERSION, "chainId": chain_id,
                                "verifyingContract": market},
                "message_types": READING_TYPES,
                "message_data": {"user": self.user, "slot": self.slot, "exportedWh": self.exported_wh,
                                 "importedWh": self.imported_wh}}


def sign_reading(reading: MeterReading, meter: NamedAccount, chain_id: int, market: str) -> bytes:
    """The meter's 65-byte signature (r, s, v) of `reading` for this chain and market."""
    message = encode_typed_data(**reading.typed_data(chain_id, market))
    signed = Account.sign_message(message, meter.private_key)
    return bytes(signed.signature)


def reading_signer(reading: MeterReading, signature: bytes, chain_id: int, market: str) -> str:
    """The address whose key made `signature` (what the contract's ecrecover finds)."""
    return Account.recover_message(encode_typed_data(**reading.typed_data(chain_id, market)),
                                   signature=signature)
