"""Worker side of the runner: execute one report on a warm kernel and render it to HTML/PDF bytes.

Used unchanged by the local process pool (:mod:`smartcity.runner.local`) and by Dask workers
(:mod:`smartcity.runner.dask_executor`).  A task is a plain dict (notebook JSON, parameters, report
metadata, optionally the data bytes) and so is the result (rendered bytes, error, timings), so a
worker never needs the client's file system and never writes report files itself.
"""

from __future__ import annotations

import datetime
import os
import shutil
import socket
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smartcity.runner.kernel import WarmKernel


def block_slow_optional_imports() -> None:
    """``jsonschema`` optionally imports ``rfc3987_syntax``, which compiles an Earley grammar at import
    time (1-3 s per process).  nbformat never validates IRI formats, so runner processes do without it."""
    sys.modules.setdefault("rfc3987_syntax", None)


KERNEL_PRELUDE = "import sys as _s\n_s.modules.setdefault('rfc3987_syntax', None)\ndel _s\n"


def env_preload() -> tuple[str, ...] | None:
    """Preload list override: ``SMARTCITY_RUNNER_PRELOAD="numpy,pandas"`` (empty string = nothing)."""
    value = os.environ.get("SMARTCITY_RUNNER_PRELOAD")
    if value is None:
        return None
    return tuple(m.strip() for m in value.split(",") if m.strip())


