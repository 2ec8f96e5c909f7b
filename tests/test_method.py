import pandas as pd
import pytest

from smartcity import catalogue, method

CATS = [c.name_de for c in catalogue.CATEGORIES]


def test_round1_is_half_up():
    assert method.round1(70.25) == 70.3
    assert method.round1(70.24) == 70.2
    assert method.round1(0.05) == 0.1


def test_minmax_best_is_100_worst_is_0():
    raw = pd.Series({"A": 6.9, "B": 3.0, "C": 0.1})
    scaled = method.minmax(raw)
    assert scaled["A"] == 100 and scaled["C"] == 0
    assert scaled["B"] == pytest.approx(42.6)


def test_minmax_all_equal_gives_everyone_100_and_keeps_missing():
    raw = pd.Series({"A": 2.0, "B": 2.0, "C": None})
    scaled = method.minmax(raw)
    assert scaled["A"] == scaled["B"] == 100
    assert pd.isna(scaled["C"])


def test_competition_rank_shares_best_rank_on_ties():
    ranks = method.competition_rank(pd.Series({"A": 90.0, "B": 85.0, "C": 85.0, "D": 70.0}))
    assert list(ranks) == [1, 2, 2, 4]


@pytest.mark.parametrize(
    "categories, published",
    [
        ((67.5, 65.1, 81.0, 61.2, 76.6), 70.3),  # Koblenz 2025
        ((83.7, 55.3, 56.4, 75.5, 79.3), 70.0),  # Karlsruhe 2020
        ((66.6, 82.0, 57.3, 72.4, 86.9), 73.0),  # Köln 2020
        ((93.5, 75.6, 60.5, 60.7, 66.8), 71.4),  # Krefeld 2025
    ],
)
def test_overall_is_plain_mean_of_categories(categories, published):
    table = pd.DataFrame([categories], columns=CATS, index=["X"])
    assert method.overall_scores(table)["X"] == published


def test_overall_missing_when_a_category_is_missing():
    table = pd.DataFrame([(90.0, 80.0, None, 70.0, 60.0)], columns=CATS, index=["X"])
    assert pd.isna(method.overall_scores(table)["X"])


def test_krefeld_verwaltung_indicators_give_published_category_score():
    meta = catalogue.indicators_for(2025).set_index("id")
    names = {
        "Interne Prozesse": 100.0,
        "Payment": 100.0,
        "Online-Terminvergabe": 100.0,
        "OZG-Leistungen": 100.0,
        "Website und Social Media": 94.7,
        "Serviceportal": 87.5,
        "Bevölkerungsanliegen": 70.0,
        "Sonstige Projekte Verwaltung": 35.0,
    }
    row = {catalogue.resolve_indicator(n, 2025): v for n, v in names.items()}
    wide = pd.DataFrame([row], index=["Krefeld"])
    result = method.category_scores(wide, meta["weight"], meta["category"])
    assert result.at["Krefeld", "Verwaltung"] == 93.5


def _frame(rows):
    return pd.DataFrame(rows, columns=["year", "city", "level", "category", "indicator", "score"])


def test_complete_fills_overall_ranks_and_changes():
    rows = []
    for year, scores in ((2024, {"A": 60, "B": 70, "C": 50}), (2025, {"A": 80, "B": 70, "C": 50})):
        for city, s in scores.items():
            rows += [(year, city, "category", cat, "", float(s)) for cat in CATS]
    frame, problems = method.complete(_frame(rows))
    assert problems == []
    overall = frame[(frame.level == "overall") & (frame.year == 2025)].set_index("city")
    assert overall.at["A", "score"] == 80 and overall.at["A", "rank"] == 1
    assert overall.at["A", "rank_change"] == 1  # from 2 to 1
    assert overall.at["B", "rank_change"] == -1  # from 1 to 2
    assert overall.at["C", "rank_change"] == 0
    assert set(overall["provenance"]) == {"computed"}


def test_complete_keeps_given_overall_and_reports_disagreement():
    rows = [(2025, "A", "category", cat, "", 50.0) for cat in CATS]
    rows.append((2025, "A", "overall", "", "", 60.0))
    frame, problems = method.complete(_frame(rows))
    assert frame[frame.level == "overall"]["score"].iloc[0] == 60.0
    assert len(problems) == 1 and problems[0].recomputed == 50.0 and problems[0].given == 60.0
    assert "given value is used" in str(problems[0])


def test_complete_with_partial_data_does_not_invent_overall():
    rows = [(2025, "A", "category", "Verwaltung", "", 50.0)]
    frame, problems = method.complete(_frame(rows))
    assert not (frame.level == "overall").any()
    assert problems == []


def test_what_if_moves_overall_by_weighted_share():
    meta = catalogue.indicators_for(2025)
    rows = []
    for city, base in (("A", 50.0), ("B", 52.0)):
        for ind in meta.itertuples():
            rows.append((2025, city, "indicator", ind.category, ind.id, base))
    frame, _ = method.complete(_frame(rows))
    verw = meta[meta.category == "Verwaltung"].iloc[0]
    score, rank = method.what_if(frame, None, 2025, "A", verw.id, 100.0)
    share = verw.weight / meta[meta.category == "Verwaltung"].weight.sum()
    assert score == pytest.approx(method.round1(50 + share * 50 / 5), abs=0.1)
    assert rank == (1 if score > 52 else 2)
