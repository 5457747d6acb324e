// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// The parts of PowerGridV2 the market reads: who may sell or buy, and each user's meter.
interface IPowerGridV2 {
    function getUser(address user) external view returns (
        bytes32 identity, uint256 available, uint256 totalGenerated, uint256 purchased,
        uint256 totalConsumed, bool canGenerate, bool canConsume, bool active, address meter);
}

/*
 * EnergyMarket: a local energy market in time slots, on top of a PowerGridV2 registry.
 *
 *  - Slot s covers [s * slotSeconds, (s + 1) * slotSeconds) in block time. Orders for slot s
 *    are taken until gate closure, gateClosureSeconds before the slot starts.
 *  - Generators place asks (Wh, a minimum price in wei/Wh); consumers place bids (Wh, a
 *    maximum price), paying wh * maxPrice into escrow with the bid.
 *  - After gate closure anyone may clear the slot once: a uniform-price double auction.
 *    Bids highest first, asks lowest first (ties: the lower order id first); quantities are
 *    matched while bid >= ask, partially where needed; the price is (bid + ask) / 2, rounded
 *    down, of the last pair that traded, and every trade is at that price.
 *  - Each user's meter signs what flowed in the slot (EIP-712); anyone may relay the reading.
 *  - After the slot and one more for readings, anyone may settle once: a seller matched M Wh
 *    that exported E delivered D = min(M, E) (D = 0 without a reading); a buyer matched m Wh
 *    with it pays floor(m * D / M) * price, all of which goes to the seller.
 *  - Money moves only by withdraw() (pull payments). Once every slot is settled and every
 *    credit withdrawn, the contract holds exactly 0 wei.
 */
