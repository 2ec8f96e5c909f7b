#!/usr/bin/env python3
"""Benchmark: the whole history (every edition x both languages) in one run, against the naive chain.

    python benchmarks/bench_history.py                          # 7 editions x de,en x every report (~1,250; long!)
    python benchmarks/bench_history.py --cities 3 --categories 1   # a documented subset (minutes)
    python benchmarks/bench_history.py --years 2024,2025 --json history.json

Measured in one run, on the same notebooks and data (helpers shared with bench_suite.py):

1. history build (``run_reports.py --year all --lang de,en --force``): wall time, CPU time of the
   process tree and peak memory (runner, workers, kernels), per report;
2. the same selection for ONE edition (the latest): cost per report, to show whether it stays flat
   from one edition to many (ratio printed);
3. no-change rerun of the history: wall time;
4. naive baseline (papermill CLI, nbconvert CLI, WeasyPrint CLI per report) on ``--sample`` reports
   spread over editions and languages, extrapolated to the history's report count.

Targets on the 2-core machine (issue 11): <= 0.45 s wall per report over the whole history, peak
memory under 1.5 GB, no-change rerun under 3 s, cost per report flat from one edition to seven.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_suite import ROOT, mb, naive_one, pick_sample, run_measured


def selection(args) -> list[str]:
    """--city/--category flags of the subset (empty: every report)."""
    if not args.cities and not args.categories:
        return []
    sys.path.insert(0, str(ROOT))
    from smartcity import catalogue
    from smartcity.dataset import load_dataset

    ds = load_dataset()
    common = set.intersection(*({c for c in ds.scores.loc[ds.scores["year"] == y, "city"]} for y in ds.years))
    cities = sorted(common)[:: max(1, len(common) // max(1, args.cities))][: args.cities] if args.cities else []
    flags = [f for c in cities for f in ("--city", c)]
    flags += [f for c in catalogue.CATEGORIES[: args.categories] for f in ("--category", c.name_de)]
    return flags


def build_cmd(args, out: Path, years: str, flags: list[str], force: bool) -> list[str]:
    cmd = [
        sys.executable,
        str(ROOT / "run_reports.py"),
        "--out",
        str(out),
        "--progress",
        "plain",
        "--year",
        years,
        "--lang",
        args.langs,
        *flags,
    ]
    if args.jobs:
        cmd += ["--jobs", str(args.jobs)]
    if force:
        cmd.append("--force")
    return cmd


def reports_of(out: Path) -> list[dict]:
    found = []
    for path in sorted(out.glob("*/manifest.json")) + sorted(out.glob("*/*/manifest.json")):
        m = json.loads(path.read_text())
        for r in m["reports"]:
            if not r.get("carried_over"):
                found.append(dict(r, tree=str(path.parent.relative_to(out))))
    return found


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--years", default="all", help="editions: all (default) or a list, e.g. 2024,2025")
    ap.add_argument("--langs", default="de,en", help="languages (default: de,en)")
    ap.add_argument("--cities", type=int, default=0, help="subset: N cities present in every edition (0 = all reports)")
    ap.add_argument("--categories", type=int, default=0, help="subset: the first N categories too")
    ap.add_argument("--jobs", type=int, default=None, help="runner --jobs (default: number of cores)")
    ap.add_argument("--sample", type=int, default=4, help="naive baseline on N reports (default 4)")
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="smartcity-bench-history-"))
    flags = selection(args)
    jobs = args.jobs or os.cpu_count()
    print(
        f"smartcity history benchmark: {os.cpu_count()} cores, --jobs {jobs}, --year {args.years} --lang {args.langs}"
        + (f", subset {' '.join(flags)}" if flags else ", every report")
    )
    print(f"load average at the start: {os.getloadavg()[0]:.1f} (other work on the machine distorts wall times)")
    results: dict = {"cores": os.cpu_count(), "jobs": jobs, "years": args.years, "langs": args.langs, "subset": flags}
    try:
        out = tmp / "history"
        full = run_measured(build_cmd(args, out, args.years, flags, force=True))
        if full["returncode"] not in (0, 1):
            print(full["output"][-3000:])
            raise SystemExit("runner failed")
        reports = reports_of(out)
        n = len(reports)
        trees = len({r["tree"] for r in reports})
        print(
            f"\nhistory build: {n} reports in {trees} trees in {full['wall']:.1f} s = "
            f"{full['wall'] / n:.2f} s wall per report, {full['cpu'] / n:.2f} s CPU per report"
        )
        print(
            f"  peak memory, whole process tree: {mb(full['peak_total'])} (largest process {mb(full['peak_single'])})"
        )
        results["history"] = {
            "reports": n,
            "trees": trees,
            "wall": full["wall"],
            "cpu": full["cpu"],
            "peak_total_bytes": full["peak_total"],
        }

        one_out = tmp / "one"
        latest = max(int(t.split("/")[0]) for t in {r["tree"] for r in reports})
        one = run_measured(build_cmd(args, one_out, str(latest), flags, force=True))
        n1 = len(reports_of(one_out))
        flat_wall = (full["wall"] / n) / (one["wall"] / n1)
        flat_cpu = (full["cpu"] / n) / (one["cpu"] / n1)
        print(
            f"one edition ({latest}): {n1} reports in {one['wall']:.1f} s = {one['wall'] / n1:.2f} s wall, "
            f"{one['cpu'] / n1:.2f} s CPU per report; history/one-edition per report: "
            f"{flat_wall:.2f}x wall, {flat_cpu:.2f}x CPU (1.0 = flat)"
        )
        results["one_edition"] = {
            "year": latest,
            "reports": n1,
            "wall": one["wall"],
            "cpu": one["cpu"],
            "ratio_wall_per_report": flat_wall,
            "ratio_cpu_per_report": flat_cpu,
        }

        rerun = run_measured(build_cmd(args, out, args.years, flags, force=False))
        print(f"no-change rerun of the history: {rerun['wall']:.2f} s (exit {rerun['returncode']})")
        results["rerun"] = {"wall": rerun["wall"]}

        if not args.skip_baseline:
            sample = pick_sample(reports, args.sample)
            work = tmp / "naive"
            work.mkdir()
            runs = []
            for r in sample:
                res = naive_one(dict(r, id=f"{r['tree']}/{r['id']}"), ROOT / "notebooks" / r["notebook"], work)
                runs.append(res)
                print(f"  naive {r['tree'] + '/' + r['id']:<44} {res['total']:5.1f} s  (CPU {res['cpu']:.1f} s)")
            mean = sum(x["total"] for x in runs) / len(runs)
            cpu_mean = sum(x["cpu"] for x in runs) / len(runs)
            print(
                f"naive chain: {mean:.2f} s per report ({len(runs)} measured), {mean * n:.0f} s extrapolated "
                f"to {n} reports"
            )
            print(
                f"speed-up of the history build: {mean * n / full['wall']:.1f}x wall clock, "
                f"{cpu_mean * n / full['cpu']:.1f}x CPU time"
            )
            results["naive"] = {"per_report": mean, "cpu_per_report": cpu_mean, "sample": len(runs), "runs": runs}

        print("\nsummary (targets: <= 0.45 s wall per report, < 1.5 GB, rerun < 3 s, flat per-report cost)")
        print(f"  wall per report      {full['wall'] / n:6.2f} s   ({n} reports, --jobs {jobs})")
        print(f"  CPU per report       {full['cpu'] / n:6.2f} s")
        print(f"  peak memory          {mb(full['peak_total']):>8}")
        print(f"  no-change rerun      {rerun['wall']:6.2f} s")
        print(f"  per report, history vs one edition: {flat_wall:.2f}x wall, {flat_cpu:.2f}x CPU")
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
