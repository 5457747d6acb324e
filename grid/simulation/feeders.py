"""The low-voltage feeders a day can run on: standard test networks from pandapower.networks.

The default is Kerber's rural cable network 2 ("Landnetz Kabel 2"): one 160 kVA
20/0.4 kV transformer feeding 14 house connections over 1.3 km of NAYY cable.
G. Kerber built his reference networks from surveys of real German LV grids to
study how much rooftop PV a low-voltage grid can take before its voltage leaves
the band (G. Kerber, "Aufnahmefähigkeit von Niederspannungsverteilnetzen für die
Einspeisung aus Photovoltaikkleinanlagen", dissertation, TU München, 2011;
pandapower's `create_kerber_*`, documented with the source in pandapower's docs).
That is exactly this lesson's question, and a rural feeder, long and lightly
built like those around Sundsvall, is where solar raises the voltage first.
"""
from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

import pandapower as pp
import pandapower.networks as pn

from ..errors import GridError


class _WithoutNumbaAdvice(logging.Filter):
    """Drop pandapower's advice to install numba: these feeders solve in milliseconds without it,
    and its JIT compilation would cost more than a day's power flows."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "numba cannot be imported" not in record.getMessage()


logging.getLogger("pandapower.auxiliary").addFilter(_WithoutNumbaAdvice())

KERBER_2011 = ("G. Kerber, Aufnahmefähigkeit von Niederspannungsverteilnetzen für die Einspeisung aus "
               "Photovoltaikkleinanlagen, dissertation, TU München, 2011")
CIGRE_LV = ("CIGRE Task Force C6.04.02, Benchmark Systems for Network Integration of Renewable and "
            "Distributed Energy Resources, CIGRE, 2014 (the European LV benchmark)")


@dataclass(frozen=True)
class Feeder:
    """A named test feeder: how to build it, where it comes from, and its house connections."""

    name: str
    title: str
    source: str
    build: Callable[[], pp.pandapowerNet]


FEEDERS = {f.name: f for f in (
    Feeder("kerber-landnetz-kabel-2", "Kerber rural cable network 2 (160 kVA, 14 connections)", KERBER_2011,
           pn.create_kerber_landnetz_kabel_2),
    Feeder("kerber-landnetz-freileitung-1", "Kerber rural overhead-line network 1 (160 kVA, 13 connections)",
           KERBER_2011, pn.create_kerber_landnetz_freileitung_1),
    Feeder("kerber-dorfnetz", "Kerber village network (400 kVA, 57 connections)", KERBER_2011,
           pn.create_kerber_dorfnetz),
    Feeder("cigre-lv", "CIGRE European LV benchmark, residential, industrial and commercial (3 transformers)",
           CIGRE_LV, pn.create_cigre_network_lv),
)}
DEFAULT_FEEDER = "kerber-landnetz-kabel-2"
# The MV/LV transformer's fixed tap puts the LV busbar 3 % above nominal, a common setting, so that the
# voltage drop under winter load stays in the band; that headroom is what solar eats into.
BUSBAR_VOLTAGE_PU = 1.03
# pandapower draws some of Kerber's house-connection cable types (NAYY 4x50 or NYY 4x35, 50/50) from
# Python's global `random`; one fixed draw makes each feeder the same network in every run.
CABLE_DRAW_SEED = 2011


def feeder(name: str) -> Feeder:
    """The feeder called `name`, or a GridError listing the choices."""
    try:
        return FEEDERS[name]
    except KeyError:
        raise GridError(f"unknown feeder {name!r}: use one of {', '.join(FEEDERS)}", kind="input") from None


def build_network(name: str) -> tuple[pp.pandapowerNet, list[int]]:
    """A fresh copy of the feeder with its stock loads removed, and its house-connection buses in order.

    Households are added on those buses by the simulation; the stock loads (one
    flat value per connection) would double-count them.
    """
    chosen = feeder(name)
    state = random.getstate()     # the caller's own random sequence is left where it was
    try:
        random.seed(CABLE_DRAW_SEED)
        net = chosen.build()
    finally:
        random.setstate(state)
    connections = [int(b) for b in net.load.bus]
    net.load.drop(net.load.index, inplace=True)
    if len(net.sgen):
        net.sgen.drop(net.sgen.index, inplace=True)
    net.ext_grid["vm_pu"] = BUSBAR_VOLTAGE_PU
    return net, connections
