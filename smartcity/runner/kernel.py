"""Warm kernels: run many parameterised notebooks, papermill-style, on one long-lived IPython kernel.

Parameters are injected with :func:`papermill.parameterize.parameterize_notebook` and the notebook is
executed by papermill's own :class:`~papermill.clientwrap.PapermillNotebookClient` under papermill's
:class:`~papermill.engines.NotebookExecutionManager`, so the executed notebook (injected-parameters
cell, ``metadata.papermill``, per-cell timing/status, error markers) is what ``papermill`` writes.
The only difference is that the kernel is started once, warmed up (pandas, matplotlib, seaborn and
smartcity imported) and reset between reports by :mod:`smartcity.runner._kernel_state`.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass

import nbformat
from jupyter_client import KernelClient, KernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from papermill import __version__ as papermill_version
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NotebookExecutionManager
from papermill.exceptions import PapermillExecutionError
from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
from papermill.parameterize import parameterize_notebook

log = logging.getLogger("smartcity.runner.kernel")
log.addHandler(logging.NullHandler())  # nbclient's "kernel died"/"timeout" messages: we report those ourselves
log.propagate = False

#: imported by every warm kernel before the first report ("smartcity" = every smartcity module)
DEFAULT_PRELOAD = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot", "seaborn", "smartcity")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class KernelFailure(RuntimeError):
    """The kernel could not be started, warmed up or reset."""


class _DeadlinePassed(Exception):
    pass


@dataclass
class ExecOutcome:
    nb: nbformat.NotebookNode
    status: str  # "ok" | "failed" | "timeout"
    error: dict | None  # cell_index, execution_count, ename, message, traceback, source
    kernel_usable: bool  # False: the kernel must be replaced before the next report
    duration: float


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def prepare_notebook(nb_text: str, parameters: dict, input_path: str = "", kernel_name: str | None = None):
    """Parameterise a notebook exactly like ``papermill.execute_notebook`` does (without executing it)."""
    nb = nbformat.reads(nb_text, as_version=4)
    nb = nbformat.v4.upgrade(nb) or nb
    # what papermill.iorw.load_notebook_node adds
    if not hasattr(nb.metadata, "papermill"):
        nb.metadata["papermill"] = {
            "default_parameters": {},
            "parameters": {},
            "environment_variables": {},
            "version": papermill_version,
        }
    for cell in nb.cells:
        if not hasattr(cell.metadata, "tags"):
            cell.metadata["tags"] = []
        if not hasattr(cell.metadata, "papermill"):
            cell.metadata["papermill"] = {}
    if not nb.metadata.get("kernelspec"):
        nb.metadata["kernelspec"] = {"name": kernel_name or "python3", "language": "python", "display_name": "Python 3"}
    if parameters:
        nb = parameterize_notebook(nb, parameters, report_mode=False, kernel_name=kernel_name)
    nb = prepare_notebook_metadata(nb, input_path, None, report_mode=False)
    return remove_error_markers(nb)


class _Manager(NotebookExecutionManager):
    """papermill's execution manager, remembering which cell is running (for timeouts and dead kernels)."""

    current_index: int | None = None

    def cell_start(self, cell, cell_index=None, **kwargs):
        self.current_index = cell_index
        return super().cell_start(cell, cell_index, **kwargs)


