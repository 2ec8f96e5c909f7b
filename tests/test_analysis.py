"""Unit tests for smartcity.analysis on small hand-made datasets with known answers."""

import pandas as pd
import pytest

from smartcity import analysis as an

from analysis_fixtures import CATS, IND_IDS, TWELVE, lever_dataset, overall_dataset, small_field, streak_dataset

# --- building blocks ------------------------------------------------------------------------------


def test_midrank_percentile_ties_and_all_equal():
    p = an.midrank_percentile(pd.Series([10.0, 20.0, 20.0, 30.0]))
    assert list(p) == [12.5, 50.0, 50.0, 87.5]
    assert list(an.midrank_percentile(pd.Series([100.0] * 5))) == [50.0] * 5


def test_top10_threshold_and_mean():
    s = pd.Series([float(x) for x in range(100, 88, -1)])  # 100 ... 89
    assert an.top10_threshold(s) == 91.0
    assert an.top10_mean(s) == 95.5
    assert an.top10_threshold(pd.Series([1.0, 2.0])) is None
    tied = pd.Series([100, 99, 98, 97, 96, 95, 94, 93, 92, 92, 92, 80], dtype=float)
    assert an.top10_threshold(tied) == 92.0


def test_haversine_known_distance():
    # Berlin - München is about 504 km
    assert 500 < float(an.haversine_km(52.52, 13.405, 48.137, 11.575)) < 510


def test_resolve_city_aliases_and_errors():
    ds = small_field()
    assert an.resolve_city(ds, "duesseldorf") == "Düsseldorf"
    assert an.resolve_city(ds, "  KREFELD ") == "Krefeld"
    assert an.resolve_city(ds, "MG") == "Mönchengladbach"
    with pytest.raises(an.CityNotFound) as err:
        an.resolve_city(ds, "Krefled")
    assert "Krefeld" in err.value.suggestions
    assert "Krefeld" in str(err.value)


# --- headline -------------------------------------------------------------------------------------


def test_headline_known_answer():
    prev = dict(TWELVE, Krefeld=58.0)  # 2024: Krefeld behind Mönchengladbach/Neuss -> rank 11
    ds = overall_dataset({2024: prev, 2025: TWELVE})
    h = an.headline(ds, "Krefeld", 2025)
    assert (h.rank, h.score, h.n_cities) == (8, 62.0, 12)
    assert h.prev_rank == 10 and h.rank_change == 2 and h.direction == "up"
    assert h.score_change == 4.0
    assert h.top10_threshold == 60.0 and h.gap_to_top10 == -2.0 and h.in_top10
    assert h.median == 67.5 and h.gap_to_median == -5.5 and h.half == "lower"
    assert [n.city for n in h.above] == ["Duisburg"] and h.above[0].gap == 3.0
    # the two cities directly below are tied: both are named
    assert sorted(n.city for n in h.below) == ["Mönchengladbach", "Neuss"]
    assert h.below[0].gap == -2.0 and h.below[0].rank == 9


def test_headline_ties_same_and_down():
    ds = overall_dataset({2024: TWELVE, 2025: dict(TWELVE, Augsburg=64.0)})
    h = an.headline(ds, "Bochum", 2025)
    assert h.direction == "same" and h.rank_change == 0  # tied rank 5 in 2024, alone in 2025
    h24 = an.headline(ds, "Bochum", 2024)
    assert h24.rank == 5 and h24.tied_with == ["Augsburg"]
    a = an.headline(ds, "Augsburg", 2025)
    assert a.direction == "down" and a.rank_change == -2 and a.rank == 7


def test_headline_new_city_and_missing():
    ds = overall_dataset({2024: TWELVE, 2025: dict(TWELVE, Cottbus=40.0)})
    h = an.headline(ds, "Cottbus", 2025)
    assert h.direction == "new" and h.rank_change is None and h.prev_rank is None and h.score_change is None
    assert h.rank == 13 and h.below == []
    with pytest.raises(an.NoData):
        an.headline(ds, "Cottbus", 2024)
    top = an.headline(ds, "München", 2025)
    assert top.above == [] and top.rank == 1


# --- profile --------------------------------------------------------------------------------------


