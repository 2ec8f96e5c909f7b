"""House style and charts (smartcity.charts)."""

from __future__ import annotations

import re

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest

from smartcity import charts

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CATS = ["Verwaltung", "IT und Kommunikation", "Energie und Umwelt", "Mobilität", "Gesellschaft und Bildung"]


@pytest.fixture(scope="module")
def field() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    scores = np.round(rng.uniform(20, 95, 83), 1)
    cities = [f"Stadt {i:02d}" for i in range(82)] + ["Krefeld"]
    scores[-1] = 71.4
    df = pd.DataFrame({"city": cities, "score": scores})
    df["rank"] = df["score"].rank(method="min", ascending=False).astype(int)
    return df


def _check_png(chart: charts.Chart, max_kb: int = 450) -> None:
    assert isinstance(chart, charts.Chart)
    assert chart.png.startswith(PNG_MAGIC)
    assert len(chart.png) < max_kb * 1024
    w, h = chart.size_px
    assert 1000 <= w <= 1100  # 16 cm at 170 dpi
    assert 100 < h < 2200
    assert chart.figure is None  # rendered and released
    assert chart.alt


def _rc_snapshot() -> dict:
    return {k: v for k, v in mpl.rcParams.items() if k != "backend"}


# ---------------------------------------------------------------------------------------------
# formatting, Chart object, style isolation
# ---------------------------------------------------------------------------------------------


def test_fmt_number():
    assert charts.fmt_number(71.4) == "71,4"
    assert charts.fmt_number(71.4, lang="en") == "71.4"
    assert charts.fmt_number(1234.56, 1) == "1.234,6"
    assert charts.fmt_number(5, 0) == "5"
    assert charts.fmt_number(float("nan")) == "–"


def test_repr_html_contract():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1))
    fig.add_subplot().plot([0, 1], [0, 1])
    chart = charts.Chart(fig, title="Titel & mehr", caption="Quelle: Bitkom", alt='Ein "Test" <x>')
    out = chart._repr_html_()
    assert out.startswith('<figure class="chart"><img src="data:image/png;base64,')
    assert 'alt="Ein &quot;Test&quot; &lt;x&gt;"' in out
    assert "<figcaption>" in out and "Titel &amp; mehr." in out and "Quelle: Bitkom" in out  # two sentences
    assert out.endswith("</figcaption></figure>")
    assert chart._repr_png_().startswith(PNG_MAGIC)
    assert chart.figure is None


def test_chart_from_png_bytes_and_no_caption():
    png = charts.no_data_chart().png
    chart = charts.Chart(png=png, alt="x")
    assert "<figcaption>" not in chart._repr_html_()
    with pytest.raises(ValueError):
        charts.Chart()


def test_no_global_rcparams_change(field):
    before = _rc_snapshot()
    charts.ranking_bars(field, highlight="Krefeld", top_n=10)
    charts.score_distribution(field[["city", "score"]], highlight="Krefeld")
    assert _rc_snapshot() == before
    with charts.style():
        assert mpl.rcParams["axes.spines.top"] is False
    assert _rc_snapshot() == before


def test_no_pyplot_figures_left_open(field):
    import matplotlib.pyplot as plt

    n = len(plt.get_fignums())
    charts.peer_comparison(field.head(5), "Stadt 01")
    assert len(plt.get_fignums()) == n


def test_pyplot_figure_is_closed_after_render():
    import matplotlib.pyplot as plt

    fig = plt.figure()
    chart = charts.Chart(fig, alt="x")
    assert plt.fignum_exists(fig.number)
    chart.render()
    assert not plt.fignum_exists(fig.number)


# ---------------------------------------------------------------------------------------------
# city charts
# ---------------------------------------------------------------------------------------------


def test_rank_trajectory_many_editions():
    df = pd.DataFrame(
        {"year": [2021, 2022, 2023, 2024, 2025], "rank": [52, 47, 38, 38, 41], "n_cities": [81, 81, 83, 83, 83]}
    )
    c = charts.rank_trajectory(df, "Krefeld")
    _check_png(c)
    assert "von Platz 52 (2021) auf Platz 41 von 83 (2025)" in c.alt
    assert "bester Rang: Platz 38 (2023 und 2024)" in c.alt
    assert c.alt.startswith("Liniendiagramm")


