"""Several editions and languages in one run: ``--year all --lang de,en`` (the whole history).

Each (edition, language) tree is planned and recorded by its own :class:`~smartcity.runner.build.Build`
exactly as a single build would be (own manifest, status page, incremental cache), but all reports
that are not up to date go through ONE executor: the workers and their warm kernels serve every
tree, so the cost per report stays flat from one edition to seven. The portal is written once at
the end, over all trees.
"""

from __future__ import annotations

import dataclasses
import time

from smartcity.runner.datainfo import DataError, load_info
from smartcity.runner.planning import Job
from smartcity.runner.progress import make_progress
from smartcity.runner.build import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    Build,
    BuildResult,
    Options,
    UsageError,
    check_formats,
    execute,
)


@dataclasses.dataclass
class HistoryResult:
    exit_code: int
    results: list[BuildResult]
    duration: float

    @property
    def summary(self) -> dict:
        out: dict = {}
        for r in self.results:
            for k, v in r.summary.items():
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    out[k] = out.get(k, 0) + v
        return out

    @property
    def entries(self) -> list[dict]:
        """The manifest entries of every tree, in build order."""
        return [e for r in self.results for e in r.entries]


class HistoryBuild:
    """Build every (year, lang) of ``years`` x ``langs``; ``years=[]`` means every edition in the data,
    ``years=None`` the latest one."""

    def __init__(self, opts: Options, years: list[int] | None, langs: list[str]):
        self.opts = opts
        self.years = years
        self.langs = langs
        self.t0 = time.monotonic()

    def _builds(self) -> list[Build]:
        check_formats(self.opts.formats)  # before the data is loaded: a typo fails at once, as in a single build
        probe = Build(dataclasses.replace(self.opts, year=None, lang=self.langs[0]))
        try:
            info = load_info(self.opts.data, probe.out / ".cache")
        except DataError as exc:
            raise UsageError(str(exc)) from None
        years = [info.latest_year] if self.years is None else (self.years or info.years)
        missing = [y for y in years if y not in info.years]
        if missing:
            raise UsageError(
                f"no data for {', '.join(map(str, missing))}; editions in the data: {', '.join(map(str, info.years))}"
            )
        return [Build(dataclasses.replace(self.opts, year=y, lang=lang)) for y in years for lang in self.langs]

    def run(self) -> HistoryResult:
        builds = self._builds()
        todo: list[tuple[Build, Job]] = []
        total = no_data = 0
        for b in builds:
            jobs = b.prepare()
            b.progress_prefix = f"{b.year}/{b.opts.lang}/"
            total += len(b._planned)
            no_data += b.no_data
            todo.extend((b, job) for job in jobs)
        progress = make_progress(self.opts.progress)
        for b in builds:
            b.progress = progress
        years = sorted({b.year for b in builds})
        label = f"Smart City Index {years[0]}–{years[-1]}" if len(years) > 1 else f"Smart City Index {years[0]}"
        progress.start(total, total - len(todo) - no_data, label, no_data=no_data)
        interrupted = False
        try:
            if todo:
                execute(todo)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            progress.stop()
        results = [b.finish(interrupted, portal=False) for b in builds]
        if builds:
            builds[-1]._write_portal()
        if interrupted:
            code = EXIT_INTERRUPTED
        elif any(r.exit_code == EXIT_FAILED for r in results):
            code = EXIT_FAILED
        else:
            code = EXIT_OK
        return HistoryResult(code, results, time.monotonic() - self.t0)