def test_category_profile_known_answer():
    ds = small_field()
    cp = an.category_profile(ds, "Krefeld", 2025).set_index("category")
    v = cp.loc["Verwaltung"]
    assert v["score"] == 100.0 and v["rank"] == 1 and v["n"] == 9
    assert v["best_cities"] == ["Krefeld"] and v["diff_best"] == 0.0
    it = cp.loc["IT und Kommunikation"]
    assert it["score"] == 52.5 and it["best_cities"] == ["München"] and it["best_score"] == 92.5
    assert list(cp.index) == CATS


def test_indicator_profile_and_partial_data():
    ds = small_field()
    ip = an.indicator_profile(ds, "Krefeld", 2025)
    assert len(ip) == len(IND_IDS)
    row = ip.set_index("indicator").loc["v-termin"]
    # everybody but the newcomer Cottbus has 100: mid-rank percentile (1 + 8/2) / 9
    assert row["n_at_max"] == 8 and row["percentile"] == pytest.approx(55.6)
    assert row["name"] == "Online-Terminvergabe"
    only_overall = overall_dataset({2025: TWELVE})
    assert an.indicator_profile(only_overall, "Krefeld", 2025).empty
    assert an.category_profile(only_overall, "Krefeld", 2025).empty
    prof = an.profile(only_overall, "Krefeld", 2025)
    assert prof.has_indicators is False


# --- peers ----------------------------------------------------------------------------------------


def test_nearest_cities_of_krefeld():
    ds = small_field()
    near = an.nearest_cities(ds, "Krefeld", 4)
    assert set(near["city"]) == {"Duisburg", "Düsseldorf", "Mönchengladbach", "Neuss"}
    assert near["distance_km"].is_monotonic_increasing
    assert (near["distance_km"] < 25).all()


def test_nearest_cities_ordered_before_rounding():
    """Neuss: Solingen (27.98 km) is nearer than Leverkusen (28.01 km), though both print as 28,0."""
    from smartcity.report import dataset

    near = an.nearest_cities(dataset(), "Neuss", 5, 2025)
    assert list(near["city"])[-1] == "Solingen" and near["distance_km"].iloc[-1] == 28.0


def test_movers_keep_ties_at_the_cut():
    t = pd.DataFrame({"city": list("abcdefg"), "rank": range(1, 8), "rank_change": [5, 3, 3, -11, -11, -2, pd.NA]})
    climbers, fallers = an._movers(t, 2)
    assert list(climbers["city"]) == ["a", "b", "c"]  # b and c share the second-largest gain
    assert list(fallers["city"]) == ["d", "e"]
    climbers, fallers = an._movers(t, 1)
    assert list(fallers["city"]) == ["d", "e"]  # a tie at the first place is kept too


def test_levers_ordered_by_places_gained_then_points_needed():
    from smartcity.report import dataset

    lv = an.levers(dataset(), "Essen", 2025)
    top = lv.top
    keys = list(zip(-top["ranks_gained"], top["delta"]))
    assert keys == sorted(keys)
    assert top.iloc[0]["name"] == "Smarter ÖPNV" and top.iloc[0]["ranks_gained"] == 3
    best_per_indicator = lv.table.loc[lv.table["ranks_gained"] > 0].groupby("indicator")["ranks_gained"].max()
    assert top["ranks_gained"].max() == best_per_indicator.max()


def test_peer_groups_and_custom():
    ds = small_field()
    pr = an.peers(ds, "Krefeld", 2025, custom=["Köln", "duesseldorf"])
    bl = pr["bundesland"]
    assert bl.label == "Nordrhein-Westfalen" and bl.n == 7 and bl.peer_rank == 3
    assert bl.leader == ["Köln"]
    sc = pr["size_class"]
    assert set(sc.table["city"]) == {"Krefeld", "Mönchengladbach"} and sc.peer_rank == 1
    assert pr["nearest"].n == 6
    cu = pr["custom"]
    assert list(cu.table["city"]) == ["Köln", "Düsseldorf", "Krefeld"] and cu.peer_rank == 3
    with pytest.raises(an.CityNotFound) as err:
        an.peers(ds, "Krefeld", 2025, custom=["Kölln"])
    assert "Köln" in err.value.suggestions


def test_peer_rank_ties():
    ds = overall_dataset({2025: dict(TWELVE, Duisburg=62.0)})
    g = an.peers(ds, "Krefeld", 2025)["bundesland"]
    assert g.tied_with == ["Duisburg"]


