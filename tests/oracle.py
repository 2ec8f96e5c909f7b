"""A test-side fact oracle: every fact a report states, recomputed from ``data/*.csv`` in plain pandas.

Nothing here imports ``smartcity.analysis`` (or ``method``/``fmt``): the oracle reads the CSV files
itself, ranks, takes medians, walks streaks, measures distances and recomputes the levers from the
published definition (docs/method.md). :func:`check_city`, :func:`check_category` and
:func:`check_overview` take a report object of ``smartcity.report`` and return a list of
problems, one string per claim of the report (text or table) that disagrees with the oracle.
An empty list means every checked claim holds.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
CATEGORIES = ["Verwaltung", "IT und Kommunikation", "Energie und Umwelt", "Mobilität", "Gesellschaft und Bildung"]
WORDS = {
    "de": [
        "keiner",
        "einer",
        "zwei",
        "drei",
        "vier",
        "fünf",
        "sechs",
        "sieben",
        "acht",
        "neun",
        "zehn",
        "elf",
        "zwölf",
    ],
    "en": ["none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"],
}
ORDINALS = {
    "de": ["", "erste", "zweite", "dritte", "vierte", "fünfte", "sechste", "siebte"],
    "en": ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh"],
}
ORDINALS_DAT = ["", "ersten", "zweiten", "dritten", "vierten", "fünften", "sechsten", "siebten"]


def half_up(x: float, decimals: int = 1) -> float:
    """Half-up on the decimal the value stands for (54.25 -> 54.3, 69.55 -> 69.6)."""
    d = Decimal(repr(float(x))).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
    return float(d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def shown(x: float, lang: str, decimals: int = 1) -> str:
    """How a number must read in a report: half-up, decimal comma in German."""
    v = half_up(x, decimals)
    s = f"{abs(v):,.{decimals}f}"
    if lang == "de":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return ("-" if v < 0 else "") + s


@lru_cache(maxsize=1)
def english_names() -> dict[str, str]:
    with open(ROOT / "smartcity" / "phrases" / "en.toml", "rb") as fh:
        book = tomllib.load(fh)
    names = book.get("names", {})
    return {**names.get("cities", {}), **names.get("laender", {})}


def name(n: str, lang: str) -> str:
    return english_names().get(n, n) if lang == "en" else n


def haversine(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(a))


def _edition_years(spec: str) -> set[int]:
    out: set[int] = set()
    for part in str(spec).split("|"):
        if "-" in part:
            a, b = part.split("-")
            out.update(range(int(a), int(b) + 1))
        elif part.strip():
            out.add(int(part))
    return out


@dataclass(eq=False)
class Oracle:
    """Facts of the bundled data, computed without the package's analysis."""

    data_dir: Path = DATA

    @cached_property
    def scores(self) -> pd.DataFrame:
        s = pd.read_csv(self.data_dir / "scores.csv", dtype={"category": str, "indicator": str})
        s["category"] = s["category"].fillna("").replace({"Gesellschaft": "Gesellschaft und Bildung"})
        s["indicator"] = s["indicator"].fillna("")
        return s

    @cached_property
    def cities(self) -> pd.DataFrame:
        return pd.read_csv(self.data_dir / "cities.csv").set_index("name")

    @cached_property
    def indicators(self) -> pd.DataFrame:
        return pd.read_csv(self.data_dir / "indicators.csv")

    @cached_property
    def editions(self) -> pd.DataFrame:
        return pd.read_csv(self.data_dir / "editions.csv").set_index("year")

    @cached_property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.scores["year"].unique())

    @lru_cache(maxsize=None)  # noqa: B019 - one oracle per test session
    def field(self, year: int, level: str = "overall", category: str = "", indicator: str = "") -> pd.DataFrame:
        s = self.scores
        f = s.loc[
            (s["year"] == year) & (s["level"] == level) & (s["category"] == category) & (s["indicator"] == indicator),
            ["city", "score", "rank"],
        ]
        return f.sort_values(["rank", "city"]).reset_index(drop=True)

    def prev_year(self, year: int) -> int | None:
        earlier = [y for y in self.years if y < year]
        return earlier[-1] if earlier else None

    def rank_of(self, year: int, city: str, level: str = "overall", category: str = "", indicator: str = ""):
        return self._lookup(year, level, category, indicator).get(city)

    @lru_cache(maxsize=None)  # noqa: B019
    def _lookup(self, year: int, level: str, category: str, indicator: str) -> dict:
        f = self.field(year, level, category, indicator)
        return {c: (int(r), float(v)) for c, r, v in zip(f["city"], f["rank"], f["score"])}

    def change(self, year: int, city: str, level: str = "overall", category: str = "") -> int | None:
        py = self.prev_year(year)
        if py is None:
            return None
        now, before = self.rank_of(year, city, level, category), self.rank_of(py, city, level, category)
        return None if now is None or before is None else before[0] - now[0]

    # --- statistics of a field -----------------------------------------------------------------
    @staticmethod
    def median(scores: pd.Series) -> float:
        return half_up(float(np.median(scores.to_numpy(dtype=float))))

    @staticmethod
    def top10_mean(scores: pd.Series) -> float:
        return half_up(float(np.sort(scores.to_numpy(dtype=float))[::-1][:10].mean()))

    # --- trend -------------------------------------------------------------------------------------
    def trajectory(self, city: str, year: int) -> list[tuple[int, int]]:
        return [(y, self.rank_of(y, city)[0]) for y in self.years if y <= year and self.rank_of(y, city)]

    def streak(self, city: str, year: int) -> tuple[int, str | None]:
        n, direction, y = 0, None, year
        while True:
            ch = self.change(y, city)
            if ch is None or ch == 0:
                break
            d = "up" if ch > 0 else "down"
            if direction not in (None, d):
                break
            direction, n = d, n + 1
            y = self.prev_year(y)
        return n, direction

    # --- peers -------------------------------------------------------------------------------------
    @lru_cache(maxsize=None)  # noqa: B019
    def nearest(self, city: str, year: int, n: int = 5) -> list[str]:
        ranked = set(self.field(year)["city"])
        c = self.cities.loc[[x for x in self.cities.index if x in ranked and x != city]]
        me = self.cities.loc[city]
        d = haversine(me["latitude"], me["longitude"], c["latitude"], c["longitude"])
        order = pd.DataFrame({"city": c.index, "d": d}).sort_values(["d", "city"])
        return list(order["city"].head(n))

    # --- levers (docs/method.md, "Levers") -------------------------------------------------------
    def weights(self, year: int) -> pd.DataFrame:
        ind = self.indicators
        return ind.loc[ind["editions"].map(lambda e: year in _edition_years(e))].set_index("id")

    @lru_cache(maxsize=None)  # noqa: B019
    def _year_levers(self, year: int):
        s = self.scores
        y = s.loc[s["year"] == year]
        wide = y.loc[y["level"] == "indicator"].pivot_table(
            index="city", columns="indicator", values="score", aggfunc="first"
        )
        cats = y.loc[y["level"] == "category"].pivot_table(
            index="city", columns="category", values="score", aggfunc="first"
        )
        top10 = {i: self.top10_mean(wide[i].dropna()) for i in wide.columns}
        return wide, cats, self.weights(year), top10

    def levers(self, city: str, year: int, n_top: int = 5, lang: str = "de") -> pd.DataFrame:
        rk_score = self.rank_of(year, city)
        if rk_score is None:
            return pd.DataFrame()
        rank, score = rk_score
        wide, all_cats, meta, top10 = self._year_levers(year)
        mine = wide.loc[city].dropna()
        cats = all_cats.loc[city].dropna()
        others = np.sort(self.field(year).query("city != @city")["score"].to_numpy(dtype=float))
        peers = [p for p in self.nearest(city, year) if p in wide.index]
        peer_values = wide.loc[peers]
        cat_of = meta["category"].to_dict()
        weight = meta["weight"].to_dict()
        present = {}
        for ind_id in mine.index:
            present.setdefault(cat_of[ind_id], []).append(weight[ind_id])

        def overall_with(cat: str, new_cat: float) -> float:
            return half_up((cats.sum() - cats[cat] + new_cat) / len(cats))

        rows = []
        for ind_id, cur in mine.items():
            cat = cat_of[ind_id]
            share = weight[ind_id] / sum(present[cat])
            pm = peer_values[ind_id].dropna()
            goals = {
                "peer_median": half_up(pm.median()) if len(pm) else None,
                "top10_mean": top10[ind_id],
                "max": 100.0,
            }
            base = overall_with(cat, half_up(min(100.0, max(0.0, cats[cat]))))
            for target, goal in goals.items():
                if goal is None or goal <= cur:
                    continue
                moved = half_up(min(100.0, max(0.0, cats[cat] + share * (goal - cur))))
                new_overall = half_up(score + overall_with(cat, moved) - base)
                new_rank = len(others) - int(np.searchsorted(others, new_overall + 1e-9, side="right")) + 1
                label = meta.at[ind_id, "name_de" if lang == "de" else "name_en"]
                rows.append(
                    {
                        "indicator": ind_id,
                        "name": label,
                        "target": target,
                        "target_score": goal,
                        "delta": half_up(goal - cur),
                        "new_overall": new_overall,
                        "new_rank": new_rank,
                        "ranks_gained": rank - new_rank,
                        "score_gain": half_up(new_overall - score),
                    }
                )
        t = pd.DataFrame(rows)
        if t.empty:
            return t
        t = t.loc[t["ranks_gained"] > 0]
        t = t.sort_values(
            ["ranks_gained", "delta", "score_gain", "name", "target"], ascending=[False, True, False, True, True]
        )
        return t.drop_duplicates("indicator").head(n_top).reset_index(drop=True)

    # --- movers ------------------------------------------------------------------------------------
    def movers(self, year: int, level: str = "overall", category: str = "", n: int = 5):
        f = self.field(year, level, category)
        ch = pd.Series({c: self.change(year, c, level, category) for c in f["city"]}).dropna().astype(int)
        out = []
        for sign in (1, -1):
            v = ch.loc[ch * sign > 0]
            if v.empty:
                out.append([])
                continue
            cut = sorted((v * sign).tolist(), reverse=True)[min(n, len(v)) - 1]
            keep = v.loc[v * sign >= cut]
            ranks = f.set_index("city")["rank"]
            order = sorted(keep.index, key=lambda c: (-(keep[c] * sign), ranks[c], c))
            out.append([(c, int(keep[c])) for c in order])
        return out[0], out[1]


