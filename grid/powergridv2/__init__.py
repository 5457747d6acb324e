"""PowerGridV2: the seed contract with its flaws fixed, its client, off-chain identities and meters."""
from __future__ import annotations

from .client import CONTRACT_NAME, PowerGridV2Client
from .identity import IdentityRecord, IdentityStore, commitment
from .meters import METER_INDEX_OFFSET, meter_account
from .record import DispatchRecord, UserV2
from .rules import RULES, PowerGridV2Rules

__all__ = ["CONTRACT_NAME", "METER_INDEX_OFFSET", "RULES", "DispatchRecord", "IdentityRecord",
           "IdentityStore", "PowerGridV2Client", "PowerGridV2Rules", "UserV2", "commitment", "meter_account"]
