"""Narrative tests on hand-made datasets: every stated number and direction follows the data."""

import re

import pandas as pd
import pytest

from smartcity import narrative as nv

from analysis_fixtures import CATS, TWELVE, lever_dataset, overall_dataset, small_field, streak_dataset


def _stems(lang):
    return nv.phrasebook(lang)["check"]


def _directions(text, lang):
    return {d for d, stems in _stems(lang).items() if any(s in text for s in stems)}


def _keys(d, prefix=""):
    out = set()
    for k, v in d.items():
        if isinstance(v, dict) and k != "size_labels":
            out |= _keys(v, f"{prefix}{k}.")
        else:
            out.add(prefix + k)
    return out


def test_phrase_tables_have_the_same_keys():
    assert _keys(nv.phrasebook("de")) == _keys(nv.phrasebook("en"))


def test_headline_up_german_and_english():
    ds = overall_dataset({2024: dict(TWELVE, Krefeld=58.0), 2025: TWELVE})
    n = nv.headline_text(ds, "Krefeld", 2025)
    assert n.text.startswith("Krefeld") or "Krefeld" in n.text.split(".")[0]
    assert "Platz 8 von 12" in n.text and "62,0 Punkte" in n.text
    assert "um 2 Plätze" in n.text and _directions(n.text, "de") == {"up"}
    assert "##" not in n.text
    assert n.facts["rank"] == 8 and n.facts["rank_change"] == 2
    e = nv.headline_text(ds, "Krefeld", 2025, "en")
    assert "rank 8 of 12" in e.text and "62.0 points" in e.text and "by 2 places" in e.text
    assert _directions(e.text, "en") == {"up"}


def test_headline_same_is_never_an_improvement():
    ds = overall_dataset({2024: TWELVE, 2025: dict(TWELVE, Krefeld=62.5)})
    for lang in ("de", "en"):
        n = nv.headline_text(ds, "Krefeld", 2025, lang)
        assert _directions(n.text, lang) == {"same"}, n.text
    assert (
        "hält" in nv.headline_text(ds, "Krefeld", 2025).text
        or "unverändert" in nv.headline_text(ds, "Krefeld", 2025).text
    )


def test_headline_down_one_place_and_relative_note():
    # Krefeld gains points but Mönchengladbach overtakes: rank drops by one place
    ds = overall_dataset({2024: TWELVE, 2025: dict(TWELVE, Krefeld=63.0, Mönchengladbach=64.0)})
    n = nv.headline_text(ds, "Krefeld", 2025)
    assert "um 1 Platz" in n.text and "um 1 Plätze" not in n.text
    assert _directions(n.text, "de") == {"down"}
    assert "relativ" in n.text or "Vergleich" in n.text  # explains why more points can mean a worse rank
    e = nv.headline_text(ds, "Krefeld", 2025, "en")
    assert "by 1 place" in e.text and _directions(e.text, "en") == {"down"}


def test_headline_tie_and_new_city():
    ds = overall_dataset({2024: TWELVE, 2025: dict(TWELVE, Cottbus=62.0)})
    n = nv.headline_text(ds, "Cottbus", 2025)
    assert "teilt sich" in n.text and "Krefeld" in n.text
    assert _directions(n.text, "de") == set()
    assert "ersten" in n.text or "erste" in n.text
    e = nv.headline_text(ds, "Cottbus", 2025, "en")
    assert "shares" in e.text and "first" in e.text


def test_headline_heading_on_request():
    ds = overall_dataset({2025: TWELVE})
    assert nv.headline_text(ds, "Krefeld", 2025, heading=True).text.startswith("## Gesamtergebnis\n\n")
    assert nv.headline_text(ds, "Krefeld", 2025, "en", heading=True).text.startswith("## Overall result")


