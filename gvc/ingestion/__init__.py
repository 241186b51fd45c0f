"""Ingest: harmonise a reader's RawTable into an IOTable, validate it, load it into the store."""
