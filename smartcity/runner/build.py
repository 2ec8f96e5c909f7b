"""The batch build: plan, skip what is up to date, execute the rest, write outputs, manifest, index, bundles.

Only standard-library modules are imported at module level; pandas, papermill and friends are
imported lazily, so a run in which every report is up to date finishes in well under a second.
"""

from __future__ import annotations

import difflib
import json
import logging
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from smartcity import paths
from smartcity.publisher import PublisherConfigError, load_publisher
from smartcity.runner import fingerprint, manifest
from smartcity.runner.bundle import build_bundles
from smartcity.runner.dask_executor import DaskExecutor
from smartcity.runner.datainfo import DataError, DataInfo, load_info
from smartcity.runner.discovery import NotebookError, discover_notebooks, find_notebook
from smartcity.runner.fsutil import atomic_write, output_intact, remove_stale_temp_files, unlink_quiet, write_output
from smartcity.runner.index_page import write_index
from smartcity.runner.local import LocalExecutor
from smartcity.runner.portal import write_site
from smartcity.runner.planning import (
    ALL_FORMATS,
    DEFAULT_LANG,
    FORMATS,
    LANGS,
    Job,
    Selection,
    output_path,
    plan_jobs,
    report_dir,
)
from smartcity.runner.progress import PlainProgress, make_progress
from smartcity.runner.worker import env_preload

log = logging.getLogger("smartcity.runner")

#: the exception a report notebook raises when the data holds nothing for it (smartcity.analysis.NoReportData)
NO_REPORT_DATA = "NoReportData"

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """Bad command-line input (unknown city, year not in the data ...): exit code 2."""


@dataclass
class Options:
    year: int | None = None
    cities: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    notebooks: list[str] = field(default_factory=list)
    formats: tuple[str, ...] = FORMATS
    lang: str = "de"
    data: list[str] | None = None  # --data: files and folders, merged; None = bundled sample
    history: str = "none"  # --history published: published figures fill tables the data lacks
    out: Path | None = None
    jobs: int | None = None
    force: bool = False
    timeout: float | None = 600.0
    executor: str = "local"
    keep_notebooks: bool = False
    bundle: bool = False
    notebook_dir: Path | None = None
    progress: str = "auto"
    recycle_after: int = 50
    peers: list[str] | None = None  # --peers: names for every city report's ``peers``; None = notebook default
    config: str | None = None  # --config: publisher settings (smartcity/publisher.py)


@dataclass
class BuildResult:
    exit_code: int
    year: int | None = None
    year_dir: Path | None = None
    entries: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    duration: float = 0.0


def check_formats(formats: tuple[str, ...]) -> None:
    """``--format`` against :data:`ALL_FORMATS`; the one check of every entry point (command line,
    :class:`HistoryBuild <smartcity.runner.history.HistoryBuild>`, :func:`plan_notebook`)."""
    choices = ", ".join(ALL_FORMATS)
    if not formats:
        raise UsageError(f"--format needs at least one of {choices}")
    bad = [fmt for fmt in formats if fmt not in ALL_FORMATS]
    if bad:
        raise UsageError(f"--format: unknown format {', '.join(map(repr, bad))} (choose from {choices})")


# ---------------------------------------------------------------------- name resolution
def resolve_cities(names: list[str], what: str = "city") -> list[str]:
    """Official names for ``--city`` (or ``--peers``) values; fails at once with the closest suggestions."""
    if not names:
        return []
    from smartcity import catalogue  # noqa: PLC0415 - start-up: pandas, not needed by a no-change rerun

    out = []
    for name in names:
        official = catalogue.resolve_city(name)
        if official is None:
            suggestions = catalogue.suggest_cities(name, n=3)
            hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
            raise UsageError(f"unknown {what} {name!r}.{hint}")
        if official not in out:
            out.append(official)
    return out


def resolve_categories(names: list[str]) -> list[str]:
    if not names:
        return []
    from smartcity import catalogue  # noqa: PLC0415 - start-up: pandas, not needed by a no-change rerun

    out = []
    for name in names:
        resolved = catalogue.resolve_category(name)
        if resolved is None:
            choices = [c.name_de for c in catalogue.CATEGORIES] + [c.slug for c in catalogue.CATEGORIES]
            close = difflib.get_close_matches(str(name), choices, n=3, cutoff=0.5)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise UsageError(
                f"unknown category {name!r}.{hint} Categories: " + ", ".join(c.name_de for c in catalogue.CATEGORIES)
            )
        if resolved not in out:
            out.append(resolved)
    return out


