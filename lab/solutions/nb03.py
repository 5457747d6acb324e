"""Reference solutions for notebook 03."""
import hashlib

from lab.solutions import ModelAnswer, mychain


def parse_timestamp(raw_header: bytes) -> int:
    """Bytes 68..71 of the header, read as a little-endian unsigned integer."""
    return int.from_bytes(raw_header[68:72], "little")


def header_hash_hex(raw_header: bytes) -> str:
    """Double SHA-256 of the 80 bytes, reversed into display order."""
    digest = hashlib.sha256(hashlib.sha256(raw_header).digest()).digest()
    return digest[::-1].hex()


def links_to(parent_header: bytes, child_header: bytes) -> bool:
    """True when the child's prev_hash (bytes 4..35) is the parent's double SHA-256."""
    parent_hash = hashlib.sha256(hashlib.sha256(parent_header).digest()).digest()
    return child_header[4:36] == parent_hash


# Which function answers which exercise (the test suite checks each one).
SOLUTIONS = {
    "03.1": parse_timestamp,
    "03.2": header_hash_hex,
    "03.3": mychain.bits_to_target,    # library exercises: notebooks/mychain.py
    "03.4": links_to,
    "03.5": mychain.parse_header,
}

MODEL_ANSWERS = {
    "03.Q1": ModelAnswer(
        points=3,
        answer=(
            "Changing the transaction changes its txid and so the Merkle root in that block's header; the "
            "header's hash changes and no longer meets the target, so the block must be re-mined with a new "
            "nonce. The next block's header stores the old hash as its previous-block hash, so it no longer "
            'links; fixing that field changes its header and its hash too, so it must be re-mined as well, '
            'and so on to the tip: all five blocks and the one changed. Each re-mined block costs as much '
            'work as the honest one did. Meanwhile the honest miners keep extending the real chain, so the '
            'forger has to redo six blocks of work and then outpace the honest network; with less than half '
            'of the hash power they fall further behind and, as notebook 05 computes, their chance of '
            'catching up shrinks exponentially with the lead.'
        ),
        marking=(
            "1 point: the change alters the Merkle root and so the block's hash, which must be re-mined; 1 "
            "point: each later header stores its parent's hash, so the change cascades to every later "
            'block; 1 point: a judgement of the race: the forger must also outpace the honest miners, which '
            'fails without a majority of the hash power'
        ),
    ),
}
