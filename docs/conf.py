"""Sphinx configuration of the gvc documentation site.

Build it (strict: every warning, broken link or unresolved reference fails the build)::

    pip install -e ".[docs]" && sphinx-build -W --keep-going -n -b html docs docs/_build/html

The API reference, the command-line pages and the SQL reference are generated into
``docs/_generated/`` at the start of every build (``docs/scripts/api_pages.py``,
``docs/scripts/cli_pages.py``, ``docs/scripts/sql_pages.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "scripts"))
sys.path.insert(0, str(DOCS.parent))  # document the checkout, not some installed gvc

from api_pages import write_api_pages  # noqa: E402
from cli_pages import write_cli_pages  # noqa: E402
from docstrings import process_docstring  # noqa: E402
from sql_pages import write_sql_pages  # noqa: E402

import gvc  # noqa: E402

project = "gvc"
author = "gvc developers"
copyright = "2026, gvc developers (MIT licence)"
release = version = gvc.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "numpydoc",
    "sphinx.ext.mathjax",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "scripts", "README.md"]
root_doc = "index"

# Markdown (MyST): GitHub-style tables and links; heading anchors so `page.md#section` resolves.
myst_heading_anchors = 3
myst_enable_extensions = ["dollarmath"]

# API reference: numpydoc sections (the project's docstring style). gvc writes shapes and
# meanings in the type slot ("Z : (n, n) intermediate flows"): shown as text, not cross-referenced.
numpydoc_xref_param_type = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True

# Strict references (-n): every reference to a gvc object must resolve. Objects of other
# libraries cannot (no intersphinx: the build is offline), so they are listed here.
nitpicky = True
nitpick_ignore_regex = [
    (
        r"py:.*",
        r"_?(numpy|np|pandas|pd|pyarrow|pa|duckdb|scipy|networkx|nx|matplotlib|dask)(\..*)?",
    ),
    (r"py:.*", r"(os|pathlib|collections\.abc|typing|datetime|logging|argparse|concurrent)\..*"),
    (r"py:.*", r"(Path|PathLike|Callable|Iterable|Iterator|Sequence|Mapping|Any|Literal)"),
    (r"py:class", r"gvc\..*\._\w+"),  # private helper classes in annotations are not documented
]


def _import(path: str):
    """The object a dotted path names (``gvc.catalog.connect`` through a lazy facade), or None."""
    import importlib

    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def _resolve_short_name(app, env, node, contnode):
    """Resolve a reference written without the module that documents it: a re-export through a
    package facade (``gvc.catalog.connect``), or a short name (``IOTable``,
    ``ledger.invalidate``, ``:func:`read``` in a package docstring) that, among the documented
    gvc objects of the role's kind whose full name ends with it, names one in the nearest
    enclosing package of the referring module. Anything else stays a warning and fails the
    strict build."""
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "").lstrip("~.")
    domain = env.get_domain("py")
    kinds = set(domain.objtypes_for_role(node.get("reftype", "")) or [])
    objects = {n: o for n, o in domain.objects.items() if not kinds or o.objtype in kinds}
    hits = []
    if target.startswith("gvc."):
        obj = _import(target)
        real = f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"
        hits = [real] if real in objects else []
        if not hits and obj is not None:  # data re-exported by a facade: the same object
            parent, short = target.rsplit(".", 1)
            hits = [
                n
                for n in objects
                if n.startswith(parent + ".") and n.endswith("." + short) and _import(n) is obj
            ]
    if not hits:
        hits = [n for n in objects if n == target or n.endswith("." + target)]
    scope = (node.get("py:module") or "").split(".")
    if node.get("py:class"):
        scope.append(node["py:class"])
    while scope and len(hits) > 1:
        prefix = ".".join(scope) + "."
        near = [n for n in hits if n.startswith(prefix)]
        if near:
            hits = near
        scope.pop()
    if len(hits) != 1:
        return None
    from sphinx.util.nodes import make_refnode

    obj = objects[hits[0]]
    return make_refnode(app.builder, node["refdoc"], obj.docname, obj.node_id, contnode, hits[0])


def _skip_type_alias(app, what, name, obj, skip, options):
    """Autodoc takes ``X = dict[str, ...]`` aliases for classes and fails on them: skip them."""
    import types

    return True if isinstance(obj, types.GenericAlias) else None


def _factory_defaults(app, what, name, obj, options, signature, return_annotation):
    """A dataclass field with a default factory shows as ``= <factory>``, which is no Python
    expression, so Sphinx cannot parse the signature: show ``= ...`` instead."""
    if signature and "<factory>" in signature:
        return signature.replace("<factory>", "..."), return_annotation
    return None


#: README links to files outside docs/, and what they become on the site.
README_LINKS = {"CHANGELOG.md": "changelog.md", "CITATION.cff": "citing.md"}


def _readme_as_home(app, docname, source):
    """The home page is the README (``{include}`` in index.md, replaced here): its links
    ``docs/x.md`` and pictures ``docs/img/...`` become site-relative, and its links to files
    outside docs/ go to the page that shows them (:data:`README_LINKS`)."""
    if docname != "index":
        return
    import re

    readme = DOCS.parent / "README.md"
    app.env.note_dependency(str(readme))
    text = re.sub(r"\]\(docs/", "](", readme.read_text(encoding="utf-8"))
    for old, new in README_LINKS.items():
        text = text.replace(f"]({old})", f"]({new})")
    block = re.compile(r"```\{include\} \.\./README\.md\n(?::.*\n)*```\n")
    source[0], n = block.subn(lambda m: text, source[0])
    if n != 1:
        raise RuntimeError("docs/index.md: no {include} ../README.md block to replace")


def setup(app):
    app.connect("source-read", _readme_as_home)
    app.connect("autodoc-process-signature", _factory_defaults)
    app.connect("autodoc-skip-member", _skip_type_alias)
    app.connect("missing-reference", _resolve_short_name)
    app.connect("autodoc-process-docstring", process_docstring, priority=100)


html_theme = "furo"
html_title = f"gvc {release}"
html_static_path: list[str] = []

write_api_pages(DOCS / "_generated" / "api")
write_cli_pages(DOCS / "_generated" / "cli")
write_sql_pages(DOCS / "_generated" / "sql")
