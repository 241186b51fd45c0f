"""Names for sector, final-demand and country codes, from datasets/classifications."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from gvc.paths import datasets_dir
from gvc.table import IOTable


@lru_cache(maxsize=1)
def _tables() -> dict[str, pd.DataFrame]:
    d = datasets_dir() / "classifications"
    if not d.is_dir():
        return {}
    return {p.stem: pd.read_parquet(p) for p in sorted(d.glob("*.parquet"))}


def _code_name_maps() -> list[dict[str, str]]:
    maps = []
    for df in _tables().values():
        if "name" not in df.columns:
            continue
        for col in df.columns:
            if col in {"name", "order", "position"} or df[col].dtype.kind not in "OUS":
                continue
            m = dict(zip(df[col].astype(str), df["name"].astype(str), strict=False))
            maps.append(m)
    return maps


def names_for(codes: tuple[str, ...]) -> dict[str, str]:
    """The first code list that names every one of ``codes`` (or most of them), else {}."""
    best: dict[str, str] = {}
    for m in _code_name_maps():
        hit = {c: m[c] for c in codes if c in m}
        if len(hit) > len(best):
            best = hit
    return best if len(best) >= max(1, len(codes) // 2) else {}


def dimension_names(table: IOTable) -> dict[str, dict[str, str]]:
    """``{"countries"|"sectors"|"fd_categories": {code: name}}`` for the dimension tables."""
    out = {"sectors": names_for(table.sectors), "fd_categories": names_for(table.fd_categories)}
    tc = _tables().get("table_countries")
    if tc is not None:
        m = dict(zip(tc["code_in_table"].astype(str), tc["name"].astype(str), strict=False))
        m.update(dict(zip(tc["iso3"].astype(str), tc["name"].astype(str), strict=False)))
        m.setdefault("RoW", "Rest of the world")
        m.setdefault("ROW", "Rest of the world")
        m.setdefault("ROM", "Romania")
        out["countries"] = {c: m[c] for c in table.countries if c in m}
    return out
