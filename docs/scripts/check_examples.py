"""Run every code example of README.md and docs/*.md and compare what it prints.

Usage (from the repository root; CI runs it with the gvc installed from the wheel)::

    python docs/scripts/check_examples.py                 # every page; exit 1 on any failure
    python docs/scripts/check_examples.py docs/lockin.md  # README.md first (it builds the store)
    python docs/scripts/check_examples.py --list          # what would run, nothing executed
    python docs/scripts/check_examples.py --update docs/units.md  # rewrite outputs that differ

All pages share one scratch directory (``--workdir``, default a new temporary one) holding
``datasets/`` and ``docs/`` (links to the repository's) and the store ``gvc.duckdb``; README.md
runs first, and its ``gvc demo`` builds the store from the embedded WIOD 2013 tables. Python
blocks of one page share one namespace. What each fenced block does depends on its language
and on a marker, an HTML comment on the line just before it (invisible on GitHub and on the site):

``console``
    ``$ command`` lines (``\\`` continues a line) run in bash; the lines after a command, up to
    the next ``$``, are its expected output (stdout and stderr), compared line by line; a
    ``...`` stands for any text, as in doctest. A command with no output shown must exit 0.
``pycon``
    a doctest session (``>>>``), outputs compared (``...`` as above, whitespace normalised).
``python``, ``bash``/``sh``, ``sql``
    run (SQL on the store, through gvc's own connection); must not fail. What they print is
    compared only when the next block is marked ``<!-- check: output -->``.
``toml``
    parsed (syntax); ``<!-- check: file NAME -->`` also writes it to NAME for later blocks.
no language / ``text``
    not code (program output, file layouts), unless marked:
    ``<!-- check: output -->`` compares it with what the block before it printed;
    ``<!-- check: output of COMMAND -->`` runs COMMAND and compares its output with it.

``<!-- check: skip REASON -->`` skips a block that cannot run here (it installs software,
needs a cluster or a file not shipped); the reason is required and every skip is listed.
A block with no language whose lines look like commands is an error: label it.

``--update`` rewrites, in the page, every shown output that differs from what was printed
(console steps with an output shown, ``output`` blocks) with the printed text: the way to
regenerate outputs after a change, by running the commands, never by editing numbers. It
replaces a ``...`` wildcard too, so review the diff. The run still reports the differences.
"""

from __future__ import annotations

import argparse
import contextlib
import doctest
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN = {"console", "pycon", "python", "bash", "sh", "sql", "toml"}
TEXT = {"", "text", "markdown", "md"}
_MARKER = re.compile(r"^<!--\s*check:\s*(?P<verb>[\w-]+)\s*(?P<arg>.*?)\s*-->$")
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
_LOOKS_LIKE_CODE = re.compile(r"^(\$ |>>> |gvc |python |pip |import )")
OPTIONFLAGS = doctest.ELLIPSIS


@dataclass
class Block:
    """One fenced block of a Markdown page."""

    path: Path
    line: int  # 1-based line of the opening fence
    lang: str
    text: str
    marker: str = ""  # verb of the marker comment before it, if any
    arg: str = ""

    @property
    def where(self) -> str:
        rel = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{rel}:{self.line}"


