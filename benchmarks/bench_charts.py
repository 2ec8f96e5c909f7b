"""CPU time of every chart function - current ``smartcity/charts.py`` vs. a baseline, same run.

Inputs are the real chart inputs of the reports (bundled sample data, latest edition): the report
sections of ``smartcity.report`` run once with the chart functions replaced by a recorder, so each
chart gets exactly the frame a report gives it - the city reports of 4 cities, 3 category reports
and the overview (32 charts, in report order), plus ``ranking_bars(top_n=10)`` and
``score_distribution`` with a highlighted city. Only the chart call is timed (figure building, Agg
drawing, quantising, PNG encoding), not the analysis.

Baseline in the same process: ``smartcity/charts.py`` and ``smartcity/geo.py`` of a git revision
(``--baseline-ref``, default ``b3a107a``, the last commit before the chart performance work) are
loaded as separate modules (``git show REF:path``; the baseline charts module uses the baseline
geo module). Each round runs every chart of every report once per mode, modes one after the
other, so that changes in machine load hit all alike (``--repeat`` rounds, default 5):

* ``baseline``: the old code;
* ``current, cold``: the text caches (metrics, layouts, glyph bitmaps) are cleared before every
  chart - the worst case, e.g. the first chart of a kernel;
* ``current, batch``: caches kept from the charts before in the round (cleared at the start of
  the round), as in a warm kernel of the batch runner rendering report after report.

The table shows the median CPU time (``time.process_time``) per chart kind over rounds and
reports, the ratios, and the PNG sizes.

    .venv/bin/python benchmarks/bench_charts.py
    .venv/bin/python benchmarks/bench_charts.py --repeat 9 --out /tmp/charts   # also save the PNGs
    .venv/bin/python benchmarks/bench_charts.py --no-baseline
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_BASELINE_REF = "b3a107a"  # last commit before the chart performance work
CITIES = ("Krefeld", "Bochum", "Cottbus", "München")
CATEGORIES = ("Verwaltung", "Mobilität", "Energie und Umwelt")
CHART_FUNCS = (
    "rank_trajectory",
    "category_profile",
    "indicator_profile",
    "score_distribution",
    "ranking_bars",
    "indicator_heatmap",
    "peer_comparison",
    "trend_lines",
    "germany_map",
)


def _load_baseline(ref: str, workdir: Path):
    """charts.py and geo.py of ``ref`` as modules ``charts_baseline`` / ``geo_baseline``."""

    def show(path: str) -> str:
        return subprocess.run(
            ["git", "show", f"{ref}:{path}"], cwd=REPO, check=True, capture_output=True, text=True
        ).stdout

    mods = {}
    for name, path, patch in (
        ("geo_baseline", "smartcity/geo.py", None),
        ("charts_baseline", "smartcity/charts.py", ("from smartcity import geo\n", "import geo_baseline as geo\n")),
    ):
        src = show(path)
        if patch:
            src = src.replace(*patch)
        file = workdir / f"{name}.py"
        file.write_text(src, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(name, file)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
        if name == "geo_baseline":  # the boundary data are the same file
            mod.ASSET = REPO / "smartcity" / "assets" / "germany_laender.geojson"
        mods[name] = mod
    return mods["charts_baseline"]


def record_cases(cities=CITIES, categories=CATEGORIES, lang: str = "de") -> list[tuple[str, str, tuple, dict]]:
    """(chart label, function name, args, kwargs) of the charts the reports make, in report order:
    the city reports of ``cities``, the category reports of ``categories``, the overview."""
    from smartcity import charts, report

    calls: list[tuple[str, tuple, dict]] = []
    originals = {name: getattr(charts, name) for name in CHART_FUNCS}

    def recorder(name):
        def fn(*args, **kwargs):
            calls.append((name, args, kwargs))

        return fn

    try:
        for name in CHART_FUNCS:
            setattr(charts, name, recorder(name))
        for city in cities:
            r = report.CityReport(city, lang=lang)
            for m in ("trajectory_chart", "category_chart", "indicator_chart", "peers_chart"):
                getattr(r, m)()
        for cat in categories:
            r = report.CategoryReport(cat, lang=lang)
            for m in ("ranking_chart", "distribution_chart", "heatmap"):
                getattr(r, m)()
        ov = report.OverviewReport(lang=lang)
        for m in ("series_chart", "map_chart"):
            getattr(ov, m)()
    finally:
        for name, fn in originals.items():
            setattr(charts, name, fn)

    cases = []
    for name, args, kwargs in calls:
        frame = args[0]
        size = "83x8" if name == "indicator_heatmap" else str(len(frame))
        if name in ("rank_trajectory", "category_profile", "peer_comparison", "trend_lines"):
            size = ""
        cases.append((f"{name} ({size})" if size else name, name, args, kwargs))
        if name == "ranking_bars":
            cases.append(
                (
                    "ranking_bars (top 10 + city)",
                    name,
                    args,
                    {**kwargs, "highlight": cities[len(cases) % len(cities)], "top_n": 10},
                )
            )
        if name == "score_distribution":
            cases.append(
                (
                    f"score_distribution ({len(frame)}, highlight)",
                    name,
                    args,
                    {**kwargs, "highlight": cities[len(cases) % len(cities)]},
                )
            )
    for i, (_label, name, args, kwargs) in enumerate(cases):
        if name == "indicator_heatmap":
            cases[i] = (f"indicator_heatmap ({args[0].shape[0]}x{args[0].shape[1]})", name, args, kwargs)
        elif name == "indicator_profile":
            cases[i] = (f"indicator_profile ({len(args[0])})", name, args, kwargs)
    return cases


def _run_batch(module, cases, *, cold: bool) -> list[float]:
    """CPU seconds of each case, in order; ``cold`` clears the text caches before every chart."""
    out = []
    clear = getattr(module, "_clear_text_cache", None)
    if clear is not None:
        clear()
    for _label, name, a, kw in cases:
        if cold and clear is not None:
            clear()
        t0 = time.process_time()
        getattr(module, name)(*a, **kw)
        out.append(time.process_time() - t0)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="rounds (each runs every chart of every report once)")
    ap.add_argument(
        "--baseline-ref", default=DEFAULT_BASELINE_REF, help="git revision of the baseline charts.py/geo.py"
    )
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--lang", default="de")
    ap.add_argument("--out", type=Path, help="write each chart's PNG (current and baseline) to this folder")
    args = ap.parse_args(argv)

    from smartcity import charts

    cases = record_cases(lang=args.lang)
    with tempfile.TemporaryDirectory() as tmp:
        modes = {"current, cold": (charts, True), "current, batch": (charts, False)}
        if not args.no_baseline:
            modes = {"baseline": (_load_baseline(args.baseline_ref, Path(tmp)), False), **modes}
        sizes: dict[str, dict[str, int]] = {}
        # warm-up (font cache, boundary data, colour maps, babel) and PNGs
        seen = set()
        for label, name, a, kw in cases:
            for key, (mod, _cold) in modes.items():
                if key == "current, batch":
                    continue
                chart = getattr(mod, name)(*a, **kw)
                sizes.setdefault(label, {})[key.split(",")[0]] = len(chart.png)
                if args.out and label not in seen:
                    args.out.mkdir(parents=True, exist_ok=True)
                    slug = "".join(ch if ch.isalnum() else "_" for ch in label).strip("_")
                    chart.save(args.out / f"{slug}.{key.split(',')[0]}.png")
            seen.add(label)
        times: dict[str, dict[str, list[float]]] = {}
        for _ in range(args.repeat):
            for key, (mod, cold) in modes.items():
                for (label, *_r), dt in zip(cases, _run_batch(mod, cases, cold=cold)):
                    times.setdefault(label, {}).setdefault(key, []).append(dt)

    keys = list(modes)
    n_reports = {label: sum(1 for c in cases if c[0] == label) for label in times}
    if "baseline" in keys:
        print(f"baseline = smartcity/charts.py and geo.py of {args.baseline_ref}")
    print(
        f"CPU ms per chart (time.process_time), median over {args.repeat} rounds x the reports' charts "
        f"({len(CITIES)} cities, {len(CATEGORIES)} categories, overview); PNG KB of the first one"
    )
    print(
        "cold = text caches cleared before every chart; batch = caches kept from the charts before "
        "(as in a warm kernel)"
    )
    head = f"{'chart':<36}{'n':>3}" + "".join(f"{k:>16}" for k in keys)
    if "baseline" in keys:
        head += f"{'ratio cold':>12}{'ratio batch':>13}"
    head += f"{'KB base':>9}{'KB now':>8}" if "baseline" in keys else f"{'KB':>8}"
    print(head)
    sums = {k: 0.0 for k in keys}
    for label in times:
        med = {k: statistics.median(times[label][k]) for k in keys}
        line = f"{label:<36}{n_reports[label]:>3}"
        for k in keys:
            sums[k] += med[k] * n_reports[label]
            line += f"{med[k] * 1000:>16.0f}"
        if "baseline" in keys:
            line += f"{med['baseline'] / med['current, cold']:>11.1f}x{med['baseline'] / med['current, batch']:>12.1f}x"
            line += f"{sizes[label]['baseline'] / 1024:>9.0f}{sizes[label]['current'] / 1024:>8.0f}"
        else:
            line += f"{sizes[label]['current'] / 1024:>8.0f}"
        print(line)
    line = f"{'all charts of the reports (sum)':<39}" + "".join(f"{sums[k] * 1000:>16.0f}" for k in keys)
    if "baseline" in keys:
        line += f"{sums['baseline'] / sums['current, cold']:>11.1f}x{sums['baseline'] / sums['current, batch']:>12.1f}x"
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
