"""Wide CSV files with a header row and a row-label column (OECD ICIO, FIGARO), read densely.

Both publish one square table: the first column holds row labels, the header the column labels;
industry rows and columns are ``<country>_<industry>``, final-demand columns
``<country>_<category>``, and the rows below the block (taxes, value added, output) carry
labels that are not industry columns. :func:`read_wide` streams the rows straight into the
dense intermediate and final-demand blocks (:mod:`gvc.readers._dense`); only the few rows below
the block and the total column become a frame (``inputs``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gvc.errors import InputError
from gvc.readers._dense import Source, stream_matrix
from gvc.readers.raw import DenseBlocks


@dataclass
class WideColumns:
    """How the value columns (the header less its first field) map to the table.

    ``z`` / ``fd`` hold (column position, target position) pairs: target ``country_pos * N +
    sector_pos`` for industry columns and ``country_pos * F + category_pos`` for final demand.
    """

    countries: list[str]
    sectors: list[str]
    fd_categories: list[str]
    z_cols: np.ndarray
    z_target: np.ndarray
    fd_cols: np.ndarray
    fd_target: np.ndarray
    total_col: int | None = None
    z_labels: list[str] = field(default_factory=list)
    #: every value column of the file (the header less its first field)
    n_value_cols: int = 0


@dataclass
class WideResult:
    dense: DenseBlocks
    inputs: pd.DataFrame
    bottom_items: list[str]
    fd_bottom_nonzero: int
    total: np.ndarray | None


def read_wide(
    src: Source,
    cols: WideColumns,
    *,
    delimiter: str = ",",
    what: str,
    total_item: str = "TOTAL",
) -> WideResult:
    """Stream a wide file: body rows into Z and Y, other rows into ``inputs``.

    A body row is one whose label is an industry column label. ``inputs`` holds every other
    row under every industry column (``item`` = the row label) and, when the file has a total
    column, its value per body row as ``item = total_item``.

    Raises
    ------
    InputError
        a duplicate row label, an industry column with no row, a row that looks like an
        industry of the table but has no column, anything :func:`stream_matrix` refuses.
    """
    G, N, F = len(cols.countries), len(cols.sectors), len(cols.fd_categories)
    n = G * N
    row_pos = {lab: int(t) for lab, t in zip(cols.z_labels, cols.z_target, strict=True)}
    Z = np.zeros((n, n))
    Y = np.zeros((n, G * F))
    total = np.full(n, np.nan) if cols.total_col is not None else None
    z_order = np.argsort(cols.z_target)
    z_src = cols.z_cols[z_order]  # value columns in node order
    contiguous = bool(z_src.size) and np.array_equal(z_src, np.arange(z_src[0], z_src[0] + n))
    seen = np.zeros(n, dtype=bool)
    bottom_labels: list[str] = []
    bottom_rows: list[np.ndarray] = []
    all_labels: list[str] = []

    def place(first: int, labels: list[np.ndarray], values: np.ndarray) -> None:
        lab = labels[0].astype(str)
        all_labels.extend(lab.tolist())
        pos = np.fromiter((row_pos.get(s, -1) for s in lab), dtype=np.int64, count=lab.size)
        body = pos >= 0
        if body.any():
            rows = pos[body]
            vb = values[body]
            Z[rows] = vb[:, z_src[0] : z_src[0] + n] if contiguous else vb[:, z_src]
            if cols.fd_cols.size:
                Y[np.ix_(rows, cols.fd_target)] = vb[:, cols.fd_cols]
            if total is not None:
                total[rows] = vb[:, cols.total_col]
            seen[rows] = True
        for k in np.flatnonzero(~body):
            bottom_labels.append(str(lab[k]))
            bottom_rows.append(values[k].copy())

    n_rows = stream_matrix(
        src,
        delimiter=delimiter,
        skip_rows=1,
        n_label_cols=1,
        n_value_cols=cols.n_value_cols,
        place=place,
        what=what,
    )
    labels = pd.Series(all_labels)
    dup = labels.duplicated(keep=False).to_numpy()
    if dup.any():
        where = np.flatnonzero(labels.to_numpy() == labels[np.flatnonzero(dup)[0]])
        raise InputError(
            f"{src.name}: duplicate row label {labels[where[0]]!r} at lines {where[0] + 2} "
            f"and {where[1] + 2}"
        )
    country_set, sector_set = set(cols.countries), set(cols.sectors)
    for lab in bottom_labels:
        a, _, b = lab.partition("_")
        if a in country_set and b in sector_set:
            line = all_labels.index(lab) + 2
            raise InputError(f"{src.name}: line {line}: row {lab!r} has no matching column")
    if not seen.all():
        missing = [cols.z_labels[j] for j in np.flatnonzero(~seen[cols.z_target])][:1]
        raise InputError(
            f"{src.name}: column {missing[0]!r} has no row with that label: not an industry, "
            f"final-demand or total column, or the file is truncated ({n_rows} rows read)"
        )
    bottom = np.vstack(bottom_rows) if bottom_rows else np.zeros((0, len(cols.z_labels)))
    node_c = np.repeat(np.asarray(cols.countries, dtype=object), N)
    node_s = np.tile(np.asarray(cols.sectors, dtype=object), G)
    frames = [
        pd.DataFrame(
            {
                "country": np.tile(node_c, len(bottom_labels)),
                "sector": np.tile(node_s, len(bottom_labels)),
                "item": np.repeat(np.asarray(bottom_labels, dtype=object), n),
                "value": bottom[:, z_src].reshape(-1),
            }
        )
    ]
    if total is not None:
        frames.append(
            pd.DataFrame({"country": node_c, "sector": node_s, "item": total_item, "value": total})
        )
    fd_nz = int(np.count_nonzero(np.nan_to_num(bottom[:, cols.fd_cols]))) if bottom.size else 0
    inputs = pd.concat(frames, ignore_index=True)
    return WideResult(DenseBlocks(Z, Y), inputs, bottom_labels, fd_nz, total)
