"""Harmonisation: from a faithful :class:`RawTable` to a closed :class:`IOTable`.

Every change is a named, switchable step, logged with ``logging.getLogger(__name__)`` and
returned as a provenance record ``{"step", "detail", "cells_changed", ...}``. Steps, in order:

0. ``unit``: the table's unit (as the file states it, as its database documents it, or as
   declared with ``unit=``: see :mod:`gvc.units`) is checked and every value scaled to the
   store's convention, millions of the same currency (Eora's and GLORIA's thousand USD are
   multiplied by 0.001). A table with no unit is refused. Currencies are never converted here.
1. ``fold_processing_trade``: China and Mexico's processing-trade parts (``CN1, CN2, ...``,
   ``MX1, MX2, ...`` in the OECD ICIO files) are summed into ``CHN`` / ``MEX`` on rows and
   columns of Z, rows of final demand and the rows below the block (output, VA, taxes). How
   depends on what ``CHN`` already holds, checked on the data:

   - ``CHN`` industry rows and columns all zero (OECD ICIO 2021 edition; exvatools' ``meld``
     and common2016's ``tidyicio`` rely on this): ``CHN := CN1 + CN2``;
   - ``CHN`` rows already equal ``CN1 + CN2`` (a file holding both totals and parts): the
     parts are dropped, so nothing is counted twice;
   - otherwise ``CHN := CHN + CN1 + CN2`` (what pymrio's ``parse_oecd`` does), with a warning.

2. ``output``: gross output from the file's output row (``OUT``, ``GO``, ``output``) or, when
   the file has none, the row sums ``x = Z 1 + Y 1``.
3. ``negative_inventories``: ``keep`` (default), ``zero`` (set negative inventory-change cells to
   0; x unchanged, so those rows no longer add up) or ``move`` (set them to 0 and count the
   stock drawn down as current output, ``x_i := x_i - N_i`` for ``N_i < 0``: the
   output-net-of-inventories adjustment of Antràs, Chor, Fally & Hillberry (2012) applied to
   the negative entries only; rows keep adding up).
4. ``value_added``: ``auto`` uses the file's VA row when it has one, else the residual
   ``va = x - 1'Z`` (what Stata ``icio``, R ``icio`` and ``decompr`` use; it includes net
   taxes on products and, in WIOD, international transport margins); ``row`` / ``residual``
   force one.
5. ``zero_output``: sectors with zero output are kept (coefficients divide safely); recorded.
6. ``balance`` (:func:`rebalance_rows`, applied after validation so that a table out of
   balance beyond tolerance is still rejected): ``rows`` (default) sets ``x := Z 1 + Y 1`` when
   the file's output differs from the row sums within tolerance (integer rounding in WIOD
   2013: largest gap 113 USD million). The tolerance is relative to the table's scale:
   ``0.001 max(x_i, 1)`` plus, for whole-number tables, the rounding bound of a row,
   ``min(200, 0.5 (n + G F + 1))`` units of the published table (0.5 per published cell; see
   :mod:`gvc.ingestion.validate`), so a small table off by 20 % is refused, not rebalanced. It
   recomputes a residual value added with it, so that
   ``B Y 1 = x`` and every accounting identity holds exactly (pymrio does the same: it always
   computes ``x`` from ``Z`` and ``Y``); ``none`` keeps the file's output (decompr's choice).

References
----------
Antràs, P., Chor, D., Fally, T. and Hillberry, R. (2012), "Measuring the Upstreamness of
Production and Trade Flows", American Economic Review P&P 102(3): 412-416 (inventory
adjustment of gross output).
"""

from __future__ import annotations

import dataclasses
import logging
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from gvc.errors import InputError
from gvc.readers.raw import RawTable
from gvc.table import IOTable
from gvc.units import unit_step

log = logging.getLogger(__name__)

#: final-demand codes of inventory changes (WIOD, OECD ICIO, older ICIO)
INVENTORY_CODES = ("INVEN", "INVNT", "INV")
#: processing-trade parts and their country
PART_PATTERNS = {"CHN": re.compile(r"CN\d"), "MEX": re.compile(r"MX\d")}


