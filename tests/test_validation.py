"""Every validation problem an analyst may see, with file, row, column, value and hint in the message."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest

from smartcity.loaders import read_scores
from smartcity.validation import (
    SCORES_SCHEMA,
    DataValidationError,
    Problem,
    scores_schema,
    validate_scores,
)

HEADER = "Jahr;Stadt;Ebene;Kategorie;Indikator;Punkte;Rang\n"


def problems_of(path: Path, **kwargs) -> DataValidationError:
    with pytest.raises(DataValidationError) as err:
        validate_scores(read_scores(path, **kwargs), str(path))
    return err.value


def long_file(tmp_path: Path, body: str, name: str = "scores.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def only(err: DataValidationError) -> tuple[Problem, str]:
    assert len(err.problems) == 1, str(err)
    return err.problems[0], str(err)


def test_unknown_city_with_suggestion(tmp_path):
    path = long_file(tmp_path, "2025;Bonn;overall;;;60;1\n2025;Krefelt;overall;;;50;2\n")
    problem, text = only(problems_of(path))
    assert (problem.row, problem.column, problem.value) == (3, "Stadt", "Krefelt")
    assert "Unknown city 'Krefelt'" in text and "Did you mean Krefeld" in text
    assert "scores.csv, line 3, column 'Stadt'" in text
    assert "data/cities.csv" in problem.hint


def test_duplicate_rows(tmp_path):
    path = long_file(
        tmp_path,
        "2025;Bonn;category;Verwaltung;;60;\n2025;Köln;overall;;;70;\n2025;Bonn;Kategorie;Administration;;61;\n",
    )
    problem, text = only(problems_of(path))
    assert problem.row == 4
    assert "Duplicate row" in text and "as line 2" in text and "Bonn" in text
    assert "Delete one of the two rows" in text


@pytest.mark.parametrize(
    "value, message",
    [
        ("101", "outside the range 0-100"),
        ("-1", "outside the range 0-100"),
        ("714", "outside the range 0-100"),
        ("viel", "is not a number"),
        ("", "The score is missing"),
    ],
)
def test_score_out_of_range_or_not_a_number(tmp_path, value, message):
    path = long_file(tmp_path, f"2025;Bonn;overall;;;{value};\n")
    problem, text = only(problems_of(path))
    assert (problem.row, problem.column) == (2, "Punkte")
    assert message in text
    if value:
        assert f"[value: '{value}']" in text
    assert "Fix:" in text and "0" in problem.hint


def test_rank_inconsistent_with_scores(tmp_path):
    path = long_file(
        tmp_path,
        "2025;Bonn;overall;;;80;2\n2025;Köln;overall;;;70;1\n2025;Kiel;overall;;;60;3\n"
        "2025;Kiel;category;Verwaltung;;60;1\n2025;Bonn;category;Verwaltung;;50;2\n",
    )
    problem, text = only(problems_of(path))
    assert (problem.row, problem.column, problem.value) == (2, "Rang", 2)
    assert "Rank 2 of Bonn (score 80)" in text and "Köln has a lower score (70) but a better rank (1)" in text
    assert "line 3" in text and "leave the rank column empty" in text


def test_ties_with_equal_scores_are_not_inconsistent(tmp_path):
    path = long_file(tmp_path, "2025;Bonn;overall;;;70;2\n2025;Köln;overall;;;70;1\n")
    frame = validate_scores(read_scores(path), str(path))
    assert len(frame) == 2


def test_unknown_category(tmp_path):
    path = long_file(tmp_path, "2025;Bonn;category;Verwaltng;;60;\n")
    problem, text = only(problems_of(path))
    assert (problem.row, problem.column, problem.value) == (2, "Kategorie", "Verwaltng")
    assert "Unknown category 'Verwaltng'. Did you mean Verwaltung?" in text
    assert "Gesellschaft und Bildung" in problem.hint


def test_unknown_indicator_with_closest_names(tmp_path):
    path = long_file(tmp_path, "2025;Bonn;indicator;;Glasfasr;60;\n")
    problem, text = only(problems_of(path))
    assert (problem.row, problem.column, problem.value) == (2, "Indikator", "Glasfasr")
    assert "Unknown indicator 'Glasfasr'. Did you mean Glasfaser (glasfaser)" in text
    assert "data/indicators.csv" in problem.hint


def test_indicator_of_another_edition(tmp_path):
    path = long_file(tmp_path, "2020;Bonn;indicator;;digitalkompetenz;60;\n")
    problem, text = only(problems_of(path))
    assert "not part of the 2020 edition" in text and "2023-2025" in text


def test_unknown_wide_column_with_suggestion(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("Stadt;Jahr;Gesamt;Mobilitaet;Verwaltnug\nBonn;2025;60;50;40\n", encoding="utf-8")
    problem, text = only(problems_of(path))
    assert (problem.row, problem.column) == (1, "Verwaltnug")
    assert "Unknown column 'Verwaltnug'" in text and "Did you mean Verwaltung" in text


def test_year_outside_editions(tmp_path):
    path = long_file(tmp_path, "2018;Bonn;overall;;;60;\n2025;Bonn;overall;;;60;\n")
    problem, text = only(problems_of(path))
    assert (problem.row, problem.column, problem.value) == (2, "Jahr", 2018)
    assert "2018 is not an edition of the Smart City Index (editions: 2019-2025)" in text


def test_requested_year_without_rows(tmp_path):
    path = long_file(tmp_path, "2024;Bonn;overall;;;60;\n2023;Bonn;overall;;;58;\n")
    problem, text = only(problems_of(path, year=2025))
    assert problem.value == 2025
    assert "No data for the year 2025: the file has rows for 2023, 2024" in text
    assert "--year" in problem.hint
    # also when given to validate_scores directly
    with pytest.raises(DataValidationError, match="No data for the year 2022"):
        validate_scores(read_scores(path), str(path), years=[2022])


def test_empty_table_with_title_in_file(tmp_path):
    path = tmp_path / "bitkom.csv"
    path.write_text(
        "Smart City Index 2025 – Verwaltung\nPlatz;Tendenz;Stadt;Index\n1;+1;Bonn;60\n\n"
        "Smart City Index 2025 – Mobilität\nPlatz;Tendenz;Stadt;Index\n",
        encoding="utf-8",
    )
    problem, text = only(problems_of(path))
    assert problem.row == 6
    assert "'Smart City Index 2025 – Mobilität' has a header row but no data rows" in text


@pytest.mark.parametrize("content", ["", "\n\n", HEADER, "\ufeff" + HEADER])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        read_scores(path)
    text = str(err.value)
    assert "empty.csv" in text
    assert "no data rows" in text


def test_missing_required_column_lists_missing_and_found(tmp_path):
    path = long_file(tmp_path, "2025;Bonn;overall;;60\n", header="Jahr;Stadt;Ebene;Kategorie;Punkte\n")
    with pytest.raises(DataValidationError) as err:
        read_scores(path)
    problem, text = only(err.value)
    assert "Missing required column(s): indicator (Indikator)" in text
    assert "Columns found: Jahr, Stadt, Ebene, Kategorie, Punkte" in text
    assert problem.row == 1


def test_no_header_row(tmp_path):
    path = tmp_path / "noheader.csv"
    path.write_text("2025;Bonn;overall;;;60\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="No header row found"):
        read_scores(path)


def test_all_problems_are_collected_and_capped(tmp_path):
    body = "".join(f"2025;Nowhere{i};overall;;;60;\n" for i in range(60))
    body += "2025;Bonn;overall;;;abc;\n2025;Bonn;category;Mobility;;200;\n"
    path = long_file(tmp_path, body)
    err = problems_of(path)
    assert len(err.problems) == 62
    text = str(err)
    assert text.startswith(f"62 problems in {path}:")
    assert "... and 12 more problems not listed" in text
    assert len([ln for ln in text.splitlines() if ln.startswith("  - ")]) == 50
    assert any("not a number" in p.message for p in err.problems)
    assert any("outside the range" in p.message for p in err.problems)


def test_xlsx_problems_name_sheet_and_row(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Verwaltung"
    for r in (["Platz", "Tendenz", "Stadt", "Index"], [1, "+1", "Bonn", 60], [2, "hoch", "Krefelt", 50]):
        ws.append(r)
    path = tmp_path / "bitkom_2025.xlsx"
    wb.save(path)
    err = problems_of(path)
    text = str(err)
    assert len(err.problems) == 2, text
    assert "bitkom_2025.xlsx, sheet 'Verwaltung', row 3, column 'Tendenz' [value: 'hoch']" in text
    assert "+3, -2, ±0" in text
    assert "sheet 'Verwaltung', row 3, column 'Stadt' [value: 'Krefelt']" in text
    assert "Did you mean Krefeld" in text


def test_unreadable_files(tmp_path):
    fake = tmp_path / "daten.xlsx"
    fake.write_bytes(b"not a workbook")
    with pytest.raises(DataValidationError, match="daten.xlsx.*not an Excel workbook"):
        read_scores(fake)
    xls = tmp_path / "alt.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(DataValidationError, match=r"alt.xls.*old Excel file \(.xls\)"):
        read_scores(xls)
    broken = tmp_path / "kaputt.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(DataValidationError, match="kaputt.xlsx.*cannot be read"):
        read_scores(broken)
    binary = tmp_path / "bild.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(DataValidationError, match="bild.csv.*binary"):
        read_scores(binary)


def test_validate_plain_frame_without_source_columns():
    frame = pd.DataFrame(
        {
            "year": [2025, 2025],
            "city": ["Muenchen", "Krefelt"],
            "level": ["overall"] * 2,
            "category": ["", ""],
            "indicator": ["", ""],
            "score": [80.0, 70.0],
        }
    )
    with pytest.raises(DataValidationError) as err:
        validate_scores(frame, "in-memory")
    problem, text = only(err.value)
    assert problem.row is None and problem.column == "city"
    assert text.startswith("1 problem in in-memory:")
    ok = validate_scores(frame.iloc[:1], "in-memory")
    assert ok["city"].tolist() == ["München"] and ok["provenance"].tolist() == ["official"]


def test_missing_columns_in_a_frame():
    with pytest.raises(DataValidationError, match="Missing required column.*score"):
        validate_scores(
            pd.DataFrame({"year": [2025], "city": ["Bonn"], "level": ["overall"], "category": [""], "indicator": [""]}),
            "frame",
        )


def test_pandera_schema_accepts_clean_and_rejects_bad_frames():
    good = pd.DataFrame(
        {
            "year": [2025],
            "city": ["Bonn"],
            "level": ["overall"],
            "category": [""],
            "indicator": [""],
            "score": [60.0],
            "rank": pd.array([1], dtype="Int64"),
            "rank_change": pd.array([None], dtype="Int64"),
            "provenance": ["official"],
            "source_url": [""],
        }
    )
    SCORES_SCHEMA.validate(good)
    scores_schema([2025]).validate(good)
    with pytest.raises(pa.errors.SchemaErrors):
        scores_schema([2024]).validate(good.assign(score=[120.0]), lazy=True)
    with pytest.raises(pa.errors.SchemaError):
        SCORES_SCHEMA.validate(pd.concat([good, good]))


def test_unknown_provenance_and_level(tmp_path):
    path = long_file(
        tmp_path,
        "2025;Bonn;overall;;;60;;geschätzt\n2025;Köln;Stadtteil;;;60;;official\n",
        header="Jahr;Stadt;Ebene;Kategorie;Indikator;Punkte;Rang;Herkunft\n",
    )
    err = problems_of(path)
    text = str(err)
    assert len(err.problems) == 2, text
    assert "line 2, column 'Herkunft' [value: 'geschätzt']: Unknown provenance 'geschätzt'" in text
    assert "published, modelled, official, computed" in text
    assert "line 3, column 'Ebene' [value: 'Stadtteil']: Unknown level 'Stadtteil'" in text


def test_two_columns_with_the_same_meaning(tmp_path):
    path = long_file(tmp_path, "2025;Bonn;60;61\n", header="Jahr;Stadt;Punkte;Wert\n")
    with pytest.raises(DataValidationError) as err:
        read_scores(path)
    assert "Several columns mean score (Punkte/Wert/Index): 'Punkte', 'Wert'" in str(err.value)


def test_wide_xlsx_problems_name_the_value_column(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Daten"
    for r in (["Stadt", "Jahr", "Gesamt", "Mobilität"], ["Bonn", 2025, 60, "sehr gut"], ["Köln", 2025, 160, 50]):
        ws.append(r)
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    text = str(problems_of(path))
    assert "sheet 'Daten', row 2, column 'Mobilität' [value: 'sehr gut']: The score 'sehr gut' is not a number" in text
    assert "sheet 'Daten', row 3, column 'Gesamt' [value: '160']: The score 160 is outside the range 0-100" in text
