"""Generator of data/published_facts.csv, data/seed_facts.csv and data/aggregate_facts.csv.

Run: .venv/bin/python scripts/build_facts.py [REFERENCE_DIR]

Input: the reference tables (default /work/shared/reference): published_facts.csv,
seed_facts.csv, aggregate_facts.csv. The `quote` column is dropped; only numbers and URLs are
carried over. Names are mapped to the catalogue: cities to official names (cities.csv),
categories to the current German names, indicators to indicator ids of that edition.

Deduplication and conflicts (see data/README.md):

1. Rows with the same (year, city, level, category, indicator, metric, value, source_url) are
   one figure from one source.
2. Candidates for one key (year, city, level, category, indicator, metric) are grouped by
   value. A score given with more than one decimal (e.g. 88.13) supports a one-decimal
   figure of the same key if the two differ by at most 0.05 (88.1); it is rounding, not a
   conflict, and is counted as a source of that figure.
3. If more than one value remains, the chosen value is the first that applies of:
   a) the only value printed on Bitkom's own pages (host ends in bitkom.org),
   b) the only value printed by the city's own website (see `is_city_site`),
   c) the value with the most distinct sources,
   d) the value listed first in the reference table (no publication dates are recorded).
   The other values are kept as rows with status `rejected_conflict`.
4. Seed figures (data/seed_facts.csv) that disagree with published figures of the same key
   are judged by the same rule (published candidates listed first); a losing seed value keeps
   its row with status `rejected_conflict`.
5. A seed article may state a trend as a number that the reference tables do not carry as a
   figure; `STATED_STREAKS` adds those to data/seed_facts.csv (metric `improvement_streak`).
"""

from __future__ import annotations

import csv
import sys
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from smartcity import catalogue  # noqa: E402

DATA = REPO / "data"
DEFAULT_REF = Path("/work/shared/reference")
KEY = ["year", "city", "level", "category", "indicator", "metric"]
# (year, city, consecutive editions with a better overall rank, ending with `year`; seed file)
STATED_STREAKS = [
    (2025, "Krefeld", 5, "seeds/003_d6b91db0ad668913.txt"),  # the fifth improvement in a row
]
COLUMNS = KEY[:-1] + ["metric", "value", "source_url", "n_sources", "status"]

# official city sites whose domain is not derived from the slug by `is_city_site`
EXTRA_CITY_DOMAINS = {
    "Mülheim an der Ruhr": {"muelheim-ruhr.de"},
    "Halle (Saale)": {"halle.de"},
}


def host(url: str) -> str:
    return urlparse(url).netloc.lower().rstrip(".")


def is_bitkom(url: str) -> bool:
    h = host(url)
    return h == "bitkom.org" or h.endswith(".bitkom.org")


def is_city_site(url: str, city: str) -> bool:
    """True if `url` is on the city's own domain: the registrable domain (last two labels)
    is `<slug>.de`, `<slug without hyphens>.de`, `stadt-<slug>.de` or `<first word of the
    slug>.de` (frankfurt.de for Frankfurt am Main), e.g. heilbronn.de, www.bonn.de,
    ru.muenchen.de, rathaus.jena.de. News sites, city marketing (luebeck.org) and
    non-.de domains (muenchen.digital) do not count."""
    h = host(url)
    labels = h.split(".")
    if len(labels) < 2 or labels[-1] != "de":
        return False
    domain = ".".join(labels[-2:])
    slug = catalogue.city_slug(city)
    first = slug.split("-")[0]
    names = {slug, slug.replace("-", ""), f"stadt-{slug}", f"stadt{slug}", first}
    return domain in {f"{n}.de" for n in names} | EXTRA_CITY_DOMAINS.get(city, set())


def decimals(value: float) -> int:
    d = Decimal(repr(float(value))).normalize()
    return max(0, -d.as_tuple().exponent)


def map_names(df: pd.DataFrame) -> pd.DataFrame:
    """Reference columns (city, level, name) -> catalogue columns (city, category, indicator)."""
    out = df.copy()
    cities, cats, inds = [], [], []
    for row in out.itertuples():
        city = "Alle" if row.city == "Alle" else catalogue.resolve_city(row.city)
        if city is None:
            raise ValueError(f"unknown city {row.city!r}")
        cat, ind = "", ""
        if row.level == "category":
            cat = catalogue.resolve_category(row.name)
            if cat is None:
                raise ValueError(f"unknown category {row.name!r}")
        elif row.level == "indicator":
            ind = catalogue.resolve_indicator(row.name, int(row.year))
            if ind is None:
                raise ValueError(f"indicator {row.name!r} does not resolve for {row.year}")
            ind_rows = catalogue.load_indicators().set_index("id")
            cat = ind_rows.loc[ind, "category"]
        elif row.level != "overall":
            raise ValueError(f"unknown level {row.level!r}")
        cities.append(city)
        cats.append(cat)
        inds.append(ind)
    out["city"], out["category"], out["indicator"] = cities, cats, inds
    return out


