"""gvc: global value chain flow modeller over a DuckDB store.

>>> import gvc  # doctest: +SKIP
>>> gvc.ingest("datasets/wiod2013")  # doctest: +SKIP
>>> gvc.run(dataset="wiod2013")  # doctest: +SKIP
>>> gvc.query("SELECT * FROM top_va_flows('wiod2013', 2011, 5)")  # doctest: +SKIP
"""

__version__ = "0.2.0"

from gvc.api import audit, decompose, ingest, query, run  # noqa: E402
from gvc.currency import convert  # noqa: E402
from gvc.indicators.registry import DEFAULT_STEPS  # noqa: E402

__all__ = [
    "DEFAULT_STEPS", "__version__", "audit", "convert", "decompose", "ingest", "query", "run",
]  # fmt: skip
