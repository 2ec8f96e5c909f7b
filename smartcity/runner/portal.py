"""The portal: a reader's page per edition and language, and one page over all editions.

    reports/index.html               all editions (German), reports/en/index.html (English)
    reports/<year>/index.html        the edition's portal: ranking, filters, search, map, compare view
    reports/<year>/en/index.html     the same in English
    reports/<year>/status.html       the build status for staff (smartcity/runner/index_page.py)

Static files only: CSS and JavaScript are inlined, the data for the compare view is embedded as
JSON, the map is inline SVG, every link is relative. Pages work from ``file://`` and from any web
server, and without JavaScript the ranking table, the map and every link are still there.
Every page is rewritten after each build (it is cheap), so edition switchers and language links
always point at what exists.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from html import escape
from pathlib import Path

from smartcity.runner import manifest as manifest_mod
from smartcity.runner.datainfo import DataInfo
from smartcity.runner.fsutil import atomic_write
from smartcity.runner.portal_data import load_portal_data
from smartcity.runner.planning import DEFAULT_LANG, LANGS, report_dir
from smartcity.sample_note import SAMPLE_LABEL, SAMPLE_NOTE

ASSETS = Path(__file__).resolve().parent / "portal_assets"
STATUS_PAGE = "status.html"

TEXT = {
    "de": {
        "locale": "de-DE",
        "index": "Smart City Index",
        "title": "Smart City Index {year}: Rangliste und Berichte",
        "h1": "Ausgabe {year}: {n} Großstädte im digitalen Vergleich",
        "skip": "Zur Rangliste springen",
        "editions": "Ausgaben",
        "all_editions": "Alle Ausgaben",
        "language": "Sprache",
        "reports": "Berichte",
        "overview": "Bundesweite Übersicht",
        "ranking": "Rangliste {year}",
        "intro": "Der Smart City Index {year} vergleicht {n} Großstädte in fünf Kategorien: Verwaltung, IT und "
        "Kommunikation, Energie und Umwelt, Mobilität sowie Gesellschaft und Bildung. Städte mit Bericht sind "
        "in der Rangliste und auf der Karte verlinkt; bis zu vier Städte lassen sich nebeneinander vergleichen.",
        "search": "Stadt suchen",
        "land": "Land",
        "all_laender": "Alle Länder",
        "size": "Größenklasse",
        "all_sizes": "Alle Größen",
        "size.100-200k": "100.000 bis 200.000 Einwohner",
        "size.200-500k": "200.000 bis 500.000 Einwohner",
        "size.>500k": "über 500.000 Einwohner",
        "compare_button": "Ausgewählte vergleichen ({n})",
        "compare_hint": "Für den Vergleich zwei bis vier Städte ankreuzen.",
        "count": "{shown} von {total} Städten",
        "pick": "{city} zum Vergleich auswählen",
        "pick_col": "Vergleich",
        "rank": "Platz",
        "city": "Stadt",
        "score": "Punkte",
        "change": "Veränderung",
        "files": "Bericht",
        "caption": "Gesamtwertung {year}: Platz, Punkte, Veränderung gegenüber {prev} und Platz je Kategorie",
        "caption_first": "Gesamtwertung {year}: Platz, Punkte und Platz je Kategorie",
        "sort": "Sortieren nach {label}",
        "compare": "Vergleich",
        "compare_caption": "Städte im Vergleich, Ausgabe {year}",
        "close": "Vergleich schließen",
        "measure": "Kennzahl",
        "category_rank": "{name}: Platz (Punkte)",
        "map": "Karte",
        "map_title": "Die {n} Städte der Ausgabe {year} auf der Karte; jeder Punkt führt zum Stadtbericht",
        "map_link": "{city}: Platz {rank}, {score} Punkte",
        "status": "Build-Status (für die Redaktion)",
        "data": "Datenquelle",
        "hash": "vergleich",
        "site_title": "Smart City Index: alle Ausgaben",
        "site_h1": "Smart City Index {first}–{last}",
        "site_intro": "Die digitale Rangliste der deutschen Großstädte, jede Ausgabe mit Rangliste, Karte, "
        "Städtevergleich und Berichten zu jeder Stadt.",
        "edition": "Ausgabe",
        "cities": "Städte",
        "leader": "Platz 1",
        "open": "Zur Ausgabe {year}",
        "other_version": "English version",
        "mean": "Mittelwert",
    },
    "en": {
        "locale": "en-GB",
        "index": "Smart City Index",
        "title": "Smart City Index {year}: ranking and reports",
        "h1": "{year} edition: {n} large cities compared on digitalisation",
        "skip": "Skip to the ranking",
        "editions": "Editions",
        "all_editions": "All editions",
        "language": "Language",
        "reports": "Reports",
        "overview": "National overview",
        "ranking": "Ranking {year}",
        "intro": "The Smart City Index {year} compares {n} large cities in five categories: administration, IT and "
        "communication, energy and environment, mobility, and society and education. Cities with a report are "
        "linked in the ranking and on the map; up to four cities can be compared side by side.",
        "search": "Find a city",
        "land": "State",
        "all_laender": "All states",
        "size": "Size class",
        "all_sizes": "All sizes",
        "size.100-200k": "100,000 to 200,000 inhabitants",
        "size.200-500k": "200,000 to 500,000 inhabitants",
        "size.>500k": "over 500,000 inhabitants",
        "compare_button": "Compare selected ({n})",
        "compare_hint": "Tick two to four cities to compare them.",
        "count": "{shown} of {total} cities",
        "pick": "Select {city} for comparison",
        "pick_col": "Compare",
        "rank": "Rank",
        "city": "City",
        "score": "Points",
        "change": "Change",
        "files": "Report",
        "caption": "Overall ranking {year}: rank, points, change since {prev} and rank per category",
        "caption_first": "Overall ranking {year}: rank, points and rank per category",
        "sort": "Sort by {label}",
        "compare": "Comparison",
        "compare_caption": "Cities compared, {year} edition",
        "close": "Close comparison",
        "measure": "Measure",
        "category_rank": "{name}: rank (points)",
        "map": "Map",
        "map_title": "The {n} cities of the {year} edition on the map; each dot opens the city report",
        "map_link": "{city}: rank {rank}, {score} points",
        "status": "Build status (for staff)",
        "data": "Data source",
        "hash": "compare",
        "site_title": "Smart City Index: all editions",
        "site_h1": "Smart City Index {first}–{last}",
        "site_intro": "The digital ranking of Germany's large cities: every edition with its ranking, map, "
        "city comparison and a report on every city.",
        "edition": "Edition",
        "cities": "Cities",
        "leader": "Rank 1",
        "open": "Open the {year} edition",
        "other_version": "Deutsche Fassung",
        "mean": "Mean",
    },
}


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _num(x: float | None, lang: str, decimals: int = 1) -> str:
    if x is None:
        return "–"
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".") if lang == "de" else text


def _signed(v: int | None) -> str:
    if v is None:
        return "–"
    return "±0" if v == 0 else (f"+{v}" if v > 0 else f"−{abs(v)}")


def _rel(from_dir: Path, target: Path) -> str:
    return Path(os.path.relpath(target, from_dir)).as_posix()


def _head(lang: str, title: str, accent: str | None) -> str:
    accent_css = f":root{{--accent:{accent}}}" if accent else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{escape(title)}</title>\n<style>{_asset('portal.css')}{accent_css}</style>\n</head>\n"
    )


def _publisher_block(publisher: dict | None) -> str:
    if not publisher:
        return ""
    logo = (
        f'<img src="{publisher["logo"]}" alt="{escape(publisher.get("logo_alt") or "")}">'
        if publisher.get("logo")
        else ""
    )
    return f'<p class="publisher">{logo}<span>{escape(publisher["office"])}</span></p>'


# ------------------------------------------------------------------------------ the site
class Site:
    """Every tree under ``out`` (one per edition and language) and what it links to."""

    def __init__(self, out: Path, info: DataInfo, data: dict, publisher: dict | None = None):
        self.out = Path(out)
        self.info = info
        self.data = data
        self.publisher = publisher
        self.trees: dict[tuple[int, str], dict] = {}
        for year in sorted(int(y) for y in data["editions"]):
            for lang in LANGS:
                m = manifest_mod.load(report_dir(self.out, year, lang))
                if not m.get("reports"):
                    continue
                # an edition built from other data keeps the page that data gave it
                if (m.get("data") or {}).get("checksum") not in (None, info.checksum):
                    continue
                self.trees[(year, lang)] = m

    def years(self, lang: str) -> list[int]:
        return sorted(y for (y, lg) in self.trees if lg == lang)

    def write(self) -> list[Path]:
        written = [self.write_edition(year, lang) for (year, lang) in sorted(self.trees)]
        for lang in LANGS:
            if self.years(lang):
                written.append(self.write_overview(lang))
        return written

    # -- one edition
    def write_edition(self, year: int, lang: str) -> Path:
        tree = report_dir(self.out, year, lang)
        return atomic_write(tree / "index.html", self.render_edition(year, lang))

    def _site_index(self, lang: str) -> Path:
        return self.out / "index.html" if lang == DEFAULT_LANG else self.out / lang / "index.html"

    def render_edition(self, year: int, lang: str) -> str:
        t = TEXT[lang]
        tree = report_dir(self.out, year, lang)
        m = self.trees.get((year, lang)) or manifest_mod.load(tree)
        rows = self.data["editions"].get(str(year), [])
        years_all = sorted(int(y) for y in self.data["editions"])
        prev = max((y for y in years_all if y < year), default=None)
        outputs = {}  # (kind, scope name) -> {fmt: path}
        for e in m.get("reports", []):
            if e.get("standard", True) and e.get("status") in manifest_mod.AVAILABLE:
                outputs[(e.get("kind"), e.get("scope_name"))] = {
                    f: o["path"] for f, o in (e.get("outputs") or {}).items()
                }
        cat_labels = [self.info.category_label(i, year, lang) for i in range(len(self.data["categories"]))]
        parts = [
            _head(lang, t["title"].format(year=year), (self.publisher or {}).get("accent")),
            "<body>\n",
            f'<a class="skip" href="#ranking">{escape(t["skip"])}</a>\n',
        ]
        # header: title, edition switcher, language switch
        ed_links = []
        for y in self.years(lang):
            if y == year:
                ed_links.append(f'<li><a href="index.html" aria-current="page">{y}</a></li>')
            else:
                ed_links.append(
                    f'<li><a href="{_rel(tree, report_dir(self.out, y, lang) / "index.html")}">{y}</a></li>'
                )
        ed_links.append(f'<li><a href="{_rel(tree, self._site_index(lang))}">{escape(t["all_editions"])}</a></li>')
        other = [lg for lg in LANGS if lg != lang and (year, lg) in self.trees]
        lang_nav = "".join(
            f'<nav class="lang" aria-label="{escape(t["language"])}"><a href="{_rel(tree, report_dir(self.out, year, lg) / "index.html")}" '
            f'hreflang="{lg}" lang="{lg}">{escape(t["other_version"])}</a></nav>'
            for lg in other
        )
        parts.append(
            f'<header class="top"><div class="wrap"><div>{_publisher_block(self.publisher)}'
            f'<p class="kicker">{escape(t["index"])} {year}</p>'
            f'<h1>{escape(t["h1"].format(year=year, n=len(rows)))}</h1></div>'
            f'<div><nav class="editions" aria-label="{escape(t["editions"])}"><ul>{"".join(ed_links)}</ul></nav>'
            f'{lang_nav}</div></div></header>\n<main class="wrap">\n'
        )
        if (m.get("data") or {}).get("is_sample", self.info.is_sample):
            parts.append(
                f'<p class="note"><strong>{escape(SAMPLE_LABEL[lang])}:</strong> {escape(SAMPLE_NOTE[lang])}</p>\n'
            )
        # other reports: overview and categories
        links = []
        ov = outputs.get(("edition", None))
        if ov and "html" in ov:
            links.append(f'<li><a href="{escape(ov["html"])}">{escape(t["overview"])}</a></li>')
        for i, (name_de, _, _) in enumerate(self.data["categories"]):
            o = outputs.get(("category", name_de))
            if o and "html" in o:
                links.append(f'<li><a href="{escape(o["html"])}">{escape(cat_labels[i])}</a></li>')
        parts.append('<div class="top-grid"><div>')
        parts.append(
            f'<section class="reports" aria-labelledby="reports-title"><h2 id="reports-title">'
            f'{escape(t["reports"])}</h2><p>{escape(t["intro"].format(year=year, n=len(rows)))}</p>'
            + (f'<ul>{"".join(links)}</ul>' if links else "")
            + '</section>\n'
        )
        parts.append('</div>' + self._map(year, lang, rows, outputs) + '</div>\n')
        parts.append(self._ranking(year, lang, rows, outputs, cat_labels, prev, tree))
        parts.append("</main>\n")
        data = m.get("data") or {}
        src = Path(data.get("source") or self.info.source).name
        parts.append(
            f'<footer><div class="wrap"><p>{escape(t["data"])}: {escape(src)} · '
            f'<a href="{STATUS_PAGE}">{escape(t["status"])}</a></p></div></footer>\n'
        )
        js_rows = []
        for r in rows:
            o = outputs.get(("city", r["city"]), {})
            js_rows.append(
                {
                    "slug": r["slug"],
                    "city": r["city"],
                    "rank": r["rank"],
                    "score": r["score"],
                    "change": r["change"],
                    "cats": r["cats"],
                    "land": r["land"] if lang == "de" else r["land_en"],
                    "html": o.get("html"),
                }
            )
        payload = {
            "year": year,
            "locale": t["locale"],
            "categories": cat_labels,
            "rows": js_rows,
            "text": {
                k: t[k]
                for k in (
                    "count",
                    "compare_button",
                    "compare_caption",
                    "measure",
                    "rank",
                    "score",
                    "change",
                    "category_rank",
                    "land",
                    "hash",
                )
            },
        }
        blob = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        parts.append(
            f'<script type="application/json" id="portal-data">{blob}</script>\n'
            f"<script>{_asset('portal.js')}</script>\n</body>\n</html>\n"
        )
        return "".join(parts)

    def _ranking(self, year, lang, rows, outputs, cat_labels, prev, tree) -> str:
        t = TEXT[lang]
        lands = sorted(
            {(r["land"], r["land"] if lang == "de" else r["land_en"]) for r in rows if r["land"]}, key=lambda x: x[1]
        )
        sizes = [s for s in ("100-200k", "200-500k", ">500k") if any(r["size"] == s for r in rows)]
        land_opts = "".join(f'<option value="{escape(v)}">{escape(label)}</option>' for v, label in lands)
        size_opts = "".join(f'<option value="{escape(s)}">{escape(t["size." + s])}</option>' for s in sizes)
        out = [
            f'<section id="ranking" aria-labelledby="ranking-title"><h2 id="ranking-title">'
            f'{escape(t["ranking"].format(year=year))}</h2>\n'
            f'<form id="controls" class="controls" role="search" aria-label="{escape(t["search"])}">'
            f'<label for="q">{escape(t["search"])}<input type="search" id="q" autocomplete="off"></label>'
            f'<label for="land">{escape(t["land"])}<select id="land"><option value="">{escape(t["all_laender"])}</option>{land_opts}</select></label>'
            f'<label for="size">{escape(t["size"])}<select id="size"><option value="">{escape(t["all_sizes"])}</option>{size_opts}</select></label>'
            f'<button type="button" id="compare-btn" class="primary" disabled aria-controls="compare">'
            f'{escape(t["compare_button"].format(n=0))}</button></form>\n'
            f'<p class="count" id="count" aria-live="polite">{escape(t["count"].format(shown=len(rows), total=len(rows)))}</p>'
            f'<p class="count">{escape(t["compare_hint"])}</p>\n'
            '<section id="compare" class="compare" aria-labelledby="compare-title" hidden>'
            f'<h2 id="compare-title" tabindex="-1">{escape(t["compare"])}</h2><div id="compare-body" class="table-scroll"></div>'
            f'<p><button type="button" id="compare-close">{escape(t["close"])}</button></p></section>\n'
        ]
        caption = t["caption"].format(year=year, prev=prev) if prev else t["caption_first"].format(year=year)

        def th(label: str, kind: str, extra: str = "", sort: str | None = None) -> str:
            cls = ' class="num"' if kind == "num" else ""
            return (
                f'<th scope="col" data-type="{kind}"{cls}{extra}><button type="button" class="sort" '
                f'aria-label="{escape(t["sort"].format(label=label))}">{escape(label)}</button></th>'
            )

        head = [
            f'<th scope="col" class="compare-col"><span class="visually-hidden">{escape(t["pick_col"])}</span></th>',
            th(t["rank"], "num", ' aria-sort="ascending"'),
            th(t["city"], "text"),
            th(t["score"], "num"),
            th(t["change"], "num"),
        ]
        head += [th(label, "num") for label in cat_labels]
        head += [th(t["land"], "text"), f'<th scope="col">{escape(t["files"])}</th>']
        out.append(
            '<div class="table-scroll" role="region" tabindex="0" aria-labelledby="ranking-caption">'
            f'<table id="ranking-table"><caption id="ranking-caption">{escape(caption)}</caption>'
            f'<thead><tr>{"".join(head)}</tr></thead><tbody>\n'
        )
        for r in rows:
            o = outputs.get(("city", r["city"]), {})
            name = f'<a href="{escape(o["html"])}">{escape(r["city"])}</a>' if "html" in o else escape(r["city"])
            files = (
                " ".join(
                    f'<a href="{escape(o[f])}" aria-label="{escape(r["city"])} {f.upper()}">{f.upper()}</a>'
                    for f in ("html", "pdf")
                    if f in o
                )
                or "–"
            )
            change = r["change"]
            cls = "up" if change and change > 0 else "down" if change and change < 0 else ""
            cells = [
                f'<td class="compare-col"><input type="checkbox" class="pick" value="{escape(r["slug"])}" '
                f'aria-label="{escape(t["pick"].format(city=r["city"]))}"></td>',
                f'<td class="num" data-v="{r["rank"]}">{r["rank"]}</td>',
                f'<th scope="row" data-v="{escape(r["city"].casefold())}">{name}</th>',
                f'<td class="num" data-v="{r["score"]}">{_num(r["score"], lang)}</td>',
                f'<td class="num {cls}" data-v="{"" if change is None else change}">{_signed(change)}</td>',
            ]
            for rank, _score in r["cats"]:
                cells.append(
                    f'<td class="num" data-v="{"" if rank is None else rank}">{"–" if rank is None else rank}</td>'
                )
            land = r["land"] if lang == "de" else r["land_en"]
            cells.append(f'<td class="land" data-v="{escape(land)}">{escape(land)}</td>')
            cells.append(f'<td class="links">{files}</td>')
            out.append(
                f'<tr data-slug="{escape(r["slug"])}" data-name="{escape(r["city"])}" '
                f'data-land="{escape(r["land"])}" data-size="{escape(r["size"])}">{"".join(cells)}</tr>\n'
            )
        out.append("</tbody></table></div>\n</section>\n")
        return "".join(out)

    def _map(self, year, lang, rows, outputs) -> str:
        t = TEXT[lang]
        mp = self.data["map"]
        title = t["map_title"].format(n=len(rows), year=year)
        shapes = "".join(
            f'<path class="land" d="{land["d"]}"><title>{escape(land["name"])}</title></path>' for land in mp["laender"]
        )
        dots = []
        for r in sorted(rows, key=lambda r: -r["rank"]):  # best on top
            if not r.get("xy"):
                continue
            x, y = r["xy"]
            label = t["map_link"].format(city=r["city"], rank=r["rank"], score=_num(r["score"], lang))
            o = outputs.get(("city", r["city"]), {})
            circle = f'<circle cx="{x}" cy="{y}" r="4"></circle>'
            if "html" in o:
                dots.append(
                    f'<a href="{escape(o["html"])}" data-slug="{escape(r["slug"])}" aria-label="{escape(label)}">'
                    f'<title>{escape(label)}</title>{circle}</a>'
                )
            else:  # no report built for this city: a dot without a link
                dots.append(
                    f'<g class="nolink" data-slug="{escape(r["slug"])}"><title>{escape(label)}</title>{circle}</g>'
                )
        attribution = mp["attribution"][lang]
        return (
            f'<section id="map" aria-labelledby="map-title"><h2 id="map-title">{escape(t["map"])}</h2>'
            f'<figure class="map"><svg viewBox="0 0 {mp["width"]} {mp["height"]}" xmlns="http://www.w3.org/2000/svg" '
            f'aria-labelledby="map-svg-title"><title id="map-svg-title">{escape(title)}</title>'
            f'<g aria-hidden="true">{shapes}</g><g>{"".join(dots)}</g></svg>'
            f'<figcaption>{escape(title)}. {escape(attribution)}</figcaption></figure></section>\n'
        )

    # -- all editions
    def write_overview(self, lang: str) -> Path:
        return atomic_write(self._site_index(lang), self.render_overview(lang))

    def render_overview(self, lang: str) -> str:
        t = TEXT[lang]
        years = self.years(lang)
        here = self._site_index(lang).parent
        parts = [
            _head(lang, t["site_title"], (self.publisher or {}).get("accent")),
            "<body>\n",
            f'<a class="skip" href="#editions">{escape(t["skip"])}</a>\n',
        ]
        other = [lg for lg in LANGS if lg != lang and self.years(lg)]
        lang_nav = "".join(
            f'<nav class="lang" aria-label="{escape(t["language"])}"><a href="{_rel(here, self._site_index(lg))}" '
            f'hreflang="{lg}" lang="{lg}">{escape(t["other_version"])}</a></nav>'
            for lg in other
        )
        parts.append(
            f'<header class="top"><div class="wrap"><div>{_publisher_block(self.publisher)}'
            f'<p class="kicker">{escape(t["index"])}</p>'
            f'<h1>{escape(t["site_h1"].format(first=years[0], last=years[-1]))}</h1></div>'
            f'<div>{lang_nav}</div></div></header>\n<main class="wrap">\n<p>{escape(t["site_intro"])}</p>\n'
        )
        if self.info.is_sample:
            parts.append(
                f'<p class="note"><strong>{escape(SAMPLE_LABEL[lang])}:</strong> {escape(SAMPLE_NOTE[lang])}</p>\n'
            )
        parts.append(
            f'<section id="editions" aria-labelledby="editions-title"><h2 id="editions-title">{escape(t["editions"])}</h2>'
            '<div class="table-scroll" role="region" tabindex="0" aria-labelledby="editions-title">'
            f'<table class="editions-list"><thead><tr><th scope="col">{escape(t["edition"])}</th>'
            f'<th scope="col" class="num">{escape(t["cities"])}</th><th scope="col">{escape(t["leader"])}</th>'
            f'<th scope="col" class="num">{escape(t["mean"])}</th></tr></thead><tbody>\n'
        )
        for y in sorted(years, reverse=True):
            rows = self.data["editions"].get(str(y), [])
            leaders = ", ".join(r["city"] for r in rows if r["rank"] == 1)
            mean = sum(r["score"] for r in rows) / len(rows) if rows else None
            href = _rel(here, report_dir(self.out, y, lang) / "index.html")
            parts.append(
                f'<tr><th scope="row"><a href="{href}" aria-label="{escape(t["open"].format(year=y))}">{y}</a></th>'
                f'<td class="num">{len(rows)}</td><td>{escape(leaders)}</td>'
                f'<td class="num">{_num(mean, lang)}</td></tr>\n'
            )
        parts.append("</tbody></table></div></section>\n</main>\n</body>\n</html>\n")
        return "".join(parts)


def write_site(out: Path, info: DataInfo, publisher: dict | None = None) -> list[Path]:
    """(Re)write every edition portal and the all-editions pages under ``out``."""
    data = load_portal_data(info, Path(out) / ".cache")
    return Site(out, info, data, publisher).write()
