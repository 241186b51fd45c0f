"""One exception hierarchy for gvc.

Every error the engine raises on purpose is a :class:`GVCError`. The CLI turns each class into
one line and a documented exit code (see ``EXIT_CODES``); ``--debug`` shows the traceback.
"""

from __future__ import annotations


class GVCError(Exception):
    """Base class of every error gvc raises on purpose."""

    exit_code = 1


class InputError(GVCError):
    """A file or an argument is wrong: missing, truncated, unbalanced, bad labels or values."""

    exit_code = 2


class SchemaError(GVCError):
    """The store does not hold what was asked for (unknown dataset/year, missing table)."""

    exit_code = 3


class QueryError(GVCError):
    """A SQL statement, view or macro failed; the message carries the object name and the SQL."""

    exit_code = 4

    def __init__(self, message: str, sql: str | None = None, obj: str | None = None):
        self.sql = sql
        self.obj = obj
        detail = message
        if obj:
            detail = f"{obj}: {detail}"
        if sql:
            short = " ".join(sql.split())
            if len(short) > 300:
                short = short[:297] + "..."
            detail = f"{detail} [SQL: {short}]"
        super().__init__(detail)


class NumericalError(GVCError):
    """A computation is impossible or meaningless: singular (I - A), non-productive table.

    ``node`` is the position of the node to blame where the kernel can tell (the indicator
    layer turns it into the country/sector label).
    """

    exit_code = 5

    def __init__(self, message: str, node: int | None = None):
        self.node = node
        super().__init__(message)


class AuditError(GVCError):
    """An audit query returned rows: an accounting identity is violated."""

    exit_code = 6


class LockError(GVCError):
    """Another gvc process holds the store."""

    exit_code = 7


#: Exit code of the ``gvc`` command -> what it means (printed by ``gvc --help``).
EXIT_CODES = {
    0: "success",
    1: "unexpected internal error (run with --debug and report it)",
    2: "bad input: a file or argument is wrong (InputError)",
    3: "the store does not hold what was asked for (SchemaError)",
    4: "a SQL query, view or macro failed (QueryError)",
    5: "numerical problem: singular or non-productive (I - A) (NumericalError)",
    6: "an audit found violations (AuditError)",
    7: "the store is locked by another gvc process (LockError)",
    130: "interrupted (Ctrl-C, SIGINT)",
    143: "terminated (SIGTERM)",
}
