// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/*
 * PowerGeneration: the smart contract of the 2020 thesis "Design and
 * Implementation of a Smart Grid System Based on Blockchain Smart Contract
 * Technology", Appendix A, ported from Solidity ^0.4.0 to 0.8.37.
 *
 * This is a FAITHFUL port. The seed is taught as it was, flaws included, so
 * that later lessons can point at them. Function names, parameter names,
 * storage layout and observable behaviour are those of Appendix A.
 *
 * Every change from the 0.4 original, and why:
 *  1. `function PowerGeneration()` became `constructor()`: 0.5+ no longer
 *     treats a function named after the contract as its constructor.
 *  2. `constant` became `view` on the five getters: `constant` for functions
 *     was removed in 0.5. Same meaning: they read state and do not change it.
 *  3. String parameters and returns gained `memory`: data locations became
 *     mandatory in 0.5. No change in behaviour.
 *  4. All arithmetic sits in `unchecked { }` blocks: 0.8 reverts on overflow,
 *     0.4 wrapped around silently. Keeping the wrap-around keeps the seed's
 *     semantics, in particular:
 *       - `Transfer`'s guard `usePower + _value > usePower` is the 0.4 idiom
 *         that rejects both `_value == 0` and an overflowing sum; under
 *         checked arithmetic the overflow case would become a Panic instead;
 *       - `int256(_value)` of a `_value` >= 2**255 is negative (a plain
 *         reinterpretation in both versions), and `generationPower` and the
 *         totals wrap instead of reverting.
 *  5. `// SPDX-License-Identifier` and an exact `pragma solidity 0.8.37`:
 *     0.6.8+ warns without the licence line, and the exact pragma ties the
 *     source to the compiler that built the committed artifact.
 *  6. (Implicit, from the compiler, not the source.) 0.8's default ABI coder
 *     v2 validates calldata: a call with a malformed bool or address, or
 *     with too few argument bytes, now reverts where 0.4 read what it got.
 *     Well-formed calls, which is all any client sends, behave the same.
 *
 * Kept on purpose (quirks of the seed that the curriculum discusses):
 *  - `GeneratePower` silently `return`s for a caller without the generation
 *    right: the transaction succeeds and changes nothing.
 *  - `generationPower` is int256 and goes negative when power is sold before
 *    it is generated ("power still to be generated").
 *  - `GetTotalUsedOfSomeone` and `GetTotalGeneration` fall off the end for
 *    an unauthorised caller, so the named return `_value` is 0: no revert.
 *  - `require`s carry no reason strings, and nothing is emitted as an event.
 *  - `empower` may re-register an address, resetting its balances to 0.
 *  - The "private" getters hide nothing: all storage is public on a chain.
 */
contract PowerGeneration {
    address private administrator;

    struct User
    {
        string name;
        string useraddr;
        int256 generationPower;
        uint256 totalGenerationPower;
        uint256 usePower;
        uint256 totalUsePower;
        bool generaterights;
        bool userights;
        string information;
    }

    mapping(address => User) user;

    constructor()
    {
        administrator = msg.sender;
    }

    function empower(address addr, string memory _name, string memory _useraddr, bool
    _generaterights, bool _userights) public
    {
        require(msg.sender == administrator);
        user[addr].name = _name;
        user[addr].useraddr = _useraddr;
        user[addr].generationPower = 0;
        user[addr].totalGenerationPower = 0;
        user[addr].usePower = 0;
        user[addr].totalUsePower = 0;
        user[addr].generaterights = _generaterights;
        user[addr].userights = _userights;
        user[addr].information = "";
    }

    function GeneratePower(uint256 _value) public
    {
        if(!user[msg.sender].generaterights)
            return;
        unchecked {
            user[msg.sender].generationPower += int256(_value);
            user[msg.sender].totalGenerationPower += _value;
        }
    }

    function Transfer(address _to, uint256 _value) public
    {
        require(user[msg.sender].generaterights);
        require(user[_to].userights);
        unchecked {
            require(user[_to].usePower + _value > user[_to].usePower);
            user[msg.sender].generationPower -= int256(_value);
            user[_to].usePower += _value;
        }
    }

    function PowerConsume(uint256 _value) public
    {
        require(user[msg.sender].userights);
        require(user[msg.sender].usePower >= _value);
        unchecked {
            user[msg.sender].usePower -= _value;
            user[msg.sender].totalUsePower += _value;
        }
    }

    function PowerDispatch(address addr, string memory _info) public
    {
        require(msg.sender == administrator);
        user[addr].information = _info;
    }

    function GetUsedOfSelf() public view returns(uint256 _value)
    {
        return (user[msg.sender].usePower);
    }

    function GetTotalUsedOfSomeone(address addr) public view
    returns(uint256 _value)
    {
        if(msg.sender == addr || msg.sender == administrator)
            return (user[addr].totalUsePower);
    }

    function GetGeneration() public view returns(int256 _value)
    {
        return (user[msg.sender].generationPower);
    }

    function GetTotalGeneration(address addr) public view
    returns(uint256 _value)
    {
        if(msg.sender == addr || msg.sender == administrator)
            return (user[addr].totalGenerationPower);
    }

    function GetInformation() public view returns(string memory _info)
    {
        return (user[msg.sender].information);
    }
}
