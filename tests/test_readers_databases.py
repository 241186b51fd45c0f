"""Readers of the databases economists use: ADB MRIO, FIGARO, Eora26, EXIOBASE 3, GLORIA, ICIO 2025.

For each: the committed fixture in the published layout (tests/fixtures/make_layout_fixtures.py)
with its quirks and its unit; a round trip (a table written in that layout by
tests/fixtures/layouts.py reads back, after harmonisation, identical to the same table written
in gvc's long layout); a truncated or wrong-edition file fails with one line naming file and
place.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
from conftest import FIXTURES
from fixtures.layouts import (
    ADB_FD,
    EORA_FD,
    EXIO_FD,
    FIGARO_FD,
    GLORIA_FD,
    adb_rows,
    random_spec,
    write_adb,
    write_eora26,
    write_exiobase3,
    write_figaro_flat,
    write_figaro_wide,
    write_gloria,
    write_icio,
    write_long,
)

from gvc.errors import InputError
from gvc.ingestion.harmonise import harmonise
from gvc.readers import FORMATS, detect_format, read

EORA = FIXTURES / "eora26"
EXIO = FIXTURES / "exiobase3"
GLORIA = FIXTURES / "gloria" / "GLORIA_release_59"
FIGARO = FIXTURES / "figaro"
ADB = FIXTURES / "adb"


def one_line(excinfo) -> str:
    msg = str(excinfo.value)
    assert "\n" not in msg
    return msg


def assert_same_table(a_raw, b_raw, exact: bool = True):
    """Both raws harmonise to the same labels and arrays (exactly, or to 1e-12)."""
    a, _ = harmonise(a_raw)
    b, _ = harmonise(b_raw)
    assert (a.countries, a.sectors, a.fd_categories) == (b.countries, b.sectors, b.fd_categories)
    assert a.meta["unit"] == b.meta["unit"]
    check = (
        np.testing.assert_array_equal
        if exact
        else lambda x, y: np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-9)
    )
    for x, y in ((a.Z, b.Z), (a.Y_detail, b.Y_detail), (a.x, b.x), (a.va, b.va)):
        check(x, y)


def test_formats_name_every_reader():
    assert FORMATS == (
        "auto",
        "long",
        "oecd-icio",
        "wiod2016",
        "adb-mrio",
        "figaro",
        "eora26",
        "exiobase3",
        "gloria",
    )


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        (EORA / "Eora26_2015_bp", "eora26"),
        (EORA / "Eora26_2016_bp.zip", "eora26"),
        (EORA / "Eora26_2015_bp" / "Eora26_2015_bp_T.txt", "eora26"),
        (EXIO / "IOT_2019_ixi.zip", "exiobase3"),
        (EXIO / "IOT_2020_ixi", "exiobase3"),
        (GLORIA, "gloria"),
        (GLORIA / "GLORIA_MRIOs_59_2019.zip", "gloria"),
        (FIGARO / "matrix_eu-ic-io_ind-by-ind_24ed_2021.csv", "figaro"),
        (FIGARO / "flatfile_eu-ic-io_ind-by-ind_24ed_2021.csv", "figaro"),
        (ADB / "ADB-MRIO-2022_June2023.xlsx", "adb-mrio"),
    ],
)
def test_detect(path, fmt):
    assert detect_format(path) == fmt


# ---------------------------------------------------------------- Eora26


def test_eora_fixture_quirks_and_unit():
    (raw,) = read(EORA / "Eora26_2015_bp")
    assert raw.format == "eora26" and raw.year == 2015 and raw.unit == "USD thousand"
    assert raw.countries == ["AUT", "CHN", "USA"]
    assert raw.sectors[1] == "Finacial Intermediation and Business Activities"  # kept as spelt
    assert raw.fd_categories == list(EORA_FD)
    # the statistical-discrepancy node is out of the grid, its flows kept as inputs items
    items = set(raw.inputs["item"])
    assert {"discrepancy_sales", "discrepancy_purchases"} <= items
    assert any("statistical-discrepancy node ROW/TOTAL" in n for n in raw.notes)
    t, steps = harmonise(raw)
    unit = {s["step"]: s for s in steps}["unit"]
    assert t.meta["unit"] == "USD million" and t.meta["unit_factor"] == 0.001
    assert "USD thousand" in unit["detail"] and unit["cells_changed"] > 0


def test_eora_archive_without_labels_uses_indices_zip():
    with zipfile.ZipFile(EORA / "Eora26_2016_bp.zip") as zf:
        assert "labels_VA.txt" not in {Path(n).name for n in zf.namelist()}
    (raw,) = read(EORA / "Eora26_2016_bp.zip")
    assert raw.year == 2016 and any("indices.zip" in n for n in raw.notes)
    assert "Compensation of employees D.1" in set(raw.inputs["item"])


def test_eora_missing_labels_without_indices(tmp_path):
    shutil.copy(EORA / "Eora26_2016_bp.zip", tmp_path)
    with pytest.raises(InputError, match="labels_VA.txt is missing") as e:
        read(tmp_path / "Eora26_2016_bp.zip")
    one_line(e)


def test_eora_round_trip(tmp_path):
    spec = random_spec(
        ["ARG", "BRA", "ROU", "ZAF"], ["Agriculture", "Fishing"], list(EORA_FD), seed=21, year=2012
    )
    (a,) = read(write_eora26(tmp_path, spec, as_zip=True))
    (b,) = read(write_long(tmp_path / "long", spec, "USD thousand"))
    assert_same_table(a, b)


def test_eora_truncated_and_wrong_labels(tmp_path):
    d = tmp_path / "Eora26_2015_bp"
    shutil.copytree(EORA / "Eora26_2015_bp", d)
    t = d / "Eora26_2015_bp_T.txt"
    lines = t.read_text().splitlines()
    t.write_text("\n".join(lines[:-3]) + "\n")
    with pytest.raises(InputError, match=r"Eora26_2015_bp_T.txt: 7 data rows, expected 10") as e:
        read(d)
    one_line(e)
    t.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][: len(lines[-1]) // 2] + "\n")
    with pytest.raises(InputError, match=r"Eora26_2015_bp_T.txt: line 10: expected 10 fields"):
        read(d)
    shutil.copytree(EORA / "Eora26_2015_bp", tmp_path / "b" / "Eora26_2015_bp")
    lab = tmp_path / "b" / "Eora26_2015_bp" / "labels_T.txt"
    rows = lab.read_text().splitlines()
    lab.write_text("\n".join(rows[:3] + rows[4:]) + "\n")  # another edition's labels
    with pytest.raises(InputError, match="labels_T.txt: line 4: country CHN has sectors") as e:
        read(tmp_path / "b" / "Eora26_2015_bp")
    one_line(e)


# ---------------------------------------------------------------- EXIOBASE 3


def test_exiobase_fixtures_quirks_and_unit():
    (raw,) = read(EXIO / "IOT_2019_ixi.zip")
    assert raw.edition == "3.8.2 ixi" and raw.unit == "M.EUR" and raw.output_item == "indout"
    assert raw.fd_categories[-1] == "Exports: Total (fob)" and len(raw.fd_categories) == 7
    assert any("satellite/F.txt: 9 rows" in n for n in raw.notes)  # CO2 row left out
    assert "CO2 - combustion - air" not in set(raw.inputs["item"])
    (new,) = read(EXIO / "IOT_2020_ixi")
    assert new.edition == "3.9.4 ixi" and any("factor_inputs/F.txt" in n for n in new.notes)
    (old,) = read(EXIO / "IOT_2000_ixi.zip")
    assert old.countries == ["AUS", "WWA"] and any(
        "derived x = (I - A)^-1 Y 1" in n for n in old.notes
    )
    t, _ = harmonise(raw)
    assert t.meta["unit"] == "EUR million" and t.meta["unit_factor"] == 1.0
    # residual value added = the nine factor-input rows
    f = raw.inputs[raw.inputs["item"] != "indout"].groupby(["country", "sector"], sort=False)
    np.testing.assert_allclose(f["value"].sum().to_numpy(), t.va, rtol=1e-10)


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"as_zip": True, "system": "pxp"},
        {"factor_folder": "factor_inputs", "version": "3.9.4"},
        {"coefficients_only": True, "version": "3.4"},
    ],
    ids=["folder", "zip-pxp", "3.9", "3.4-A-only"],
)
def test_exiobase_round_trip(tmp_path, kw):
    spec = random_spec(
        ["AT", "BE", "WM"],
        ["Paddy rice", "Wheat", "Cereal grains nec"],
        list(EXIO_FD),
        seed=22,
        year=2011,
    )
    (a,) = read(write_exiobase3(tmp_path, spec, **kw))
    (b,) = read(write_long(tmp_path / "long", spec, "EUR million", {"GO": spec.x}))
    # A-only archives derive x by solving (I - A) x = Y 1: equal to rounding
    assert_same_table(a, b, exact=not kw.get("coefficients_only"))


def test_exiobase_truncated_and_wrong_file(tmp_path):
    d = tmp_path / "IOT_2020_ixi"
    shutil.copytree(EXIO / "IOT_2020_ixi", d)
    z = d / "Z.txt"
    lines = z.read_text().splitlines()
    z.write_text("\n".join(lines[:-2]) + "\n")
    with pytest.raises(InputError, match=r"Z.txt: 7 data rows, expected 9") as e:
        read(d)
    one_line(e)
    (d / "Z.txt").write_text("\n".join(lines) + "\n")
    y = d / "Y.txt"
    y.write_text(y.read_text().replace("\tWA\t", "\tXX\t", 1))
    with pytest.raises(InputError, match=r"Y.txt: line 1: region 'XX'") as e:
        read(d)
    one_line(e)


# ---------------------------------------------------------------- GLORIA


def test_gloria_fixture_conversion_is_recorded():
    (raw,) = read(GLORIA)
    assert raw.unit == "USD thousand" and raw.edition == "059"
    assert raw.countries == ["AUS", "DYE", "USA"] and raw.fd_categories == list(GLORIA_FD)
    conv = next(n for n in raw.notes if "fixed product sales structure" in n)
    assert "supply diagonal" in conv
    assert any("empty regions kept (zero output): DYE" in n for n in raw.notes)
    from gvc.ingestion.prepare import prepare

    prep, _ = prepare(raw, GLORIA)
    recorded = [s["detail"] for s in prep.provenance["harmonisation"]]
    assert any("fixed product sales structure" in d for d in recorded)
    assert prep.provenance["unit"] == "USD million"
    assert prep.provenance["unit_as_published"] == "USD thousand"


def test_gloria_round_trip(tmp_path):
    spec = random_spec(
        ["AUS", "BRA", "CHN"], ["Wheat", "Maize", "Rice"], list(GLORIA_FD), seed=23, year=2018
    )
    (a,) = read(write_gloria(tmp_path, spec))
    (b,) = read(write_long(tmp_path / "long", spec, "USD thousand"))
    assert_same_table(a, b, exact=False)


def test_gloria_conversion_with_product_output_gap(tmp_path):
    """Supply diagonal but industry output g != product output q: Z = diag(g/q) U, rows add up
    to g (the model-D formula, checked by hand on the arrays)."""
    spec = random_spec(["AUS", "BRA"], ["Wheat", "Maize"], list(GLORIA_FD), seed=24, year=2018)
    folder = write_gloria(tmp_path, spec, as_zip=False)
    q = spec.x
    g = q * np.array([1.0, 1.1, 0.9, 1.0])
    # rewrite the supply cells with g
    tfile = next((folder / "GLORIA_MRIOs_59_2018").glob("*_T-Results_*"))
    T = np.loadtxt(tfile, delimiter=",")
    N, n = 2, 4
    for i in range(n):
        r = (i // N) * 2 * N + i % N
        c = (i // N) * 2 * N + N + i % N
        assert T[r, c] == q[i]
        T[r, c] = g[i]
    np.savetxt(tfile, T, delimiter=",", fmt="%.17g")
    (raw,) = read(folder)
    d = g / q
    np.testing.assert_allclose(raw.dense.Z, spec.Z * d[:, None], rtol=1e-13)
    np.testing.assert_allclose(raw.dense.Y, spec.Y * d[:, None], rtol=1e-13)
    np.testing.assert_allclose(raw.dense.Z.sum(1) + raw.dense.Y.sum(1), g, rtol=1e-12)


def test_gloria_wrong_readme(tmp_path):
    folder = tmp_path / "GLORIA_release_59"
    shutil.copytree(GLORIA, folder)
    import pandas as pd

    readme = folder / "GLORIA_ReadMe_059.xlsx"
    sheets = pd.read_excel(readme, sheet_name=None)
    sheets["Sectors"] = sheets["Sectors"].iloc[:2]  # a ReadMe of another release
    with pd.ExcelWriter(readme) as xl:
        for k, v in sheets.items():
            v.to_excel(xl, sheet_name=k, index=False)
    with pytest.raises(
        InputError,
        match=r"T-Results_2019_059_Markup001\(full\).csv: line 1: "
        r"18 fields, expected 12",
    ) as e:
        read(folder)
    one_line(e)


# ---------------------------------------------------------------- FIGARO


def test_figaro_fixtures_wide_and_flat_agree():
    (w,) = read(FIGARO / "matrix_eu-ic-io_ind-by-ind_24ed_2021.csv")
    (f,) = read(FIGARO / "flatfile_eu-ic-io_ind-by-ind_24ed_2021.csv")
    assert w.unit == f.unit == "EUR million" and w.edition == "2024"
    assert w.countries == ["AT", "FI", "FIGW1", "FR"]  # FIGW1 between FI and FR, as published
    assert w.sectors == ["A01", "B", "C31_32"] and w.fd_categories == list(FIGARO_FD)
    assert set(w.inputs["item"]) == {"D21X31", "OP_RES", "OP_NRES", "D1", "D29X39", "B2A3G"}
    assert any("under final-demand columns" in n for n in w.notes)
    assert_same_table(w, f)


def test_figaro_round_trip(tmp_path):
    spec = random_spec(
        ["BE", "EL", "FIGW1", "US"],
        ["A01", "C10T12", "C31_32", "M69_70"],
        list(FIGARO_FD),
        seed=25,
        year=2020,
    )
    (a,) = read(write_figaro_wide(tmp_path / "matrix_eu-ic-io_ind-by-ind_2020.csv", spec))
    assert a.edition == "2022"  # the 2022 edition's names have no <NN>ed_ part
    (b,) = read(write_long(tmp_path / "long", spec, "EUR million"))
    assert_same_table(a, b)
    (c,) = read(write_figaro_flat(tmp_path / "flatfile_eu-ic-io_ind-by-ind_2020.csv", spec))
    assert_same_table(c, b)


def test_figaro_truncated(tmp_path):
    src = (FIGARO / "matrix_eu-ic-io_ind-by-ind_24ed_2021.csv").read_text().splitlines()
    p = tmp_path / "matrix_eu-ic-io_ind-by-ind_24ed_2021.csv"
    p.write_text("\n".join(src[:9]) + "\n" + src[9][:40] + "\n")
    with pytest.raises(InputError, match=r"24ed_2021.csv: line 10: expected 33 fields") as e:
        read(p)
    one_line(e)
    p.write_text("\n".join(src[:6]) + "\n")
    with pytest.raises(InputError, match=r"column 'FI_C31_32' has no row .* truncated \(5 rows"):
        read(p)
    one_line(e)


# ---------------------------------------------------------------- ADB MRIO


def test_adb_fixtures_both_header_layouts():
    (a,) = read(ADB / "ADB-MRIO-2022_June2023.xlsx")
    (b,) = read(ADB / "ADB-MRIO-2023_August2024.xlsx")  # no running-number row, ROW spelt so
    assert a.unit == b.unit == "In millions of US$"
    assert a.edition == "2 economies" and b.edition == "74 economies"
    assert a.countries[-1] == "RoW" and b.countries[-1] == "ROW"
    assert a.sectors == ["c1", "c2", "c3"] and a.fd_categories == list(ADB_FD)
    assert a.output_item == "r69" and a.va_item == "r64"
    assert any("read as 0" in n for n in a.notes)  # single-space empty cells
    np.testing.assert_array_equal(a.dense.Z, b.dense.Z)
    t, _ = harmonise(a)
    assert t.meta["unit"] == "USD million" and t.meta["unit_factor"] == 1.0


def test_adb_round_trip(tmp_path):
    # ADB codes sectors c1 .. (names in the label column); the long copy uses the codes
    spec = random_spec(
        ["PRC", "TAP", "UKG", "RoW"],
        ["c1", "c2", "c3"],
        list(ADB_FD),
        seed=26,
        year=2019,
        density=0.6,
    )
    (a,) = read(write_adb(tmp_path / "ADB-MRIO62-2019_Dec2022.xlsx", spec))
    rows = adb_rows(spec)
    (b,) = read(
        write_long(tmp_path / "long", spec, "USD million", {"GO": rows["r69"], "VA": rows["r64"]})
    )
    # openpyxl writes a float's text with 15-17 significant digits: equal to the last bit or so
    assert_same_table(a, b, exact=False)


def test_adb_bad_cell_and_truncated(tmp_path):
    import openpyxl

    wb = openpyxl.load_workbook(ADB / "ADB-MRIO-2022_June2023.xlsx")
    ws = wb.worksheets[0]
    ws["F9"] = "n/a"
    p = tmp_path / "ADB-MRIO-2022_June2023.xlsx"
    wb.save(p)
    with pytest.raises(InputError, match=r"2022_June2023.xlsx: cell F9: 'n/a' is not a number"):
        read(p)
    wb = openpyxl.load_workbook(ADB / "ADB-MRIO-2022_June2023.xlsx")
    ws = wb.worksheets[0]
    ws.delete_rows(14, ws.max_row)
    wb.save(p)
    with pytest.raises(InputError, match=r"no row for RoW/c1 \(6 of 9 .*truncated") as e:
        read(p)
    one_line(e)


# ---------------------------------------------------------------- OECD ICIO 2025

ICIO_FD = ["HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR"]


def test_icio_2025_codes_from_the_file(tmp_path):
    """The 2025 edition: 50 industries whose codes no list holds, six FD categories; the
    files are named like the 2023 ones, so 50 industries tell the edition."""
    codes = [f"X{k:02d}" for k in range(50)]  # placeholders: the real 2025 codes were not found
    spec = random_spec(["AUS", "CHN", "ROW"], codes, ICIO_FD, seed=27, year=2022, density=0.1)
    (a,) = read(write_icio(tmp_path / "2022_SML.csv", spec))
    assert a.edition == "2025" and a.sectors == codes and a.fd_categories == ICIO_FD
    assert a.unit == "USD million"
    x = spec.x
    tls = 0.05 * (x - spec.Z.sum(axis=0))
    (b,) = read(
        write_long(
            tmp_path / "long", spec, "USD million", {"OUT": x, "VA": x - spec.Z.sum(axis=0) - tls}
        )
    )
    assert_same_table(a, b)


# ---------------------------------------------------------------- pymrio reads the same files


@pytest.mark.reference
@pytest.mark.filterwarnings("ignore")
def test_pymrio_parses_the_fixtures_to_the_same_blocks():
    """An independent reader of the same layouts: pymrio's parse_exiobase3, parse_eora26 and
    parse_gloria give the fixtures' Z and Y (pymrio drops Eora's discrepancy node and GLORIA's
    empty regions; compared on what both keep)."""
    pymrio = pytest.importorskip("pymrio")
    for path in (EXIO / "IOT_2019_ixi.zip", EXIO / "IOT_2020_ixi"):
        io = pymrio.parse_exiobase3(path)
        (raw,) = read(path)
        np.testing.assert_array_equal(io.Z.to_numpy(), raw.dense.Z)
        np.testing.assert_array_equal(io.Y.to_numpy(), raw.dense.Y)
    io = pymrio.parse_eora26(EORA / "Eora26_2015_bp", year=2015)
    (raw,) = read(EORA / "Eora26_2015_bp")
    np.testing.assert_array_equal(io.Z.to_numpy(), raw.dense.Z)
    np.testing.assert_array_equal(io.Y.to_numpy(), raw.dense.Y)
    io = pymrio.parse_gloria(GLORIA, year=2019, version=59)
    io.calc_all()
    (raw,) = read(GLORIA)
    keep = np.r_[0:3, 6:9]  # without the empty region DYE
    assert io.get_regions().tolist() == ["AUS", "USA"]
    np.testing.assert_allclose(io.Z.to_numpy(), raw.dense.Z[np.ix_(keep, keep)], rtol=1e-13)


def test_adb_legend_sheet_first(tmp_path):
    import openpyxl

    wb = openpyxl.load_workbook(ADB / "ADB-MRIO-2022_June2023.xlsx")
    legend = wb.create_sheet("Legend", 0)
    legend.append(["c1", "Agriculture, hunting, forestry, and fishing"])
    p = tmp_path / "ADB-MRIO-2022_June2023.xlsx"
    wb.save(p)
    (a,) = read(p)
    (b,) = read(ADB / "ADB-MRIO-2022_June2023.xlsx")
    np.testing.assert_array_equal(a.dense.Z, b.dense.Z)
