"""Bridges to other IO tools' in-memory tables (no file in between).

* :mod:`gvc.bridges.pymrio`: a ``pymrio.IOSystem`` into the store (``gvc.ingest(io, ...)``)
  and a stored table back out as one (:func:`~gvc.bridges.pymrio.to_pymrio`). pymrio is an
  optional dependency (``pip install gvc[pymrio]``), imported only inside these functions.
"""
