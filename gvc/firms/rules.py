"""The firm-cluster rule set: packaged TOML defaults, merged with a user file.

``gvc/firms/defaults.toml`` holds the diagnostic parameters (``[diagnostics]``: registry
threshold, radius, core-industry share, large-firm size) and one section per flag (see
:mod:`gvc.firms.flags`). A user TOML file or mapping overrides any subset; unknown keys and
values of the wrong type are errors, so a typo cannot leave a default in force.

The merge follows :func:`gvc.lockin.load_rules` (same semantics, its own error messages); it
is a local copy because ``gvc.lockin`` is being split into a package.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from gvc.errors import InputError

Rules = dict[str, dict[str, Any]]


def default_rules() -> Rules:
    """The packaged defaults, ``gvc/firms/defaults.toml``, as a nested dict.

    >>> default_rules()["diagnostics"]["registry_threshold"]
    0.2
    """
    text = resources.files("gvc.firms").joinpath("defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def load_rules(
    user: str | os.PathLike | Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Rules:
    """Defaults deep-merged with ``user`` (a TOML path or mapping), then with ``overrides``.

    Raises
    ------
    InputError
        unreadable TOML (naming the file), an unknown section or key, a value whose type
        differs from the default's, or a ``combine`` other than ``any``/``all``.

    >>> load_rules(overrides={"scattered": {"max_mean_distance_km": 30}})["scattered"][
    ...     "max_mean_distance_km"]
    30.0
    """
    rules = default_rules()
    for layer in (user, overrides):
        if layer is None:
            continue
        where = None
        if isinstance(layer, str | os.PathLike):
            where = str(layer)
            try:
                layer = tomllib.loads(Path(layer).read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise InputError(f"cannot read firm-cluster rules file {where}: {exc}") from exc
        try:
            _merge(rules, layer)
        except InputError as exc:
            raise InputError(f"{where}: {exc}" if where else str(exc)) from exc
    combine = rules["scattered"]["combine"]
    if combine not in ("any", "all"):
        raise InputError(f"firm rule 'scattered.combine' must be 'any' or 'all', got {combine!r}")
    return rules


def _merge(base: dict[str, Any], layer: Mapping[str, Any], where: str = "") -> None:
    for key, value in layer.items():
        path = f"{where}{key}"
        if key not in base:
            raise InputError(f"unknown firm rule key {path!r}; known: {sorted(base)}")
        old = base[key]
        if isinstance(old, dict):
            if not isinstance(value, Mapping):
                raise InputError(f"firm rule {path!r} must be a table")
            _merge(old, value, path + ".")
            continue
        ok = isinstance(value, type(old)) or (
            isinstance(old, float) and isinstance(value, int) and not isinstance(value, bool)
        )
        if not ok:
            raise InputError(f"firm rule {path!r} must be {type(old).__name__}, got {value!r}")
        base[key] = float(value) if isinstance(old, float) else value


def rules_toml(rules: Mapping[str, Mapping[str, Any]]) -> str:
    """The rules as TOML text, read back equal by ``tomllib`` (stored with each run).

    >>> tomllib.loads(rules_toml(default_rules())) == default_rules()
    True
    """
    from gvc.indicators.embeddedness import rules_toml as _toml

    return _toml(rules)
