"""Rule files: defaults deep-merged with a user TOML file, checked when read, and written back.

:func:`load_rules_file` is generic (any rule set of ``section -> key -> scalar`` with packaged
defaults: lock-in flags here, other rule sets elsewhere): a key the defaults lack, a value of
another type or a value outside the key's declared :data:`Allowed` values is an
:class:`~gvc.errors.InputError` naming the file, the key and what is allowed, raised when the
file is read, before anything is computed. :func:`rules_toml` writes a rule set back as TOML.

The lock-in rule set: :func:`default_rules` (``gvc/lockin/defaults.toml``, each key documented
there), :data:`LOCKIN_ALLOWED` (the allowed values, declared next to the defaults) and
:func:`load_rules`.
"""

from __future__ import annotations

import copy
import json
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeAlias

from gvc.errors import InputError

Rules: TypeAlias = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Between:
    """A closed numeric interval ``[lo, hi]`` (``None``: unbounded on that side).

    >>> 0.5 in Between(0, 1), 2 in Between(0, 1), str(Between(1, None))
    (True, False, 'a number >= 1')
    """

    lo: float | None = None
    hi: float | None = None

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, int | float) or isinstance(value, bool) or math.isnan(value):
            return False
        return (self.lo is None or value >= self.lo) and (self.hi is None or value <= self.hi)

    def __str__(self) -> str:
        if self.lo is not None and self.hi is not None:
            return f"a number in [{self.lo:g}, {self.hi:g}]"
        if self.lo is not None:
            return f"a number >= {self.lo:g}"
        return f"a number <= {self.hi:g}" if self.hi is not None else "a number"


Allowed: TypeAlias = Between | tuple[Any, ...]
"""The values a key may take: an interval, or a tuple of the allowed values."""

SHARE = Between(0.0, 1.0)
PERCENTILE = Between(0.0, 100.0)

LOCKIN_ALLOWED: dict[str, dict[str, Allowed]] = {
    "closed_national_chain": {
        "pure_domestic_share_percentile": PERCENTILE,
        "backward_percentile": PERCENTILE,
        "forward_percentile": PERCENTILE,
        "min_countries": Between(1, None),
        "min_pure_domestic_share": SHARE,
    },
    "focal_structure": {
        "hhi_threshold": SHARE,
        "top_supplier_share_threshold": SHARE,
        "combine": ("any", "all"),
        "min_domestic_input_share": SHARE,
    },
    "declining_integration": {
        "years": Between(1, None),
        "relative_decline": SHARE,
        "min_base_participation": Between(0.0, None),
    },
    "closed_cluster": {
        "min_intra_cluster_share": SHARE,
        "max_export_share": SHARE,
        "max_backward": SHARE,
        "backward_metric": ("gvc_backward", "foreign_input_share"),
    },
}
"""Allowed values of the lock-in rules (keys not listed: any value of the default's type)."""