# ---------------------------------------------------------------------- incremental cache
def is_up_to_date(job: Job, prev: dict | None, year_dir: Path) -> bool:
    """Same cache key as last time and every requested output present with its recorded checksum."""
    # "skipped" of manifests before schema 2 meant up to date; its recorded outputs are checked below
    if not prev or prev.get("key") != job.key or prev.get("status") not in ("built", "up_to_date", "skipped"):
        return False
    outputs = prev.get("outputs") or {}
    for fmt, rel in job.outputs.items():
        rec = outputs.get(fmt)
        if not rec or rec.get("path") != rel or not output_intact(year_dir, rec):
            return False
    return True


# ---------------------------------------------------------------------- the build
class Build:
    def __init__(self, opts: Options):
        self.opts = opts
        self.out = Path(opts.out) if opts.out else paths.REPORTS_DIR.resolve()  # ./reports
        self.notebook_dir = Path(opts.notebook_dir) if opts.notebook_dir else Path(paths.NOTEBOOK_DIR)
        self.jobs_n = opts.jobs or os.cpu_count() or 1
        self.entries: dict[str, dict] = {}
        self.prev: dict[str, dict] = {}
        self.info: DataInfo | None = None
        self.year: int | None = None
        self.year_dir: Path | None = None
        self.started_at = manifest.now_iso()
        self.t0 = time.monotonic()
        self.progress: PlainProgress | None = None
        self._jobs: dict[str, Job] = {}
        self._planned: list[Job] = []
        self.no_data = 0  # planned reports skipped because the data holds nothing for them
        self.progress_prefix = ""  # "2024/en/" when several trees are built in one run (runner/history.py)
        self._last_manifest = 0.0
        self.publisher: dict | None = None

    # -- planning
    def plan(self) -> list[Job]:
        o = self.opts
        check_formats(o.formats)
        publisher = self.publisher = None
        if o.config:
            try:
                publisher = self.publisher = load_publisher(o.config).as_dict()
            except PublisherConfigError as exc:
                raise UsageError(str(exc)) from None
        if o.lang not in LANGS:
            raise UsageError(f"unknown language {o.lang!r} ({' or '.join(LANGS)})")
        cities = resolve_cities(o.cities)
        peers = None
        if o.peers is not None:
            if not o.peers:
                raise UsageError("--peers needs at least one city name, e.g. --peers \"Düsseldorf,Duisburg,Neuss\"")
            peers = resolve_cities(o.peers, what="peer city")
        categories = resolve_categories(o.categories)
        try:
            explicit = [find_notebook(ref, self.notebook_dir) for ref in o.notebooks]
            all_specs = discover_notebooks(self.notebook_dir)
        except NotebookError as exc:
            raise UsageError(str(exc)) from None
        if not all_specs and not explicit:
            raise UsageError(
                f"no report notebooks in {self.notebook_dir} (a report notebook has "
                '"smartcity": {"scope": ..., "title": ..., "slug": ...} in its metadata)'
            )
        if o.history not in ("none", "published"):
            raise UsageError(f"--history must be none or published, not {o.history!r}")
        if o.history != "none" and not o.data:
            raise UsageError("--history published adds published figures to your own data: give it with --data")
        try:
            self.info = info = load_info(o.data, self.out / ".cache", year=o.year, history=o.history)
        except DataError as exc:
            raise UsageError(str(exc)) from None
        year = o.year if o.year is not None else info.latest_year
        if year not in info.years:
            raise UsageError(f"no data for {year}; editions in the data: {', '.join(map(str, info.years))}")
        edition_cities = {n for n, _ in info.edition_cities_of(year)}
        missing = [c for c in cities if c not in edition_cities]
        if missing:
            raise UsageError(f"not part of the {year} edition: {', '.join(missing)}")
        data_cities = {n for n, _ in info.cities_of(year)}
        missing = [c for c in peers or () if c not in data_cities]
        if missing:
            raise UsageError(f"--peers: no figures in the {year} data for {', '.join(missing)}")
        self.year = year
        self.year_dir = report_dir(self.out, year, o.lang)
        sel = Selection(cities=cities, categories=categories, notebooks=explicit)
        jobs = plan_jobs(
            all_specs,
            info,
            year,
            lang=o.lang,
            formats=tuple(o.formats),
            selection=sel,
            peers=peers,
            publisher=publisher,
        )
        if peers is not None and not any(j.scope == "city" for j in jobs):
            raise UsageError(
                "--peers applies to city reports only, and none are selected "
                "(add --city NAME or a city-scope --notebook)"
            )
        return jobs

    # -- entries
    def _entry(self, job: Job, status: str, **extra) -> dict:
        e = {
            "id": job.id,
            "kind": job.scope,
            "title": job.title,
            "subtitle": job.subtitle,
            "notebook": job.notebook.path.name,
            "notebook_slug": job.notebook.slug,
            "notebook_title": job.notebook.title,
            "notebook_sha256": job.notebook.sha256,
            "scope_name": job.scope_name,
            "scope_slug": job.scope_slug,
            "standard": job.standard,
            "lang": job.lang,
            "parameters": job.parameters,
            "key": job.key,
            "status": status,
            "duration": 0.0,
            "outputs": {},
            "error": None,
        }
        e.update(extra)
        return e

    def write_manifest(self, final: bool = False) -> None:
        info = self.info
        entries = sorted(self.entries.values(), key=_sort_key)
        data = {
            "schema": manifest.SCHEMA,
            "year": self.year,
            "generated": manifest.now_iso(),
            "started": self.started_at,
            "complete": final,
            "versions": fingerprint.versions(extra=("distributed",) if self.opts.executor != "local" else ()),
            "code": {"render": fingerprint.render_code_version(), "library": fingerprint.library_code_version()},
            "data": {
                "source": info.source if info else None,
                "files": info.files if info else [],
                "history": info.history if info else "none",
                "history_counts": info.history_counts if info else {},
                "bundled_sample": info.is_sample if info else None,
                "is_sample": info.is_sample if info else None,
                "checksum": info.checksum if info else None,
                "catalogue_checksum": info.catalogue if info else None,
            },
            "options": {
                "lang": self.opts.lang,
                "peers": self.opts.peers,
                "year": self.opts.year,
                "config": self.opts.config,
                "formats": list(self.opts.formats),
                "executor": self.opts.executor,
                "jobs": self.jobs_n,
                "timeout": self.opts.timeout,
                "force": self.opts.force,
            },
            "summary": dict(manifest.summarise(entries), duration=round(time.monotonic() - self.t0, 2)),
            "reports": entries,
        }
        manifest.write(self.year_dir, data)
        self._last_manifest = time.monotonic()

    # -- results
    def _record_result(self, job: Job, res: dict) -> dict:
        yd = self.year_dir
        status = res.get("status", "failed")
        err = res.get("error") or {}
        if status == "failed" and err.get("ename") == NO_REPORT_DATA:
            # the report itself found nothing to say on the data (smartcity.analysis.NoReportData):
            # skipped with its reason, as the planner does for what it can tell beforehand
            for fmt in ALL_FORMATS:
                unlink_quiet(yd / output_path(job.id, fmt))
            unlink_quiet(yd / "_failed" / f"{job.safe_name}.ipynb")
            entry = self._entry(
                job, "skipped", reason=str(err.get("message") or "").strip(), reason_code="no-report-data"
            )
            entry["duration"] = entry["build_duration"] = res.get("timings", {}).get("total", 0.0)
            return entry
        failed_nb = yd / "_failed" / f"{job.safe_name}.ipynb"
        kept_nb = yd / "_notebooks" / f"{job.safe_name}.ipynb"
        if status == "built":
            outputs = {}
            for fmt, data in res["outputs"].items():
                rel = job.outputs[fmt]
                outputs[fmt] = write_output(yd, rel, data)
            prev = self.prev.get(job.id) or {}
            for fmt in ALL_FORMATS:  # a format not rebuilt now would be stale ...
                if fmt in outputs:
                    continue
                kept = (prev.get("outputs") or {}).get(fmt)
                if kept and prev.get("key") == job.key and output_intact(yd, kept):
                    outputs[fmt] = kept  # ... unless it comes from the same inputs (--format summary)
                else:
                    unlink_quiet(yd / output_path(job.id, fmt))
            unlink_quiet(failed_nb)
            if self.opts.keep_notebooks and res.get("notebook"):
                atomic_write(kept_nb, res["notebook"])
            entry = self._entry(job, "built", outputs=outputs, built_at=manifest.now_iso())
        else:
            for fmt in ALL_FORMATS:  # never leave a stale report where this one belongs
                unlink_quiet(yd / output_path(job.id, fmt))
            entry = self._entry(job, status, error=_public_error(res.get("error")))
            if res.get("notebook"):
                atomic_write(failed_nb, res["notebook"])
                entry["failed_notebook"] = str(failed_nb.relative_to(yd))
        entry["duration"] = entry["build_duration"] = res.get("timings", {}).get("total", 0.0)
        entry["timings"] = res.get("timings", {})
        entry["worker"] = res.get("worker")
        return entry

    # -- tasks
    def _task(self, job: Job, data_payload: dict | None) -> dict:
        meta = job.meta()
        meta["data_note"] = _data_note(job, self.info)
        if not job.standard:
            meta["kind_label"] = job.notebook.title
        return {
            "id": job.id,
            "notebook": job.notebook.read_text(),
            "notebook_path": str(job.notebook.path),
            "parameters": job.parameters,
            "meta": meta,
            "formats": list(job.formats),
            "timeout": self.opts.timeout,
            "return_notebook": self.opts.keep_notebooks,
            "data": data_payload,
        }

    def _executor(self):
        o = self.opts
        if o.executor == "local":
            return LocalExecutor(
                self.jobs_n, preload=env_preload(), recycle_after=o.recycle_after, kernel_cwd=str(self.notebook_dir)
            )

        return DaskExecutor(o.executor, self.jobs_n, recycle_after=o.recycle_after)

    # -- main
    def run(self) -> BuildResult:
        todo = self.prepare()
        self.progress = progress = make_progress(self.opts.progress)
        progress.start(
            len(self._planned),
            len(self._planned) - len(todo) - self.no_data,
            f"Smart City Index {self.year}",
            no_data=self.no_data,
        )
        interrupted = False
        try:
            if todo:
                self._execute(todo)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            progress.stop()
        return self.finish(interrupted)

    def prepare(self) -> list[Job]:
        """Plan, carry over what is kept, and return the jobs that are not up to date."""
        jobs = self._planned = self.plan()
        yd = self.year_dir
        log.debug(
            "notebooks from %s, data %s, output to %s, %d worker(s), executor %s",
            self.notebook_dir,
            self.info.source if self.info else "?",
            yd,
            self.jobs_n,
            self.opts.executor,
        )
        yd.mkdir(parents=True, exist_ok=True)
        # the default language's tree contains the others (<year>/en/): leave their files to their own builds
        remove_stale_temp_files(
            yd, skip=() if self.opts.lang != DEFAULT_LANG else tuple(lang for lang in LANGS if lang != DEFAULT_LANG)
        )
        prev_manifest = manifest.load(yd)
        self.prev = manifest.entries_by_id(prev_manifest)
        # keep entries of reports not planned this time (e.g. other cities), if their files still exist
        planned = {j.id for j in jobs}
        for eid, e in self.prev.items():
            if eid not in planned and all((yd / r["path"]).exists() for r in (e.get("outputs") or {}).values()):
                status = e.get("status")
                if status in ("built", "up_to_date") or (status == "skipped" and e.get("outputs")):
                    status = "up_to_date"  # (a "skipped" with outputs is an up-to-date entry of schema 1)
                self.entries[eid] = dict(e, carried_over=True, duration=0.0, status=status)
        todo: list[Job] = []
        no_data = 0
        for job in jobs:
            self._jobs[job.id] = job
            prev = self.prev.get(job.id)
            if job.skip_reason:
                for fmt in FORMATS:  # a report of earlier data would contradict this data
                    unlink_quiet(yd / f"{job.id}.{fmt}")
                self.entries[job.id] = self._entry(job, "skipped", reason=job.skip_reason, reason_code=job.skip_code)
                no_data += 1
            elif not self.opts.force and is_up_to_date(job, prev, yd):
                prev.pop("carried_over", None)
                self.entries[job.id] = dict(
                    prev,
                    status="up_to_date",
                    duration=0.0,
                    build_duration=prev.get("build_duration", prev.get("duration")),
                )
            else:
                todo.append(job)
        self.no_data = no_data
        return todo

    def finish(self, interrupted: bool, portal: bool = True) -> BuildResult:
        """Bundles, manifest, status page and portal; the summary and the exit code."""
        jobs, yd = self._planned, self.year_dir
        old_handler = signal.signal(signal.SIGINT, signal.SIG_IGN) if interrupted else None
        try:
            if not interrupted and self.opts.bundle:
                self._bundles(jobs)
            self.write_manifest(final=not interrupted)
            write_index(yd, self._index_manifest(), lang=self.opts.lang)
            if portal:
                self._write_portal()
        finally:
            if old_handler is not None:
                signal.signal(signal.SIGINT, old_handler)
        entries = [self.entries[j.id] for j in jobs if j.id in self.entries]
        summary = manifest.summarise(entries)
        summary["interrupted"] = interrupted
        self._report(entries, summary, interrupted)
        if interrupted:
            code = EXIT_INTERRUPTED
        elif summary["failed"] or summary["timeout"]:
            code = EXIT_FAILED
        else:
            code = EXIT_OK
        return BuildResult(code, self.year, yd, entries, summary, time.monotonic() - self.t0)

    def record(self, job: Job, res: dict) -> dict:
        """Write one finished report's outputs and its manifest entry (and the manifest now and then)."""
        entry = self._record_result(job, res)
        self.entries[job.id] = entry
        err = entry.get("error") or {}
        note = f"{err.get('ename')}: {err.get('message')}".strip() if err else ""
        self.progress.finished(self._progress_id(job), entry["status"], entry.get("duration"), note[:160])
        if time.monotonic() - self._last_manifest > 1.0:  # resumable after a crash, cheap
            self.write_manifest()
        return entry

    def _progress_id(self, job: Job) -> str:
        return self.progress_prefix + job.id

    def _write_portal(self) -> None:
        """The readers' pages (smartcity/runner/portal.py), rewritten for every tree under ``out``."""
        write_site(self.out, self.info, self.publisher)

    def _index_manifest(self) -> dict:
        return json.loads((self.year_dir / manifest.MANIFEST_NAME).read_text(encoding="utf-8"))

    def _data_payload(self) -> dict | None:
        """For remote executors: the data directory (and the user's file) as bytes."""
        if self.opts.executor == "local":
            return None
        files = {}
        data_dir = Path(paths.DATA_DIR)
        for p in sorted(data_dir.rglob("*")):
            if p.is_file() and not p.name.startswith("."):
                files[f"data/{p.relative_to(data_dir)}"] = p.read_bytes()
        user_files = []
        for i, name in enumerate(self.info.param or []):
            src = Path(name)
            rel = f"user/{i:03d}/{src.name}"  # one folder per file: names may repeat across folders
            files[rel] = src.read_bytes()
            user_files.append(rel)
        digest = fingerprint.digest([self.info.checksum, self.info.catalogue, user_files])
        return {"digest": digest, "files": files, "user_files": user_files}

    def _execute(self, todo: list[Job]) -> None:
        execute([(self, job) for job in todo])

    def _bundles(self, jobs: list[Job]) -> None:
        city_jobs = [
            j
            for j in jobs
            if j.scope == "city" and j.standard and self.entries.get(j.id, {}).get("status") in manifest.AVAILABLE
        ]
        if city_jobs:
            build_bundles(self, city_jobs)

    def _report(self, entries: list[dict], summary: dict, interrupted: bool) -> None:
        p = self.progress
        failures = [e for e in entries if e["status"] in ("failed", "timeout")]
        p.log(
            f"{summary['built']} built, {summary['up_to_date']} up to date, {summary['skipped']} skipped (no data), "
            f"{summary['failed']} failed, {summary['timeout']} timed out in {time.monotonic() - self.t0:.1f} s "
            f"-> {self.year_dir}"
        )
        skipped = [e for e in entries if e["status"] == "skipped"]
        if skipped:
            p.log("Skipped reports (the data holds nothing for them; not an error):")
            for line in _skipped_lines(skipped):
                p.log(f"  {line}")
        if failures:
            p.log("Failed reports:")
            for e in failures:
                err = e.get("error") or {}
                where = f"cell {err.get('cell_index')}" if err.get("cell_index") is not None else err.get("stage", "?")
                if err.get("execution_count"):
                    where += f" (In [{err['execution_count']}])"
                p.log(f"  {e['id']} [{e['status']}] {where}: {err.get('ename')}: {err.get('message')}")
                if e.get("failed_notebook"):
                    p.log(f"    executed notebook: {self.year_dir / e['failed_notebook']}")
        if interrupted:
            p.log("Interrupted: finished reports are kept; run the same command again to continue.")


