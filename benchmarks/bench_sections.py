"""CPU time of every report section, per report kind, in one process - before and after.

Runs the code cells of ``notebooks/city_report.ipynb``, ``category_report.ipynb`` and
``overview_report.ipynb`` (exactly as a warm kernel of the batch runner would: one process,
several reports in a row, every displayed object rendered to HTML/Markdown/PNG) for several
cities, all categories and several editions, and prints the median CPU seconds per section and
per report.

Baseline in the same run: a second process runs the same measurement on a copy of the working
tree in which the modules of the performance work (``smartcity/analysis.py``, ``method.py``,
``dataset.py`` by default) are taken from a git revision (``--baseline-ref``, default the last
commit before the work). Everything else (report sections, charts, data) is the current code, so
the ratio isolates what those modules cost. ``--no-baseline`` skips it.

    .venv/bin/python benchmarks/bench_sections.py                   # current vs. baseline
    .venv/bin/python benchmarks/bench_sections.py --cities 8 --no-baseline
    .venv/bin/python benchmarks/bench_sections.py --baseline-ref HEAD~1 --baseline-files smartcity/analysis.py

Times are CPU seconds of the process (``time.process_time``), so a busy machine disturbs them
less than wall-clock times. PDF and HTML rendering of the whole report are not included (see
``bench_suite.py``); the target is ~1 s CPU per report including them (PDF alone ~0.6 s).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BASELINE_REF = "8ab853e"  # last commit before the section performance work
DEFAULT_BASELINE_FILES = ("smartcity/analysis.py", "smartcity/method.py", "smartcity/dataset.py")
CITIES = ["Krefeld", "Bochum", "Cottbus", "München", "Leverkusen", "Hanau", "Dresden", "Kiel", "Trier", "Hamm"]
CATEGORIES = ["Verwaltung", "IT und Kommunikation", "Energie und Umwelt", "Mobilität", "Gesellschaft und Bildung"]
OVERVIEW_YEARS = [2025, 2024, 2023]


# ------------------------------------------------------------------------------------------ worker


def _cells(notebook: Path) -> tuple[dict, str, list[str]]:
    """(parameter defaults, constructor source, section expressions) of a report notebook."""
    import nbformat

    nb = nbformat.read(notebook, 4)
    params: dict = {}
    setup, sections = "", []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        src = cell.source.strip()
        if "parameters" in cell.metadata.get("tags", []):
            exec(src, {}, params)  # noqa: S102 - our own notebook
        elif "Report(" in src:
            lines = src.splitlines()
            setup = "\n".join(lines[:-1])
            sections.append(lines[-1].strip())
        elif src:
            sections.append(src)
    return params, setup, sections


def _display(obj) -> None:
    """Compute what IPython's display formatter would: every rich representation."""
    for name in ("_repr_html_", "_repr_markdown_", "_repr_png_"):
        fn = getattr(obj, name, None)
        if callable(fn):
            fn()
    repr(obj)


def _run_report(notebook: Path, overrides: dict) -> dict[str, float]:
    params, setup, sections = _cells(notebook)
    ns = dict(params)
    ns.update(overrides)
    times: dict[str, float] = {}
    start = time.process_time()
    exec(setup, ns)  # noqa: S102
    times["(init)"] = time.process_time() - start
    for expr in sections:
        start = time.process_time()
        _display(eval(expr, ns))  # noqa: S307
        times[expr] = times.get(expr, 0.0) + time.process_time() - start
    return times


def worker(args) -> dict:
    start = time.process_time()
    import smartcity.report as report

    out: dict = {"import": time.process_time() - start}
    start = time.process_time()
    report.dataset(None)
    out["load_dataset"] = time.process_time() - start
    nbdir = REPO / "notebooks"
    runs = {"city": [], "category": [], "overview": []}
    for city in CITIES[: args.cities]:
        runs["city"].append((city, _run_report(nbdir / "city_report.ipynb", {"city": city, "year": args.year})))
    for cat in CATEGORIES[: args.categories]:
        runs["category"].append(
            (cat, _run_report(nbdir / "category_report.ipynb", {"category": cat, "year": args.year}))
        )
    for year in OVERVIEW_YEARS[: args.overviews]:
        runs["overview"].append((str(year), _run_report(nbdir / "overview_report.ipynb", {"year": year})))
    out["runs"] = runs
    return out


