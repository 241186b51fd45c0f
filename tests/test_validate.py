"""Validation: the real tables pass, broken ones fail with the cell or node named."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import LRWIOD, OECD, WIOD2013, WIOD2016

from gvc.errors import InputError
from gvc.ingestion.harmonise import HarmoniseOptions, harmonise
from gvc.ingestion.validate import validate
from gvc.readers import read


def replace(table, **arrays):
    return dataclasses.replace(table, **arrays)


@pytest.fixture(scope="module")
def lr():
    return harmonise(read(LRWIOD)[0])[0]


@pytest.fixture(scope="module")
def wiod2011():
    return harmonise(read(WIOD2013, year=2011)[0])[0]


def test_lrwiod_passes(lr):
    w = validate(lr, "lrwiod2000")
    assert any("120 negative final-demand cells" in s for s in w)
    assert not any("zero output" in s for s in w)


@pytest.mark.parametrize("year", [1995, 2011])
def test_wiod2013_rounded_table_passes(year):
    t = harmonise(read(WIOD2013, year=year)[0])[0]
    w = validate(t, f"wiod2013/{year}")
    assert any("zero output" in s for s in w)
    assert any("relative L1 gap" in s for s in w)


@pytest.mark.slow
def test_wiod2013_every_year_passes():
    for raw in read(WIOD2013):
        validate(harmonise(raw)[0], raw.source)


def test_oecd_fixtures_pass():
    for f in ("ICIO2021_2015.csv", "ICIO2023_2019.csv", "2019_SML.csv"):
        t = harmonise(read(OECD / f)[0])[0]
        w = validate(t, f)
        assert any("zero output" in s for s in w)


def test_wiod2016_slice_is_not_closed():
    t = harmonise(read(WIOD2016)[0])[0]
    with pytest.raises(InputError, match="rows do not balance") as e:
        validate(t, "slice")
    assert "\n" not in str(e.value)


def test_one_unbalanced_row_is_named(lr):
    x = lr.x.copy()
    i = 5 * lr.N + 3
    x[i] *= 1.01
    with pytest.raises(InputError, match=r"1 country-sectors .* worst CHN/D17t19") as e:
        validate(replace(lr, x=x), "lr")
    assert "\n" not in str(e.value)


def test_integer_table_allowance_is_bounded(wiod2011):
    x = wiod2011.x.copy()
    i = int(np.argmax(x))
    x[i] += 0.002 * x[i]  # 0.2 % of the largest node: far above rounding
    with pytest.raises(InputError, match="rows do not balance"):
        validate(replace(wiod2011, x=x), "wiod")
    with pytest.raises(InputError, match="rows do not balance"):
        validate(wiod2011, "wiod", abs_tol=0.0)


def test_nan_cell_named(lr):
    Z = lr.Z.copy()
    Z[0, 24] = np.nan
    with pytest.raises(InputError, match="NaN or infinite at row AUS/AtB, column AUT/C"):
        validate(replace(lr, Z=Z), "lr")
    Y = lr.Y_detail.copy()
    Y[1, 2] = np.inf
    with pytest.raises(
        InputError, match="final demand is NaN or infinite at row AUS/C, column AUS/GFCF"
    ):
        validate(replace(lr, Y_detail=Y), "lr")


def test_negative_intermediate_named(lr):
    Z = lr.Z.copy()
    Z[2, 1] = -4.0
    with pytest.raises(
        InputError, match="negative intermediate flow -4 at row AUS/D15t16, column AUS/C"
    ):
        validate(replace(lr, Z=Z), "lr")


def test_negative_and_missing_output(lr):
    x = lr.x.copy()
    x[0] = -1.0
    with pytest.raises(InputError, match="negative output -1 for AUS/AtB"):
        validate(replace(lr, x=x), "lr")
    x[0] = np.nan
    with pytest.raises(InputError, match="output is missing .* for AUS/AtB"):
        validate(replace(lr, x=x), "lr")


def test_missing_output_end_to_end(tmp_path):
    import pandas as pd

    for f in ("wiot_2000.parquet", "sectors.parquet"):
        (tmp_path / f).write_bytes((LRWIOD / f).read_bytes())
    inp = pd.read_parquet(LRWIOD / "inputs_2000.parquet")
    drop = (inp["item"] == "GO") & (inp["country"] == "USA") & (inp["sector"] == "J")
    inp[~drop].to_parquet(tmp_path / "inputs_2000.parquet")
    t, steps = harmonise(read(tmp_path)[0], HarmoniseOptions(unit="USD million"))
    assert "1 country-sectors without a value" in {s["step"]: s for s in steps}["output"]["detail"]
    with pytest.raises(InputError, match="output is missing .* for USA/J"):
        validate(t, "lr")


def test_final_demand_category_used_by_one_country_is_flagged(lr):
    # a mistyped code in a long file becomes a category of its own, used by one country only
    n, G, F = lr.n, lr.G, lr.F
    Y = lr.Y_detail.reshape(n, G, F)
    Y2 = np.concatenate([Y, np.zeros((n, G, 1))], axis=2)
    Y2[:, 3, F] = Y2[:, 3, 0]  # country 3's first category moved to the new code
    Y2[:, 3, 0] = 0.0
    typo = replace(
        lr, Y_detail=Y2.reshape(n, G * (F + 1)), fd_categories=(*lr.fd_categories, "HFCEE")
    )
    warns = validate(typo, "lr")
    assert [w for w in warns if "'HFCEE' is used by 1 of 26" in w and "mistyped" in w]
    assert not [w for w in validate(lr, "lr") if "final-demand category" in w]
