"""What every command prints, one way: results on stdout (or ``-o FILE``), status on stderr.

The output contract of the CLI (every command that prints results):

* ``--format table`` (default): aligned text for a terminal; ``csv``; ``json``: ONE JSON
  document per call (an array of records for one table, an object with ``sections`` for a
  report of several tables, ``title`` and ``notes`` where the report has them);
* ``-o FILE`` writes the same to a file, atomically (a temporary file renamed into place);
* status lines (what was computed, skipped, written) and progress go to stderr, so stdout
  holds only the results and pipes cleanly into other tools.

:class:`Progress` is the progress display: a bar on an interactive stderr, one line per step
otherwise (cron, a log file, an orchestrator), written and flushed as it happens.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gvc.errors import InputError

FORMATS: tuple[str, ...] = ("table", "csv", "json")
"""Output formats of every command that prints results (``parquet`` too for single tables)."""


def add_output_options(p: argparse.ArgumentParser, *, parquet: bool = False) -> None:
    """Add ``--format`` and ``-o/--output`` to a command's parser."""
    choices = FORMATS + (("parquet",) if parquet else ())
    p.add_argument(
        "--format",
        default="table",
        choices=choices,
        help="table (default), csv, json (one document)"
        + (", parquet (needs -o)" if parquet else ""),
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the results to FILE")


def status(message: str) -> None:
    """A status line on stderr (never mixed with the results on stdout)."""
    print(message, file=sys.stderr, flush=True)


@dataclass
class Report:
    """Results of a command: one or more named tables, an optional title and notes.

    ``text`` replaces the table rendering when the command has a better plain-text layout
    (``gvc chain report``); csv and json always come from the tables.
    """

    sections: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    notes: list[str] = field(default_factory=list)
    text: str | None = None
    headings: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, frame: Any, heading: str | None = None) -> Report:
        self.sections[name] = frame
        if heading is not None:
            self.headings[name] = heading
        return self


def _table_text(df: Any) -> str:
    import pandas as pd

    if len(df) == 0:
        return "(no rows)"
    with pd.option_context("display.max_rows", 500, "display.width", 250):
        return df.to_string(index=False)


def _records(df: Any) -> list[dict[str, Any]]:
    return json.loads(df.to_json(orient="records", date_format="iso", double_precision=15))


def render(result: Any, fmt: str) -> str:
    """The text of ``result`` (a DataFrame or a :class:`Report`) in ``fmt``."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose {', '.join(FORMATS)}")
    rep = result if isinstance(result, Report) else Report({"rows": result})
    one = len(rep.sections) == 1 and rep.title is None and not rep.notes
    if fmt == "json":
        if one:
            doc: Any = _records(next(iter(rep.sections.values())))
        else:
            doc = {
                **({"title": rep.title} if rep.title else {}),
                "sections": {k: _records(v) for k, v in rep.sections.items()},
                **({"notes": rep.notes} if rep.notes else {}),
            }
        return json.dumps(doc, indent=1, default=str) + "\n"
    if fmt == "csv":
        if len(rep.sections) == 1:
            return next(iter(rep.sections.values())).to_csv(index=False)
        return "\n".join(
            f"# {name}\n" + frame.to_csv(index=False) for name, frame in rep.sections.items()
        )
    if rep.text is not None:
        return rep.text.rstrip("\n") + "\n"
    parts = [rep.title] if rep.title else []
    for name, frame in rep.sections.items():
        heading = rep.headings.get(name)
        block = _table_text(frame)
        parts.append(f"{heading}:\n{block}" if heading else block)
    parts += rep.notes
    return "\n\n".join(parts) + "\n"


def emit(result: Any, fmt: str = "table", output: str | os.PathLike | None = None) -> None:
    """Print ``result`` to stdout, or write it to ``output`` atomically (``parquet`` needs a
    single table and ``output``)."""
    if fmt == "parquet":
        if not output:
            raise InputError("--format parquet needs --output FILE")
        if isinstance(result, Report):
            if len(result.sections) != 1:
                raise InputError("--format parquet writes one table; use csv or json here")
            result = next(iter(result.sections.values()))
        import pyarrow as pa
        import pyarrow.parquet as pq

        tmp = Path(str(output) + ".tmp")
        pq.write_table(pa.Table.from_pandas(result, preserve_index=False), tmp)
        tmp.replace(output)
        status(f"wrote {len(result)} rows to {output}")
        return
    text = render(result, fmt)
    if output:
        tmp = Path(str(output) + ".tmp")
        tmp.write_text(text)
        tmp.replace(output)
        status(f"wrote {output}")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def frame(rows: Sequence[Sequence[Any]] | Sequence[Mapping[str, Any]], columns: Sequence[str]):
    """A DataFrame from rows (a small convenience for commands)."""
    import pandas as pd

    return pd.DataFrame(list(rows), columns=list(columns))


class Progress:
    """Progress of long work on stderr: a bar on a terminal, else one flushed line per step.

    Called as ``progress(label, done, total)``. Off a terminal every call writes
    ``[done/total] label`` at once, so a log shows which years were committed even after a
    kill.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.tty = sys.stderr.isatty()
        self.enabled = enabled

    def __call__(self, label: str, k: int, n: int) -> None:
        if not self.enabled:
            return
        if not self.tty:
            if k < n:
                sys.stderr.write(f"[{k + 1}/{n}] {label}\n")
            sys.stderr.flush()
            return
        width = 30
        filled = int(width * k / max(n, 1))
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if k >= n else ""
        sys.stderr.write(f"\r[{bar}] {k}/{n} {label:<24}{end}")
        sys.stderr.flush()