def test_rank_trajectory_single_edition():
    df = pd.DataFrame({"year": [2025], "rank": [41], "n_cities": [83]})
    c = charts.rank_trajectory(df, "Krefeld")
    _check_png(c)
    assert "Krefeld liegt 2025 auf Platz 41 von 83" in c.alt
    assert "nur eine Ausgabe" in c.alt and "kein Verlauf" in c.alt
    en = charts.rank_trajectory(df, "Krefeld", lang="en")
    assert "Only one edition" in en.alt and "ranks 41 of 83" in en.alt


def test_rank_trajectory_skips_unranked_years():
    df = pd.DataFrame({"year": [2023, 2024, 2025], "rank": [pd.NA, 50, 41], "n_cities": [83, 83, 83]})
    c = charts.rank_trajectory(df, "X")
    assert "2 Ausgaben" in c.alt


def test_category_profile_with_missing_category():
    df = pd.DataFrame(
        {
            "category": CATS,
            "score": [71.4, 55.0, np.nan, 80.2, 64.3],
            "median": [70.9, 60.1, 50.0, 66.0, 61.2],
            "top10_mean": [88.1, 80.5, 75.3, 85.0, 82.2],
            "best": [98.2, 95.0, 92.1, 100.0, 97.5],
        }
    )
    c = charts.category_profile(df, "Krefeld")
    _check_png(c)
    assert "Verwaltung 71,4 Punkte (Median 70,9, Top-10-Mittel 88,1, Bestwert 98,2)" in c.alt
    assert "Energie und Umwelt: keine Daten" in c.alt
    en = charts.category_profile(df, "Krefeld", lang="en")
    assert "71.4 points (median 70.9" in en.alt


def _indicators(n_missing: int = 1) -> pd.DataFrame:
    rows = []
    for cat, k in zip(CATS, [6, 5, 4, 3, 1]):  # the last category has a single indicator
        for i in range(k):
            rows.append(
                {"indicator_name": f"{cat} {i + 1}", "category": cat, "score": float(10 * (i + 1)), "median": 25.0}
            )
    df = pd.DataFrame(rows)
    df.loc[: n_missing - 1, "score"] = np.nan
    return df


def test_indicator_profile_missing_values_and_small_category():
    c = charts.indicator_profile(_indicators(1), "Krefeld")
    _check_png(c)
    assert "19 Indikatoren von Krefeld in 5 Kategorien" in c.alt
    assert "1 ohne Daten" in c.alt
    assert c.facts["missing"] == 1
    assert "(60,0 Punkte)" in c.alt  # strongest indicator


def test_indicator_profile_all_missing():
    df = _indicators(1)
    df["score"] = np.nan
    c = charts.indicator_profile(df, "Krefeld")
    _check_png(c)
    assert "zu keinem der 19 Indikatoren Daten" in c.alt


def test_score_distribution_alt_text(field):
    c = charts.score_distribution(field[["city", "score"]], highlight="Krefeld")
    _check_png(c)
    s = np.sort(field["score"].to_numpy())[::-1]
    rank = int(field.loc[field.city == "Krefeld", "rank"].iloc[0])
    assert f"Krefeld liegt mit 71,4 Punkten auf Platz {rank} von 83" in c.alt
    assert f"Top-10-Schwelle {charts.fmt_number(s[9])} Punkte" in c.alt
    assert f"Median {charts.fmt_number(float(np.median(s)))} Punkte" in c.alt
    assert not re.search(r"\d\.\d", c.alt)  # no English decimal points


def test_peer_comparison(field):
    peers = field[field.city.isin(["Krefeld", "Stadt 01", "Stadt 02", "Stadt 03"])]
    c = charts.peer_comparison(peers, "Krefeld")
    _check_png(c)
    assert "Krefeld im Vergleich mit 3 Vergleichsstädten" in c.alt
    assert "bundesweit Platz" in c.alt


# ---------------------------------------------------------------------------------------------
# category and national charts
# ---------------------------------------------------------------------------------------------


def test_ranking_bars_all_83(field):
    c = charts.ranking_bars(field, highlight="Krefeld")
    _check_png(c)
    assert c.facts == {"n": 83, "shown": 83}
    assert "Rangliste von 83 Städten" in c.alt and "Krefeld liegt mit 71,4 Punkten" in c.alt
    assert c.size_px[1] < 1400  # fits an A4 page


