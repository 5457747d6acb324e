"""Section 5.2.2 of the thesis, replayed with its own numbers on both chains."""
from grid.demo import run_scenario


def test_section_5_2_2_reproduces_the_thesis_numbers(chain):
    snap = chain.snapshot()
    lines = []
    result = run_scenario(chain, out=lines.append)
    chain.revert(snap)
    # Thesis 5.2.2: "0: int256: _value 0" and "0: uint256: _value 0" before the sale,
    # then -100 and 100, then -90 after generating 10, GetTotalGeneration 10, "stop".
    assert (result.generation_before, result.remaining_before) == (0, 0)
    assert (result.generation_after_sale, result.remaining_after_sale) == (-100, 100)
    assert (result.generation_after_generate, result.total_generation) == (-90, 10)
    assert result.dispatch_received == "stop"
    text = "\n".join(lines)
    assert "0: int256: _value -100" in text and "0: uint256: _value 100" in text
    # Figure 5-4: the registration's input starts 0x241; its decoded input has these fields.
    empower = result.transactions[0]
    assert empower.input.startswith("0x241")
    assert empower.decoded_input["string _name"] == "PowerProviderOne"
    assert empower.decoded_input["string _useraddr"] == "Sundsvall"
    assert (empower.decoded_input["bool _generaterights"], empower.decoded_input["bool _userights"]) \
        == (True, False)
