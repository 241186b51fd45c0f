"""CEPII GeoDist distances between a table's countries (``km_source = 'cepii:<measure>'``).

The user's own copy of CEPII GeoDist ``dist_cepii`` (Mayer & Zignago 2011; CSV or Parquet with
columns ``iso_o, iso_d`` and ``dist``, ``distcap``, ``distw`` or ``distwces`` in km; gvc ships
none) replaces the great-circle km between table countries; its absolute path and sha256 are
stored with the chain, and a run refuses a file whose sha256 changed
(:func:`gvc.chains.definitions.chain_geography_of`). Codes are mapped explicitly, table ->
ISO3 -> GeoDist (:data:`CEPII_CODES`: ``ROU`` -> ``ROM``, ``COD`` -> ``ZAR``, ``TLS`` ->
``TMP``, ``PSE`` -> ``PAL``). RoW keeps the Natural Earth rule (:mod:`gvc.chains.geography`):
the GDP-weighted non-member Natural Earth countries, with CEPII distances to each (members
GeoDist lacks are left out and the weights renormalised). A pair of table countries the file
lacks (a missing row, or ``distw`` NaN) is an :class:`~gvc.errors.InputError` naming the pair
and the file, unless ``km_fallback = 'natural_earth'`` (stored with the chain), which takes the
great-circle km for such pairs (and keeps RoW members with them). Continents and map points
stay Natural Earth's; within-country distance is 0.

References
----------
Mayer, T. & Zignago, S. (2011). Notes on CEPII's distances measures: the GeoDist database.
CEPII Working Paper 2011-25.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from gvc.chains.geography import natural_earth_points
from gvc.errors import InputError
from gvc.ingestion.prepare import source_sha256
from gvc.kernels.geo import aggregate_distance_matrix, distance_matrix

log = logging.getLogger(__name__)

CEPII_MEASURES = ("dist", "distcap", "distw", "distwces")
"""CEPII GeoDist distance measures (km): main cities, capitals, population-weighted (two ways)."""
KM_FALLBACKS = ("natural_earth",)
CEPII_CODES = {"ROU": "ROM", "COD": "ZAR", "TLS": "TMP", "PSE": "PAL"}
"""ISO3 codes that CEPII GeoDist writes with its older code (Romania, DR Congo, Timor-Leste,
Palestine). Serbia, Montenegro and Kosovo are not mapped: GeoDist has only ``YUG``."""


@lru_cache(maxsize=4)
def _read_cepii(path: str, sha256: str, measure: str) -> tuple[dict[str, int], np.ndarray]:
    """CEPII codes -> positions and the (K, K) matrix of ``measure`` (NaN where missing).

    ``sha256`` is only part of the cache key (a changed file is read again).
    """
    del sha256
    p = Path(path)
    try:
        if p.suffix.lower() in {".parquet", ".pq"}:
            df = pd.read_parquet(p)
        elif p.suffix.lower() in {".csv", ".txt"}:
            with open(p, "rb") as f:
                head = f.readline().decode("utf-8", "replace")
            sep = ";" if head.count(";") > head.count(",") else ","  # European CSV exports
            df = pd.read_csv(p, sep=sep, dtype={"iso_o": str, "iso_d": str})
        else:
            raise InputError(f"{p}: CEPII distances must be a .csv or .parquet file")
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad input file
        raise InputError(f"{p}: cannot read the CEPII distance file ({exc})") from exc
    df.columns = [str(c).strip().lower() for c in df.columns]
    lacking = [c for c in ("iso_o", "iso_d", measure) if c not in df.columns]
    if lacking:
        raise InputError(
            f"{p}: not a CEPII dist_cepii file, column {lacking[0]!r} missing "
            f"(need iso_o, iso_d, {measure})"
        )
    o = df["iso_o"].astype(str).str.strip().str.upper()
    d = df["iso_d"].astype(str).str.strip().str.upper()
    val = pd.to_numeric(df[measure], errors="coerce").to_numpy(dtype=np.float64)
    if np.any(val < 0):
        k = int(np.flatnonzero(val < 0)[0])
        raise InputError(f"{p}: negative {measure} for {o.iloc[k]} -> {d.iloc[k]}")
    pair = o + "/" + d
    if pair.duplicated().any():
        raise InputError(f"{p}: pair {pair[pair.duplicated()].iloc[0]} appears twice")
    codes = {c: k for k, c in enumerate(sorted(set(o) | set(d)))}
    M = np.full((len(codes), len(codes)), np.nan)
    M[o.map(codes).to_numpy(), d.map(codes).to_numpy()] = val
    M = np.where(np.isnan(M), M.T, M)  # GeoDist is symmetric; one direction is enough
    return codes, M


def cepii_distances(
    countries: Sequence[str],
    path: str | os.PathLike,
    measure: str = "dist",
    *,
    fallback: str | None = None,
) -> np.ndarray:
    """Distances (km) between a table's countries from CEPII GeoDist ``dist_cepii``.

    ``km[g, h]`` is the file's ``measure`` from ``iso_o = g`` to ``iso_d = h`` (the reverse
    pair when only that one is given), with zero diagonal (domestic legs cross no border).
    Codes are mapped explicitly: table code -> ISO3
    (:data:`gvc.chains.geography.ISO_ALIASES`, WIOD's ``ROM``) -> GeoDist code
    (:data:`CEPII_CODES`, e.g. ``ROU`` -> ``ROM``). ``RoW`` follows the Natural Earth rule of
    :func:`gvc.chains.geography.country_geography` with CEPII distances: its members are the
    Natural Earth countries not in the table, weighted by ``gdp_md_est``, and

    ``km[g, RoW] = sum_p w_p d_CEPII(g, p) / sum_p w_p``

    (:func:`gvc.kernels.geo.aggregate_distance_matrix`). Members the file has no distance for
    (not in GeoDist, e.g. Serbia, or ``distw`` missing, e.g. Macao) are left out of RoW and the
    weights renormalised (logged with their GDP share); with ``fallback='natural_earth'`` they
    keep their great-circle distance instead.

    Parameters
    ----------
    countries : table country codes.
    path : the user's GeoDist ``dist_cepii`` as CSV or Parquet (columns ``iso_o, iso_d`` and
        the measure, km).
    measure : ``dist`` (main cities), ``distcap`` (capitals), ``distw`` or ``distwces``
        (population-weighted; Mayer & Zignago 2011).
    fallback : ``None`` (a missing pair of table countries is an error) or ``natural_earth``
        (great-circle km between Natural Earth centroids for that pair).

    Returns
    -------
    km : (G, G) array, zero diagonal.

    Raises
    ------
    InputError
        unreadable file, missing column, negative distance, a pair of table countries without
        a distance (no fallback), a code without a Natural Earth centroid, or an empty RoW.

    References
    ----------
    Mayer, T. & Zignago, S. (2011). Notes on CEPII's distances measures: the GeoDist database.
    CEPII Working Paper 2011-25.
    """
    if measure not in CEPII_MEASURES:
        raise InputError(f"unknown CEPII measure {measure!r}; known: {', '.join(CEPII_MEASURES)}")
    if fallback is not None and fallback not in KM_FALLBACKS:
        raise InputError(f"unknown km_fallback {fallback!r}; known: {', '.join(KM_FALLBACKS)}")
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: CEPII distance file not found")
    codes, M = _read_cepii(str(path), source_sha256(path), measure)
    pts = natural_earth_points(countries)
    G = len(countries)
    cep = [CEPII_CODES.get(c, c) for c in pts.iso]
    idx = np.array([codes.get(c, -1) for c in cep], dtype=np.intp)
    P = np.where((idx[:, None] >= 0) & (idx[None, :] >= 0), M[idx[:, None], idx[None, :]], np.nan)
    grp = pts.group
    is_row = np.array([pts.continent[g] == "RoW" for g in grp])
    missing = np.isnan(P) & (grp[:, None] != grp[None, :])
    weight = pts.weight.copy()
    if fallback == "natural_earth":
        P = np.where(missing, distance_matrix(pts.lon, pts.lat), P)
        pairs = missing & ~is_row[:, None] & ~is_row[None, :]
        if pairs.any() or (missing & is_row[:, None]).any():
            log.warning(
                "%s: %s missing for %d ordered pairs of table countries and %d RoW members; "
                "Natural Earth great-circle km used",
                path,
                measure,
                int(pairs.sum()),
                int((missing & is_row[:, None]).any(axis=1).sum()),
            )
    else:
        pairs = np.argwhere(missing & ~is_row[:, None] & ~is_row[None, :])
        if len(pairs):
            a, b = pairs[0]
            ca, cb = countries[grp[a]], countries[grp[b]]
            raise InputError(
                f"{path}: no CEPII {measure} distance for {ca} -> {cb} (file codes "
                f"{cep[a]} -> {cep[b]}); add the pair or use km_fallback natural_earth"
            )
        drop = is_row & (missing.any(axis=1) | missing.any(axis=0))
        if drop.any():
            for g in np.unique(grp[drop]):
                in_g = grp == g
                share = weight[drop & in_g].sum() / weight[in_g].sum()
                if share >= 1.0:
                    raise InputError(
                        f"{path}: no {measure} distance for any member of {countries[g]}"
                    )
                log.warning(
                    "%s: %d members of %s (%.2f %% of its GDP weight) have no %s distance and "
                    "are left out of it",
                    path,
                    int((drop & in_g).sum()),
                    countries[g],
                    100 * share,
                    measure,
                )
            weight[drop] = 0.0
            P = np.where(drop[:, None] | drop[None, :], 0.0, P)
    return aggregate_distance_matrix(P, grp, weight, n_groups=G)
