"""Checks for notebook 15: Ethereum's state and the consensus a consortium would run.

The exercises live in topic modules; importing this one registers them all.
"""
from . import nb15_consensus, nb15_pool, nb15_trie  # noqa: F401
