"""``--bundle``: per city a zip with its PDF, HTML and a CSV of its figures, ready to send to a council.

``reports/<year>/pakete/<city-slug>.zip`` contains ``<slug>.pdf``, ``<slug>.html``,
``<slug>-werte.csv`` (the city's rows of ``Dataset.scores`` for that edition) and a short README.
Zips are deterministic (fixed timestamps) and rebuilt only when a member changes.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from smartcity.runner import fingerprint
from smartcity.runner.datainfo import load_dataset_of
from smartcity.runner.fsutil import output_intact, write_output

BUNDLE_DIR = "pakete"

README = {
    "de": (
        "Smart City Index {year} – {city}\n\n"
        "{slug}.pdf        Stadtbericht (PDF, zum Drucken)\n"
        "{slug}.html       Stadtbericht (HTML, im Browser öffnen)\n"
        "{slug}-werte.csv  alle Werte der Stadt in der Ausgabe {year} (Gesamt, Kategorien, Indikatoren;\n"
        "                  Semikolon-getrennt, Dezimalkomma, UTF-8)\n\n{note}\n"
    ),
    "en": (
        "Smart City Index {year} – {city}\n\n"
        "{slug}.pdf        city report (PDF, for print)\n"
        "{slug}.html       city report (HTML, open in a browser)\n"
        "{slug}-werte.csv  all of the city's figures in the {year} edition (overall, categories, indicators;\n"
        "                  comma-separated, UTF-8)\n\n{note}\n"
    ),
}
NOTE = {
    "de": {True: "Hinweis: Beispieldaten – die Werte sind modelliert, keine veröffentlichten Ergebnisse.", False: ""},
    "en": {True: "Note: sample data – the values are modelled, not published results.", False: ""},
}


def city_csv(scores, year: int, city: str, lang: str = "de") -> bytes:
    rows = scores[(scores["year"] == year) & (scores["city"] == city)]
    order = {"overall": 0, "category": 1, "indicator": 2}
    rows = rows.assign(_o=rows["level"].map(order)).sort_values(["_o", "category", "indicator"]).drop(columns="_o")
    if lang == "de":
        text = rows.to_csv(index=False, sep=";", decimal=",")
    else:
        text = rows.to_csv(index=False)
    return ("\ufeff" + text).encode("utf-8")


def make_zip(members: list[tuple[str, bytes]], year: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(max(1980, year), 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue()


def build_bundles(build, city_jobs) -> int:
    """Write the zips for ``city_jobs`` (standard city reports that exist); record them in the manifest entries."""
    yd: Path = build.year_dir
    info = build.info
    todo = []
    for job in city_jobs:
        entry = build.entries[job.id]
        outs = entry.get("outputs") or {}
        key = fingerprint.digest(
            [info.checksum, {f: o["sha256"] for f, o in outs.items()}, job.scope_name, job.lang, "bundle-1"]
        )
        rel = f"{BUNDLE_DIR}/{job.scope_slug}.zip"
        old = entry.get("bundle") or {}
        if not build.opts.force and old.get("key") == key and old.get("path") == rel and output_intact(yd, old):
            continue
        todo.append((job, entry, key, rel))
    if not todo:
        return 0
    scores = load_dataset_of(info).scores
    for job, entry, key, rel in todo:
        slug = job.scope_slug
        members = []
        outs = entry.get("outputs") or {}
        for fmt in ("pdf", "html"):
            if fmt in outs:
                members.append((f"{slug}.{fmt}", (yd / outs[fmt]["path"]).read_bytes()))
        members.append((f"{slug}-werte.csv", city_csv(scores, job.year, job.scope_name, job.lang)))
        lang = job.lang if job.lang in README else "de"
        members.append(
            (
                "README.txt",
                README[lang]
                .format(year=job.year, city=job.scope_name, slug=slug, note=NOTE[lang][bool(info.is_sample)])
                .encode("utf-8"),
            )
        )
        data = make_zip(members, job.year)
        entry["bundle"] = dict(write_output(yd, rel, data), key=key)
        build.progress.log(f"bundle  {rel}")
    return len(todo)
