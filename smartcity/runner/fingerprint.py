"""Cheap fingerprints of everything a report depends on (standard library only).

These feed the incremental cache key; none of them imports pandas or any other heavy module.
"""

from __future__ import annotations

import functools
import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path

from smartcity import __version__
from smartcity.runner.fsutil import sha256_file

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # smartcity/
_CODE_SUFFIXES = {
    ".py",
    ".toml",
    ".json",
    ".css",
    ".html",
    ".j2",
    ".jinja",
    ".tpl",
    ".txt",
    ".csv",
    ".svg",
    ".geojson",
    ".ttf",
    ".otf",
    ".woff",
    ".woff2",
    ".png",
}


#: package parts that do not influence a report's content (render/ has its own digest)
NOT_REPORT_CODE = (
    "render",
    "runner",
    "sample.py",
    "screenshot.py",
    "__main__.py",
    # an installed wheel carries data/ and notebooks/ inside the package: they have their own digests
    "data",
    "notebooks",
)


def _tree_digest(root: Path, exclude: tuple[Path, ...] = (), suffixes: set[str] | None = _CODE_SUFFIXES) -> str:
    h = hashlib.sha256()
    if not root.exists():
        return "missing"
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    for p in files:
        if "__pycache__" in p.parts or p.name.startswith("."):
            continue
        if suffixes is not None and p.suffix not in suffixes:
            continue
        if any(ex == p or ex in p.parents for ex in exclude):
            continue
        h.update(str(p.relative_to(root) if root.is_dir() else p.name).encode())
        h.update(b"\0")
        h.update(sha256_file(p).encode())
    return h.hexdigest()


@functools.lru_cache(maxsize=None)
def render_code_version() -> str:
    """Digest of ``smartcity/render/`` (code, templates, CSS)."""
    return _tree_digest(PACKAGE_DIR / "render")


@functools.lru_cache(maxsize=None)
def library_code_version() -> str:
    """Digest of the rest of the package the notebooks use (everything but render/, runner/ and the
    command-line tools that never run inside a report)."""
    return _tree_digest(PACKAGE_DIR, exclude=tuple(PACKAGE_DIR / p for p in NOT_REPORT_CODE))


@functools.lru_cache(maxsize=None)
def package_version(name: str | None = None) -> str:
    """Installed version of the distribution ``name``; without a name, this project's own version
    (``smartcity.__version__``, right also in a checkout whose installed metadata is stale)."""
    if name is None:
        return __version__
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def versions(extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Versions for the manifest, read from package metadata (no imports)."""
    out = {"python": platform.python_version(), "smartcity": package_version()}
    for name in ("papermill", "nbclient", "nbconvert", "pandas", "matplotlib", "weasyprint", *extra):
        out[name] = package_version(name)
    return out


def data_dir_version(data_dir: Path) -> str:
    """Digest of the bundled catalogue/data directory (cities, indicators, editions, sample)."""
    return _tree_digest(Path(data_dir), suffixes=None)


def digest(obj) -> str:
    """Stable digest of a JSON-serialisable object."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
