"""Local executor: a pool of worker processes, each with one warm kernel.

The parent hands out one task at a time per worker over a pipe, watches every task's wall time and
kills a worker (and its kernel) that overruns its timeout by more than a grace period.  Workers ignore
SIGINT; on Ctrl-C the parent kills kernels and workers itself, so no half-finished report survives.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Iterable, Iterator

from smartcity.runner.worker import WorkerRuntime, error_record, failed_result

log = logging.getLogger("smartcity.runner")

#: extra time a worker gets beyond the report timeout (rendering, kernel kill) before it is killed
GRACE_SECONDS = 60.0


def _worker_main(conn, config: dict) -> None:
    """Entry point of a worker process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop

    def _term(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _term)

    runtime = WorkerRuntime(
        preload=config.get("preload"),
        recycle_after=config.get("recycle_after", 50),
        kernel_cwd=config.get("kernel_cwd"),
    )
    try:
        try:
            runtime.start_kernel()
            conn.send(("ready", os.getpid(), runtime.kernel_pid))
        except Exception as exc:  # noqa: BLE001 - the first task will try again and report the error
            conn.send(("ready", os.getpid(), None))
            log.warning("worker %s: kernel start failed: %s", os.getpid(), exc)
        while True:
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                break
            if msg[0] == "stop":
                break
            task = msg[1]
            result = runtime.run(task)
            conn.send(("result", result))
            try:
                runtime.maintain()
            except Exception as exc:  # noqa: BLE001 - logged; the next task restarts the kernel
                log.warning("worker %s: kernel restart failed: %s", os.getpid(), exc)
            conn.send(("kernel", runtime.kernel_pid))
    except (SystemExit, KeyboardInterrupt, BrokenPipeError):
        pass
    finally:
        runtime.close()


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    kernel_pid: int | None = None
    task: dict | None = None
    started: float = 0.0


class LocalExecutor:
    """Run tasks on ``jobs`` local worker processes; yields results as they complete."""

    name = "local"

    def __init__(
        self,
        jobs: int,
        preload: tuple[str, ...] | None = None,
        recycle_after: int = 50,
        kernel_cwd: str | None = None,
        grace: float = GRACE_SECONDS,
    ):
        self.jobs = max(1, int(jobs))
        self.config = {"preload": preload, "recycle_after": recycle_after, "kernel_cwd": kernel_cwd}
        self.grace = grace
        self._ctx = mp.get_context("spawn")
        self._workers: list[_Worker] = []

    # ------------------------------------------------------------------ process management
    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker_main, args=(child, self.config), daemon=True, name="smartcity-worker")
        proc.start()
        child.close()
        w = _Worker(process=proc, conn=parent)
        self._workers.append(w)
        return w

    @staticmethod
    def _kill_pid(pid: int | None) -> None:
        if not pid:
            return
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def _kill(self, w: _Worker) -> None:
        self._kill_pid(w.kernel_pid)
        try:
            w.process.kill()
        except Exception:  # noqa: BLE001 - best-effort cleanup
            pass
        w.process.join(timeout=5)
        self._forget(w)

    def _forget(self, w: _Worker) -> None:
        """Close the connection to a stopped worker and drop it from the pool."""
        try:
            w.conn.close()
        except Exception:  # noqa: BLE001 - best-effort cleanup
            pass
        if w in self._workers:
            self._workers.remove(w)

    def shutdown(self, force: bool = False) -> None:
        """Stop all workers; ``force`` kills kernels and workers at once (Ctrl-C)."""
        workers = list(self._workers)
        if force:
            for w in workers:
                self._kill(w)
            return
        for w in workers:
            try:
                w.conn.send(("stop",))
            except Exception:  # noqa: BLE001 - best-effort cleanup
                pass
        deadline = time.monotonic() + 15
        for w in workers:
            w.process.join(timeout=max(0.1, deadline - time.monotonic()))
            if w.process.is_alive():
                self._kill(w)
            else:
                self._kill_pid(w.kernel_pid)  # a kernel left behind by a worker that exited
                self._forget(w)

    # ------------------------------------------------------------------ scheduling
    def run(self, tasks: Iterable[dict]) -> Iterator[dict]:
        queue = deque(tasks)
        if not queue:
            return
        for _ in range(min(self.jobs, len(queue))):
            self._spawn()
        try:
            while queue or any(w.task for w in self._workers):
                # hand out work
                for w in list(self._workers):
                    if w.task is None and queue:
                        task = queue.popleft()
                        try:
                            w.conn.send(("task", task))
                        except (BrokenPipeError, OSError):
                            queue.appendleft(task)
                            self._kill(w)
                            self._spawn()
                            continue
                        w.task, w.started = task, time.monotonic()
                # wait for messages or dead workers
                handles: dict[Any, _Worker] = {}
                for w in self._workers:
                    handles[w.conn] = w
                    handles[w.process.sentinel] = w
                ready = wait(list(handles), timeout=0.5)
                dead: set = set()
                for h in ready:
                    w = handles[h]
                    if h is w.conn:
                        try:
                            while w.conn.poll():
                                msg = w.conn.recv()
                                res = self._handle(w, msg)
                                if res is not None:
                                    yield res
                        except (EOFError, OSError):
                            dead.add(id(w))
                    else:
                        dead.add(id(w))
                for w in list(self._workers):
                    if id(w) not in dead:
                        continue
                    try:  # a result sent just before the process ended is still in the pipe
                        while w.conn.poll():
                            res = self._handle(w, w.conn.recv())
                            if res is not None:
                                yield res
                    except (EOFError, OSError):
                        pass
                    w.process.join(timeout=1)
                    if w.process.is_alive() and w.task is None:
                        continue
                    task, code = w.task, w.process.exitcode
                    self._kill(w)
                    if task is not None:
                        yield _lost(task, f"the worker process died (exit code {code}); its kernel was killed")
                    if queue or any(x.task for x in self._workers):
                        self._spawn()
                # enforce timeouts (the kernel-side timeout should fire first)
                now = time.monotonic()
                for w in list(self._workers):
                    t = w.task
                    if t is not None and t.get("timeout") and now - w.started > t["timeout"] + self.grace:
                        self._kill(w)
                        yield _lost(
                            t,
                            f"no result {t['timeout'] + self.grace:.0f} s after the start; worker and kernel killed",
                            status="timeout",
                        )
                        if queue:
                            self._spawn()
        except BaseException:
            self.shutdown(force=True)
            raise
        self.shutdown()

    def _handle(self, w: _Worker, msg) -> dict | None:
        kind = msg[0]
        if kind == "ready":
            w.kernel_pid = msg[2]
        elif kind == "kernel":
            w.kernel_pid = msg[1]
        elif kind == "result":
            w.task = None
            return msg[1]
        return None


def _lost(task: dict, message: str, status: str = "failed") -> dict:
    ename = "WorkerLost" if status == "failed" else "Timeout"
    return failed_result(task["id"], error_record(ename, message, "execute"), status)
