"""Adapt gvc's docstrings to numpydoc's parser before Sphinx renders them (``docs/conf.py``).

gvc writes a parameter's shape and meaning where numpydoc expects a type
(``Z : (n, n) intermediate flows, country-major.``), and lets free text in ``Returns`` run over
several lines. numpydoc would take the first line as a type and cut inline literals in two.
:func:`adapt` turns ``name : text`` into ``name`` plus an indented description, joins the
lines of a free-text ``Returns`` item, and turns the section headings of module docstrings
(which numpydoc leaves alone) into rubrics, so that ``References`` in two modules are not two
sections with the same label. The source docstrings stay as they are.
"""

from __future__ import annotations

import re

ITEM_SECTIONS = {"Parameters", "Other Parameters", "Attributes", "Returns", "Yields", "Receives"}
_ITEM = re.compile(r"^(?P<name>[\w*]+(?:\s*,\s*[\w*]+)*)\s+:\s+(?P<rest>.*)$")


def _is_heading(lines: list[str], i: int) -> bool:
    if i + 1 >= len(lines):
        return False
    title, under = lines[i].strip(), lines[i + 1].strip()
    return bool(title) and len(under) >= 3 and set(under) == {"-"} and len(under) >= len(title)


def adapt(lines: list[str], *, module: bool = False) -> list[str]:
    """The docstring ``lines`` (as autodoc gives them, dedented), adapted; see the module doc."""
    out: list[str] = []
    section = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if _is_heading(lines, i):
            section = line.strip()
            if module:
                out += [f".. rubric:: {section}", ""]
            else:
                out += [line, lines[i + 1]]
            i += 2
            continue
        if section in ITEM_SECTIONS and line and not line[0].isspace():
            m = _ITEM.match(line)
            if m:
                out += [m["name"], "    " + m["rest"]]
                i += 1
                continue
            if section in {"Returns", "Yields"}:
                # free text: this line and the unindented lines after it are one item
                text = [line.strip()]
                while i + 1 < len(lines) and lines[i + 1] and not lines[i + 1][0].isspace():
                    if _is_heading(lines, i + 1):
                        break
                    i += 1
                    text.append(lines[i].strip())
                out.append(" ".join(text))
                i += 1
                continue
        out.append(line)
        i += 1
    return out


def process_docstring(app, what, name, obj, options, lines: list[str]) -> None:  # noqa: ARG001
    """``autodoc-process-docstring`` handler (connected before numpydoc's)."""
    lines[:] = adapt(lines, module=what == "module")