class WorkerRuntime:
    """One warm kernel plus the renderer, living in one worker process."""

    def __init__(
        self,
        kernel_name: str = "python3",
        preload: tuple[str, ...] | None = None,
        recycle_after: int = 50,
        kernel_cwd: str | None = None,
    ):
        block_slow_optional_imports()
        from smartcity.runner.kernel import DEFAULT_PRELOAD  # noqa: PLC0415 - papermill/nbclient (seconds), after block_slow_optional_imports; the parent never needs them

        self.kernel_name = kernel_name
        if preload is None:
            preload = env_preload()
        self.preload = DEFAULT_PRELOAD if preload is None else tuple(preload)
        self.recycle_after = recycle_after
        self.kernel_cwd = kernel_cwd
        self.kernel: WarmKernel | None = None
        self._kernel_env_key: str | None = None
        self._data_dirs: dict[str, Path] = {}
        self._tmp = Path(tempfile.mkdtemp(prefix="smartcity-worker-"))
        self.reports = 0

    # ------------------------------------------------------------------ kernel management
    def _kernel_env(self, data_dir: Path | None) -> tuple[str, dict]:
        env = dict(os.environ)
        if data_dir is not None:
            env["SMARTCITY_DATA_DIR"] = str(data_dir)
        key = str(data_dir)
        return key, env

    def start_kernel(self, data_dir: Path | None = None, render_warmup: bool = True) -> None:
        from smartcity.runner.kernel import WarmKernel  # noqa: PLC0415 - papermill/nbclient (seconds), after block_slow_optional_imports; the parent never needs them

        key, env = self._kernel_env(data_dir)
        self.stop_kernel()
        self.kernel = WarmKernel(
            kernel_name=self.kernel_name, cwd=self.kernel_cwd or str(self._tmp), env=env, preload=self.preload
        )
        self.kernel.prelude = KERNEL_PRELUDE
        self.kernel.launch()
        if render_warmup:
            self.warm_renderer()  # import nbconvert/WeasyPrint while the kernel starts
        self.kernel.ready()
        self._kernel_env_key = key

    def stop_kernel(self) -> None:
        if self.kernel is not None:
            self.kernel.shutdown()
            self.kernel = None
            self._kernel_env_key = None

    @property
    def kernel_pid(self) -> int | None:
        return self.kernel.pid if self.kernel is not None else None

    def maintain(self) -> None:
        """Replace the kernel after a failure or every ``recycle_after`` reports (called between tasks)."""
        k = self.kernel
        if k is None:
            return
        if not k.started or not k.alive() or k.reports_run >= self.recycle_after:
            data_key = self._kernel_env_key
            data_dir = None if data_key in (None, "None") else Path(data_key)
            self.start_kernel(data_dir, render_warmup=False)

    def close(self) -> None:
        self.stop_kernel()
        shutil.rmtree(self._tmp, ignore_errors=True)

    @staticmethod
    def warm_renderer() -> None:
        import smartcity.render.html  # noqa: PLC0415 - warm-up: nbconvert loads while the kernel starts
        import smartcity.render.pdf  # noqa: F401, PLC0415 - warm-up: WeasyPrint loads while the kernel starts

    # ------------------------------------------------------------------ data shipped by a remote client
    def _materialise(self, data: dict) -> tuple[Path, list[str] | None]:
        """Write shipped data files to a local directory (once per checksum); returns (data dir, data param)."""
        digest = data["digest"]
        root = self._data_dirs.get(digest)
        if root is None:
            root = self._tmp / f"data-{digest[:16]}"
            for rel, content in data["files"].items():
                target = root / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            self._data_dirs[digest] = root
        param = [str(root / rel) for rel in data["user_files"]] if data.get("user_files") else None
        return root / "data", param

    # ------------------------------------------------------------------ one report
    def run(self, task: dict) -> dict:
        t0 = time.monotonic()
        result = {
            "id": task["id"],
            "status": "failed",
            "outputs": {},
            "error": None,
            "notebook": None,
            "timings": {},
            "worker": f"{socket.gethostname()}:{os.getpid()}",
        }
        try:
            self._run(task, result)
        except Exception as exc:  # noqa: BLE001 - anything unexpected in the worker itself
            result["status"] = "failed"
            result["error"] = exception_error(exc, "runner")
            if self.kernel is not None:
                self.kernel.started = False  # unknown state: replace it
        result["timings"]["total"] = round(time.monotonic() - t0, 3)
        self.reports += 1
        return result

    def _run(self, task: dict, result: dict) -> None:
        from smartcity.runner.kernel import prepare_notebook  # noqa: PLC0415 - papermill/nbclient (seconds), after block_slow_optional_imports; the parent never needs them

        params = dict(task["parameters"])
        data_dir = None
        if task.get("data"):
            data_dir, param = self._materialise(task["data"])
            params["data"] = param
        key, _ = self._kernel_env(data_dir)
        if self.kernel is None or not self.kernel.started or key != self._kernel_env_key:
            self.start_kernel(data_dir)
        nb = prepare_notebook(
            task["notebook"], params, input_path=task.get("notebook_path", ""), kernel_name=self.kernel_name
        )
        outcome = self.kernel.execute(nb, timeout=task.get("timeout"))
        result["timings"]["execute"] = round(outcome.duration, 3)
        if not outcome.kernel_usable:
            self.kernel.started = False
        if outcome.status != "ok":
            result["status"] = "timeout" if outcome.status == "timeout" else "failed"
            result["error"] = dict(outcome.error or {}, stage="execute")
            result["notebook"] = _dumps(outcome.nb)
            return
        if task.get("return_notebook"):
            result["notebook"] = _dumps(outcome.nb)
        self._render(task, outcome.nb, result)

    def _render(self, task: dict, nb, result: dict) -> None:
        from smartcity.render import (  # noqa: PLC0415 - nbconvert, WeasyPrint (seconds)
            ReportMeta,
            render_html,
            render_pdf,
            render_summary_pdf,
        )

        meta_kwargs = dict(task["meta"])
        meta_kwargs.setdefault("generated", datetime.date.today())
        meta = ReportMeta(**meta_kwargs)
        stage = "html"
        try:
            t = time.monotonic()
            html = render_html(nb, meta)
            result["timings"]["html"] = round(time.monotonic() - t, 3)
            formats = task.get("formats", ("html", "pdf"))
            if "html" in formats:
                result["outputs"]["html"] = html.encode("utf-8")
            if "pdf" in formats:
                stage = "pdf"
                t = time.monotonic()
                result["outputs"]["pdf"] = render_pdf(html, meta)
                result["timings"]["pdf"] = round(time.monotonic() - t, 3)
            if "summary" in formats:
                stage = "summary"
                t = time.monotonic()
                result["outputs"]["summary"] = render_summary_pdf(html, meta)
                result["timings"]["summary"] = round(time.monotonic() - t, 3)
        except Exception as exc:  # noqa: BLE001 - a rendering failure fails this report only
            result["status"] = "failed"
            result["outputs"] = {}
            result["error"] = exception_error(exc, stage)
            result["notebook"] = _dumps(nb)
            return
        result["status"] = "built"


def error_record(ename: str, message: str, stage: str, tb: str | None = None) -> dict:
    """The manifest's error of a report that failed outside a notebook cell."""
    error = {"cell_index": None, "execution_count": None, "ename": ename, "message": message, "stage": stage}
    if tb is not None:
        error["traceback"] = tb
    return error


def exception_error(exc: BaseException, stage: str) -> dict:
    """`error_record` of the exception being handled, with its traceback."""
    return error_record(type(exc).__name__, str(exc) or repr(exc), stage, traceback.format_exc())


def failed_result(task_id: str, error: dict, status: str = "failed") -> dict:
    """The result of a report whose worker could not deliver one."""
    return {"id": task_id, "status": status, "outputs": {}, "notebook": None, "timings": {}, "error": error}


def _dumps(nb) -> str:
    import nbformat  # noqa: PLC0415 - jsonschema (seconds): the parent imports this module for a no-change rerun

    return nbformat.writes(nb)
