"""Turn dicts of term arrays into long Arrow tables (non-zero cells only, integer keys)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def _dict_column(codes: np.ndarray, names: list[str]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(codes, type=pa.int32()), pa.array(names))


def long_by_term(
    terms: dict[str, np.ndarray],
    key_names: tuple[str, ...],
    term_name: str = "term",
    constants: dict[str, str] | None = None,
    keep_zeros: bool = False,
) -> pa.Table:
    """Stack arrays of equal shape into ``(key_1, ..., key_k, term, value)`` rows.

    ``key_names`` names the array axes (e.g. ``("export_node", "importer_pos")`` for (n, G)
    arrays). Zero cells are dropped unless ``keep_zeros``; NaN cells are kept as NULL (they
    mean "undefined", e.g. a share with a zero denominator). ``constants`` become extra string
    columns placed before ``term`` (e.g. approach and perspective).
    """
    names = list(terms)
    if not names:
        raise ValueError("no terms")
    shape = np.shape(terms[names[0]])
    if len(shape) != len(key_names):
        raise ValueError(f"arrays have {len(shape)} axes but {len(key_names)} key names")
    keys: list[list[np.ndarray]] = [[] for _ in key_names]
    codes, values = [], []
    for k, name in enumerate(names):
        arr = np.asarray(terms[name], dtype=np.float64)
        if arr.shape != shape:
            raise ValueError(f"term {name} has shape {arr.shape}, expected {shape}")
        mask = np.ones(shape, dtype=bool) if keep_zeros else (arr != 0)
        idx = np.nonzero(mask)
        for axis, ix in enumerate(idx):
            keys[axis].append(ix.astype(np.int32))
        codes.append(np.full(idx[0].size, k, dtype=np.int32))
        values.append(arr[mask])
    cols: dict[str, pa.Array] = {
        kn: pa.array(np.concatenate(parts)) for kn, parts in zip(key_names, keys, strict=True)
    }
    n_rows = sum(c.size for c in codes)
    for cname, cval in (constants or {}).items():
        cols[cname] = _dict_column(np.zeros(n_rows, dtype=np.int32), [cval])
    cols[term_name] = _dict_column(np.concatenate(codes), names)
    # NaN ("undefined") is written as NULL, so SQL's count() and IS NULL filters see it
    cols["value"] = pa.array(np.concatenate(values), from_pandas=True)
    return pa.table(cols)
