"""Readers: one module per source layout, each returning :class:`RawTable` in the file's labels.

:func:`read` is the entry point: it checks the path, detects the layout when asked to
(``format="auto"``) and dispatches to the reader of :data:`FORMATS`:

=============  ===========================================================  ==================
format         reader                                                       unit (as read)
=============  ===========================================================  ==================
``long``       :func:`~gvc.readers.long.read_long`                          declared
``oecd-icio``  :func:`~gvc.readers.oecd_icio.read_oecd_icio`                USD million (doc.)
``wiod2016``   :func:`~gvc.readers.wiod2016.read_wiod2016`                  USD million (doc.)
``adb-mrio``   :func:`~gvc.readers.adb.read_adb`                            title line
``figaro``     :func:`~gvc.readers.figaro.read_figaro` (wide and flat)      EUR million (doc.)
``eora26``     :func:`~gvc.readers.eora.read_eora26`                        USD thousand (doc.)
``exiobase3``  :func:`~gvc.readers.exiobase.read_exiobase3`                 ``unit.txt``
``gloria``     :func:`~gvc.readers.gloria.read_gloria`                      USD thousand (doc.)
=============  ===========================================================  ==================

The package stays light to import: the readers (pandas, pyarrow) load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from gvc.readers.detect import detect_format, read
    from gvc.readers.raw import RawTable

#: the names ``--format`` accepts (``auto`` detects)
FORMATS = (
    "auto",
    "long",
    "oecd-icio",
    "wiod2016",
    "adb-mrio",
    "figaro",
    "eora26",
    "exiobase3",
    "gloria",
)

__all__ = ["FORMATS", "RawTable", "detect_format", "read"]


def __getattr__(name: str) -> Any:
    if name in ("read", "detect_format"):
        from gvc.readers import detect

        return getattr(detect, name)
    if name == "RawTable":
        from gvc.readers.raw import RawTable

        return RawTable
    raise AttributeError(f"module 'gvc.readers' has no attribute {name!r}")
