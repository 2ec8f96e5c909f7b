"""The files behind a data argument, and their checksum; standard library only.

Shared by :mod:`smartcity.inputs` (loading) and :mod:`smartcity.runner.datainfo` (planning), which
must stay free of pandas so that a run with nothing to rebuild starts fast.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Iterable, Union

#: file types taken from a folder given as data (other files there are ignored)
DATA_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")

DataPaths = Union[str, Path, Iterable[Union[str, Path]]]


def ignored(path: Path) -> bool:
    """Hidden files, Excel/LibreOffice lock files (``~$x.xlsx``, ``.~lock.x#``), ``_``-files and backups."""
    name = path.name
    return name.startswith((".", "~", "_")) or name.endswith(("~", "#", ".tmp", ".bak"))


def data_files(paths: DataPaths) -> list[Path]:
    """Each path is a file or a folder (its CSV/XLSX files, sorted by name); duplicates are dropped.

    Raises ``FileNotFoundError`` for a path that does not exist or a folder without data files.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            found = sorted(
                (p for p in path.iterdir() if p.is_file() and p.suffix.lower() in DATA_SUFFIXES and not ignored(p)),
                key=lambda p: p.name.casefold(),
            )
            if not found:
                raise FileNotFoundError(
                    f"No data files in the folder {path}: it holds no "
                    f"{', '.join(DATA_SUFFIXES)} files (hidden and temporary files are ignored)."
                )
        elif path.is_file():
            found = [path]
        else:
            raise FileNotFoundError(f"Data file not found: {path}")
        for p in found:
            if p.resolve() not in seen:
                seen.add(p.resolve())
                out.append(p)
    if not out:
        raise FileNotFoundError("No data file given.")
    return out


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_checksum(files: list[Path], year: int | None = None, history: str | None = None) -> str:
    """sha256 of the data: the file's own checksum for one file read as it is, else a digest over
    every file's name and checksum, the default year and the history option."""
    history = history or "none"
    if len(files) == 1 and year is None and history == "none":
        return sha256_file(Path(files[0]))
    parts = [[Path(f).name, sha256_file(Path(f))] for f in files]
    text = json.dumps({"files": parts, "year": year, "history": history}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
