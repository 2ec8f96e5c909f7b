"""Official-format tables made from the bundled sample, and a runner for every report section.

The Bitkom site publishes one ranking table per level: the overall ranking and one per category,
each with the columns ``Platz;Tendenz;Stadt;Index``. :func:`bitkom_csv` writes such tables from
``data/scores.csv`` (sample values, clearly not official figures) so that tests can load them the
way a user would, through :func:`smartcity.dataset.load_dataset`.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from smartcity import catalogue
from smartcity.dataset import read_bundled

CATEGORY_NAMES = [c.name_de for c in catalogue.CATEGORIES]


def sample_table(year: int, category: str = "") -> pd.DataFrame:
    """One ranking of the bundled sample (overall when ``category`` is empty), best first."""
    s = read_bundled()
    level = "category" if category else "overall"
    t = s[(s["year"] == year) & (s["level"] == level) & (s["category"] == category)]
    return t.sort_values(["rank", "city"]).reset_index(drop=True)


def _tendency(value) -> str:
    if pd.isna(value):
        return "neu"
    v = int(value)
    return "±0" if v == 0 else f"{v:+d}"


def bitkom_csv(year: int, tables: dict[str, pd.DataFrame | None] | None = None, *,
               tendency: bool = True) -> str:
    """CSV text with one titled table per entry of ``tables`` (``""`` = overall ranking,
    else a category name; ``None`` = the full table of the sample)."""
    if tables is None:
        tables = {name: None for name in [""] + CATEGORY_NAMES}
    blocks = []
    for name, frame in tables.items():
        t = sample_table(year, name) if frame is None else frame
        title = f"Smart City Index {year} – {name or 'Gesamtranking'}"
        head = "Platz;Tendenz;Stadt;Index" if tendency else "Platz;Stadt;Index"
        lines = [title, head]
        for r in t.itertuples():
            score = f"{r.score:.1f}".replace(".", ",")
            cells = [str(int(r.rank))] + ([_tendency(r.rank_change)] if tendency else []) + [r.city, score]
            lines.append(";".join(cells))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
