"""A folder or a zip archive as one set of files, found by name wherever they sit inside.

Database releases come as zip archives or as the folders they unpack to, sometimes with one more
folder level inside (``IOT_2019_ixi.zip`` holds ``IOT_2019_ixi/Z.txt``). Readers ask for a file
by its base name and get a :class:`~gvc.readers._dense.Source` either way.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from gvc.errors import InputError
from gvc.readers._dense import Source


class Container:
    """The files of a directory (recursively) or of a zip archive."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.is_zip = path.is_file() and zipfile.is_zipfile(path)
        if self.is_zip:
            try:
                with zipfile.ZipFile(path) as zf:
                    self.names = [n for n in zf.namelist() if not n.endswith("/")]
            except (zipfile.BadZipFile, OSError) as exc:
                raise InputError(f"{path}: not a readable zip archive ({exc})") from exc
        elif path.is_dir():
            self.names = sorted(
                str(f.relative_to(path).as_posix()) for f in path.rglob("*") if f.is_file()
            )
        else:
            raise InputError(f"{path}: neither a folder nor a zip archive")

    def basenames(self) -> list[str]:
        return [PurePosixPath(n).name for n in self.names]

    def find(self, pattern: str, *, required: str | None = None) -> Source | None:
        """The file whose base name matches ``pattern`` (a regex, whole name), shallowest first.

        ``required``: what to say when none matches (raises); None returns None instead.
        """
        rx = re.compile(pattern, flags=re.IGNORECASE)
        hits = sorted(
            (n for n in self.names if rx.fullmatch(PurePosixPath(n).name)),
            key=lambda n: (n.count("/"), n),
        )
        if not hits:
            if required is None:
                return None
            raise InputError(f"{self.path}: no file {required} in this {self.kind}")
        return self.source(hits[0])

    def find_all(self, pattern: str) -> list[Source]:
        rx = re.compile(pattern, flags=re.IGNORECASE)
        return [self.source(n) for n in self.names if rx.fullmatch(PurePosixPath(n).name)]

    def source(self, name: str) -> Source:
        if self.is_zip:
            return Source(self.path, name)
        return Source(self.path / name)

    @property
    def kind(self) -> str:
        return "zip archive" if self.is_zip else "folder"
