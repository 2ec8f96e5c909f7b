"""Report sections for the notebooks: each method returns one displayable piece.

Notebooks stay thin: a cell calls one method, e.g. ``r.summary()`` or ``r.category_chart()``.
Text comes from `smartcity.narrative`, numbers from `smartcity.analysis`, charts from
`smartcity.charts`; this module only puts them together for display.
"""

from __future__ import annotations

import html
from functools import lru_cache
from typing import Any

import pandas as pd

from smartcity import analysis as an
from smartcity import catalogue, charts, fmt, narrative
from smartcity.glance import at_a_glance, category_chart
from smartcity.dataset import SAMPLE_FILE, Dataset, load_dataset
from smartcity.inputs import data_files
from smartcity.sample_note import SAMPLE_LABEL, SAMPLE_NOTE


def column_labels(lang: str) -> dict[str, str]:
    """Column labels of the tables shown in reports (``[table]`` in ``smartcity/phrases``)."""
    return narrative.phrasebook(lang)["table"]


def target_labels(lang: str) -> dict[str, str]:
    """Short names of the lever targets, as the lever text uses them."""
    book = narrative.phrasebook(lang)["levers"]
    return {t: book[f"short_{t}"] for t in ("peer_median", "top10_mean", "max")}


def _count(n: int, one: str, many: str) -> str:
    return (one if n == 1 else many).format(n=n)


class _Section:
    """A displayable piece: rich in Jupyter, its text in terminal IPython (``_repr_pretty_``) and ``print()``."""

    def __str__(self) -> str:
        raise NotImplementedError

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(str(self))


class Markdown(_Section):
    """Markdown text that displays as such in JupyterLab and in the rendered report."""

    def __init__(self, text: str):
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


class Heading(_Section):
    """A section heading with an optional intro, kept on one page with what follows (``section-head``)."""

    def __init__(self, title: str, intro: str = ""):
        self.title = title
        self.intro = intro

    def _repr_html_(self) -> str:
        intro = f"<p>{html.escape(self.intro)}</p>" if self.intro else ""
        return f'<div class="section-head"><h2>{html.escape(self.title)}</h2>{intro}</div>'

    def _repr_markdown_(self) -> str:
        return str(self)

    def __str__(self) -> str:
        return f"## {self.title}" + (f"\n\n{self.intro}" if self.intro else "")


_CITY_COLUMNS = {"city", "best_city", "leaders", "tied_with"}  # shown in the report language (Munich)


