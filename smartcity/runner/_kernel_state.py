"""Runs *inside* a warm kernel: take a snapshot after warm-up, restore it between two reports.

A fresh kernel per report costs about a second of CPU (start-up plus pandas/matplotlib/seaborn
imports).  The runner keeps one kernel per worker instead and calls :func:`restore` before every
report, which brings the kernel back to the state right after warm-up:

* the user namespace is wiped (``%reset -f``; the execution counter restarts at 1, as in a fresh kernel);
* all figures are closed and ``matplotlib.rcParams`` are put back (``rcdefaults()`` + warm-up values);
* module attributes and class attributes of the watched packages that a report rebound,
  added or deleted (monkeypatches) are put back;
* ``os.environ``, the working directory, ``sys.path``, warning filters, pandas options,
  numpy print/error options, IPython display formatters and event callbacks are put back.

Every smartcity module is imported during warm-up (see :func:`preload_smartcity`).  Third-party
modules first imported by a report stay imported (re-importing them would be slow and unsafe) and
are watched from then on.
"""

from __future__ import annotations

import copy
import gc
import os
import sys
import warnings

STDLIB_WATCHED = (
    "json",
    "math",
    "random",
    "datetime",
    "statistics",
    "decimal",
    "re",
    "string",
    "textwrap",
    "locale",
    "csv",
    "io",
    "pathlib",
    "functools",
    "itertools",
    "collections",
    "operator",
    "time",
    "calendar",
    "html",
    "urllib.parse",
)
# packages whose module and class attributes a report could rebind: the preloaded ones and the
# standard library modules above (their top-level packages), plus os and its path module
WATCHED = {
    "smartcity",
    "pandas",
    "numpy",
    "matplotlib",
    "seaborn",
    "scipy",
    "babel",
    "PIL",
    "os",
    "posixpath",
    *(name.partition(".")[0] for name in STDLIB_WATCHED),
}
_SELF = __name__
_MISSING = object()
_snap: dict | None = None


SKIP_PRELOAD = ("smartcity.runner", "smartcity.render", "smartcity.sample", "smartcity.screenshot")


def preload_smartcity() -> list[str]:
    """Import every smartcity module (but the runner and command-line tools); return the failures."""
    import importlib
    import pkgutil

    import smartcity

    failed = []
    for info in pkgutil.walk_packages(smartcity.__path__, "smartcity."):
        name = info.name
        if name.startswith(SKIP_PRELOAD) or name.rpartition(".")[2] == "__main__":
            continue
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module that fails to import is listed, not fatal
            failed.append(name)
    return failed


def _watched_modules():
    for name, mod in list(sys.modules.items()):
        if mod is None or name == _SELF or name.startswith("smartcity.runner"):
            continue
        if name.partition(".")[0] in WATCHED:
            yield name, mod


def _snapshot_module(name, mod, modules, classes):
    try:
        d = vars(mod)
    except TypeError:
        return
    modules[name] = (mod, dict(d))
    for value in list(d.values()):
        if isinstance(value, type) and getattr(value, "__module__", None) == name and id(value) not in classes:
            try:
                classes[id(value)] = (value, dict(vars(value)))
            except TypeError:
                pass


def snapshot() -> None:
    """Remember the current (post warm-up) state."""
    global _snap
    import importlib

    for name in STDLIB_WATCHED:  # cheap; makes sure their pristine state is in the snapshot
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    modules: dict = {}
    classes: dict = {}
    for name, mod in _watched_modules():
        _snapshot_module(name, mod, modules, classes)
    snap = {
        "modules": modules,
        "classes": classes,
        "environ": dict(os.environ),
        "cwd": os.getcwd(),
        "sys_path": list(sys.path),
        "warnings": list(warnings.filters),
        "recursion": sys.getrecursionlimit(),
    }
    if "matplotlib" in sys.modules:
        import matplotlib

        try:  # matplotlib >= 3.11 (matplotlib.style.core is deprecated there)
            from matplotlib.style import _STYLE_BLACKLIST as STYLE_BLACKLIST  # type: ignore[attr-defined]
        except ImportError:  # pragma: no cover - older matplotlib
            from matplotlib.style.core import STYLE_BLACKLIST
        snap["rc"] = {k: v for k, v in matplotlib.rcParams.items() if k not in STYLE_BLACKLIST}
    if "pandas" in sys.modules:
        from pandas._config import config as pdconfig

        snap["pandas_options"] = copy.deepcopy(pdconfig._global_config)
    if "numpy" in sys.modules:
        import numpy

        snap["np_print"] = numpy.get_printoptions()
        snap["np_err"] = numpy.geterr()
    ip = _ip()
    if ip is not None:
        snap["formatters"] = {
            k: (dict(f.type_printers), dict(f.deferred_printers), dict(f.singleton_printers))
            for k, f in ip.display_formatter.formatters.items()
        }
        snap["events"] = {k: list(v) for k, v in ip.events.callbacks.items()}
    _snap = snap


