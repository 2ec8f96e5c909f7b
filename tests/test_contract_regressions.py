"""The failures issue 9 lists, on official-format tables made from the sample.

Each scenario loads Bitkom-style tables (``Platz;Tendenz;Stadt;Index``) through
``load_dataset`` as a user would and runs every section of every report kind in German and
English through the report contract (``contract_support.check_reports``).
"""

import pytest

from smartcity import analysis as an
from smartcity import narrative as nv
from smartcity import report as rp
from smartcity.dataset import load_dataset

from contract_support import CATEGORY_NAMES, bitkom_csv, check_reports, sample_table, write

NRW_CITIES = ["Bochum", "Hamm", "Krefeld", "Köln"]


def _load(tmp_path, name, text, year=2025):
    return load_dataset(write(tmp_path, name, text), year=year)


def _assert_clean(ds, year=2025, **kw):
    problems, shown = check_reports(ds, year, **kw)
    assert not problems, "\n".join(problems[:20])
    return shown


def _text(shown, lang, kind, scope, section):
    return next(t for (lg, k, s, sec, t) in shown if (lg, k, s, sec) == (lang, kind, scope, section))


@pytest.fixture(scope="module")
def official_2025(tmp_path_factory):
    return _load(tmp_path_factory.mktemp("official"), "bitkom_2025.csv", bitkom_csv(2025))


def test_complete_official_tables_build_every_report(official_2025):
    ds = official_2025
    shown = _assert_clean(ds, cities=["Bochum", "Berlin", "Cottbus", "München", "Krefeld"])
    summary = _text(shown, "de", "city", "Bochum", "summary")
    # the Tendenz column gives the 2024 rank; there is no 2024 score, so none is stated
    assert "Platz 5 von 83" in summary and "um 1 Platz" in summary and "damals Platz 4" in summary
    assert "ersten Mal" not in _text(shown, "de", "city", "Bochum", "trend_text")
    assert "Tendenz-Spalte" in _text(shown, "de", "city", "Bochum", "trend_text")
    assert "2024" in _text(shown, "en", "city", "Berlin", "summary")
    # Cottbus joined in 2025 (data/cities.csv): the only "first time"
    assert "zum ersten Mal" in _text(shown, "de", "city", "Cottbus", "summary")
    assert _text(shown, "de", "city", "Bochum", "notice") == ""  # complete tables: no excerpt note


@pytest.mark.slow
def test_every_city_of_the_complete_tables_builds(official_2025):
    ds = official_2025
    cities = sorted(ds.scores["city"].unique())
    assert len(cities) == 83
    for city in cities:
        for lang in ("de", "en"):
            r = rp.CityReport(city, 2025, ds, lang)
            for section in ("summary", "trend_text", "profile_text", "peers_text", "levers_text"):
                text = getattr(r, section)().text
                assert "None" not in text and "{" not in text, (city, section, text)


def test_press_excerpt_ranks_61_to_70(tmp_path):
    overall = sample_table(2025).iloc[60:70]
    tables = {"": overall} | {c: sample_table(2025, c).iloc[40:50] for c in CATEGORY_NAMES}
    ds = _load(tmp_path, "presse_2025.csv", bitkom_csv(2025, tables))
    city = overall.iloc[0]["city"]
    shown = _assert_clean(ds, cities=list(overall["city"]) + ["Hildesheim"])
    summary = _text(shown, "de", "city", city, "summary")
    assert "Platz 61 von 83" in summary
    assert "Top 10 fehlen" not in summary and "Median aller Städte liegt" not in summary
    assert "nur als Auszug" in summary
    notice = _text(shown, "de", "city", city, "notice")
    assert "Für 2025 liegen nur Auszüge der Tabellen vor" in notice and "10 von 83" in notice
    profile = _text(shown, "de", "city", city, "profile_text")
    assert "Spitzenreiter" not in profile and "führt" not in profile
    peers = _text(shown, "de", "city", city, "peers_text")
    assert "bestplatzierte" not in peers
    # every category report and the overview build and say what is missing
    for cat in CATEGORY_NAMES:
        text = _text(shown, "de", "category", cat, "summary")
        assert "nur als Auszug vor (10 von 83 Städten)" in text and "Spitze der Tabelle" in text
    overview = _text(shown, "de", "overview", "", "summary")
    assert "Plätze 61 bis 70" in overview and "nur als Auszug vor (10 von 83 Städten)" in overview


