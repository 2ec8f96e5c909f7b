"""Progress output: a rich progress bar (counts, ETA) on a terminal, plain log lines otherwise (CI)."""

from __future__ import annotations

import sys
import time


class PlainProgress:
    """One line per finished report, flushed at once; readable in CI logs."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.total = 0
        self.done = 0
        self.t0 = time.monotonic()
        self.counts: dict[str, int] = {}

    def log(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def start(self, total: int, up_to_date: int, label: str, no_data: int = 0) -> None:
        """``up_to_date`` reports need no work; ``no_data`` are skipped because the data holds nothing for them."""
        self.total, self.done = total, up_to_date + no_data
        self.counts = {"up_to_date": up_to_date, "skipped": no_data}
        self.t0 = time.monotonic()
        skipped = f", {no_data} skipped (no data)" if no_data else ""
        self.log(f"{label}: {total} reports, {up_to_date} up to date{skipped}, {total - up_to_date - no_data} to build")

    def finished(self, job_id: str, status: str, seconds: float | None, note: str = "") -> None:
        self.done += 1
        self.counts[status] = self.counts.get(status, 0) + 1
        width = len(str(self.total))
        eta = self._eta()
        extra = f" ({seconds:.1f} s)" if seconds is not None else ""
        self.log(
            f"[{self.done:>{width}}/{self.total}] {status:<7} {job_id}{extra}"
            f"{'  ' + note if note else ''}{'  ETA ' + eta if eta else ''}"
        )

    def _eta(self) -> str:
        built = self.done - self.counts.get("up_to_date", 0) - self.counts.get("skipped", 0)
        left = self.total - self.done
        if built <= 0 or left <= 0:
            return ""
        rate = (time.monotonic() - self.t0) / built
        return _fmt_seconds(rate * left)

    def stop(self) -> None:
        pass


class RichProgress(PlainProgress):
    """rich progress bar with counts of built/failed reports and an ETA."""

    def __init__(self, stream=None):
        super().__init__(stream)
        # rich: only for the progress bar on a terminal, not for CI logs or a no-change rerun
        from rich.console import Console  # noqa: PLC0415
        from rich.progress import (  # noqa: PLC0415
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.console = Console(file=self.stream)
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(
                "[green]{task.fields[built]} built[/] [dim]{task.fields[skipped]} up to date[/] "
                "[red]{task.fields[failed]} failed[/]"
            ),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )
        self.task = None

    def log(self, text: str) -> None:
        self.console.print(text, highlight=False, markup=False)

    def start(self, total: int, up_to_date: int, label: str, no_data: int = 0) -> None:
        self.total, self.done = total, up_to_date + no_data
        self.counts = {"up_to_date": up_to_date, "skipped": no_data}
        self.progress.start()
        self.task = self.progress.add_task(
            label, total=total, completed=self.done, built=0, skipped=up_to_date, failed=0
        )

    def finished(self, job_id: str, status: str, seconds: float | None, note: str = "") -> None:
        self.done += 1
        self.counts[status] = self.counts.get(status, 0) + 1
        failed = self.counts.get("failed", 0) + self.counts.get("timeout", 0)
        self.progress.update(
            self.task,
            advance=1,
            built=self.counts.get("built", 0),
            skipped=self.counts.get("up_to_date", 0),
            failed=failed,
            description=job_id,
        )
        if status in ("failed", "timeout"):
            self.progress.console.print(f"[red]✗ {status}[/] {job_id}  {note}", highlight=False)

    def stop(self) -> None:
        self.progress.stop()


class NoProgress(PlainProgress):
    def log(self, text: str) -> None:
        pass


def make_progress(mode: str = "auto", stream=None) -> PlainProgress:
    stream = stream or sys.stderr
    if mode == "none":
        return NoProgress(stream)
    if mode == "rich" or (mode == "auto" and getattr(stream, "isatty", lambda: False)()):
        return RichProgress(stream)
    return PlainProgress(stream)


def _fmt_seconds(s: float) -> str:
    s = int(round(s))
    return f"{s // 60}:{s % 60:02d}" if s >= 60 else f"{s} s"
