"""Reference solutions for notebook 13 (the energy market)."""
from __future__ import annotations

from collections import defaultdict

from eth_abi import encode
from eth_keys import keys
from eth_utils import keccak

from lab.checks.nb13 import FLAWED_PAYMENT, market_source
from lab.solutions import ModelAnswer


def clearing(orders):
    """(price, volume) of the uniform-price double auction over [(order id, side, Wh, price)]."""
    bids = sorted((o for o in orders if o[1] == "bid"), key=lambda o: (-o[3], o[0]))
    asks = sorted((o for o in orders if o[1] == "ask"), key=lambda o: (o[3], o[0]))
    left = {o[0]: o[2] for o in orders}
    i = j = price = volume = 0
    while i < len(bids) and j < len(asks) and bids[i][3] >= asks[j][3]:
        wh = min(left[bids[i][0]], left[asks[j][0]])
        volume += wh
        price = (bids[i][3] + asks[j][3]) // 2
        left[bids[i][0]] -= wh
        left[asks[j][0]] -= wh
        i += left[bids[i][0]] == 0
        j += left[asks[j][0]] == 0
    return price, volume


def sign(private_key, chain_id, market, user, slot, exported_wh, imported_wh):
    """The meter's EIP-712 signature of a MeterReading, built by hand: digest, then secp256k1."""
    domain_type = keccak(text="EIP712Domain(string name,string version,uint256 chainId,"
                              "address verifyingContract)")
    domain = keccak(encode(["bytes32", "bytes32", "bytes32", "uint256", "address"],
                           [domain_type, keccak(text="GridChain"), keccak(text="1"), chain_id, market]))
    reading_type = keccak(text="MeterReading(address user,uint64 slot,uint256 exportedWh,uint256 importedWh)")
    struct = keccak(encode(["bytes32", "address", "uint64", "uint256", "uint256"],
                           [reading_type, user, slot, exported_wh, imported_wh]))
    digest = keccak(b"\x19\x01" + domain + struct)
    signature = keys.PrivateKey(private_key).sign_msg_hash(digest)
    return signature.r.to_bytes(32, "big") + signature.s.to_bytes(32, "big") + bytes([signature.v + 27])


def settlement_credits(fills, price, exported):
    """{party: wei credited at settlement} from [(buyer, seller, Wh)], the price and {seller: exported Wh}."""
    matched = defaultdict(int)
    pair = defaultdict(int)
    for buyer, seller, wh in fills:
        matched[seller] += wh
        pair[(buyer, seller)] += wh
    credits = defaultdict(int)
    for (buyer, seller), m in pair.items():
        delivered = min(matched[seller], exported.get(seller, 0))
        paid = (m * delivered // matched[seller]) * price
        credits[seller] += paid
        credits[buyer] += m * price - paid
    return dict(credits)


def settlement_math_source():
    """Deliver at most what was sold, nothing without a reading; round the Wh, then multiply."""
    return FLAWED_PAYMENT.replace(
        "return exportedWh > 0 ? exportedWh : matchedWh;",
        "return exportedWh < matchedWh ? exportedWh : matchedWh;").replace(
        "return m * price * deliveredWh / matchedWh;",
        "return (m * deliveredWh / matchedWh) * price;")


def minimum_order_source():
    """EnergyMarket with orders under 100 Wh refused by a custom error."""
    return market_source().replace(
        "    error ZeroAmount();\n",
        "    error ZeroAmount();\n    error OrderTooSmall(uint256 wh, uint256 minWh);\n"
        "    uint256 public constant MIN_ORDER_WH = 100;\n").replace(
        "        if (wh == 0) revert ZeroAmount();\n",
        "        if (wh == 0) revert ZeroAmount();\n"
        "        if (wh < MIN_ORDER_WH) revert OrderTooSmall(wh, MIN_ORDER_WH);\n")


SOLUTIONS = {"13.1": clearing, "13.2": sign, "13.3": settlement_credits, "13.4": settlement_math_source,
             "13.5": minimum_order_source}

MODEL_ANSWERS = {
    "13.Q1": ModelAnswer(
        points=3,
        answer=(
            'Without escrow the buyer pays on the match or trusts the seller, so an undelivered kWh is '
            "the buyer's loss (or, if the buyer pays later, the seller risks a buyer who never pays). "
            "With escrow the money is locked before the trade and released only against the meter's "
            'signed reading: the seller is credited for 1 kWh at the clearing price, and the buyer gets'
            ' back the rest, including the price of the undelivered kWh and the difference between its '
            'maximum price and the clearing price. So the seller bears its own non-delivery risk, and '
            "the buyer's physical shortfall is covered by the grid, not the market. Escrow does not "
            'remove the risk of a wrong or dishonest meter reading (the oracle), nor the cost of money '
            'locked up until settlement.'
        ),
        marking=(
            '1 point: without escrow the buyer (or seller) bears counterparty risk; 1 point: with '
            'escrow the seller is paid for delivered energy only and the buyer is refunded the rest; 1 '
            "point: escrow does not remove the meter's honesty (oracle) risk or the cost of locked "
            'funds'
        ),
    ),
}
