"""The Step record: a named computation on one table and the fact tables it writes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from gvc.indicators.derived import Derived


@dataclass(frozen=True)
class Step:
    """A named computation and the ``facts.<table>`` DDL of each table it writes.

    ``compute(Derived) -> {table_name: pyarrow.Table}``; the tables carry integer node ids
    and positions, never labels, and no ``dataset``/``year`` columns (the writer adds them).

    ``options`` is what the result depends on besides the input table (a chain's definition,
    parameters); its hash is recorded in the ledger, so a result computed with other options
    is stale. ``scope`` names constant key columns that pick this step's rows in tables it
    shares with other steps of the same kind (``{"chain": "ict_usa"}``); ``kind`` is recorded
    in the ledger (``step``, ``chain``, ...).
    """

    name: str
    compute: Callable[[Derived], dict[str, pa.Table]]
    facts_ddl: dict[str, str]
    doc: str
    options: Mapping[str, Any] = field(default_factory=dict)
    scope: Mapping[str, Any] = field(default_factory=dict)
    kind: str = "step"

    @property
    def ledger_options(self) -> dict[str, Any]:
        """What the ledger records as this step's options: its name and ``options``."""
        return {"step": self.name, **dict(self.options)}

    @property
    def options_hash(self) -> str:
        """sha256 of :attr:`ledger_options` (:func:`gvc.catalog.ledger.options_hash`)."""
        from gvc.catalog.ledger import options_hash

        return options_hash(self.ledger_options)

    @property
    def tables(self) -> tuple[str, ...]:
        """The fact tables this step writes."""
        return tuple(self.facts_ddl)
