"""Reading full-size files: gvc's readers against pymrio's parsers, side by side in one run.

Synthetic tables are written in the published layouts of EXIOBASE 3 (49 regions x 163
industries, ``IOT_<year>_ixi`` folder: ``Z.txt``, ``Y.txt``, ``x.txt``, ``unit.txt``,
``satellite/F.txt``), Eora26 (189 countries x 26 sectors plus the discrepancy node, folder of
``Eora26_<year>_bp_*.txt`` and label files) and GLORIA (164 regions x 120 sectors, supply-use
``T`` of (2 x 164 x 120)^2 cells, ``Y``, ``V``, ReadMe workbook and one satellite) by
``tests/fixtures/layouts.py``. Intermediate flows are random with a share of zero cells
(EXIOBASE 40 %, Eora 20 %, GLORIA's use block 70 %), values with about 7 significant digits.

Each read runs in a fresh subprocess (files written first, in their own subprocess): wall time
and CPU time (all threads) of the read call, and peak RSS of the process less its RSS before
the read (interpreter and libraries), also in units of one dense n x n float64 matrix
(n = regions x sectors of the IO table; GLORIA's supply-use T holds 4 n^2 cells).
gvc: ``gvc.readers.read`` (dense blocks, nothing else). pymrio: ``parse_exiobase3``,
``parse_eora26``, ``parse_gloria`` (which also builds A from the supply-use table). The
ratios are pymrio's time over gvc's (wall and CPU).

    python benchmarks/bench_readers.py                      # all three, GLORIA 82 x 120
    python benchmarks/bench_readers.py --only gloria --gloria 164 120 --skip-pymrio

A full-size GLORIA ``T`` is about 10^9 text cells (several GB on disk); pymrio parses it into a
dense (2n)^2 frame (12 GB of float64 at 164 x 120), which did not fit the shared machine, hence
the smaller default and ``--skip-pymrio``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

YEAR = 2019
SIZES = {"exiobase": (49, 163), "eora": (189, 26), "gloria": (82, 120)}
DENSITY = {"exiobase": 0.6, "eora": 0.8, "gloria": 0.3}


def rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def write(layout: str, G: int, N: int, dest: Path) -> str:
    """Write the files (in a child process) and return the path to read."""
    import numpy as np
    from fixtures import layouts as L

    countries = [f"R{g:03d}" for g in range(G)]
    sectors = [f"Sector {k}" for k in range(N)]
    fd = {"exiobase": L.EXIO_FD, "eora": L.EORA_FD, "gloria": L.GLORIA_FD}[layout]
    spec = L.random_spec(countries, sectors, list(fd), seed=1, year=YEAR,
                         density=DENSITY[layout])  # fmt: skip
    spec.Z = np.round(spec.Z, 3)
    spec.Y = np.round(spec.Y, 3)
    if layout == "exiobase":
        return str(L.write_exiobase3(dest, spec))
    if layout == "eora":
        return str(L.write_eora26(dest, spec))
    return str(L.write_gloria(dest, spec, as_zip=False))


def read(layout: str, who: str, path: str) -> dict:
    """One read, in this (child) process: seconds and memory."""
    import warnings

    warnings.simplefilter("ignore")
    if who == "gvc":
        import gvc.readers.detect  # noqa: F401 - libraries loaded before the baseline
        from gvc.readers import read as gvc_read
        from gvc.readers.eora import read_eora26  # noqa: F401
        from gvc.readers.exiobase import read_exiobase3  # noqa: F401
        from gvc.readers.gloria import read_gloria  # noqa: F401

        def run():
            (raw,) = gvc_read(path)
            return raw.dense.Z.shape[0]
    else:
        import pymrio

        def run():
            if layout == "exiobase":
                io = pymrio.parse_exiobase3(path)
            elif layout == "eora":
                io = pymrio.parse_eora26(path, year=YEAR)
            else:
                io = pymrio.parse_gloria(path, year=YEAR, version=59)
            m = io.Z if io.Z is not None else io.A
            return m.shape[0]

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    base = rss_bytes()
    c0, t0 = cpu(), time.perf_counter()
    n = run()
    seconds, cpu_s = time.perf_counter() - t0, cpu() - c0
    return {"seconds": seconds, "cpu": cpu_s, "peak": rss_bytes(), "base": base, "n_read": n}


def child(args: list[str]) -> dict:
    env = dict(os.environ)
    proc = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, env=env
    )
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["killed"])[-1][:200],
                "rc": proc.returncode}  # fmt: skip
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="exiobase,eora,gloria")
    ap.add_argument("--gloria", nargs=2, type=int, metavar=("G", "N"))
    ap.add_argument("--skip-pymrio", action="store_true")
    ap.add_argument("--dir", help="where to write the files (default: a temporary folder)")
    ap.add_argument("--keep", action="store_true", help="keep the written files")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        if a.child[0] == "write":
            _, layout, G, N, dest = a.child
            t0 = time.perf_counter()
            path = write(layout, int(G), int(N), Path(dest))
            print(json.dumps({"path": path, "seconds": time.perf_counter() - t0}))
        else:
            _, layout, who, path = a.child
            print(json.dumps(read(layout, who, path)))
        return
    sizes = dict(SIZES)
    if a.gloria:
        sizes["gloria"] = tuple(a.gloria)
    work = Path(a.dir) if a.dir else Path(tempfile.mkdtemp(prefix="bench_readers_"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for layout in a.only.split(","):
            G, N = sizes[layout]
            n = G * N
            dest = work / layout
            dest.mkdir(exist_ok=True)
            w = child(["--child", "write", layout, str(G), str(N), str(dest)])
            if "error" in w:
                raise SystemExit(f"writing {layout}: {w['error']}")
            size = sum(f.stat().st_size for f in Path(w["path"]).rglob("*") if f.is_file())
            print(f"{layout}: {G} x {N} (n = {n}) written in {w['seconds']:.0f} s, "
                  f"{size / 1e9:.2f} GB", flush=True)  # fmt: skip
            for who in ("gvc",) + (() if a.skip_pymrio else ("pymrio",)):
                r = child(["--child", "read", layout, who, w["path"]])
                r.update(layout=layout, who=who, n=n, G=G, N=N)
                rows.append(r)
                print("  ", who, {k: v for k, v in r.items() if k in ("seconds", "error")},
                      flush=True)  # fmt: skip
    finally:
        if not a.keep and not a.dir:
            shutil.rmtree(work, ignore_errors=True)

    print(f"\n{'layout':<9} {'G x N':>9} {'reader':<7} {'wall s':>7} {'cpu s':>6} {'peak GiB':>9} "
          f"{'read GiB':>9} {'n^2 mats':>9} {'pymrio/gvc wall':>16} {'cpu':>5}")  # fmt: skip
    by = {(r["layout"], r["who"]): r for r in rows}
    for r in rows:
        if "error" in r:
            print(f"{r['layout']:<9} {r['G']:>4} x {r['N']:<3} {r['who']:<7} failed: {r['error']}")
            continue
        mat = r["n"] ** 2 * 8
        used = r["peak"] - r["base"]
        ratio = cratio = ""
        g, p = by.get((r["layout"], "gvc")), by.get((r["layout"], "pymrio"))
        if r["who"] == "pymrio" and g and "error" not in g and p and "error" not in p:
            ratio = f"{p['seconds'] / g['seconds']:.1f}"
            cratio = f"{p['cpu'] / g['cpu']:.1f}"
        print(
            f"{r['layout']:<9} {r['G']:>4} x {r['N']:<3} {r['who']:<7} {r['seconds']:>7.1f} "
            f"{r['cpu']:>6.1f} {r['peak'] / 2**30:>9.2f} {used / 2**30:>9.2f} {used / mat:>9.2f} "
            f"{ratio:>16} {cratio:>5}"
        )
    print(f"\n(machine: {os.cpu_count()} CPUs; 'read GiB' = peak RSS less RSS before the read; "
          "'n^2 mats' = that in dense n x n float64 matrices)")  # fmt: skip


if __name__ == "__main__":
    main()
