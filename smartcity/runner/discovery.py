"""Find report notebooks: any ``notebooks/*.ipynb`` with ``"smartcity"`` notebook metadata.

Only the JSON is read here (no nbformat, no kernel), so discovery costs milliseconds.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from smartcity import paths

SCOPES = ("city", "category", "edition")
#: output folder (or file stem) of the standard report of each scope
STANDARD_DIRS = {"city": "staedte", "category": "kategorien", "edition": "uebersicht"}
#: notebook slugs that would collide with a folder of the build itself (``en/`` holds the English reports)
RESERVED_SLUGS = {"en", "pakete", "_failed", "_notebooks"}
#: notebook slugs that claim the standard location of their scope
STANDARD_SLUGS = {
    "city": {"staedte", "stadt", "city", "cities"},
    "category": {"kategorien", "kategorie", "category", "categories"},
    "edition": {"uebersicht", "overview", "edition", "national"},
}


class NotebookError(ValueError):
    """A notebook cannot be used as a report (missing or malformed ``smartcity`` metadata)."""


@dataclass(frozen=True)
class NotebookSpec:
    path: Path
    name: str  # file stem, e.g. "city" or "_template"
    scope: str  # city | category | edition
    title: str
    slug: str
    sha256: str  # of the file bytes
    is_template: bool  # name starts with "_"
    title_en: str = ""  # metadata "smartcity.title_en": the title of English reports (default: ``title``)

    def title_in(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title

    def read_text(self) -> str:
        return self.path.read_text(encoding="utf-8")


def load_notebook_spec(path: str | Path) -> NotebookSpec:
    """Read one notebook's report metadata; raise :class:`NotebookError` if it is not a report."""
    path = Path(path)
    if not path.is_file():
        raise NotebookError(f"notebook not found: {path}")
    raw = path.read_bytes()
    try:
        nb = json.loads(raw)
    except ValueError as exc:
        raise NotebookError(f"{path}: not valid notebook JSON ({exc})") from None
    meta = (nb.get("metadata") or {}).get("smartcity")
    if not isinstance(meta, dict):
        raise NotebookError(f'{path}: no "smartcity" entry in the notebook metadata')
    scope = meta.get("scope")
    if scope not in SCOPES:
        raise NotebookError(f'{path}: metadata "smartcity.scope" must be one of {", ".join(SCOPES)}, got {scope!r}')
    title = str(meta.get("title") or path.stem)
    slug = str(meta.get("slug") or path.stem.lstrip("_"))
    if not slug or "/" in slug or slug.startswith("."):
        raise NotebookError(f'{path}: invalid "smartcity.slug" {slug!r}')
    if slug in RESERVED_SLUGS:
        raise NotebookError(
            f'{path}: "smartcity.slug" {slug!r} is reserved (a folder of the build itself: '
            f'{", ".join(sorted(RESERVED_SLUGS))}); choose another slug'
        )
    return NotebookSpec(
        path=path.resolve(),
        name=path.stem,
        scope=scope,
        title=title,
        slug=slug,
        sha256=hashlib.sha256(raw).hexdigest(),
        is_template=path.name.startswith("_"),
        title_en=str(meta.get("title_en") or ""),
    )


def discover_notebooks(directory: str | Path | None = None, include_templates: bool = False) -> list[NotebookSpec]:
    """All report notebooks in ``directory`` (default ``notebooks/``), sorted by scope then name.

    Notebooks without ``smartcity`` metadata are ignored.
    """
    if directory is None:
        directory = paths.NOTEBOOK_DIR
    directory = Path(directory)
    specs = []
    for path in sorted(directory.glob("*.ipynb")):
        if path.name.startswith("_") and not include_templates:
            continue
        if path.name.startswith("."):
            continue
        try:
            specs.append(load_notebook_spec(path))
        except NotebookError:
            pass
    order = {s: i for i, s in enumerate(("edition", "category", "city"))}
    return sorted(specs, key=lambda s: (order[s.scope], s.name))


def find_notebook(ref: str, directory: str | Path | None = None) -> NotebookSpec:
    """Resolve ``--notebook``: a path to any ``.ipynb``, or a name/slug in ``notebooks/`` (templates included).

    A bare file name with extension (``city_report.ipynb``) is read relative to the current
    directory if it exists there, otherwise from ``directory`` (default ``notebooks/``).
    """
    if directory is None:
        directory = paths.NOTEBOOK_DIR
    p = Path(ref)
    is_bare = p.name == ref and ref not in (".", "..")
    if is_bare and p.suffix == ".ipynb" and not p.exists():
        candidate = Path(directory) / ref
        if candidate.is_file():
            return load_notebook_spec(candidate)
        raise NotebookError(f"notebook not found: {ref} (looked in the current directory and in {directory})")
    if p.suffix == ".ipynb" or p.exists() or "/" in ref:
        return load_notebook_spec(p)
    specs = discover_notebooks(directory, include_templates=True)
    for spec in specs:
        if ref in (spec.name, spec.slug, spec.path.name) or ref.lstrip("_") == spec.name.lstrip("_"):
            return spec
    names = ", ".join(sorted(s.name for s in specs)) or "none"
    raise NotebookError(f"unknown notebook {ref!r}; available: {names}")


def standard_notebooks(specs: list[NotebookSpec]) -> dict[str, NotebookSpec]:
    """Which notebook owns the standard location (staedte/, kategorien/, uebersicht) of each scope.

    A notebook whose slug is the standard name (or a synonym) wins; otherwise the only
    non-template notebook of that scope does.
    """
    out: dict[str, NotebookSpec] = {}
    for scope in SCOPES:
        candidates = [s for s in specs if s.scope == scope and not s.is_template]
        named = [s for s in candidates if s.slug in STANDARD_SLUGS[scope]]
        if named:
            out[scope] = sorted(named, key=lambda s: (s.slug != STANDARD_DIRS[scope], s.name))[0]
        elif len(candidates) == 1:
            out[scope] = candidates[0]
    return out
