"""primitives.eth_header against real nodes: the recomputed hash must be the hash the node gives the block."""

from __future__ import annotations

import pytest

from primitives.eth_header import FIELDS, HeaderError, decode, from_rpc


def _blocks(chain, count: int) -> list[dict]:
    head = chain.block_number
    numbers = range(max(0, head - count), head + 1)
    return [dict(chain.rpc("eth_getBlockByNumber", hex(n), False)) for n in numbers]


def _hex(value) -> str:
    return value if isinstance(value, str) else "0x" + bytes(value).hex()


def test_recomputed_hash_is_the_nodes_hash(deployed, chain):
    """After the cast's registrations (a few transactions), every recent header hashes to the node's hash."""
    if chain.target == "tester":
        # eth-tester's JSON block (py-evm behind it) does not hash to its own "hash": its fields are not
        # the ones it hashed, so only a real node can be the referee here.
        pytest.skip("eth-tester's JSON fields do not reproduce its block hash")
    blocks = _blocks(chain, 4)
    assert any(block["transactions"] for block in blocks), "the blocks should carry transactions"
    for block in blocks:
        header = from_rpc(block)
        assert _hex(header.hash()) == _hex(block["hash"]).lower()


def test_decode_reads_every_field_back(deployed, chain):
    """decode(encode(h)) gives h back, field by field, against the node's JSON."""
    block = _blocks(chain, 0)[-1]
    header = decode(from_rpc(block).encode())
    for name, rpc_name, kind in FIELDS:
        if rpc_name not in block or block[rpc_name] is None:
            assert getattr(header, name) is None
            continue
        expected = block[rpc_name]
        ours = getattr(header, name)
        if kind == "bytes":
            assert _hex(ours).lower() == _hex(expected).lower(), name
        else:  # numbers, and fixed-size fields that eth-tester may shorten ("0x0" for an empty bloom)
            assert _hex_int(ours) == _hex_int(expected), name


def test_raw_header_when_the_node_offers_it(deployed, chain):
    """If the node answers debug_getRawHeader, decoding its bytes gives the JSON's fields and hash."""
    block = _blocks(chain, 0)[-1]
    try:
        raw = chain.rpc("debug_getRawHeader", hex(int(_hex_int(block["number"]))))
    except Exception:  # anvil and eth-tester do not offer it
        pytest.skip("this node does not offer debug_getRawHeader")
    header = decode(bytes.fromhex(_hex(raw)[2:]))
    assert header == from_rpc(block)


def _hex_int(value) -> int:
    if isinstance(value, (bytes, bytearray)):
        return int.from_bytes(value, "big")
    return int(value, 16) if isinstance(value, str) else int(value)


def test_a_changed_field_changes_the_hash(deployed, chain):
    """One altered field: the hash no longer matches the node's."""
    block = _blocks(chain, 0)[-1]
    header = from_rpc(block)
    header.gas_used += 1
    assert _hex(header.hash()) != _hex(block["hash"]).lower()


def test_bad_bytes_are_refused():
    """Not RLP, or a list too short to be a header: HeaderError."""
    with pytest.raises(HeaderError):
        decode(b"\xc1")
    with pytest.raises(HeaderError):
        decode(bytes.fromhex("c3010203"))
