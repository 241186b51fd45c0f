"""Helpers for the firm-network tests: write small hand-built networks and run them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from gvc.catalog import open_store
from gvc.firms.api import ingest_network, run_network

KM_PER_DEGREE = 6371.0088 * 3.141592653589793 / 180.0  # 111.19508 km: one degree of arc


def firm_rows(ids: Sequence[str], **cols) -> pd.DataFrame:
    """A firm table: ``country`` AAA, no coordinates, sales 100, type firm unless given."""
    df = pd.DataFrame({"firm": list(ids)})
    df["country"] = cols.pop("country", "AAA")
    for k, v in cols.items():
        df[k] = v
    for k, v in (("sales", 100.0), ("type", "firm")):
        if k not in df:
            df[k] = v
    return df


def write(d: Path, name: str, df: pd.DataFrame, fmt: str = "csv") -> Path:
    p = d / f"{name}.{fmt}"
    if fmt == "csv":
        df.to_csv(p, index=False)
    else:
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), p)
    return p


def build(
    d: Path,
    firms: pd.DataFrame,
    members: Sequence[tuple[str, str]] | pd.DataFrame,
    links: Sequence[tuple[str, str, float]] | pd.DataFrame,
    *,
    network: str = "t",
    fmt: str = "csv",
    year: int | None = 2020,
    rules=None,
    concordance: pd.DataFrame | None = None,
    dataset: str | None = None,
    db: Path | None = None,
) -> tuple[Path, pd.DataFrame, pd.DataFrame]:
    """Write, ingest and run a network; returns (store, firm_clusters rows, firm_flags rows)."""
    if not isinstance(members, pd.DataFrame):
        members = pd.DataFrame(members, columns=["member", "cluster"])
    if not isinstance(links, pd.DataFrame):
        links = pd.DataFrame(links, columns=["supplier", "buyer", "value"])
    db = db or d / "s.duckdb"
    with open_store(db) as con:  # one connection: opening a store registers every view
        ingest_network(
            con=con,
            network=network,
            firms=write(d, "firms", firms, fmt),
            members=write(d, "members", members, fmt),
            transactions=write(d, "transactions", links, fmt),
            concordance=write(d, "concordance", concordance, fmt)
            if concordance is not None
            else None,
            year=year,
        )
        run_network(con=con, network=network, rules=rules, dataset=dataset)
        diag = con.execute(
            "SELECT * FROM firm_clusters WHERE network = ? ORDER BY year, cluster", [network]
        ).df()
        flags = con.execute(
            "SELECT * FROM firm_flags WHERE network = ? ORDER BY year, cluster, flag", [network]
        ).df()
    return db, diag, flags


def one(diag: pd.DataFrame, cluster: str, year: int | None = None) -> pd.Series:
    sel = diag[diag["cluster"] == cluster]
    if year is not None:
        sel = sel[sel["year"] == year]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def flag(flags: pd.DataFrame, cluster: str, name: str) -> pd.Series:
    sel = flags[(flags["cluster"] == cluster) & (flags["flag"] == name)]
    assert len(sel) == 1, sel
    return sel.iloc[0]
