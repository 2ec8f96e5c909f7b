"""Small file helpers: atomic writes, checksums, and whether a recorded output is intact."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from smartcity.datafiles import sha256_file  # also re-exported for the runner

TMP_MARK = ".partial-"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def atomic_write(path: str | os.PathLike, data: bytes | str) -> Path:
    """Write ``data`` to a temp file in the target directory, fsync and ``os.replace`` it.

    Readers never see a half-written file where a finished one belongs.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{TMP_MARK}", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def remove_stale_temp_files(root: str | os.PathLike, skip: tuple[str, ...] = ()) -> int:
    """Delete temp files left by a process that was killed mid-write (not under the top-level folders ``skip``)."""
    root = Path(root)
    if not root.is_dir():
        return 0
    n = 0
    for p in root.rglob(f".*{TMP_MARK}*"):
        if skip and p.relative_to(root).parts[0] in skip:
            continue
        try:
            p.unlink()
            n += 1
        except OSError:
            pass
    return n


def unlink_quiet(path: str | os.PathLike) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def write_output(year_dir: Path, rel: str, data: bytes) -> dict:
    """Write a report output atomically; its manifest record: checksum, size and stat signature."""
    st = atomic_write(year_dir / rel, data).stat()
    return {"path": rel, "sha256": sha256_bytes(data), "bytes": len(data), "stat": [st.st_mtime_ns, st.st_ino]}


def output_intact(year_dir: Path, record: dict) -> bool:
    """The recorded output is on disk as it was written.

    Same size, modification time and inode as recorded: intact without reading it (a no-change
    rerun of the whole history checks about 1 GB of reports; hashing it all took 2 s). Anything
    else, or a record without a stat signature (older manifests), is decided by the SHA-256.
    """
    path = year_dir / record.get("path", "")
    try:
        st = path.stat()
    except OSError:
        return False
    if st.st_size != record.get("bytes"):
        return False
    if record.get("stat") == [st.st_mtime_ns, st.st_ino]:
        return True
    return sha256_file(path) == record.get("sha256")