@dataclass(frozen=True)
class HarmoniseOptions:
    """Switches for :func:`harmonise` (see the module docstring for what each does)."""

    fold_processing_trade: bool = True
    negative_inventories: Literal["keep", "zero", "move"] = "keep"
    value_added: Literal["auto", "row", "residual"] = "auto"
    balance: Literal["rows", "none"] = "rows"
    #: the unit of a table that does not state one (the long layout), e.g. ``"EUR million"``;
    #: must agree with the file's when both are given
    unit: str | None = None

    def __post_init__(self) -> None:
        """Check every field against its declared type or allowed values (the schema is the
        annotations above), so a bad option fails where it is read, not at run time."""
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            hint = _HINTS[f.name]
            if f.name == "unit":
                if value is not None:
                    from gvc.units import parse_unit

                    parse_unit(value, "unit")
            elif typing.get_origin(hint) is Literal:
                allowed = typing.get_args(hint)
                if value not in allowed:
                    raise InputError(
                        f"{f.name} = {value!r}: expected one of {', '.join(map(str, allowed))}"
                    )
            elif not isinstance(value, hint):
                raise InputError(f"{f.name} = {value!r}: expected {hint.__name__} (true or false)")

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any] | None) -> HarmoniseOptions:
        """Options from a mapping (a pipeline file's ``[source.harmonise]``, CLI flags).

        Raises
        ------
        InputError
            an unknown key (the message lists the known ones) or a value outside its allowed
            set.

        >>> HarmoniseOptions.from_mapping({"balance": "none"}).balance
        'none'
        >>> HarmoniseOptions.from_mapping({"negative_inventories": "explode"})
        Traceback (most recent call last):
        ...
        gvc.errors.InputError: negative_inventories = 'explode': expected one of keep, zero, move
        """
        options = dict(options or {})
        known = [f.name for f in dataclasses.fields(cls)]
        extra = sorted(set(options) - set(known))
        if extra:
            raise InputError(f"unknown option(s) {extra}; known: {', '.join(known)}")
        return cls(**options)


_HINTS = typing.get_type_hints(HarmoniseOptions)