def test_profile_best_category_and_tie():
    ds = small_field()
    n = nv.profile_text(ds, "Krefeld", 2025)
    assert "Verwaltung" in n.text.split(".")[0] and "Platz 1" in n.text and "100,0 Punkte" in n.text
    assert n.facts["strongest"] == ["Verwaltung"]
    # IT and Mobility are tied for the worst rank: both are named, joined unambiguously
    assert "IT und Kommunikation sowie Mobilität" in n.text
    cats = {2025: {c: {k: 60.0 for k in CATS} for c in TWELVE}}
    cats[2025]["Krefeld"] = {
        "Verwaltung": 95.0,
        "IT und Kommunikation": 95.0,
        "Energie und Umwelt": 40.0,
        "Mobilität": 50.0,
        "Gesellschaft und Bildung": 55.0,
    }
    ds2 = overall_dataset({2025: TWELVE}, categories=cats)
    t = nv.profile_text(ds2, "Krefeld", 2025)
    assert t.facts["strongest_tie"] and set(t.facts["strongest"]) == {"Verwaltung", "IT und Kommunikation"}
    assert "Verwaltung" in t.text and "IT und Kommunikation" in t.text and "Platz 1" in t.text
    assert "Energie und Umwelt" in t.text


def test_strengths_full_marks_shared_and_weakest():
    ds = small_field()
    n = nv.strengths_text(ds, "Krefeld", 2025)
    assert "„Online-Services“" in n.text and "„Online-Terminvergabe“" in n.text
    assert "8 von 9" in n.text  # the shared top score is called shared
    assert "„Glasfaser“ (30,0)" in n.text
    weakest = list(n.facts["weakest_indicators"]["name"])
    assert all(f"„{w}“" in n.text for w in weakest)
    e = nv.strengths_text(ds, "Krefeld", 2025, "en")
    assert "“Fibre optics” (30.0)" in e.text and "8 of 9" in e.text


def test_strengths_partial_data():
    ds = overall_dataset({2025: TWELVE})
    n = nv.strengths_text(ds, "Krefeld", 2025)
    assert n.facts["has_indicators"] is False and "keine Werte auf Indikatorebene" in n.text


def test_trend_streak_and_caveats():
    n = nv.trend_text(streak_dataset(), "Krefeld", 2025)
    assert "fünfte" in n.text or "fünften" in n.text
    assert "Platz 7 auf Platz 3" in n.text
    assert "beste Platzierung" in n.text
    assert "Gesellschaft und Bildung" in n.text and "96 Parameter" in n.text
    e = nv.trend_text(streak_dataset(), "Krefeld", 2025, "en")
    assert "fifth" in e.text and "rank 7 to rank 3" in e.text


def test_trend_single_edition():
    ds = overall_dataset({2024: TWELVE, 2025: dict(TWELVE, Cottbus=40.0)})
    n = nv.trend_text(ds, "Cottbus", 2025)
    # the headline says it is the first participation; the trend section does not repeat it
    assert n.facts["has_trend"] is False and "zum ersten Mal" not in n.text and "einzigen Ausgabe" in n.text
    assert "single edition" in nv.trend_text(ds, "Cottbus", 2025, "en").text
    # 2024 opens this dataset but not the index (2019): the text says what the data lacks
    text = nv.trend_text(ds, "Krefeld", 2024).text
    assert "erste Ausgabe des Index" not in text and "nur die Ausgabe 2024" in text


def test_trend_newcomers_named():
    ds = overall_dataset({2024: TWELVE, 2025: dict(TWELVE, Cottbus=40.0)})
    n = nv.trend_text(ds, "Krefeld", 2025)
    assert "neu hinzugekommen ist 2025 Cottbus" in n.text
    assert "Cottbus (from 2025)" in nv.trend_text(ds, "Krefeld", 2025, "en").text


def test_peers_text():
    ds = small_field()
    n = nv.peers_text(ds, "Krefeld", 2025, peers=["Köln", "Düsseldorf"])
    assert "Nordrhein-Westfalen" in n.text and "Platz 3 von 7" in n.text
    assert "Köln und Düsseldorf" in n.text
    e = nv.peers_text(ds, "Krefeld", 2025, lang="en")
    assert "North Rhine-Westphalia" in e.text


def test_levers_text():
    n = nv.levers_text(lever_dataset(), "Krefeld", 2025, peers=["A", "B", "C"])
    assert "„Online-Services“" in n.text and "Modellrechnung" in n.text
    top = n.facts["top"].iloc[0]
    assert f"Platz {int(top['new_rank'])}" in n.text
    assert "keine Indikatorwerte" in nv.levers_text(overall_dataset({2025: TWELVE}), "Krefeld", 2025).text


