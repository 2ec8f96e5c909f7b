"""Write tests/fixtures/official/: the Bitkom tables of one edition in the shapes users have them.

Every file is made from the bundled **sample** (data/scores.csv, partly modelled) and says so in
its title line; none of them is an official Bitkom publication. Run again after the sample changes:

    python scripts/make_official_fixtures.py            # edition 2025
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from smartcity import catalogue
from smartcity.dataset import read_bundled

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "official"
HEADER = ["Platz", "Tendenz", "Stadt", "Index"]
MARK = "Beispieldaten aus data/scores.csv, nicht amtlich"
#: (title of the table, category or "" for the overall ranking, file stem in the folder, encoding, newline)
TABLES = [
    ("Gesamtranking", "", "gesamt", "cp1252", "\r\n"),
    ("Verwaltung", "Verwaltung", "verwaltung", "utf-8-sig", "\n"),
    ("IT und Kommunikation", "IT und Kommunikation", "it-und-kommunikation", "utf-8", "\r\n"),
    ("Energie und Umwelt", "Energie und Umwelt", "energie-und-umwelt", "cp1252", "\n"),
    ("Mobilität", "Mobilität", "mobilitaet", "utf-8-sig", "\r\n"),
    ("Gesellschaft und Bildung", "Gesellschaft und Bildung", "gesellschaft-und-bildung", "utf-8", "\n"),
]
EXCERPT_RANKS = (1, 2, 40, 41)  # the four-row excerpt: the top two and Krefeld's neighbourhood
PRESS_RANKS = range(61, 71)  # a press excerpt: ranks 61-70 of every table
CITY = "Krefeld"


def tendency(value) -> str:
    """Rank change as Bitkom prints it: +2, -1, +0; "neu" for a city new in the edition."""
    if pd.isna(value):
        return "neu"
    return f"{int(value):+d}"


def points(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def table_rows(scores: pd.DataFrame, year: int, category: str) -> list[list[str]]:
    level = "category" if category else "overall"
    t = scores[(scores["year"] == year) & (scores["level"] == level) & (scores["category"] == category)]
    t = t.sort_values(["rank", "city"])
    return [[str(int(r.rank)), tendency(r.rank_change), r.city, points(r.score)] for r in t.itertuples()]


def csv_text(blocks: list[tuple[str | None, list[list[str]]]], newline: str = "\n") -> str:
    lines: list[str] = []
    for title, rows in blocks:
        if lines:
            lines.append("")
        if title:
            lines.append(title)
        lines.append(";".join(HEADER))
        lines += [";".join(r) for r in rows]
    return newline.join(lines) + newline


def write(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    print("wrote", path)


def main(year: int, out: Path = OUT) -> None:
    scores = read_bundled()
    readme = (out / "README.md").read_text(encoding="utf-8") if (out / "README.md").is_file() else None
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    if readme is not None:
        (out / "README.md").write_text(readme, encoding="utf-8")
    full = {title: table_rows(scores, year, cat) for title, cat, *_ in TABLES}

    # 1. the complete tables as one CSV, a title line per table
    write(
        out / f"bitkom_{year}.csv",
        csv_text([(f"Smart City Index {year} – {title} ({MARK})", rows) for title, rows in full.items()]),
    )

    # 2. the same as XLSX, one sheet per table with its title row
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in full.items():
        ws = wb.create_sheet(title[:31] if title != "Gesamtranking" else "Gesamt")
        ws.append([f"Smart City Index {year} – {title} ({MARK})"])
        ws.append(HEADER)
        for platz, tendenz, stadt, index in rows:
            ws.append([int(platz), tendenz, stadt, float(index.replace(",", "."))])
    wb.save(out / f"bitkom_{year}.xlsx")
    print("wrote", out / f"bitkom_{year}.xlsx")

    # 3. a folder of one CSV per table, no year anywhere, mixed encodings and line ends
    for title, _, stem, encoding, newline in TABLES:
        write(out / "tabellen" / f"{stem}.csv", csv_text([(f"{title} ({MARK})", full[title])], newline), encoding)

    # 4. the four-row excerpt of the overall ranking
    overall = full["Gesamtranking"]
    excerpt = [r for r in overall if int(r[0]) in EXCERPT_RANKS]
    write(out / f"gesamt_{year}.csv", csv_text([(None, excerpt)]))

    # 5. a press excerpt: ranks 61-70 of every table
    write(
        out / f"presse_{year}.csv",
        csv_text(
            [
                (
                    f"Smart City Index {year} – {title}, Plätze 61 bis 70 ({MARK})",
                    [r for r in rows if int(r[0]) in PRESS_RANKS],
                )
                for title, rows in full.items()
            ]
        ),
    )

    # 6. a city's own result sheet: its indicator scores (long format without a level column)
    ind = catalogue.indicators_for(year).set_index("id")
    mine = scores[(scores["year"] == year) & (scores["city"] == CITY) & (scores["level"] == "indicator")]
    lines = [
        f"{CITY}: Ergebnisse je Indikator, Smart City Index {year} ({MARK})",
        "Jahr;Stadt;Kategorie;Indikator;Punkte",
    ]
    for r in mine.sort_values(["category", "indicator"]).itertuples():
        lines.append(f"{year};{CITY};{r.category};{ind.at[r.indicator, 'name_de']};{points(r.score)}")
    write(out / f"{CITY.lower()}_indikatoren_{year}.csv", "\n".join(lines) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--out", type=Path, default=OUT, help=f"target folder (default: {OUT})")
    args = parser.parse_args()
    main(args.year, args.out)
