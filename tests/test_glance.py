""" "Auf einen Blick": every statement on the page is the same fact the report's sections state."""

from __future__ import annotations

import re

import pytest

from smartcity import analysis as an
from smartcity import narrative
from smartcity.glance import at_a_glance
from smartcity.report import CityReport, dataset


@pytest.fixture(scope="module")
def ds():
    return dataset()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    "city, year, lang",
    [("Krefeld", 2025, "de"), ("Leverkusen", 2025, "en"), ("München", 2024, "de"), ("Bochum", 2021, "en")],
)
def test_glance_states_the_sections_facts(ds, city, year, lang):
    g = at_a_glance(ds, city, year, lang)
    h = an.headline(ds, city, year)
    text = _text(g.html)
    assert g.facts["rank"] == h.rank and g.facts["score"] == h.score
    rank_word = "Platz" if lang == "de" else "Rank"
    assert f"{rank_word} {h.rank} " in text
    prof = an.category_profile(ds, city, year, lang)
    best = prof.loc[prof["rank"].astype(int).idxmin()]
    assert g.facts["best_category"]["rank"] == int(best["rank"])
    assert g.facts["weakest_category"]["rank"] == int(prof["rank"].astype(int).max())
    # the levers are the first three of the levers section's text, in the same order
    lv_text = narrative.levers_text(ds, city, year, lang)
    names = [x["name"] for x in g.facts["levers"]]
    assert names == list(lv_text.facts["top"]["name"][:3])
    positions = [lv_text.text.index(n) for n in names]
    assert positions == sorted(positions)
    pr = an.peers(ds, city, year)
    for kind, fact in g.facts["peers"].items():
        assert fact["peer_rank"] == pr.groups[kind].peer_rank and fact["n"] == pr.groups[kind].n


def test_krefeld_2025_seed_figures(ds):
    text = _text(at_a_glance(ds, "Krefeld", 2025, "de").html)
    for expected in (
        "Platz 41",
        "von 83 Städten",
        "71,4",
        "+2",
        "Plätze gegenüber 2024",
        "Verwaltung: Platz 8 von 83, 93,5 Punkte",
    ):
        assert expected in text


def test_first_edition_has_nothing_to_compare(ds):
    g = at_a_glance(ds, "Krefeld", min(ds.years), "de")
    assert "keine Vorjahresausgabe" in _text(g.html) and "gegenüber" not in _text(g.html)


def test_custom_peers_come_first(ds):
    g = at_a_glance(ds, "Krefeld", 2025, "de", peers=["Düsseldorf", "Duisburg", "Neuss"])
    assert list(g.facts["peers"])[0] == "custom"
    assert "in der gewählten Vergleichsgruppe von 4 Städten" in _text(g.html)


def test_report_method_and_notebook_cell(ds):
    import json
    from pathlib import Path

    r = CityReport("Krefeld", 2025)
    assert r.at_a_glance()._repr_html_().startswith('<section class="at-a-glance"')
    nb = json.loads((Path(__file__).resolve().parent.parent / "notebooks" / "city_report.ipynb").read_text())
    sources = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert sources.index("r.at_a_glance()") < sources.index("r.summary()")
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")


OFFICIAL = "tests/fixtures/official"


@pytest.mark.parametrize(
    "files, city",
    [
        (["gesamt_2025.csv"], "Krefeld"),
        (["presse_2025.csv"], "Bottrop"),
        (["presse_2025.csv"], "Hamm"),
        (["tabellen/mobilitaet.csv"], "Krefeld"),
    ],
)
@pytest.mark.parametrize("lang", ["de", "en"])
def test_on_excerpts_the_page_states_only_what_the_data_holds(files, city, lang):
    data = [f"{OFFICIAL}/{f}" for f in files]
    ds = dataset(data, year=2025)
    g = at_a_glance(ds, city, 2025, lang)
    text = _text(re.sub(r"<img[^>]*>", "", g.html))
    assert not re.search(r"\bNone\b|\bnan\b|\{[a-z_]+\}", text)
    prof = an.category_profile(ds, city, 2025, lang)
    if prof["rank"].notna().sum() < 5:  # "strongest" of the categories present would be a claim about the rest
        assert g.facts["best_category"] is None and ("Stärkste" not in text and "Strongest" not in text)
    try:
        h = an.headline(ds, city, 2025)
    except an.NoData:
        assert g.facts["rank"] is None and ("kein Platz" in text or "no place" in text)
    else:
        assert g.facts["rank"] == h.rank and ("von 83" in text or "of 83" in text)
        if h.median is None:
            assert "Median" not in text.split("Kategorie")[0] and "median" not in text.split("categor")[0]