def test_category_and_national_text():
    ds = small_field()
    c = nv.category_text(ds, "Verwaltung", 2025)
    assert "Krefeld" in c.text and "100,0 Punkten" in c.text
    assert "Kategorie Verwaltung" in nv.category_text(ds, "Verwaltung", 2025, heading=True).text.splitlines()[0]
    n = nv.national_text(ds, 2025)
    assert "München" in n.text and "Cottbus" in n.text
    english = nv.national_text(ds, 2025, "en").text  # English names where English has one
    assert "Munich" in english and "München" not in english and "Cologne" in english
    ds2 = overall_dataset({2024: TWELVE, 2025: TWELVE})
    assert "Platz 10" in nv.national_text(ds2, 2025).text


def test_city_summary_has_sections():
    s = nv.city_summary(small_field(), "Krefeld", 2025)
    assert s.text.count("## ") == 5
    assert set(s.facts) == {"headline", "profile", "strengths", "trend", "peers"}
    assert s._repr_markdown_() == str(s)


def test_unknown_city_raises_with_suggestion():
    from smartcity.analysis import CityNotFound

    with pytest.raises(CityNotFound, match="Krefeld"):
        nv.headline_text(small_field(), "Krefelt", 2025)


def test_no_unfilled_placeholders():
    ds = small_field()
    for lang in ("de", "en"):
        for fn in (nv.headline_text, nv.profile_text, nv.strengths_text, nv.trend_text, nv.peers_text, nv.levers_text):
            for city in ("Krefeld", "Cottbus", "München", "Leverkusen"):
                text = fn(ds, city, 2025, lang=lang).text
                assert not re.search(r"\{[a-z_]+\}", text), text


def test_levers_text_lists_levers_by_effect():
    from smartcity.report import dataset

    ds = dataset()
    for lang in ("de", "en"):
        n = nv.levers_text(ds, "Krefeld", 2025, lang)
        top = n.facts["top"]
        keys = list(zip(-top["ranks_gained"], top["delta"]))
        assert keys == sorted(keys)
        pos = [n.text.index(name) for name in top["name"]]
        assert pos == sorted(pos)


def test_levers_by_effect_and_at_most_one_place():
    top = pd.DataFrame(
        {
            "name": ["a", "b", "c", "d"],
            "target": ["max"] * 4,
            "ranks_gained": [2, 1, 2, 2],
            "delta": [10.0, 1.0, 4.0, 4.0],
            "score_gain": [0.5, 0.9, 0.7, 0.8],
        }
    )
    # most places first; at equal places the fewest points, then the larger overall gain
    assert list(nv.levers_by_effect(top)["name"]) == ["d", "c", "a", "b"]
    from smartcity.report import dataset

    ds = dataset()
    # Essen 2025: "Smarter ÖPNV" gains 3 places, so "no single lever" must not be said
    essen = nv.levers_text(ds, "Essen", 2025).text
    assert "Kein einzelner Indikator" not in essen and "„Smarter ÖPNV“" in essen
    assert "Kein einzelner Indikator" not in nv.levers_text(ds, "Krefeld", 2025).text  # +3 places possible
    assert "Kein einzelner Indikator" not in nv.levers_text(ds, "Hamburg", 2025).text  # rank 2: one place is all
    for lang in ("de", "en"):  # the sentence is said exactly when no lever gains more than one place
        for city in ("Essen", "Krefeld", "Augsburg", "Leverkusen", "Bonn", "Kiel"):
            n = nv.levers_text(ds, city, 2025, lang)
            at_most_one = n.facts["top"]["ranks_gained"].max() <= 1 and n.facts["rank"] > 2
            phrase = "Kein einzelner Indikator" if lang == "de" else "no single indicator gains"
            assert (phrase in n.text) == bool(at_most_one), (city, lang)


def test_parentheses_inside_parentheses_become_brackets():
    assert nv._inner_brackets("Bis Platz 73 (Halle (Saale)) fehlen") == "Bis Platz 73 (Halle [Saale]) fehlen"
    assert nv._inner_brackets("Halle (Saale) und Platz 3 (Bonn)") == "Halle (Saale) und Platz 3 (Bonn)"
