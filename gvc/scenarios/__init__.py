"""What-if scenarios on the chains: hypothetical extraction, import substitution, shocks, SDA.

Modules, one job each: :mod:`~gvc.scenarios.definitions` (read, validate and hash a
definition; its targets in :mod:`~gvc.scenarios.targets`, field checks and the TOML writer
in :mod:`~gvc.scenarios.fields`), :mod:`~gvc.scenarios.compute` (points, units on an
executor, result frames; with :mod:`~gvc.scenarios.compute_substitution` and
:mod:`~gvc.scenarios.compute_sda`), :mod:`~gvc.scenarios.store` (every store read and
write), :mod:`~gvc.scenarios.reporting` (text) and :mod:`~gvc.scenarios.plots` (charts);
:mod:`~gvc.scenarios.api` holds the functions the CLI calls, re-exported here (loaded on
first use). The maths is in the kernels :mod:`gvc.kernels.rank_update`,
:mod:`~gvc.kernels.extraction`, :mod:`~gvc.kernels.substitution`, :mod:`~gvc.kernels.shocks`,
:mod:`~gvc.kernels.sda` and :mod:`~gvc.kernels.cluster_update`. User guide:
``docs/scenarios.md``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["define", "run", "report", "list_scenarios", "plot", "format_report"]


def __getattr__(name: str) -> Any:
    if name in ("define", "run", "report", "list_scenarios", "plot"):
        from gvc.scenarios import api

        return getattr(api, name)
    if name == "format_report":
        from gvc.scenarios.reporting import format_report

        return format_report
    raise AttributeError(f"module 'gvc.scenarios' has no attribute {name!r}")
