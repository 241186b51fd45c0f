"""API reference pages, one per module of the ``gvc`` package, generated from the docstrings.

``docs/conf.py`` calls :func:`write_api_pages` at the start of every build: every public module
(no leading underscore) found under ``gvc`` gets a page with its docstring and the docstrings of
its public functions, classes and constants (formulas, papers and examples included), grouped by
sub-package. A new module appears with no edit here. Pages go to ``docs/_generated/api/``.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from cli_pages import write_if_changed

#: Sub-packages in the order the reference lists them (the data flow of the README), then any
#: other; ``gvc`` itself and its top-level modules come first.
ORDER = (
    "gvc.readers",
    "gvc.ingestion",
    "gvc.catalog",
    "gvc.kernels",
    "gvc.indicators",
    "gvc.chains",
    "gvc.lockin",
    "gvc.groups",
    "gvc.scenarios",
    "gvc.firms",
    "gvc.bridges",
    "gvc.pipeline",
    "gvc.commands",
)


def public_modules(package: str = "gvc") -> list[str]:
    """Every importable public module under ``package``, package first."""
    pkg = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{package}."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts[1:]):
            continue
        names.append(info.name)
    return names


def _group(name: str) -> str:
    parts = name.split(".")
    if len(parts) == 1 or (len(parts) == 2 and not _is_pkg(name)):
        return "gvc"  # the package and its top-level modules (api, cli, store, ...)
    return ".".join(parts[:2])


def _is_pkg(name: str) -> bool:
    return hasattr(importlib.import_module(name), "__path__")


def module_page(name: str) -> str:
    """The page of one module: its docstring and its public members."""
    lines = [
        f"# `{name}`",
        "",
        "```{eval-rst}",
        f".. automodule:: {name}",
        "   :members:",
        "   :undoc-members:",
        "   :show-inheritance:",
        # only what the module defines: a facade's re-exports are documented where they live
        "   :ignore-module-all:",
    ]
    return "\n".join([*lines, "```", ""])


def api_pages() -> dict[str, str]:
    """``{relative file name: Markdown}``: ``index.md`` and one page per module."""
    modules = public_modules()
    groups: dict[str, list[str]] = {}
    for m in modules:
        groups.setdefault(_group(m), []).append(m)
    order = ["gvc", *[g for g in ORDER if g in groups], *sorted(set(groups) - {"gvc", *ORDER})]
    pages = {f"{m}.md": module_page(m) for m in modules}
    index = [
        "# API reference",
        "",
        "Generated from the docstrings at every build of this site (Sphinx autodoc, numpydoc",
        "sections). Kernels and indicators give their defining equation and the paper (with the",
        "equation number where a source confirming it was found); notation in",
        "[Notation](../../notation.md).",
        "",
    ]
    for g in order:
        index += [f"## `{g}`", ""]
        index += [f"- [`{m}`]({m}.md)" for m in groups[g]]
        index.append("")
    index += ["```{toctree}", ":hidden:", "", *modules, "```", ""]
    pages["index.md"] = "\n".join(index)
    return pages


def write_api_pages(out: Path) -> list[str]:
    pages = api_pages()
    for old in out.glob("*.md"):
        if old.name not in pages:
            old.unlink()
    for name, text in pages.items():
        write_if_changed(out / name, text)
    return sorted(pages)
