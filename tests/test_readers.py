"""Readers: format detection, the real shipped files, the raw-layout fixtures, bad input."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import LRWIOD, OECD, WIOD2013, WIOD2016

from gvc.errors import InputError
from gvc.readers import detect_format, read


def one_line_error(excinfo) -> str:
    msg = str(excinfo.value)
    assert "\n" not in msg
    return msg


# ---------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        (WIOD2013, "long"),
        (LRWIOD, "long"),
        (WIOD2013 / "wiot_2011.parquet", "long"),
        (WIOD2016, "wiod2016"),
        (OECD / "ICIO2021_2015.csv", "oecd-icio"),
        (OECD / "ICIO2023_2019.csv", "oecd-icio"),
        (OECD / "2019_SML.csv", "oecd-icio"),
    ],
)
def test_detect_format(path, fmt):
    assert detect_format(path) == fmt


# ---------------------------------------------------------------- long: real files


def test_wiod2013_one_year_matches_readme():
    (raw,) = read(WIOD2013, year=2011)
    assert raw.format == "long" and raw.year == 2011 and raw.unit == "USD million"  # unit.txt
    assert len(raw.countries) == 41 and {"ROM", "RoW"} <= set(raw.countries)
    assert raw.sectors == [f"c{k}" for k in range(1, 36)]
    assert raw.fd_categories == ["CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN"]
    assert raw.output_item == "output" and raw.va_item is None
    out = raw.inputs[raw.inputs["item"] == "output"]
    # totals 2011 stated in datasets/wiod2013/README.md
    assert out["value"].sum() == 141_767_904
    fd = raw.cells[raw.cells["col_item"].astype(str).isin(raw.fd_categories)]
    assert fd["value"].sum() == 69_268_600


def test_wiod2013_all_years():
    raws = read(WIOD2013)
    assert [r.year for r in raws] == list(range(1995, 2012))
    assert all(len(r.inputs) == 41 * 35 for r in raws)


def test_wiod2013_single_file_and_csv_agree(tmp_path):
    df = pd.read_parquet(WIOD2013 / "wiot_2005.parquet")
    keep = ["AUS", "CHN", "USA"]
    df = df[df["row_country"].isin(keep) & df["col_country"].isin(keep)]
    pq_path, csv = tmp_path / "wiot_2005.parquet", tmp_path / "wiot_2005.csv"
    df.to_parquet(pq_path, index=False)
    df.to_csv(csv, index=False)
    (a,) = read(pq_path)
    (b,) = read(csv)
    assert (a.countries, a.sectors, a.fd_categories) == (b.countries, b.sectors, b.fd_categories)
    np.testing.assert_array_equal(a.cells["value"].to_numpy(), b.cells["value"].to_numpy())
    assert a.output_item is None  # a lone cell file carries no output
    assert a.unit is None and b.unit is None  # nor a unit: ingest asks for --unit


def test_lrwiod2000_directory():
    (raw,) = read(LRWIOD)
    assert raw.year == 2000 and raw.output_item == "GO" and raw.va_item == "VA"
    assert raw.unit == "USD million"  # unit.txt
    assert len(raw.countries) == 26 and len(raw.sectors) == 23
    assert raw.sectors[:3] == ["AtB", "C", "D15t16"]
    assert raw.fd_categories == ["CONS_h", "CONS_g", "GFCF", "INVEN"]
    assert len(raw.cells) == 386_460
    tot = raw.inputs.groupby("item")["value"].sum()
    # sums stated in tests/reference/lrwiod2000/README.md
    assert tot["GO"] == pytest.approx(61_793_321.5, abs=0.1)
    assert tot["VA"] == pytest.approx(31_550_741.7, abs=0.1)
    assert tot["ITM"] == pytest.approx(198_132.7, abs=0.1)


def test_long_year_filter_errors():
    with pytest.raises(InputError, match="no table for year 1990") as e:
        read(WIOD2013, year=1990)
    one_line_error(e)


# ---------------------------------------------------------------- WIOD 2016 wide


def test_wiod2016_slice_readme_numbers():
    (raw,) = read(WIOD2016)
    assert raw.format == "wiod2016" and raw.year == 2002 and raw.countries == ["FRA", "USA"]
    assert raw.unit == "USD million"  # as the release documents it
    assert len(raw.sectors) == 56 and raw.sectors[4] == "C10-C12"
    assert raw.fd_categories == ["CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN"]
    assert any("official WIOD 2016 code" in n for n in raw.notes)  # "Low Tech" labels
    inp = raw.inputs
    va = inp[inp["item"] == "VA"].groupby("country")["value"].sum()
    go = inp[inp["item"] == "GO"].groupby("country")["value"].sum()
    # stated in tests/fixtures/wiod2016_slice/README.md
    assert round(va["USA"]) == 10_977_513 and round(va["FRA"]) == 1_358_494
    assert round(go["USA"]) == 19_175_007 and round(go["FRA"]) == 2_646_301
    g = inp[inp["item"] == "GO"].set_index(["country", "sector"])["value"]
    t = inp[inp["item"] == "TOT"].set_index(["country", "sector"])["value"]
    np.testing.assert_array_equal(g.sort_index().to_numpy(), t.sort_index().to_numpy())


def test_wiod2016_csv_same_as_parquet(tmp_path):
    csv = tmp_path / "wiot2002.csv"
    pd.read_parquet(WIOD2016).to_csv(csv, index=False)
    (a,) = read(WIOD2016)
    (b,) = read(csv)
    assert (a.countries, a.sectors) == (b.countries, b.sectors)
    np.testing.assert_allclose(a.cells["value"].to_numpy(), b.cells["value"].to_numpy())
    np.testing.assert_allclose(a.inputs["value"].to_numpy(), b.inputs["value"].to_numpy())


# ---------------------------------------------------------------- OECD ICIO


def test_oecd_2021_layout():
    (raw,) = read(OECD / "ICIO2021_2015.csv")
    assert raw.edition == "2021" and raw.year == 2015 and raw.unit == "USD million"
    assert raw.countries == ["AUS", "CHN", "MEX", "ROW", "MX1", "MX2", "CN1", "CN2"]
    assert raw.sectors == ["01T02", "26", "64T66"]
    assert raw.fd_categories == ["HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR"]
    assert raw.output_item == "OUTPUT" and raw.va_item == "VALU"
    items = set(raw.inputs["item"])
    assert {"AUS_TAXSUB", "CHN_TAXSUB", "VALU", "OUTPUT", "TOTAL"} <= items
    # CHN industry rows are zero in this edition: no CHN cell is stored
    assert not (raw.cells["row_country"].astype(str) == "CHN").any()


def test_oecd_2023_total_column_renamed():
    (raw,) = read(OECD / "ICIO2023_2019.csv")
    assert raw.edition == "2023" and raw.sectors == ["A01_02", "C26", "K"]
    assert raw.unit == "USD million"
    assert raw.output_item == "OUT" and raw.va_item == "VA"
    assert set(raw.inputs["item"]) == {"TLS", "VA", "OUT", "TOTAL"}
    assert any("'OUT' stored as inputs item 'TOTAL'" in n for n in raw.notes)
    tot = raw.inputs[raw.inputs["item"] == "TOTAL"].set_index(["country", "sector"])["value"]
    out = raw.inputs[raw.inputs["item"] == "OUT"].set_index(["country", "sector"])["value"]
    np.testing.assert_allclose(tot.sort_index().to_numpy(), out.sort_index().to_numpy())


def test_oecd_small_file_and_layout_edition():
    (raw,) = read(OECD / "2019_SML.csv")
    assert raw.year == 2019 and raw.edition == "2023"
    assert raw.countries == ["AUS", "CHN", "MEX", "ROW"]


def test_oecd_d_prefixed_labels(tmp_path):
    text = (OECD / "ICIO2021_2015.csv").read_text()
    for s in ("01T02", "26", "64T66"):
        text = text.replace(f"_{s},", f"_D{s},").replace(f"_{s}\n", f"_D{s}\n")
    p = tmp_path / "ICIO2021_2015.csv"
    p.write_text(text)
    (raw,) = read(p)
    assert raw.sectors == ["D01T02", "D26", "D64T66"]


def test_oecd_year_rules(tmp_path):
    p = tmp_path / "icio.csv"
    shutil.copy(OECD / "ICIO2023_2019.csv", p)
    with pytest.raises(InputError, match="pass year=") as e:
        read(p)
    one_line_error(e)
    assert read(p, year=2019)[0].year == 2019
    with pytest.raises(InputError, match="file name says 2019"):
        read(OECD / "ICIO2023_2019.csv", year=2018)


# ---------------------------------------------------------------- bad input


def test_missing_file_and_bad_format_flag(tmp_path):
    with pytest.raises(InputError, match="no such file") as e:
        read(tmp_path / "nope.csv")
    one_line_error(e)
    with pytest.raises(InputError, match="unknown format 'icio'") as e:
        read(LRWIOD, format="icio")
    one_line_error(e)


def test_format_flag_that_does_not_fit(tmp_path):
    with pytest.raises(InputError, match="missing column"):
        read(WIOD2013 / "wiot_2011.parquet", format="wiod2016")
    with pytest.raises(InputError, match="not a long-format table"):
        read(WIOD2016, format="long")


def test_empty_file(tmp_path):
    p = tmp_path / "empty.csv"
    p.write_text("")
    with pytest.raises(InputError, match="empty file") as e:
        read(p)
    one_line_error(e)


def test_truncated_csv_names_the_line(tmp_path):
    text = (OECD / "ICIO2023_2019.csv").read_text()
    lines = text.splitlines()
    cut = "\n".join(lines[:7]) + "\n" + lines[7][: len(lines[7]) // 2]
    p = tmp_path / "ICIO2023_2019.csv"
    p.write_text(cut)
    with pytest.raises(InputError, match="line 8: expected 50 fields") as e:
        read(p)
    one_line_error(e)


def test_truncated_long_csv(tmp_path):
    p = tmp_path / "cells_2000.csv"
    p.write_text(
        "year,row_country,row_sector,col_country,col_item,value\n"
        "2000,A,s,A,s,1.0\n2000,A,s,A,C,2.0\n2000,A,s,A"
    )
    with pytest.raises(InputError, match="line 4") as e:
        read(p)
    one_line_error(e)


def test_broken_parquet_footer(tmp_path):
    src = (WIOD2013 / "wiot_2011.parquet").read_bytes()
    p = tmp_path / "wiot_2011.parquet"
    p.write_bytes(src[: len(src) - 100])
    with pytest.raises(InputError, match="not a readable parquet file") as e:
        read(p)
    assert str(p) in one_line_error(e)


def test_broken_parquet_in_directory(tmp_path):
    for f in ("wiot_2010.parquet", "output.parquet"):
        shutil.copy(WIOD2013 / f, tmp_path / f)
    src = (WIOD2013 / "wiot_2011.parquet").read_bytes()
    (tmp_path / "wiot_2011.parquet").write_bytes(src[:5000])
    with pytest.raises(InputError, match="wiot_2011.parquet"):
        read(tmp_path)


def test_oecd_duplicate_row_label(tmp_path):
    lines = (OECD / "ICIO2023_2019.csv").read_text().splitlines()
    lines.insert(3, lines[2])
    p = tmp_path / "ICIO2023_2019.csv"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="duplicate row label 'AUS_C26' at lines 3 and 4") as e:
        read(p)
    one_line_error(e)


def test_oecd_non_numeric_cell(tmp_path):
    lines = (OECD / "ICIO2023_2019.csv").read_text().splitlines()
    fields = lines[2].split(",")
    fields[3] = "n/a"
    lines[2] = ",".join(fields)
    p = tmp_path / "ICIO2023_2019.csv"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="row AUS_C26, column AUS_K: value 'n/a'") as e:
        read(p)
    one_line_error(e)


def test_oecd_unknown_column(tmp_path):
    text = (OECD / "ICIO2023_2019.csv").read_text().replace("AUS_GGFC", "AUS_XYZ", 1)
    p = tmp_path / "ICIO2023_2019.csv"
    p.write_text(text)
    with pytest.raises(InputError, match="column 'AUS_XYZ'"):
        read(p)


def test_unknown_layout(tmp_path):
    p = tmp_path / "x.parquet"
    pq.write_table(pd.DataFrame({"a": [1], "b": [2]}).pipe(_arrow), p)
    with pytest.raises(InputError, match="unknown layout"):
        read(p)


def _arrow(df):
    import pyarrow as pa

    return pa.Table.from_pandas(df)