def _ip():
    try:
        from IPython import get_ipython

        return get_ipython()
    except Exception:  # noqa: BLE001 - outside IPython  # pragma: no cover
        return None


def _restore_dict(target_setattr, target_delattr, current: dict, saved: dict) -> int:
    changed = 0
    for k in [k for k in current if k not in saved]:
        try:
            target_delattr(k)
            changed += 1
        except (AttributeError, TypeError):
            pass
    for k, v in saved.items():
        if current.get(k, _MISSING) is not v:
            try:
                target_setattr(k, v)
                changed += 1
            except (AttributeError, TypeError):
                pass
    return changed


def restore(full_gc: bool = False) -> int:
    """Bring the kernel back to the snapshot; returns the number of module/class attributes repaired.

    ``%reset -f`` runs a full garbage collection, which costs ~0.1 s with pandas loaded; it is
    skipped here (objects without cycles are freed at once anyway) unless ``full_gc`` is set,
    which the runner does every few reports.
    """
    if _snap is None:
        raise RuntimeError("no snapshot taken")
    ip = _ip()
    # 1. figures first (closing may call back into user code), then the namespace
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    if ip is not None:
        collect = gc.collect
        gc.collect = lambda *args, **kwargs: 0
        try:
            ip.reset(new_session=True)  # %reset -f; execution_count back to 1
        finally:
            gc.collect = collect
    changed = 0
    modules, classes = _snap["modules"], _snap["classes"]
    # 2. module attributes (monkeypatched functions, rebound globals)
    for name, (mod, saved) in modules.items():
        d = vars(mod)
        if len(d) != len(saved) or any(d.get(k, _MISSING) is not v for k, v in saved.items()):
            changed += _restore_dict(lambda k, v, m=mod: setattr(m, k, v), lambda k, m=mod: delattr(m, k), d, saved)
        if sys.modules.get(name) is not mod:
            sys.modules[name] = mod
    # 3. class attributes (e.g. pandas.DataFrame.foo = ...)
    for cls, saved in classes.values():
        d = vars(cls)
        if len(d) != len(saved) or any(d.get(k, _MISSING) is not v for k, v in saved.items()):
            changed += _restore_dict(lambda k, v, c=cls: setattr(c, k, v), lambda k, c=cls: delattr(c, k), d, saved)
    # 4. modules first imported by the last report: smartcity's own are dropped (re-imported fresh
    #    next time); third-party ones stay and are watched from now on
    for name, mod in list(_watched_modules()):
        if name in modules:
            continue
        if name.partition(".")[0] == "smartcity":
            sys.modules.pop(name, None)
            parent, _, child = name.rpartition(".")
            if parent in sys.modules and getattr(sys.modules[parent], child, None) is mod:
                try:
                    delattr(sys.modules[parent], child)
                except AttributeError:
                    pass
        else:
            _snapshot_module(name, mod, modules, classes)
    # 5. process state
    env = _snap["environ"]
    for k in [k for k in os.environ if k not in env]:
        del os.environ[k]
    for k, v in env.items():
        if os.environ.get(k) != v:
            os.environ[k] = v
    try:
        os.chdir(_snap["cwd"])
    except OSError:
        pass
    sys.path[:] = _snap["sys_path"]
    warnings.filters[:] = _snap["warnings"]  # type: ignore[index]
    if hasattr(warnings, "_filters_mutated"):
        warnings._filters_mutated()
    sys.setrecursionlimit(_snap["recursion"])
    if "rc" in _snap:
        import matplotlib

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            matplotlib.rcdefaults()
            matplotlib.rcParams.update(_snap["rc"])
    if "pandas_options" in _snap:
        from pandas._config import config as pdconfig

        saved = copy.deepcopy(_snap["pandas_options"])
        pdconfig._global_config.clear()
        pdconfig._global_config.update(saved)
    if "np_print" in _snap:
        import numpy

        numpy.set_printoptions(**_snap["np_print"])
        numpy.seterr(**_snap["np_err"])
    if ip is not None and "formatters" in _snap:
        for k, (tp, dp, sp) in _snap["formatters"].items():
            f = ip.display_formatter.formatters.get(k)
            if f is None:
                continue
            for target, saved in ((f.type_printers, tp), (f.deferred_printers, dp), (f.singleton_printers, sp)):
                if target != saved:
                    target.clear()
                    target.update(saved)
        for k, cbs in _snap["events"].items():
            if ip.events.callbacks.get(k) != cbs:
                ip.events.callbacks[k][:] = cbs
    gc.collect() if full_gc else gc.collect(1)
    return changed
