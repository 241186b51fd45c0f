"""Regenerate the exvatools TiVA reference files of this directory (see README.md).

usage: R_LIBS=/tmp/rlib python tests/reference/exvatools/make_reference.py

Builds the dense LR-WIOD 2000 table from ``../lrwiod2000`` with pandas only (no gvc code),
hands it to ``make_tiva.R`` as raw float64 (exact), and converts exvatools' output
(printed with 17 significant digits, so every double parses back exactly) to Parquet.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
SOURCE = HERE.parent / "lrwiod2000"
FD = ["CONS_h", "CONS_g", "GFCF", "INVEN"]
TAG = "lrwiod2000_2000"


def dense_table() -> tuple[np.ndarray, list[str], list[str]]:
    """[Z | Yfd] (GN x (GN + G * FD)), countries in file order, sectors in their given order."""
    cells = pd.read_parquet(SOURCE / "wiot_2000.parquet")
    for col in ("row_country", "row_sector", "col_country", "col_item"):
        cells[col] = cells[col].astype(str)
    countries = list(dict.fromkeys(cells["row_country"]))
    sectors = list(pd.read_parquet(SOURCE / "sectors.parquet")["code"].astype(str))
    G, N = len(countries), len(sectors)
    cpos = {c: i for i, c in enumerate(countries)}
    spos = {s: i for i, s in enumerate(sectors)}
    fpos = {f: i for i, f in enumerate(FD)}
    row = cells["row_country"].map(cpos) * N + cells["row_sector"].map(spos)
    final = cells["col_item"].isin(FD)
    col = np.where(
        final,
        G * N + cells["col_country"].map(cpos) * len(FD) + cells["col_item"].map(fpos).fillna(0),
        cells["col_country"].map(cpos) * N + cells["col_item"].map(spos).fillna(0),
    ).astype(np.int64)
    M = np.zeros((G * N, G * N + G * len(FD)))
    np.add.at(M, (row.to_numpy(), col), cells["value"].to_numpy())
    return M, countries, sectors


def _split_node(df: pd.DataFrame) -> pd.DataFrame:
    """exvatools' ``COUNTRY_SECTOR`` row names as two columns."""
    split = df["node"].str.split("_", n=1, expand=True)
    return pd.concat(
        [split.rename(columns={0: "country", 1: "sector"}), df.drop(columns="node")], axis=1
    )


def main() -> None:
    M, countries, sectors = dense_table()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        M.astype("<f8").ravel(order="F").tofile(work / "input.bin")
        (work / "names.txt").write_text(
            "\n".join(" ".join(x) for x in (countries, sectors, FD)) + "\n"
        )
        subprocess.run(["Rscript", str(HERE / "make_tiva.R"), str(work)], check=True)
        node = pd.read_csv(work / "tiva_node.csv", dtype={"node": str})
        part = pd.read_csv(work / "tiva_partner.csv", dtype={"node": str, "partner": str})
        shutil.copy(work / "versions.txt", HERE / "versions.txt")
    node, part = (_split_node(df) for df in (node, part))
    part = part[part["value"] != 0.0].reset_index(drop=True)
    node.to_parquet(HERE / f"{TAG}_tiva_node.parquet", index=False)
    part.to_parquet(HERE / f"{TAG}_tiva_partner.parquet", index=False)
    print(f"{len(node)} nodes, {len(part)} non-zero node x partner cells", file=sys.stderr)


if __name__ == "__main__":
    main()