def resolve_group(group: pd.DataFrame) -> tuple[list[dict], dict | None]:
    """Rows for one key (chosen first) and a conflict record (or None)."""
    first = group.iloc[0]
    city = first["city"]
    # distinct (value, source) in reference order
    cand: dict[float, list[str]] = {}
    for row in group.itertuples():
        urls = cand.setdefault(float(row.value), [])
        if row.source_url not in urls:
            urls.append(row.source_url)
    # fold more precise scores into a compatible one-decimal figure
    if first["metric"] == "score":
        coarse = [v for v in cand if decimals(v) <= 1]
        for v in [v for v in list(cand) if decimals(v) > 1]:
            match = [c for c in coarse if abs(c - v) <= 0.05 + 1e-9]
            if match:
                target = min(match, key=lambda c: abs(c - v))
                for u in cand.pop(v):
                    if u not in cand[target]:
                        cand[target].append(u)
    values = list(cand)  # reference order of first appearance

    def best_url(urls: list[str]) -> str:
        for test in (is_bitkom, lambda u: is_city_site(u, city)):
            for u in urls:
                if test(u):
                    return u
        return urls[0]

    rule = ""
    chosen = values[0]
    if len(values) > 1:
        bitkom = [v for v in values if any(is_bitkom(u) for u in cand[v])]
        city_vals = [v for v in values if any(is_city_site(u, city) for u in cand[v])]
        counts = {v: len(cand[v]) for v in values}
        top = max(counts.values())
        majority = [v for v in values if counts[v] == top]
        if len(bitkom) == 1:
            chosen, rule = bitkom[0], "bitkom"
        elif len(city_vals) == 1:
            chosen, rule = city_vals[0], "city press office"
        elif len(majority) == 1:
            chosen, rule = majority[0], "majority"
        else:
            chosen, rule = values[0], "first listed"
    base = {k: first[k] for k in KEY}
    rows = []
    for v in [chosen] + [v for v in values if v != chosen]:
        rows.append(
            {
                **base,
                "value": v,
                "source_url": best_url(cand[v]),
                "n_sources": len(cand[v]),
                "status": "chosen" if v == chosen else "rejected_conflict",
            }
        )
    conflict = None
    if len(values) > 1:
        conflict = {
            **base,
            "chosen": chosen,
            "rule": rule,
            "candidates": "; ".join(f"{v:g} ({len(cand[v])} source{'s' if len(cand[v]) > 1 else ''})" for v in values),
        }
    return rows, conflict


def fmt_value(v: float) -> str:
    return f"{v:g}" if decimals(v) <= 2 else repr(v)


def write(df: pd.DataFrame, path: Path, columns: list[str]) -> None:
    df = df[columns].copy()
    if "value" in df:
        df["value"] = df["value"].map(fmt_value)
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)


def main(ref: Path = DEFAULT_REF) -> None:
    pub = pd.read_csv(ref / "published_facts.csv", keep_default_na=False)
    pub = pub.drop(columns=["quote"])
    pub = map_names(pub)
    pub = pub.drop_duplicates(KEY + ["value", "source_url"])
    rows, conflicts = [], []
    for _, group in pub.groupby(KEY, sort=False):
        r, c = resolve_group(group)
        rows += r
        if c:
            conflicts.append(c)
    out = pd.DataFrame(rows)
    level_order = {"overall": 0, "category": 1, "indicator": 2}
    out = out.sort_values(
        ["year", "level", "category", "indicator", "metric", "city", "status"],
        key=lambda s: s.map(level_order) if s.name == "level" else s,
        kind="stable",
    )
    write(out, DATA / "published_facts.csv", COLUMNS)

    seed = pd.read_csv(ref / "seed_facts.csv", keep_default_na=False)
    seed["source_url"] = seed["source"].str.split(" ").str[0]
    seed = map_names(seed)
    seed["n_sources"] = 1
    seed["status"] = "chosen"
    streaks = pd.DataFrame(
        [
            {
                "year": y,
                "city": c,
                "level": "overall",
                "category": "",
                "indicator": "",
                "metric": "improvement_streak",
                "value": k,
                "source_url": src,
                "n_sources": 1,
                "status": "chosen",
            }
            for y, c, k, src in STATED_STREAKS
        ]
    )
    seed = pd.concat([seed, streaks], ignore_index=True)
    seed = seed.drop_duplicates(KEY + ["value", "source_url"]).reset_index(drop=True)
    # a seed figure that disagrees with a published one is judged by the same rule, with the
    # published candidates listed first; the losing seed value is marked rejected_conflict
    seed_conflicts = []
    pub_index = pub.set_index(KEY).sort_index()
    for i, row in seed.iterrows():
        key = tuple(row[k] for k in KEY)
        if key not in pub_index.index:
            continue
        group = pd.concat([pub_index.loc[[key]].reset_index(), seed.loc[[i]]], ignore_index=True)
        r, c = resolve_group(group)
        if c is None:
            continue
        seed_conflicts.append(c)
        if r[0]["value"] != row["value"]:
            seed.loc[i, "status"] = "rejected_conflict"
        else:
            raise SystemExit(f"seed figure beats published figures, check by hand: {c}")
    write(seed, DATA / "seed_facts.csv", COLUMNS)

    agg = pd.read_csv(ref / "aggregate_facts.csv", keep_default_na=False)
    write(agg, DATA / "aggregate_facts.csv", ["year", "scope", "metric", "value", "source_url"])

    # summary
    chosen = out[out["status"] == "chosen"]
    print(
        f"published facts: {len(pub)} distinct (figure, source) rows -> {len(chosen)} figures, "
        f"{(out['status'] == 'rejected_conflict').sum()} rejected values"
    )
    print(f"conflicts resolved: {len(conflicts)}")
    for c in conflicts:
        what = c["category"] or c["indicator"] or "overall"
        print(
            f"  {c['year']} {c['city']} {c['level']} {what} {c['metric']}: "
            f"{c['candidates']} -> {c['chosen']:g} [{c['rule']}]"
        )
    merged = seed.merge(chosen, on=KEY, suffixes=("_seed", "_pub"))
    print(
        f"seed facts: {len(seed)} rows; {len(merged)} also published; "
        f"{len(seed_conflicts)} disagree with published figures"
    )
    for c in seed_conflicts:
        what = c["category"] or c["indicator"] or "overall"
        print(
            f"  {c['year']} {c['city']} {c['level']} {what} {c['metric']}: "
            f"{c['candidates']} -> {c['chosen']:g} [{c['rule']}]"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_REF)
