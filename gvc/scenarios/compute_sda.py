"""Structural decomposition between two years of a dataset, as long result rows.

:func:`compute_sda` calls :func:`gvc.kernels.sda.sda_va_flows` and
:func:`gvc.kernels.sda.sda_participation` on the two tables (each with its own cached
``A``, ``B``, ``L``, ``v``, ``Y`` from :class:`~gvc.indicators.derived.Derived`) and writes one
row per measure and key with the year-0 value (``baseline``), the year-1 value
(``scenario_value``), ``delta`` and the four factor terms (columns named after
:data:`gvc.kernels.sda.FACTORS`), which sum to ``delta``.

Measures: ``va_flows`` by origin node and destination country (value added of the node
absorbed by the destination's final demand); ``V_D``, ``V_RT``, ``V_GVC_S``, ``V_GVC_C`` by
origin node (WWYZ 2017a forward terms); ``gvc_forward_rate`` and ``gvc_backward_rate`` by
country.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gvc.errors import InputError
from gvc.indicators.derived import Derived
from gvc.kernels.leontief import domestic_blocks
from gvc.kernels.sda import FACTORS, Year, sda_participation, sda_va_flows
from gvc.scenarios.definitions import ScenarioDef

SDA_COLUMNS = [
    "measure",
    "node",
    "country",
    "destination",
    "baseline",
    "scenario_value",
    "delta",
    *FACTORS,
]


def _year(d: Derived) -> Year:
    t = d.table
    return Year(d.v, d.A, d.B, d.L, domestic_blocks(d.A, t.G, t.N), d.Y)


def compute_sda(d: ScenarioDef, d0: Derived, d1: Derived) -> pd.DataFrame:
    """SDA rows of definition ``d`` between the tables of ``year_from`` (``d0``) and
    ``year_to`` (``d1``) (module docstring).

    Raises
    ------
    InputError
        the two tables have different countries or sectors, or a destination's final demand
        sums to zero (level 'destination').
    """
    t0, t1 = d0.table, d1.table
    if t0.countries != t1.countries or t0.sectors != t1.sectors:
        raise InputError(f"scenario {d.name!r}: the two years have different countries or sectors")
    G, N, n = t0.G, t0.N, t0.n
    y0, y1 = _year(d0), _year(d1)
    level, method = d.params["level"], d.params["method"]
    countries = np.array(t0.countries, dtype=object)
    node_country = np.repeat(countries, N)
    parts = []
    if "va_flows" in d.params["measures"]:
        r = sda_va_flows(y0, y1, level=level, method=method)
        frame = {
            "measure": "va_flows",
            "node": np.repeat(np.arange(n, dtype=np.int32), G),
            "country": np.repeat(node_country, G),
            "destination": np.tile(countries, n),
            "baseline": r["baseline"].ravel(),
            "scenario_value": r["scenario"].ravel(),
            "delta": r["delta"].ravel(),
        }
        for i, f in enumerate(FACTORS):
            frame[f] = r["terms"][i].ravel()
        parts.append(pd.DataFrame(frame))
    if "participation" in d.params["measures"]:
        res = sda_participation(y0, y1, G, N, level=level, method=method)
        for measure, r in res.items():
            by_node = r["baseline"].size == n
            frame = {
                "measure": measure,
                "node": np.arange(n, dtype=np.int32) if by_node else None,
                "country": node_country if by_node else countries,
                "destination": None,
                "baseline": r["baseline"],
                "scenario_value": r["scenario"],
                "delta": r["delta"],
            }
            for i, f in enumerate(FACTORS):
                frame[f] = r["terms"][i]
            parts.append(pd.DataFrame(frame))
    out = pd.concat(parts, ignore_index=True)
    out["node"] = out["node"].astype("Int32")
    return out[SDA_COLUMNS]
