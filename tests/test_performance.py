"""The performance work must not change results: fast paths against their reference definitions,
and the per-dataset caches against mutation of returned frames and reassignment of ``scores``."""

import pandas as pd
import pytest

from analysis_fixtures import lever_dataset, small_field
from smartcity import analysis as an
from smartcity.dataset import load_dataset


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def _reference_rows(ds, city, year, peers=None, lang="de"):
    lv = an.levers(ds, city, year, peer_cities=peers, lang=lang)
    rows = an._lever_rows_reference(
        ds, lv.city, lv.year, lv.score, lv.rank, lv.peer_cities, ("peer_median", "top10_mean", "max"), lang
    )
    return lv, pd.DataFrame(rows, columns=an._LEVER_COLS)


@pytest.mark.parametrize("city,year", [("Krefeld", 2025), ("Cottbus", 2025), ("Leverkusen", 2022)])
def test_vectorised_levers_equal_what_if_case_by_case(ds, city, year):
    lv, ref = _reference_rows(ds, city, year)
    assert not ref.empty
    pd.testing.assert_frame_equal(lv.table, ref)


def test_vectorised_levers_with_custom_peers_and_english(ds):
    lv, ref = _reference_rows(ds, "Krefeld", 2025, peers=["Köln", "Düsseldorf", "Köln"], lang="en")
    pd.testing.assert_frame_equal(lv.table, ref)


def test_vectorised_levers_on_the_small_fixtures():
    for fixture, city in ((lever_dataset(), "Krefeld"), (small_field(), "Krefeld"), (small_field(), "Cottbus")):
        lv, ref = _reference_rows(fixture, city, 2025)
        pd.testing.assert_frame_equal(lv.table, ref)


def test_returned_frames_are_copies(ds):
    t = an.field_table(ds, 2025, "overall")
    t.loc[:, "score"] = -1.0
    assert (an.field_table(ds, 2025, "overall")["score"] >= 0).all()
    prof = an.indicator_profile(ds, "Krefeld", 2025)
    prof.loc[:, "score"] = -1.0
    prof.at[0, "best_cities"].append("Nirgendwo")
    again = an.indicator_profile(ds, "Krefeld", 2025)
    assert (again["score"] >= 0).all() and "Nirgendwo" not in again.at[0, "best_cities"]
    lv = an.levers(ds, "Krefeld", 2025)
    lv.table.loc[:, "new_rank"] = 0
    assert (an.levers(ds, "Krefeld", 2025).table["new_rank"] > 0).all()
    tr = an.trend(ds, "Krefeld", 2025)
    tr.caveats.clear()
    assert an.trend(ds, "Krefeld", 2025).caveats


def test_cache_follows_a_new_scores_frame():
    fixture = small_field()
    before = an.headline(fixture, "Krefeld", 2025)
    scores = fixture.scores.copy()
    mask = (scores["year"] == 2025) & (scores["level"] == "overall") & (scores["city"] == "Krefeld")
    scores.loc[mask, "score"] = 99.9
    fixture.scores = scores  # a new frame (never modify a dataset's frame in place)
    assert before.score != 99.9 and an.headline(fixture, "Krefeld", 2025).score == 99.9
    assert 2025 in an._years(fixture)
