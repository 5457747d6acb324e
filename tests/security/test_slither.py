"""Slither runs offline on both contracts, and the findings the lesson shows are the ones it reports.

Expected values come from Slither's own documentation (the detector wiki,
github.com/crytic/slither/wiki/Detector-Documentation), not from our code:
`tx-origin` flags authorisation by tx.origin, `reentrancy-eth` an external
call before a state write, and no detector looks for arithmetic overflow.
"""
from __future__ import annotations

import json
import subprocess

from grid import cli
from grid.analysis import slither

TX_ORIGIN_WALLET = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;
contract Wallet {
    address owner = msg.sender;
    mapping(address => uint256) public balance;
    function withdrawAll(address payable to) external {
        require(tx.origin == owner);
        to.transfer(address(this).balance);
    }
    function withdraw() external {
        (bool ok, ) = msg.sender.call{value: balance[msg.sender]}("");
        require(ok);
        balance[msg.sender] = 0;
    }
    function deposit() external payable { balance[msg.sender] += msg.value; }
}
"""


def test_the_committed_findings_are_what_slither_reports_now():
    assert slither.run_slither(slither.committed_sources()) == slither.load_findings()


def test_the_pipeline_finds_known_vulnerabilities_in_a_known_bad_contract():
    checks = {f.check for f in slither.run_slither({"Wallet.sol": TX_ORIGIN_WALLET})}
    assert {"tx-origin", "reentrancy-eth"} <= checks


def test_slither_finds_no_flaw_of_the_seed_beyond_style_and_gas():
    seed = [f for f in slither.load_findings() if f.contract == "PowerGeneration"]
    assert seed and {f.impact for f in seed} <= {"Informational", "Optimization"}


def test_slither_has_no_overflow_detector():
    listed = subprocess.run([slither.slither_binary(), "--list-detectors-json"], capture_output=True,
                            text=True, timeout=120, check=True).stdout
    detectors = json.loads(listed)
    assert len(detectors) > 50
    assert not [d for d in detectors if "overflow" in (d["check"] + d["title"]).lower()]


def test_the_cli_says_when_the_committed_findings_are_stale(monkeypatch, capsys):
    monkeypatch.setattr(slither, "load_findings", lambda: [])
    assert cli.main(["slither", "--check"]) == 1
    assert "is stale: run `python -m grid slither`" in capsys.readouterr().err
