"""Turn discovered notebooks into jobs: one per city / category / edition, with output paths and cache keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from smartcity import wording
from smartcity.runner import fingerprint
from smartcity.runner.datainfo import DataInfo
from smartcity.runner.discovery import STANDARD_DIRS, NotebookSpec, standard_notebooks

#: bump when the runner changes what it writes, to invalidate every cached report
CACHE_SCHEMA = 2
FORMATS = ("html", "pdf")
#: every output format: html, pdf and the one-page summary PDF of a city report (``--format summary``)
ALL_FORMATS = ("html", "pdf", "summary")
#: file name suffix of each format, after the job id
SUFFIXES = {"html": ".html", "pdf": ".pdf", "summary": "-kurzfassung.pdf"}
#: report languages; the default language writes to ``<out>/<year>/``, any other to ``<out>/<year>/<lang>/``
LANGS = ("de", "en")
DEFAULT_LANG = "de"


def output_path(job_id: str, fmt: str) -> str:
    """Where a report's output of one format goes, relative to its tree (``staedte/krefeld-kurzfassung.pdf``)."""
    return job_id + SUFFIXES[fmt]


def report_dir(out: str | Path, year: int, lang: str = DEFAULT_LANG) -> Path:
    """Root of one build's outputs: ``<out>/<year>`` for German, ``<out>/<year>/<lang>`` otherwise.

    Each tree has its own manifest, index page, ``_failed/``, ``_notebooks/`` and ``pakete/``, so a
    German and an English build of the same edition coexist and each stays up to date on its own.
    """
    base = Path(out) / str(year)
    return base if lang == DEFAULT_LANG else base / lang


@dataclass
class Job:
    id: str  # output path without extension, relative to reports/<year>/
    notebook: NotebookSpec
    scope: str  # city | category | edition
    scope_name: str | None  # official city name / German category name / None
    scope_slug: str
    title: str
    subtitle: str
    year: int
    lang: str
    is_sample: bool
    parameters: dict
    formats: tuple[str, ...]
    key: str = ""
    standard: bool = True
    #: why the report is not built although requested: the data holds nothing for it (``None`` = build it)
    skip_reason: str | None = None
    #: the same as a code and its values, for the index page's wording in the report language
    skip_code: str | None = None
    publisher: dict | None = None  # --config: smartcity.publisher.Publisher.as_dict()

    @property
    def outputs(self) -> dict[str, str]:
        return {fmt: output_path(self.id, fmt) for fmt in self.formats}

    @property
    def safe_name(self) -> str:
        return self.id.replace("/", "__")

    def meta(self, author: str = "smartcity") -> dict:
        """Keyword arguments for :class:`smartcity.render.ReportMeta` (``generated`` is added by the worker)."""
        meta = {
            "kind": self.scope,
            "title": self.title,
            "subtitle": self.subtitle,
            "year": self.year,
            "lang": self.lang,
            "is_sample": self.is_sample,
            "author": author,
        }
        if self.publisher:
            meta["publisher"] = self.publisher
        return meta


@dataclass
class Selection:
    cities: list[str] = field(default_factory=list)  # official names
    categories: list[str] = field(default_factory=list)  # German names
    notebooks: list[NotebookSpec] = field(default_factory=list)

    @property
    def narrowed(self) -> bool:
        return bool(self.cities or self.categories)


def _job_id(spec: NotebookSpec, standard: bool, scope_slug: str) -> str:
    if standard:
        return STANDARD_DIRS[spec.scope] if spec.scope == "edition" else f"{STANDARD_DIRS[spec.scope]}/{scope_slug}"
    return f"{spec.slug}/{scope_slug}"