def load_rules_file(
    defaults: str | Mapping[str, Any],
    user: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    allowed: Mapping[str, Mapping[str, Allowed]] | None = None,
    what: str = "rule",
) -> Rules:
    """Defaults (TOML text or a nested mapping) deep-merged with ``user``, then ``overrides``.

    Parameters
    ----------
    defaults : the rule set's defaults, TOML text or ``section -> key -> value`` (not changed).
    user : path of a TOML file, or a nested mapping, overriding any subset of the defaults.
    overrides : a second nested mapping applied last (handy in code and tests).
    allowed : ``section -> key -> Allowed`` for keys whose values are restricted.
    what : what a key is called in messages (``"lock-in rule"``).

    Returns
    -------
    Nested dict ``section -> key -> value``; a float default keeps an int override as float.

    Raises
    ------
    InputError
        unreadable TOML, an unknown section or key (typos must not leave a default in force),
        a value whose type differs from the default's, or a value outside ``allowed``; the
        message names the file (when there is one), the key and what is allowed.

    Examples
    --------
    >>> load_rules_file("[s]\\nk = 1.0\\nm = 'a'\\n", overrides={"s": {"k": 2}})
    {'s': {'k': 2.0, 'm': 'a'}}
    >>> load_rules_file("[s]\\nm = 'a'\\n", {"s": {"m": "c"}}, allowed={"s": {"m": ("a", "b")}})
    Traceback (most recent call last):
    ...
    gvc.errors.InputError: rule 's.m' must be one of 'a', 'b'; got 'c'
    """
    rules: Rules = (
        tomllib.loads(defaults) if isinstance(defaults, str) else copy.deepcopy(dict(defaults))
    )
    for layer in (user, overrides):
        if layer is None:
            continue
        where = None
        if isinstance(layer, str | os.PathLike):
            where = layer
            try:
                layer = tomllib.loads(Path(layer).read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise InputError(f"cannot read {what}s file {layer}: {exc}") from exc
        try:
            _merge(rules, layer, allowed or {}, what)
        except InputError as exc:
            if where is None:
                raise
            raise InputError(f"{where}: {exc}") from exc
    return rules


def _merge(
    base: dict[str, Any],
    layer: Mapping[str, Any],
    allowed: Mapping[str, Any],
    what: str,
    where: str = "",
) -> None:
    for key, value in layer.items():
        path = f"{where}{key}"
        if key not in base:
            raise InputError(f"unknown {what} key {path!r}; known: {sorted(base)}")
        old = base[key]
        if isinstance(old, dict):
            if not isinstance(value, Mapping):
                raise InputError(f"{what} {path!r} must be a table")
            _merge(old, value, allowed.get(key, {}), what, path + ".")
            continue
        ok = isinstance(value, type(old)) or (
            isinstance(old, float) and isinstance(value, int) and not isinstance(value, bool)
        )
        if not ok:
            raise InputError(f"{what} {path!r} must be {type(old).__name__}, got {value!r}")
        ok_values = allowed.get(key)
        if ok_values is not None and value not in ok_values:
            text = (
                str(ok_values)
                if isinstance(ok_values, Between)
                else "one of " + ", ".join(map(repr, ok_values))
            )
            raise InputError(f"{what} {path!r} must be {text}; got {value!r}")
        base[key] = float(value) if isinstance(old, float) else value


def rules_toml(rules: Mapping[str, Mapping[str, Any]]) -> str:
    """The nested rules as TOML text (sections of scalars), read back equal by ``tomllib``.

    >>> tomllib.loads(rules_toml(default_rules())) == default_rules()
    True
    """
    lines = []
    for section, body in rules.items():
        lines.append(f"[{section}]")
        for k, v in body.items():
            if isinstance(v, bool):
                text = "true" if v else "false"
            elif isinstance(v, int | float):
                text = repr(v)
            elif isinstance(v, str):
                text = json.dumps(v)
            else:
                raise InputError(f"rule {section}.{k}: unsupported value {v!r}")
            lines.append(f"{k} = {text}")
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# the lock-in rule set


def _defaults_text() -> str:
    return resources.files("gvc.lockin").joinpath("defaults.toml").read_text(encoding="utf-8")


def default_rules() -> Rules:
    """The packaged defaults, ``gvc/lockin/defaults.toml``, as a nested dict.

    >>> default_rules()["closed_cluster"]["min_intra_cluster_share"]
    0.2
    """
    return tomllib.loads(_defaults_text())


def load_rules(
    user: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Rules:
    """Lock-in defaults deep-merged with a user TOML file (or dict), then with ``overrides``.

    :func:`load_rules_file` with :func:`default_rules` and :data:`LOCKIN_ALLOWED`.

    Parameters
    ----------
    user : path of a TOML file, or a nested mapping, overriding any subset of the defaults.
    overrides : a second nested mapping applied last (handy in code and tests).

    Returns
    -------
    Nested dict ``section -> key -> value``.

    Raises
    ------
    InputError
        unreadable TOML, an unknown section or key (typos must not leave a default in force),
        a value whose type differs from the default's, or a value outside the allowed ones
        (e.g. ``focal_structure.combine`` not ``"any"``/``"all"``, a share outside [0, 1]).

    >>> load_rules(overrides={"focal_structure": {"hhi_threshold": 0.4}})["focal_structure"][
    ...     "hhi_threshold"]
    0.4
    """
    return load_rules_file(
        _defaults_text(), user, overrides, allowed=LOCKIN_ALLOWED, what="lock-in rule"
    )
