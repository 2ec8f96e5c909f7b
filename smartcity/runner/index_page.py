"""``reports/<year>/status.html``: the build status for staff, every report with links, status and timings.

The readers' page of the edition (``index.html``) is the portal (smartcity/runner/portal.py).

No external resources (works offline and from ``file://``); a few lines of inline JavaScript make the
tables sortable and filterable, and the page is fully usable without JavaScript.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from smartcity.runner.fsutil import atomic_write
from smartcity.runner.manifest import AVAILABLE, MANIFEST_NAME
from smartcity.sample_note import SAMPLE_LABEL, SAMPLE_NOTE

TEXT = {
    "de": {
        "title": "Smart City Index {year} – Berichte",
        "intro": "Alle Berichte der Ausgabe {year}: Stadt-, Kategorie- und Übersichtsberichte als HTML und PDF.",
        "edition": "Bundesweite Übersicht",
        "category": "Kategorien",
        "city": "Städte",
        "other": "Weitere Berichte",
        "report": "Bericht",
        "kind": "Art",
        "status": "Status",
        "duration": "Dauer",
        "built": "Erstellt",
        "files": "Dateien",
        "bundle": "Paket",
        "kind.city": "Stadt",
        "kind.category": "Kategorie",
        "kind.edition": "Übersicht",
        "st.built": "neu erstellt",
        "st.up_to_date": "aktuell",
        "st.skipped": "übersprungen",
        "st.failed": "Fehler",
        "st.timeout": "Zeitüberschreitung",
        "reason.no-city-data": "Die Daten enthalten für diese Stadt keine Zahlen dieser Ausgabe.",
        "reason.no-category-data": "Die Daten enthalten keine Tabelle dieser Kategorie.",
        "reason.no-field-data": "Die Daten enthalten weder Gesamt- noch Kategoriewerte dieser Ausgabe.",
        "filter": "Berichte filtern …",
        "summary": "{total} Berichte: {ok} verfügbar, {skipped} übersprungen (keine Daten), {bad} fehlgeschlagen.",
        "data": "Datenquelle",
        "generated": "Stand",
        "notebook": "ausgeführtes Notebook",
        "cell": "Zelle",
        "sort": "Zum Sortieren auf eine Spaltenüberschrift klicken.",
        "other_lang": "English version",  # the link to the other tree, in its language
        "portal": "Zur Rangliste (Portal)",
    },
    "en": {
        "title": "Smart City Index {year} – Reports",
        "intro": "All reports of the {year} edition: city, category and overview reports as HTML and PDF.",
        "edition": "National overview",
        "category": "Categories",
        "city": "Cities",
        "other": "Other reports",
        "report": "Report",
        "kind": "Kind",
        "status": "Status",
        "duration": "Duration",
        "built": "Built",
        "files": "Files",
        "bundle": "Bundle",
        "kind.city": "City",
        "kind.category": "Category",
        "kind.edition": "Overview",
        "st.built": "built",
        "st.up_to_date": "up to date",
        "st.skipped": "skipped",
        "st.failed": "failed",
        "st.timeout": "timed out",
        "reason.no-city-data": "The data holds no figures of this edition for this city.",
        "reason.no-category-data": "The data holds no table of this category.",
        "reason.no-field-data": "The data holds neither overall nor category scores of this edition.",
        "filter": "Filter reports …",
        "summary": "{total} reports: {ok} available, {skipped} skipped (no data), {bad} failed.",
        "data": "Data source",
        "generated": "Generated",
        "notebook": "executed notebook",
        "cell": "cell",
        "sort": "Click a column heading to sort.",
        "other_lang": "Deutsche Fassung",
        "portal": "To the ranking (portal)",
    },
}

CSS = """
:root{--fg:#1d2733;--muted:#5b6875;--line:#d9dee4;--accent:#005eb8;--ok:#146c2e;--bad:#b42318;--bg:#f6f8fa}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 "DejaVu Sans",Arial,Helvetica,sans-serif;color:var(--fg);background:#fff}
header{background:var(--accent);color:#fff;padding:1.4rem 2rem}header h1{margin:0;font-size:1.6rem}
header p{margin:.3rem 0 0;opacity:.9}header a{color:#fff}main{max-width:72rem;margin:0 auto;padding:1rem 2rem 3rem}
.note{background:#fff4e5;border-left:4px solid #e8a33d;padding:.6rem 1rem;margin:1rem 0}
.summary{color:var(--muted)}input[type=search]{width:100%;max-width:24rem;padding:.45rem .6rem;border:1px solid var(--line);border-radius:4px;font:inherit}
h2{margin-top:2rem;font-size:1.25rem;border-bottom:2px solid var(--accent);padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin-top:.5rem}th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--bg);font-weight:600;white-space:nowrap}th[data-sort]{cursor:pointer}th[data-sort]:after{content:" \\2195";color:var(--muted);font-size:.8em}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}a{color:var(--accent)}
.st{display:inline-block;padding:0 .5rem;border-radius:1rem;font-size:.85em;white-space:nowrap}
.st-built,.st-up_to_date{background:#e6f4ea;color:var(--ok)}.st-skipped{background:#eef1f4;color:var(--muted)}.st-failed,.st-timeout{background:#fdecea;color:var(--bad)}
.err{color:var(--bad);font-size:.85em;margin-top:.2rem;white-space:pre-wrap}.why{color:var(--muted);font-size:.85em;margin-top:.2rem}.links a{margin-right:.6rem}
footer{color:var(--muted);font-size:.85em;margin-top:3rem}tr.hidden{display:none}
@media print{header{background:none;color:var(--fg)}input{display:none}}
"""

JS = """
document.querySelectorAll('table.reports').forEach(function(table){
  table.querySelectorAll('th[data-sort]').forEach(function(th, col){
    th.addEventListener('click', function(){
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th').forEach(function(h){ h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var idx = th.cellIndex, num = th.dataset.sort === 'num';
      rows.sort(function(a, b){
        var x = a.cells[idx].dataset.value || a.cells[idx].textContent.trim();
        var y = b.cells[idx].dataset.value || b.cells[idx].textContent.trim();
        var r = num ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y, document.documentElement.lang);
        return asc ? r : -r;
      });
      rows.forEach(function(r){ body.appendChild(r); });
    });
  });
});
var box = document.getElementById('filter');
if (box) box.addEventListener('input', function(){
  var q = box.value.toLowerCase();
  document.querySelectorAll('table.reports tbody tr').forEach(function(tr){
    tr.classList.toggle('hidden', q && tr.textContent.toLowerCase().indexOf(q) < 0);
  });
});
"""


def _group(e: dict) -> str:
    if not e.get("standard", True):
        return "other"
    return e.get("kind", "other")


def render_index(m: dict, lang: str = "de", other_lang: tuple[str, str] | None = None) -> str:
    """The page for one language tree; `other_lang` is (language, relative link) of the other tree's page."""
    t = TEXT.get(lang, TEXT["de"])
    year = m.get("year")
    entries = m.get("reports", [])
    ok = sum(1 for e in entries if e.get("status") in AVAILABLE)
    skipped = sum(1 for e in entries if e.get("status") == "skipped")
    bad = len(entries) - ok - skipped
    parts = [
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="icon" href="data:,">\n'
        f'<title>{escape(t["title"].format(year=year))}</title>\n<style>{CSS}</style>\n</head>\n<body>\n'
        f'<header><h1>{escape(t["title"].format(year=year))}</h1>'
        f'<p>{escape(t["intro"].format(year=year))}</p>{_other_lang_link(other_lang, t)}'
        f'<p><a href="index.html">{escape(t["portal"])}</a></p></header>\n<main>\n'
    ]
    data = m.get("data") or {}
    if data.get("is_sample"):
        sample_lang = lang if lang in SAMPLE_NOTE else "de"
        parts.append(f'<p class="note">{escape(SAMPLE_LABEL[sample_lang])}: {escape(SAMPLE_NOTE[sample_lang])}</p>\n')
    parts.append(
        f'<p class="summary">{escape(t["summary"].format(total=len(entries), ok=ok, skipped=skipped, bad=bad))} '
        f'{escape(t["sort"])}</p>\n'
    )
    parts.append(
        f'<p><input type="search" id="filter" placeholder="{escape(t["filter"])}" '
        f'aria-label="{escape(t["filter"])}"></p>\n'
    )
    for group in ("edition", "category", "city", "other"):
        rows = [e for e in entries if _group(e) == group]
        if not rows:
            continue
        parts.append(f'<section id="{group}">\n<h2>{escape(t[group])} ({len(rows)})</h2>\n')
        parts.append(
            '<table class="reports">\n<thead><tr>'
            f'<th data-sort="text" scope="col">{escape(t["report"])}</th>'
            f'<th data-sort="text" scope="col">{escape(t["kind"])}</th>'
            f'<th scope="col">{escape(t["files"])}</th>'
            f'<th data-sort="text" scope="col">{escape(t["status"])}</th>'
            f'<th data-sort="num" scope="col">{escape(t["duration"])}</th>'
            f'<th data-sort="text" scope="col">{escape(t["built"])}</th>'
            '</tr></thead>\n<tbody>\n'
        )
        for e in sorted(rows, key=lambda e: (e.get("title") or "").casefold()):
            parts.append(_row(e, t))
        parts.append("</tbody>\n</table>\n</section>\n")
    versions = m.get("versions") or {}
    src = data.get("source") or ""
    names = [Path(f).name for f in data.get("files") or []] or ([Path(src).name] if src else ["–"])
    parts.append(
        f'<footer><p>{escape(t["data"])}: {escape(", ".join(names))} '
        f'(sha256 {escape((data.get("checksum") or "")[:12])}) · {escape(t["generated"])}: '
        f'{escape(str(m.get("generated", ""))[:16].replace("T", " "))} · smartcity '
        f'{escape(str(versions.get("smartcity", "")))}</p></footer>\n'
    )
    parts.append(f"</main>\n<script>{JS}</script>\n</body>\n</html>\n")
    return "".join(parts)


def _row(e: dict, t: dict) -> str:
    status = e.get("status", "failed")
    title = escape(e.get("title") or e.get("id"))
    sub = e.get("notebook_title") if not e.get("standard", True) else ""
    outputs = e.get("outputs") or {}
    ok = status in AVAILABLE
    links = []
    if ok:
        for fmt in ("html", "pdf"):
            if fmt in outputs:
                links.append(f'<a href="{escape(outputs[fmt]["path"])}">{fmt.upper()}</a>')
        if e.get("bundle"):
            links.append(f'<a href="{escape(e["bundle"]["path"])}">{escape(t["bundle"])} (ZIP)</a>')
    main_link = f'<a href="{escape(outputs["html"]["path"])}">{title}</a>' if ok and "html" in outputs else title
    err = ""
    if not ok and e.get("error"):
        x = e["error"]
        where = f'{t["cell"]} {x.get("cell_index")}: ' if x.get("cell_index") is not None else ""
        err = f'<div class="err">{escape(where)}{escape(str(x.get("ename")))}: {escape(str(x.get("message"))[:300])}</div>'
        if e.get("failed_notebook"):
            err += f'<div class="err"><a href="{escape(e["failed_notebook"])}">{escape(t["notebook"])}</a></div>'
    if status == "skipped":
        reason = t.get(f"reason.{e.get('reason_code')}") or e.get("reason") or ""
        err = f'<div class="why">{escape(reason)}</div>' if reason else ""
    kind = t.get(f"kind.{e.get('kind')}", e.get("kind", ""))
    dur = float(e.get("build_duration") or e.get("duration") or 0)
    built = str(e.get("built_at") or "")[:16].replace("T", " ")
    return (
        f'<tr data-status="{escape(status)}"><td data-value="{escape((e.get("title") or "").casefold())}">'
        f'{main_link}{("<br><small>" + escape(sub) + "</small>") if sub else ""}{err}</td>'
        f'<td>{escape(kind)}</td><td class="links">{" ".join(links) or "–"}</td>'
        f'<td><span class="st st-{escape(status)}">{escape(t.get("st." + status, status))}</span></td>'
        f'<td class="num" data-value="{dur:.2f}">{"–" if status == "skipped" else f"{dur:.1f} s"}</td><td>{escape(built)}</td></tr>\n'
    )


def _other_lang_link(other_lang: tuple[str, str] | None, t: dict) -> str:
    if other_lang is None:
        return ""
    lang, href = other_lang
    return f'<p><a href="{escape(href)}" hreflang="{lang}" lang="{lang}">{escape(t["other_lang"])}</a></p>'


STATUS_PAGE = "status.html"


def write_index(year_dir: Path, m: dict, lang: str = "de") -> Path:
    """Write this tree's status page; when the edition has both a German and an English tree
    (`reports/<year>/` and `reports/<year>/en/`), both pages link to each other."""
    year_dir = Path(year_dir)
    if lang not in ("de", "en"):
        return atomic_write(year_dir / STATUS_PAGE, render_index(m, lang))
    other_lang, other_dir, href, back = (
        ("en", year_dir / "en", f"en/{STATUS_PAGE}", f"../{STATUS_PAGE}")
        if lang == "de"
        else ("de", year_dir.parent, f"../{STATUS_PAGE}", f"en/{STATUS_PAGE}")
    )
    other_manifest = other_dir / MANIFEST_NAME
    if not other_manifest.is_file():
        return atomic_write(year_dir / STATUS_PAGE, render_index(m, lang))
    path = atomic_write(year_dir / STATUS_PAGE, render_index(m, lang, (other_lang, href)))
    other = json.loads(other_manifest.read_text(encoding="utf-8"))
    atomic_write(other_dir / STATUS_PAGE, render_index(other, other_lang, (lang, back)))
    return path
