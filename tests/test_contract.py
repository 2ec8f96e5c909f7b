"""The report contract, tested by generation (issue 9, item 4).

Hypothesis thins complete editions of the bundled sample the ways official data arrives
(``contract_harness.thinned_datasets``: levels, category tables, cities, the top, bottom or a
middle slice of a table, previous editions, the Tendenz column, one city's indicator sheet,
ties) and runs every section of every report kind — city, category, overview and the template
notebook's — in German and English on each (``contract_support.check_reports``). It asserts:
no exception; no placeholder (None, nan, {field}); every "Platz X von N" / "rank X of N" has N =
the edition's field size and X <= N; stated ranks, scores and changes equal the data; every
named leader holds rank 1; no gap is negative.

500 datasets in four parts (so that ``pytest -n 2`` spreads them), each with a fixed
derandomized seed: CI sees the same datasets every run. The parts are marked ``slow`` (about five
CPU minutes together; ``make test`` runs them, ``make test-fast`` does not); the control tests are
fast. The control tests plant a placeholder
and a wrong field size and check that the checker reports them.
"""

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartcity import analysis as an
from smartcity import narrative as nv
from smartcity.dataset import Dataset, load_dataset

from contract_harness import thinned_datasets
from contract_support import check_reports

TABLE_PARTS = {
    "2025": dict(years=(2025,), indicator_modes=("none",)),
    "2024": dict(years=(2024,), indicator_modes=("none",)),
}
INDICATOR_PARTS = {
    "2025": dict(years=(2025,), indicator_modes=("all", "one_city")),
    "2024": dict(years=(2024,), indicator_modes=("all", "one_city")),
}
# 2 x 175 + 2 x 75 = 500 generated datasets (indicator levels cost about twice as much)
TABLE_EXAMPLES, INDICATOR_EXAMPLES = 175, 75


def _settings(n: int) -> settings:
    return settings(
        max_examples=n,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        print_blob=True,
    )


def _check(data, part: dict) -> None:
    ds, year, cities, category, land, desc = data.draw(thinned_datasets(**part), label="dataset")
    problems, _ = check_reports(ds, year, cities=cities, categories=[category], lands=[land])
    assert not problems, f"{desc}\n" + "\n".join(problems[:10])


@pytest.mark.slow
@pytest.mark.parametrize("part", sorted(TABLE_PARTS))
@_settings(TABLE_EXAMPLES)
@given(data=st.data())
def test_every_report_keeps_the_contract_on_thinned_tables(part, data):
    _check(data, TABLE_PARTS[part])


@pytest.mark.slow
@pytest.mark.parametrize("part", sorted(INDICATOR_PARTS))
@_settings(INDICATOR_EXAMPLES)
@given(data=st.data())
def test_every_report_keeps_the_contract_with_indicator_levels(part, data):
    _check(data, INDICATOR_PARTS[part])


# ------------------------------------------------------------------------------------------
# control runs: the checker catches what it is meant to catch


@pytest.fixture(scope="module")
def sample():
    return load_dataset()


def _fresh(ds) -> Dataset:
    """The same data in a new frame (the analysis caches per frame)."""
    out = Dataset(scores=ds.scores.copy(), source=ds.source, is_sample=False, checksum="")
    out.__dict__.update(cities=ds.cities, indicators=ds.indicators, editions=ds.editions)
    return out


def test_control_catches_a_planted_placeholder(sample, monkeypatch):
    real = nv.phrasebook

    def planted(lang="de"):
        book = copy.deepcopy(real(lang))
        book["headline"]["position"] = ["{city} steht {year} auf {rank} von {n} {cities_word} ({score}; Vorjahr None)."]
        return book

    monkeypatch.setattr(nv, "phrasebook", planted)
    problems, _ = check_reports(_fresh(sample), 2025, langs=("de",), cities=["Krefeld"], categories=[], lands=[])
    assert any("placeholder 'None'" in p for p in problems), problems


def test_control_catches_a_planted_wrong_field_size(sample, monkeypatch):
    real = an.field_size
    monkeypatch.setattr(an, "field_size", lambda ds, year: (real(ds, year) or 0) + 1)
    problems, _ = check_reports(
        _fresh(sample), 2025, langs=("de",), cities=["Krefeld"], categories=["Verwaltung"], lands=[]
    )
    assert any("field size 84, edition has 83" in p for p in problems), problems


def test_control_catches_a_leader_without_rank_1(sample, monkeypatch):
    real = an._leaders
    monkeypatch.setattr(an, "_leaders", lambda f: real(f) + ["Krefeld"])
    problems, _ = check_reports(_fresh(sample), 2025, langs=("de",), cities=[], categories=["Verwaltung"], lands=[])
    assert any("leader Krefeld without rank 1" in p for p in problems), problems


def test_control_passes_on_the_complete_sample(sample):
    problems, _ = check_reports(
        _fresh(sample), 2025, cities=["Krefeld", "Cottbus", "München"], categories=["Verwaltung"]
    )
    assert not problems, problems