# --- strengths and weaknesses ---------------------------------------------------------------------


def test_strengths_weaknesses_known_answer():
    ds = small_field()
    sw = an.strengths_weaknesses(ds, "Krefeld", 2025)
    assert sw.strongest_categories == ["Verwaltung"]
    assert set(sw.weakest_categories) == {"IT und Kommunikation", "Mobilität"}  # tie on rank 5
    assert set(sw.full_marks["indicator"]) == {"v-online", "v-termin"}
    full = sw.full_marks.set_index("indicator")
    assert bool(full.loc["v-online", "distinguishing"]) and not bool(full.loc["v-termin", "distinguishing"])
    assert list(sw.shared_top["indicator"]) == ["v-termin"]
    # a top score shared by everybody is not a strength
    assert "v-termin" not in set(sw.indicator_strengths["indicator"])
    assert "v-online" in set(sw.indicator_strengths["indicator"])
    assert list(sw.weakest_indicators["indicator"])[:2] == ["i-glasfaser", "m-sharing"]
    assert list(sw.weakest_indicators["score"])[:2] == [30.0, 40.0]
    assert sw.has_indicators


def test_strengths_without_indicator_level():
    ds = overall_dataset(
        {2025: TWELVE}, categories={2025: {c: {k: 50.0 + i for i, k in enumerate(CATS)} for c in TWELVE}}
    )
    sw = an.strengths_weaknesses(ds, "Krefeld", 2025)
    assert sw.has_indicators is False
    assert sw.full_marks.empty and sw.weakest_indicators.empty
    assert sw.strongest_categories == CATS  # everybody equal: all categories tie on rank 1


# --- trends ---------------------------------------------------------------------------------------


def test_trend_streak_and_trajectory():
    t = an.trend(streak_dataset(), "Krefeld", 2025)
    assert t.has_trend
    assert list(t.trajectory["rank"]) == [7, 8, 7, 6, 5, 4, 3]
    assert t.streak == 5 and t.streak_direction == "up"
    assert t.best_rank == 3 and t.best_years == [2025]
    assert t.worst_rank == 8 and t.worst_years == [2020]
    assert t.first_year == 2019 and t.total_rank_change == 4
    codes = {c["code"] for c in t.caveats}
    assert {"relative_scores", "parameters_changed", "category_renamed"} <= codes
    assert "field_size_changed" not in codes


def test_trend_streak_down_and_zero():
    others = {"A": 90.0, "B": 80.0, "C": 70.0}
    ds = overall_dataset({2023: dict(others, X=95.0), 2024: dict(others, X=85.0), 2025: dict(others, X=75.0)})
    t = an.trend(ds, "X", 2025)
    assert t.streak == 2 and t.streak_direction == "down"
    ds = overall_dataset({2024: dict(others, X=75.0), 2025: dict(others, X=76.0)})
    t = an.trend(ds, "X", 2025)
    assert t.streak == 0 and t.streak_direction is None


def test_trend_single_edition_is_not_an_error():
    ds = overall_dataset({2024: TWELVE, 2025: dict(TWELVE, Cottbus=40.0)})
    t = an.trend(ds, "Cottbus", 2025)
    assert t.has_trend is False and t.reason == "single_edition"
    assert t.streak == 0 and t.most_improved == []
    t2 = an.trend(ds, "Krefeld", 2025)
    fs = [c for c in t2.caveats if c["code"] == "field_size_changed"][0]
    assert fs["newcomers"] == {2025: ["Cottbus"]} and fs["sizes"] == {2024: 12, 2025: 13}


def test_trend_category_changes():
    ds = small_field()
    t = an.trend(ds, "Krefeld", 2025)
    cc = t.category_changes.set_index("category")
    assert cc.loc["Verwaltung", "change_vs_previous"] == 5
    assert set(t.most_improved) == {"Verwaltung", "Energie und Umwelt"}
    assert t.most_declined == []


def test_trend_gap_in_editions():
    ds = overall_dataset({2023: dict(TWELVE), 2024: {k: v for k, v in TWELVE.items() if k != "Krefeld"}, 2025: TWELVE})
    t = an.trend(ds, "Krefeld", 2025)
    assert any(c["code"] == "gap_in_editions" and c["missing"] == [2024] for c in t.caveats)
    assert t.streak == 0  # rank change is not available across the gap
    h = an.headline(ds, "Krefeld", 2025)
    assert h.direction == "returning" and h.last_year == 2023 and h.last_rank == 8


