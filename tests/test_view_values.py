"""Every SQL object of ``queries/`` checked for its values on a small real table.

The parametrisation is the list of registered objects (:func:`gvc.sql.load_queries`), not the
list of checkers: a view, macro, audit or table file added without a checker in
``view_checks.CHECKERS`` is a failing test here.
"""

from __future__ import annotations

import pytest
from small_real_store import YEARS, build_store
from view_checks import CHECKERS, Ctx, Ref

from gvc.sql import load_queries

OBJECTS = sorted(o.name for o in load_queries())


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    import duckdb

    tmp = tmp_path_factory.mktemp("views")
    store = build_store(tmp)
    con = duckdb.connect(str(store.db), read_only=True)
    c = Ctx(store, con, tmp, {y: Ref(store.tables[y]) for y in YEARS})
    yield c
    con.close()
    for v in c.variants.values():
        v.close()


def test_every_checker_names_a_registered_object():
    assert set(CHECKERS) <= set(OBJECTS), sorted(set(CHECKERS) - set(OBJECTS))


@pytest.mark.parametrize("name", OBJECTS)
def test_values(ctx, name):
    if name not in CHECKERS:
        pytest.fail(f"queries/{name}.sql has no value check: add one to tests/view_checks*.py")
    CHECKERS[name](ctx)