def test_ranking_bars_top_n_keeps_highlight(field):
    c = charts.ranking_bars(field, highlight="Krefeld", top_n=5)
    assert c.facts["shown"] == 6
    assert "Dargestellt sind 6 der 83 Städte" in c.alt


def test_ranking_bars_ties():
    df = pd.DataFrame({"city": ["A", "B", "C", "D"], "score": [80.0, 80.0, 70.0, 70.0]})
    c = charts.ranking_bars(df)
    assert "Platz 1: A und B mit je 80,0 Punkten" in c.alt
    assert "letzter Platz (3): C und D mit je 70,0 Punkten" in c.alt
    assert "geteilt" in c.alt


def test_indicator_heatmap(field):
    rng = np.random.default_rng(1)
    wide = pd.DataFrame(
        np.round(rng.uniform(0, 100, (83, 8)), 1), index=field["city"], columns=[f"Indikator {i}" for i in range(8)]
    )
    wide.iloc[3, 2] = np.nan
    wide["leer"] = np.nan  # dropped
    c = charts.indicator_heatmap(wide, highlight="Krefeld", category="Verwaltung")
    _check_png(c)
    assert c.facts == {"n": 83, "m": 8, "missing": 1}
    assert "83 Städten in 8 Indikatoren der Kategorie Verwaltung" in c.alt
    assert "1 Wert fehlt" in c.alt


def test_trend_lines():
    df = pd.DataFrame(
        {
            "year": [2023, 2024, 2025] * 2,
            "value": [70.2, 75.0, 80.1, 50.0, 52.5, 55.3],
            "series": ["Top-10-Schwelle"] * 3 + ["Mittelwert"] * 3,
        }
    )
    c = charts.trend_lines(df)
    _check_png(c)
    assert c.alt == (
        "Liniendiagramm 2023–2025: Top-10-Schwelle von 70,2 (2023) auf 80,1 Punkte (2025); "
        "Mittelwert von 50,0 (2023) auf 55,3 Punkte (2025)."
    )
    one = charts.trend_lines(df[df.year == 2025])
    assert one.alt.startswith("Punktdiagramm 2025")


def test_germany_map(field):
    rng = np.random.default_rng(2)
    df = field[["city", "score"]].copy()
    df["latitude"] = rng.uniform(48, 54, len(df))
    df["longitude"] = rng.uniform(7, 14, len(df))
    df.loc[0, "latitude"] = np.nan
    c = charts.germany_map(df, highlight="Krefeld")
    _check_png(c)
    assert "82 Städten" in c.alt and "1 Stadt ohne Koordinaten oder Punktzahl fehlt" in c.alt
    assert "Hervorgehoben: Krefeld mit 71,4 Punkten" in c.alt


def test_map_labels_do_not_overlap_in_the_ruhr():
    from smartcity import catalogue

    cities = catalogue.load_cities()[["name", "latitude", "longitude"]].rename(columns={"name": "city"})
    ruhr = ["Duisburg", "Essen", "Bochum", "Dortmund", "Gelsenkirchen"]  # the five best, as the reports label them
    df = cities.assign(score=[90.0 - i * 0.5 if c in ruhr else 40.0 for i, c in enumerate(cities["city"])])
    c = charts.germany_map(df, highlight="Krefeld", label_top=5)
    boxes = c.facts["label_boxes"]
    assert len(boxes) == 6
    overlapping = [
        (a, b)
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]
    assert overlapping == []


# ---------------------------------------------------------------------------------------------
# empty input never raises
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("func", "frame", "args"),
    [
        (charts.rank_trajectory, pd.DataFrame(columns=["year", "rank", "n_cities"]), ("X",)),
        (charts.category_profile, pd.DataFrame(columns=["category", "score", "median", "top10_mean", "best"]), ()),
        (charts.indicator_profile, pd.DataFrame(columns=["indicator_name", "category", "score", "median"]), ()),
        (charts.score_distribution, pd.DataFrame(columns=["city", "score"]), ()),
        (charts.ranking_bars, pd.DataFrame(columns=["city", "score", "rank"]), ()),
        (charts.indicator_heatmap, pd.DataFrame(), ()),
        (charts.peer_comparison, pd.DataFrame(columns=["city", "score", "rank"]), ("X",)),
        (charts.trend_lines, pd.DataFrame(columns=["year", "value", "series"]), ()),
        (charts.germany_map, pd.DataFrame(columns=["city", "latitude", "longitude", "score"]), ()),
    ],
)
def test_empty_input_gives_no_data_chart(func, frame, args):
    c = func(frame, *args)
    assert isinstance(c, charts.Chart)
    assert c.alt.startswith("Keine Daten")
    assert c.facts.get("empty") is True
    assert 'alt="Keine Daten' in c._repr_html_()
    en = func(frame, *args, lang="en")
    assert en.alt.startswith("No data")


