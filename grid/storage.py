"""Read a contract's storage directly, slot by slot, using solc's storage layout.

The seed contract "protects" users' data with getters that return 0 to
strangers, but every storage slot of every contract is public: anyone can
read it with eth_getStorageAt. The toolkit uses this to explain failures (which
right is missing?) and the curriculum uses it to show the flaw.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eth_utils import keccak, to_checksum_address

WORD = 32
ReadSlot = Callable[[int], bytes]


def mapping_slot(key: bytes, base_slot: int) -> int:
    """Slot of `mapping[key]` for a mapping declared at `base_slot` (Solidity docs)."""
    return int.from_bytes(keccak(key.rjust(WORD, b"\0") + base_slot.to_bytes(WORD, "big")), "big")


def read_string(read: ReadSlot, slot: int) -> str:
    """Decode a `string` stored at `slot` (short strings inline, long ones hashed)."""
    word = read(slot)
    if word[-1] & 1 == 0:  # short: data inline, lowest byte = 2 * length
        return word[: word[-1] // 2].decode("utf-8", errors="replace")
    length = (int.from_bytes(word, "big") - 1) // 2
    start = int.from_bytes(keccak(slot.to_bytes(WORD, "big")), "big")
    data = b"".join(read(start + i) for i in range((length + WORD - 1) // WORD))
    return data[:length].decode("utf-8", errors="replace")


def read_value(read: ReadSlot, slot: int, offset: int, type_id: str, size: int) -> Any:
    """Decode one value of solc storage type `type_id` at (slot, byte offset)."""
    if type_id.startswith("t_string"):
        return read_string(read, slot)
    word = read(slot)
    raw = word[WORD - offset - size: WORD - offset]  # values pack from the low-order end
    if type_id == "t_bool":
        return raw != b"\0" * size
    if type_id.startswith("t_address"):
        return to_checksum_address(raw)
    if type_id.startswith("t_int"):
        return int.from_bytes(raw, "big", signed=True)
    if type_id.startswith("t_uint"):
        return int.from_bytes(raw, "big")
    raise ValueError(f"storage type {type_id} is not decoded by this helper")


def _struct_members(layout: dict, mapping_label: str) -> tuple[int, list[dict]]:
    """(slot of the mapping, the struct's members) for a mapping to a struct."""
    entry = next(e for e in layout["storage"] if e["label"] == mapping_label)
    struct_type = layout["types"][entry["type"]]["value"]
    return int(entry["slot"]), layout["types"][struct_type]["members"]


def _read_member(read: ReadSlot, layout: dict, base: int, member: dict) -> Any:
    size = int(layout["types"][member["type"]]["numberOfBytes"])
    return read_value(read, base + int(member["slot"]), member["offset"], member["type"], size)


def struct_member_slot(layout: dict, mapping_label: str, key: bytes, label: str) -> int:
    """Slot of member `label` of `mapping_label[key]`: keccak256(key . slot) + the member's slot.

    Raises KeyError when the struct has no member `label`.
    """
    mapping_base, members = _struct_members(layout, mapping_label)
    member = next((m for m in members if m["label"] == label), None)
    if member is None:
        raise KeyError(label)
    return mapping_slot(key, mapping_base) + int(member["slot"])


def read_struct_member(read: ReadSlot, layout: dict, mapping_label: str, key: bytes, label: str) -> Any:
    """Decode one member `label` of `mapping_label[key]`, reading only its slot(s)."""
    mapping_base, members = _struct_members(layout, mapping_label)
    member = next(m for m in members if m["label"] == label)
    return _read_member(read, layout, mapping_slot(key, mapping_base), member)


def read_struct_in_mapping(read: ReadSlot, layout: dict, mapping_label: str, key: bytes) -> dict:
    """Decode `mapping_label[key]` (a mapping to a struct) into {member: value}."""
    mapping_base, members = _struct_members(layout, mapping_label)
    base = mapping_slot(key, mapping_base)
    return {m["label"]: _read_member(read, layout, base, m) for m in members}


def read_variable(read: ReadSlot, layout: dict, label: str) -> Any:
    """Decode a top-level state variable (e.g. `administrator`)."""
    entry = next(e for e in layout["storage"] if e["label"] == label)
    size = int(layout["types"][entry["type"]]["numberOfBytes"])
    return read_value(read, int(entry["slot"]), entry["offset"], entry["type"], size)
