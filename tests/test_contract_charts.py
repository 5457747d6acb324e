"""lab.contract_charts: notebook 07's views of the contract, checked against independent values.

Expected values come from the committed artifact JSON (solc's own output), the
Solidity docs ("Contract Metadata": solc 0.8 appends the CBOR map
{"ipfs": 34-byte multihash, "solc": 3 version bytes}, 51 bytes, then its length
in 2 bytes) and the contract's source text; charts must pass lab.chart_rules.
"""
from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector

from grid.compiler import load_artifact
from grid.contract import FunctionSpec
from grid.gas import GasMeasurement, GasReport, StringCost
from lab.chart_rules import problems
from lab.contract_charts import (
    abi_rows,
    calldata_layout,
    code_sizes,
    contract_parts,
    plot_gas_report,
    plot_string_cost,
    show_part,
)

ROOT = Path(__file__).resolve().parents[1]
ARTIFACT = json.loads((ROOT / "contracts" / "PowerGeneration.json").read_text())
SOURCE = (ROOT / "contracts" / "PowerGeneration.sol").read_text()
CBOR_METADATA = 1 + (1 + 4) + (2 + 34) + (1 + 4) + (1 + 3)   # map, "ipfs", bytes(34), "solc", bytes(3)


def test_code_sizes_match_the_artifact_and_solc_metadata_layout():
    sizes = code_sizes(load_artifact("PowerGeneration"))
    assert sizes.creation == (len(ARTIFACT["bytecode"]) - 2) // 2
    assert sizes.runtime == (len(ARTIFACT["deployedBytecode"]) - 2) // 2
    assert sizes.metadata == CBOR_METADATA + 2 == 53
    assert sizes.solc_version == ARTIFACT["compiler"]["version"].split("+")[0]


def test_every_declaration_is_found_with_its_source_lines():
    names = [p.name for p in contract_parts(SOURCE)]
    functions = [i["name"] for i in ARTIFACT["abi"] if i["type"] == "function"]
    assert set(functions) <= set(names) and {"administrator", "User", "user", "constructor"} <= set(names)
    transfer = show_part(SOURCE, "Transfer").splitlines()
    assert "function Transfer(address _to, uint256 _value)" in transfer[0]
    assert transfer[-1].rstrip().endswith("}")
    assert sum("require(" in line for line in transfer) == 3


def test_abi_rows_split_five_calls_from_five_transactions():
    rows = abi_rows(ARTIFACT["abi"])
    assert sorted(r.name for r in rows if r.is_call) == sorted(
        i["name"] for i in ARTIFACT["abi"] if i.get("stateMutability") == "view")
    assert sum(not r.is_call for r in rows) == 5


def test_calldata_layout_of_figure_5_6():
    item = next(i for i in ARTIFACT["abi"] if i.get("name") == "Transfer")
    buyer = "0x69DEcf193967f83609eb67632b426ef1587097d2"   # thesis Figure 5-6
    data = function_signature_to_4byte_selector("Transfer(address,uint256)") + encode(
        ["address", "uint256"], [buyer, 100])
    lines = calldata_layout(data, FunctionSpec.from_abi(item)).splitlines()
    assert len(lines) == 3 and "69ca02dd" in lines[0]
    assert buyer.lower() in lines[1] and "_value = 100" in lines[2] and lines[2].split()[4].endswith("64")


def _measurement(label: str, used: int) -> GasMeasurement:
    return GasMeasurement(label, "PowerDispatch", "admin", 100, 21_500, used + 1_000, used, 1)


def test_charts_follow_the_chart_rules():
    report = GasReport("tester", "0x0", 1_000_000, [_measurement("a", 40_000), _measurement("b", 60_000)])
    costs = [StringCost(n, _measurement(f"{n} bytes", 48_000 + 22_000 * (n > 31))) for n in (1, 31, 32)]
    for fig in (plot_gas_report(report), plot_string_cost(costs)):
        assert problems(fig) == []
        plt.close(fig)