@dataclass
class Report:
    ran: int = 0
    compared: int = 0
    skipped: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def parse(path: Path) -> list[Block]:
    """The fenced blocks of ``path`` with their markers; raises ValueError on a bad marker."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, start = m["fence"], i
        lang = m["info"].strip().split(" ")[0].lower() if m["info"].strip() else ""
        body = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i][len(m["indent"]) :] if m["indent"] else lines[i])
            i += 1
        i += 1  # closing fence
        j = start - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        verb = arg = ""
        if j >= 0 and lines[j].strip().startswith("<!--"):
            mm = _MARKER.match(lines[j].strip())
            if mm is None:
                raise ValueError(f"{path}:{j + 1}: not a check marker: {lines[j].strip()}")
            verb, arg = mm["verb"], mm["arg"]
            if verb not in {"skip", "output", "file"}:
                raise ValueError(f"{path}:{j + 1}: unknown check marker {verb!r}")
            if verb == "skip" and not arg:
                raise ValueError(f"{path}:{j + 1}: 'check: skip' needs a reason")
        blocks.append(Block(path, start + 1, lang, "\n".join(body) + "\n", verb, arg))
    return blocks


def problems(blocks: list[Block]) -> list[str]:
    """Blocks that would silently escape the check: unlabelled commands, unknown languages."""
    out = []
    for b in blocks:
        if b.marker in ("skip", "output"):
            continue
        if b.lang in TEXT and any(_LOOKS_LIKE_CODE.match(x) for x in b.text.splitlines()):
            out.append(f"{b.where}: looks like code but has no language: label it (console, bash,")
            out[-1] += " python, ...) or mark it '<!-- check: skip REASON -->'"
        elif b.lang not in RUN | TEXT and not b.lang.startswith("{"):  # {toctree}: MyST
            out.append(f"{b.where}: language {b.lang!r} is not run: use one of {sorted(RUN)}")
    return out


def pages(root: Path = ROOT) -> list[Path]:
    """README.md, then every Markdown page under docs/ (generated and built ones excluded)."""
    docs = sorted(
        p
        for p in (root / "docs").rglob("*.md")
        if not any(part.startswith("_") for part in p.relative_to(root / "docs").parts)
    )
    return [root / "README.md", *docs]


def compare(want: str, got: str) -> bool:
    """``got`` matches ``want`` line by line (trailing blanks ignored; ``...`` any text)."""

    def norm(s: str) -> str:
        return "\n".join(line.rstrip() for line in s.strip("\n").splitlines()) + "\n"

    return doctest.OutputChecker().check_output(norm(want), norm(got), OPTIONFLAGS)


def _diff(want: str, got: str) -> str:
    import difflib

    lines = difflib.unified_diff(
        want.strip("\n").splitlines(), got.strip("\n").splitlines(), "shown", "printed", lineterm=""
    )
    return "\n".join(lines)


def console_steps(text: str) -> list[tuple[str, str]]:
    """``(command, expected output)`` pairs of a console block."""
    steps: list[tuple[str, list[str]]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            cmd = line[2:]
            while cmd.endswith("\\") and i + 1 < len(lines):
                i += 1
                cmd = cmd[:-1] + "\n" + lines[i]
            steps.append((cmd, []))
        elif steps:
            steps[-1][1].append(line)
        elif line.strip():
            raise ValueError(f"console block: output before the first '$ ' line: {line!r}")
        i += 1
    return [(c, "\n".join(o)) for c, o in steps]


class Runner:
    """Runs the blocks of the pages in one scratch directory."""

    def __init__(self, workdir: Path, timeout: float = 900, update: bool = False) -> None:
        self.workdir = workdir
        self.update = update
        self.rewrites: list[tuple[Block, str]] = []  # (block, new body) for --update
        self.timeout = timeout
        self.report = Report()
        self.namespace: dict = {}
        self.last_output: str | None = None
        self.env = {k: v for k, v in os.environ.items() if k != "GVC_DB"}
        self.env.update(COLUMNS="80", PYTHONUNBUFFERED="1")
        for name in ("datasets", "docs"):  # read by the examples as in a clone
            link = workdir / name
            if not link.exists():
                link.symlink_to(ROOT / name, target_is_directory=True)

    def shell(self, cmd: str, label: str | None = None) -> tuple[int, str]:
        t0 = time.perf_counter()
        proc = subprocess.run(
            ["bash", "-c", cmd],
            cwd=self.workdir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=self.timeout,
        )
        shown = (label or cmd).strip().splitlines()[0][:90]
        print(f"    $ {shown}  ({time.perf_counter() - t0:.1f} s)")
        return proc.returncode, proc.stdout

    def fail(self, b: Block, msg: str) -> None:
        self.report.failures.append(f"{b.where}: {msg}")
        print(f"  FAIL {b.where}: {msg}")

    def python(self, code: str) -> str:
        buf = io.StringIO()
        cwd = os.getcwd()
        os.chdir(self.workdir)
        try:
            with contextlib.redirect_stdout(buf):
                exec(compile(code, "<docs example>", "exec"), self.namespace)
        finally:
            os.chdir(cwd)
        return buf.getvalue()

    def run_block(self, b: Block) -> None:
        if b.marker == "skip":
            self.report.skipped.append(f"{b.where}: {b.arg}")
            self.last_output = None
            return
        if b.marker == "output":
            self.check_output(b, self.last_output, "the block before it printed nothing checked")
            return
        self.last_output = None
        lang = b.lang
        if lang in TEXT or lang.startswith("{"):
            return
        self.report.ran += 1
        if lang == "console":
            body, changed = [], False
            for cmd, want in console_steps(b.text):
                rc, got = self.shell(cmd)
                body += ["$ " + cmd.replace("\n", "\\\n")]
                body += [want] if want.strip("\n") else []
                if want.strip():
                    self.report.compared += 1
                    if not compare(want, got):
                        self.fail(b, f"`{cmd}` printed other output:\n{_diff(want, got)}")
                        body[-1], changed = _rstrip_lines(got), True
                elif rc != 0:
                    self.fail(b, f"`{cmd}` exited {rc}:\n{got[-2000:]}")
            if changed:
                self.rewrites.append((b, "\n".join(body) + "\n"))
        elif lang in ("bash", "sh"):
            rc, got = self.shell("set -e\n" + b.text, label=f"{b.where} ({b.lang} block)")
            self.last_output = got
            if rc != 0:
                self.fail(b, f"exited {rc}:\n{got[-2000:]}")
        elif lang == "python":
            try:
                self.last_output = self.python(b.text)
            except Exception as exc:  # noqa: BLE001 - reported as a failure of the page
                self.fail(b, f"raised {type(exc).__name__}: {exc}")
        elif lang == "pycon":
            self.pycon(b)
        elif lang == "sql":
            code = (
                "from gvc.catalog import connect\n"
                "con = connect('gvc.duckdb')\n"
                f"print(con.execute({b.text!r}).df().to_string(index=False))\n"
                "con.close()\n"
            )
            rc, got = self.shell(f"{sys.executable} -c {_quote(code)}", label=f"{b.where} (sql)")
            self.last_output = got
            if rc != 0:
                self.fail(b, f"SQL failed:\n{got[-2000:]}")
        elif lang == "toml":
            try:
                tomllib.loads(b.text)
            except tomllib.TOMLDecodeError as exc:
                self.fail(b, f"not valid TOML: {exc}")
            if b.marker == "file":
                (self.workdir / b.arg).write_text(b.text, encoding="utf-8")

    def check_output(self, b: Block, got: str | None, why: str) -> None:
        arg = b.arg
        if arg.startswith("of "):
            rc, got = self.shell(arg[3:])
            self.report.ran += 1
        elif arg:
            raise ValueError(f"{b.where}: 'check: output' takes nothing or 'of COMMAND'")
        if got is None:
            self.fail(b, why)
            return
        self.report.compared += 1
        if not compare(b.text, got):
            self.fail(b, f"shown output differs from what was printed:\n{_diff(b.text, got)}")
            self.rewrites.append((b, _rstrip_lines(got) + "\n"))

    def pycon(self, b: Block) -> None:
        parser = doctest.DocTestParser()
        test = parser.get_doctest(b.text, self.namespace, b.where, str(b.path), b.line)
        runner = doctest.DocTestRunner(optionflags=OPTIONFLAGS | doctest.NORMALIZE_WHITESPACE)
        out = io.StringIO()
        cwd = os.getcwd()
        os.chdir(self.workdir)
        try:
            result = runner.run(test, out=out.write, clear_globs=False)
        finally:
            os.chdir(cwd)
        self.report.compared += result.attempted
        if result.failed:
            self.fail(
                b, f"{result.failed} of {result.attempted} examples failed:\n{out.getvalue()}"
            )

    def rewrite(self, path: Path) -> None:
        """--update: put the printed outputs of :attr:`rewrites` into ``path``."""
        mine = sorted((b for b in self.rewrites if b[0].path == path), key=lambda r: -r[0].line)
        if not mine:
            return
        lines = path.read_text(encoding="utf-8").splitlines()
        for b, new in mine:
            start = b.line  # 0-based index of the first body line
            n = len(b.text.splitlines())
            lines[start : start + n] = new.splitlines()
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"  updated {len(mine)} block(s) of {path.name}")

    def run_page(self, path: Path) -> None:
        blocks = parse(path)
        bad = problems(blocks)
        for msg in bad:
            self.report.failures.append(msg)
            print(f"  FAIL {msg}")
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"{shown}: {len(blocks)} blocks")
        self.namespace = {"__name__": "__docs__"}
        self.last_output = None
        for b in blocks:
            try:
                self.run_block(b)
            except subprocess.TimeoutExpired:
                self.fail(b, f"timed out after {self.timeout:.0f} s")
        if self.update:
            self.rewrite(path)


def _rstrip_lines(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def _quote(s: str) -> str:
    return "'" + s.replace("'", "'\"'\"'") + "'"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pages", nargs="*", type=Path, help="pages to run (default: all)")
    ap.add_argument("--workdir", type=Path, help="scratch directory (default: a new temporary)")
    ap.add_argument("--list", action="store_true", help="list the blocks; run nothing")
    ap.add_argument(
        "--update", action="store_true", help="rewrite shown outputs that differ (review the diff)"
    )
    a = ap.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # progress shows in CI logs as it happens
    chosen = [p.resolve() for p in a.pages] or pages()
    readme = ROOT / "README.md"
    if readme not in chosen and not a.list:
        chosen.insert(0, readme)  # it builds the store the other pages use
    if a.list:
        bad = 0
        for page in chosen:
            blocks = parse(page)
            for b in blocks:
                what = b.marker + (" " + b.arg if b.arg else "") if b.marker else "run"
                if b.lang in TEXT and not b.marker:
                    what = "text (not run)"
                print(f"{b.where:32s} {b.lang or '-':8s} {what}")
            for msg in problems(blocks):
                print(f"FAIL {msg}")
                bad += 1
        return 1 if bad else 0
    workdir = a.workdir or Path(tempfile.mkdtemp(prefix="gvc-docs-"))
    workdir.mkdir(parents=True, exist_ok=True)
    import gvc

    print(f"docs examples with gvc {gvc.__version__} from {Path(gvc.__file__).parent}")
    print(f"scratch directory {workdir}; gvc command: {shutil.which('gvc')}")
    runner = Runner(workdir, update=a.update)
    t0 = time.perf_counter()
    for page in chosen:
        runner.run_page(page)
    r = runner.report
    print(f"\nskipped blocks ({len(r.skipped)}), with the reason:")
    for s in r.skipped:
        print(f"  {s}")
    print(
        f"\ndocs examples: {r.ran} blocks run, {r.compared} outputs compared, "
        f"{len(r.skipped)} skipped, {len(r.failures)} failed in {time.perf_counter() - t0:.0f} s"
    )
    if not a.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if r.failures else 0


if __name__ == "__main__":
    sys.exit(main())