class WarmKernel:
    """One IPython kernel that executes report after report."""

    def __init__(
        self,
        kernel_name: str = "python3",
        cwd: str | None = None,
        env: dict | None = None,
        preload: tuple[str, ...] = DEFAULT_PRELOAD,
        startup_timeout: float = 120,
    ):
        self.kernel_name = kernel_name
        self.cwd = cwd
        self.env = env
        self.preload = tuple(preload)
        self.startup_timeout = startup_timeout
        self.km: KernelManager | None = None  # nbclient's AsyncKernelManager at run time
        self.kc: KernelClient | None = None
        self.reports_run = 0
        self.started = False
        self._dirty = False
        self.gc_every = 10
        self.prelude = ""  # code run before the preload imports

    # ------------------------------------------------------------------ lifecycle
    def launch(self) -> None:
        """Start the kernel process (returns before it is ready; see :meth:`ready`)."""
        client = NotebookClient(
            nbformat.v4.new_notebook(), kernel_name=self.kernel_name, startup_timeout=int(self.startup_timeout)
        )
        self.km = client.create_kernel_manager()
        if os.name == "posix":  # unix sockets: no open TCP ports, no "unencrypted TCP" warning
            self._ipc_dir = tempfile.mkdtemp(prefix="sc-k-")
            self.km.transport = "ipc"
            self.km.ip = os.path.join(self._ipc_dir, "k")
        env = dict(os.environ if self.env is None else self.env)
        env.pop("JPY_PARENT_PID", None)
        kwargs: dict[str, object] = {"env": env}
        if self.cwd:
            kwargs["cwd"] = self.cwd
        run_sync(self.km.start_kernel)(**kwargs)
        self._client = client

    def ready(self) -> None:
        """Wait for the kernel, import the preload modules and take the state snapshot."""
        client = self._client
        try:
            self.kc = client.start_new_kernel_client()
        except Exception as exc:
            raise KernelFailure(f"kernel did not start: {exc}") from exc
        lines = [self.prelude, "import importlib as _il"]
        for mod in self.preload:
            if mod == "smartcity":
                lines.append("from smartcity.runner import _kernel_state as _ks\n_ks.preload_smartcity()")
            else:
                lines.append(f"try:\n    _il.import_module({mod!r})\nexcept ImportError:\n    pass")
        lines.append(
            "if 'matplotlib.pyplot' in __import__('sys').modules:\n"
            "    import matplotlib.pyplot as _plt\n    _plt.figure(); _plt.close('all')"
        )
        lines.append("from smartcity.runner import _kernel_state as _ks\n_ks.snapshot()\n_ks.restore()")
        self.run_silent("\n".join(lines), timeout=self.startup_timeout)
        self.started = True
        self._dirty = False
        self.reports_run = 0

    def start(self) -> None:
        self.launch()
        self.ready()

    @property
    def pid(self) -> int | None:
        try:
            return self.km.provisioner.process.pid  # type: ignore[attr-defined]  # the local provisioner's
        except AttributeError:
            return None

    def alive(self) -> bool:
        try:
            return bool(self.km is not None and run_sync(self.km.is_alive)())  # type: ignore[arg-type]  # async at run time
        except Exception:  # noqa: BLE001 - any failure means not alive
            return False

    def shutdown(self) -> None:
        """Kill the kernel at once (it may be hung) and release its resources."""
        km, kc = self.km, self.kc
        self.km = self.kc = None
        self.started = False
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception:  # noqa: BLE001 - best-effort cleanup
                pass
        if km is not None:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - shutdown failed: kill the process
                pid = getattr(getattr(km, "provisioner", None), "process", None)
                if pid is not None:
                    try:
                        os.kill(pid.pid, 9)
                    except OSError:
                        pass
            try:
                run_sync(km.cleanup_resources)()
            except Exception:  # noqa: BLE001 - best-effort cleanup
                pass
        ipc_dir = getattr(self, "_ipc_dir", None)
        if ipc_dir:
            shutil.rmtree(ipc_dir, ignore_errors=True)

    # ------------------------------------------------------------------ execution
    def run_silent(self, code: str, timeout: float = 60) -> None:
        """Run housekeeping code (no history entry, outputs discarded); raise :class:`KernelFailure` on error.

        Goes through nbclient like every report cell, so only one reader ever consumes the channels.
        """
        cell = nbformat.v4.new_code_cell(code)
        client = NotebookClient(
            nbformat.v4.new_notebook(cells=[cell]),
            km=self.km,
            kernel_name=self.kernel_name,
            timeout=int(timeout),
            interrupt_on_timeout=False,
            log=log,
        )
        client.kc = self.kc
        try:
            client.execute_cell(cell, 0, store_history=False)
        except Exception as exc:
            if isinstance(exc, CellExecutionError):
                raise KernelFailure(strip_ansi(str(exc))) from exc
            raise KernelFailure(f"kernel did not answer: {exc!r}") from exc

    def reset(self) -> None:
        """Bring the kernel back to its post-warm-up state (see :mod:`smartcity.runner._kernel_state`)."""
        if self._dirty:
            full = self.reports_run % self.gc_every == 0
            self.run_silent(
                f"from smartcity.runner import _kernel_state as _ks\n_ks.restore(full_gc={full})", timeout=60
            )
            self._dirty = False

    def execute(self, nb: nbformat.NotebookNode, timeout: float | None = None) -> ExecOutcome:
        """Execute a prepared (parameterised) notebook; never raises for notebook errors."""
        if not self.started:
            self.start()
        self.reset()
        self._dirty = True
        self.reports_run += 1
        t0 = time.monotonic()
        deadline = t0 + timeout if timeout else None

        def timeout_func(cell):
            if deadline is None:
                return None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _DeadlinePassed()
            return remaining

        nb_man = _Manager(nb, output_path=None, progress_bar=False, log_output=False, autosave_cell_every=0)
        client = PapermillNotebookClient(
            nb_man,
            km=self.km,
            kernel_name=self.kernel_name,
            log=log,
            timeout_func=timeout_func,
            interrupt_on_timeout=False,
            startup_timeout=int(self.startup_timeout),
        )
        client.kc = self.kc
        status, error, usable = "ok", None, True
        nb_man.notebook_start()
        try:
            client.execute(cleanup_kc=False)
        except (CellTimeoutError, _DeadlinePassed):
            status, usable = "timeout", False
            error = self._mark(nb_man, "Timeout", f"report exceeded the timeout of {timeout:g} s; kernel killed")
        except DeadKernelError:
            status, usable = "failed", False
            error = self._mark(nb_man, "DeadKernelError", "the kernel died while executing this cell")
        except Exception as exc:  # noqa: BLE001 - protocol errors etc.: the kernel state is unknown
            status, usable = "failed", False
            error = self._mark(nb_man, type(exc).__name__, str(exc) or repr(exc))
        finally:
            try:
                nb_man.notebook_complete()
            except Exception:  # noqa: BLE001 - best-effort cleanup
                pass
        nb = nb_man.nb
        try:
            raise_for_execution_errors(nb, None)  # adds papermill's error marker cells
        except PapermillExecutionError as exc:
            if error is None:
                status = "failed"
                error = {
                    "cell_index": exc.cell_index,
                    "execution_count": exc.exec_count,
                    "ename": exc.ename,
                    "message": strip_ansi(str(exc.evalue)),
                    "traceback": strip_ansi("\n".join(exc.traceback or [])),
                    "source": _head(exc.source),
                }
        if usable and not self.alive():
            usable = False
        return ExecOutcome(nb=nb, status=status, error=error, kernel_usable=usable, duration=time.monotonic() - t0)

    @staticmethod
    def _mark(nb_man: _Manager, ename: str, message: str) -> dict:
        """Record a failure that produced no error output (timeout, dead kernel) like a cell error."""
        idx = nb_man.current_index
        cells = nb_man.nb.cells
        info = {
            "cell_index": idx,
            "execution_count": None,
            "ename": ename,
            "message": message,
            "traceback": "",
            "source": "",
        }
        if idx is not None and 0 <= idx < len(cells):
            cell = cells[idx]
            info["execution_count"] = cell.get("execution_count")
            info["source"] = _head(cell.get("source", ""))
            if cell.get("cell_type") == "code":
                cell.setdefault("outputs", []).append(
                    nbformat.v4.new_output("error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])
                )
            try:
                nb_man.cell_exception(cell, cell_index=idx)
            except Exception:  # noqa: BLE001 - best-effort cleanup
                pass
        return info


def _head(source, n: int = 3) -> str:
    text = "".join(source) if isinstance(source, list) else str(source or "")
    lines = text.strip().splitlines()
    return "\n".join(lines[:n]) + (" …" if len(lines) > n else "")
