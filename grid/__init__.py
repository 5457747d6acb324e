"""GridChain Lab, the contract side: compiler, chains, the contract core, PowerGeneration, CLI.

    from grid import connect, compile_source, ContractClient, PowerGridClient, PowerGridV2Client
    with connect("tester") as chain:
        client = PowerGridClient.deploy(chain)               # the thesis's contract
        fixed = PowerGridV2Client.deploy(chain)              # the same, with its flaws fixed
        mine = ContractClient.deploy(chain, compile_source(SOURCE))   # any contract
"""
from .accounts import TEST_MNEMONIC, Accounts, NamedAccount
from .chain import Chain, connect
from .compile_text import SolcMessage, compile_source
from .compiler import Artifact, CompileError, load_artifact
from .contract import ContractClient, ContractRules
from .errors import GridError
from .powergrid import PowerGridClient
from .powergridv2 import PowerGridV2Client
from .txlog import DecodedEvent, TxLog, TxLogEntry

__all__ = ["TEST_MNEMONIC", "Accounts", "Artifact", "Chain", "CompileError", "ContractClient",
           "ContractRules", "DecodedEvent", "GridError", "NamedAccount", "PowerGridClient",
           "PowerGridV2Client", "SolcMessage", "TxLog", "TxLogEntry", "compile_source", "connect",
           "load_artifact"]