def test_missing_column_is_a_clear_error():
    with pytest.raises(ValueError, match="lacks column"):
        charts.score_distribution(pd.DataFrame({"city": ["A"]}))


# ---------------------------------------------------------------------------------------------
# rendering shortcuts are pixel-identical to plain Agg
# ---------------------------------------------------------------------------------------------


def _text_figure():
    from matplotlib.figure import Figure

    with charts.style():
        fig = Figure(figsize=(4, 2))
        ax = fig.add_axes((0.1, 0.2, 0.8, 0.7))
        ax.plot([0, 1], [0, 1])
        ax.set_xlabel("Punkte")
        for i, (size, weight, rot) in enumerate(
            [(8, "normal", 0), (8.5, "bold", 0), (8, "normal", 90), (9.5, "bold", 33)]
        ):
            ax.text(
                0.1 + 0.2 * i,
                0.37 + 0.11 * i,
                f"Öffentlichkeitsbeteiligung {i},5",
                fontsize=size,
                fontweight=weight,
                rotation=rot,
                clip_path=charts._noclip(ax),
            )
        ax.annotate("Krefeld (71,4)", (0.5, 0.5), xytext=(7, 5), textcoords="offset points", style="italic")
    return fig


def _agg_pixels(fig, canvas_cls) -> np.ndarray:
    with charts.style():
        fig.set_dpi(charts.DPI)
        canvas = canvas_cls(fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()


def test_cached_text_rendering_is_pixel_identical():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    reference = _agg_pixels(_text_figure(), FigureCanvasAgg)
    charts._clear_text_cache()
    cold = _agg_pixels(_text_figure(), charts._Canvas)
    assert charts._text_metrics  # the caches were filled
    warm = _agg_pixels(_text_figure(), charts._Canvas)  # metrics, layouts and glyphs from the caches
    assert np.array_equal(reference, cold)
    assert np.array_equal(reference, warm)


def test_hbars_look_like_barh():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    def fig(use_barh):
        with charts.style():
            f = Figure(figsize=(3, 2))
            ax = f.add_axes((0.1, 0.1, 0.8, 0.8))
            y, w = np.arange(7), np.array([5, 33.3, 50, 71.4, 99.9, 100, 0])
            colors = [charts.COLORS["accent"]] + [charts.COLORS["field"]] * 6
            if use_barh:
                ax.barh(y, w, height=0.72, color=colors, zorder=2)
            else:
                charts._hbars(ax, y, w, 0.72, colors, zorder=2)
            ax.set_xlim(0, 100)
            ax.set_ylim(-0.6, 6.6)
        return f

    assert np.array_equal(_agg_pixels(fig(True), FigureCanvasAgg), _agg_pixels(fig(False), FigureCanvasAgg))


def test_fmt_number_cache_keeps_sign_of_zero():
    assert charts.fmt_number(0.0) == "0,0"
    assert charts.fmt_number(-0.04) == "-0,0"
    assert charts.fmt_number(0.0) == "0,0"
    assert charts.fmt_number(71.4, lang="en") == "71.4"


def test_map_draws_without_walking_the_boundary(monkeypatch):
    """draw_germany must not update data limits from the ~15 000 boundary vertices (slow)."""
    from matplotlib.axes import Axes

    calls = []
    monkeypatch.setattr(Axes, "_update_patch_limits", lambda self, patch: calls.append(patch))
    df = pd.DataFrame({"city": ["A", "B"], "latitude": [52.5, 48.1], "longitude": [13.4, 11.6], "score": [70.0, 80.0]})
    c = charts.germany_map(df, highlight="A")
    _check_png(c)
    assert calls == []