def harmonise(raw: RawTable, options: HarmoniseOptions | None = None) -> tuple[IOTable, list[dict]]:
    """Turn a reader's :class:`RawTable` into an :class:`IOTable`, recording every step.

    Parameters
    ----------
    raw : what a reader returned (file labels, nothing derived).
    options : the switches; ``HarmoniseOptions()`` when None.

    Returns
    -------
    (table, steps): the IOTable (country-major, ``meta`` holds year, source, format, edition and
    the steps) and the provenance records, one dict per step with ``step``, ``detail`` and
    ``cells_changed``.

    Raises
    ------
    InputError
        bad options, unknown or duplicate labels in cells or inputs, NaN/inf cells,
        ``value_added="row"`` without a VA row, no unit or a unit outside the documented set,
        a declared unit that contradicts the file's.

    Examples
    --------
    >>> import pandas as pd
    >>> from gvc.readers.raw import RawTable
    >>> cells = pd.DataFrame({"row_country": ["A", "A"], "row_sector": ["s", "s"],
    ...     "col_country": ["A", "A"], "col_item": ["s", "C"], "value": [2.0, 8.0]})
    >>> raw = RawTable(cells, pd.DataFrame(columns=["country", "sector", "item", "value"]),
    ...     ["A"], ["s"], ["C"], 2000, "toy", "long", unit="USD thousand")
    >>> table, steps = harmonise(raw)
    >>> table.x, table.va, table.meta["unit"], [s["step"] for s in steps][:2]
    (array([0.01]), array([0.008]), 'USD million', ['unit', 'fold_processing_trade'])
    """
    opt = options or HarmoniseOptions()
    _check_options(opt)
    src = str(raw.source)
    countries = [str(c) for c in raw.countries]
    sectors = [str(s) for s in raw.sectors]
    fds = [str(f) for f in raw.fd_categories]
    N, F = len(sectors), len(fds)
    unit_rec, factor, unit_meta = unit_step(raw.unit, opt.unit, src)
    if raw.dense is not None:
        # wide files: the reader's dense arrays, no long frame
        Z, Yd = _dense_blocks(raw, len(countries), N, F, src)
    elif raw.arrow_cells is not None:
        # the long layout: straight from Arrow into the dense arrays (bounded temporaries)
        from gvc.readers.long import dense_from_cells

        dense = dense_from_cells(raw.arrow_cells, countries, sectors, fds, src)
        Z, Yd = dense.Z, dense.Y
    else:
        base = IOTable.from_long(
            raw.cells, countries, sectors, fds, x=np.zeros(0), va=np.zeros(0), source=src
        )
        Z, Yd = base.Z, base.Y_detail
    items = _input_vectors(raw.inputs, countries, sectors, src)
    if factor != 1.0:
        Z, Yd = Z * factor, Yd * factor
        items = {k: v * factor for k, v in items.items()}
        unit_rec["cells_changed"] = int(np.count_nonzero(Z) + np.count_nonzero(Yd))
    steps: list[dict] = [unit_rec]

    countries, Z, Yd, items, rec = _fold(countries, N, F, Z, Yd, items, opt)
    steps.append(rec)

    # output
    if raw.output_item is not None and raw.output_item in items:
        x = items[raw.output_item].copy()
        missing = int(np.isnan(x).sum())
        detail = f"file: inputs item {raw.output_item!r}"
        if missing:
            detail += f" ({missing} country-sectors without a value)"
        steps.append({"step": "output", "detail": detail, "cells_changed": 0})
    else:
        with np.errstate(over="ignore", invalid="ignore"):  # overflow: validate names the cell
            x = Z.sum(axis=1) + Yd.sum(axis=1)
        steps.append(
            {
                "step": "output",
                "detail": "row sums Z 1 + Y 1 (the file gives no output)",
                "cells_changed": int(x.size),
            }
        )

    Yd, x, rec = _inventories(Yd, x, fds, len(countries), opt.negative_inventories)
    steps.append(rec)

    # value added
    use_row = opt.value_added == "row" or (opt.value_added == "auto" and raw.va_item is not None)
    if use_row:
        if raw.va_item is None or raw.va_item not in items:
            raise InputError(f"{src}: value_added='row' but the file has no value-added row")
        va = items[raw.va_item].copy()
        detail = f"row: inputs item {raw.va_item!r}"
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            va = x - Z.sum(axis=0)
        detail = "residual: x - column sums of Z (as Stata icio, R icio and decompr)"
    steps.append(
        {
            "step": "value_added",
            "detail": f"{detail} [option {opt.value_added}]",
            "cells_changed": 0 if use_row else int(va.size),
        }
    )

    zero = np.flatnonzero(x == 0)
    names = [f"{countries[i // N]}/{sectors[i % N]}" for i in zero[:10]]
    steps.append(
        {
            "step": "zero_output",
            "detail": (
                f"{zero.size} country-sectors with zero output kept "
                "(their coefficient columns are zero)"
                + (f": {', '.join(names)}{' ...' if zero.size > 10 else ''}" if zero.size else "")
            ),
            "cells_changed": 0,
        }
    )
    for s in steps:
        log.info("%s: %s: %s", src, s["step"], s["detail"])
    table = IOTable(
        tuple(countries),
        tuple(sectors),
        tuple(fds),
        Z,
        Yd,
        np.asarray(x, dtype=np.float64),
        np.asarray(va, dtype=np.float64),
        meta={
            "year": int(raw.year),
            "source": src,
            "format": raw.format,
            "edition": raw.edition,
            **unit_meta,
            "harmonisation": steps,
            "reader_notes": list(raw.notes),
            "va_residual": not use_row,
            "x_from_row_sums": not (raw.output_item is not None and raw.output_item in items),
        },
    )
    return table, steps


