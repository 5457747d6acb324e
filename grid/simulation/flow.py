"""One slot's AC power flow on the feeder (pandapower), and what the operator reads from it."""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandapower as pp

from .households import LOAD_POWER_FACTOR, Household

V_MIN_PU, V_MAX_PU = 0.95, 1.05     # EN 50160's band for LV supply voltage is +/-10 %; grid codes plan +/-5 %
MAX_LOADING_PCT = 100.0
_TAN_PHI = float(np.tan(np.arccos(LOAD_POWER_FACTOR)))


@dataclass(frozen=True)
class FlowResult:
    """The feeder in one slot: energies (kWh in the slot), voltages (p.u.) and loadings (%)."""

    import_kwh: float                 # from the MV grid through the transformer
    export_kwh: float                 # back to the MV grid
    losses_kwh: float                 # in lines and transformer
    vmin_pu: float
    vmax_pu: float
    bus_vm_pu: dict[int, float]
    max_line_loading_pct: float
    trafo_loading_pct: float
    overloaded_lines: tuple[int, ...]


class FeederFlow:
    """The feeder with one load and one PV generator per household, re-solved slot by slot."""

    def __init__(self, net: pp.pandapowerNet, households: list[Household]) -> None:
        """Add each household's load (and PV, when it has one) to `net`."""
        self.net = net
        self.households = households
        self.loads = [pp.create_load(net, h.bus, p_mw=0.0, q_mvar=0.0, name=h.name) for h in households]
        self.pvs = [pp.create_sgen(net, h.bus, p_mw=0.0, name=h.name, type="PV") if h.has_pv else None
                    for h in households]

    def solve(self, load_kwh: list[float], pv_kwh: list[float], slot_hours: float) -> FlowResult:
        """Run the AC power flow for one slot's energies per household (kWh), as average powers."""
        net = self.net
        to_mw = 1 / (slot_hours * 1000)
        net.load.loc[self.loads, "p_mw"] = np.array(load_kwh) * to_mw
        net.load.loc[self.loads, "q_mvar"] = np.array(load_kwh) * to_mw * _TAN_PHI
        for sgen, kwh in zip(self.pvs, pv_kwh, strict=True):
            if sgen is not None:
                net.sgen.at[sgen, "p_mw"] = kwh * to_mw
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pp.runpp(net, numba=False, tolerance_mva=1e-9)
        grid_mw = float(net.res_ext_grid.p_mw.sum())
        losses_mw = float(net.res_line.pl_mw.sum() + net.res_trafo.pl_mw.sum())
        vm = net.res_bus.vm_pu
        lv = vm[net.bus.vn_kv < 1.0]       # the band applies to the LV buses, not the MV side
        lines = net.res_line.loading_percent
        kwh = slot_hours * 1000
        return FlowResult(max(grid_mw, 0.0) * kwh, max(-grid_mw, 0.0) * kwh, losses_mw * kwh,
                          float(lv.min()), float(lv.max()), {int(b): float(v) for b, v in lv.items()},
                          float(lines.max()), float(net.res_trafo.loading_percent.max()),
                          tuple(int(i) for i in lines.index[lines > MAX_LOADING_PCT]))
