"""Acceptance: the full batch (HTML, German and English) on official-format tables made from the sample.

The files are tests/fixtures/official/ (see the README there): the complete 2025 tables (overall and
five categories, 83 rows each), the four-row excerpt of the overall ranking and a folder of one CSV
per table without a year. Every requested report is built or skipped for a stated reason, and no
placeholder reaches a reader.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from smartcity.runner import cli

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL = ROOT / "tests" / "fixtures" / "official"
PLACEHOLDER = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|\{[a-z_]+\}|<NA>|&lt;NA&gt;")


def build(out: Path, *args: str, lang: str = "de") -> tuple[int, dict]:
    code = cli.main(["--out", str(out), "--format", "html", "--progress", "plain", "--lang", lang, *args])
    year_dir = out / "2025" / ("" if lang == "de" else lang)
    manifest = json.loads((year_dir / "manifest.json").read_text(encoding="utf-8"))
    return code, manifest


def reader_text(path: Path) -> str:
    """What a reader sees: the page without images, scripts and style sheets."""
    html = path.read_text(encoding="utf-8")
    html = re.sub(r'src="data:[^"]*"', "", html)
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return html


def problems(manifest: dict, year_dir: Path) -> list[str]:
    """Every failed report with its error, and every built report with a placeholder a reader would see."""
    out = []
    for e in sorted(manifest["reports"], key=lambda e: e["id"]):
        if e["status"] in ("failed", "timeout"):
            err = e.get("error") or {}
            out.append(
                f"{e['id']}: {e['status']} in cell {err.get('cell_index')}: {err.get('ename')}: "
                f"{str(err.get('message'))[:200]}"
            )
        elif e["status"] == "built":
            found = PLACEHOLDER.search(reader_text(year_dir / e["outputs"]["html"]["path"]))
            if found:
                out.append(f"{e['id']}: placeholder {found.group(0)!r}")
    return out


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_complete_official_tables_build_every_report(tmp_path, lang):
    out = tmp_path / "reports"
    code, m = build(out, "--data", str(OFFICIAL / "bitkom_2025.csv"), lang=lang)
    year_dir = out / "2025" / ("" if lang == "de" else lang)
    found = problems(m, year_dir)
    assert not found, f"{len(found)} reports with problems:\n" + "\n".join(found)
    assert code == 0 and Counter(e["status"] for e in m["reports"]) == {"built": 89}
    krefeld = reader_text(year_dir / "staedte" / "krefeld.html")
    assert ("Platz 41 von 83" if lang == "de" else "rank 41 of 83") in krefeld and "71" in krefeld


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_four_row_excerpt_builds_its_cities_and_skips_the_rest(tmp_path, lang):
    out = tmp_path / "reports"
    code, m = build(out, "--data", str(OFFICIAL / "gesamt_2025.csv"), lang=lang)
    year_dir = out / "2025" / ("" if lang == "de" else lang)
    found = problems(m, year_dir)
    assert not found, f"{len(found)} reports with problems:\n" + "\n".join(found)
    st = Counter(e["status"] for e in m["reports"])
    assert code == 0 and st == {"built": 5, "skipped": 84}  # four cities and the overview; no category tables
    krefeld = reader_text(year_dir / "staedte" / "krefeld.html")
    if lang == "de":
        assert "Platz 41 von 83" in krefeld and "71,4" in krefeld and "Platz 43" in krefeld
    else:
        assert "rank 41 of 83" in krefeld and "71.4" in krefeld and "rank 43" in krefeld


def test_a_folder_of_tables_without_a_year_builds_the_listed_cities_as_given(tmp_path):
    out = tmp_path / "reports"
    code, m = build(
        out,
        "--data",
        str(OFFICIAL / "tabellen"),
        "--year",
        "2025",
        "--city",
        "Krefeld",
        "--city",
        "Mülheim an der Ruhr",
    )
    found = problems(m, out / "2025")
    assert not found, f"{len(found)} reports with problems:\n" + "\n".join(found)
    assert code == 0 and Counter(e["status"] for e in m["reports"]) == {"built": 2}
    krefeld = reader_text(out / "2025" / "staedte" / "krefeld.html")
    assert "93,5" in krefeld  # Verwaltung: Platz 8 with 93,5 as given
