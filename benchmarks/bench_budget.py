#!/usr/bin/env python3
"""Where one report's CPU goes: the warm kernel and the worker, against the Jupyter floor, same run.

One worker of the batch runner (``smartcity.runner.worker.WorkerRuntime``: a warm kernel plus the
renderer) builds city reports of the latest edition, HTML and PDF, one after another, and the
CPU time of the kernel process and of the worker process is read before and after (psutil). The
baseline in the same run is the same notebook with every code cell but the parameters replaced by
``pass``: what papermill-style execution of that many cells costs before a report computes or
draws anything (kernel reset, Jupyter messages, papermill and nbclient bookkeeping, nbconvert).

    python benchmarks/bench_budget.py                 # 10 city reports, the empty notebook 10 times
    python benchmarks/bench_budget.py --reports 20 --json budget.json

On two cores, the wall time per report of a saturated two-worker build is about the sum of the two
CPU columns divided by two: the budget of 0.45 s wall per report (issue 11) is 0.9 s of CPU.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from smartcity.runner.worker import WorkerRuntime  # noqa: E402 - after the path set-up

CITIES = ["Krefeld", "Hamm", "Kiel", "Trier", "Hanau", "Dresden", "Köln", "Bonn", "Münster", "Essen"]


def empty_cells(notebook_text: str) -> str:
    """The notebook with the same cells, each code cell but the parameters reduced to ``pass``."""
    nb = nbformat.reads(notebook_text, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
            cell.source = "pass"
    return nbformat.writes(nb)


def measure(runtime: WorkerRuntime, tasks: list[dict]) -> dict:
    kernel, worker = psutil.Process(runtime.kernel_pid), psutil.Process()

    def cpu(p: psutil.Process) -> float:
        t = p.cpu_times()
        return t.user + t.system

    k0, w0, t0 = cpu(kernel), cpu(worker), time.perf_counter()
    results = [runtime.run(t) for t in tasks]
    n = len(tasks)
    bad = [r["id"] for r in results if r["status"] != "built"]
    if bad:
        raise SystemExit(f"not built: {bad}")
    timings = {k: statistics.median(r["timings"].get(k, 0.0) for r in results) for k in ("execute", "html", "pdf")}
    return {
        "reports": n,
        "wall": (time.perf_counter() - t0) / n,
        "kernel_cpu": (cpu(kernel) - k0) / n,
        "worker_cpu": (cpu(worker) - w0) / n,
        **{f"median_{k}": v for k, v in timings.items()},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=10, help="city reports (and empty notebooks) to measure")
    ap.add_argument("--json", type=Path, help="also write the results to this file")
    args = ap.parse_args()

    text = (ROOT / "notebooks" / "city_report.ipynb").read_text(encoding="utf-8")
    empty = empty_cells(text)
    cities = (CITIES * (args.reports // len(CITIES) + 1))[: args.reports]

    def task(notebook: str, city: str) -> dict:
        return {
            "id": city,
            "notebook": notebook,
            "parameters": {"city": city, "year": 2025, "lang": "de"},
            "meta": {"kind": "city", "title": city, "year": 2025, "is_sample": True},
            "formats": ("html", "pdf"),
        }

    runtime = WorkerRuntime()
    try:
        for city in ("Aachen", "Bochum"):  # warm-up: caches, fonts, WeasyPrint start-up
            runtime.run(task(text, city))
            runtime.run(task(empty, city))
        report = measure(runtime, [task(text, c) for c in cities])
        floor = measure(runtime, [task(empty, c) for c in cities])
    finally:
        runtime.close()

    def row(name: str, r: dict) -> str:
        total = r["kernel_cpu"] + r["worker_cpu"]
        return (
            f"{name:<28} {r['kernel_cpu']:7.3f} {r['worker_cpu']:7.3f} {total:7.3f} {total / 2:9.3f}"
            f" {r['median_execute']:8.3f} {r['median_pdf']:6.3f}"
        )

    print(f"per report, {args.reports} city reports of 2025 on one warm worker (CPU seconds)")
    print(f"{'':<28} {'kernel':>7} {'worker':>7} {'total':>7} {'total/2':>9} {'execute':>8} {'pdf':>6}")
    print(row("city report", report))
    print(row("same cells, all 'pass'", floor))
    r_total = report["kernel_cpu"] + report["worker_cpu"]
    f_total = floor["kernel_cpu"] + floor["worker_cpu"]
    print(
        f"report / empty notebook: {r_total / f_total:.1f}x CPU; the empty notebook is {f_total / 0.9:.0%} of a 0.9 s budget"
    )
    if args.json:
        args.json.write_text(json.dumps({"report": report, "empty_notebook": floor}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
