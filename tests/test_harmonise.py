"""Harmonisation steps: processing-trade folding, inventories, VA and output, end-to-end errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gvc.errors import InputError
from gvc.ingestion.harmonise import HarmoniseOptions, harmonise
from gvc.readers import read
from gvc.readers.raw import RawTable

TESTS = Path(__file__).parent
ROOT = TESTS.parent
WIOD2013 = ROOT / "datasets" / "wiod2013"
LRWIOD = TESTS / "reference" / "lrwiod2000"
OECD = TESTS / "fixtures" / "oecd_icio"


def steps_by_name(steps):
    return {s["step"]: s for s in steps}


def raw_from_arrays(countries, sectors, fds, Z, Yd, x=None, year=2000) -> RawTable:
    """A RawTable with the given dense arrays as long cells (zeros dropped)."""
    G, N, F = len(countries), len(sectors), len(fds)
    rc, rs = np.repeat(countries, N), np.tile(sectors, G)
    zc, zs = rc, rs
    yc, yf = np.repeat(countries, F), np.tile(fds, G)
    r, c = np.nonzero(Z)
    ry, cy = np.nonzero(Yd)
    cells = pd.DataFrame(
        {
            "row_country": np.concatenate([rc[r], rc[ry]]),
            "row_sector": np.concatenate([rs[r], rs[ry]]),
            "col_country": np.concatenate([zc[c], yc[cy]]),
            "col_item": np.concatenate([zs[c], yf[cy]]),
            "value": np.concatenate([Z[r, c], Yd[ry, cy]]),
        }
    )
    inputs = pd.DataFrame(columns=["country", "sector", "item", "value"])
    out_item = None
    if x is not None:
        inputs = pd.DataFrame({"country": rc, "sector": rs, "item": "OUT", "value": x})
        out_item = "OUT"
    return RawTable(
        cells,
        inputs,
        list(countries),
        list(sectors),
        list(fds),
        year,
        "arrays",
        "long",
        unit="USD million",
        output_item=out_item,
    )


# ---------------------------------------------------------------- processing trade


def test_fold_2023_extended_equals_small_file():
    ext, s_ext = harmonise(read(OECD / "ICIO2023_2019.csv")[0])
    sml, s_sml = harmonise(read(OECD / "2019_SML.csv")[0])
    assert ext.countries == sml.countries == ("AUS", "CHN", "MEX", "ROW")
    for a, b in ((ext.Z, sml.Z), (ext.Y_detail, sml.Y_detail), (ext.x, sml.x), (ext.va, sml.va)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-9)
    fold = steps_by_name(s_ext)["fold_processing_trade"]
    assert "CN1+CN2 -> CHN" in fold["detail"] and "MX1+MX2 -> MEX" in fold["detail"]
    assert "CHN block was zero" in fold["detail"] and fold["cells_changed"] > 0
    assert "nothing to fold" in steps_by_name(s_sml)["fold_processing_trade"]["detail"]


def test_fold_2021_equals_2023_and_va_row_names():
    t21, s21 = harmonise(read(OECD / "ICIO2021_2015.csv")[0])
    t23, _ = harmonise(read(OECD / "ICIO2023_2019.csv")[0])
    np.testing.assert_array_equal(t21.Z, t23.Z)
    np.testing.assert_array_equal(t21.x, t23.x)
    np.testing.assert_array_equal(t21.va, t23.va)
    d = steps_by_name(s21)
    assert "'OUTPUT'" in d["output"]["detail"] and "'VALU'" in d["value_added"]["detail"]


def test_fold_off_keeps_parts():
    raw = read(OECD / "ICIO2023_2019.csv")[0]
    t, steps = harmonise(raw, HarmoniseOptions(fold_processing_trade=False))
    assert t.countries == ("AUS", "CHN", "MEX", "ROW", "MX1", "MX2", "CN1", "CN2")
    fold = steps_by_name(steps)["fold_processing_trade"]
    assert fold["detail"].startswith("off:") and fold["cells_changed"] == 0
    on, _ = harmonise(raw)
    # folding moves flows between countries but creates or loses none
    assert t.Z.sum() == pytest.approx(on.Z.sum(), rel=1e-13)
    assert t.x.sum() == pytest.approx(on.x.sum(), rel=1e-13)
    # the parts have no final demand of their own
    G, F = t.G, t.F
    assert not t.Y_detail.reshape(-1, G, F)[:, 4:, :].any()


def _toy_with_total(chn_row_to_a: float):
    # A, CHN, CN1, CN2; one sector; CN1 and CN2 sell 1 and 2 to A; A buys 2 and 3 from them
    countries, sectors, fds = ["A", "CHN", "CN1", "CN2"], ["s"], ["C"]
    Z = np.zeros((4, 4))
    Z[2, 0], Z[3, 0] = 1.0, 2.0
    Z[0, 2], Z[0, 3] = 2.0, 3.0
    Z[1, 0], Z[0, 1] = chn_row_to_a, 5.0
    Yd = np.zeros((4, 4))
    Yd[:, 0] = 10.0
    return raw_from_arrays(countries, sectors, fds, Z, Yd)


def test_fold_when_chn_already_holds_the_total():
    t, steps = harmonise(_toy_with_total(3.0))
    assert t.countries == ("A", "CHN")
    assert "parts dropped" in steps_by_name(steps)["fold_processing_trade"]["detail"]
    np.testing.assert_array_equal(t.Z, [[0.0, 5.0], [3.0, 0.0]])


def test_fold_adds_when_chn_is_something_else():
    t, steps = harmonise(_toy_with_total(10.0))
    assert "added" in steps_by_name(steps)["fold_processing_trade"]["detail"]
    np.testing.assert_array_equal(t.Z, [[0.0, 10.0], [13.0, 0.0]])


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    share=st.floats(0.0, 1.0),
    N=st.integers(1, 3),
)
def test_split_then_fold_recovers_the_table(seed, share, N):
    """Splitting CHN's supply into CN1/CN2 (CHN left zero) and folding gives CHN back."""
    rng = np.random.default_rng(seed)
    base = ["AUS", "CHN", "ROW"]
    G, F, n = 3, 2, 3 * N
    Z = rng.uniform(0, 10, (n, n))
    Yd = rng.uniform(0, 10, (n, G * F))
    chn = slice(N, 2 * N)
    # parts: rows and columns of CHN split by share / 1 - share
    Zx = np.zeros((5 * N, 5 * N))
    keep = np.r_[0:N, 2 * N : 3 * N]
    idx = {"AUS": np.arange(0, N), "ROW": np.arange(2 * N, 3 * N)}
    new = {
        "AUS": np.arange(0, N),
        "ROW": np.arange(2 * N, 3 * N),
        "CN1": np.arange(3 * N, 4 * N),
        "CN2": np.arange(4 * N, 5 * N),
    }
    w = {"CN1": share, "CN2": 1 - share}
    for a in ("AUS", "ROW", "CN1", "CN2"):
        for b in ("AUS", "ROW", "CN1", "CN2"):
            src_r = idx.get(a, np.arange(N, 2 * N))
            src_c = idx.get(b, np.arange(N, 2 * N))
            block = Z[np.ix_(src_r, src_c)] * w.get(a, 1.0) * w.get(b, 1.0)
            Zx[np.ix_(new[a], new[b])] = block
    Yx = np.zeros((5 * N, G * F))
    Yx[keep] = Yd[keep]
    Yx[3 * N : 4 * N] = Yd[chn] * share
    Yx[4 * N : 5 * N] = Yd[chn] * (1 - share)
    raw = raw_from_arrays(
        base + ["CN1", "CN2"],
        [f"s{k}" for k in range(N)],
        ["C", "I"],
        Zx,
        np.hstack([Yx, np.zeros((5 * N, 2 * F))]),
    )
    t, _ = harmonise(raw)
    assert t.countries == tuple(base)
    np.testing.assert_allclose(t.Z, Z, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(t.Y_detail, Yd, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- inventories


def test_negative_inventories_options():
    raw = read(LRWIOD)[0]
    keep, s_keep = harmonise(raw)
    zero, s_zero = harmonise(raw, HarmoniseOptions(negative_inventories="zero"))
    move, s_move = harmonise(raw, HarmoniseOptions(negative_inventories="move"))
    inv = [r * keep.F + keep.fd_categories.index("INVEN") for r in range(keep.G)]
    neg = np.minimum(keep.Y_detail[:, inv], 0.0)
    assert (neg < 0).sum() == 117
    assert steps_by_name(s_keep)["negative_inventories"]["cells_changed"] == 0
    for t in (zero, move):
        assert (t.Y_detail[:, inv] >= 0).all()
        np.testing.assert_array_equal(t.Z, keep.Z)
    assert steps_by_name(s_zero)["negative_inventories"]["cells_changed"] == 117
    np.testing.assert_array_equal(zero.x, keep.x)
    # move: output rises by the stock drawn down, so every row still adds up as before
    np.testing.assert_allclose(move.x, keep.x - neg.sum(axis=1), rtol=1e-15)
    gap = lambda t: t.x - t.Z.sum(1) - t.Y_detail.sum(1)  # noqa: E731
    np.testing.assert_allclose(gap(move), gap(keep), atol=1e-6)
    assert "Antràs" in steps_by_name(s_move)["negative_inventories"]["detail"]


# ---------------------------------------------------------------- VA, output, zero output


def test_va_row_versus_residual_lrwiod(lrwiod2000):
    raw = read(LRWIOD)[0]
    row, s_row = harmonise(raw)
    res, s_res = harmonise(raw, HarmoniseOptions(value_added="residual"))
    assert steps_by_name(s_row)["value_added"]["detail"].startswith("row")
    assert steps_by_name(s_res)["value_added"]["detail"].startswith("residual")
    # the conftest loader (as decompr saw the table) builds the same arrays
    for a, b in (
        (res.Z, lrwiod2000.Z),
        (res.Y_detail, lrwiod2000.Y_detail),
        (res.x, lrwiod2000.x),
        (res.va, lrwiod2000.va),
    ):
        np.testing.assert_array_equal(a, b)
    # residual VA = VA row + international transport margins (README: x = 1'Z + VA + ITM)
    inp = raw.inputs[raw.inputs["item"] == "ITM"].set_index(["country", "sector"])["value"]
    countries, sectors = row.node_labels()
    itm = inp.reindex(pd.MultiIndex.from_arrays([countries, sectors])).to_numpy()
    np.testing.assert_allclose(res.va - row.va, itm, atol=1e-6)


def test_va_row_required_but_missing():
    raw = read(WIOD2013, year=2011)[0]
    with pytest.raises(InputError, match="no value-added row"):
        harmonise(raw, HarmoniseOptions(value_added="row"))


def test_zero_output_sectors_recorded_wiod2013():
    t, steps = harmonise(read(WIOD2013, year=2011)[0])
    assert (t.x == 0).sum() == 22  # datasets/wiod2013/README.md: 22 in 2011
    d = steps_by_name(steps)
    assert d["zero_output"]["detail"].startswith("22 country-sectors")
    assert d["value_added"]["detail"].startswith("residual")
    assert d["output"]["detail"] == "file: inputs item 'output'"


def test_output_from_row_sums_when_file_has_none(tmp_path):
    shutil.copy(WIOD2013 / "wiot_2003.parquet", tmp_path / "wiot_2003.parquet")
    shutil.copy(WIOD2013 / "unit.txt", tmp_path / "unit.txt")
    t, steps = harmonise(read(tmp_path)[0])
    assert steps_by_name(steps)["output"]["detail"].startswith("row sums")
    np.testing.assert_allclose(t.x, t.Z.sum(1) + t.Y_detail.sum(1))


def test_bad_options_fail_when_made():
    # the options check themselves where they are read (a file, the CLI), not at run time
    with pytest.raises(InputError, match="negative_inventories = 'drop': expected one of keep"):
        HarmoniseOptions(negative_inventories="drop")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="value_added = 'gdp': expected one of auto, row"):
        HarmoniseOptions(value_added="gdp")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="balance = 'cols'"):
        HarmoniseOptions.from_mapping({"balance": "cols"})
    with pytest.raises(InputError, match=r"unknown option\(s\) \['balanse'\]; known: "):
        HarmoniseOptions.from_mapping({"balanse": "rows"})