def test_four_row_excerpt_builds_krefeld(tmp_path):
    text = "Platz;Tendenz;Stadt;Index\n1;+0;München;90,2\n2;+1;Hamburg;88,0\n3;-1;Köln;87,9\n41;+2;Krefeld;71,4\n"
    ds = _load(tmp_path, "gesamt_2025.csv", text, year=None)
    shown = _assert_clean(ds, cities=["Krefeld", "München"], categories=["Verwaltung"])
    summary = _text(shown, "de", "city", "Krefeld", "summary")
    assert "Platz 41 von 83" in summary and "71,4" in summary and "Platz 43" in summary
    # no category table in the file: the category report is skipped with the reason
    assert "keine Tabelle der Kategorie Verwaltung" in _text(shown, "de", "category", "Verwaltung", "skipped")
    # München is at rank 1 of the excerpt and of the edition
    assert "Platz 1 von 83" in _text(shown, "de", "city", "München", "summary")


def test_city_only_in_category_tables_gets_a_report(tmp_path):
    overall = sample_table(2025).iloc[:10]
    left_out = sample_table(2025).iloc[50]["city"]
    # four category tables: the overall score cannot be computed from them
    tables = {"": overall} | {c: sample_table(2025, c) for c in CATEGORY_NAMES[:4]}
    ds = _load(tmp_path, "auszug_2025.csv", bitkom_csv(2025, tables))
    shown = _assert_clean(ds, cities=[left_out], categories=CATEGORY_NAMES[:1])
    summary = _text(shown, "de", "city", left_out, "summary")
    assert "keinen Gesamtwert" in summary and "Verwaltung (Platz" in summary


def test_category_tables_only(tmp_path):
    tables = {c: None for c in CATEGORY_NAMES}
    ds = _load(tmp_path, "kategorien_2025.csv", bitkom_csv(2025, tables))
    shown = _assert_clean(ds, cities=["Bochum", "Cottbus", "Krefeld"])
    for city in ("Bochum", "Krefeld"):
        for lang in ("de", "en"):
            for section in ("summary", "trend_text", "profile_text"):
                text = _text(shown, lang, "city", city, section)
                assert "ersten Mal" not in text and "first time" not in text, text
    # the overall ranking is computed from the five category tables (method.complete)
    assert not [x for x in shown if x[1] == "overview" and x[3] == "skipped"]


def test_mobility_table_only(tmp_path):
    ds = _load(tmp_path, "mobilitaet_2025.csv", bitkom_csv(2025, {"Mobilität": None}))
    shown = _assert_clean(ds, cities=["Aachen", "Bochum"])
    assert "Mobilität (Platz" in _text(shown, "de", "city", "Aachen", "summary")
    assert _text(shown, "de", "category", "Verwaltung", "skipped")


def test_overall_table_only(tmp_path):
    ds = _load(tmp_path, "gesamt_2025.csv", bitkom_csv(2025, {"": None}))
    shown = _assert_clean(ds, cities=["Bochum"])
    for cat in CATEGORY_NAMES:
        reason = _text(shown, "de", "category", cat, "skipped")
        assert "keine Tabelle der Kategorie" in reason


def test_top_20_of_each_table(tmp_path):
    tables = {"": sample_table(2025).iloc[:20]} | {c: sample_table(2025, c).iloc[:20] for c in CATEGORY_NAMES}
    ds = _load(tmp_path, "top20_2025.csv", bitkom_csv(2025, tables))
    top = sample_table(2025).iloc[4]["city"]
    shown = _assert_clean(ds, cities=[top])
    assert "Platz 5 von 83" in _text(shown, "de", "city", top, "summary")
    assert _text(shown, "de", "overview", "", "bundesland_table") == ""  # no Länder ranking from the top 20
    assert "Im Ländervergleich" not in _text(shown, "de", "overview", "", "summary")
    en = _text(shown, "en", "city", top, "summary")
    assert "None" not in en


def test_no_report_data_is_a_no_data(official_2025):
    assert issubclass(an.NoReportData, an.NoData)
    ds = official_2025
    with pytest.raises(an.NoReportData, match="2025"):
        rp.CityReport(
            "Krefeld",
            2025,
            ds.__class__(scores=ds.scores[ds.scores["city"] != "Krefeld"], source="x", is_sample=False, checksum=""),
            "de",
        )


def test_coverage_text_is_empty_on_complete_data(official_2025):
    assert nv.coverage_text(official_2025, 2025, "de") == ""


def test_a_missing_edition_between_two_is_not_the_previous_one(tmp_path):
    """The 2023 and 2025 tables without 2024: the 2025 Tendenz refers to 2024 (the edition before),
    never to 2023; the 2024 rank comes from Tendenz and no 2024 score is claimed."""
    files = [write(tmp_path, f"bitkom_{y}.csv", bitkom_csv(y, {"": None})) for y in (2023, 2025)]
    ds = load_dataset(files)
    assert ds.years == [2023, 2025]
    h = an.headline(ds, "Krefeld", 2025)
    assert h.prev_year == 2024 and h.prev_rank == 43 and h.prev_score is None
    text = nv.headline_text(ds, "Krefeld", 2025).text
    assert "2024" in text and "Platz 43" in text and "2023" not in text
    _assert_clean(ds, cities=["Krefeld"], categories=[])
