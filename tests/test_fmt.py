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
    assert [fmt.ordinal(n, "en") for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "101st",
        "111th",
    ]
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


def test_one_rounding_rule_half_up_on_the_shown_decimal():
    # Python's round() gives 54.2 and 69.5 here (binary representation, banker's rounding)
    assert fmt.number(54.25) == "54,3" and fmt.number(69.55) == "69,6"
    assert fmt.number(69.55, "en") == "69.6" and fmt.number(0.05) == "0,1"
    assert fmt.number(67.35 - 67.3) == "0,1"  # float noise (0.04999...) is not a reason to round down
    assert fmt.signed(-0.25) == "-0,3" and fmt.signed(-0.04) == "±0,0"
    assert fmt.round_half_up(2.675, 2) == 2.68 and fmt.number(1234.5, decimals=0) == "1.235"
    from smartcity import charts
    from smartcity.analysis import _r1

    assert charts.fmt_number(69.55) == "69,6" and _r1(54.25) == 54.3  # charts and analysis use the same rule


def test_city_states_and_english_names():
    assert fmt.in_bundesland("Bremen") == "im Land Bremen"
    assert fmt.in_bundesland("Hamburg", "en") == "in the state of Hamburg"
    assert fmt.city("München", "en") == "Munich" and fmt.city("München") == "München"
    assert fmt.city("Krefeld", "en") == "Krefeld"
    assert fmt.english_names_in("München, Köln und Mönchengladbach") == "Munich, Cologne und Mönchengladbach"
    assert (
        fmt.places(1) == "1 Platz"
        and fmt.places(2, case="dat") == "2 Plätzen"
        and fmt.by_places(1, "en") == "by 1 place"
    )