def _public_error(err: dict | None) -> dict | None:
    if not err:
        return None
    out = {k: err.get(k) for k in ("cell_index", "execution_count", "ename", "message", "stage", "source")}
    tb = err.get("traceback")
    if tb:
        out["traceback"] = tb[-4000:]
    return out


def _skipped_lines(entries: list[dict], listed: int = 6) -> list[str]:
    """Skipped reports grouped by reason: the first few named, the rest counted."""
    groups: dict[str, list[dict]] = {}
    for e in entries:
        groups.setdefault(e.get("reason_code") or e.get("reason") or "", []).append(e)
    lines = []
    for group in groups.values():
        if len(group) == 1:
            lines.append(f"{group[0]['id']}: {group[0].get('reason')}")
            continue
        names = ", ".join(e.get("title") or e["id"] for e in group[:listed])
        more = f" and {len(group) - listed} more" if len(group) > listed else ""
        kind = {"city": "city reports", "category": "category reports"}.get(group[0].get("kind"), "reports")
        reason = {
            "no-city-data": "no figures for the city in the data",
            "no-category-data": "no table of the category in the data",
        }.get(group[0].get("reason_code") or "", group[0].get("reason"))
        lines.append(f"{len(group)} {kind} ({names}{more}): {reason}")
    return lines


