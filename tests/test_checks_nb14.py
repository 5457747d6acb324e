"""Notebook 14's checks reject plausible mistakes (tests/test_exercises.py runs the reference solutions)."""
from __future__ import annotations

import pandas as pd
import pytest

from grid.simulation.strategy import MIN_ORDER_WH, Order
from lab.exercises import WRONG, check
from lab.solutions import nb14


def _pv_over_load(path):
    # Counts every kWh of PV, including what was exported while nobody needed it.
    slots = pd.read_csv(path)
    return 100 * slots.pv_kwh.sum() / slots.load_kwh.sum()


def _mean_of_ratios(path):
    # Averages the slots' shares instead of weighting them by their load.
    slots = pd.read_csv(path)
    return 100 * (slots[["pv_kwh", "load_kwh"]].min(axis=1) / slots.load_kwh).mean()


def _with_the_mv_bus(net):
    # Looks at every bus, the 10 kV side of the transformer too.
    vm = net.res_bus.vm_pu
    bus = (vm - 1.0).abs().idxmax()
    return int(bus), float(vm[bus])


def _highest_only(net):
    # The highest voltage is the worst only while the feeder exports.
    lv = net.res_bus.vm_pu[net.bus.vn_kv < 1.0]
    return int(lv.idxmax()), float(lv.max())


def _margin_on_both_sides(house, net_kwh, prices):
    # Shrinks the bids too: a buyer that under-buys just imports more.
    order = nb14.cautious_order(house, net_kwh, prices)
    if order is None or not order.is_bid:
        return order
    wh = round(0.8 * order.wh)
    return Order(order.household, True, wh, order.price) if wh >= MIN_ORDER_WH else None


def _threshold_before_margin(house, net_kwh, prices):
    # Applies the 10 Wh minimum to the forecast, then the margin: 8 Wh asks slip through.
    if net_kwh > 0:
        if not house.has_pv or round(net_kwh * 1000) < MIN_ORDER_WH:
            return None
        return Order(house.name, False, round(0.8 * net_kwh * 1000), prices.ask_floor)
    return nb14.cautious_order(house, net_kwh, prices)


def _from_nominal(no_flow_pu, vmax_pu, export_kw, new_export_kw):
    # Scales the rise above 1 p.u. instead of above the busbar's set point.
    return 1.0 + (vmax_pu - 1.0) * new_export_kw / export_kw


def _linear_scan(vmax_at, limit=1.05):
    # Correct, but one power flow per hundredth of scale.
    scale = 0.0
    while vmax_at(scale + 0.01) <= limit:
        scale += 0.01
    return scale


def _coarse_bisection(vmax_at, limit=1.05):
    # Stops at a tenth: the answer can sit well below the limit.
    low, high = 0.0, 10.0
    while high - low > 0.1:
        middle = (low + high) / 2
        low, high = (middle, high) if vmax_at(middle) <= limit else (low, middle)
    return low


@pytest.mark.parametrize("exercise_id, wrong", [
    ("14.1", _pv_over_load),
    ("14.1", _mean_of_ratios),
    ("14.2", _with_the_mv_bus),
    ("14.2", _highest_only),
    ("14.3", _margin_on_both_sides),
    ("14.3", _threshold_before_margin),
    ("14.4", _from_nominal),
    ("14.4", lambda no_flow, vmax, export, new: no_flow + (vmax - no_flow) * 2),   # doubles, whatever the PV
    ("14.5", _linear_scan),
    ("14.5", _coarse_bisection),
])
def test_each_check_rejects_a_plausible_mistake(exercise_id, wrong):
    assert check(exercise_id, wrong).status == WRONG
