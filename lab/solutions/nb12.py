"""Reference solutions for notebook 12 (attacking and fixing the contract)."""
from __future__ import annotations

from eth_utils import keccak

from lab.security import seed_source
from lab.solutions import ModelAnswer


# ---------------------------------------------------------------- part 1: the exploits
def erase_purchase(seed):
    """As the administrator, register consumer1 again: the seed resets its balances."""
    seed.invoke("empower", "consumer1", "Consumer One", "Sundsvall", False, True, sender="admin")


def silent_success(seed):
    """GeneratePower from an account without the right: mined, status 1, nothing changes."""
    seed.invoke("GeneratePower", 500, sender="consumer1")


def sell_unmade(seed):
    """generator2 has generated nothing, and sells anyway."""
    seed.invoke("Transfer", "consumer2", 500, sender="generator2")


def self_reported(seed):
    """generator1 claims a megawatt-hour: no meter is asked."""
    seed.invoke("GeneratePower", 1_000_000, sender="generator1")


def wrap_around(seed):
    """int256(2**255) is the most negative int256: 'generating' it makes the balance negative."""
    seed.invoke("GeneratePower", 2**255, sender="generator1")


def invisible_changes(seed):
    """Register user5 and sell it 50 Wh: storage changes, the logs stay empty."""
    seed.invoke("empower", "user5", "User Five", "Sundsvall", False, True, sender="admin")
    seed.invoke("GeneratePower", 50, sender="generator1")
    seed.invoke("Transfer", "user5", 50, sender="generator1")


def withdraw_right(seed):
    """The only way: register consumer1 again without rights (which wipes its balances too)."""
    seed.invoke("empower", "consumer1", "Consumer One", "Sundsvall", False, False, sender="admin")


def overwrite_dispatch(seed):
    """Two instructions: the second overwrites the first in `information`."""
    seed.invoke("PowerDispatch", "generator1", "stop", sender="admin")
    seed.invoke("PowerDispatch", "generator1", "resume", sender="admin")