# ------------------------------------------------------------------------------------------ driver


def _baseline_tree(ref: str, files: list[str]) -> Path:
    """Copy of the working tree's package and data with ``files`` taken from git revision ``ref``."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
    for name in ("smartcity", "data", "notebooks"):
        shutil.copytree(REPO / name, tmp / name, ignore=shutil.ignore_patterns("__pycache__"))
    for f in files:
        text = subprocess.run(["git", "show", f"{ref}:{f}"], cwd=REPO, check=True, capture_output=True).stdout
        (tmp / f).write_bytes(text)
    return tmp


def _measure(tree: Path, args) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree), MPLBACKEND="Agg")
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        result = Path(fh.name)
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        str(result),
        "--cities",
        str(args.cities),
        "--categories",
        str(args.categories),
        "--overviews",
        str(args.overviews),
    ]
    if args.year:
        cmd += ["--year", str(args.year)]
    subprocess.run(cmd, env=env, check=True, cwd=tree)
    data = json.loads(result.read_text())
    result.unlink()
    return data


def _medians(data: dict, kind: str) -> tuple[dict[str, float], float, float, float]:
    """Per-section medians over the reports of a kind, the median total, the first report's total
    (cold caches) and the median total of the others (warm)."""
    runs = [t for _, t in data["runs"][kind]]
    sections = list(dict.fromkeys(k for t in runs for k in t))
    med = {s: statistics.median(t.get(s, 0.0) for t in runs) for s in sections}
    totals = [sum(t.values()) for t in runs]
    warm = totals[1:] or totals
    return med, statistics.median(totals), totals[0], statistics.median(warm)


def _fmt(x: float | None) -> str:
    return "     -" if x is None else f"{x:6.3f}"


def report(new: dict, base: dict | None) -> None:
    print(
        f"import {_fmt(new['import'])} s   load_dataset {_fmt(new['load_dataset'])} s"
        + (
            f"   (baseline load_dataset {_fmt(base['load_dataset'])} s, "
            f"x{base['load_dataset'] / max(new['load_dataset'], 1e-9):.1f})"
            if base
            else ""
        )
    )
    for kind in ("city", "category", "overview"):
        if not new["runs"][kind]:
            continue
        names = ", ".join(n for n, _ in new["runs"][kind])
        print(f"\n== {kind} report ({len(new['runs'][kind])} in one process: {names}); CPU seconds, median")
        med, total, cold, warm = _medians(new, kind)
        bmed = btotal = bcold = bwarm = None
        if base:
            bmed, btotal, bcold, bwarm = _medians(base, kind)
        print(f"  {'section':<34} {'before':>6} {'after':>6} {'ratio':>6}")
        for s, v in med.items():
            b = bmed.get(s) if bmed else None
            ratio = f"{b / v:6.1f}" if b is not None and v > 0.0005 else "     -"
            print(f"  {s[:34]:<34} {_fmt(b)} {_fmt(v)} {ratio}")
        for label, b, v in (
            ("TOTAL per report (median)", btotal, total),
            ("first report (cold caches)", bcold, cold),
            ("later reports (warm, median)", bwarm, warm),
        ):
            ratio = f"{b / v:6.1f}" if b is not None and v > 0 else "     -"
            print(f"  {label:<34} {_fmt(b)} {_fmt(v)} {ratio}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cities", type=int, default=6)
    ap.add_argument("--categories", type=int, default=5)
    ap.add_argument("--overviews", type=int, default=3)
    ap.add_argument("--year", type=int, default=None, help="edition for city/category reports (default latest)")
    ap.add_argument("--baseline-ref", default=DEFAULT_BASELINE_REF)
    ap.add_argument("--baseline-files", nargs="+", default=list(DEFAULT_BASELINE_FILES))
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--json", help="also write the raw measurements here")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        Path(args.worker).write_text(json.dumps(worker(args)))
        return 0
    new = _measure(REPO, args)
    base = None
    if not args.no_baseline:
        tree = _baseline_tree(args.baseline_ref, args.baseline_files)
        try:
            base = _measure(tree, args)
        finally:
            shutil.rmtree(tree, ignore_errors=True)
        print(f"baseline: {', '.join(args.baseline_files)} from {args.baseline_ref}; everything else current\n")
    report(new, base)
    if args.json:
        Path(args.json).write_text(json.dumps({"new": new, "baseline": base}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
