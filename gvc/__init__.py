"""gvc: global value chain flow modeller over a DuckDB store."""

__version__ = "0.1.0"