def rebalance_rows(table: IOTable, options: HarmoniseOptions | None = None) -> tuple[IOTable, dict]:
    """Step 6: output from row sums ``x = Z 1 + Y 1`` (``balance="rows"``), recorded.

    A residual value added (``va = x - 1'Z``) is recomputed with the new output; a value
    added from the file's row is kept. Call it after :func:`gvc.ingestion.validate.validate`.

    >>> t = IOTable(("A",), ("s",), ("C",), np.array([[2.0]]), np.array([[7.0]]),
    ...             np.array([10.0]), np.array([8.0]), meta={"va_residual": True})
    >>> t2, step = rebalance_rows(t)
    >>> t2.x, t2.va, step["cells_changed"]
    (array([9.]), array([7.]), 1)
    """
    opt = options or HarmoniseOptions()
    if opt.balance not in ("rows", "none"):
        raise InputError(f"balance must be 'rows' or 'none', got {opt.balance!r}")
    if opt.balance == "none":
        return table, {
            "step": "balance",
            "detail": "none: output as in the file",
            "cells_changed": 0,
        }
    Z, Yd = table.Z, table.Y_detail
    dropped_fd = dropped_z = 0
    dropped_fd_sum = dropped_z_sum = 0.0
    # A node whose sales sum to <= 0 gets x = 0; its negative final-demand cells (inventory
    # draw-downs) and the purchases it makes cannot then be explained by the model: drop them
    # (recorded), else B Y 1 = x and the value-added identities fail for its suppliers.
    for _ in range(table.n):
        rows = Z.sum(axis=1) + Yd.sum(axis=1)
        dead = rows <= 0
        neg_fd = dead[:, None] & (Yd < 0)
        dead_cols = dead & (Z.sum(axis=0) != 0)
        if not neg_fd.any() and not dead_cols.any():
            break
        if Z is table.Z:
            Z, Yd = Z.copy(), Yd.copy()
        dropped_fd += int(neg_fd.sum())
        dropped_fd_sum += float(Yd[neg_fd].sum())
        Yd[neg_fd] = 0.0
        dropped_z += int(np.count_nonzero(Z[:, dead_cols]))
        dropped_z_sum += float(Z[:, dead_cols].sum())
        Z[:, dead_cols] = 0.0
    rows = Z.sum(axis=1) + Yd.sum(axis=1)
    gap = table.x - rows
    changed = int(np.count_nonzero(gap))
    if changed == 0:
        return table, {"step": "balance", "detail": "rows: already balanced", "cells_changed": 0}
    i = int(np.argmax(np.abs(gap)))
    N = table.N
    rel = float(np.abs(gap).sum() / max(float(np.abs(table.x).sum()), 1e-300))
    residual = table.meta.get("va_residual", True)
    va = rows - Z.sum(axis=0) if residual else table.va
    detail = (
        f"rows: x := Z 1 + Y 1 on {changed} nodes (largest gap {gap[i]:.6g} at "
        f"{table.countries[i // N]}/{table.sectors[i % N]}; relative L1 gap {rel:.3g})"
        + ("; residual value added recomputed" if residual else "")
    )
    if dropped_fd or dropped_z:
        detail += (
            f"; nodes with no positive sales: {dropped_fd} negative final-demand cells "
            f"(sum {dropped_fd_sum:.6g}) and {dropped_z} intermediate purchases "
            f"(sum {dropped_z_sum:.6g}) set to 0"
        )
    log.info("%s: balance: %s", table.meta.get("source", "table"), detail)
    meta = dict(table.meta)
    meta["harmonisation"] = list(meta.get("harmonisation", [])) + [
        {"step": "balance", "detail": detail, "cells_changed": changed + dropped_fd + dropped_z}
    ]
    out = IOTable(
        table.countries,
        table.sectors,
        table.fd_categories,
        Z,
        Yd,
        rows,
        np.asarray(va, dtype=np.float64),
        meta=meta,
    )
    return out, {"step": "balance", "detail": detail, "cells_changed": changed}


def _dense_blocks(raw: RawTable, G: int, N: int, F: int, src: str):
    assert raw.dense is not None
    Z, Yd = raw.dense.Z, raw.dense.Y
    n = G * N
    if Z.shape != (n, n) or Yd.shape != (n, G * F):
        raise InputError(
            f"{src}: dense blocks of shape Z {Z.shape}, Y {Yd.shape} do not fit {G} countries x "
            f"{N} sectors x {F} final-demand categories"
        )
    return np.asarray(Z, dtype=np.float64), np.asarray(Yd, dtype=np.float64)


