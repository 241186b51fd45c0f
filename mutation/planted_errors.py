"""Plant the four errors of issue 22, one at a time, and list the tests that catch each.

usage: python mutation/planted_errors.py [pytest args ...]     (default: the whole default suite)

Each error is a text edit of one file. For each, the tracked files of the checkout are copied
to a temporary directory, the edit is applied there, and ``python -m pytest`` runs in that copy
(``PYTHONPATH`` points at it, so ``import gvc`` is the edited copy). The script prints the
failing tests of every error and exits 1 if an error makes no test fail (or if an edit no
longer applies: the code moved and this list needs updating). Nothing in the checkout changes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: name -> (file, old text, new text); the issue's wording in the comments
ERRORS = {
    # 1. EXGR_DDC redefined as v times e, with EXGR_IDC absorbing the difference
    "ddc_is_v_times_e": (
        "gvc/kernels/tiva.py",
        "    ddc = vLdiag * e\n    idc = (vL - vLdiag) * e\n",
        "    ddc = v * e\n    idc = (vL - v) * e\n",
    ),
    # 2. EXGR_RIM halved, with EXGR_IDC absorbing the difference
    "rim_halved": (
        "gvc/kernels/tiva.py",
        "    idc = (vL - vLdiag) * e\n    rim = (vBd - vL) * e\n",
        "    idc = (vL - vLdiag) * e + 0.5 * (vBd - vL) * e\n    rim = 0.5 * (vBd - vL) * e\n",
    ),
    # 3. intercontinental legs counted on domestic links inside a mixed-continent region (RoW)
    "row_domestic_legs_intercontinental": (
        "gvc/kernels/crossings.py",
        'specs["intercontinental"] = np.clip(1.0 - q @ q.T, 0.0, 1.0) * foreign',
        'specs["intercontinental"] = np.clip(1.0 - q @ q.T, 0.0, 1.0)',
    ),
    # 4. BALVAFD stored transposed (its sign flipped)
    "balvafd_stored_transposed": (
        "gvc/indicators/participation.py",
        "pair = {k: np.asarray(res[k], dtype=np.float64) for k in COUNTRY_PAIR}",
        "pair = {k: np.asarray(res[k], dtype=np.float64).T for k in COUNTRY_PAIR}",
    ),
}


def tracked_copy(dest: Path) -> None:
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for f in files:
        if not f:
            continue
        src = ROOT / f.decode()
        if src.is_file():
            out = dest / f.decode()
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, out)


def run_with(name: str, pytest_args: list[str]) -> list[str]:
    path, old, new = ERRORS[name]
    with tempfile.TemporaryDirectory(prefix=f"gvc-{name}-") as tmp:
        copy = Path(tmp)
        tracked_copy(copy)
        target = copy / path
        text = target.read_text()
        if text.count(old) != 1:
            raise SystemExit(f"{name}: the edit of {path} no longer applies; update ERRORS")
        target.write_text(text.replace(old, new))
        env = {**os.environ, "PYTHONPATH": str(copy)}
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
        )
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", proc.stdout, flags=re.M)
    if proc.returncode not in (0, 1):
        print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
    return failed


def main() -> int:
    args = sys.argv[1:]
    survived = []
    for name in ERRORS:
        failed = run_with(name, args)
        print(f"{name}: {len(failed)} failing tests")
        for t in failed:
            print(f"    {t}")
        if not failed:
            survived.append(name)
    if survived:
        print("NOT CAUGHT:", ", ".join(survived))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
