"""Reading the three input formats: long, wide (CSV/XLSX), Bitkom ranking tables (CSV/XLSX)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from smartcity.loaders import coverage, detect_encoding, parse_number, parse_rank, parse_tendency, read_scores
from smartcity.validation import SCORE_COLUMNS, DataValidationError, validate_scores

FIXTURES = Path(__file__).parent / "fixtures" / "data"


def load(path, **kwargs) -> pd.DataFrame:
    """read_scores + validate_scores, as load_dataset does."""
    return validate_scores(read_scores(path, **kwargs), str(path))


def row(frame, **where) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for key, value in where.items():
        mask &= frame[key] == value
    hits = frame[mask]
    assert len(hits) == 1, f"expected one row for {where}, got {len(hits)}"
    return hits.iloc[0]


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "text, expected",
    [
        ("71,4", 71.4),
        ("71.4", 71.4),
        (" 71,4 ", 71.4),
        ("100", 100.0),
        ("0", 0.0),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1.234.567", 1234567.0),
        ("1.234", 1.234),
        ("−3,5", -3.5),
        ("71,4\xa0", 71.4),
        (71.4, 71.4),
        (80, 80.0),
        ("", None),
        ("-", None),
        ("n.v.", None),
        ("k.A.", None),
        (None, None),
    ],
)
def test_parse_number_german_and_english(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "71,4 Punkte", "7/10", "1,2,3.4,5"])
def test_parse_number_rejects_text(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("+3", 3),
        ("-2", -2),
        ("±0", 0),
        ("0", 0),
        ("–1", -1),
        ("−4", -4),
        ("▲3", 3),
        ("▼2", -2),
        ("↑ 5", 5),
        ("neu", None),
        ("new", None),
        ("Neu", None),
        ("", None),
        (None, None),
        (3, 3),
        (-2.0, -2),
        ("=", 0),
    ],
)
def test_parse_tendency(text, expected):
    assert parse_tendency(text) == expected


def test_parse_tendency_rejects_text():
    with pytest.raises(ValueError):
        parse_tendency("up")


@pytest.mark.parametrize("text, expected", [("1", 1), ("1.", 1), (3.0, 3), ("", None), (None, None)])
def test_parse_rank(text, expected):
    assert parse_rank(text) == expected


def test_detect_encoding():
    assert detect_encoding("München".encode("utf-8")) == "utf-8-sig"
    assert detect_encoding(b"\xef\xbb\xbf" + "München".encode("utf-8")) == "utf-8-sig"
    assert detect_encoding("München".encode("cp1252")) == "cp1252"
    assert detect_encoding("München".encode("utf-16")) == "utf-16"


# --------------------------------------------------------------------------- long format


def test_long_german_semicolon_bom_decimal_comma():
    frame = load(FIXTURES / "long_de.csv")
    assert list(frame.columns) == SCORE_COLUMNS
    assert len(frame) == 7
    muc = row(frame, year=2025, city="München", level="overall")
    assert muc["score"] == pytest.approx(86.5)
    assert muc["rank"] == 1
    assert muc["provenance"] == "official"
    assert muc["category"] == "" and muc["indicator"] == ""
    assert row(frame, city="Mülheim an der Ruhr", level="overall")["score"] == 45.0
    ind = row(frame, level="indicator")
    assert ind["indicator"] == "online-terminvergabe" and ind["category"] == "Verwaltung"
    assert pd.isna(muc["rank_change"])
    assert str(frame["rank"].dtype) == "Int64" and frame["year"].dtype == "int64"


def test_long_english_headers_aliases_names_and_provenance():
    frame = load(FIXTURES / "long_en.csv")
    muc = row(frame, city="München")  # "Muenchen" resolved to the official name
    assert muc["score"] == pytest.approx(83.1)  # quoted decimal comma in a comma-separated file
    assert muc["provenance"] == "published" and muc["source_url"] == "https://example.org/2023"
    assert row(frame, level="category")["category"] == "Mobilität"  # English category name
    assert row(frame, level="category")["city"] == "Frankfurt am Main"  # alias
    indicators = frame[frame["level"] == "indicator"].set_index("year")["indicator"]
    assert set(frame.loc[frame["level"] == "indicator", "category"]) == {"IT und Kommunikation"}
    assert sorted(frame.loc[(frame["level"] == "indicator") & (frame["year"] == 2023), "indicator"]) == [
        "breitband",
        "glasfaser",
    ]
    # the 2021 name resolves to the id of the 2019-2022 catalogue
    assert indicators.loc[2021] == "breitband-2019"


def test_long_tab_separated_utf16(tmp_path):
    text = "Jahr\tStadt\tEbene\tKategorie\tIndikator\tPunkte\tRang\n2025\tMünchen\toverall\t\t\t86,5\t1\n"
    path = tmp_path / "excel_unicode.txt"
    path.write_bytes(text.encode("utf-16"))
    frame = load(path)
    assert row(frame, city="München")["score"] == 86.5


def test_mojibake_is_repaired(tmp_path):
    text = "Jahr;Stadt;Ebene;Kategorie;Indikator;Punkte\n2025;München;overall;;;86,5\n"
    path = tmp_path / "mojibake.csv"
    path.write_text(text.encode("utf-8").decode("cp1252"), encoding="utf-8")
    assert load(path)["city"].tolist() == ["München"]


# --------------------------------------------------------------------------- wide format


def test_wide_cp1252_csv_with_umlauts_rank_and_ignored_columns():
    frame = load(FIXTURES / "wide_cp1252.csv")
    assert set(frame["city"]) == {"München", "Mülheim an der Ruhr", "Düsseldorf"}
    muc = frame[frame["city"] == "München"]
    assert row(muc, level="overall")["score"] == 86.5
    assert row(muc, level="overall")["rank"] == 1
    assert row(muc, level="category", category="Mobilität")["score"] == 88.0
    assert pd.isna(row(muc, level="category", category="Mobilität")["rank"])
    # empty cells are simply missing values (partial data)
    assert len(frame[frame["city"] == "Mülheim an der Ruhr"]) == 2
    assert len(frame[frame["city"] == "Düsseldorf"]) == 1


def test_wide_xlsx_with_indicator_columns_and_rank_columns(tmp_path):
    path = write_xlsx(
        tmp_path / "staedte.xlsx",
        {
            "Tabelle1": [
                [
                    "City",
                    "Year",
                    "Overall",
                    "Administration",
                    "Rang Verwaltung",
                    "Breitband",
                    "open-data",
                    "Bundesland",
                ],
                ["Köln", 2025, 79.8, 70.1, 2, 55.5, 100, "NRW"],
                ["Krefeld", 2025, 50.2, 80.0, 1, None, 0, "NRW"],
            ]
        },
    )
    frame = load(path)
    koeln = frame[frame["city"] == "Köln"]
    assert row(koeln, level="overall")["score"] == 79.8
    assert row(koeln, level="category")["rank"] == 2
    assert row(koeln, level="indicator", indicator="breitband")["category"] == "IT und Kommunikation"
    assert row(koeln, level="indicator", indicator="open-data")["score"] == 100.0
    assert len(frame[(frame["city"] == "Krefeld") & (frame["level"] == "indicator")]) == 1


def test_wide_without_year_column_uses_year_argument(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("Stadt;Gesamt;Verwaltung\nBonn;60,5;70,0\n", encoding="utf-8")
    frame = load(path, year=2024)
    assert set(frame["year"]) == {2024}
    assert len(frame) == 2


def test_wide_without_year_uses_file_name(tmp_path):
    path = tmp_path / "staedte_2022.csv"
    path.write_text("Stadt;Gesamt\nBonn;60,5\n", encoding="utf-8")
    assert load(path)["year"].tolist() == [2022]


# --------------------------------------------------------------------------- Bitkom ranking tables


def test_bitkom_csv_several_tables_with_titles():
    frame = load(FIXTURES / "bitkom_2025.csv")
    assert set(frame["year"]) == {2025}
    overall = frame[frame["level"] == "overall"]
    assert len(overall) == 3
    assert row(overall, city="Hamburg")["rank_change"] == 3
    assert row(overall, city="München")["rank_change"] == 0
    assert row(overall, city="Köln")["rank_change"] == -1
    verwaltung = frame[frame["category"] == "Verwaltung"]
    assert (verwaltung["level"] == "category").all()
    assert row(verwaltung, city="Hamburg")["rank_change"] == 2
    assert pd.isna(row(verwaltung, city="Cottbus")["rank_change"])  # "neu"
    assert row(verwaltung, city="Mülheim an der Ruhr")["rank_change"] == -2
    mobil = frame[frame["category"] == "Mobilität"]
    assert row(mobil, city="Hamburg")["rank_change"] == -1  # ▼1
    assert row(mobil, city="Hamburg")["score"] == 85.5


def test_bitkom_single_table_category_from_file_name():
    frame = load(FIXTURES / "verwaltung_2025.csv")
    assert set(frame["category"]) == {"Verwaltung"} and set(frame["level"]) == {"category"}
    assert set(frame["year"]) == {2025}
    assert row(frame, city="Bonn")["score"] == 71.4
    assert pd.isna(row(frame, city="Bonn")["rank_change"])


def test_bitkom_xlsx_one_sheet_per_table_year_from_file_name(tmp_path):
    header = ["Platz", "Tendenz", "Stadt", "Index"]
    path = write_xlsx(
        tmp_path / "bitkom_2024.xlsx",
        {
            "Gesamtranking": [header, [1, "+2", "München", 84.3], [2, "±0", "Hamburg", 82.0]],
            "Verwaltung": [header, ["1.", "▲1", "Hamburg", 90.0], ["2.", "neu", "Hanau", 40.5]],
            "IT und Kommunikation": [header, [1, -1, "Bochum", 77.7]],
            "Gesellschaft": [header, [1, "0", "Bochum", 55.5]],
        },
    )
    frame = load(path)
    assert set(frame["year"]) == {2024}
    assert row(frame, level="overall", city="München")["rank_change"] == 2
    assert row(frame, category="Verwaltung", city="Hamburg")["rank"] == 1
    assert row(frame, category="IT und Kommunikation")["rank_change"] == -1
    assert row(frame, category="Gesellschaft und Bildung")["score"] == 55.5  # old name normalised


def test_bitkom_xlsx_title_row_names_year_and_category(tmp_path):
    path = write_xlsx(
        tmp_path / "export.xlsx",
        {
            "Tabelle1": [
                ["Smart City Index 2023 – Energie und Umwelt"],
                [],
                ["Platz", "Tendenz", "Stadt", "Punkte"],
                [1, "+1", "Hamburg", "92,5"],
            ]
        },
    )
    frame = load(path)
    assert row(frame, city="Hamburg")[["year", "level", "category", "score"]].tolist() == [
        2023,
        "category",
        "Energie und Umwelt",
        92.5,
    ]


def test_bitkom_table_without_year_is_a_clear_error(tmp_path):
    path = tmp_path / "ranking.csv"
    path.write_text("Platz;Tendenz;Stadt;Index\n1;+1;Hamburg;90,0\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        read_scores(path)
    text = str(err.value)
    assert "ranking.csv" in text and "No year found" in text and "--year" in text
    assert load(path, year=2025)["year"].tolist() == [2025]


@pytest.mark.parametrize(
    "name, text",
    [
        ("bitkom_2025.csv", "Platz;Tendenz;Stadt;Index\n1;+1;Hamburg;90,0\n2;0;;85,0\n"),
        ("wide_2025.csv", "Stadt;Gesamt\nHamburg;90,0\n;85,0\n"),
    ],
)
def test_row_without_city_names_file_row_and_column(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        load(path, year=2025)
    message = str(err.value)
    assert f"{name}, line 3, column 'Stadt'" in message
    assert "The city name is missing." in message and "Fill in the city name or delete the row." in message


# --------------------------------------------------------------------------- partial data, coverage


def test_partial_data_and_coverage(tmp_path):
    path = tmp_path / "partial.csv"
    path.write_text(
        "Jahr;Stadt;Ebene;Kategorie;Indikator;Punkte\n"
        "2025;Bonn;overall;;;60\n2025;Köln;overall;;;70\n2025;Bonn;category;Verwaltung;;55\n"
        "2023;Bonn;overall;;;58\n",
        encoding="utf-8",
    )
    frame = load(path)
    cov = coverage(frame)
    assert list(cov.columns) == ["year", "level", "n_cities", "n_values"]
    assert cov.to_dict("records") == [
        {"year": 2023, "level": "overall", "n_cities": 1, "n_values": 1},
        {"year": 2025, "level": "overall", "n_cities": 2, "n_values": 2},
        {"year": 2025, "level": "category", "n_cities": 1, "n_values": 1},
    ]
    assert coverage(frame.iloc[0:0]).empty


def test_read_scores_keeps_source_rows(tmp_path):
    frame = read_scores(FIXTURES / "bitkom_2025.csv")
    assert row(frame, city="Cottbus")["source_row"] == 10
    assert row(frame, city="Cottbus")["source_sheet"] == ""


def test_validate_is_idempotent():
    frame = load(FIXTURES / "long_de.csv")
    again = validate_scores(frame, "again")
    pd.testing.assert_frame_equal(frame, again)
