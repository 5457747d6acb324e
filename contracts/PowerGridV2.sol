// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/*
 * PowerGridV2: the thesis's PowerGeneration contract (Appendix A) with each
 * of its flaws fixed. Energy is counted in Wh.
 *
 * What changed, flaw by flaw (notebook 12 exploits each one on the seed):
 *  1. empower keeps balances: registering again updates rights only.
 *  2. Every refusal reverts with a custom error; nothing "succeeds" silently.
 *  3. Transfer sells at most the unsold generation: no negative balances.
 *  4. Only the user's bound meter records generation and consumption.
 *  5. Checked arithmetic (0.8) and uint256 balances; a meter reading above
 *     MAX_READING_WH is refused as implausible.
 *  6. An event for every state change: a light client can follow the contract.
 *  7. revoke withdraws rights (balances are kept, as a court would want).
 *  8. Dispatch instructions are appended with their block time, never overwritten.
 *  9. No personal data on chain: `identity` is a salted keccak256 commitment
 *     to the off-chain record (name, location).
 * 10. A two-step administrator handover, and getters that never pretend.
 *
 * Left to the market contract on purpose: payment (escrow, price) and time
 * slots. Here a "sale" still moves Wh without money.
 */
contract PowerGridV2 {
    /// One user as stored. Everything here is readable by anyone: a chain's
    /// storage is public (eth_getStorageAt), so marking it `private` would
    /// only hide it from honest callers. The privacy fix is to store no
    /// personal data at all, only the commitment `identity`.
    struct User {
        bytes32 identity;        // keccak256(salt, name, location), 0 = never registered
        uint256 available;       // generated and not yet sold, Wh
        uint256 totalGenerated;  // cumulative, Wh
        uint256 purchased;       // bought and not yet consumed, Wh
        uint256 totalConsumed;   // cumulative, Wh
        bool canGenerate;
        bool canConsume;
        bool active;             // false after revoke
        address meter;           // the only address that may report this user's energy
    }

    struct Dispatch {
        string instruction;
        uint64 timestamp;        // block time the instruction was sent
    }

    /// The largest reading one meter report may carry: 1 GWh, a large power
    /// station's output for an hour. Anything above is a fault or an attack.
    uint256 public constant MAX_READING_WH = 1_000_000_000;

    address public admin;
    address public pendingAdmin;
    uint256 public userCount;
    mapping(address => User) private users;
    mapping(address => Dispatch[]) private dispatches;
    mapping(address => address) public meterOwner;   // meter => the user it reports for

    error NotAdmin(address caller, address admin);
    error NotPendingAdmin(address caller, address pendingAdmin);
    error ZeroAddress();
    error EmptyIdentity();
    error NotRegistered(address user);
    error NotActive(address user);
    error NoGenerationRight(address user);
    error NoConsumptionRight(address user);
    error NoMeter(address user);
    error NotTheMeter(address caller, address user, address meter);
    error MeterIsUser(address user);
    error MeterInUse(address meter, address user);
    error ZeroAmount();
    error ReadingTooLarge(uint256 wh, uint256 maxWh);
    error ExceedsAvailable(address generator, uint256 wh, uint256 available);
    error ExceedsPurchased(address consumer, uint256 wh, uint256 purchased);
    error EmptyInstruction();
    error NoSuchDispatch(address user, uint256 index, uint256 count);

    event UserRegistered(address indexed user, bytes32 identity, bool canGenerate, bool canConsume);
    event UserUpdated(address indexed user, bytes32 identity, bool canGenerate, bool canConsume);
    event UserRevoked(address indexed user);
    event MeterBound(address indexed user, address indexed meter);
    event PowerGenerated(address indexed user, address indexed meter, uint256 wh);
    event PowerTransferred(address indexed from, address indexed to, uint256 wh);
    event PowerConsumed(address indexed user, address indexed meter, uint256 wh);
    event DispatchSent(address indexed user, uint256 index, string instruction, uint64 timestamp);
    event AdminTransferStarted(address indexed admin, address indexed next);
    event AdminTransferred(address indexed previous, address indexed admin);

    modifier onlyAdmin() {
        if (msg.sender != admin) revert NotAdmin(msg.sender, admin);
        _;
    }

    modifier onlyMeter(address user) {
        address meter = users[user].meter;
        if (meter == address(0)) revert NoMeter(user);
        if (msg.sender != meter) revert NotTheMeter(msg.sender, user, meter);
        _;
    }

    modifier plausible(uint256 wh) {
        if (wh == 0) revert ZeroAmount();
        if (wh > MAX_READING_WH) revert ReadingTooLarge(wh, MAX_READING_WH);
        _;
    }

    constructor() {
        admin = msg.sender;
        emit AdminTransferred(address(0), msg.sender);
    }

    // ---------------------------------------------------------------- registry
    /// Register `user`, or update its rights; its balances are kept.
    function empower(address user, bytes32 identity, bool canGenerate, bool canConsume) external onlyAdmin {
        if (user == address(0)) revert ZeroAddress();
        if (identity == bytes32(0)) revert EmptyIdentity();
        User storage u = users[user];
        bool isNew = u.identity == bytes32(0);
        u.identity = identity;
        u.canGenerate = canGenerate;
        u.canConsume = canConsume;
        u.active = true;
        if (isNew) {
            userCount += 1;
            emit UserRegistered(user, identity, canGenerate, canConsume);
        } else {
            emit UserUpdated(user, identity, canGenerate, canConsume);
        }
    }

    /// Withdraw every right of `user`; its balances and history are kept.
    function revoke(address user) external onlyAdmin {
        User storage u = _registered(user);
        u.canGenerate = false;
        u.canConsume = false;
        u.active = false;
        emit UserRevoked(user);
    }

    /// Make `meter` the only address that reports `user`'s energy.
    function bindMeter(address user, address meter) external onlyAdmin {
        User storage u = _registered(user);
        if (meter == address(0)) revert ZeroAddress();
        if (meter == user) revert MeterIsUser(user);
        address owner = meterOwner[meter];
        if (owner != address(0) && owner != user) revert MeterInUse(meter, owner);
        if (u.meter != address(0)) meterOwner[u.meter] = address(0);
        u.meter = meter;
        meterOwner[meter] = user;
        emit MeterBound(user, meter);
    }

    // ------------------------------------------------------------------ energy
    /// The meter of `user` reports `wh` generated.
    function GeneratePower(address user, uint256 wh) external onlyMeter(user) plausible(wh) {
        User storage u = _active(user);
        if (!u.canGenerate) revert NoGenerationRight(user);
        u.available += wh;
        u.totalGenerated += wh;
        emit PowerGenerated(user, msg.sender, wh);
    }

    /// A generator sells `wh` of its unsold generation to consumer `to`.
    function Transfer(address to, uint256 wh) external {
        User storage seller = _active(msg.sender);
        if (!seller.canGenerate) revert NoGenerationRight(msg.sender);
        if (to == address(0)) revert ZeroAddress();
        User storage buyer = _active(to);
        if (!buyer.canConsume) revert NoConsumptionRight(to);
        if (wh == 0) revert ZeroAmount();
        if (wh > seller.available) revert ExceedsAvailable(msg.sender, wh, seller.available);
        seller.available -= wh;
        buyer.purchased += wh;
        emit PowerTransferred(msg.sender, to, wh);
    }

    /// The meter of `user` reports `wh` consumed, at most what was purchased.
    function PowerConsume(address user, uint256 wh) external onlyMeter(user) plausible(wh) {
        User storage u = _active(user);
        if (!u.canConsume) revert NoConsumptionRight(user);
        if (wh > u.purchased) revert ExceedsPurchased(user, wh, u.purchased);
        u.purchased -= wh;
        u.totalConsumed += wh;
        emit PowerConsumed(user, msg.sender, wh);
    }

    // ---------------------------------------------------------------- dispatch
    /// Append a dispatch instruction for `user`, stamped with the block time.
    function PowerDispatch(address user, string calldata instruction) external onlyAdmin {
        _registered(user);
        if (bytes(instruction).length == 0) revert EmptyInstruction();
        uint64 timestamp = uint64(block.timestamp);
        dispatches[user].push(Dispatch(instruction, timestamp));
        emit DispatchSent(user, dispatches[user].length - 1, instruction, timestamp);
    }

    function dispatchCount(address user) external view returns (uint256) {
        return dispatches[user].length;
    }

    function dispatchAt(address user, uint256 index) external view
    returns (string memory instruction, uint64 timestamp) {
        Dispatch[] storage list = dispatches[user];
        if (index >= list.length) revert NoSuchDispatch(user, index, list.length);
        return (list[index].instruction, list[index].timestamp);
    }

    // ----------------------------------------------------------------- reading
    /// Everything stored about `user`. Public on purpose: see the User struct.
    function getUser(address user) external view returns (
        bytes32 identity, uint256 available, uint256 totalGenerated, uint256 purchased,
        uint256 totalConsumed, bool canGenerate, bool canConsume, bool active, address meter
    ) {
        User storage u = users[user];
        return (u.identity, u.available, u.totalGenerated, u.purchased, u.totalConsumed,
                u.canGenerate, u.canConsume, u.active, u.meter);
    }

    // ------------------------------------------------------------------- admin
    /// Step 1 of the handover: name the next administrator.
    function transferAdmin(address next) external onlyAdmin {
        if (next == address(0)) revert ZeroAddress();
        pendingAdmin = next;
        emit AdminTransferStarted(admin, next);
    }

    /// Step 2: the named account accepts, proving it holds its key.
    function acceptAdmin() external {
        if (msg.sender != pendingAdmin) revert NotPendingAdmin(msg.sender, pendingAdmin);
        address previous = admin;
        admin = msg.sender;
        pendingAdmin = address(0);
        emit AdminTransferred(previous, msg.sender);
    }

    // --------------------------------------------------------------- internals
    function _registered(address user) private view returns (User storage u) {
        u = users[user];
        if (u.identity == bytes32(0)) revert NotRegistered(user);
    }

    function _active(address user) private view returns (User storage u) {
        u = _registered(user);
        if (!u.active) revert NotActive(user);
    }
}
