"""The harmonisation switches of ``gvc ingest``, made from :class:`HarmoniseOptions` itself.

Every field of :class:`~gvc.ingestion.harmonise.HarmoniseOptions` becomes one option: a field
annotated ``Literal[...]`` a ``--name`` with those values as its choices, a ``bool`` field a
``--name/--no-name`` pair. Nothing is listed by hand, so a new option or value appears on the
command line as soon as it is declared; pipeline files take the same keys under
``[source.harmonise]`` (:mod:`gvc.pipeline.config`).

>>> import argparse
>>> p = argparse.ArgumentParser()
>>> add_harmonise_options(p)
>>> harmonise_options(p.parse_args(["--balance", "none", "--no-fold-processing-trade"]))
HarmoniseOptions(fold_processing_trade=False, negative_inventories='keep', \
value_added='auto', balance='none', unit=None)
>>> harmonise_options(p.parse_args([])) is None
True
"""

from __future__ import annotations

import argparse
import dataclasses
import typing

from gvc.ingestion.harmonise import HarmoniseOptions


def _fields() -> list[tuple[str, tuple[object, ...], object]]:
    """``(name, allowed values or (), default)`` of every switch (a ``Literal`` or ``bool``
    field), in declaration order; ``unit`` is a value, given as ``gvc ingest --unit``."""
    hints = typing.get_type_hints(HarmoniseOptions)
    return [
        (f.name, typing.get_args(hints[f.name]), f.default)
        for f in dataclasses.fields(HarmoniseOptions)
        if typing.get_origin(hints[f.name]) is typing.Literal or hints[f.name] is bool
    ]


def add_harmonise_options(p: argparse.ArgumentParser) -> None:
    """Add one option per :class:`HarmoniseOptions` field to ``p`` (default: not given)."""
    g = p.add_argument_group(
        "harmonisation (recorded in tables.harmonisation; each changes the table identity)"
    )
    for name, allowed, default in _fields():
        flag = "--" + name.replace("_", "-")
        if allowed:
            g.add_argument(
                flag,
                dest=f"harmonise_{name}",
                choices=[str(a) for a in allowed],
                default=None,
                help=f"default {default}",
            )
        else:
            g.add_argument(
                flag,
                dest=f"harmonise_{name}",
                action=argparse.BooleanOptionalAction,
                default=None,
                help=f"default {'on' if default else 'off'}",
            )


def harmonise_options(a: argparse.Namespace) -> HarmoniseOptions | None:
    """The options given on the command line (None when none was: the defaults apply).

    Raises
    ------
    InputError
        a value outside its allowed set (:meth:`HarmoniseOptions.from_mapping`).
    """
    given = {
        name: getattr(a, f"harmonise_{name}")
        for name, _, _ in _fields()
        if getattr(a, f"harmonise_{name}", None) is not None
    }
    return HarmoniseOptions.from_mapping(given) if given else None
