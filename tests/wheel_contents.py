"""What a built wheel of gvc must hold, checked against the source tree.

Every SQL file of ``queries/`` (as ``gvc/_queries/``), every file of the embedded data in
``datasets/`` with its README and licence notes (as ``gvc/_datasets/``), every module and data
file of the ``gvc`` package (``gvc/lockin/defaults.toml``, ``py.typed``), the licence, the
``gvc`` command, and the distribution name and version. Used by ``tests/test_wheel.py`` on a
wheel it builds, and by ``.ci/run`` on the wheel it installs::

    python tests/wheel_contents.py dist/gvc_flows-*.whl    # exit 1, listing what is missing
"""

from __future__ import annotations

import re
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST_NAME = "gvc-flows"
_SKIP = ("__pycache__", ".pyc", ".duckdb")  # never packaged (gitignored)


def source_version(root: Path = ROOT) -> str:
    """``__version__`` as written in ``gvc/__init__.py`` (the one place it is written)."""
    text = (root / "gvc" / "__init__.py").read_text(encoding="utf-8")
    m = re.search(r'^__version__ = "([^"]+)"', text, flags=re.M)
    if m is None:
        raise ValueError("gvc/__init__.py: no __version__ line")
    return m.group(1)


def _files(base: Path) -> list[Path]:
    return [
        p
        for p in sorted(base.rglob("*"))
        if p.is_file() and not any(s in p.as_posix() for s in _SKIP)
    ]


def expected_files(root: Path = ROOT) -> set[str]:
    """Paths the wheel must contain, from the source tree."""
    want = {f"gvc/_queries/{p.name}" for p in (root / "queries").glob("*.sql")}
    want |= {
        "gvc/_datasets/" + p.relative_to(root / "datasets").as_posix()
        for p in _files(root / "datasets")
    }
    want |= {p.relative_to(root).as_posix() for p in _files(root / "gvc")}
    return want


def problems(wheel: Path, root: Path = ROOT) -> list[str]:
    """Everything wrong with ``wheel``: missing files, wrong metadata; empty when it is right."""
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        info = [n for n in names if n.endswith(".dist-info/METADATA")]
        out = [f"missing from the wheel: {n}" for n in sorted(expected_files(root) - names)]
        if len(info) != 1:
            return [*out, f"{wheel.name}: expected one .dist-info/METADATA, found {len(info)}"]
        dist_info = info[0].rsplit("/", 1)[0]
        meta = Parser().parsestr(zf.read(info[0]).decode("utf-8"))
        entry = zf.read(f"{dist_info}/entry_points.txt").decode("utf-8")
        licences = [n for n in names if n.startswith(f"{dist_info}/licenses/")]
    version = source_version(root)
    if meta["Name"] != DIST_NAME:
        out.append(f"distribution name {meta['Name']!r}, expected {DIST_NAME!r}")
    if meta["Version"] != version:
        out.append(f"version {meta['Version']!r}, gvc/__init__.py says {version!r}")
    if not re.search(r"^gvc\s*=\s*gvc\.cli:main\s*$", entry, flags=re.M):
        out.append("no `gvc = gvc.cli:main` console script in entry_points.txt")
    if not any(n.endswith("/LICENSE") for n in licences):
        out.append("no LICENSE in the wheel's .dist-info/licenses/")
    return out


def summary(wheel: Path) -> str:
    """Size and content of a wheel by group (the numbers docs/packaging.md quotes)."""
    with zipfile.ZipFile(wheel) as zf:
        infos = zf.infolist()
    groups = {
        "SQL objects (gvc/_queries/*.sql)": lambda n: n.startswith("gvc/_queries/"),
        "embedded data (gvc/_datasets/)": lambda n: n.startswith("gvc/_datasets/"),
        "Python modules (gvc/**/*.py)": lambda n: n.startswith("gvc/") and n.endswith(".py"),
    }
    lines = [f"{wheel.name}: {wheel.stat().st_size / 1e6:.1f} MB, {len(infos)} files"]
    for label, pick in groups.items():
        sel = [i for i in infos if pick(i.filename)]
        size = sum(i.file_size for i in sel) / 1e6
        lines.append(f"  {label}: {len(sel)} files, {size:.1f} MB uncompressed")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    bad = 0
    for arg in argv:
        wheel = Path(arg)
        found = problems(wheel)
        print(summary(wheel))
        for line in found:
            print(f"  {line}")
        bad += bool(found)
        if not found:
            print(f"  ok: every SQL file, dataset file and package file is in {wheel.name}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