class Table(_Section):
    """A formatted table: German numbers, no index column, readable headers."""

    def __init__(self, frame: pd.DataFrame, lang: str = "de", caption: str = ""):
        self.frame = frame
        self.lang = lang
        self.caption = caption

    def _text(self, column: str, value) -> str:
        if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
            return "–"
        if column in _CITY_COLUMNS:
            value = (
                [fmt.city(v, self.lang) for v in value]
                if isinstance(value, (list, tuple))
                else fmt.city(str(value), self.lang)
            )
        elif column == "bundesland":
            value = fmt.bundesland(str(value), self.lang)
        if isinstance(value, (list, tuple)):
            return ", ".join(map(str, value))
        if column == "rank_change" or column == "ranks_gained":
            v = int(value)
            return "±0" if v == 0 else f"{v:+d}"
        if column in ("rank", "new_rank", "peer_rank", "n"):
            return str(int(value))
        if isinstance(value, float):
            decimals = 0 if column == "distance_km" else 1
            return fmt.number(value, self.lang, decimals)
        return str(value)

    def _cell(self, column: str, value) -> str:
        return html.escape(self._text(column, value))

    def _repr_html_(self) -> str:
        labels = column_labels(self.lang)
        head = "".join(f"<th>{html.escape(labels.get(c, c))}</th>" for c in self.frame.columns)
        body = "".join(
            "<tr>"
            + "".join(
                f"<td class=\"{'num' if pd.api.types.is_numeric_dtype(self.frame[c]) else 'text'}\">{self._cell(c, v)}</td>"
                for c, v in zip(self.frame.columns, row)
            )
            + "</tr>"
            for row in self.frame.itertuples(index=False)
        )
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        short = " short" if len(self.frame) <= 15 else ""  # printed on one page (paged.css)
        return (
            f'<table class="report-table{short}">{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        )

    def _repr_markdown_(self) -> str:
        """The same table as a Markdown pipe table (numbers right-aligned)."""
        labels = column_labels(self.lang)

        def row(cells) -> str:
            return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

        columns = list(self.frame.columns)
        align = ["---:" if pd.api.types.is_numeric_dtype(self.frame[c]) else ":---" for c in columns]
        lines = [row(labels.get(c, c) for c in columns), "| " + " | ".join(align) + " |"]
        lines += [
            row(self._text(c, v) for c, v in zip(columns, values)) for values in self.frame.itertuples(index=False)
        ]
        return (f"{self.caption}\n\n" if self.caption else "") + "\n".join(lines)

    def __str__(self) -> str:
        return self._repr_markdown_()


@lru_cache(maxsize=4)
def _cached_dataset(paths: tuple[str, ...] | None, year: int | None, history: str, stamp: tuple) -> Dataset:
    return load_dataset(list(paths) if paths else None, year=year, history=history)


def dataset(
    data: str | list[str] | Dataset | None = None, year: int | None = None, history: str | None = None
) -> Dataset:
    """The dataset for a report; loaded once per version of its files and process (it is never modified).

    ``data`` is a file, a folder or a list of them (None: the bundled sample); ``year`` is the edition
    of tables that name none; ``history="published"`` fills tables the files lack with published figures.
    A :class:`Dataset` is used as it is (tests and notebooks that build their own).
    """
    if isinstance(data, Dataset):
        return data
    if not data:
        files, paths = [SAMPLE_FILE], None
    else:
        files = data_files(data)
        paths = tuple(str(f) for f in files)
    stamp = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    return _cached_dataset(
        paths, int(year) if year and paths else None, (history or "none") if paths else "none", stamp
    )


class _Report:
    def __init__(self, data: str | list[str] | Dataset | None, year: int | None, lang: str, history: str | None = None):
        self.lang = fmt.check_lang(lang)
        self.ds = dataset(data, year=year, history=history)
        self.year = int(year) if year else self.ds.latest_year
        if self.year not in self.ds.years:
            raise ValueError(f"No data for {self.year}; the dataset has {', '.join(map(str, self.ds.years))}")

    def notice(self) -> Markdown:
        """The data note at the top: sample data is marked as such, excerpts say what is missing,
        figures from the published history are counted."""
        parts = []
        if self.ds.is_sample:
            parts.append(f"> **{SAMPLE_LABEL[self.lang]}:** {SAMPLE_NOTE[self.lang]}")
        gaps = narrative.coverage_text(self.ds, self.year, self.lang)
        if gaps:
            parts.append(f"> {gaps}")
        history = self._history_sentence()
        if history:
            label = narrative.phrasebook(self.lang)["method"]["history_label"]
            parts.append(f"> **{label}:** {history}")
        return Markdown("\n>\n".join(parts))

    def _history_sentence(self) -> str:
        """How many figures of which editions come from the bundled published history ("" if none)."""
        counts = self.ds.history_counts
        if not counts:
            return ""
        book = narrative.phrasebook(self.lang)["method"]
        total = sum(counts.values())
        per = fmt.join(
            [book["history_item"].format(n=fmt.number(counts[y], self.lang, 0), year=y) for y in sorted(counts)],
            self.lang,
        )
        return book["history_one" if total == 1 else "history_many"].format(n=fmt.number(total, self.lang, 0), per=per)

    def method_note(self) -> Markdown:
        """The method paragraph and what the data of this edition holds. Counts are those of the
        data; where the published count of the edition differs, both are given with their meaning."""
        ds = self.ds
        book = narrative.phrasebook(self.lang)["method"]
        scores = ds.scores[ds.scores["year"] == self.year]
        published = int((scores["provenance"] == "published").sum())
        n_cities = int(scores.loc[scores["level"] == "overall", "city"].nunique())
        n_ind = int(scores.loc[scores["level"] == "indicator", "indicator"].nunique())
        ed = ds.editions.set_index("year") if "year" in ds.editions.columns else pd.DataFrame()
        row = ed.loc[self.year] if self.year in ed.index else None
        parts = ["## " + book["heading"], book["scaling"]]
        counts = {
            "year": self.year,
            "cities": fmt.cities(n_cities, self.lang),
            "indicators": _count(n_ind, book["indicator_one"], book["indicator_many"]),
        }
        if n_ind == 0:
            parts.append(book["holds_no_indicators"].format(**counts))
        else:
            parts.append(book["holds"].format(**counts))
        if row is not None and pd.notna(row.get("n_indicators")) and pd.notna(row.get("n_parameters")):
            pub = {
                "n_indicators": int(row["n_indicators"]),
                "n_parameters": int(row["n_parameters"]),
                "year": self.year,
            }
            key = "published_same" if n_ind in (0, pub["n_indicators"]) else "published_differs"
            parts[-1] += " " + book[key].format(**pub)
        source = book["source_sample" if ds.is_sample else "source_file"]
        rest = book["rest_sample" if ds.is_sample else "rest_file"]
        parts.append(book["source"].format(source=source, published=published, total=len(scores), rest=rest))
        history = self._history_sentence()
        if history:
            parts.append(history)
        return Markdown("\n\n".join(parts))

    def _chart_title(self, key: str, **kw) -> str:
        if "city" in kw:
            kw["city"] = fmt.city(kw["city"], self.lang)
        return narrative.phrasebook(self.lang)["charts"][key].format(year=self.year, **kw)

    def _named(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with its ``city`` column in the report language (charts label cities with it)."""
        if self.lang == "de" or "city" not in frame.columns:
            return frame
        return frame.assign(city=frame["city"].map(lambda c: fmt.city(c, self.lang)))

    def heading(self, key: str) -> Heading | Markdown:
        """A section heading (with a one-line intro) from ``[headings]`` in the phrase tables; empty if the
        section is."""
        view = getattr(self, "view", None)
        if key == "movers" and view is not None and view.climbers.empty and view.fallers.empty:
            return Markdown("")
        if key == "indicators" and view is not None and not getattr(view, "has_indicators", True):
            return Markdown("")
        if key == "bundesland" and view is not None and view.by_bundesland.empty:
            return Markdown("")  # an excerpt: the Länder cannot be compared
        if (
            key == "series"
            and view is not None
            and (
                len(view.series) < 2  # the first edition: no line
                or view.series[["top10_threshold", "mean"]].isna().all().all()
            )
        ):
            return Markdown("")  # excerpts only: no threshold or mean of any edition
        if key == "top10" and view is not None and view.top10.empty:
            return Markdown("")
        if key == "table" and view is not None and not view.complete:
            key = "table_excerpt"
        heading = narrative.phrasebook(self.lang)["headings"][key]
        first = int(view.series["year"].min()) if key == "series" and view is not None else self.year
        return Heading(heading["title"].format(first=first), heading["intro"])


class CityReport(_Report):
    """Sections of the city report."""

    def __init__(
        self,
        city: str,
        year: int | None = None,
        data: str | list[str] | None = None,
        lang: str = "de",
        peers: list[str] | None = None,
        history: str | None = None,
    ):
        super().__init__(data, year, lang, history)
        self.city = an.resolve_city(self.ds, city)
        present = self.ds.scores[(self.ds.scores["year"] == self.year) & (self.ds.scores["city"] == self.city)]
        if present.empty:
            raise an.NoReportData(
                f"Die Daten enthalten für {self.year} keinen Wert von {self.city} / "
                f"the data holds no value of {self.city} for {self.year}"
            )
        self.peers = peers

    def title(self) -> Markdown:
        return Markdown(f"# {fmt.city(self.city, self.lang)}: Smart City Index {self.year}")

    def at_a_glance(self):
        """The one-page summary that opens the report ("Auf einen Blick", smartcity/glance.py)."""
        return at_a_glance(self.ds, self.city, self.year, self.lang, peers=self.peers)

    def summary(self) -> Markdown:
        return Markdown(narrative.headline_text(self.ds, self.city, self.year, self.lang, heading=True).text)

    def trajectory_chart(self):
        tr = an.trend(self.ds, self.city, self.year)
        if tr.trajectory["rank"].notna().sum() < 2:
            return Markdown("")
        return charts.rank_trajectory(
            tr.trajectory,
            fmt.city(self.city, self.lang),
            lang=self.lang,
            title=self._chart_title("trajectory", city=self.city),
        )

    def trend_text(self) -> Markdown:
        return Markdown(narrative.trend_text(self.ds, self.city, self.year, self.lang, heading=True).text)

    def profile_text(self) -> Markdown:
        return Markdown(narrative.profile_text(self.ds, self.city, self.year, self.lang, heading=True).text)

    def category_chart(self):
        chart = category_chart(self.ds, self.city, self.year, self.lang)
        return Markdown("") if chart is None else chart

    def category_table(self) -> Table:
        prof = an.category_profile(self.ds, self.city, self.year, self.lang)
        cols = ["name", "score", "rank", "rank_change", "median", "top10_mean", "best_score"]
        frame = prof[cols].rename(columns={"name": "category"})
        return Table(frame, self.lang)

    def strengths_text(self) -> Markdown:
        return Markdown(narrative.strengths_text(self.ds, self.city, self.year, self.lang, heading=True).text)

    def indicator_chart(self):
        prof = an.indicator_profile(self.ds, self.city, self.year, lang=self.lang)
        if prof.empty:
            return Markdown("")
        frame = prof.assign(
            indicator_name=prof["name"], category=prof["category"].map(lambda c: fmt.category(c, self.year, self.lang))
        )
        key = "indicators" if prof["median"].notna().any() else "indicators_no_median"  # excerpts: no median
        return charts.indicator_profile(
            frame[["indicator_name", "category", "score", "median"]],
            fmt.city(self.city, self.lang),
            lang=self.lang,
            title=self._chart_title(key, city=self.city),
        )

    def peers_text(self) -> Markdown:
        return Markdown(
            narrative.peers_text(self.ds, self.city, self.year, self.lang, heading=True, peers=self.peers).text
        )

    def peers_chart(self):
        groups = an.peers(self.ds, self.city, self.year, custom=self.peers).groups
        group = groups.get("custom") or groups.get("nearest") or next(iter(groups.values()), None)
        if group is None or group.peer_rank is None:  # no overall score: nothing to compare
            return Markdown("")
        table = group.table  # the city's own row is always part of its peer group
        return charts.peer_comparison(
            self._named(table[["city", "score", "rank"]].sort_values("rank")),
            fmt.city(self.city, self.lang),
            lang=self.lang,
            title=self._chart_title("peers", city=self.city),
        )

    def levers_text(self) -> Markdown:
        return Markdown(
            narrative.levers_text(self.ds, self.city, self.year, self.lang, heading=True, peers=self.peers).text
        )

    def levers_table(self) -> Table | Markdown:
        lv, top = narrative.lever_record(self.ds, self.city, self.year, self.lang, self.peers)
        if not lv.has_indicators or top.empty:
            return Markdown("")
        frame = top.copy()
        frame["target"] = frame["target"].map(target_labels(self.lang)).fillna(frame["target"])
        cols = ["name", "current", "target", "target_score", "new_overall", "new_rank", "ranks_gained"]
        return Table(frame[cols], self.lang)


class _FieldReport(_Report):
    """Sections shared by the reports on a whole field (a category or all cities): ``self.view``
    is an :class:`analysis.CategoryView` or :class:`analysis.NationalView`."""

    view: Any  # an.CategoryView | an.NationalView, set by the subclass

    def movers_table(self) -> Table | Markdown:
        movers = pd.concat([self.view.climbers, self.view.fallers], ignore_index=True)
        if movers.empty:  # first edition: no rank changes
            return Markdown("")
        return Table(movers[["city", "rank", "rank_change", "score"]], self.lang)

    def bundesland_table(self) -> Table | Markdown:
        if self.view.by_bundesland.empty:  # an excerpt: see heading("bundesland")
            return Markdown("")
        return Table(self.view.by_bundesland[["bundesland", "n", "mean", "best_city", "best_score"]], self.lang)


class CategoryReport(_FieldReport):
    """Sections of the category report."""

    def __init__(
        self,
        category: str,
        year: int | None = None,
        data: str | list[str] | None = None,
        lang: str = "de",
        history: str | None = None,
    ):
        super().__init__(data, year, lang, history)
        self.category = an.resolve_category(category)
        self.view = an.category_view(self.ds, self.category, self.year, lang=self.lang)
        if self.view.ranking.empty:
            raise an.NoReportData(
                f"Die Daten enthalten für {self.year} keine Tabelle der Kategorie {self.category} / "
                f"the data holds no {self._label()} table for {self.year}"
            )

    def title(self) -> Markdown:
        return Markdown(f"# {fmt.category(self.category, self.year, self.lang)}: Smart City Index {self.year}")

    def summary(self) -> Markdown:
        return Markdown(narrative.category_text(self.ds, self.category, self.year, self.lang, heading=True).text)

    def ranking_chart(self):
        return charts.ranking_bars(
            self._named(self.view.ranking[["city", "score", "rank"]]),
            lang=self.lang,
            title=self._chart_title("ranking", label=self._label()),
        )

    def _label(self) -> str:
        return fmt.category(self.category, self.year, self.lang)

    def ranking_table(self) -> Table:
        return Table(self.view.ranking[["rank", "city", "score", "rank_change", "bundesland"]], self.lang)

    def distribution_chart(self):
        key = "distribution" if self.view.complete else "distribution_excerpt"
        return charts.score_distribution(
            self._named(self.view.ranking[["city", "score", "rank"]]),
            lang=self.lang,
            title=self._chart_title(key, label=self._label(), n=len(self.view.ranking), size=self.view.field_size),
        )

    def leaders_table(self) -> Table | Markdown:
        if not self.view.has_indicators:
            return Markdown("")
        return Table(self.view.indicator_leaders[["name", "best_score", "leaders", "median"]], self.lang)

    def heatmap(self):
        if not self.view.has_indicators:
            return Markdown("")
        s = self.ds.scores
        rows = s[(s["year"] == self.year) & (s["level"] == "indicator") & (s["category"] == self.category)]
        names = dict(zip(self.view.indicator_leaders["indicator"], self.view.indicator_leaders["name"]))
        wide = rows.pivot_table(index="city", columns="indicator", values="score", aggfunc="first")
        wide = wide.reindex(self.view.ranking["city"]).rename(columns=names)
        wide.index = [fmt.city(c, self.lang) for c in wide.index]
        return charts.indicator_heatmap(
            wide, category=self._label(), lang=self.lang, title=self._chart_title("heatmap", label=self._label())
        )


class OverviewReport(_FieldReport):
    """Sections of the national overview of one edition."""

    def __init__(
        self, year: int | None = None, data: str | list[str] | None = None, lang: str = "de", history: str | None = None
    ):
        super().__init__(data, year, lang, history)
        self.view = an.national_view(self.ds, self.year)
        if self.view.ranking.empty:
            raise an.NoReportData(
                f"Die Daten enthalten für {self.year} kein Gesamtranking / "
                f"the data holds no overall ranking for {self.year}"
            )

    def title(self) -> Markdown:
        return Markdown(f"# Smart City Index {self.year}: {narrative.phrasebook(self.lang)['titles']['overview']}")

    def summary(self) -> Markdown:
        return Markdown(narrative.national_text(self.ds, self.year, self.lang, heading=True).text)

    def top10_table(self) -> Table | Markdown:
        top = self.view.ranking[self.view.ranking["rank"] <= 10]
        if top.empty:  # the top of the table is not in the data: see heading("top10")
            return Markdown("")
        return Table(top[["rank", "city", "score", "rank_change", "bundesland"]], self.lang)

    def series_chart(self):
        series = self.view.series
        if len(series) < 2 or series[["top10_threshold", "mean"]].isna().all().all():
            return Markdown("")  # the first edition (a line needs two) or excerpts only: nothing to draw
        book = narrative.phrasebook(self.lang)["charts"]
        names = {"top10_threshold": book["series_threshold"], "mean": book["series_mean"]}
        long = series.melt(id_vars="year", value_vars=list(names), var_name="series", value_name="value")
        long["series"] = long["series"].map(names)
        return charts.trend_lines(
            long, lang=self.lang, title=self._chart_title("series", first=int(series["year"].min()))
        )

    def map_chart(self):
        cities = catalogue.load_cities()[["name", "latitude", "longitude"]].rename(columns={"name": "city"})
        frame = self._named(self.view.ranking[["city", "score"]].merge(cities, on="city", how="left"))
        known = self.view.top5_complete  # label the five best only when the data holds them
        return charts.germany_map(
            frame,
            lang=self.lang,
            label_top=5 if known else 0,
            title=self._chart_title("map"),
            caption=self._chart_title("map_caption") if known else "",
        )

    # The worked example of notebooks/_template.ipynb: one Land's cities compared.

    def land_ranking(self, bundesland: str) -> pd.DataFrame:
        """The cities of one Land in the overall ranking (those the data holds)."""
        ranking = self.view.ranking
        return ranking[ranking["bundesland"] == bundesland]

    def land_heading(self, bundesland: str) -> Markdown:
        """``## Nordrhein-Westfalen: 30 Städte im Smart City Index 2025``; on an excerpt of the
        overall table it says how many of the Land's cities the data holds."""
        n = len(self.land_ranking(bundesland))
        members = sum(
            1 for c in an._taking_part(self.ds, self.year) if an._city_attr(self.ds, c, "bundesland") == bundesland
        )
        land = fmt.bundesland(bundesland, self.lang)
        if self.view.complete or n >= members:
            text = (
                f"## {land}: {fmt.cities(n, self.lang)} im Smart City Index {self.year}"
                if self.lang == "de"
                else f"## {land}: {fmt.cities(n, self.lang)} in the Smart City Index {self.year}"
            )
        else:
            text = (
                f"## {land}: {n} von {members} Städten im Auszug des Smart City Index {self.year}"
                if self.lang == "de"
                else f"## {land}: {n} of {members} cities in the excerpt of the Smart City Index {self.year}"
            )
        return Markdown(text)

    def land_table(self, bundesland: str) -> Table | Markdown:
        ranking = self.land_ranking(bundesland)
        if ranking.empty:
            return Markdown("")
        return Table(ranking[["rank", "city", "score", "rank_change"]], self.lang)

    def land_chart(self, bundesland: str):
        ranking = self.land_ranking(bundesland)
        if ranking.empty:
            return Markdown("")
        return charts.ranking_bars(self._named(ranking[["city", "score", "rank"]]), lang=self.lang)