def _check_options(opt: HarmoniseOptions) -> None:
    if opt.negative_inventories not in ("keep", "zero", "move"):
        raise InputError(
            f"negative_inventories={opt.negative_inventories!r}: expected keep, zero or move"
        )
    if opt.value_added not in ("auto", "row", "residual"):
        raise InputError(f"value_added={opt.value_added!r}: expected auto, row or residual")


def _input_vectors(
    inputs: pd.DataFrame, countries: list[str], sectors: list[str], src: str
) -> dict[str, np.ndarray]:
    """One (n,) vector per inputs item, NaN where the file gives no value."""
    out: dict[str, np.ndarray] = {}
    if inputs is None or len(inputs) == 0:
        return out
    N = len(sectors)
    ci = pd.Index(countries).get_indexer(inputs["country"].astype(str))
    si = pd.Index(sectors).get_indexer(inputs["sector"].astype(str))
    bad = (ci < 0) | (si < 0)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        row = inputs.iloc[k]
        raise InputError(
            f"{src}: inputs row item={row['item']}: unknown country/sector "
            f"{row['country']}/{row['sector']}"
        )
    node = ci * N + si
    item = inputs["item"].astype(str).to_numpy()
    val = inputs["value"].to_numpy(dtype=np.float64)
    codes, names = pd.factorize(item)
    for k, name in enumerate(names):
        sel = codes == k
        nodes = node[sel]
        if np.unique(nodes).size != nodes.size:
            srt = np.sort(nodes)
            d = int(srt[1:][srt[1:] == srt[:-1]][0])
            raise InputError(
                f"{src}: inputs item {name}: duplicate value for {countries[d // N]}/"
                f"{sectors[d % N]}"
            )
        v = np.full(len(countries) * N, np.nan)
        v[nodes] = val[sel]
        out[str(name)] = v
    return out


def _fold(countries, N, F, Z, Yd, items, opt):
    present = {
        target: [c for c in countries if pat.fullmatch(c)] for target, pat in PART_PATTERNS.items()
    }
    present = {t: p for t, p in present.items() if p}
    if not present:
        return (
            countries,
            Z,
            Yd,
            items,
            {
                "step": "fold_processing_trade",
                "detail": "nothing to fold: no CN1/CN2/MX1/MX2 parts in the table",
                "cells_changed": 0,
            },
        )
    listing = ", ".join(f"{'+'.join(p)} -> {t}" for t, p in present.items())
    if not opt.fold_processing_trade:
        return (
            countries,
            Z,
            Yd,
            items,
            {
                "step": "fold_processing_trade",
                "detail": (
                    f"off: {listing} not folded; the parts stay separate countries "
                    "(their final-demand columns are zero: the files split supply, not demand)"
                ),
                "cells_changed": 0,
            },
        )
    G = len(countries)
    Z4 = Z.reshape(G, N, G, N).copy()
    Y3 = Yd.reshape(G, N, G, F).copy()
    vec = {k: v.reshape(G, N).copy() for k, v in items.items()}
    pos = {c: i for i, c in enumerate(countries)}
    moved = 0
    modes = []
    drop: list[int] = []
    for target, parts in present.items():
        pi = [pos[c] for c in parts]
        moved += int(
            np.count_nonzero(Z4[pi])
            + np.count_nonzero(Z4[:, :, pi])
            - np.count_nonzero(Z4[np.ix_(pi, range(N), pi, range(N))])
            + np.count_nonzero(Y3[pi])
            + sum(np.count_nonzero(np.nan_to_num(v[pi])) for v in vec.values())
        )
        if target not in pos:
            # no total row at all: the first part becomes the country
            t = pi[0]
            countries = list(countries)
            countries[t] = target
            pos[target] = t
            pi = pi[1:]
            mode = "renamed first part"
        else:
            t = pos[target]
            mode = _fold_mode(Z4, Y3, t, pi)
        drop.extend(pi)
        if mode == "drop parts":
            modes.append(f"{target} already holds {'+'.join(parts)}: parts dropped")
            continue
        if mode == "add":
            log.warning(
                "%s industry block is not zero and not the sum of %s: parts added to it",
                target,
                "+".join(parts),
            )
        modes.append(
            {
                "sum": f"{target} block was zero: {target} := {'+'.join(parts)}",
                "add": f"{target} block held other values: parts added to it (as pymrio)",
                "renamed first part": f"no {target} rows: parts summed under {target}",
            }[mode]
        )
        Z4[t] += Z4[pi].sum(axis=0)
        Z4[:, :, t] += Z4[:, :, pi].sum(axis=2)
        Y3[t] += Y3[pi].sum(axis=0)
        Y3[:, :, t] += Y3[:, :, pi].sum(axis=2)
        for v in vec.values():
            v[t] = np.nansum(np.stack([v[t]] + [v[i] for i in pi]), axis=0)
            v[t][np.all(np.isnan(np.stack([v[t]] + [v[i] for i in pi])), axis=0)] = np.nan
    keep = [i for i in range(G) if i not in set(drop)]
    G2 = len(keep)
    Z = Z4[np.ix_(keep, range(N), keep, range(N))].reshape(G2 * N, G2 * N)
    Yd = Y3[np.ix_(keep, range(N), keep, range(F))].reshape(G2 * N, G2 * F)
    items = {k: v[keep].reshape(-1) for k, v in vec.items()}
    countries = [countries[i] for i in keep]
    return (
        countries,
        Z,
        Yd,
        items,
        {
            "step": "fold_processing_trade",
            "detail": (
                f"{listing} on rows and columns, final demand and inputs ({'; '.join(modes)})"
            ),
            "cells_changed": moved,
        },
    )


