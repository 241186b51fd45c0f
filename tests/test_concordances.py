"""The shipped concordances: they load, each is many-to-one, and their codes are codes of the
databases they are for (country lists of datasets/classifications, WIOD 2013 data)."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import DATASETS

from gvc.errors import InputError
from gvc.groups.concordance import from_mapping, load, shipped

COUNTRIES = pd.read_parquet(DATASETS / "classifications" / "table_countries.parquet")
EU27 = set(
    "AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT NLD POL PRT "
    "ROU SVK SVN ESP SWE".split()
)


def codes(db: str) -> set[str]:
    return set(COUNTRIES[COUNTRIES.database == db].code_in_table)


def test_every_shipped_concordance_loads():
    names = shipped()
    assert {"eu27_2020", "eu27_2020_wiod2013", "regions_icio", "tiva_aggregates_icio2023"} <= set(
        names
    )
    for n in names:
        c = load(n)
        assert c.mapping and c.dimension in ("country", "sector")


def test_eu27_membership_and_codes():
    assert set(load("eu27_2020").groups["EU27"]) == EU27
    for db in ("icio2021", "icio2023", "wiod2016", "figaro2024", "mrio2023"):
        assert EU27 <= codes(db), db
    wiod = set(pd.read_parquet(DATASETS / "wiod2013" / "wiot_2011.parquet").row_country)
    eu13 = set(load("eu27_2020_wiod2013").groups["EU27"])
    assert eu13 == (EU27 - {"HRV", "ROU"}) | {"ROM"} and eu13 <= wiod
    assert len(load("eu27_2020_eurostat").groups["EU27"]) == 27
    assert "EL" in load("eu27_2020_eurostat").groups["EU27"]
    regions = load("regions_icio").groups
    assert set(regions["ASEAN"]) <= codes("icio2023") and set(regions["USMCA"]) <= codes("icio2023")


@pytest.mark.parametrize("edition, column", [("2021", "code_icio2021"), ("2023", "code_icio2023")])
def test_tiva_aggregates_partition_the_45_industries(edition, column):
    inds = pd.read_parquet(DATASETS / "classifications" / "icio_industries_45.parquet")
    c = load(f"tiva_aggregates_icio{edition}")
    assert c.dimension == "sector" and set(c.mapping) == set(inds[column])
    assert len(c.groups) == 10
    # membership by ISIC division range: the D-code of every industry lies in its aggregate's
    for code21, code in zip(inds.code_icio2021, inds[column], strict=True):
        lo, _, hi = c.mapping[code][1:].partition("T")
        first = int(code21[1:3])
        assert int(lo) <= first <= int(hi), (code, c.mapping[code])


def test_bad_concordances(tmp_path):
    with pytest.raises(InputError, match="in groups"):
        from_mapping("x", "country", {"A": ["X"], "B": ["X"]})
    p = tmp_path / "c.csv"
    p.write_text("code,grp\nA,B\n")
    with pytest.raises(InputError, match="code,group"):
        load(p, "country")
    with pytest.raises(InputError, match="no such concordance"):
        load("nope")
    with pytest.raises(InputError, match="not sector"):
        load("eu27_2020", "sector")
