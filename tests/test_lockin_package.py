"""The ``gvc.lockin`` package: its lazy facade, and rule files checked when they are read."""

from __future__ import annotations

import subprocess
import sys

import pytest

import gvc.lockin
from gvc.errors import InputError
from gvc.lockin import load_rules, load_rules_file
from gvc.lockin.rules import LOCKIN_ALLOWED, default_rules

# the public names of the former gvc.lockin and gvc.indicators.embeddedness modules
FORMER_NAMES = (
    "node_metrics node_metrics_frame centrality_frame betweenness_centrality lockin_flags "
    "closed_cluster_flags cluster_metrics load_rules default_rules FLAG_COLUMNS NODE_FLAGS KEYS "
    "MEASURES WIDE_MEASURES embeddedness_measures compute_embeddedness ensure_embeddedness "
    "embeddedness_frame compute_flags embeddedness_report flags_report flags_rules_used "
    "rules_toml EmbeddednessReport FlagsReport"
).split()


def test_facade_keeps_every_former_name() -> None:
    assert set(FORMER_NAMES) <= set(gvc.lockin.__all__)
    for name in gvc.lockin.__all__:
        assert getattr(gvc.lockin, name) is not None
    with pytest.raises(AttributeError):
        gvc.lockin.no_such_name  # noqa: B018


def test_facade_import_is_light() -> None:
    # names load on first use: importing the package loads no rule, report or plot module
    # and neither networkx nor matplotlib
    heavy = (
        "networkx matplotlib gvc.lockin.node_rules gvc.lockin.cluster_rules gvc.lockin.report "
        "gvc.lockin.plots gvc.lockin.flags"
    )
    code = f"import sys, gvc.lockin; print([m for m in {heavy.split()!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_defaults_are_allowed_and_every_allowed_key_exists() -> None:
    rules = default_rules()
    for section, keys in LOCKIN_ALLOWED.items():
        for key, allowed in keys.items():
            assert rules[section][key] in allowed, (section, key)
    assert load_rules() == rules


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ('[focal_structure]\ncombine = "both"\n', ["focal_structure.combine", "'any', 'all'"]),
        (
            '[closed_cluster]\nbackward_metric = "gvc"\n',
            ["closed_cluster.backward_metric", "'gvc_backward', 'foreign_input_share'"],
        ),
        ("[focal_structure]\nhhi_threshold = 25\n", ["hhi_threshold", "[0, 1]", "25"]),
        (
            "[closed_national_chain]\nbackward_percentile = 120\n",
            ["backward_percentile", "[0, 100]"],
        ),
        ("[declining_integration]\nyears = 0\n", ["declining_integration.years", ">= 1"]),
        ("[closed_cluster]\nmax_export_share = nan\n", ["max_export_share", "[0, 1]"]),
    ],
)
def test_values_outside_the_allowed_set_fail_when_read(tmp_path, toml, words) -> None:
    p = tmp_path / "my_rules.toml"
    p.write_text(toml)
    with pytest.raises(InputError) as err:
        load_rules(p)
    msg = str(err.value)
    assert msg.startswith(f"{p}: lock-in rule ") and "\n" not in msg
    for w in words:
        assert w in msg


def test_values_at_the_bounds_are_allowed() -> None:
    r = load_rules(
        {
            "focal_structure": {"hhi_threshold": 1, "combine": "all"},
            "closed_national_chain": {"backward_percentile": 0, "min_countries": 1},
            "closed_cluster": {"backward_metric": "foreign_input_share"},
        }
    )
    assert r["focal_structure"]["hhi_threshold"] == 1.0
    assert r["closed_national_chain"]["backward_percentile"] == 0.0


def test_generic_loader_for_another_rule_set(tmp_path) -> None:
    defaults = {"firms": {"min_firms": 3, "method": "louvain"}}
    p = tmp_path / "firms.toml"
    p.write_text('[firms]\nmethod = "leiden"\n')
    allowed = {"firms": {"method": ("louvain", "leiden")}}
    got = load_rules_file(defaults, p, allowed=allowed, what="firm-cluster rule")
    assert got == {"firms": {"min_firms": 3, "method": "leiden"}}
    assert defaults["firms"]["method"] == "louvain"  # the defaults are not changed
    p.write_text("[firms]\nmin_firm = 2\n")
    with pytest.raises(InputError, match="firms.toml: unknown firm-cluster rule key"):
        load_rules_file(defaults, p, allowed=allowed, what="firm-cluster rule")