def _fold_mode(Z4: np.ndarray, Y3: np.ndarray, t: int, pi: list[int]) -> str:
    own = Z4[t]
    if not own.any() and not Z4[:, :, t].any() and not Y3[t].any():
        return "sum"
    # compare on columns outside the folded group, where totals and parts must agree
    G = Z4.shape[0]
    other = [g for g in range(G) if g != t and g not in pi]
    tot = Z4[t][:, other]
    parts = Z4[pi][:, :, other].sum(axis=0)
    scale = max(float(np.abs(tot).max(initial=0.0)), 1.0)
    if np.allclose(tot, parts, rtol=1e-6, atol=1e-9 * scale):
        return "drop parts"
    return "add"


def _inventories(Yd: np.ndarray, x: np.ndarray, fds: list[str], G: int, how: str):
    F = len(fds)
    inv = [k for k, f in enumerate(fds) if f in INVENTORY_CODES]
    if not inv:
        return (
            Yd,
            x,
            {
                "step": "negative_inventories",
                "detail": f"{how}: no inventory-change category in final demand",
                "cells_changed": 0,
            },
        )
    cols = np.array([r * F + k for r in range(G) for k in inv])
    block = Yd[:, cols]
    neg = block < 0
    count = int(neg.sum())
    total = float(block[neg].sum())
    code = fds[inv[0]]
    if how == "keep" or count == 0:
        return (
            Yd,
            x,
            {
                "step": "negative_inventories",
                "detail": f"{how}: {count} negative {code} cells (sum {total:.6g}) left as they are"
                if how == "keep"
                else f"{how}: no negative {code} cells",
                "cells_changed": 0,
            },
        )
    Yd = Yd.copy()
    drawn = np.where(neg, block, 0.0).sum(axis=1)
    Yd[:, cols] = np.where(neg, 0.0, block)
    if how == "zero":
        detail = (
            f"zero: {count} negative {code} cells (sum {total:.6g}) set to 0; output unchanged, "
            "so those rows exceed x by the amount removed"
        )
    else:
        x = x - drawn
        detail = (
            f"move: {count} negative {code} cells (sum {total:.6g}) set to 0 and output raised "
            "by the stock drawn down (x - N for N < 0, Antràs-Chor-Fally-Hillberry 2012)"
        )
    return Yd, x, {"step": "negative_inventories", "detail": detail, "cells_changed": count}
