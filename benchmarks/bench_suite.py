#!/usr/bin/env python3
"""Benchmark: the batch runner against a naive papermill -> nbconvert -> weasyprint loop.

    python benchmarks/bench_suite.py                 # full runner build + naive baseline on 6 reports
    python benchmarks/bench_suite.py --sample 0      # naive baseline on every report (slow!)
    python benchmarks/bench_suite.py --jobs 2 --year 2025 --json bench.json

Measured in one run, on the same notebooks and data:

1. runner, full build of one edition (``run_reports.py --force``): wall time and peak memory of the
   whole process tree (runner, workers, kernels; sampled with psutil);
2. runner, no-change rerun (everything up to date): wall time;
3. naive baseline, per report, one after another: the ``papermill`` CLI, then
   ``jupyter nbconvert --to html``, then the ``weasyprint`` CLI.  With ``--sample N`` only N reports
   (spread over all kinds) are run and the total is extrapolated from their mean; the output says so.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


class TreeMemory(threading.Thread):
    """Samples the summed RSS of a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_total = 0
        self.peak_single = 0
        self.max_processes = 0
        self._halt = threading.Event()

    def run(self):
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._halt.is_set():
            try:
                procs = [root] + root.children(recursive=True)
            except psutil.Error:
                break
            total = 0
            for p in procs:
                try:
                    rss = p.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                self.peak_single = max(self.peak_single, rss)
            self.peak_total = max(self.peak_total, total)
            self.max_processes = max(self.max_processes, len(procs))
            self._halt.wait(self.interval)

    def stop(self):
        self._halt.set()
        self.join(timeout=2)


def _children_cpu() -> float:
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_measured(cmd: list[str], env: dict | None = None) -> dict:
    """Wall time, CPU time of the whole (waited-for) process tree, and peak memory."""
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    mem = TreeMemory(proc.pid)
    mem.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - t0
    mem.stop()
    return {
        "wall": wall,
        "cpu": _children_cpu() - cpu0,
        "returncode": proc.returncode,
        "output": out,
        "peak_total": mem.peak_total,
        "peak_single": mem.peak_single,
        "processes": mem.max_processes,
    }


def runner_cmd(args, out: Path, force: bool) -> list[str]:
    cmd = [sys.executable, str(ROOT / "run_reports.py"), "--out", str(out), "--progress", "plain"]
    if args.jobs:
        cmd += ["--jobs", str(args.jobs)]
    if args.year:
        cmd += ["--year", str(args.year)]
    if args.notebook_dir:
        cmd += ["--notebook-dir", str(args.notebook_dir)]
    if force:
        cmd.append("--force")
    return cmd


def pick_sample(reports: list[dict], n: int) -> list[dict]:
    """n reports spread evenly over the list, with every kind represented."""
    if n <= 0 or n >= len(reports):
        return list(reports)
    chosen = []
    for kind in ("edition", "category", "city"):
        first = next((r for r in reports if r["kind"] == kind), None)
        if first is not None and len(chosen) < n:
            chosen.append(first)
    rest = [r for r in reports if r not in chosen]
    step = len(rest) / max(1, n - len(chosen))
    chosen += [rest[int(i * step)] for i in range(n - len(chosen))]
    return chosen


def naive_one(report: dict, nb_path: Path, work: Path) -> dict:
    """papermill CLI, nbconvert CLI, weasyprint CLI, one after another."""
    name = report["id"].replace("/", "__")
    executed = work / f"{name}.ipynb"
    html = work / f"{name}.html"
    pdf = work / f"{name}.pdf"
    steps = [
        [
            str(BIN / "papermill"),
            str(nb_path),
            str(executed),
            "-y",
            json.dumps(report["parameters"]),
            "--no-progress-bar",
            "-k",
            "python3",
        ],
        [
            str(BIN / "jupyter"),
            "nbconvert",
            "--to",
            "html",
            str(executed),
            "--output",
            html.name,
            "--output-dir",
            str(work),
        ],
        [str(BIN / "weasyprint"), str(html), str(pdf)],
    ]
    times = []
    cpu0 = _children_cpu()
    for cmd in steps:
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:3])} failed:\n{proc.stderr[-2000:]}")
    return {
        "id": report["id"],
        "papermill": times[0],
        "nbconvert": times[1],
        "weasyprint": times[2],
        "total": sum(times),
        "cpu": _children_cpu() - cpu0,
    }


def mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=None, help="runner --jobs (default: number of cores)")
    ap.add_argument("--year", type=int, default=None, help="edition (default: latest)")
    ap.add_argument(
        "--sample",
        type=int,
        default=6,
        help="naive baseline on N reports and extrapolate (default 6; 0 = every report)",
    )
    ap.add_argument("--skip-baseline", action="store_true", help="only measure the runner")
    ap.add_argument("--notebook-dir", type=Path, default=None, help="notebooks to use (default: notebooks/)")
    ap.add_argument("--out", type=Path, default=None, help="where to build (default: a temporary directory)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="smartcity-bench-"))
    out = args.out or tmp / "reports"
    jobs = args.jobs or os.cpu_count()
    print(f"smartcity benchmark: {os.cpu_count()} cores, runner --jobs {jobs}, output {out}")
    load = os.getloadavg()[0]
    if load > 0.5:
        print(
            f"note: load average {load:.1f} before the start; other work on this machine distorts wall times "
            "(CPU times are printed too)"
        )
    results: dict = {"cores": os.cpu_count(), "jobs": jobs}
    try:
        # 1. runner, full build
        full = run_measured(runner_cmd(args, out, force=True))
        if full["returncode"] not in (0, 1):
            print(full["output"][-3000:])
            raise SystemExit("runner failed")
        manifest_path = sorted(out.glob("*/manifest.json"))[-1]
        manifest = json.loads(manifest_path.read_text())
        reports = [r for r in manifest["reports"] if not r.get("carried_over")]
        n = len(reports)
        built = sum(r["status"] == "built" for r in reports)
        print(
            f"\nrunner, full build: {n} reports ({built} built, "
            f"{sum(r['status'] in ('failed', 'timeout') for r in reports)} failed) in {full['wall']:.1f} s "
            f"= {full['wall'] / max(1, n):.2f} s per report"
        )
        print(f"  CPU time of the process tree: {full['cpu']:.1f} s = {full['cpu'] / max(1, n):.2f} s per report")
        timings = [r.get("timings") or {} for r in reports if r["status"] == "built"]
        if timings:
            parts = {k: sum(t.get(k, 0) for t in timings) / len(timings) for k in ("execute", "html", "pdf", "total")}
            print("  mean per report inside a worker: " + ", ".join(f"{k} {v:.2f} s" for k, v in parts.items()))
        print(
            f"  peak memory, whole process tree: {mb(full['peak_total'])} "
            f"(largest single process {mb(full['peak_single'])}, up to {full['processes']} processes)"
        )
        results["runner"] = {
            "reports": n,
            "wall": full["wall"],
            "cpu": full["cpu"],
            "peak_total_bytes": full["peak_total"],
            "peak_single_bytes": full["peak_single"],
        }
        # 2. no-change rerun
        rerun = run_measured(runner_cmd(args, out, force=False))
        print(f"runner, no-change rerun: {rerun['wall']:.2f} s (exit {rerun['returncode']})")
        results["rerun"] = {"wall": rerun["wall"]}
        # 3. naive baseline
        if not args.skip_baseline:
            sample = pick_sample(reports, args.sample)
            work = tmp / "naive"
            work.mkdir()
            nb_dir = args.notebook_dir or ROOT / "notebooks"
            runs = []
            t0 = time.perf_counter()
            for r in sample:
                nb_path = nb_dir / r["notebook"]
                res = naive_one(r, nb_path, work)
                runs.append(res)
                print(
                    f"  naive {r['id']:<40} papermill {res['papermill']:5.1f} s  nbconvert "
                    f"{res['nbconvert']:4.1f} s  weasyprint {res['weasyprint']:4.1f} s"
                )
            measured = time.perf_counter() - t0
            mean = measured / len(runs)
            total = mean * n
            cpu_mean = sum(r["cpu"] for r in runs) / len(runs)
            extrapolated = len(runs) < n
            label = (
                f"measured on {len(runs)} of {n} reports ({measured:.1f} s), extrapolated"
                if extrapolated
                else "measured on every report"
            )
            print(f"\nnaive baseline: {total:.1f} s for {n} reports ({mean:.2f} s per report; {label})")
            ratio = total / full["wall"]
            cpu_ratio = cpu_mean * n / max(full["cpu"], 1e-9)
            print(f"  naive CPU time: {cpu_mean:.2f} s per report, {cpu_mean * n:.1f} s for {n} reports")
            print(f"speed-up runner vs naive: {ratio:.1f}x wall clock, {cpu_ratio:.1f}x CPU time")
            results["naive"] = {
                "per_report": mean,
                "total": total,
                "cpu_per_report": cpu_mean,
                "sample": len(runs),
                "extrapolated": extrapolated,
                "runs": runs,
            }
            results["speedup"] = ratio
            results["cpu_speedup"] = cpu_ratio
        print("\nsummary")
        print(f"  runner full build   {full['wall']:8.1f} s   ({n} reports, --jobs {jobs})")
        if "naive" in results:
            print(
                f"  naive baseline      {results['naive']['total']:8.1f} s   "
                f"({'extrapolated from ' + str(results['naive']['sample']) + ' reports' if results['naive']['extrapolated'] else 'all reports'})"
            )
            print(
                f"  ratio               {results['speedup']:8.1f} x   wall clock "
                f"({results['cpu_speedup']:.1f} x in CPU time)"
            )
        print(f"  peak memory         {mb(full['peak_total']):>10}   (runner + workers + kernels)")
        print(f"  no-change rerun     {rerun['wall']:8.2f} s")
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
    finally:
        if args.out is None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