def read_name(storage_at, user, mapping_slot):
    """The `name` of `user[user]`, from storage alone (Solidity docs, "Layout of State Variables")."""
    key = bytes(12) + bytes.fromhex(user[2:])
    base = int.from_bytes(keccak(key + mapping_slot.to_bytes(32, "big")), "big")   # the struct's slot
    word = storage_at(base)                                  # `name` is the struct's first member
    if word[-1] % 2 == 0:                                    # short string: data and length*2 in one word
        return word[:word[-1] // 2].decode()
    length = (int.from_bytes(word, "big") - 1) // 2          # long string: length*2+1 here, data elsewhere
    start = int.from_bytes(keccak(base.to_bytes(32, "big")), "big")
    data = b"".join(storage_at(start + i) for i in range((length + 31) // 32))
    return data[:length].decode()


def stranger_reads(seed):
    """consumer2 asks for generator1's total generation; the seed answers 0 instead of refusing."""
    seed.total_generated("generator1", sender="consumer2")


# ---------------------------------------------------------------- part 2: the fixes
def keep_balances_source():
    """empower without the lines that reset the balances."""
    source = seed_source()
    for line in ("generationPower", "totalGenerationPower", "usePower", "totalUsePower"):
        source = source.replace(f"        user[addr].{line} = 0;\n", "")
    return source


def registration_event_source():
    """An indexed event, emitted by empower."""
    return seed_source().replace(
        "    address private administrator;\n",
        "    address private administrator;\n"
        "    event UserRegistered(address indexed user, bool canGenerate, bool canConsume);\n").replace(
        '        user[addr].information = "";\n',
        '        user[addr].information = "";\n'
        "        emit UserRegistered(addr, _generaterights, _userights);\n")


def only_meter_source():
    """A meter per user, bound by the administrator; only it may record that user's generation."""
    old = seed_source()
    start = old.index("    function GeneratePower(uint256 _value) public")
    end = old.index("    function Transfer(")
    fixed = """    mapping(address => address) meter;

    modifier onlyMeter(address addr) {
        require(meter[addr] != address(0) && msg.sender == meter[addr], "only the user's meter");
        _;
    }

    function bindMeter(address addr, address _meter) public
    {
        require(msg.sender == administrator, "only the administrator");
        meter[addr] = _meter;
    }

    function GeneratePower(address addr, uint256 _value) public onlyMeter(addr)
    {
        require(user[addr].generaterights, "no generation right");
        user[addr].generationPower += int256(_value);
        user[addr].totalGenerationPower += _value;
    }

"""
    return old[:start] + fixed + old[end:]


def bounded_transfer_source():
    """Checked arithmetic, amounts that fit an int256, and no sale beyond the unsold generation."""
    old = seed_source()
    start = old.index("    function GeneratePower(uint256 _value) public")
    end = old.index("    function PowerConsume(")
    fixed = """    function GeneratePower(uint256 _value) public
    {
        require(user[msg.sender].generaterights, "no generation right");
        require(_value <= uint256(type(int256).max), "amount too large");
        user[msg.sender].generationPower += int256(_value);
        user[msg.sender].totalGenerationPower += _value;
    }

    function Transfer(address _to, uint256 _value) public
    {
        require(user[msg.sender].generaterights, "no generation right");
        require(user[_to].userights, "the buyer has no consumption right");
        require(_value > 0 && _value <= uint256(type(int256).max), "bad amount");
        require(int256(_value) <= user[msg.sender].generationPower, "more than the unsold generation");
        user[msg.sender].generationPower -= int256(_value);
        user[_to].usePower += _value;
    }

"""
    return old[:start] + fixed + old[end:]


def dispatch_history_source():
    """Dispatches appended with their block time; a count and an indexed read."""
    old = seed_source()
    start = old.index("    function PowerDispatch(")
    end = old.index("    function GetUsedOfSelf(")
    fixed = """    struct Dispatch { string instruction; uint64 timestamp; }
    mapping(address => Dispatch[]) history;

    function PowerDispatch(address addr, string memory _info) public
    {
        require(msg.sender == administrator, "only the administrator");
        history[addr].push(Dispatch(_info, uint64(block.timestamp)));
        user[addr].information = _info;
    }

    function dispatchCount(address addr) public view returns (uint256)
    {
        return history[addr].length;
    }

    function dispatchAt(address addr, uint256 i) public view returns (string memory, uint64)
    {
        return (history[addr][i].instruction, history[addr][i].timestamp);
    }

"""
    return old[:start] + fixed + old[end:]


SOLUTIONS = {
    "12.1": erase_purchase, "12.2": silent_success, "12.3": sell_unmade, "12.4": self_reported,
    "12.5": wrap_around, "12.6": invisible_changes, "12.7": withdraw_right, "12.8": overwrite_dispatch,
    "12.9": read_name, "12.10": stranger_reads,
    "12.11": keep_balances_source, "12.12": registration_event_source, "12.13": only_meter_source,
    "12.14": bounded_transfer_source, "12.15": dispatch_history_source,
}

MODEL_ANSWERS = {
    "12.Q1": ModelAnswer(
        points=4,
        answer=(
            'A strong answer ranks a flaw by who can exploit it, the harm, and whether it can be '
            'detected and reversed. For example the self-reported generation (a generator writes its '
            'own generation, no meter) or selling power never generated: any registered generator can '
            'exploit it at will, it creates energy on paper that the utility must pay or deliver, it '
            'scales to any amount, and the chain records it as a valid transaction, so it is hard to '
            "tell from honest use or undo. The administrator's empower erasing balances is also serious"
            " but needs the administrator, a trusted party, and is visible. A flaw like the 'private' "
            'totals that anyone can read from storage harms privacy but not the energy balance, so it '
            'ranks lower. The choice can differ if well argued.'
        ),
        marking=(
            '1 point: names a flaw and its exploiter (anyone, a generator, only the administrator); 1 '
            'point: the cost to the utility or customers; 1 point: whether it can be detected and '
            'undone; 1 point: a reasoned comparison with a lower-ranked flaw'
        ),
    ),
}