# --- levers ---------------------------------------------------------------------------------------


def test_levers_known_answer():
    ds = lever_dataset()
    lv = an.levers(ds, "Krefeld", 2025, peer_cities=["A", "B", "C"])
    assert lv.has_indicators and lv.rank == 12 and lv.score == 50.0
    t = lv.table.set_index(["indicator", "target"])
    # v-online weighs 0.6 in Verwaltung: 100 -> Verwaltung 80 -> overall 56 -> passes A, B, C, D
    r = t.loc[("v-online", "max")]
    assert r["new_overall"] == 56.0 and r["new_rank"] == 8 and r["ranks_gained"] == 4
    assert r["ranks_per_point"] == pytest.approx(4 / 50)
    # i-glasfaser weighs 0.5: 100 -> IT 75 -> overall 55 -> passes A, B, C
    r = t.loc[("i-glasfaser", "max")]
    assert r["new_overall"] == 55.0 and r["ranks_gained"] == 3
    # peer median of A, B, C is 52 -> v-online 52 -> Verwaltung 51.2 -> overall 50.2 -> no rank gained
    r = t.loc[("v-online", "peer_median")]
    assert r["target_score"] == 52.0 and r["ranks_gained"] == 0
    assert lv.top.iloc[0]["indicator"] == "v-online"
    assert (lv.top["ranks_gained"] > 0).all()
    # top-10 mean of v-online: the ten best scores of the field
    assert t.loc[("v-online", "top10_mean"), "target_score"] == pytest.approx(
        round(sum([97, 95, 90, 85, 80, 70, 60, 55.5, 53, 52]) / 10, 1)
    )


def test_levers_partial_data():
    lv = an.levers(overall_dataset({2025: TWELVE}), "Krefeld", 2025)
    assert lv.has_indicators is False and lv.table.empty and lv.top.empty


# --- category and national views ------------------------------------------------------------------


def test_category_view():
    ds = small_field()
    v = an.category_view(ds, "verwaltung", 2025)
    assert v.category == "Verwaltung" and v.ranking.iloc[0]["city"] == "Krefeld"
    assert v.stats["n"] == 9 and v.stats["max"] == 100.0
    assert v.climbers.iloc[0]["city"] == "Krefeld" and v.climbers.iloc[0]["rank_change"] == 5
    lead = v.indicator_leaders.set_index("indicator")
    assert lead.loc["v-termin", "n_at_max"] == 8 and lead.loc["v-online", "leaders"] == ["Krefeld"]
    bl = v.by_bundesland.set_index("bundesland")
    assert bl.loc["Nordrhein-Westfalen", "n"] == 7
    assert set(v.by_size_class["size_class"]) == {">500k", "200-500k", "100-200k"}


def test_national_view():
    ds = overall_dataset({2024: TWELVE, 2025: dict(TWELVE, Cottbus=40.0, Krefeld=71.0)})
    v = an.national_view(ds, 2025)
    assert len(v.top10) == 10 and v.top10.iloc[0]["city"] == "München"
    s = v.series.set_index("year")
    assert s.loc[2024, "top10_threshold"] == 60.0 and s.loc[2025, "n_cities"] == 13
    assert v.newcomers == ["Cottbus"]
    assert v.climbers.iloc[0]["city"] == "Krefeld" and v.climbers.iloc[0]["rank_change"] == 3
    assert v.category_leaders.empty  # no category level in this dataset


def test_group_means_lists_small_laender_last():
    t = pd.DataFrame(
        {
            "city": list("ABCDEFG"),
            "score": [90.0, 50.0, 52.0, 54.0, 60.0, 61.0, 62.0],
            "rank": [1, 7, 6, 5, 4, 3, 2],
            "bundesland": ["Hamburg", "X", "X", "X", "Y", "Y", "Y"],
        }
    )
    bl = an._group_means(t, "bundesland", an.MIN_LAND)
    assert list(bl["bundesland"]) == ["Y", "X", "Hamburg"]
    assert list(an._group_means(t, "bundesland")["bundesland"]) == ["Hamburg", "Y", "X"]
