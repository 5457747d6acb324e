"""Block headers and blocks, byte for byte as Bitcoin serialises them.

The 80-byte header is all that proof of work covers:

    version (4) | prev_hash (32) | merkle_root (32) | time (4) | bits (4) | nonce (4)

Integers are little-endian. Hashes are stored in *internal* byte order, the
order they have on the wire and the order double SHA-256 produces. Explorers
print them reversed ("display order"), which is why a block hash is shown
with leading zeros although the digest *ends* in zero bytes.

`bits` packs the 256-bit target into 4 bytes ("compact" format, a base-256
floating point number). `bits_to_target` and `target_to_bits` follow Bitcoin
Core's arith_uint256::SetCompact / GetCompact exactly.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field, replace

from .hashing import double_sha256
from .merkle import is_mutated, merkle_root

HEADER_SIZE = 80

# Consensus constants from Bitcoin Core src/kernel/chainparams.cpp.
MAINNET_POW_LIMIT = (1 << 224) - 1               # 00000000ffff...ff (powLimit, main)
REGTEST_POW_LIMIT = 0x7FFFFF << 232              # 7fffff0000...00 (powLimit, regtest)
REGTEST_BITS = 0x207FFFFF                        # regtest genesis bits: any hash < 2**255 wins
# Bitcoin's genesis block hash (chainparams.cpp), in internal (little-endian) byte order.
BITCOIN_GENESIS_HASH = bytes.fromhex("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")[::-1]
DIFFICULTY_1_BITS = 0x1D00FFFF                   # genesis bits; difficulty is measured against it


# -----------------------------------------------------------------------------
# Compact "bits" <-> 256-bit target

def decode_compact(bits: int) -> tuple[int, bool, bool]:
    """Decode compact bits like arith_uint256::SetCompact.

    Returns (value, negative, overflow). The top byte is a size in bytes, the
    low 23 bits a mantissa, bit 0x00800000 a sign bit (never valid for a target).
    """
    size = bits >> 24
    word = bits & 0x007FFFFF
    if size <= 3:
        # Core shifts the mantissa itself, so bytes shifted out no longer
        # count for the sign and overflow flags below (0x01803456 -> 0, not -0).
        word >>= 8 * (3 - size)
        value = word
    else:
        value = word << (8 * (size - 3))
    negative = word != 0 and bool(bits & 0x00800000)
    overflow = word != 0 and (size > 34 or (word > 0xFF and size > 33) or (word > 0xFFFF and size > 32))
    return value & ((1 << 256) - 1), negative, overflow


def bits_to_target(bits: int) -> int:
    """256-bit target encoded by compact bits; ValueError if negative or overflowing."""
    value, negative, overflow = decode_compact(bits)
    if negative or overflow:
        raise ValueError(f"bits 0x{bits:08x} do not encode a valid target")
    return value


def target_to_bits(target: int, negative: bool = False) -> int:
    """Compact encoding of a target, like arith_uint256::GetCompact.

    Only the three most significant bytes survive, so target -> bits -> target
    truncates. The round trip bits -> target -> bits gives back the same bits
    only for canonical encodings (the ones this function produces). The same
    target has other, non-canonical encodings, which come back canonical:
    0x03000001 (mantissa 1, size 3) is the target 1, and target 1 encodes as
    0x01010000; Bitcoin Core's own test turns 0x02123456 into 0x02123400.
    """
    if not 0 <= target < 1 << 256:
        raise ValueError("target must fit in 256 bits")
    size = (target.bit_length() + 7) // 8
    compact = target << (8 * (3 - size)) if size <= 3 else target >> (8 * (size - 3))
    # The mantissa is signed: if its top bit is set, shift one byte right so
    # the number is not read back as negative.
    if compact & 0x00800000:
        compact >>= 8
        size += 1
    compact |= size << 24
    if negative and compact & 0x007FFFFF:
        compact |= 0x00800000
    return compact


def difficulty_from_bits(bits: int) -> float:
    """Difficulty = target of bits 0x1d00ffff divided by this target.

    Computed in floating point exactly as Bitcoin Core's GetDifficulty
    (rpc/blockchain.cpp), so the digits match `getblock` output. Bits whose
    mantissa is zero encode the target 0, which no hash can meet: ValueError.
    """
    mantissa = bits & 0x00FFFFFF
    if mantissa == 0:
        # Core would divide by zero too; a clear message beats ZeroDivisionError.
        raise ValueError(f"bits 0x{bits:08x} have a zero mantissa: target 0 has no difficulty")
    shift = (bits >> 24) & 0xFF
    diff = 0x0000FFFF / mantissa
    while shift < 29:
        diff *= 256.0
        shift += 1
    while shift > 29:
        diff /= 256.0
        shift -= 1
    return diff


def work_from_target(target: int) -> int:
    """Expected number of hashes to meet target: 2**256 // (target + 1).

    This is Bitcoin Core's GetBlockProof (chain.cpp); a chain's "work" is the
    sum over its blocks, and the best chain is the one with the most work.
    """
    return (1 << 256) // (target + 1)


# -----------------------------------------------------------------------------
# Header

@dataclass(frozen=True)
class BlockHeader:
    """The 80-byte Bitcoin block header."""

    version: int        # 4 bytes, signed little-endian (BIP9 version bits live here)
    prev_hash: bytes    # 32 bytes, internal byte order: hash() of the parent header
    merkle_root: bytes  # 32 bytes, internal byte order: commits to the transactions
    timestamp: int      # 4 bytes, unsigned, seconds since 1970-01-01 UTC
    bits: int           # 4 bytes, compact encoding of the target
    nonce: int          # 4 bytes, unsigned: the number miners search over

    def __post_init__(self):
        if len(self.prev_hash) != 32 or len(self.merkle_root) != 32:
            raise ValueError("prev_hash and merkle_root are 32 bytes (internal byte order)")

    @classmethod
    def parse(cls, raw: bytes) -> BlockHeader:
        """Parse the 80-byte wire format."""
        if len(raw) != HEADER_SIZE:
            raise ValueError(f"a block header is {HEADER_SIZE} bytes, got {len(raw)}")
        version, prev_hash, merkle, timestamp, bits, nonce = struct.unpack("<i32s32sIII", raw)
        return cls(version, prev_hash, merkle, timestamp, bits, nonce)

    @classmethod
    def from_hex(cls, raw_hex: str) -> BlockHeader:
        """Parse a header given as 160 hex characters."""
        return cls.parse(bytes.fromhex(raw_hex))

    def serialize(self) -> bytes:
        """The 80-byte wire format."""
        return struct.pack("<i32s32sIII", self.version, self.prev_hash, self.merkle_root,
                           self.timestamp, self.bits, self.nonce)

    def hash(self) -> bytes:
        """Block hash: double SHA-256 of the header, internal byte order."""
        return double_sha256(self.serialize())

    def hash_hex(self) -> str:
        """Block hash in display order, as explorers and `getblock` show it."""
        return self.hash()[::-1].hex()

    @property
    def prev_hash_hex(self) -> str:
        """Parent hash in display order."""
        return self.prev_hash[::-1].hex()

    @property
    def merkle_root_hex(self) -> str:
        """Merkle root in display order."""
        return self.merkle_root[::-1].hex()

    @property
    def target(self) -> int:
        """The 256-bit number the block hash must not exceed."""
        return bits_to_target(self.bits)

    @property
    def difficulty(self) -> float:
        """How many times harder than the genesis target this block was."""
        return difficulty_from_bits(self.bits)

    @property
    def work(self) -> int:
        """Expected hashes behind this header (GetBlockProof)."""
        return work_from_target(self.target)

    def hash_int(self) -> int:
        """The block hash read as a little-endian 256-bit integer."""
        return int.from_bytes(self.hash(), "little")

    def check_pow(self, pow_limit: int | None = None) -> bool:
        """Proof of work holds: valid bits and hash <= target (<= pow_limit if given).

        Same checks as Bitcoin Core's CheckProofOfWork.
        """
        target, negative, overflow = decode_compact(self.bits)
        if negative or overflow or target == 0:
            return False
        if pow_limit is not None and target > pow_limit:
            return False
        return self.hash_int() <= target

    def with_nonce(self, nonce: int) -> BlockHeader:
        """A copy of this header with another nonce."""
        return replace(self, nonce=nonce)


# -----------------------------------------------------------------------------
# Block = header + transactions

def read_varint(data: bytes, offset: int) -> tuple[int, int]:
    """Read a Bitcoin CompactSize integer; return (value, new offset).

    Raises ValueError (not IndexError) when the data ends first, so a
    truncated block reads as a parsing error.
    """
    if offset >= len(data):
        raise ValueError(f"truncated data: expected a CompactSize at byte {offset}, "
                         f"but there are only {len(data)} bytes")
    first = data[offset]
    if first < 0xFD:
        return first, offset + 1
    size = {0xFD: 2, 0xFE: 4, 0xFF: 8}[first]
    end = offset + 1 + size
    if end > len(data):
        raise ValueError(f"truncated data: the CompactSize at byte {offset} needs {size} more bytes")
    return int.from_bytes(data[offset + 1:end], "little"), end


def encode_varint(n: int) -> bytes:
    """Encode a non-negative integer as a Bitcoin CompactSize."""
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    if n <= 0xFFFFFFFF:
        return b"\xfe" + n.to_bytes(4, "little")
    return b"\xff" + n.to_bytes(8, "little")


def transaction_length(data: bytes, offset: int) -> int:
    """Length in bytes of the legacy (pre-SegWit) transaction starting at offset.

    Only splits the bytes; it does not validate scripts or amounts.
    """
    start = offset
    pos = offset + 4                                   # version
    n_inputs, pos = read_varint(data, pos)
    if n_inputs == 0:
        raise ValueError("SegWit (or input-less) transactions are not supported here")
    for _ in range(n_inputs):
        pos += 36                                      # previous txid (32) + output index (4)
        script_len, pos = read_varint(data, pos)
        pos += script_len + 4                          # scriptSig + sequence
    n_outputs, pos = read_varint(data, pos)
    for _ in range(n_outputs):
        pos += 8                                       # amount in satoshis
        script_len, pos = read_varint(data, pos)
        pos += script_len                              # scriptPubKey
    pos += 4                                           # lock time
    if pos > len(data):
        raise ValueError(f"truncated transaction starting at byte {start}: "
                         f"it needs {pos - start} bytes, only {len(data) - start} are left")
    return pos - start


@dataclass(frozen=True)
class Block:
    """A header plus the transactions it commits to."""

    header: BlockHeader
    txids: tuple[bytes, ...]                      # 32 bytes each, internal byte order
    raw_txs: tuple[bytes, ...] = field(default=(), compare=False)  # serialized txs, if known

    def __post_init__(self):
        if any(len(t) != 32 for t in self.txids):
            raise ValueError("txids are 32-byte hashes in internal byte order")
        if self.raw_txs and len(self.raw_txs) != len(self.txids):
            raise ValueError("raw_txs and txids must have the same length")

    @classmethod
    def from_raw_txs(cls, header: BlockHeader, raw_txs: list[bytes]) -> Block:
        """Build a block from serialized transactions (txid = double SHA-256)."""
        raw = tuple(bytes(tx) for tx in raw_txs)
        return cls(header, tuple(double_sha256(tx) for tx in raw), raw)

    @classmethod
    def from_txids(cls, header: BlockHeader, txids: list[str]) -> Block:
        """Build a block from display-order txid hex strings (no raw bytes)."""
        return cls(header, tuple(bytes.fromhex(t)[::-1] for t in txids))

    @classmethod
    def parse(cls, raw: bytes) -> Block:
        """Parse a serialized legacy block: header, tx count, transactions.

        Truncated or otherwise malformed input raises ValueError.
        """
        if len(raw) < HEADER_SIZE:
            raise ValueError(f"truncated block: {len(raw)} bytes, less than the {HEADER_SIZE}-byte header")
        header = BlockHeader.parse(raw[:HEADER_SIZE])
        count, pos = read_varint(raw, HEADER_SIZE)
        txs = []
        for _ in range(count):
            length = transaction_length(raw, pos)
            txs.append(raw[pos:pos + length])
            pos += length
        if pos != len(raw):
            raise ValueError(f"{len(raw) - pos} unexpected bytes after the last transaction")
        return cls.from_raw_txs(header, txs)

    def serialize(self) -> bytes:
        """Wire format of the whole block (needs raw_txs)."""
        if len(self.raw_txs) != len(self.txids):
            raise ValueError("serializing a block needs the raw transactions")
        return self.header.serialize() + encode_varint(len(self.raw_txs)) + b"".join(self.raw_txs)

    def hash(self) -> bytes:
        """The block hash (that of its header), internal byte order."""
        return self.header.hash()

    def hash_hex(self) -> str:
        """The block hash in display order."""
        return self.header.hash_hex()

    @property
    def txids_hex(self) -> list[str]:
        """Txids in display order."""
        return [t[::-1].hex() for t in self.txids]

    def computed_merkle_root(self) -> bytes:
        """Merkle root recomputed from the transactions (internal byte order)."""
        return merkle_root(list(self.txids))

    def check_merkle_root(self) -> bool:
        """The header commits to exactly these transactions.

        False when the roots differ, when there are no transactions, and for a
        CVE-2012-2459 "mutated" list whose root matches only thanks to a
        duplicated pair of transactions.
        """
        if not self.txids:
            return False
        leaves = list(self.txids)
        return merkle_root(leaves) == self.header.merkle_root and not is_mutated(leaves)
