"""Field validators of scenario definitions and the TOML writer for their value types.

Each validator reads one key of a definition mapping and raises
:class:`~gvc.errors.InputError` with one line naming the scenario and the key.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from gvc.errors import InputError


def req_str(doc: Mapping[str, Any], key: str) -> str:
    v = doc.get(key)
    if not isinstance(v, str) or not v.strip():
        raise InputError(f"scenario definition: '{key}' must be a non-empty string")
    return v.strip()


def is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def opt_bool(doc: Mapping[str, Any], key: str, name: str, default: bool | None = None) -> bool:
    if key not in doc:
        assert default is not None
        return default
    v = doc[key]
    if not isinstance(v, bool):
        raise InputError(f"scenario {name!r}: {key} must be true or false, got {v!r}")
    return v


def opt_labels(doc: Mapping[str, Any], key: str, name: str) -> list[str] | None:
    if key not in doc or doc[key] is None:
        return None
    v = doc[key]
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not v or not all(isinstance(s, str) and s for s in v):
        raise InputError(f"scenario {name!r}: {key} must be a non-empty list of codes")
    return list(dict.fromkeys(v))


def numbers(
    doc: Mapping[str, Any],
    key: str,
    name: str,
    default: float | None,
    *,
    lo: float | None,
    hi: float | None,
) -> list[float]:
    raw = doc.get(key, default)
    vals = raw if isinstance(raw, list) else [raw]
    out = []
    for v in vals:
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise InputError(f"scenario {name!r}: {key} must be a number or a list, got {v!r}")
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            rng = f"[{lo}, {hi}]" if hi is not None else f">= {lo}"
            raise InputError(f"scenario {name!r}: {key} = {v} is out of range {rng}")
        out.append(float(v))
    if not out:
        raise InputError(f"scenario {name!r}: {key} is an empty list")
    return list(dict.fromkeys(out))


def choice(
    doc: Mapping[str, Any], key: str, name: str, choices: Sequence[str], default: str
) -> str:
    v = doc.get(key, default)
    if v not in choices:
        raise InputError(f"scenario {name!r}: {key} must be one of {', '.join(choices)}")
    return str(v)


def to_toml(doc: Mapping[str, Any]) -> str:
    """Flat TOML writer for the definition's own value types (str, bool, number, lists,
    inline tables, None skipped)."""

    def val(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        if isinstance(v, dict):
            inner = ", ".join(f"{k} = {val(x)}" for k, x in v.items() if x is not None)
            return "{" + inner + "}"
        raise InputError(f"cannot write {v!r} as TOML")

    lines = []
    for k, v in doc.items():
        if v is None:
            continue
        if k == "target":
            for tk, tv in v.items():
                if tv is not None:
                    lines.append(f"{tk} = {val(tv)}")
            continue
        lines.append(f"{k} = {val(v)}")
    return "\n".join(lines) + "\n"
