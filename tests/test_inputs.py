"""Several files, folders, --year and published history: the data a city's digital office really has.

The example files under tests/fixtures/official/ are made from the sample by
scripts/make_official_fixtures.py (see the README there).
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pandas as pd
import pytest

from smartcity import catalogue
from smartcity.dataset import data_checksum, load_dataset, read_bundled
from smartcity.inputs import add_history, data_files, published_history, read_inputs
from smartcity.validation import DataValidationError

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL = ROOT / "tests" / "fixtures" / "official"
KEY = ["year", "city", "level", "category", "indicator"]


@pytest.fixture(scope="module")
def sample_2025() -> pd.DataFrame:
    s = read_bundled()
    return s[(s["year"] == 2025) & s["level"].isin(["overall", "category"])]


def as_given(frame: pd.DataFrame) -> pd.DataFrame:
    cols = KEY + ["score", "rank", "rank_change"]
    return frame[cols].sort_values(KEY).reset_index(drop=True)


# ---------------------------------------------------------------------- complete tables, every shape
@pytest.mark.parametrize("source", ["bitkom_2025.csv", "bitkom_2025.xlsx", "tabellen"])
def test_the_complete_tables_load_as_given_in_every_shape(source, sample_2025):
    frame, files = read_inputs(OFFICIAL / source, year=2025 if source == "tabellen" else None)
    assert len(files) == (6 if source == "tabellen" else 1)
    assert len(frame) == 6 * 83 and set(frame["provenance"]) == {"official"}
    # scores, ranks and Tendenz exactly as in the tables (made from the sample)
    pd.testing.assert_frame_equal(as_given(frame), as_given(sample_2025), check_dtype=False)


def test_a_folder_with_mixed_encodings_keeps_umlauts(sample_2025):
    raw = {p.name: p.read_bytes() for p in (OFFICIAL / "tabellen").iterdir()}
    assert raw["verwaltung.csv"].startswith(b"\xef\xbb\xbf") and b"\r\n" in raw["gesamt.csv"]
    assert "Mülheim".encode("cp1252") in raw["gesamt.csv"]
    frame, _ = read_inputs(OFFICIAL / "tabellen", year=2025)
    assert {"München", "Mülheim an der Ruhr", "Göttingen", "Würzburg"} <= set(frame["city"])
    krefeld = frame[(frame["city"] == "Krefeld") & (frame["category"] == "Verwaltung")].iloc[0]
    assert (krefeld["rank"], krefeld["score"]) == (8, 93.5)


def test_a_folder_ignores_hidden_temporary_and_other_files(tmp_path):
    shutil.copy(OFFICIAL / "gesamt_2025.csv", tmp_path / "gesamt_2025.csv")
    (tmp_path / ".hidden.csv").write_text("kaputt")
    (tmp_path / "~$gesamt_2025.xlsx").write_bytes(b"lock")
    (tmp_path / ".~lock.gesamt_2025.csv#").write_text("lock")
    (tmp_path / "notizen.md").write_text("# nichts")
    (tmp_path / "unterordner").mkdir()
    assert data_files(tmp_path) == [tmp_path / "gesamt_2025.csv"]
    with pytest.raises(FileNotFoundError, match="No data files in the folder"):
        data_files(tmp_path / "unterordner")
    with pytest.raises(FileNotFoundError, match="Data file not found"):
        data_files(tmp_path / "fehlt.csv")


# ---------------------------------------------------------------------- merging
def test_files_of_several_levels_and_a_city_sheet_merge():
    ds = load_dataset([OFFICIAL / "tabellen", OFFICIAL / "krefeld_indikatoren_2025.csv"], year=2025)
    assert len(ds.files) == 7 and not ds.is_sample
    s = ds.scores
    krefeld = s[(s["city"] == "Krefeld") & (s["year"] == 2025)]
    assert (krefeld["level"] == "indicator").sum() == 37
    overall = krefeld[krefeld["level"] == "overall"].iloc[0]
    assert (overall["score"], overall["rank"], overall["rank_change"]) == (71.4, 41, 2)  # as in the table


def test_the_same_figure_twice_with_the_same_value_is_kept_once():
    one = load_dataset(OFFICIAL / "bitkom_2025.csv")
    both = load_dataset([OFFICIAL / "bitkom_2025.csv", OFFICIAL / "bitkom_2025.xlsx", OFFICIAL / "gesamt_2025.csv"])
    pd.testing.assert_frame_equal(as_given(both.scores), as_given(one.scores))
    assert both.checksum != one.checksum and len(both.files) == 3


def test_the_same_figure_with_different_values_names_both_files_and_rows(tmp_path):
    a = tmp_path / "gesamt_2025.csv"
    b = tmp_path / "auszug_2025.csv"
    a.write_text("Platz;Tendenz;Stadt;Index\n1;+0;München;90,2\n41;+2;Krefeld;71,4\n", encoding="utf-8")
    b.write_text(
        "Smart City Index 2025 – Gesamtranking\nPlatz;Tendenz;Stadt;Index\n41;+2;Krefeld;71,9\n40;-3;Bielefeld;72,4\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as err:
        load_dataset([a, b])
    text = str(err.value)
    assert len(err.value.problems) == 1
    assert f"{b}, line 3, column 'Index' [value: '71.9']" in text
    assert "Conflicting score for the same figure (2025, Krefeld, overall): 71.9 here, but 71.4 in" in text
    assert f"in {a}, line 3, column 'Index'." in text
    # a rank that disagrees is a conflict too
    b.write_text("Platz;Tendenz;Stadt;Index\n42;+2;Krefeld;71,4\n", encoding="utf-8")
    with pytest.raises(
        DataValidationError,
        match=r"column 'Platz' \[value: '42'\]: Conflicting rank .* 42 here, "
        r"but 41 in .*gesamt_2025.csv, line 3, column 'Platz'",
    ):
        load_dataset([a, tmp_path / "auszug_2025.csv"])


def test_a_conflict_in_a_workbook_names_sheet_row_and_column(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Gesamt"
    ws.append(["Smart City Index 2025 – Gesamtranking"])
    ws.append(["Platz", "Tendenz", "Stadt", "Index"])
    ws.append([41, "+2", "Krefeld", 71.9])
    book = tmp_path / "auszug_2025.xlsx"
    wb.save(book)
    with pytest.raises(DataValidationError) as err:
        load_dataset([OFFICIAL / "gesamt_2025.csv", book])
    assert f"{book}, sheet 'Gesamt', row 3, column 'Index' [value: '71.9']: Conflicting score" in str(err.value)
    assert f"but 71.4 in {OFFICIAL / 'gesamt_2025.csv'}, line 5, column 'Index'." in str(err.value)


def test_problems_of_every_file_are_reported_together(tmp_path):
    a = tmp_path / "gesamt_2025.csv"
    b = tmp_path / "verwaltung_2025.csv"
    a.write_text("Platz;Tendenz;Stadt;Index\n1;+0;Müncen;90,2\n", encoding="utf-8")
    b.write_text("Platz;Tendenz;Stadt;Index\n1;+0;Hamburg;9o,0\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        load_dataset([a, b])
    assert "2 problems in 2 files (gesamt_2025.csv, verwaltung_2025.csv)" in str(err.value)
    assert {p.file for p in err.value.problems} == {str(a), str(b)}


# ---------------------------------------------------------------------- --year
def test_year_applies_to_every_table_that_names_none():
    with pytest.raises(DataValidationError, match="No year found"):
        load_dataset(OFFICIAL / "tabellen")
    ds = load_dataset([OFFICIAL / "tabellen", OFFICIAL / "bitkom_2025.csv"], year=2024)
    # the folder has no year anywhere: 2024; bitkom_2025.csv names its year in every title: 2025
    assert ds.years == [2024, 2025]
    assert ds.coverage.set_index(["year", "level"])["n_values"].to_dict() == {
        (2024, "category"): 415,
        (2024, "overall"): 83,
        (2025, "category"): 415,
        (2025, "overall"): 83,
    }
    with pytest.raises(DataValidationError, match="No data for the year 2022: the files have rows for 2025"):
        load_dataset([OFFICIAL / "gesamt_2025.csv", OFFICIAL / "presse_2025.csv"], year=2022)


# ---------------------------------------------------------------------- Tendenz and published history
def test_an_excerpt_keeps_ranks_and_tendenz_as_given():
    s = load_dataset(OFFICIAL / "gesamt_2025.csv").scores
    assert len(s) == 4
    krefeld = s[s["city"] == "Krefeld"].iloc[0]
    assert (krefeld["rank"], krefeld["score"], krefeld["rank_change"]) == (41, 71.4, 2)  # Platz 43 the year before


def test_published_history_holds_only_published_figures_with_sources():
    history = published_history()
    facts = catalogue.load_facts()
    facts = facts[(facts["origin"] == "published") & (facts["status"] == "chosen")]
    scores = facts[facts["metric"] == "score"].set_index(KEY)["value"]
    ranks = facts[facts["metric"] == "rank"].set_index(KEY)["value"]
    assert len(history) > 100 and set(history["provenance"]) == {"published"}
    assert history["source_url"].str.startswith("http").all()
    for row in history.itertuples(index=False):
        key = (row.year, row.city, row.level, row.category, row.indicator)
        assert scores[key] == row.score and ranks[key] == row.rank
    # never a modelled sample value: every figure is a published fact (checked above), none is "modelled"
    assert not (history["provenance"] == "modelled").any()


def test_history_fills_only_the_tables_the_files_lack():
    plain = load_dataset(OFFICIAL / "gesamt_2025.csv")
    ds = load_dataset(OFFICIAL / "gesamt_2025.csv", history="published")
    assert plain.history_counts == {} and plain.years == [2025]
    s = ds.scores
    table = s[(s["year"] == 2025) & (s["level"] == "overall")]
    given = table[table["provenance"] == "official"]
    assert len(given) == 4 and set(table["provenance"]) <= {"official", "computed"}  # no published row mixed in
    # an overall score computed from published category scores has no rank: the table is an excerpt
    assert table.loc[table["provenance"] == "computed", "rank"].isna().all()
    published = s[s["provenance"] == "published"]
    assert ds.history_counts == published.groupby("year").size().to_dict()
    assert set(ds.history_counts) >= {2023, 2024} and published["source_url"].str.startswith("http").all()
    munich = s[(s["city"] == "München") & (s["level"] == "overall")].set_index("year")
    assert (munich.at[2024, "rank"], munich.at[2024, "score"], munich.at[2024, "provenance"]) == (1, 88.3, "published")
    assert munich.at[2025, "rank_change"] == 0  # Tendenz as given
    assert ds.checksum != plain.checksum
    with pytest.raises(ValueError, match="history must be one of"):
        add_history(given, "modelled")


def test_ranks_the_data_does_not_hold_stay_unknown():
    """One city's own sheet: the method computes its category and overall scores, but no place."""
    s = load_dataset(OFFICIAL / "krefeld_indikatoren_2025.csv").scores
    assert len(s) == 37 + 5 + 1 and s["rank"].isna().all() and s["rank_change"].isna().all()
    overall = s[s["level"] == "overall"].iloc[0]
    assert overall["provenance"] == "computed" and 0 < overall["score"] <= 100
    # merged with the complete tables, the given ranks stand; the indicator ranks stay unknown (one city of 83)
    s = load_dataset([OFFICIAL / "bitkom_2025.csv", OFFICIAL / "krefeld_indikatoren_2025.csv"]).scores
    krefeld = s[s["city"] == "Krefeld"].set_index(["level", "category"])
    assert krefeld.loc[("category", "Verwaltung"), "rank"] == 8
    assert krefeld.loc[("overall", ""), "rank"] == 41
    assert s.loc[s["level"] == "indicator", "rank"].isna().all()
    # complete tables: every rank as given, and a Tendenz for every city that was ranked the year before
    full = load_dataset(OFFICIAL / "bitkom_2025.csv").scores
    assert full["rank"].notna().all()
    assert full.loc[full["rank_change"].isna(), "city"].unique().tolist() == ["Cottbus"]  # new in 2025: "neu"


