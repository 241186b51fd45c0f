"""The Step record: a named computation on one table and the fact tables it writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa

from gvc.indicators.derived import Derived


@dataclass(frozen=True)
class Step:
    """A named computation and the ``facts.<table>`` DDL of each table it writes.

    ``compute(Derived) -> {table_name: pyarrow.Table}``; the tables carry integer node ids
    and positions, never labels, and no ``dataset``/``year`` columns (the writer adds them).
    """

    name: str
    compute: Callable[[Derived], dict[str, pa.Table]]
    facts_ddl: dict[str, str]
    doc: str
