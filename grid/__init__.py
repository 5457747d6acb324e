"""GridChain Lab, the contract side: compiler, chains, contract client, CLI.

    from grid import connect, PowerGridClient
    with connect("tester") as chain:
        client = PowerGridClient.deploy(chain)
"""
from .accounts import TEST_MNEMONIC, Accounts, NamedAccount
from .chain import Chain, connect
from .client import PowerGridClient
from .errors import GridError
from .txlog import TxLog, TxLogEntry

__all__ = ["Accounts", "Chain", "GridError", "NamedAccount", "PowerGridClient", "TEST_MNEMONIC",
           "TxLog", "TxLogEntry", "connect"]
