"""The numbers of docs/groups.md: EU27 (2020) and USMCA as one economy each, WIOD 2013, 2011.

Run from the repository root:  python docs/scripts/groups_wiod.py [store.duckdb]
"""

from __future__ import annotations

import sys
import time

import pandas as pd

import gvc
from gvc.groups import store as groups

db = sys.argv[1] if len(sys.argv) > 1 else "groups_demo.duckdb"
gvc.ingest("datasets/wiod2013", db=db, dataset="wiod2013", year=2011)
gvc.run(db=db, dataset="wiod2013", year=2011, steps=("core", "kww", "bm"))
groups.define("regions", dataset="wiod2013", concordance="regions_wiod2013", db=db)
t0 = time.perf_counter()
groups.run("regions", dataset="wiod2013", years=[2011], db=db)
print(f"group:regions for 2011 computed and stored in {time.perf_counter() - t0:.1f} s")
gvc.aggregate("wiod2013", countries="regions_wiod2013", new_dataset="wiod2013_regions", db=db)
gvc.run(db=db, dataset="wiod2013_regions", steps=("kww", "bm"))

pd.set_option("display.width", 200)
pd.set_option("display.float_format", lambda v: f"{v:,.0f}")
members = groups.groupings("wiod2013", db=db)
eu = list(members.set_index("economy").members["EU27"])
q = lambda sql: gvc.query(sql, db=db)  # noqa: E731

print("\nGross exports 2011 (USD million): sum of the members' vs the group's (to non-members)")
print(q(f"""
    SELECT 'EU27' AS economy,
      (SELECT sum(total) FROM gross_exports WHERE dataset = 'wiod2013' AND year = 2011
         AND exporter IN (SELECT unnest({eu!r}))) AS members_sum,
      (SELECT sum(value) FROM group_bm WHERE year = 2011 AND exporter = 'EU27'
         AND term = 'GEXP' AND approach = 'source' AND perspective = 'exporter') AS as_group
""").to_string(index=False))

print("\nKWW 2011, group-aware (full table) vs computed on the aggregated table (USD million)")
terms = ("DVA_FIN", "DVA_INT", "DVA_INTrex", "RDV_FIN", "RDV_INT", "DDC", "FVA_FIN", "FVA_INT",
         "FDC", "VAX", "DVA", "FVA")
a = q("SELECT exporter, term, value FROM group_kww WHERE year = 2011 AND exporter IN "
      "('EU27', 'USMCA')")
b = q("SELECT exporter, term, value FROM decomp_kww WHERE dataset = 'wiod2013_regions' AND "
      "year = 2011 AND exporter IN ('EU27', 'USMCA')")
m = a.merge(b, on=["exporter", "term"], suffixes=("_group", "_aggregated"))
m = m[m.term.isin(terms)]
m["diff_%"] = 100 * (m.value_aggregated / m.value_group - 1)
m["term"] = pd.Categorical(m.term, terms)
with pd.option_context("display.float_format", lambda v: f"{v:,.2f}"):
    print(m.sort_values(["exporter", "term"]).to_string(index=False))

print("\nEU27 GEXP by Borin-Mancini variant (group vs aggregated table): identical")
g = q("SELECT sum(value) v FROM group_bm WHERE year = 2011 AND exporter = 'EU27' AND term = "
      "'GEXP' AND approach = 'source' AND perspective = 'exporter'").v[0]
h = q("SELECT sum(value) v FROM decomp_bm WHERE dataset = 'wiod2013_regions' AND year = 2011 "
      "AND exporter = 'EU27' AND term = 'GEXP' AND approach = 'source' AND "
      "perspective = 'exporter'").v[0]
print(f"group {g:,.3f}  aggregated {h:,.3f}  difference {g - h:.2e}")