# ---------------------------------------------------------------------- fingerprints and reproducibility
def test_runner_and_library_compute_the_same_data_checksum():
    from smartcity.runner.datainfo import data_checksum as runner_checksum

    files = data_files([OFFICIAL / "tabellen", OFFICIAL / "gesamt_2025.csv"])
    for year, history in ((None, "none"), (2025, "none"), (2025, "published")):
        assert runner_checksum([f.resolve() for f in files], year, history) == data_checksum(files, year, history)
    single = [OFFICIAL / "gesamt_2025.csv"]
    assert data_checksum(single) == load_dataset(single[0]).checksum


def test_report_dataset_accepts_a_list_and_caches_per_file_version(tmp_path):
    from smartcity.report import dataset

    a = tmp_path / "gesamt_2025.csv"
    shutil.copy(OFFICIAL / "gesamt_2025.csv", a)
    first = dataset([str(a), str(OFFICIAL / "presse_2025.csv")])
    assert dataset([str(a), str(OFFICIAL / "presse_2025.csv")]) is first
    a.write_text(a.read_text(encoding="utf-8") + "42;-1;Bielefeld;70,0\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="Duplicate row|Conflicting"):
        dataset([str(a), str(OFFICIAL / "presse_2025.csv")])


def test_the_example_files_are_reproducible_from_the_sample(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "make_official_fixtures", ROOT / "scripts" / "make_official_fixtures.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(2025, tmp_path)
    for path in OFFICIAL.rglob("*"):
        if path.is_file() and path.suffix == ".csv":
            assert (tmp_path / path.relative_to(OFFICIAL)).read_bytes() == path.read_bytes(), path
    fresh, _ = read_inputs(tmp_path / "bitkom_2025.xlsx")
    committed, _ = read_inputs(OFFICIAL / "bitkom_2025.xlsx")
    pd.testing.assert_frame_equal(fresh, committed)
    for path in OFFICIAL.rglob("*.csv"):
        first = (
            path.read_bytes()
            .decode("cp1252" if path.name in {"gesamt.csv", "energie-und-umwelt.csv"} else "utf-8-sig")
            .splitlines()[0]
        )
        assert first.startswith("Platz;") or "Beispieldaten" in first, path  # marked as made from the sample