def execute(todo: list[tuple[Build, Job]]) -> None:
    """Run the jobs of one or several trees (runner/history.py) through one executor, the first
    build's, and record each result in the build it belongs to."""
    owners: dict[str, tuple[Build, Job]] = {}
    tasks = []
    payloads: dict[int, dict | None] = {}
    for b, job in todo:
        if id(b) not in payloads:
            payloads[id(b)] = b._data_payload()
        task = b._task(job, payloads[id(b)])
        task["id"] = b.progress_prefix + job.id  # unique over all trees
        owners[task["id"]] = (b, job)
        tasks.append(task)
    executor = todo[0][0]._executor()
    try:
        for res in executor.run(tasks):
            b, job = owners[res["id"]]
            b.record(job, dict(res, id=job.id))
    finally:
        close = getattr(executor, "close", None)
        if close:
            close()


def _data_note(job: Job, info: DataInfo | None) -> str:
    from smartcity.render.meta import data_note  # noqa: PLC0415 - babel and lxml, only when a report is built

    if info is None or info.is_sample:
        return data_note(job.year, job.lang)
    return data_note(job.year, job.lang, info.files or info.source, sum(info.history_counts.values()))


def _sort_key(e: dict):
    order = {"edition": 0, "category": 1, "city": 2}
    return (order.get(e.get("kind"), 3), not e.get("standard", True), e.get("id", ""))


def plan_notebook(
    path: str | Path,
    *,
    year: int | None = None,
    data: str | list[str] | None = None,
    lang: str = "de",
    cities: list[str] | None = None,
    categories: list[str] | None = None,
    formats: tuple[str, ...] = FORMATS,
    out: Path | None = None,
    notebook_dir: Path | None = None,
    peers: list[str] | None = None,
) -> list[Job]:
    """Plan the reports of one explicit notebook (any path, templates included) through the discovery
    mechanism, exactly as ``--notebook PATH`` does; nothing is executed."""
    opts = Options(
        year=year,
        data=[data] if isinstance(data, (str, Path)) else data,
        lang=lang,
        cities=list(cities or []),
        categories=list(categories or []),
        notebooks=[str(path)],
        formats=tuple(formats),
        out=out,
        notebook_dir=notebook_dir,
        peers=list(peers) if peers is not None else None,
    )
    return Build(opts).plan()
