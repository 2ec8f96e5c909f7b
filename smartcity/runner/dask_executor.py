"""Dask executor: the same tasks on a ``dask.distributed`` cluster (``--executor dask`` or ``tcp://HOST:PORT``).

Workers never touch the client's file system: each task carries the notebook JSON, the parameters
and the report metadata; the data directory (and a user's data file) is scattered once to every
worker as bytes.  A worker executes the notebook on its own warm kernel (one per worker thread,
kept between tasks) and returns the rendered HTML/PDF bytes; the client writes the files.
"""

from __future__ import annotations

import atexit
import logging
import threading
import uuid
from typing import Iterable, Iterator

from smartcity.runner.worker import WorkerRuntime, error_record, failed_result

log = logging.getLogger("smartcity.runner")

_local = threading.local()
_runtimes: list = []


def _runtime(recycle_after: int):
    rt = getattr(_local, "runtime", None)
    if rt is None:
        rt = WorkerRuntime(recycle_after=recycle_after)
        _local.runtime = rt
        _runtimes.append(rt)
    return rt


@atexit.register
def _close_runtimes() -> None:  # pragma: no cover - runs at worker exit
    for rt in _runtimes:
        try:
            rt.close()
        except Exception:  # noqa: BLE001 - best-effort cleanup
            pass


def run_report_task(task: dict, data: dict | None, recycle_after: int = 50) -> dict:
    """Executed on a Dask worker: one report in, rendered bytes out."""
    rt = _runtime(recycle_after)
    try:
        rt.maintain()
    except Exception:  # noqa: BLE001 - whatever failed, the kernel is replaced
        rt.stop_kernel()
    return rt.run(dict(task, data=data))


class DaskExecutor:
    name = "dask"

    def __init__(self, address: str, jobs: int, recycle_after: int = 50):
        from dask.distributed import Client, LocalCluster  # noqa: PLC0415 - start-up: dask, only for --executor dask

        self.recycle_after = recycle_after
        self.cluster = None
        if address == "dask":
            self.cluster = LocalCluster(
                n_workers=max(1, jobs),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self.client = Client(self.cluster)
        else:
            self.client = Client(address, timeout="30s")
        self._futures: list = []

    def run(self, tasks: Iterable[dict]) -> Iterator[dict]:
        from dask.distributed import as_completed  # noqa: PLC0415 - start-up: dask, only for --executor dask

        tasks = list(tasks)
        if not tasks:
            return
        data = tasks[0].get("data")
        data_ref = self.client.scatter(data, broadcast=True, hash=False) if data is not None else None
        by_key = {}
        for task in tasks:
            t = dict(task, data=None)
            key = f"smartcity-report-{task['id']}-{uuid.uuid4().hex[:8]}"
            fut = self.client.submit(run_report_task, t, data_ref, self.recycle_after, key=key, pure=False)
            by_key[fut.key] = task
            self._futures.append(fut)
        for fut in as_completed(self._futures):
            task = by_key[fut.key]
            try:
                res = fut.result()
            except Exception as exc:  # noqa: BLE001 - worker lost, (de)serialisation problems ...
                res = failed_result(task["id"], error_record(type(exc).__name__, str(exc) or repr(exc), "dask"))
            fut.release()
            yield res

    def close(self) -> None:
        try:
            if self._futures:
                self.client.cancel(self._futures, force=True)
        except Exception:  # noqa: BLE001 - best-effort cleanup
            pass
        try:
            self.client.close()
        except Exception:  # noqa: BLE001 - best-effort cleanup
            pass
        if self.cluster is not None:
            try:
                self.cluster.close()
            except Exception:  # noqa: BLE001 - best-effort cleanup
                pass
