"""The grid operator's dispatch: read the power flow, instruct the households at the buses in trouble.

The policy is a plain rule book, as a distribution operator's first
automation would be:
- a bus above 1.05 p.u., or a line or the transformer overloaded while the
  feeder exports, curtails the PV of the households at the buses within
  0.01 p.u. of the highest voltage: to 60 % of their kWp first, then 20 points
  lower for every slot the problem stays (down to 0 %);
- a bus below 0.95 p.u., or an overload while the feeder imports, asks the
  households at the buses within 0.01 p.u. of the lowest voltage to cut their
  load to 80 %, then 60 %;
- after four quiet slots (no violation, every voltage inside 0.96-1.04 p.u.)
  each limit is raised one step, and lifted entirely at 100 %.
A violation always gets an instruction, even when the limit cannot go lower:
the instruction is then repeated, so the record on chain shows it was seen.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .flow import V_MAX_PU, V_MIN_PU, FlowResult
from .households import Household

FIRST_PV_LIMIT, PV_STEP, LOAD_STEPS = 0.6, 0.2, (0.8, 0.6)
NEAR_PU = 0.01
QUIET_SLOTS = 4
QUIET_BAND = (0.96, 1.04)


@dataclass(frozen=True)
class Instruction:
    """One dispatch instruction to one household, as sent on chain."""

    household: str
    bus: int
    text: str


@dataclass
class Operator:
    """The operator's state: each household's PV and load limits (fractions), and its quiet streak."""

    households: list[Household]
    pv_limit: dict[str, float] = field(default_factory=dict)
    load_limit: dict[str, float] = field(default_factory=dict)
    quiet: int = 0

    def __post_init__(self) -> None:
        for h in self.households:
            self.pv_limit.setdefault(h.name, 1.0)
            self.load_limit.setdefault(h.name, 1.0)

    def decide(self, flow: FlowResult) -> list[Instruction]:
        """The instructions after a slot's power flow (they apply from the next slot)."""
        exporting = flow.export_kwh > flow.import_kwh
        overloaded = flow.max_line_loading_pct > 100 or flow.trafo_loading_pct > 100
        instructions: list[Instruction] = []
        if flow.vmax_pu > V_MAX_PU or (overloaded and exporting):
            instructions += self._curtail(flow)
        if flow.vmin_pu < V_MIN_PU or (overloaded and not exporting):
            instructions += self._shed(flow)
        if instructions:
            self.quiet = 0
            return instructions
        inside = QUIET_BAND[0] <= flow.vmin_pu and flow.vmax_pu <= QUIET_BAND[1]
        self.quiet = self.quiet + 1 if inside else 0
        if self.quiet >= QUIET_SLOTS:
            self.quiet = 0
            return self._release()
        return []

    def _near(self, flow: FlowResult, target: float) -> set[int]:
        return {bus for bus, vm in flow.bus_vm_pu.items() if abs(vm - target) <= NEAR_PU}

    def _curtail(self, flow: FlowResult) -> list[Instruction]:
        buses = self._near(flow, flow.vmax_pu)
        named = [h for h in self.households if h.has_pv and h.bus in buses] \
            or [h for h in self.households if h.has_pv]   # nobody with PV there: the whole feeder helps
        out = []
        for h in named:
            now = self.pv_limit[h.name]
            self.pv_limit[h.name] = FIRST_PV_LIMIT if now > FIRST_PV_LIMIT else max(now - PV_STEP, 0.0)
            out.append(Instruction(h.name, h.bus, f"curtail PV at bus {h.bus} to "
                                                  f"{round(self.pv_limit[h.name] * 100)} %"))
        return out

    def _shed(self, flow: FlowResult) -> list[Instruction]:
        buses = self._near(flow, flow.vmin_pu)
        out = []
        named = [h for h in self.households if h.bus in buses] or self.households   # else all help
        for h in named:
            now = self.load_limit[h.name]
            self.load_limit[h.name] = next((s for s in LOAD_STEPS if s < now), LOAD_STEPS[-1])
            out.append(Instruction(h.name, h.bus, f"reduce load at bus {h.bus} to "
                                                  f"{round(self.load_limit[h.name] * 100)} %"))
        return out

    def _release(self) -> list[Instruction]:
        out = []
        for h in self.households:
            if self.pv_limit[h.name] < 1.0:
                self.pv_limit[h.name] = min(self.pv_limit[h.name] + PV_STEP, 1.0)
                pct = round(self.pv_limit[h.name] * 100)
                out.append(Instruction(h.name, h.bus, f"PV at bus {h.bus} may run at {pct} %"
                                       if pct < 100 else f"PV at bus {h.bus}: curtailment lifted"))
            if self.load_limit[h.name] < 1.0:
                self.load_limit[h.name] = 1.0
                out.append(Instruction(h.name, h.bus, f"load at bus {h.bus}: limit lifted"))
        return out
