"""The firm-cluster rule set: packaged TOML defaults, merged with a user file.

``gvc/firms/defaults.toml`` holds the diagnostic parameters (``[diagnostics]``: registry
threshold, radius, core-industry share, large-firm size) and one section per flag (see
:mod:`gvc.firms.flags`). A user TOML file or mapping overrides any subset; unknown keys and
values of the wrong type are errors, so a typo cannot leave a default in force.

Loading and checking go through :func:`gvc.lockin.rules.load_rules_file`, the one rule-file
loader, with the allowed values :data:`FIRM_ALLOWED` declared here.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Any

from gvc.lockin.rules import SHARE, Allowed, Between, load_rules_file

Rules = dict[str, dict[str, Any]]


def default_rules() -> Rules:
    """The packaged defaults, ``gvc/firms/defaults.toml``, as a nested dict.

    >>> default_rules()["diagnostics"]["registry_threshold"]
    0.2
    """
    text = resources.files("gvc.firms").joinpath("defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


FIRM_ALLOWED: dict[str, dict[str, Allowed]] = {
    "diagnostics": {
        "registry_threshold": SHARE,
        "radius_km": Between(0.0, None),
        "core_industry_share": SHARE,
        "large_firm_employment": Between(0.0, None),
    },
    "registry_focal": {
        "min_pass_share": SHARE,
        "min_anchor_share": SHARE,
        "min_centralisation": SHARE,
        "max_non_anchor_density": SHARE,
    },
    "closed_national_chain": {
        "min_domestic_purchase_share": SHARE,
        "max_export_share": SHARE,
        "min_inside_purchase_share": SHARE,
        "min_intra_sales_share": SHARE,
    },
    "scattered": {
        "max_mean_distance_km": Between(0.0, None),
        "min_share_within_radius": SHARE,
        "combine": ("any", "all"),
    },
    "below_critical_mass": {"critical_mass": Between(1, None)},
    "incomplete_triple_helix": {"required_strands": Between(1, 3)},
}
"""Allowed values of the firm rules, checked when a rules file is read."""


def load_rules(
    user: str | os.PathLike | Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Rules:
    """Defaults deep-merged with ``user`` (a TOML path or mapping), then with ``overrides``
    (:func:`gvc.lockin.rules.load_rules_file`, the one rule-file loader).

    Raises
    ------
    InputError
        unreadable TOML (naming the file), an unknown section or key, a value whose type
        differs from the default's, or a value outside :data:`FIRM_ALLOWED`.

    >>> load_rules(overrides={"scattered": {"max_mean_distance_km": 30}})["scattered"][
    ...     "max_mean_distance_km"]
    30.0
    """
    return load_rules_file(default_rules(), user, overrides, allowed=FIRM_ALLOWED, what="firm rule")


def rules_toml(rules: Mapping[str, Mapping[str, Any]]) -> str:
    """The rules as TOML text, read back equal by ``tomllib`` (stored with each run).

    >>> tomllib.loads(rules_toml(default_rules())) == default_rules()
    True
    """
    from gvc.lockin.rules import rules_toml as _toml

    return _toml(rules)
