"""Scheduled, incremental, crash-safe pipelines: many (dataset, year) units, one store.

A pipeline file (:mod:`gvc.pipeline.config`) names input sources, indicator steps and the
outputs: a DuckDB store and a Parquet partition root. :func:`run_pipeline` computes the units
whose input, options or gvc version changed, each in a worker that writes partitions
(:mod:`gvc.pipeline.worker`) on a local, process-pool or Dask executor
(:mod:`gvc.pipeline.executors`), and loads each finished unit into the store in one
transaction (:mod:`gvc.pipeline.catalog`). See ``docs/pipelines.md``.

>>> from gvc.pipeline import run_pipeline                      # doctest: +SKIP
>>> run_pipeline("pipeline.toml", executor="local:4").exit_code  # doctest: +SKIP
0
"""

from gvc.pipeline.config import PipelineConfig, load_config
from gvc.pipeline.driver import (
    RunSummary,
    UnitStatus,
    pipeline_status,
    plan_pipeline,
    run_pipeline,
)
from gvc.pipeline.plan import Decision

__all__ = [
    "Decision",
    "PipelineConfig",
    "RunSummary",
    "UnitStatus",
    "load_config",
    "pipeline_status",
    "plan_pipeline",
    "run_pipeline",
]