def plan_jobs(
    all_specs: list[NotebookSpec],
    info: DataInfo,
    year: int,
    lang: str = "de",
    formats: tuple[str, ...] = FORMATS,
    selection: Selection | None = None,
    peers: list[str] | None = None,
    publisher: dict | None = None,
) -> list[Job]:
    """Jobs for one edition.

    ``all_specs`` are the notebooks that decide the standard locations (normally every non-template
    notebook in ``notebooks/``); ``selection.notebooks`` (if given) restricts which of them are built
    and may add any other notebook, e.g. ``_template.ipynb``.

    ``peers`` (official names, ``--peers``) is passed to every city report as its ``peers``
    parameter, without the report's own city; ``None`` injects no ``peers`` at all, so the value in
    the notebook's ``parameters`` cell stands. Being a parameter, it is part of the cache key.

    ``formats`` may include ``"summary"`` (the one-page PDF); only city reports have one, so other
    reports drop it, and a report left with no format at all is not planned.
    ``publisher`` (``--config``) goes into every report's metadata and so into its cache key.
    """
    selection = selection or Selection()
    standard = standard_notebooks(all_specs)
    specs = selection.notebooks or list(all_specs)
    scopes_filtered = {"city": bool(selection.cities), "category": bool(selection.categories)}
    common = {"year": year, "data": info.param, "lang": lang}
    if info.history != "none":  # only then, so that the parameters (and cache keys) of other builds stay as they are
        common["history"] = info.history
    has_field = info.has_level(year, "overall") or info.has_level(year, "category")
    jobs: list[Job] = []
    seen: set[str] = set()
    for spec in specs:
        is_std = standard.get(spec.scope) == spec
        if spec.scope == "city":
            if selection.narrowed and not selection.cities and not selection.notebooks:
                continue
            in_data = {n for n, _ in info.cities_of(year)}
            targets = [
                (n, s) for n, s in info.edition_cities_of(year) if not scopes_filtered["city"] or n in selection.cities
            ]
            for name, slug in targets:
                params = {**common, "city": name}
                if peers is not None:
                    params["peers"] = [p for p in peers if p != name]
                sub = f"Smart City Index {year}" if is_std else f"{spec.title_in(lang)} · Smart City Index {year}"
                job = _job(spec, is_std, name, slug, wording.city(name, lang), sub, year, lang, info, params, formats)
                if name not in in_data:
                    job.skip_code = "no-city-data"
                    job.skip_reason = f"no figures for {name} in the {year} data (it is in none of the tables)"
                jobs.append(job)
        elif spec.scope == "category":
            if selection.narrowed and not selection.categories and not selection.notebooks:
                continue
            for index, (name_de, _name_en, slug) in enumerate(info.categories):
                if scopes_filtered["category"] and name_de not in selection.categories:
                    continue
                params = {**common, "category": name_de}
                title = info.category_label(index, year, lang)
                sub = f"Smart City Index {year}" if is_std else f"{spec.title_in(lang)} · Smart City Index {year}"
                job = _job(spec, is_std, name_de, slug, title, sub, year, lang, info, params, formats)
                if not info.has_category(year, name_de):
                    job.skip_code = "no-category-data"
                    job.skip_reason = f"no {name_de} scores in the {year} data (no table of that category)"
                jobs.append(job)
        else:
            if selection.narrowed and not selection.notebooks:
                continue
            job = _job(
                spec,
                is_std,
                None,
                "uebersicht",
                spec.title_in(lang),
                f"Smart City Index {year}",
                year,
                lang,
                info,
                dict(common),
                formats,
            )
            if not has_field:
                job.skip_code = "no-field-data"
                job.skip_reason = f"no overall or category scores in the {year} data (only indicator figures)"
            jobs.append(job)
    out = []
    for job in jobs:
        if job.scope != "city" and "summary" in job.formats:
            job.formats = tuple(f for f in job.formats if f != "summary")
            if not job.formats:
                continue
        if publisher:
            job.publisher = publisher
            job.key = _job_key(job, info)
        if job.id not in seen:
            seen.add(job.id)
            out.append(job)
    return out


def _job(spec, is_std, scope_name, scope_slug, title, subtitle, year, lang, info, params, formats) -> Job:
    job = Job(
        id=_job_id(spec, is_std, scope_slug),
        notebook=spec,
        scope=spec.scope,
        scope_name=scope_name,
        scope_slug=scope_slug,
        title=title,
        subtitle=subtitle,
        year=year,
        lang=lang,
        is_sample=info.is_sample,
        parameters=params,
        formats=tuple(formats),
        standard=is_std,
    )
    job.key = _job_key(job, info)
    return job


def _job_key(job: Job, info: DataInfo) -> str:
    spec, params = job.notebook, job.parameters
    return fingerprint.digest(
        {
            "schema": CACHE_SCHEMA,
            "notebook": spec.sha256,
            "data": info.checksum,
            "catalogue": info.catalogue,
            "parameters": params,
            "meta": job.meta(),
            "smartcity": fingerprint.package_version(),
            "render": fingerprint.render_code_version(),
            "library": fingerprint.library_code_version(),
        }
    )
