import pytest

from smartcity import fmt


def test_points_german_decimal_comma_and_case():
    assert fmt.points(71.4) == "71,4 Punkte"
    assert fmt.points(71.4, case="dat") == "71,4 Punkten"
    assert fmt.points(1.0) == "1,0 Punkte"  # decimals always take the plural
    assert fmt.points(100) == "100,0 Punkte"
    assert fmt.points(71.44) == "71,4 Punkte"


def test_points_english():
    assert fmt.points(71.4, "en") == "71.4 points"
    assert fmt.points(1, "en") == "1.0 points"


def test_signed_changes():
    assert fmt.signed_points(2.6) == "+2,6 Punkte"
    assert fmt.signed_points(-0.4, "en") == "-0.4 points"
    assert fmt.signed_points(0.0) == "±0,0 Punkte"
    assert fmt.signed(0.04) == "±0,0"


def test_ranks_and_places():
    assert fmt.rank(41) == "Platz 41"
    assert fmt.rank(41, "en") == "rank 41"
    assert fmt.by_places(1) == "um 1 Platz"
    assert fmt.by_places(2) == "um 2 Plätze"
    assert fmt.by_places(-2) == "um 2 Plätze"
    assert fmt.places(2, case="dat") == "2 Plätzen"
    assert fmt.by_places(1, "en") == "by 1 place"
    assert fmt.by_places(2, "en") == "by 2 places"


def test_percent_and_ordinals():
    assert fmt.percent(25).replace("\xa0", " ") == "25 %"
    assert fmt.percent(25, "en") == "25%"
    assert fmt.ordinal(41) == "41."
    assert [fmt.ordinal(n, "en") for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == \
        ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]
    assert fmt.percentile(85.2, "en") == "85th percentile"


def test_lists_and_names():
    assert fmt.join(["A", "B", "C"]) == "A, B und C"
    assert fmt.join(["A", "B"], "en") == "A and B"
    assert fmt.join([]) == ""
    assert fmt.join_categories(["IT und Kommunikation", "Mobilität"]) == "IT und Kommunikation sowie Mobilität"
    assert fmt.join_categories(["Verwaltung", "Mobilität"]) == "Verwaltung und Mobilität"


def test_category_articles_and_labels():
    assert fmt.in_category("Verwaltung") == "in der Kategorie Verwaltung"
    assert fmt.in_area("Mobilität") == "im Bereich Mobilität"
    assert fmt.in_category("Verwaltung", lang="en") == "in the Administration category"
    assert fmt.category("Gesellschaft und Bildung", 2022) == "Gesellschaft"
    assert fmt.category("Gesellschaft und Bildung", 2023) == "Gesellschaft und Bildung"
    assert fmt.category("Gesellschaft und Bildung", 2025, "en") == "Society and Education"
    assert fmt.in_categories(["Verwaltung", "Mobilität"]) == "in den Kategorien Verwaltung und Mobilität"


def test_bundesland_articles():
    assert fmt.in_bundesland("Nordrhein-Westfalen") == "in Nordrhein-Westfalen"
    assert fmt.in_bundesland("Saarland") == "im Saarland"
    assert fmt.in_bundesland("Bayern", "en") == "in Bavaria"
    assert fmt.bundesland("Thüringen", "en") == "Thuringia"


def test_unknown_language():
    with pytest.raises(ValueError):
        fmt.points(1.0, "fr")
