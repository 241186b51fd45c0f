"""The wheel: built from this tree, it holds every SQL file, the embedded data and the lock-in
defaults, under the distribution name ``gvc-flows`` with the version of ``gvc/__init__.py``;
and the check that says so fails when any of them is missing."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from wheel_contents import DIST_NAME, expected_files, problems, source_version

import gvc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("build") is None or importlib.util.find_spec("hatchling") is None:
        pytest.skip("needs the dev extra (build, hatchling): pip install -e '.[dev]'")
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (whl,) = out.glob("*.whl")
    return whl


def test_wheel_holds_every_sql_file_dataset_and_package_file(wheel: Path) -> None:
    assert problems(wheel) == []
    names = set(zipfile.ZipFile(wheel).namelist())
    sql = {p.name for p in (ROOT / "queries").glob("*.sql")}
    assert sql and {f"gvc/_queries/{n}" for n in sql} <= names
    assert "gvc/_datasets/wiod2013/wiot_2011.parquet" in names
    assert "gvc/_datasets/wiod2013/README.md" in names  # provenance and licence travel along
    assert "gvc/lockin/defaults.toml" in names
    assert "gvc/__main__.py" in names
    assert wheel.name == f"gvc_flows-{gvc.__version__}-py3-none-any.whl"


def _without(wheel: Path, drop: set[str], dest: Path) -> Path:
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(dest, "w") as out:
        for item in src.infolist():
            if item.filename not in drop:
                out.writestr(item, src.read(item.filename))
    return dest


@pytest.mark.parametrize(
    "drop",
    [
        "gvc/_queries/vax.sql",
        "gvc/_datasets/wiod2013/wiot_1995.parquet",
        "gvc/_datasets/geo/README.md",
        "gvc/lockin/defaults.toml",
    ],
)
def test_the_check_fails_when_a_file_is_missing(wheel: Path, tmp_path: Path, drop: str) -> None:
    assert drop in expected_files()
    broken = _without(wheel, {drop}, tmp_path / wheel.name)
    assert problems(broken) == [f"missing from the wheel: {drop}"]
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "wheel_contents.py"), str(broken)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and drop in proc.stdout


def test_the_version_is_written_once() -> None:
    """pyproject reads it from gvc/__init__.py; the installed metadata agrees."""
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject
    assert "\nversion =" not in pyproject
    assert gvc.__version__ == source_version()
    assert importlib.metadata.version(DIST_NAME) == gvc.__version__


def test_python_dash_m_gvc_is_the_cli() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gvc", "--version"], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0 and proc.stdout.strip() == f"gvc {gvc.__version__}"


def test_changelog_has_this_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text()
    released = re.findall(r"^## \[(\d[^\]]*)\]", text, flags=re.M)
    assert released and released[0] == gvc.__version__, released[:1]


def test_citation_file_has_this_version() -> None:
    cff = (ROOT / "CITATION.cff").read_text()
    assert f'\nversion: "{gvc.__version__}"\n' in cff