# ---------------------------------------------------------------- keys, end to end


def test_duplicate_cell_end_to_end(tmp_path):
    p = tmp_path / "cells_2000.csv"
    p.write_text(
        "year,row_country,row_sector,col_country,col_item,value\n"
        "2000,A,s,A,s,1.0\n2000,A,s,A,C,2.0\n2000,A,s,A,s,3.0\n"
    )
    (raw,) = read(p)  # the reader is faithful: both rows are there
    with pytest.raises(InputError, match="duplicate intermediate cell at row A/s, column A/s"):
        harmonise(raw, HarmoniseOptions(unit="USD million"))


def test_unknown_sector_label_end_to_end(tmp_path):
    for f in ("wiot_2000.parquet", "inputs_2000.parquet", "unit.txt"):
        shutil.copy(LRWIOD / f, tmp_path / f)
    s = pd.read_parquet(LRWIOD / "sectors.parquet")
    s = s[s["code"] != "LtQ"]
    s.to_parquet(tmp_path / "sectors.parquet")
    (raw,) = read(tmp_path)
    with pytest.raises(InputError, match="unknown row_sector label 'LtQ'") as e:
        harmonise(raw)
    assert "\n" not in str(e.value)


def test_duplicate_output_value_end_to_end(tmp_path):
    shutil.copy(WIOD2013 / "wiot_2011.parquet", tmp_path / "wiot_2011.parquet")
    shutil.copy(WIOD2013 / "unit.txt", tmp_path / "unit.txt")
    out = pd.read_parquet(WIOD2013 / "output.parquet")
    out = out[out["year"] == 2011]
    pd.concat([out, out.iloc[:1]]).to_parquet(tmp_path / "output.parquet")
    (raw,) = read(tmp_path)
    with pytest.raises(InputError, match="inputs item output: duplicate value for AUS/c1"):
        harmonise(raw)
