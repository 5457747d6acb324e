"""PowerGeneration (thesis Appendix A) on the contract core: its client, its rules, its user record."""
from __future__ import annotations

from .client import CONTRACT_NAME, PowerGridClient
from .record import USERS_MAPPING, UserRecord
from .rules import DEPLOY_GAS, GAS_BASE, GAS_PER_STRING_WORD, RULES, PowerGenerationRules

__all__ = ["CONTRACT_NAME", "DEPLOY_GAS", "GAS_BASE", "GAS_PER_STRING_WORD", "RULES", "USERS_MAPPING",
           "PowerGenerationRules", "PowerGridClient", "UserRecord"]