# ------------------------------------------------------------------------------------------------
# checks


def _word_value(word: str, lang: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return WORDS[lang].index(word) if word in WORDS[lang] else None


def _text(section) -> str:
    return str(section)


def _frame(section) -> pd.DataFrame:
    return getattr(section, "frame", pd.DataFrame())


def _in_order(text: str, items: list[str]) -> bool:
    pos, start = [], 0
    for item in items:
        i = text.find(item, start)
        if i < 0:
            return False
        pos.append(i)
        start = i + len(item)
    return True


def check_city(r, o: Oracle) -> list[str]:
    """Every checked claim of a city report (``smartcity.report.CityReport``)."""
    lang, city, year = r.lang, r.city, r.year
    problems: list[str] = []

    def bad(section: str, msg: str) -> None:
        problems.append(f"{city} {year} {lang} {section}: {msg}")

    rank, score = o.rank_of(year, city)
    n = len(o.field(year))
    # headline: rank, field size, score
    head = _text(r.summary())
    want = f"Platz {rank} von {n}" if lang == "de" else f"rank {rank} of {n}"
    if want.lower() not in head.lower():
        bad("headline", f"expected {want!r}")
    if shown(score, lang) not in head:
        bad("headline", f"score {shown(score, lang)} missing")

    med_all = o.median(o.field(year)["score"])
    if shown(med_all, lang) not in head:
        bad("headline", f"median {shown(med_all, lang)} missing")

    # strengths: every "„name“ (Platz R von N" is the indicator's rank; a shared rank is named
    strengths = _text(r.strengths_text())
    meta = o.weights(year)
    label = "name_de" if lang == "de" else "name_en"
    pattern = (
        r"„([^“]+)“ \(Platz (\d+) von (\d+)([^)]*)\)" if lang == "de" else r"“([^”]+)” \(rank (\d+) of (\d+)([^)]*)\)"
    )
    for ind_name, r_, n_, rest in re.findall(pattern, strengths):
        ids = meta.index[meta[label] == ind_name]
        if len(ids) != 1:
            bad("strengths", f"unknown indicator {ind_name!r}")
            continue
        cat = meta.at[ids[0], "category"]
        f = o.field(year, "indicator", cat, ids[0])
        got = o.rank_of(year, city, "indicator", cat, ids[0])
        if got is None or got[0] != int(r_) or len(f) != int(n_):
            bad("strengths", f"{ind_name}: rank {r_} of {n_}, data {got} of {len(f)}")
            continue
        shared = int((f["rank"] == got[0]).sum())
        says_shared = ("geteilt" in rest) or ("shared" in rest)
        if (shared > 1) != says_shared:
            bad("strengths", f"{ind_name}: rank {r_} shared by {shared} cities, text: {rest!r}")

    # categories: the table rows and the median sentence
    table = _frame(r.category_table())
    above = level = 0
    for i, cat in enumerate(CATEGORIES):
        got = o.rank_of(year, city, "category", cat)
        if got is None:
            continue
        crank, cscore = got
        f = o.field(year, "category", cat)
        med, t10 = o.median(f["score"]), o.top10_mean(f["score"])
        row = table.iloc[i]
        for col, value in (("score", cscore), ("median", med), ("top10_mean", t10), ("best_score", f["score"].max())):
            if shown(row[col], lang) != shown(value, lang):
                bad("category table", f"{cat} {col} {row[col]} != {value}")
        if int(row["rank"]) != crank:
            bad("category table", f"{cat} rank {row['rank']} != {crank}")
        diff = half_up(cscore - med)
        above += diff > 0
        level += diff == 0
    prof = _text(r.profile_text())
    n_cat = len(table)
    k_words = re.findall(r"\b(\w+) (?:von|of) (\w+) (?:Kategorien|categories)", prof)
    if above == n_cat:
        if not re.search(r"(allen|all) \w+ (Kategorien|categories) .*(über|above)", prof):
            bad("profile", f"all {n_cat} categories above the median, text does not say so")
    elif above == 0 and level == 0:
        if not re.search(r"(unter dem Median|below the median)", prof):
            bad("profile", "below the median in every category, text does not say so")
    else:
        if above and not any(_word_value(k, lang) == above for k, _ in k_words):
            bad("profile", f"{above} categories above the median, text says {k_words}")
        if level and not re.search(r"gleichauf|level with", prof):
            bad("profile", f"{level} categories level with the median, text does not say so")
    if level and re.search(r"erreicht \w+ den Median|does \w+ reach the median", prof):
        bad("profile", "says the median is not reached while a category is level with it")

    # trend: first and current rank, streak and its connective, best placing
    trend = _text(r.trend_text())
    traj = o.trajectory(city, year)
    if len(traj) >= 2:
        first_rank = traj[0][1]
        ranks = [x for _, x in traj]
        if min(ranks) == max(ranks):
            if ("In jeder Ausgabe" if lang == "de" else "In every edition") not in trend:
                bad("trend", f"always rank {rank}, not said")
        elif first_rank != rank:
            p = "Platz" if lang == "de" else "rank"
            if f"{p} {first_rank}" not in trend:
                bad("trend", f"first rank {first_rank} missing")
        streak, direction = o.streak(city, year)
        up_words, down_words = (
            (("Verbesserung", "verbessert"), ("Verschlechterung", "verschlechtert"))
            if lang == "de"
            else (("improvement", "improved"), ("decline", "declined"))
        )
        in_a_row = "in Folge" if lang == "de" else "in a row"
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", trend) if in_a_row in s]
        if streak >= 2:
            ords = [ORDINALS[lang][streak]] + ([ORDINALS_DAT[streak]] if lang == "de" else [])
            words = up_words if direction == "up" else down_words
            if not any(any(o_ in s for o_ in ords) and any(w in s for w in words) for s in sentences):
                bad("trend", f"streak of {streak} ({direction}) not stated: {sentences}")
            long_run = first_rank - rank
            contrary = (long_run <= 0) if direction == "up" else (long_run >= 0)
            contrast = ("allerdings", "aber") if lang == "de" else ("however",)
            if contrary and not any(any(c in s for c in contrast) for s in sentences):
                bad("trend", f"streak {direction} against the long-run change {long_run:+d} without a contrast")
            if not contrary and any(any(c in s for c in contrast) for s in sentences):
                bad("trend", "contrast connective where the streak agrees with the long run")
        elif sentences:
            bad("trend", f"streak stated but there is none: {sentences}")
        best = min(ranks)
        best_claim = "beste Platzierung" if lang == "de" else "best placing"
        if best_claim in trend and rank != best:
            bad("trend", f"claims best placing at rank {rank}, best was {best}")
    elif "zum ersten Mal" in trend or "first time" in trend:
        bad("trend", "repeats the first participation the headline states")

    # peers: nearest cities in order, Land rank
    peers = _text(r.peers_text()).replace("[", "(").replace("]", ")")  # "(Halle [Saale])" reads as "Halle (Saale)"
    if r.peers is None:
        near = [name(c, lang) for c in o.nearest(city, year)]
        # one sentence names all five (in peer-rank order, so any order)
        if not any(all(c in x for c in near) for x in peers.split(". ")):
            bad("peers", f"nearest cities should be {near}")
    land = o.cities.at[city, "bundesland"]
    group = o.field(year).loc[lambda f: f["city"].map(o.cities["bundesland"]) == land]
    if len(group) > 1:
        peer_rank = int((group["score"] > score).sum()) + 1
        p = "Platz" if lang == "de" else "rank"
        leader_words = ("bestplatzierte", "best-placed")
        if peer_rank == 1 and (group["score"] == score).sum() == 1:
            if not any(w in peers for w in leader_words):
                bad("peers", "leads its Land, not said")
        elif f"{p} {peer_rank} " not in peers + " ":
            bad("peers", f"Land rank {peer_rank} missing")
    if land == city and (f"In {city} ist {city}" in peers or f"In {city}, {city}" in peers):
        bad("peers", "city and Land of the same name run together")

    # levers: table = oracle's top levers, text in the same order, "no single lever" only if true
    want_levers = o.levers(city, year, lang=lang)
    lv_table = _frame(r.levers_table())
    lv_text = _text(r.levers_text())
    if r.peers is None:
        got_names = list(lv_table["name"]) if not lv_table.empty else []
        if got_names != list(want_levers.get("name", [])):
            bad("levers table", f"{got_names} != {list(want_levers.get('name', []))}")
        else:
            for (_, g), (_, w) in zip(lv_table.iterrows(), want_levers.iterrows()):
                for col in ("target_score", "new_overall"):
                    if shown(g[col], lang) != shown(w[col], lang):
                        bad("levers table", f"{w['name']} {col} {g[col]} != {w[col]}")
                for col in ("new_rank", "ranks_gained"):
                    if int(g[col]) != int(w[col]):
                        bad("levers table", f"{w['name']} {col} {g[col]} != {w[col]}")
        quoted = [f"„{x}“" if lang == "de" else f"“{x}”" for x in want_levers.get("name", [])]
        if not _in_order(lv_text, quoted):
            bad("levers text", f"should name {quoted} in this order")
        most = int(want_levers["ranks_gained"].max()) if not want_levers.empty else 0
        says_one = ("Kein einzelner" in lv_text) or ("no single" in lv_text)
        if says_one and most > 1:
            bad("levers text", f"says no single lever gains more than one place; best gains {most}")

    # method note: what the data hold
    note = _text(r.method_note())
    s = o.scores
    n_ind = s.loc[(s["year"] == year) & (s["level"] == "indicator"), "indicator"].nunique()
    want = f"{n} Städte und {n_ind} Indikatoren" if lang == "de" else f"{n} cities and {n_ind} indicators"
    if want not in note:
        bad("method note", f"expected {want!r}")
    if re.search(r"--\w|\.csv\b", note + _text(r.notice())):
        bad("method note", "command-line syntax or a file name in the report")
    return problems


def _check_movers(r, o: Oracle, level: str, category: str, problems: list[str], label: str) -> None:
    lang, year = r.lang, r.year
    climbers, fallers = o.movers(year, level, category)
    table = _frame(r.movers_table())
    want_rows = [c for c, _ in climbers] + [c for c, _ in fallers]
    got_rows = list(table["city"]) if not table.empty else []
    if got_rows != want_rows:
        problems.append(f"{label} {year} {lang} movers table: {got_rows} != {want_rows}")
    text = _text(r.summary())
    for group in (climbers, fallers):
        names = [name(c, lang) + " (" for c, _ in group]
        if group and not _in_order(text, names):
            problems.append(f"{label} {year} {lang} movers text: should list {names} in this order")


def check_overview(r, o: Oracle) -> list[str]:
    """The claims of the national overview (``smartcity.report.OverviewReport``)."""
    lang, year = r.lang, r.year
    problems: list[str] = []
    f = o.field(year)
    top = _frame(r.top10_table())
    want = list(f.loc[f["rank"] <= 10, "city"])
    if list(top["city"]) != want:
        problems.append(f"overview {year} {lang} top-10 table: {list(top['city'])} != {want}")
    text = _text(r.summary())
    thr = float(np.sort(f["score"].to_numpy())[::-1][9]) if len(f) >= 10 else None
    if thr is not None and shown(thr, lang) not in text:
        problems.append(f"overview {year} {lang}: threshold {shown(thr, lang)} missing")
    if shown(o.median(f["score"]), lang) not in text:
        problems.append(f"overview {year} {lang}: median {shown(o.median(f['score']), lang)} missing")
    _check_movers(r, o, "overall", "", problems, "overview")
    if year == o.years[0] and type(r.series_chart()).__name__ != "Markdown":
        problems.append(f"overview {year} {lang}: a one-point series chart for the first edition")
    return problems


def check_category(r, o: Oracle) -> list[str]:
    """The claims of a category report (``smartcity.report.CategoryReport``)."""
    lang, year, cat = r.lang, r.year, r.category
    problems: list[str] = []
    f = o.field(year, "category", cat)
    table = _frame(r.ranking_table())
    if list(table["city"]) != list(f["city"]) or list(table["rank"].astype(int)) != list(f["rank"]):
        problems.append(f"{cat} {year} {lang} ranking table differs from the data")
    text = _text(r.summary())
    if shown(o.median(f["score"]), lang) not in text:
        problems.append(f"{cat} {year} {lang}: median {shown(o.median(f['score']), lang)} missing")
    # indicator leaders: how many indicators have several leaders
    s = o.scores
    ind = s.loc[(s["year"] == year) & (s["level"] == "indicator") & (s["category"] == cat)]
    if not ind.empty:
        shared = sum(int((g["score"] == g["score"].max()).sum() > 1) for _, g in ind.groupby("indicator"))
        n_ind = ind["indicator"].nunique()
        if shared == 0 and re.search(r"teilen sich|share the best", text):
            problems.append(f"{cat} {year} {lang}: says leaders share a best score, none does")
        if 0 < shared < n_ind:
            m = re.search(r"(?:Bei|In) (\w+) (?:von|of) (\w+) (?:Indikatoren|indicators)", text)
            said = None if not m else 1 if m.group(1).lower() in ("einem", "one") else _word_value(m.group(1), lang)
            if said != shared:
                problems.append(
                    f"{cat} {year} {lang}: {shared} of {n_ind} indicators have shared leaders, "
                    f"text says {m.group(0) if m else 'nothing'}"
                )
    _check_movers(r, o, "category", cat, problems, cat)
    return problems
