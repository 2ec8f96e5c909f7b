"""Property-based tests: on random editions the headline text states exactly the data.

Random fields of cities (random names, scores with one decimal drawn from a small range so
that ties are frequent), two or three editions, cities joining and leaving. For a random city
of the last edition the German and English headline texts are parsed back: rank, score,
number of cities, rank change and its direction must equal the analysis.
"""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartcity import analysis as an
from smartcity import narrative as nv

from analysis_fixtures import overall_dataset

NAMES = [
    "Astadt",
    "Bedorf",
    "Cehausen",
    "Deburg",
    "Efeld",
    "Geheim",
    "Hakirchen",
    "Ibach",
    "Jotal",
    "Kaberg",
    "Elmau",
    "Emstein",
    "Enwald",
    "Ohafen",
    "Pebrück",
]

RE = {
    "de": {
        "rank": re.compile(r"Platz (\d+)"),
        "n": re.compile(r"von (\d+) (?:bewerteten )?Großstädten"),
        "score": re.compile(r"(\d+,\d) Punkten?\b"),
        "change": re.compile(r"um (\d+) (Platz|Plätze)\b"),
    },
    "en": {
        "rank": re.compile(r"[Rr]ank (\d+)"),
        "n": re.compile(r"of (\d+) large cities"),
        "score": re.compile(r"(\d+\.\d) points\b"),
        "change": re.compile(r"by (\d+) (place|places)\b"),
    },
}


@st.composite
def editions(draw):
    years = [2023, 2024, 2025][-draw(st.integers(2, 3)) :]
    low = draw(st.integers(0, 900))
    spread = draw(st.sampled_from([5, 30, 100]))  # small spreads force ties
    spec = {}
    for y in years:
        cities = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=len(NAMES), unique=True))
        spec[y] = {c: min(1000, low + draw(st.integers(0, spread))) / 10 for c in cities}
    city = draw(st.sampled_from(sorted(spec[years[-1]])))
    return spec, city


def _check(text, h, lang):
    r = RE[lang]
    assert int(r["rank"].search(text).group(1)) == h.rank, text
    assert int(r["n"].search(text).group(1)) == h.n_cities, text
    score = float(r["score"].search(text).group(1).replace(",", "."))
    assert score == h.score, text
    stems = nv.phrasebook(lang)["check"]
    found = {d for d, words in stems.items() if any(w in text for w in words)}
    if h.direction in ("new", "returning"):
        assert found == set(), text
        assert r["change"].search(text) is None, text
        return
    assert found == {h.direction}, text
    m = r["change"].search(text)
    if h.direction == "same":
        assert h.rank_change == 0
        assert m is None, text
    else:
        n = int(m.group(1))
        assert n == abs(h.rank_change), text
        assert (m.group(2) in ("Platz", "place")) == (n == 1), text
        assert (h.rank_change > 0) == (h.direction == "up")
        assert h.prev_rank - h.rank == h.rank_change
    if h.tied_with:
        assert all(c in text for c in h.tied_with), text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(editions())
def test_headline_text_states_the_data(case):
    spec, city = case
    ds = overall_dataset(spec)
    h = an.headline(ds, city)
    # the analysis itself is consistent with the data
    year = max(spec)
    assert h.score == spec[year][city]
    assert h.rank == 1 + sum(1 for s in spec[year].values() if s > h.score)
    prev = max(y for y in spec if y < year)
    if city in spec[prev]:
        prev_rank = 1 + sum(1 for s in spec[prev].values() if s > spec[prev][city])
        assert h.rank_change == prev_rank - h.rank
    else:
        earlier = [y for y in spec if y < prev and city in spec[y]]
        assert h.direction == ("returning" if earlier else "new")
    for lang in ("de", "en"):
        n = nv.headline_text(ds, city, lang=lang)
        _check(n.text, h, lang)
        assert n.facts["rank"] == h.rank and n.facts["score"] == h.score
