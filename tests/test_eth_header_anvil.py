"""Ethereum's block header recomputed from a real anvil block after a transaction.

The block hash anvil reports must equal keccak256(rlp(header)) built from the
block's JSON fields. Field-by-field decoding is checked on the raw header from
`debug_getRawHeader` if the node offers it, else on the RLP that py-evm's
Prague header class (an independent encoder) produces from the same fields.
"""

import pytest
import rlp
from eth.vm.forks.prague.blocks import PragueBlockHeader
from web3 import Web3

from grid.chain import RpcFailed
from primitives.eth_header import EthHeader

pytestmark = pytest.mark.anvil

PY_EVM_NAMES = dict(zip(EthHeader.field_names(), PragueBlockHeader._meta.field_names, strict=True))


@pytest.fixture
def block(client, chain):
    client.generate_power(1_000, sender="generator1")
    return chain.rpc("eth_getBlockByNumber", hex(chain.block_number), False)


@pytest.fixture(scope="module")
def chain():
    """Only anvil: eth-tester's blocks are not a real node's."""
    from grid.chain import connect  # noqa: PLC0415

    with connect("anvil") as c:
        yield c


def raw_header(chain, block) -> bytes:
    try:
        return bytes.fromhex(chain.rpc("debug_getRawHeader", block["number"])[2:])
    except RpcFailed:
        header = EthHeader.from_rpc(block)
        values = {PY_EVM_NAMES[n]: getattr(header, n) for n in PY_EVM_NAMES}
        values["bloom"] = int.from_bytes(values["bloom"], "big")  # py-evm keeps the bloom as a number
        return rlp.encode(PragueBlockHeader(**values))


def test_recomputed_hash_is_the_block_hash(block):
    assert len(block["transactions"]) >= 1
    header = EthHeader.from_rpc(block)
    assert "0x" + header.hash().hex() == block["hash"]
    assert header.fork() == "prague"


def test_raw_header_decodes_field_by_field(block, chain):
    raw = raw_header(chain, block)
    assert bytes(Web3.keccak(raw)) == bytes.fromhex(block["hash"][2:])  # the raw header is the right one
    decoded = EthHeader.decode(raw)
    from_json = EthHeader.from_rpc(block)
    for name in EthHeader.field_names():
        assert getattr(decoded, name) == getattr(from_json, name), name
    assert decoded.encode() == raw


def test_a_changed_field_gives_another_hash(block):
    header = EthHeader.from_rpc(block)
    block["gasUsed"] = hex(int(block["gasUsed"], 16) + 1)
    assert EthHeader.from_rpc(block).hash() != header.hash()
