"""Reference solutions for notebook 14 (a day on the feeder)."""
from __future__ import annotations

import pandas as pd

from grid.simulation.flow import V_MAX_PU
from grid.simulation.strategy import MIN_ORDER_WH, Order
from lab.solutions import ModelAnswer


def self_sufficiency_pct(path):
    """The share of the feeder's load met by its own PV in the same slot, in %."""
    slots = pd.read_csv(path)
    local = slots[["pv_kwh", "load_kwh"]].min(axis=1).sum()
    return 100 * local / slots.load_kwh.sum()


def worst_bus(net):
    """(bus index, voltage in p.u.) of the low-voltage bus furthest from 1 p.u. after a power flow."""
    lv = net.res_bus.vm_pu[net.bus.vn_kv < 1.0]
    bus = (lv - 1.0).abs().idxmax()
    return int(bus), float(lv[bus])


def cautious_order(house, net_kwh, prices):
    """Ask for 80 % of a forecast surplus at the floor; bid for a whole deficit at the ceiling."""
    if net_kwh > 0:
        wh = round(0.8 * net_kwh * 1000)
        if house.has_pv and wh >= MIN_ORDER_WH:
            return Order(house.name, False, wh, prices.ask_floor)
        return None
    wh = round(-net_kwh * 1000)
    return Order(house.name, True, wh, prices.bid_ceiling) if wh >= MIN_ORDER_WH else None


def predicted_vmax(no_flow_pu, vmax_pu, export_kw, new_export_kw):
    """The highest voltage at a new export, if the rise above the busbar is proportional to the export."""
    return no_flow_pu + (vmax_pu - no_flow_pu) * new_export_kw / export_kw


def hosting_scale(vmax_at, limit=V_MAX_PU):
    """The largest PV scale in [0, 10] (to 0.01) whose highest voltage stays at or below `limit`."""
    low, high = 0.0, 10.0
    while high - low > 0.005:
        middle = (low + high) / 2
        if vmax_at(middle) <= limit:
            low = middle
        else:
            high = middle
    return low


SOLUTIONS = {"14.1": self_sufficiency_pct, "14.2": worst_bus, "14.3": cautious_order, "14.4": predicted_vmax,
             "14.5": hosting_scale}

MODEL_ANSWERS = {
    "14.Q1": ModelAnswer(
        points=3,
        answer=(
            'The chain checks that the reading was signed by the key bound to the meter, for that slot,'
            ' once; it cannot check that the number matches the energy that really flowed, because the '
            'physical world is outside the chain: this is the oracle problem. A wrong reading can come '
            'from a faulty or tampered meter (a bypass, a manipulated sensor), from a stolen meter key '
            'that signs any number, or from firmware that reports what the owner wants. Defences are '
            'outside the chain or compare independent data: tamper-resistant certified meters with keys'
            " in secure hardware, and balance checks such as the feeder's energy balance (the sum of "
            "household readings plus losses must match the transformer's meter) or a power flow that "
            'shows readings inconsistent with measured voltages. They detect a dishonest feeder-level '
            'total, but not always which household lied.'
        ),
        marking=(
            '1 point: the chain verifies the signature, not the physical truth; 1 point: two concrete '
            'ways a wrong reading gets signed (tampering, stolen key, faulty meter); 1 point: a judged '
            'defence that uses independent data (transformer meter, power flow, secure hardware)'
        ),
    ),
}
