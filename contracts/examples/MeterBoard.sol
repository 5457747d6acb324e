// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// Meters post readings in Wh; the operator may clear a meter's total.
contract MeterBoard {
    error NotTheOperator(address caller, address operator);
    event Reading(address indexed meter, uint64 slot, uint256 wh);

    address public operator = msg.sender;
    mapping(address => uint256) public totalWh;
    uint256[] public readings;

    function post(uint64 slot, uint256 wh) external {
        require(wh > 0, "a reading must be above 0 Wh");
        totalWh[msg.sender] += wh;                  // checked: an overflow is a panic
        readings.push(wh);
        emit Reading(msg.sender, slot, wh);
    }

    function clear(address meter) external {
        if (msg.sender != operator) revert NotTheOperator(msg.sender, operator);
        totalWh[meter] = 0;
    }

    function share(uint256 index, uint256 parts) external view returns (uint256) {
        return readings[index] / parts;             // out of range or 0 parts: a panic
    }
}
