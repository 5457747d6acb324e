"""Who is registered on PowerGridV2? Read from its events, not by scanning every block's calls.

The seed emits nothing, so grid.registry must decode every transaction of
every block to find `empower` calls. PowerGridV2 emits UserRegistered,
UserUpdated and UserRevoked, so one eth_getLogs query per refresh finds
them: what a light client or an indexer does. The names and locations come
from the off-chain identity store, checked against each on-chain commitment.
"""
from __future__ import annotations

from collections.abc import Iterator

from eth_utils import to_checksum_address

from .. import explorer
from ..powergrid import UserRecord
from ..registry import Registration, UserDirectory
from .client import NO_RECORD, RECORD_MISMATCH, PowerGridV2Client

REGISTRY_EVENTS = ("UserRegistered", "UserUpdated", "UserRevoked")


class EventDirectory(UserDirectory):
    """Every user the administrator has registered on PowerGridV2, from the contract's events."""

    client: PowerGridV2Client

    def _registrations_by_block(self, first: int, last: int) -> Iterator[tuple[int, str, list[Registration]]]:
        known = dict(self._registrations)
        by_block: dict[int, list[Registration]] = {}
        for event in self.client.events(REGISTRY_EVENTS, first, last):
            address = to_checksum_address(event.args["user"])
            before = known.get(address)
            if event.name == "UserRevoked":
                if before is None:
                    continue
                registration = Registration(address, before.name, before.location, False, False,
                                            event.block_number, event.tx_hash)
            else:
                name, location = self._identity(address, event.args["identity"])
                registration = Registration(address, name, location, event.args["canGenerate"],
                                            event.args["canConsume"], event.block_number, event.tx_hash)
            known[address] = registration
            by_block.setdefault(event.block_number, []).append(registration)
        for number in sorted(by_block):
            yield number, "", by_block[number]
        yield last, explorer.block_summary(self.chain, last).hash, []

    def _identity(self, address: str, identity: bytes) -> tuple[str, str]:
        record = self.client.identities.get(self.client.address, address)
        if record is None:
            return NO_RECORD, ""
        if not record.matches(identity):
            return RECORD_MISMATCH, ""
        return record.name, record.location

    def _totals(self, record: UserRecord) -> tuple[int, int]:
        return record.total_generation, record.total_use   # public on V2: no administrator needed
