"""Checks for notebook 00: four warm-ups that show how exercises work.

Expected values come from Python built-ins (independent of your code) or from
the thesis's genesis.json (section 5.3).
"""
from ..exercises import exercise, expect

GENESIS_TIMESTAMP_HEX = "0x5ddf8f3e"  # thesis section 5.3, genesis.json "timestamp"
GENESIS_TIMESTAMP = 1574932286        # = 2019-11-28 09:11:26 UTC


@exercise("00.1", "bytes to hex")
def check_to_hex(to_hex):
    for data in (b"", b"\x00\xff", b"GridChain", bytes(range(16))):
        got = to_hex(data)
        expect(got == data.hex(), f"to_hex({data!r}) returned {got!r}, expected {data.hex()!r}")
    return "to_hex turns bytes into lower-case hex, two digits a byte"


@exercise("00.2", "hex to integer")
def check_hex_to_int(hex_to_int):
    got = hex_to_int(GENESIS_TIMESTAMP_HEX)
    expect(got == GENESIS_TIMESTAMP, f"hex_to_int({GENESIS_TIMESTAMP_HEX!r}) returned {got!r}, "
                                     f"expected {GENESIS_TIMESTAMP} (the thesis's genesis timestamp)")
    for text in ("0x0", "0xff", "0x29a"):
        expect(hex_to_int(text) == int(text, 16), f"hex_to_int({text!r}) returned {hex_to_int(text)!r}")
    return f"{GENESIS_TIMESTAMP_HEX} is {GENESIS_TIMESTAMP} seconds since 1970: 28 November 2019"


@exercise("00.3", "reverse the byte order")
def check_reverse_bytes(reverse_bytes):
    genesis_hash = "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000"
    for text in ("0102", "00000000000000000001", genesis_hash):
        want = bytes.fromhex(text)[::-1].hex()
        got = reverse_bytes(text)
        expect(got == want, f"reverse_bytes({text[:16]}...) returned {str(got)[:20]}..., expected "
                            f"{want[:20]}...")
    return "reversed byte by byte (not character by character): this is Bitcoin's display order"


@exercise("00.4", "count the 1 bits")
def check_count_one_bits(count_one_bits):
    for data in (b"", b"\x00", b"\xff", b"\x0f\xf0\x01", "⚡".encode()):
        want = bin(int.from_bytes(data, "big")).count("1")
        got = count_one_bits(data)
        expect(got == want, f"count_one_bits({data!r}) returned {got!r}, expected {want}")
    return "you can now count how many bits a hash changes (notebook 01's avalanche)"