contract EnergyMarket {
    /// At most this many orders (bids and asks) per slot, so that clear() and settle() stay
    /// far below a 30,000,000 gas block. Measured in the worst case at 64 orders (every order
    /// filled, 63 fills, placed in the order that costs the insertion sort most): clear() 6.5 M
    /// gas, settle() 1.0 M. `python -m grid bench` reports the curve.
    uint256 public constant MAX_ORDERS_PER_SLOT = 64;

    bytes32 public constant READING_TYPEHASH =
        keccak256("MeterReading(address user,uint64 slot,uint256 exportedWh,uint256 importedWh)");
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    // secp256k1's n / 2: a signature with a larger s has a twin (n - s), so only the low one counts
    uint256 private constant HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    struct Order {
        address owner;
        uint64 slot;
        bool isBid;
        bool cancelled;
        uint256 wh;
        uint256 priceWeiPerWh;   // a bid's maximum, an ask's minimum
    }

    struct Fill {
        uint256 bidId;
        uint256 askId;
        uint256 wh;
    }

    struct SellerTally {         // settlement's working memory: one per seller
        address seller;
        uint256 matched;
        uint256 delivered;
    }

    struct PairTally {           // one per (buyer, seller)
        address buyer;
        uint256 seller;          // index into the SellerTally list
        uint256 wh;
    }

    struct Reading {
        bool submitted;
        uint256 exportedWh;
        uint256 importedWh;
    }

    IPowerGridV2 public immutable registry;
    uint64 public immutable slotSeconds;
    uint64 public immutable gateClosureSeconds;

    uint256 public orderCount;                          // order ids run 1..orderCount
    mapping(uint256 => Order) private orders;
    mapping(uint64 => uint256[]) private slotOrders;
    mapping(uint64 => Fill[]) private fills;
    mapping(uint64 => bool) public isCleared;
    mapping(uint64 => bool) public isSettled;
    mapping(uint64 => uint256) public clearingPrice;    // wei per Wh
    mapping(uint64 => uint256) public clearedVolume;    // Wh
    mapping(address => mapping(uint64 => Reading)) private readings;
    mapping(address => uint256) public credit;          // wei, withdrawable
    bool private locked;

    error NoRegistry(address registry);
    error ZeroSlotLength();
    error NotAGenerator(address caller);
    error NotAConsumer(address caller);
    error ZeroAmount();
    error ZeroPrice();
    error EscrowMismatch(uint256 expectedWei, uint256 sentWei);
    error GateClosed(uint64 slot, uint256 closedAt);
    error GateStillOpen(uint64 slot, uint256 closesAt);
    error SlotFull(uint64 slot, uint256 limit);
    error NoSuchOrder(uint256 orderId);
    error NotYourOrder(uint256 orderId, address owner);
    error AlreadyCancelled(uint256 orderId);
    error AlreadyCleared(uint64 slot);
    error NotCleared(uint64 slot);
    error AlreadySettled(uint64 slot);
    error TooEarlyToSettle(uint64 slot, uint256 settlesFrom);
    error ReadingTooEarly(uint64 slot, uint256 slotEnds);
    error ReadingExists(address user, uint64 slot);
    error NoMeter(address user);
    error BadSignature();
    error WrongMeter(address user, address signer, address meter);
    error NothingToWithdraw(address caller);
    error PaymentFailed(address to, uint256 amountWei);
    error Reentered();

    event OrderPlaced(uint256 indexed orderId, uint64 indexed slot, address indexed owner, bool isBid,
                      uint256 wh, uint256 priceWeiPerWh);
    event OrderCancelled(uint256 indexed orderId, uint64 indexed slot, address indexed owner);
    event Matched(uint64 indexed slot, uint256 bidId, uint256 askId, uint256 wh);
    event Cleared(uint64 indexed slot, uint256 priceWeiPerWh, uint256 volumeWh);
    event ReadingSubmitted(address indexed user, uint64 indexed slot, uint256 exportedWh, uint256 importedWh);
    event Delivered(uint64 indexed slot, address indexed seller, uint256 matchedWh, uint256 deliveredWh);
    event Paid(uint64 indexed slot, address indexed buyer, address indexed seller, uint256 amountWei);
    event Settled(uint64 indexed slot);
    event Withdrawn(address indexed to, uint256 amountWei);

    constructor(address registry_, uint64 slotSeconds_, uint64 gateClosureSeconds_) {
        if (registry_.code.length == 0) revert NoRegistry(registry_);
        if (slotSeconds_ == 0) revert ZeroSlotLength();
        registry = IPowerGridV2(registry_);
        slotSeconds = slotSeconds_;
        gateClosureSeconds = gateClosureSeconds_;
    }

    // ------------------------------------------------------------------ time
    function slotOf(uint256 timestamp) public view returns (uint64) {
        return uint64(timestamp / slotSeconds);
    }

    /// The moment orders for `slot` stop being accepted.
    function gateClosure(uint64 slot) public view returns (uint256) {
        uint256 start = uint256(slot) * slotSeconds;
        return start > gateClosureSeconds ? start - gateClosureSeconds : 0;
    }

    // ---------------------------------------------------------------- orders
    function placeAsk(uint64 slot, uint256 wh, uint256 minPriceWeiPerWh) external returns (uint256 orderId) {
        (, , , , , bool canGenerate, , bool active, ) = registry.getUser(msg.sender);
        if (!(canGenerate && active)) revert NotAGenerator(msg.sender);
        return _place(slot, false, wh, minPriceWeiPerWh);
    }

    function placeBid(uint64 slot, uint256 wh, uint256 maxPriceWeiPerWh) external payable
    returns (uint256 orderId) {
        (, , , , , , bool canConsume, bool active, ) = registry.getUser(msg.sender);
        if (!(canConsume && active)) revert NotAConsumer(msg.sender);
        if (maxPriceWeiPerWh == 0) revert ZeroPrice();
        uint256 escrow = wh * maxPriceWeiPerWh;         // checked: an overflow reverts
        if (msg.value != escrow) revert EscrowMismatch(escrow, msg.value);
        return _place(slot, true, wh, maxPriceWeiPerWh);
    }

    /// Withdraw an order before gate closure; a bid's escrow becomes a credit.
    function cancel(uint256 orderId) external {
        Order storage o = _order(orderId);
        if (o.owner != msg.sender) revert NotYourOrder(orderId, o.owner);
        if (o.cancelled) revert AlreadyCancelled(orderId);
        if (block.timestamp >= gateClosure(o.slot)) revert GateClosed(o.slot, gateClosure(o.slot));
        o.cancelled = true;
        if (o.isBid) credit[msg.sender] += o.wh * o.priceWeiPerWh;
        emit OrderCancelled(orderId, o.slot, msg.sender);
    }

    // -------------------------------------------------------------- clearing
    /// The uniform-price double auction of `slot`; anyone may call it, once, after gate closure.
    function clear(uint64 slot) external {
        if (isCleared[slot]) revert AlreadyCleared(slot);
        if (block.timestamp < gateClosure(slot)) revert GateStillOpen(slot, gateClosure(slot));
        isCleared[slot] = true;
        (uint256[] memory bids, uint256[] memory asks) = _sortedBook(slot);

        uint256[] memory filled = new uint256[](bids.length);   // Wh matched, per bid
        uint256 i;
        uint256 j;
        uint256 bidLeft = bids.length > 0 ? orders[bids[0]].wh : 0;
        uint256 askLeft = asks.length > 0 ? orders[asks[0]].wh : 0;
        uint256 price;
        uint256 volume;
        while (i < bids.length && j < asks.length) {
            Order storage bid = orders[bids[i]];
            Order storage ask = orders[asks[j]];
            if (bid.priceWeiPerWh < ask.priceWeiPerWh) break;
            uint256 wh = bidLeft < askLeft ? bidLeft : askLeft;
            fills[slot].push(Fill(bids[i], asks[j], wh));
            emit Matched(slot, bids[i], asks[j], wh);
            filled[i] += wh;
            volume += wh;
            price = (bid.priceWeiPerWh + ask.priceWeiPerWh) / 2;
            bidLeft -= wh;
            askLeft -= wh;
            if (bidLeft == 0 && ++i < bids.length) bidLeft = orders[bids[i]].wh;
            if (askLeft == 0 && ++j < asks.length) askLeft = orders[asks[j]].wh;
        }
        clearingPrice[slot] = price;
        clearedVolume[slot] = volume;
        // Keep filled * price in escrow until settlement; credit back everything else.
        for (uint256 k = 0; k < bids.length; k++) {
            Order storage bid = orders[bids[k]];
            credit[bid.owner] += bid.wh * bid.priceWeiPerWh - filled[k] * price;
        }
        emit Cleared(slot, price, volume);
    }

    // -------------------------------------------------------------- metering
    /// A meter's signed reading of what `user` exported and imported in `slot`; anyone may relay it.
    function submitReading(address user, uint64 slot, uint256 exportedWh, uint256 importedWh,
                           bytes calldata signature) external {
        uint256 slotEnds = (uint256(slot) + 1) * slotSeconds;
        if (block.timestamp < slotEnds) revert ReadingTooEarly(slot, slotEnds);
        if (isSettled[slot]) revert AlreadySettled(slot);
        Reading storage r = readings[user][slot];
        if (r.submitted) revert ReadingExists(user, slot);
        (, , , , , , , , address meter) = registry.getUser(user);
        if (meter == address(0)) revert NoMeter(user);
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", domainSeparator(), keccak256(abi.encode(
            READING_TYPEHASH, user, slot, exportedWh, importedWh))));
        address signer = _recover(digest, signature);
        if (signer != meter) revert WrongMeter(user, signer, meter);
        readings[user][slot] = Reading(true, exportedWh, importedWh);
        emit ReadingSubmitted(user, slot, exportedWh, importedWh);
    }

    function domainSeparator() public view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256("GridChain"), keccak256("1"), block.chainid,
                                    address(this)));
    }

    // ------------------------------------------------------------ settlement
    /// Pay sellers for what they delivered, from the escrow of the slot; anyone may call it, once.
    function settle(uint64 slot) external {
        if (isSettled[slot]) revert AlreadySettled(slot);
        if (!isCleared[slot]) revert NotCleared(slot);
        uint256 from = (uint256(slot) + 2) * slotSeconds;
        if (block.timestamp < from) revert TooEarlyToSettle(slot, from);
        isSettled[slot] = true;
        (SellerTally[] memory sellers, uint256 nSellers, PairTally[] memory pairs, uint256 nPairs) = _tally(slot);
        for (uint256 s = 0; s < nSellers; s++) {
            uint256 exported = readings[sellers[s].seller][slot].exportedWh;   // 0 without a reading
            sellers[s].delivered = exported < sellers[s].matched ? exported : sellers[s].matched;
            emit Delivered(slot, sellers[s].seller, sellers[s].matched, sellers[s].delivered);
        }
        uint256 price = clearingPrice[slot];
        for (uint256 p = 0; p < nPairs; p++) {
            SellerTally memory seller = sellers[pairs[p].seller];
            uint256 paid = (pairs[p].wh * seller.delivered / seller.matched) * price;
            credit[seller.seller] += paid;
            credit[pairs[p].buyer] += pairs[p].wh * price - paid;
            emit Paid(slot, pairs[p].buyer, seller.seller, paid);
        }
        emit Settled(slot);
    }

    // -------------------------------------------------------------- payments
    /// Pay out the caller's credit (pull payment: state first, then the transfer, under a lock).
    function withdraw() external {
        if (locked) revert Reentered();
        uint256 amount = credit[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        locked = true;
        credit[msg.sender] = 0;
        (bool ok, ) = payable(msg.sender).call{value: amount}("");
        if (!ok) revert PaymentFailed(msg.sender, amount);
        locked = false;
        emit Withdrawn(msg.sender, amount);
    }

    // ----------------------------------------------------------------- views
    function getOrder(uint256 orderId) external view returns (address owner, uint64 slot, bool isBid,
                                                              bool cancelled, uint256 wh, uint256 priceWeiPerWh) {
        Order storage o = _order(orderId);
        return (o.owner, o.slot, o.isBid, o.cancelled, o.wh, o.priceWeiPerWh);
    }

    function slotOrderIds(uint64 slot) external view returns (uint256[] memory) {
        return slotOrders[slot];
    }

    function fillCount(uint64 slot) external view returns (uint256) {
        return fills[slot].length;
    }

    function fillAt(uint64 slot, uint256 index) external view returns (uint256 bidId, uint256 askId, uint256 wh) {
        Fill storage f = fills[slot][index];
        return (f.bidId, f.askId, f.wh);
    }

    function readingOf(address user, uint64 slot) external view returns (bool submitted, uint256 exportedWh,
                                                                          uint256 importedWh) {
        Reading storage r = readings[user][slot];
        return (r.submitted, r.exportedWh, r.importedWh);
    }

    // ------------------------------------------------------------- internals
    function _place(uint64 slot, bool isBid, uint256 wh, uint256 price) private returns (uint256 orderId) {
        if (wh == 0) revert ZeroAmount();
        if (block.timestamp >= gateClosure(slot)) revert GateClosed(slot, gateClosure(slot));
        if (slotOrders[slot].length >= MAX_ORDERS_PER_SLOT) revert SlotFull(slot, MAX_ORDERS_PER_SLOT);
        orderId = ++orderCount;
        orders[orderId] = Order(msg.sender, slot, isBid, false, wh, price);
        slotOrders[slot].push(orderId);
        emit OrderPlaced(orderId, slot, msg.sender, isBid, wh, price);
    }

    function _order(uint256 orderId) private view returns (Order storage o) {
        o = orders[orderId];
        if (o.owner == address(0)) revert NoSuchOrder(orderId);
    }

    /// The slot's live bids, best (highest) first, and asks, best (lowest) first; ties by lower id.
    function _sortedBook(uint64 slot) private view returns (uint256[] memory bids, uint256[] memory asks) {
        uint256[] storage ids = slotOrders[slot];
        uint256 nBids;
        uint256 nAsks;
        for (uint256 k = 0; k < ids.length; k++) {
            Order storage o = orders[ids[k]];
            if (o.cancelled) continue;
            if (o.isBid) nBids++; else nAsks++;
        }
        bids = new uint256[](nBids);
        asks = new uint256[](nAsks);
        nBids = 0;
        nAsks = 0;
        // ids are in increasing order, so an insertion sort that moves only strictly worse
        // orders keeps ties in order of id.
        for (uint256 k = 0; k < ids.length; k++) {
            Order storage o = orders[ids[k]];
            if (o.cancelled) continue;
            if (o.isBid) {
                uint256 pos = nBids++;
                while (pos > 0 && orders[bids[pos - 1]].priceWeiPerWh < o.priceWeiPerWh) {
                    bids[pos] = bids[pos - 1];
                    pos--;
                }
                bids[pos] = ids[k];
            } else {
                uint256 pos = nAsks++;
                while (pos > 0 && orders[asks[pos - 1]].priceWeiPerWh > o.priceWeiPerWh) {
                    asks[pos] = asks[pos - 1];
                    pos--;
                }
                asks[pos] = ids[k];
            }
        }
    }

    /// The slot's fills summed per seller and per (buyer, seller), in order of first fill.
    function _tally(uint64 slot) private view returns (SellerTally[] memory sellers, uint256 nSellers,
                                                       PairTally[] memory pairs, uint256 nPairs) {
        Fill[] storage list = fills[slot];
        sellers = new SellerTally[](list.length);
        pairs = new PairTally[](list.length);
        for (uint256 k = 0; k < list.length; k++) {
            address seller = orders[list[k].askId].owner;
            address buyer = orders[list[k].bidId].owner;
            uint256 s = 0;
            while (s < nSellers && sellers[s].seller != seller) s++;
            if (s == nSellers) sellers[nSellers++].seller = seller;
            sellers[s].matched += list[k].wh;
            uint256 p = 0;
            while (p < nPairs && !(pairs[p].buyer == buyer && pairs[p].seller == s)) p++;
            if (p == nPairs) pairs[nPairs++] = PairTally(buyer, s, 0);
            pairs[p].wh += list[k].wh;
        }
    }

    function _recover(bytes32 digest, bytes calldata signature) private pure returns (address signer) {
        if (signature.length != 65) revert BadSignature();
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (uint256(s) > HALF_N || (v != 27 && v != 28)) revert BadSignature();
        signer = ecrecover(digest, v, r, s);
        if (signer == address(0)) revert BadSignature();
    }
}
