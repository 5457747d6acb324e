"""Reference solutions for notebook 08."""
from eth_abi import decode
from eth_utils import keccak

from lab.solutions import ModelAnswer


def transaction_fee(w3, tx_hash: str) -> dict:
    """{"fee", "burned", "tip"} in wei: gas used x effective price; the base fee part is burned."""
    receipt = w3.eth.get_transaction_receipt(tx_hash)
    base_fee = w3.eth.get_block(receipt["blockNumber"])["baseFeePerGas"]
    fee = receipt["gasUsed"] * receipt["effectiveGasPrice"]    # effective price = base fee + tip per gas
    burned = receipt["gasUsed"] * base_fee
    return {"fee": fee, "burned": burned, "tip": fee - burned}


def decode_entry_input(input_hex: str, abi: list) -> tuple:
    """(function name, [arguments]) of a log entry's input, found by its 4-byte selector."""
    data = bytes.fromhex(input_hex[2:])
    for item in abi:
        if item.get("type") != "function":
            continue
        types = [p["type"] for p in item["inputs"]]
        if keccak(text=f"{item['name']}({','.join(types)})")[:4] == data[:4]:
            return item["name"], list(decode(types, data[4:]))
    raise ValueError(f"no function of this ABI has the selector 0x{data[:4].hex()}")


def predict_balances(steps: list) -> dict:
    """The four readings after generator1 sells to / generates / consumer1 consumes, as in the contract."""
    generation = total_generation = remaining = total_used = 0
    for action, amount in steps:
        if action == "sell":          # Transfer: generationPower -= v, buyer's usePower += v
            generation -= amount
            remaining += amount
        elif action == "generate":    # GeneratePower: generationPower += v, totalGenerationPower += v
            generation += amount
            total_generation += amount
        elif action == "consume":     # PowerConsume: usePower -= v, totalUsePower += v
            remaining -= amount
            total_used += amount
    return {"GetGeneration": generation, "GetTotalGeneration": total_generation,
            "GetUsedOfSelf": remaining, "GetTotalUsedOfSomeone": total_used}


def failing_require(function: str, sender: str, args: list, state: dict) -> int:
    """Number (1, 2, 3) of the first require() of `function` that fails; 0 when none does."""
    users = state["users"]
    if function in ("empower", "PowerDispatch"):
        return 0 if sender == state["administrator"] else 1
    if function == "Transfer":
        buyer, amount = args
        if not users[sender]["generaterights"]:
            return 1
        if not users[buyer]["userights"]:
            return 2
        before = users[buyer]["usePower"]
        return 0 if (before + amount) % 2**256 > before else 3   # unchecked uint256 wraps around
    if function == "PowerConsume":
        if not users[sender]["userights"]:
            return 1
        return 0 if users[sender]["usePower"] >= args[0] else 2
    return 0   # GeneratePower: no require, it returns silently


# Which function answers which exercise (the test suite checks each one).
SOLUTIONS = {
    "08.1": transaction_fee,
    "08.2": decode_entry_input,
    "08.3": predict_balances,
    "08.4": failing_require,
}

MODEL_ANSWERS = {
    "08.Q1": ModelAnswer(
        points=3,
        answer=(
            'The transaction is mined: it is in a block with a receipt whose status is 0 (failed). The '
            '`require` reverts every state change of the call, so no balance moves, but the gas used up'
            " to the revert is still paid by consumer1, because the miner did the work. The console's "
            'preflight reads the same rights and balances the `require`s test and refuses the '
            'transaction without spending anything, and it gives a clear sentence instead of a failed '
            'receipt. It can still be wrong because the state can change between the check and the '
            'mining: another transaction mined first (a sale, a consumption) can make a checked '
            'transaction revert, or one that was refused succeed.'
        ),
        marking=(
            '1 point: the transaction is mined with status 0 and the balances do not change; 1 point: '
            'the sender still pays the gas used; 1 point: the preflight saves that cost, but the state '
            'can change before the transaction is mined'
        ),
    ),
}
