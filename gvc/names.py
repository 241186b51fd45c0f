"""Names users give to what gvc stores: one rule for dataset (and chain) names everywhere.

Dataset names become directory names of pipeline partitions
(``<root>/<table>/dataset=<name>/year=<y>/``) and appear in SQL literals, so ``gvc ingest``,
the pipelines and the chain definitions accept the same path-safe names. This module imports
nothing heavy (the CLI and the pipeline configuration use it before anything is read).
"""

from __future__ import annotations

import re

from gvc.errors import InputError

DATASET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
"""A dataset name: a letter or digit, then letters, digits, ``_``, ``.`` or ``-``."""

NAME_RULE = "letters, digits, '_', '.', '-' (not starting with '_', '.' or '-')"


def check_dataset_name(name: object, where: str = "dataset") -> str:
    """``name`` if it is a valid dataset name.

    >>> check_dataset_name("wiod2013")
    'wiod2013'

    Raises
    ------
    InputError
        ``name`` is not a string matching :data:`DATASET_NAME`; the message starts with
        ``where``.
    """
    if not isinstance(name, str) or not DATASET_NAME.match(name):
        raise InputError(f"{where}: {name!r} is not a valid dataset name: {NAME_RULE}")
    return name
