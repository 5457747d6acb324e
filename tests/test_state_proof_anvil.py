"""A light client's check on a real node: eth_getProof from anvil, verified from scratch.

PowerGeneration is deployed on anvil with the thesis's users registered
(tests/conftest.py `deployed`/`client`). The storage slot of one User member is
found from solc's storageLayout and Solidity's mapping rule, computed here with
web3's own keccak; the value the proof yields must equal what the contract's
getter returns and what eth_getStorageAt reads. The account fields are checked
against eth_getBalance, eth_getTransactionCount and keccak(eth_getCode).
"""

import pytest
import rlp
from web3 import Web3

from primitives.state_proof import Account, mapping_slot, verify_account_proof, verify_storage_proof
from primitives.trie import EMPTY_ROOT, ProofError

pytestmark = pytest.mark.anvil

GENERATED_WH = 4_321


@pytest.fixture(scope="module")
def chain():
    """Only anvil here: eth-tester does not answer eth_getProof."""
    from grid.chain import connect  # noqa: PLC0415

    with connect("anvil") as c:
        yield c


def member_slot(client, user: str, label: str) -> int:
    """user[address].label's slot, from the artifact's storageLayout and keccak(pad32(key) ++ pad32(slot))."""
    layout = client.artifact.storage_layout
    mapping = next(v for v in layout["storage"] if v["label"] == "user")
    struct_type = layout["types"][mapping["type"]]["value"]
    member = next(m for m in layout["types"][struct_type]["members"] if m["label"] == label)
    base = Web3.solidity_keccak(["uint256", "uint256"], [int(user, 16), int(mapping["slot"])])
    return int.from_bytes(base, "big") + int(member["slot"])


@pytest.fixture
def proved(client, chain):
    """After a generation: the block, its stateRoot, the proof of one member's slot, the getter's value."""
    generator = chain.account("generator1").address
    client.generate_power(GENERATED_WH, sender="generator1")
    slot = member_slot(client, generator, "totalGenerationPower")
    number = chain.block_number
    block = chain.rpc("eth_getBlockByNumber", hex(number), False)
    answer = chain.rpc("eth_getProof", client.address, [hex(slot)], hex(number))
    getter = client.total_generated(generator, sender="generator1")
    return {"block": block, "answer": answer, "slot": slot, "getter": getter, "number": number,
            "generator": generator}


def test_mapping_slot_is_solidity_s_rule(client, chain):
    generator = chain.account("generator1").address
    expected = member_slot(client, generator, "name")  # member offset 0
    assert mapping_slot(bytes.fromhex(generator[2:]), 1) == expected


def test_storage_value_verified_against_the_block_state_root(proved, client, chain):
    block, answer = proved["block"], proved["answer"]
    account = verify_account_proof(block["stateRoot"], client.address, answer["accountProof"])
    assert isinstance(account, Account)
    # The account proof's four fields, each against another RPC answer.
    assert account.storage_root == bytes.fromhex(answer["storageHash"][2:])
    at = hex(proved["number"])
    assert account.balance == int(chain.rpc("eth_getBalance", client.address, at), 16)
    assert account.nonce == int(chain.rpc("eth_getTransactionCount", client.address, at), 16)
    code = bytes.fromhex(chain.rpc("eth_getCode", client.address, at)[2:])
    assert account.code_hash == Web3.keccak(code)
    assert account.has_code and account.has_storage

    (entry,) = answer["storageProof"]
    value = verify_storage_proof(account.storage_root, proved["slot"], entry["proof"])
    assert value == proved["getter"] == GENERATED_WH
    assert value == int(entry["value"], 16)
    assert value == int.from_bytes(chain.storage_at(client.address, proved["slot"]), "big")


def test_a_tampered_value_is_rejected(proved, client):
    block, answer = proved["block"], proved["answer"]
    account = verify_account_proof(block["stateRoot"], client.address, answer["accountProof"])
    proof = [bytes.fromhex(node[2:]) for node in answer["storageProof"][0]["proof"]]
    leaf = rlp.decode(proof[-1])
    assert rlp.decode(leaf[1]) == GENERATED_WH.to_bytes(2, "big")  # the leaf really holds the value
    leaf[1] = rlp.encode((GENERATED_WH + 1_000_000).to_bytes(3, "big"))
    with pytest.raises(ProofError):
        verify_storage_proof(account.storage_root, proved["slot"], [*proof[:-1], rlp.encode(leaf)])
    # A wrong state root (the parent block's) does not accept this block's account proof either.
    with pytest.raises(ProofError):
        verify_account_proof(block["parentHash"], client.address, answer["accountProof"])


def test_absence_of_an_account_and_of_a_slot(proved, client, chain):
    block, number = proved["block"], proved["number"]
    nobody = "0x" + "5a" * 20
    answer = chain.rpc("eth_getProof", nobody, [], hex(number))
    assert verify_account_proof(block["stateRoot"], nobody, answer["accountProof"]) is None
    assert answer["storageHash"] in ("0x" + EMPTY_ROOT.hex(), "0x" + "00" * 32)

    unused = member_slot(client, proved["generator"], "information") + 100  # beyond any member
    answer = chain.rpc("eth_getProof", client.address, [hex(unused)], hex(number))
    account = verify_account_proof(block["stateRoot"], client.address, answer["accountProof"])
    assert verify_storage_proof(account.storage_root, unused, answer["storageProof"][0]["proof"]) == 0
