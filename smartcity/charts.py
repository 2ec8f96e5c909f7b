"""The house chart style and every chart of the report suite.

Design rules (see docs/charts.md):

* one style, applied with :func:`style` (a ``matplotlib.rc_context``): importing this module or
  making a chart never changes the global ``rcParams``;
* figures are 16 cm wide (the text width of an A4 page), fonts 8-9.5 pt, so a PNG placed at
  100 % width prints at its design size;
* a grey field and one accent colour for the city in focus; reference marks (median, top-10,
  best) from the Okabe-Ito palette, which stays distinguishable with the common colour-vision
  deficiencies; sequential data with reversed ``cividis`` (darker = higher);
* every chart function takes a plain DataFrame with documented columns and returns a
  :class:`Chart` whose alt text is built from the same numbers that are drawn (German number
  format by default, ``lang="en"`` for English);
* an empty input never raises: the function returns a small "Keine Daten" chart
  (:func:`no_data_chart`), never ``None``.

The single words of the charts and their alt texts (axis labels, legend entries, "Keine Daten", ...)
live in ``[charts.words]`` of ``smartcity/phrases/{de,en}.toml``; the titles the reports show are in
``[charts]`` there and passed in by the callers. The alt-text sentences and the fallback titles are
still written here, per language.

Figures are built with ``matplotlib.figure.Figure`` (no pyplot state) and rendered to PNG at
once, inside the style context, so later changes to ``rcParams`` cannot alter them.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import io
import math
import sys
import time
from collections.abc import Iterator, Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from babel.numbers import format_decimal
from matplotlib.figure import Figure

from smartcity import fmt, wording

__all__ = [
    "Chart",
    "style",
    "STYLE",
    "COLORS",
    "FIG_WIDTH_IN",
    "DPI",
    "rank_trajectory",
    "category_profile",
    "indicator_profile",
    "score_distribution",
    "ranking_bars",
    "indicator_heatmap",
    "peer_comparison",
    "trend_lines",
    "germany_map",
    "no_data_chart",
    "fmt_number",
]

# --------------------------------------------------------------------------------------------
# house style
# --------------------------------------------------------------------------------------------

CM = 1 / 2.54
FIG_WIDTH_IN = 16 * CM  # text width of an A4 page with 2.5 cm margins
DPI = 170  # ~1070 px wide: sharp in print at 16 cm, small files

#: Okabe-Ito (Wong 2011, Nature Methods 8:441) plus neutral greys
COLORS = {
    "accent": "#0072B2",  # blue: the city in focus
    "accent_light": "#9CC7E4",
    "field": "#BDBDBD",  # all other cities
    "field_dark": "#8C8C8C",
    "median": "#333333",  # reference: median
    "top10": "#E69F00",  # orange: top-10 mean / threshold
    "best": "#009E73",  # bluish green: best value
    "extra": "#CC79A7",  # reddish purple: further series
    "extra2": "#D55E00",  # vermillion
    "extra3": "#56B4E9",  # sky blue
    "text": "#222222",
    "muted": "#666666",
    "grid": "#E3E3E3",
    "missing": "#FFFFFF",
}
SERIES_COLORS = [
    COLORS["accent"],
    COLORS["top10"],
    COLORS["best"],
    COLORS["extra2"],
    COLORS["extra"],
    COLORS["extra3"],
    COLORS["median"],
]
SEQUENTIAL_CMAP = "cividis_r"  # reversed: higher scores are darker, as readers expect in print

STYLE: dict[str, object] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 8.5,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 8.5,
    "axes.labelcolor": COLORS["text"],
    "axes.edgecolor": "#555555",
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.axisbelow": True,
    "axes.prop_cycle": mpl.cycler(color=SERIES_COLORS),
    "axes.unicode_minus": True,
    "grid.color": COLORS["grid"],
    "grid.linewidth": 0.6,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "xtick.color": "#555555",
    "ytick.color": "#555555",
    "xtick.labelcolor": COLORS["text"],
    "ytick.labelcolor": COLORS["text"],
    "xtick.major.size": 3,
    "ytick.major.size": 3,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "legend.handlelength": 1.4,
    "figure.facecolor": "white",
    "figure.dpi": 100,
    "savefig.dpi": DPI,
    "savefig.facecolor": "white",
    "text.color": COLORS["text"],
    "lines.linewidth": 1.6,
    "lines.markersize": 5,
    "patch.linewidth": 0,
    "image.cmap": SEQUENTIAL_CMAP,
    "pdf.fonttype": 42,
    "svg.fonttype": "none",
}


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Apply the house style for the duration of the block (restores rcParams afterwards)."""
    with mpl.rc_context(STYLE):
        yield


# --------------------------------------------------------------------------------------------
# texts ([charts.words] of the phrase tables) and number formatting
# --------------------------------------------------------------------------------------------

_LOCALES = {"de": "de_DE", "en": "en_GB"}


def _t(lang: str) -> dict[str, str]:
    """The chart words of ``lang``: ``[charts.words]`` of the phrase tables."""
    # called for every point of an alt text: phrasebook is lru_cached, so this stays two dict
    # lookups on the parsed table (no copy); the explicit check keeps this module's error message
    if lang not in wording.LANGS:
        raise ValueError(f"lang must be 'de' or 'en', not {lang!r}")
    return wording.phrasebook(lang)["charts"]["words"]


def fmt_number(value: float, decimals: int = 1, lang: str = "de") -> str:
    """``71.4`` -> ``"71,4"`` (de) / ``"71.4"`` (en); thousands separators; ``"–"`` for NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "–"
    rounded = fmt.round_half_up(value, decimals)
    # the sign flag keeps -0.0 ("-0,0") and 0.0 apart: they are equal as cache keys
    return _format_rounded(rounded, decimals, lang, math.copysign(1.0, rounded) < 0)


@functools.lru_cache(maxsize=8192)
def _format_rounded(value: float, decimals: int, lang: str, negative: bool) -> str:
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=_LOCALES[lang])


def _pts(value: float, lang: str, dative: bool = False) -> str:
    t = _t(lang)
    return f"{fmt_number(value, 1, lang)} {t['points_dat'] if dative else t['points']}"


def _join(items: Sequence[str], lang: str) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {_t(lang)['and']} " + items[-1]


def _require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: frame lacks column(s) {missing}; has {list(frame.columns)}")


def _competition_rank(scores: pd.Series) -> pd.Series:
    return scores.rank(method="min", ascending=False).astype("Int64")


# --------------------------------------------------------------------------------------------
# the Chart object
# --------------------------------------------------------------------------------------------


class Chart:
    """A rendered chart: PNG bytes plus title, caption and alt text.

    ``_repr_html_`` gives ``<figure class="chart"><img src="data:image/png;base64,..." alt="...">
    <figcaption>...</figcaption></figure>`` (the contract in docs/architecture.md), ``_repr_png_``
    the PNG. A chart made from a ``Figure`` renders it on first use (chart functions of this
    module render at once, inside :func:`style`) and then drops the figure, closing it in pyplot
    if pyplot knows it.
    """

    #: reduce PNGs to a 256-colour palette (see :meth:`render`)
    QUANTIZE = True

    def __init__(
        self,
        figure: Figure | None = None,
        *,
        png: bytes | None = None,
        title: str = "",
        caption: str = "",
        alt: str = "",
        dpi: int = DPI,
    ) -> None:
        if figure is None and png is None:
            raise ValueError("Chart needs a figure or PNG bytes")
        self._figure = figure
        self._png = png
        self.title = title
        self.caption = caption
        self.alt = alt
        self.dpi = dpi
        self.render_seconds: float | None = None
        #: the facts the alt text was built from (for tests and narrative cross-checks)
        self.facts: dict[str, object] = {}

    @property
    def figure(self) -> Figure | None:
        """The matplotlib figure until it has been rendered, then None."""
        return self._figure

    @property
    def png(self) -> bytes:
        if self._png is None:
            self.render()
        return self._png  # type: ignore[return-value]

    def render(self) -> bytes:
        """Render the figure to PNG (once) and release the figure.

        Drawn with :class:`_Canvas` (Agg with process-wide caches of text metrics, glyph layouts
        and glyph bitmaps: pixel-identical to plain Agg). The Agg buffer is reduced to a 256-colour palette
        (see :func:`_encode_png`).
        """
        if self._png is not None:
            return self._png

        fig = self._figure
        start = time.perf_counter()
        with style():
            fig.set_dpi(self.dpi)
            fig.set_facecolor("white")
            canvas = _Canvas(fig)
            canvas.draw()
            rgba = np.asarray(canvas.buffer_rgba())
        self._png = _encode_png(rgba, self.dpi, quantize=self.QUANTIZE)
        self.render_seconds = time.perf_counter() - start
        self._close()
        return self._png

    def _close(self) -> None:
        fig, self._figure = self._figure, None
        plt = sys.modules.get("matplotlib.pyplot")
        if fig is not None and plt is not None:
            plt.close(fig)  # no-op for figures pyplot does not manage

    @property
    def size_px(self) -> tuple[int, int]:
        """(width, height) of the PNG in pixels."""
        data = self.png
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")

    def save(self, path) -> None:
        with open(path, "wb") as fh:
            fh.write(self.png)

    def _repr_png_(self) -> bytes:
        return self.png

    def _repr_html_(self) -> str:
        src = base64.b64encode(self.png).decode("ascii")
        parts = []
        if self.title:
            # title and caption run on in one line: the title ends as a sentence when a caption follows
            title = self.title + ("." if self.caption and self.title[-1] not in ".:!?" else "")
            parts.append(f'<span class="chart-title">{html.escape(title)}</span>')
        if self.caption:
            parts.append(f'<span class="chart-caption">{html.escape(self.caption)}</span>')
        cap = f"<figcaption>{' '.join(parts)}</figcaption>" if parts else ""
        return (
            f'<figure class="chart"><img src="data:image/png;base64,{src}" '
            f'alt="{html.escape(self.alt, quote=True)}">{cap}</figure>'
        )

    def __repr__(self) -> str:
        return f"Chart(title={self.title!r}, alt={self.alt[:60]!r}...)"


# --------------------------------------------------------------------------------------------
# rendering: Agg with cached text layout, palette PNG
# --------------------------------------------------------------------------------------------
#
# Text dominates the drawing time: for every string Agg asks FreeType twice for the whole layout
# (once for the metrics, once for the glyph positions), ~15-25 µs per character each, before it
# rasterises the glyphs. Both results depend only on the string, the font, its size and the dpi,
# and many strings recur from chart to chart (indicator and city names, axis labels, scores), so
# they are cached for the whole process. Rasterised glyphs are cached too, keyed by glyph, font,
# size, angle and the position's fraction of a pixel (1/64 px, as FreeType places them): a glyph
# at the same sub-pixel offset is the same bitmap, shifted by whole pixels. Labels recur at the
# same positions from report to report (indicator names, category headings, city names in the
# same rows), so most glyphs of a warm process come from the cache. The result is pixel-identical
# to plain Agg (tested).

_TEXT_CACHE_MAX = 20_000
_text_metrics: dict[tuple, tuple[float, float, float]] = {}
_text_layouts: dict[tuple, tuple] = {}
_GLYPH_CACHE_MAX = 60_000  # ~300 bytes each with key: <= ~20 MB
_glyphs: dict[tuple, tuple] = {}


def _clear_text_cache() -> None:
    """Forget cached text metrics, layouts and glyph bitmaps (for benchmarks and tests)."""
    _text_metrics.clear()
    _text_layouts.clear()
    _glyphs.clear()


def _agg_classes():
    from matplotlib.backends import backend_agg
    from matplotlib.ft2font import FT2Font

    # the glyph-layout cache relies on Agg's text path of matplotlib >= 3.11 (FT2Font._layout);
    # with other versions only the metrics are cached
    fast_layout = (
        hasattr(FT2Font, "_layout")
        and hasattr(FT2Font, "_render_glyph")
        and hasattr(FT2Font, "_set_transform")
        and hasattr(backend_agg, "RenderMode")
        and hasattr(backend_agg.RendererAgg, "_draw_text_glyphs_and_boxes")
        and hasattr(backend_agg, "get_hinting_flag")
    )

    class _Renderer(backend_agg.RendererAgg):
        def _text_key(self, s, prop):
            # everything the result depends on: text, resolved font, size, dpi, hinting
            return (
                s,
                tuple(prop.get_family()),
                prop.get_style(),
                prop.get_variant(),
                prop.get_weight(),
                prop.get_stretch(),
                prop.get_size_in_points(),
                prop.get_file(),
                self.dpi,
                self._font_context,
            )

        def get_text_width_height_descent(self, s, prop, ismath):
            if ismath:
                return super().get_text_width_height_descent(s, prop, ismath)
            key = self._text_key(s, prop)
            out = _text_metrics.get(key)
            if out is None:
                if len(_text_metrics) >= _TEXT_CACHE_MAX:
                    _text_metrics.clear()
                out = _text_metrics[key] = super().get_text_width_height_descent(s, prop, ismath)
            return out

        def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            if ismath or not fast_layout:
                return super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            features = mtext.get_fontfeatures() if mtext is not None else None
            language = mtext.get_language() if mtext is not None else None
            key = (self._text_key(s, prop), _hashable(features), _hashable(language))
            items = _text_layouts.get(key)
            if items is None:
                font = self._prepare_font(prop)
                items = tuple(
                    (item.ft_object, item.glyph_index, item.x, item.y)
                    for item in font._layout(
                        s, flags=backend_agg.get_hinting_flag(), features=features, language=language
                    )
                )
                if len(_text_layouts) >= _TEXT_CACHE_MAX:
                    _text_layouts.clear()
                _text_layouts[key] = items
            size = prop.get_size_in_points()
            if not gc.get_antialiased():
                self._draw_text_glyphs_and_boxes(
                    gc, x, y, angle, ((ft, size, glyph, 0, 1, dx, dy) for ft, glyph, dx, dy in items), []
                )
                return
            # RendererAgg._draw_text_glyphs_and_boxes (matplotlib 3.11) for plain text, with the
            # rotation matrix computed once per text and the glyph bitmaps cached
            flags = backend_agg.get_hinting_flag()
            cos = math.cos(math.radians(angle))
            sin = math.sin(math.radians(angle))
            matrix = None
            height = self.height
            dpi = self.dpi
            draw_image = self._renderer.draw_text_image
            for ft, glyph, dx, dy in items:  # dy is upwards
                px = round(0x40 * (x + dx * cos - dy * sin))
                py = round(0x40 * (height - y + dx * sin + dy * cos))  # FreeType's y is upwards
                key = (ft.fname, size, dpi, glyph, flags, angle, px & 63, py & 63)
                hit = _glyphs.get(key)
                if hit is None:
                    if matrix is None:
                        matrix = (0x10000 * np.array([[cos, -sin], [sin, cos]])).round().astype(int)
                    ft.set_size(size, dpi)
                    ft._set_transform(matrix, [px, py])
                    bitmap = ft._render_glyph(glyph, flags, backend_agg.RenderMode.NORMAL)
                    hit = (bitmap.buffer.copy(), bitmap.left - (px >> 6), bitmap.top - (py >> 6))
                    if len(_glyphs) >= _GLYPH_CACHE_MAX:
                        _glyphs.clear()
                    _glyphs[key] = hit
                buffer, left, top = hit
                # draw_text_image's y is downwards & the bitmap bottom side
                draw_image(buffer, left + (px >> 6), int(height) - (top + (py >> 6)) + buffer.shape[0], 0, gc)

    class _Canvas(backend_agg.FigureCanvasAgg):
        """Agg canvas whose renderer caches text metrics and layouts across figures."""

        def get_renderer(self):
            w, h = self.get_width_height(physical=True)
            key = w, h, self.figure.dpi
            if self._lastKey != key:
                self.renderer = _Renderer(w, h, self.figure.dpi)
                self.renderer._font_context = tuple(_hashable(mpl.rcParams[k]) for k in _FONT_RC if k in mpl.rcParams)
                self._lastKey = key
            return self.renderer

    return _Renderer, _Canvas


_FONT_RC = (
    "font.family",
    "font.sans-serif",
    "font.serif",
    "font.monospace",
    "font.cursive",
    "font.fantasy",
    "text.hinting",
    "text.kerning_factor",
    "text.antialiased",
)


def _hashable(value):
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    return value


_Renderer, _Canvas = _agg_classes()


def _encode_png(rgba: np.ndarray, dpi: int, *, quantize: bool = True) -> bytes:
    """PNG bytes of an Agg RGBA buffer, reduced to a 256-colour palette when ``quantize`` (PIL
    "max coverage", no dithering): charts have few colours, so this is visually lossless and
    about 3x smaller than an RGB PNG.

    Measured alternatives (docs/charts.md): ``FASTOCTREE`` is 4x faster but shifts flat colours
    by up to 15 levels (the house colours would change); a palette from every third pixel mapped
    with ``quantize(palette=...)`` is 2x faster but PIL maps through a reduced-precision colour
    cache (white became 251, 251, 251). Both rejected.
    """
    from PIL import Image

    height, width = rgba.shape[:2]
    # frombuffer + convert: 3-4x faster than fromarray of the strided RGB view
    img = Image.frombuffer("RGBA", (width, height), np.ascontiguousarray(rgba), "raw", "RGBA", 0, 1).convert("RGB")
    if quantize:
        img = img.quantize(colors=256, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    img.save(buf, format="PNG", dpi=(dpi, dpi))
    return buf.getvalue()


def _new_figure(height_in: float, width_in: float = FIG_WIDTH_IN) -> Figure:
    """A pyplot-free figure; call inside :func:`style`."""
    return Figure(figsize=(width_in, height_in))


def _finish(fig: Figure, *, title: str, caption: str, alt: str, facts: dict | None = None) -> Chart:
    chart = Chart(fig, title=title, caption=caption, alt=alt)
    chart.facts = facts or {}
    chart.render()
    return chart


def no_data_chart(title: str = "", caption: str = "", lang: str = "de", detail: str = "") -> Chart:
    """A small placeholder chart saying "Keine Daten" (returned by every chart for empty input)."""
    t = _t(lang)
    with style():
        fig = _new_figure(1.0)
        fig.text(
            0.5,
            0.5,
            t["no_data"] + (f": {detail}" if detail else ""),
            ha="center",
            va="center",
            fontsize=9,
            color=COLORS["muted"],
        )
        alt = t["no_data_alt"] + (f" {detail}" if detail else "")
        return _finish(fig, title=title, caption=caption, alt=alt, facts={"empty": True})


def _grid(ax, axis: str = "x") -> None:
    """Light grid lines behind the data (vertical lines for ``axis="x"``)."""
    ax.grid(axis=axis, color=COLORS["grid"], linewidth=0.6)
    ax.set_axisbelow(True)


_FONTS: dict[str, object] = {}


def _text_width_in(labels: Sequence[str], size: float = 8.0, bold: bool = False) -> float:
    """Width in inches of the widest label (DejaVu Sans, no kerning) — measured for the few longest
    strings only, so that margins fit the labels without a full layout pass."""
    from matplotlib.font_manager import FontProperties, findfont, get_font
    from matplotlib.ft2font import LoadFlags

    labels = [str(x) for x in labels]
    if not labels:
        return 0.0
    key = "bold" if bold else "normal"
    if key not in _FONTS:
        _FONTS[key] = get_font(findfont(FontProperties(family="DejaVu Sans", weight=key)))
    font = _FONTS[key]
    widest = 0.0
    for text in sorted(labels, key=len, reverse=True)[:6]:
        font.set_size(size, 72)
        font.set_text(text, 0.0, flags=LoadFlags.NO_HINTING)
        widest = max(widest, font.get_width_height()[0] / 64 / 72)
    return widest


def _noclip(ax):
    """A clip path shared by the many texts of ``ax``.

    ``ax.text`` gives every text a clip path built from the axes patch (new transforms each time,
    about half the cost of creating a text); the texts here are not clipped (``clip_on=False``,
    the default of ``ax.text``), so one shared path - the axes rectangle, i.e. the same area - is
    set instead.
    """
    from matplotlib.path import Path
    from matplotlib.transforms import TransformedPath

    clip = getattr(ax, "_smartcity_clip", None)
    if clip is None:
        clip = ax._smartcity_clip = TransformedPath(Path.unit_rectangle(), ax.transAxes)
    return clip


def _hbars(ax, y, widths, height: float, colors, zorder: float = 2) -> None:
    """Horizontal bars from 0 (like ``ax.barh``) as one ``PolyCollection`` instead of a Rectangle
    patch per bar: 20-50x cheaper to build, same look. Does not touch the axis limits (set them)."""
    from matplotlib.collections import PolyCollection

    y = np.asarray(y, dtype=float)
    w = np.asarray(widths, dtype=float)
    x0, lo, hi = np.zeros_like(w), y - height / 2, y + height / 2
    verts = np.stack([np.c_[x0, lo], np.c_[w, lo], np.c_[w, hi], np.c_[x0, hi]], axis=1)
    ax.add_collection(
        PolyCollection(verts, facecolors=colors, edgecolors="none", linewidths=0, zorder=zorder), autolim=False
    )


def _shorten(text: str, limit: int = 55) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _row_labels(
    fig, ax, y, labels, x_fig: float, *, ha: str = "right", bold_mask=None, color_mask=None, size: float = 8.0
) -> None:
    """Row labels as plain texts (x in figure fraction, y in data units): much cheaper than tick
    labels, which create a Tick object (2 lines, 2 texts) per row."""
    tr = mpl.transforms.blended_transform_factory(fig.transFigure, ax.transData)
    clip = _noclip(ax)
    for i, (yi, lab) in enumerate(zip(y, labels)):
        bold = bool(bold_mask[i]) if bold_mask is not None else False
        color = COLORS["accent"] if (color_mask is not None and color_mask[i]) else COLORS["text"]
        ax.text(
            x_fig,
            yi,
            lab,
            transform=tr,
            ha=ha,
            va="center",
            fontsize=size,
            fontweight="bold" if bold else "normal",
            color=color,
            clip_on=False,
            clip_path=clip,
        )


# --------------------------------------------------------------------------------------------
# city report charts
# --------------------------------------------------------------------------------------------


def rank_trajectory(
    frame: pd.DataFrame, city: str, *, lang: str = "de", title: str | None = None, caption: str = ""
) -> Chart:
    """Overall rank of ``city`` over the editions (1 at the top).

    frame columns: ``year`` (int), ``rank`` (int, NaN/NA where the city was not ranked),
    ``n_cities`` (int, size of the field that year). One row per edition.
    With one edition the chart shows a single point and no line, and the alt text says so.
    """
    _require(frame, ["year", "rank", "n_cities"], "rank_trajectory")
    t = _t(lang)
    title = title if title is not None else (f"Rangverlauf von {city}" if lang == "de" else f"Rank history of {city}")
    df = frame[["year", "rank", "n_cities"]].copy()
    df["rank"] = pd.to_numeric(df["rank"], errors="coerce").astype(float)
    df["n_cities"] = pd.to_numeric(df["n_cities"], errors="coerce").astype(float)
    df = df.dropna(subset=["year", "rank"]).sort_values("year")
    if df.empty:
        return no_data_chart(title, caption, lang)
    years = df["year"].astype(int).to_numpy()
    ranks = df["rank"].astype(int).to_numpy()
    n_max = int(np.nanmax(df["n_cities"].to_numpy())) if df["n_cities"].notna().any() else int(ranks.max())

    with style():
        fig = _new_figure(2.3)
        ax = fig.add_axes((0.08, 0.16, 0.9, 0.74))
        if len(df) > 1:
            ax.plot(years, ranks, color=COLORS["accent"], linewidth=1.8, zorder=2)
        ax.scatter(years, ranks, s=36, color=COLORS["accent"], zorder=3, edgecolor="white", linewidth=0.8)
        for x, r in zip(years, ranks):
            label = f"{r}." if lang == "de" else f"#{r}"
            ax.annotate(
                label,
                (x, r),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8.5,
                fontweight="bold",
                color=COLORS["accent"],
            )
        # the size of the field: last place per edition
        if df["n_cities"].notna().any():
            ax.plot(
                years,
                df["n_cities"].to_numpy(),
                color=COLORS["field_dark"],
                linewidth=0.8,
                linestyle=(0, (3, 2)),
                drawstyle="steps-mid" if len(df) > 1 else "default",
                marker=None if len(df) > 1 else "_",
                markersize=14,
                zorder=1,
            )
            ax.annotate(
                "Letzter Platz" if lang == "de" else "Last place",
                (years[0], df["n_cities"].iloc[0]),
                xytext=(0, -2),
                textcoords="offset points",
                fontsize=8,
                color=COLORS["muted"],
                va="top",
                ha="left" if len(df) > 1 else "center",
            )
        ax.set_ylim(n_max + 12, -7)  # inverted: rank 1 at the top, room for the labels (last place below)
        ticks = [1] + [v for v in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100) if v <= n_max - 6] + [n_max]
        ax.set_yticks(sorted(set(ticks)))
        ax.set_xticks(years)
        ax.set_xticklabels([str(y) for y in years])
        pad = 0.5 if len(df) > 1 else 1.0
        ax.set_xlim(years.min() - pad, years.max() + pad)
        ax.set_ylabel(t["rank"])
        _grid(ax, "y")

    last_year, last_rank = int(years[-1]), int(ranks[-1])
    last_n = df["n_cities"].iloc[-1]
    of_n = f" {t['of']} {int(last_n)}" if pd.notna(last_n) else ""
    facts = {"years": years.tolist(), "ranks": ranks.tolist()}
    if len(df) == 1:
        if lang == "de":
            alt = (
                f"Punktdiagramm: {city} liegt {last_year} auf Platz {last_rank}{of_n}. "
                "Es liegt nur eine Ausgabe vor, daher ist kein Verlauf dargestellt."
            )
        else:
            alt = (
                f"Dot chart: {city} ranks {last_rank}{of_n} in {last_year}. "
                "Only one edition is available, so no trend is shown."
            )
    else:
        first_year, first_rank = int(years[0]), int(ranks[0])
        best_rank = int(ranks.min())
        best_years = [str(y) for y, r in zip(years, ranks) if r == best_rank]
        if lang == "de":
            alt = (
                f"Liniendiagramm: Rang von {city} in {len(df)} Ausgaben von {first_year} bis {last_year}, "
                f"von Platz {first_rank} ({first_year}) auf Platz {last_rank}{of_n} ({last_year}); "
                f"bester Rang: Platz {best_rank} ({_join(best_years, lang)})."
            )
        else:
            alt = (
                f"Line chart: rank of {city} in {len(df)} editions from {first_year} to {last_year}, "
                f"from rank {first_rank} ({first_year}) to rank {last_rank}{of_n} ({last_year}); "
                f"best rank: {best_rank} ({_join(best_years, lang)})."
            )
    return _finish(fig, title=title, caption=caption, alt=alt, facts=facts)


def category_profile(
    frame: pd.DataFrame, city: str = "", *, lang: str = "de", title: str | None = None, caption: str = ""
) -> Chart:
    """The city's score per category against the median, the top-10 mean and the best value.

    frame columns: ``category`` (str, in display order), ``score``, ``median``, ``top10_mean``,
    ``best`` (floats 0-100; ``score`` may be NaN = no data).
    """
    _require(frame, ["category", "score", "median", "top10_mean", "best"], "category_profile")
    t = _t(lang)
    title = title if title is not None else ("Profil nach Kategorien" if lang == "de" else "Profile by category")
    df = frame.reset_index(drop=True)
    if df.empty:
        return no_data_chart(title, caption, lang)
    n = len(df)
    y = np.arange(n)[::-1].astype(float)
    who = city or t["city"].capitalize()

    with style():
        height = 0.4 * n + 0.95
        label_w = _text_width_in(list(df["category"].astype(str)))
        left = (label_w + 0.15) / FIG_WIDTH_IN
        fig = _new_figure(height)
        ax = fig.add_axes((left, 0.45 / height, 0.975 - left, (0.4 * n) / height))
        ax.hlines(y, 0, 100, color="#EFEFEF", linewidth=7, zorder=0, capstyle="butt")
        ax.scatter(
            df["median"], y, marker="|", s=130, linewidths=2.2, color=COLORS["median"], zorder=2, label=t["median"]
        )
        ax.scatter(
            df["top10_mean"],
            y,
            marker="D",
            s=26,
            color=COLORS["top10"],
            zorder=2,
            label=t["top10_mean"],
            edgecolor="white",
            linewidth=0.5,
        )
        ax.scatter(
            df["best"],
            y,
            marker="^",
            s=34,
            color=COLORS["best"],
            zorder=2,
            label=t["best"],
            edgecolor="white",
            linewidth=0.5,
        )
        ax.scatter(
            df["score"],
            y,
            marker="o",
            s=70,
            color=COLORS["accent"],
            zorder=3,
            label=who,
            edgecolor="white",
            linewidth=0.8,
        )
        for yi, s in zip(y, df["score"]):
            if pd.isna(s):
                ax.text(1, yi, t["missing"], va="center", ha="left", fontsize=8, color=COLORS["muted"], style="italic")
            else:
                ax.annotate(
                    fmt_number(s, 1, lang),
                    (s, yi),
                    xytext=(0, 6.5),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    fontweight="bold",
                    color=COLORS["accent"],
                )
        ax.set_yticks(y)
        ax.set_yticklabels(df["category"].astype(str))
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlim(0, 102)  # room for a marker at 100
        ax.set_ylim(-0.5, n - 0.3)
        ax.set_xlabel(t["score"], labelpad=1)
        _grid(ax)
        ax.legend(
            loc="lower left",
            bbox_to_anchor=(0.0, 1.02),
            ncol=4,
            borderaxespad=0.2,
            handletextpad=0.3,
            columnspacing=1.4,
            scatterpoints=1,
        )

    parts = []
    for _, r in df.iterrows():
        if pd.isna(r["score"]):
            parts.append(f"{r['category']}: {t['missing']}")
        elif lang == "de":
            parts.append(
                f"{r['category']} {_pts(r['score'], lang)} (Median {fmt_number(r['median'], 1, lang)}, "
                f"Top-10-Mittel {fmt_number(r['top10_mean'], 1, lang)}, "
                f"Bestwert {fmt_number(r['best'], 1, lang)})"
            )
        else:
            parts.append(
                f"{r['category']} {_pts(r['score'], lang)} (median {fmt_number(r['median'], 1, lang)}, "
                f"top-10 mean {fmt_number(r['top10_mean'], 1, lang)}, "
                f"best {fmt_number(r['best'], 1, lang)})"
            )
    if lang == "de":
        alt = f"Punktdiagramm der {n} Kategorien für {who}: " + "; ".join(parts) + "."
    else:
        alt = f"Dot chart of the {n} categories for {who}: " + "; ".join(parts) + "."
    return _finish(fig, title=title, caption=caption, alt=alt)


def indicator_profile(
    frame: pd.DataFrame, city: str = "", *, lang: str = "de", title: str | None = None, caption: str = ""
) -> Chart:
    """Indicator scores of one city as horizontal bars (dark blue: at or above the median of all
    cities, light blue: below), the median as a dark tick, values in a column on the right,
    grouped by category (in order of first appearance; a category may have a single indicator).

    frame columns: ``indicator_name`` (str), ``category`` (str), ``score`` (float, NaN = no data,
    drawn as "keine Daten"), ``median`` (float, NaN allowed). Names longer than 55 characters are
    shortened with "…".
    """
    _require(frame, ["indicator_name", "category", "score", "median"], "indicator_profile")
    t = _t(lang)
    title = title if title is not None else ("Indikatoren im Überblick" if lang == "de" else "Indicators at a glance")
    df = frame.reset_index(drop=True)
    if df.empty:
        return no_data_chart(title, caption, lang)
    cats = list(dict.fromkeys(df["category"].astype(str)))
    rows: list[tuple[str, object]] = []  # ("cat", name) or ("ind", row)
    for c in cats:
        rows.append(("cat", c))
        for _, r in df[df["category"].astype(str) == c].iterrows():
            rows.append(("ind", r))
    n_rows = len(rows)
    row_h = 0.178
    height = n_rows * row_h + 0.72
    who = city or t["city"].capitalize()
    labels_all = [_shorten(r["indicator_name"]) for kind, r in rows if kind == "ind"]
    label_w = min(_text_width_in(labels_all), 0.5 * FIG_WIDTH_IN)
    left = 0.15 + label_w + 0.08
    value_w = 0.42

    with style():
        fig = _new_figure(height)
        ax = fig.add_axes(
            (left / FIG_WIDTH_IN, 0.4 / height, 1 - (left + value_w) / FIG_WIDTH_IN, n_rows * row_h / height)
        )
        heading = mpl.transforms.blended_transform_factory(fig.transFigure, ax.transData)
        ys, scores, medians = [], [], []
        for i, (kind, item) in enumerate(rows):
            yi = n_rows - 1 - i
            if kind == "cat":
                ax.text(
                    0.04 / FIG_WIDTH_IN,
                    yi - 0.1,
                    str(item),
                    ha="left",
                    va="center",
                    fontsize=8.5,
                    fontweight="bold",
                    transform=heading,
                    clip_path=_noclip(ax),
                )
                continue
            ys.append(yi)
            scores.append(item["score"])
            medians.append(item["median"])
        ys_a = np.array(ys, dtype=float)
        sc = pd.to_numeric(pd.Series(scores), errors="coerce").to_numpy(dtype=float)
        md = pd.to_numeric(pd.Series(medians), errors="coerce").to_numpy(dtype=float)
        above = np.where(np.isnan(sc) | np.isnan(md), True, sc >= md)
        colors = np.where(above, COLORS["accent"], COLORS["accent_light"])
        _hbars(ax, ys_a, np.nan_to_num(sc), 0.7, colors, zorder=2)
        ax.scatter(md, ys_a, marker="|", s=75, linewidths=3.6, color="white", zorder=3)
        ax.scatter(md, ys_a, marker="|", s=75, linewidths=1.8, color=COLORS["median"], zorder=3.1)
        _row_labels(fig, ax, ys_a, labels_all, (left - 0.08) / FIG_WIDTH_IN, ha="right")
        value_x = 1 - 0.04 / FIG_WIDTH_IN
        vt = mpl.transforms.blended_transform_factory(fig.transFigure, ax.transData)
        for yi, s in zip(ys_a, sc):
            if np.isnan(s):
                ax.text(
                    1.5,
                    yi,
                    t["missing"],
                    va="center",
                    ha="left",
                    fontsize=8,
                    style="italic",
                    color=COLORS["muted"],
                    clip_path=_noclip(ax),
                )
            else:
                ax.text(
                    value_x,
                    yi,
                    fmt_number(s, 1, lang),
                    va="center",
                    ha="right",
                    fontsize=8,
                    transform=vt,
                    clip_on=False,
                    clip_path=_noclip(ax),
                )
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.set_xlim(0, 100)
        ax.set_ylim(-0.6, n_rows - 0.4)
        ax.set_xlabel(t["score"], labelpad=1)
        _grid(ax)
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        handles = [
            Patch(
                color=COLORS["accent"],
                label=f"{who}: " + ("mindestens Median" if lang == "de" else "at or above median"),
            ),
            Patch(color=COLORS["accent_light"], label=("unter Median" if lang == "de" else "below median")),
            Line2D(
                [],
                [],
                marker="|",
                linestyle="none",
                markersize=8,
                markeredgewidth=1.8,
                color=COLORS["median"],
                label=t["median"] + (" aller Städte" if lang == "de" else " of all cities"),
            ),
        ]
        fig.legend(
            handles=handles,
            loc="lower right",
            ncol=3,
            borderaxespad=0.1,
            handlelength=1.0,
            columnspacing=1.2,
            bbox_to_anchor=(1.0, (0.4 + n_rows * row_h) / height),
            bbox_transform=fig.transFigure,
        )

    valid = df.dropna(subset=["score"])
    n_missing = int(df["score"].isna().sum())
    comp = valid.dropna(subset=["median"])
    n_above = int((comp["score"] > comp["median"]).sum())
    n_below = int((comp["score"] < comp["median"]).sum())
    n_equal = int((comp["score"] == comp["median"]).sum())
    facts = {"n": len(df), "above": n_above, "below": n_below, "equal": n_equal, "missing": n_missing}
    if valid.empty:
        alt = (
            f"Balkendiagramm: für {who} liegen zu keinem der {len(df)} Indikatoren Daten vor."
            if lang == "de"
            else f"Bar chart: no data for any of the {len(df)} indicators of {who}."
        )
        return _finish(fig, title=title, caption=caption, alt=alt, facts=facts)
    best = valid.loc[valid["score"].idxmax()]
    worst = valid.loc[valid["score"].idxmin()]
    if lang == "de":
        alt = (
            f"Balkendiagramm: {len(df)} Indikatoren von {who} in {len(cats)} Kategorien; "
            f"{n_above} über dem Median, {n_below} darunter"
            + (f", {n_equal} gleich auf" if n_equal else "")
            + (f", {n_missing} ohne Daten" if n_missing else "")
            + f". Stärkster Indikator: {best['indicator_name']} ({_pts(best['score'], lang)}), "
            f"schwächster: {worst['indicator_name']} ({_pts(worst['score'], lang)})."
        )
    else:
        alt = (
            f"Bar chart: {len(df)} indicators of {who} in {len(cats)} categories; "
            f"{n_above} above the median, {n_below} below"
            + (f", {n_equal} level with it" if n_equal else "")
            + (f", {n_missing} without data" if n_missing else "")
            + f". Strongest indicator: {best['indicator_name']} ({_pts(best['score'], lang)}), "
            f"weakest: {worst['indicator_name']} ({_pts(worst['score'], lang)})."
        )
    return _finish(fig, title=title, caption=caption, alt=alt, facts=facts)


def _top10_threshold(scores: np.ndarray, top_n: int = 10) -> float:
    s = np.sort(scores[~np.isnan(scores)])[::-1]
    if len(s) == 0:
        return float("nan")
    return float(s[min(top_n, len(s)) - 1])


def score_distribution(
    frame: pd.DataFrame,
    highlight: str | None = None,
    *,
    lang: str = "de",
    title: str | None = None,
    caption: str = "",
    bin_width: float = 2.0,
) -> Chart:
    """All cities' scores as a dot histogram (one dot per city, stacked in ``bin_width`` bins),
    the highlighted city in the accent colour, the median and the top-10 threshold as lines.

    frame columns: ``city``, ``score`` (NaN rows are dropped); optional ``rank`` (else computed
    as competition rank). The top-10 threshold is the score of the 10th best city.
    """
    _require(frame, ["city", "score"], "score_distribution")
    t = _t(lang)
    title = title if title is not None else ("Verteilung der Punktzahlen" if lang == "de" else "Distribution of scores")
    df = frame.copy()
    df["score"] = pd.to_numeric(df["score"], errors="coerce").astype(float)
    df = df.dropna(subset=["score"]).reset_index(drop=True)
    if df.empty:
        return no_data_chart(title, caption, lang)
    if "rank" not in df.columns or df["rank"].isna().all():
        df["rank"] = _competition_rank(df["score"])
    scores = df["score"].to_numpy()
    bins = np.floor(scores / bin_width).astype(int)
    names = df["city"].astype(str).to_numpy()
    is_hl = names == highlight if highlight else np.zeros(len(df), bool)
    hl = int(np.flatnonzero(is_hl)[0]) if is_hl.any() else None
    # within a bin: the highlighted city first (bottom), then by score and name
    order = np.lexsort((names, scores, ~is_hl))
    stack = np.zeros(len(df), dtype=int)
    counts: dict[int, int] = {}
    for i in order:
        stack[i] = counts.get(bins[i], 0)
        counts[bins[i]] = stack[i] + 1
    max_stack = max(counts.values())
    xs = bins * bin_width + bin_width / 2
    median = float(np.median(scores))
    thr = _top10_threshold(scores)

    with style():
        height = 1.4 + 0.13 * max_stack
        fig = _new_figure(min(max(height, 2.2), 3.6))
        ax = fig.add_axes((0.06, 0.2, 0.92, 0.62))
        ax.scatter(xs[~is_hl], stack[~is_hl], s=30, color=COLORS["field"], edgecolor="white", linewidth=0.5, zorder=2)
        if hl is not None:
            ax.scatter(
                xs[is_hl], stack[is_hl], s=52, color=COLORS["accent"], edgecolor="white", linewidth=0.8, zorder=3
            )
        top = max_stack + 0.6
        ax.vlines(median, -0.6, top, color=COLORS["median"], linewidth=1.0, zorder=1)
        ax.text(
            median,
            top,
            f"{t['median']} {fmt_number(median, 1, lang)} ",
            ha="right",
            va="bottom",
            fontsize=8,
            color=COLORS["median"],
        )
        lo = float(np.floor(scores.min() / 10) * 10)
        x0, x1 = max(0, lo - 2), min(100, float(np.ceil(scores.max() / 10) * 10)) + 2
        lift = False
        if len(df) > 10:
            ax.vlines(thr, -0.6, top, color=COLORS["top10"], linewidth=1.2, linestyle=(0, (4, 2)), zorder=1)
            label = f"{t['top10_threshold']} {fmt_number(thr, 1, lang)}"
            per_in = (x1 - x0) / (0.92 * FIG_WIDTH_IN)  # data units per inch
            width = (_text_width_in([label]) + 0.1) * per_in
            right = thr + width <= x1
            # to the left of its line it would run into the median's label (which ends at the median)
            lift = not right and thr - width < median
            ax.text(
                thr,
                top + (1.2 if lift else 0.0),
                f" {label}" if right else f"{label} ",
                ha="left" if right else "right",
                va="bottom",
                fontsize=8,
                color="#A66F00",
            )
        if hl is not None:
            ax.annotate(
                f"{highlight}: {_pts(scores[hl], lang)}",
                (xs[hl], stack[hl]),
                xytext=(0, -15),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=8,
                fontweight="bold",
                color=COLORS["accent"],
                arrowprops=dict(arrowstyle="-", color=COLORS["accent"], linewidth=0.8, shrinkB=4),
            )
        ax.set_xlim(x0, x1)
        ax.set_ylim(-0.6 - (2.6 if hl is not None else 0), top + (2.8 if lift else 1.6))
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(t["score"])
        _grid(ax)

    n = len(df)
    facts = {"n": n, "min": float(scores.min()), "max": float(scores.max()), "median": median, "threshold": thr}
    if lang == "de":
        alt = (
            f"Punkteverteilung: {n} Städte zwischen {fmt_number(scores.min(), 1, lang)} und "
            f"{_pts(scores.max(), lang, True)}, Median {_pts(median, lang)}"
        )
        alt += f"; Top-10-Schwelle {_pts(thr, lang)}." if n > 10 else "."
    else:
        alt = (
            f"Distribution of scores: {n} cities between {fmt_number(scores.min(), 1, lang)} and "
            f"{_pts(scores.max(), lang)}, median {_pts(median, lang)}"
        )
        alt += f"; top-10 threshold {_pts(thr, lang)}." if n > 10 else "."
    if hl is not None:
        rank = df["rank"].iloc[hl]
        if lang == "de":
            alt += f" {highlight} liegt mit {_pts(scores[hl], lang, True)} auf Platz {int(rank)} von {n}."
        else:
            alt += f" {highlight} ranks {int(rank)} of {n} with {_pts(scores[hl], lang)}."
    return _finish(fig, title=title, caption=caption, alt=alt, facts=facts)


# --------------------------------------------------------------------------------------------
# ranked bars (category report, peers)
# --------------------------------------------------------------------------------------------


def _ranked(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    _require(frame, ["city", "score"], name)
    df = frame.copy()
    df["score"] = pd.to_numeric(df["score"], errors="coerce").astype(float)
    df = df.dropna(subset=["score"])
    if "rank" not in df.columns or df["rank"].isna().any():
        df["rank"] = _competition_rank(df["score"])
    df["rank"] = df["rank"].astype(int)
    df["city"] = df["city"].astype(str)
    return df.sort_values(["rank", "city"], kind="stable").reset_index(drop=True)


def _draw_bars(
    fig,
    ax,
    df: pd.DataFrame,
    highlight: str | None,
    lang: str,
    *,
    n_slots: int,
    rank_x: float | None,
    name_x: float,
    name_ha: str = "left",
    inner_rank: bool = False,
    y: np.ndarray | None = None,
) -> None:
    """Ranked horizontal bars in ``ax``, top down from slot ``n_slots - 1`` unless ``y`` places
    them; labels are texts at figure-fraction x positions."""
    t = _t(lang)
    n = len(df)
    if y is None:
        y = n_slots - 1 - np.arange(n)
    is_hl = (df["city"] == highlight).to_numpy() if highlight else np.zeros(n, bool)
    colors = np.where(is_hl, COLORS["accent"], COLORS["field"])
    _hbars(ax, y, df["score"].to_numpy(), 0.72, colors, zorder=2)
    clip = _noclip(ax)
    for yi, s, h in zip(y, df["score"].to_numpy(), is_hl):
        ax.text(
            s + 1.5,
            yi,
            fmt_number(s, 1, lang),
            va="center",
            ha="left",
            fontsize=8,
            clip_path=clip,
            color=COLORS["accent"] if h else COLORS["text"],
            fontweight="bold" if h else "normal",
        )
    if rank_x is not None:
        ranks = [f"{r}." if lang == "de" else str(r) for r in df["rank"]]
        _row_labels(fig, ax, y, ranks, rank_x, ha="right", bold_mask=is_hl, color_mask=is_hl)
    _row_labels(fig, ax, y, list(df["city"]), name_x, ha=name_ha, bold_mask=is_hl, color_mask=is_hl)
    if inner_rank:
        for yi, r, h in zip(y, df["rank"], is_hl):
            ax.text(
                1.5,
                yi,
                f"{t['rank']} {int(r)}" if lang == "de" else f"#{int(r)}",
                va="center",
                ha="left",
                fontsize=8,
                color="white" if h else COLORS["text"],
                zorder=4,
                clip_path=clip,
            )
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 50, 100])
    ax.set_ylim(-0.6, n_slots - 0.4)
    _grid(ax)


def _ranking_alt(df: pd.DataFrame, full: pd.DataFrame, highlight: str | None, lang: str, kind: str) -> str:
    n = len(full)
    leaders = full[full["rank"] == full["rank"].min()]
    last = full[full["rank"] == full["rank"].max()]

    def who(group: pd.DataFrame) -> str:
        names = _join(list(group["city"]), lang)
        if len(group) > 1:
            return (
                f"{names} mit je {_pts(group['score'].iloc[0], lang, True)}"
                if lang == "de"
                else f"{names} with {_pts(group['score'].iloc[0], lang)} each"
            )
        return (
            f"{names} mit {_pts(group['score'].iloc[0], lang, True)}"
            if lang == "de"
            else f"{names} with {_pts(group['score'].iloc[0], lang)}"
        )

    if lang == "de":
        alt = f"{kind}: Rangliste von {n} Städten; Platz {int(leaders['rank'].iloc[0])}: {who(leaders)}"
        if n > 1:
            alt += f"; letzter Platz ({int(last['rank'].iloc[0])}): {who(last)}"
        alt += "."
        if len(df) < n:
            alt += f" Dargestellt sind {len(df)} der {n} Städte."
    else:
        alt = f"{kind}: ranking of {n} cities; rank {int(leaders['rank'].iloc[0])}: {who(leaders)}"
        if n > 1:
            alt += f"; last place ({int(last['rank'].iloc[0])}): {who(last)}"
        alt += "."
        if len(df) < n:
            alt += f" {len(df)} of the {n} cities are shown."
    ties = full["rank"].duplicated(keep=False)
    if ties.any():
        n_tied = int(full.loc[ties, "rank"].nunique())
        alt += (
            f" {n_tied} Plätze sind geteilt (gleiche Punktzahl)."
            if lang == "de" and n_tied > 1
            else " Ein Platz ist geteilt (gleiche Punktzahl)."
            if lang == "de"
            else f" {n_tied} rank(s) are shared (equal scores)."
        )
    if highlight and (full["city"] == highlight).any():
        r = full[full["city"] == highlight].iloc[0]
        alt += (
            f" {highlight} liegt mit {_pts(r['score'], lang, True)} auf Platz {int(r['rank'])}."
            if lang == "de"
            else f" {highlight} ranks {int(r['rank'])} with {_pts(r['score'], lang)}."
        )
    return alt


def ranking_bars(
    frame: pd.DataFrame,
    highlight: str | None = None,
    top_n: int | None = None,
    *,
    lang: str = "de",
    title: str | None = None,
    caption: str = "",
) -> Chart:
    """Horizontal bars of all cities in rank order (ties share a rank and are ordered by name).

    frame columns: ``city``, ``score``, ``rank`` (optional; computed as competition rank if
    absent). ``top_n`` shows only the first ``top_n`` cities (plus the highlighted city, after a
    gap, if it is further down). More than 45 rows are split into two side-by-side columns so
    that 83 cities fit on one A4 page with 8 pt labels.
    """
    t = _t(lang)
    title = title if title is not None else ("Rangliste" if lang == "de" else "Ranking")
    full = _ranked(frame, "ranking_bars")
    if full.empty:
        return no_data_chart(title, caption, lang)
    df = full
    gap = False
    if top_n is not None and top_n < len(full):
        df = full.head(top_n)
        if highlight and highlight not in set(df["city"]) and highlight in set(full["city"]):
            df = pd.concat([df, full[full["city"] == highlight]], ignore_index=True)
            gap = True
    n = len(df)
    ncols = 2 if n > 45 else 1
    per_col = math.ceil(n / ncols)
    row_h = 0.158
    slots = per_col + (1 if gap else 0)
    height = slots * row_h + 0.5
    rank_w = _text_width_in([f"{r}." for r in df["rank"]], bold=True) + 0.02
    name_w = _text_width_in(list(df["city"]), bold=True)
    value_w = 0.36
    col_w = FIG_WIDTH_IN / ncols
    with style():
        fig = _new_figure(height)
        bottom, top_m = 0.36 / height, 0.08 / height
        for k in range(ncols):
            x0 = k * col_w + 0.02
            rank_x = (x0 + rank_w) / FIG_WIDTH_IN
            name_x = (x0 + rank_w + 0.06) / FIG_WIDTH_IN
            bar_left = x0 + rank_w + 0.06 + name_w + 0.08
            bar_w = col_w - (bar_left - k * col_w) - value_w - (0.15 if k < ncols - 1 else 0.02)
            ax = fig.add_axes((bar_left / FIG_WIDTH_IN, bottom, bar_w / FIG_WIDTH_IN, 1 - bottom - top_m))
            part = df.iloc[k * per_col : (k + 1) * per_col]
            y = slots - 1 - np.arange(len(part))
            if gap and k == ncols - 1:
                y[-1] = 0  # the highlighted city in the bottom slot, after a row "…"
                _row_labels(fig, ax, [1], ["…"], name_x, ha="left")
            _draw_bars(fig, ax, part, highlight, lang, n_slots=slots, rank_x=rank_x, name_x=name_x, y=y)
            ax.set_xlabel(t["score"], labelpad=1)
    alt = _ranking_alt(df, full, highlight, lang, "Balkendiagramm" if lang == "de" else "Bar chart")
    return _finish(fig, title=title, caption=caption, alt=alt, facts={"n": len(full), "shown": n})


def peer_comparison(
    frame: pd.DataFrame, highlight: str, *, lang: str = "de", title: str | None = None, caption: str = ""
) -> Chart:
    """The city and its peers as ranked bars, each labelled with its national rank.

    frame columns: ``city``, ``score``, ``rank`` (national rank; computed within the group if
    absent). ``highlight`` is the city in focus.
    """
    t = _t(lang)
    title = (
        title if title is not None else ("Vergleich mit ähnlichen Städten" if lang == "de" else "Comparison with peers")
    )
    full = _ranked(frame, "peer_comparison")
    if full.empty:
        return no_data_chart(title, caption, lang)
    n = len(full)
    row_h = 0.27
    height = n * row_h + 0.5
    name_w = _text_width_in(list(full["city"]), bold=True)
    left = name_w + 0.15
    with style():
        fig = _new_figure(height)
        ax = fig.add_axes((left / FIG_WIDTH_IN, 0.38 / height, 1 - (left + 0.45) / FIG_WIDTH_IN, (n * row_h) / height))
        _draw_bars(
            fig,
            ax,
            full,
            highlight,
            lang,
            n_slots=n,
            rank_x=None,
            name_x=(left - 0.08) / FIG_WIDTH_IN,
            name_ha="right",
            inner_rank=True,
        )
        ax.set_xlabel(t["score"], labelpad=1)
    pos = full.index[full["city"] == highlight]  # `_ranked` numbers the rows 0, 1, ...
    lead = full.iloc[0]
    if lang == "de":
        alt = f"Balkendiagramm: {highlight} im Vergleich mit {n - 1} Vergleichsstädten."
        if len(pos):
            r = full.iloc[pos[0]]
            alt += (
                f" {highlight} steht mit {_pts(r['score'], lang, True)} an Position {pos[0] + 1} von {n} "
                f"in dieser Gruppe (bundesweit Platz {int(r['rank'])})."
            )
        if lead["city"] != highlight:
            alt += f" Vorn liegt {lead['city']} mit {_pts(lead['score'], lang, True)} (Platz {int(lead['rank'])})."
    else:
        alt = f"Bar chart: {highlight} compared with {n - 1} peer cities."
        if len(pos):
            r = full.iloc[pos[0]]
            alt += (
                f" {highlight} is position {pos[0] + 1} of {n} in this group with {_pts(r['score'], lang)} "
                f"(national rank {int(r['rank'])})."
            )
        if lead["city"] != highlight:
            alt += f" {lead['city']} leads with {_pts(lead['score'], lang)} (rank {int(lead['rank'])})."
    return _finish(fig, title=title, caption=caption, alt=alt, facts={"n": n})


# --------------------------------------------------------------------------------------------
# category and national report charts
# --------------------------------------------------------------------------------------------


def indicator_heatmap(
    frame: pd.DataFrame,
    highlight: str | None = None,
    *,
    lang: str = "de",
    title: str | None = None,
    caption: str = "",
    category: str = "",
) -> Chart:
    """Indicator scores of all cities as a heatmap (reversed ``cividis``, darker = higher, 0-100; white = no data).

    frame: wide, index = city names (rows, drawn in the given order: sort before, e.g. by
    category rank), columns = indicator names, values = scores 0-100 (NaN = no data). Columns
    without any value are dropped. More than 45 rows are split into two side-by-side panels.
    The highlighted city's row is outlined and its name set in bold.
    """
    t = _t(lang)
    title = title if title is not None else ("Indikatoren aller Städte" if lang == "de" else "Indicators of all cities")
    df = frame.apply(pd.to_numeric, errors="coerce").astype(float)
    df = df.loc[:, [c for c in df.columns if not df[c].isna().all()]]
    if df.empty or df.shape[1] == 0:
        return no_data_chart(title, caption, lang)
    df.index = [str(c) for c in df.index]
    df.columns = [_shorten(c, 40) for c in df.columns]
    cities = list(df.index)
    n, m = df.shape
    ncols = 2 if n > 45 else 1
    per_col = math.ceil(n / ncols)
    row_h = 0.152
    header_in = _text_width_in(list(df.columns)) + 0.12
    height = per_col * row_h + header_in + 0.62
    name_w = _text_width_in(cities, bold=True)
    col_w = FIG_WIDTH_IN / ncols
    cell_w = min(0.32, (col_w - name_w - 0.3) / m)
    cmap = mpl.colormaps[SEQUENTIAL_CMAP].with_extremes(bad=COLORS["missing"])
    norm = mpl.colors.Normalize(0, 100)
    with style():
        fig = _new_figure(height)
        bottom = 0.55 / height
        for k in range(ncols):
            part = df.iloc[k * per_col : (k + 1) * per_col]
            x0 = k * col_w + 0.05 + name_w + 0.06
            ax = fig.add_axes(
                (
                    x0 / FIG_WIDTH_IN,
                    bottom + (per_col - len(part)) * row_h / height,
                    cell_w * m / FIG_WIDTH_IN,
                    len(part) * row_h / height,
                )
            )
            ax.imshow(
                np.ma.masked_invalid(part.to_numpy()), cmap=cmap, norm=norm, aspect="auto", interpolation="nearest"
            )
            # thin white cell separators (one LineCollection each, no minor ticks)
            ax.hlines(np.arange(0.5, len(part) - 1, 1), -0.5, m - 0.5, color="white", linewidth=0.6)
            ax.vlines(np.arange(0.5, m - 1, 1), -0.5, len(part) - 0.5, color="white", linewidth=0.6)
            ax.set_xticks([])
            ax.set_yticks([])
            for sp in ax.spines.values():
                sp.set_visible(False)
            is_hl = np.array([c == highlight for c in part.index])
            _row_labels(
                fig, ax, np.arange(len(part)), list(part.index), (x0 - 0.06) / FIG_WIDTH_IN, ha="right", bold_mask=is_hl
            )
            for j, name in enumerate(part.columns):
                ax.text(
                    j,
                    -0.8,
                    name,
                    rotation=90,
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    clip_on=False,
                    clip_path=_noclip(ax),
                )
            if is_hl.any():
                i = int(np.flatnonzero(is_hl)[0])
                ax.add_patch(
                    mpl.patches.Rectangle(
                        (-0.5, i - 0.5), m, 1, fill=False, edgecolor=COLORS["extra2"], linewidth=1.6, zorder=5
                    )
                )
            ax.set_xlim(-0.5, m - 0.5)
            ax.set_ylim(len(part) - 0.5, -0.5)
        cax = fig.add_axes((0.3, 0.22 / height, 0.4, 0.1 / height))
        cb = fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), cax=cax, orientation="horizontal")
        cb.outline.set_visible(False)
        cb.set_ticks([0, 25, 50, 75, 100])
        cax.tick_params(length=2, pad=1)
        fig.text(0.29, 0.27 / height, t["score"], ha="right", va="center", fontsize=8)
        if df.isna().any().any():
            fig.patches.append(
                mpl.patches.Rectangle(
                    (0.725, 0.22 / height),
                    0.1 / FIG_WIDTH_IN,
                    0.1 / height,
                    transform=fig.transFigure,
                    facecolor="white",
                    edgecolor="#888888",
                    linewidth=0.6,
                )
            )
            fig.text(0.725 + 0.16 / FIG_WIDTH_IN, 0.27 / height, t["missing"], ha="left", va="center", fontsize=8)

    means = df.mean(axis=0, skipna=True)
    n_missing = int(df.isna().sum().sum())
    cat = (
        f" der Kategorie {category}"
        if (category and lang == "de")
        else (f" of category {category}" if category else "")
    )
    if lang == "de":
        alt = (
            f"Heatmap: Punktwerte von {n} Städten in {m} Indikatoren{cat}. "
            f"Höchster Durchschnitt: {means.idxmax()} ({_pts(means.max(), lang)}), "
            f"niedrigster: {means.idxmin()} ({_pts(means.min(), lang)})"
        )
        alt += f"; {n_missing} Werte fehlen." if n_missing > 1 else "; 1 Wert fehlt." if n_missing else "."
    else:
        alt = (
            f"Heatmap: scores of {n} cities in {m} indicators{cat}. "
            f"Highest mean: {means.idxmax()} ({_pts(means.max(), lang)}), "
            f"lowest: {means.idxmin()} ({_pts(means.min(), lang)})"
        )
        alt += f"; {n_missing} values are missing." if n_missing > 1 else "; 1 value is missing." if n_missing else "."
    if highlight and highlight in cities:
        row = df.loc[df.index.astype(str) == highlight].iloc[0]
        if row.notna().any():
            alt += (
                f" {highlight} ist hervorgehoben: am stärksten in {row.idxmax()} ({_pts(row.max(), lang)})."
                if lang == "de"
                else f" {highlight} is outlined: strongest in {row.idxmax()} ({_pts(row.max(), lang)})."
            )
    return _finish(fig, title=title, caption=caption, alt=alt, facts={"n": n, "m": m, "missing": n_missing})


def trend_lines(
    frame: pd.DataFrame,
    *,
    lang: str = "de",
    title: str | None = None,
    caption: str = "",
    ylabel: str | None = None,
    decimals: int = 1,
    unit: str | None = None,
) -> Chart:
    """One line per series over the editions, labelled directly at the line ends (no legend box).

    frame columns: ``year`` (int), ``value`` (float), ``series`` (str, e.g. "Top-10-Schwelle",
    "Mittelwert"). Series are drawn in order of first appearance. A series with one year is a point.
    """
    _require(frame, ["year", "value", "series"], "trend_lines")
    t = _t(lang)
    title = (
        title
        if title is not None
        else ("Entwicklung über die Ausgaben" if lang == "de" else "Development over the editions")
    )
    unit = t["points"] if unit is None else unit
    df = frame.copy()
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype(float)
    df = df.dropna(subset=["year", "value"])
    if df.empty:
        return no_data_chart(title, caption, lang)
    df["year"] = df["year"].astype(int)
    names = df["series"].astype(str)
    by_series = {name: df[names == name].sort_values("year") for name in dict.fromkeys(names)}
    years = sorted(df["year"].unique())
    with style():
        fig = _new_figure(2.6)
        ax = fig.add_axes((0.08, 0.14, 0.7, 0.8))
        ends = []
        for k, (name, s) in enumerate(by_series.items()):
            color = SERIES_COLORS[k % len(SERIES_COLORS)]
            if len(s) > 1:
                ax.plot(s["year"], s["value"], color=color, linewidth=1.8, zorder=2)
            ax.scatter(s["year"], s["value"], s=22, color=color, zorder=3, edgecolor="white", linewidth=0.6)
            ends.append([float(s["value"].iloc[-1]), name, color])
        lo, hi = float(df["value"].min()), float(df["value"].max())
        span = max(hi - lo, 1.0)
        ax.set_ylim(max(0.0, lo - 0.15 * span) if lo >= 0 else lo - 0.15 * span, hi + 0.15 * span)
        # direct labels, nudged apart so they do not overlap
        ends.sort(key=lambda e: e[0])
        min_gap = 0.085 * (ax.get_ylim()[1] - ax.get_ylim()[0])
        for i in range(1, len(ends)):
            if ends[i][0] - ends[i - 1][0] < min_gap:
                ends[i][0] = ends[i - 1][0] + min_gap
        for y, name, color in ends:
            ax.text(
                max(years) + 0.25,
                y,
                name,
                color=color,
                fontsize=8,
                fontweight="bold",
                va="center",
                ha="left",
                clip_on=False,
            )
        ax.set_xticks(years)
        ax.set_xticklabels([str(y) for y in years])
        ax.set_xlim(min(years) - 0.4, max(years) + 0.4)
        _grid(ax, "y")
        ax.set_ylabel(ylabel or t["score"])
        ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: fmt_number(v, 0, lang)))
    parts = []
    for name, s in by_series.items():
        if len(s) == 1:
            parts.append(f"{name} {int(s['year'].iloc[0])}: {fmt_number(s['value'].iloc[0], decimals, lang)} {unit}")
        elif lang == "de":
            parts.append(
                f"{name} von {fmt_number(s['value'].iloc[0], decimals, lang)} ({int(s['year'].iloc[0])}) "
                f"auf {fmt_number(s['value'].iloc[-1], decimals, lang)} {unit} ({int(s['year'].iloc[-1])})"
            )
        else:
            parts.append(
                f"{name} from {fmt_number(s['value'].iloc[0], decimals, lang)} ({int(s['year'].iloc[0])}) "
                f"to {fmt_number(s['value'].iloc[-1], decimals, lang)} {unit} ({int(s['year'].iloc[-1])})"
            )
    span_txt = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    kind = (
        ("Liniendiagramm" if lang == "de" else "Line chart")
        if len(years) > 1
        else ("Punktdiagramm" if lang == "de" else "Dot chart")
    )
    alt = f"{kind} {span_txt}: " + "; ".join(parts) + "."
    return _finish(fig, title=title, caption=caption, alt=alt)


def germany_map(
    frame: pd.DataFrame,
    highlight: str | None = None,
    *,
    lang: str = "de",
    title: str | None = None,
    caption: str | None = None,
    label_top: int = 0,
) -> Chart:
    """Map of Germany with every city as a dot coloured by score (reversed ``cividis``, darker = higher; colour bar),
    Länder borders in light grey, the highlighted city ringed and named.

    frame columns: ``city``, ``latitude``, ``longitude``, ``score`` (rows without coordinates or
    score are left out and counted in the alt text). ``label_top`` also names the best N cities.
    The boundary attribution (© GeoBasis-DE / BKG) is printed in the figure.
    """
    from smartcity import geo

    _require(frame, ["city", "latitude", "longitude", "score"], "germany_map")
    t = _t(lang)
    title = title if title is not None else ("Die Städte auf der Karte" if lang == "de" else "The cities on the map")
    caption = caption if caption is not None else ""
    df = frame.copy()
    for c in ("latitude", "longitude", "score"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    n_all = len(df)
    df = df.dropna(subset=["latitude", "longitude", "score"]).reset_index(drop=True)
    if df.empty:
        return no_data_chart(title, caption, lang)
    df["city"] = df["city"].astype(str)
    df = df.sort_values("score", kind="stable").reset_index(drop=True)  # best on top
    x, y = geo.project(df["longitude"].to_numpy(), df["latitude"].to_numpy())
    cmap = mpl.colormaps[SEQUENTIAL_CMAP]
    vmin = float(np.floor(df["score"].min() / 10) * 10)
    vmax = float(np.ceil(df["score"].max() / 10) * 10)
    if vmax - vmin < 10:
        vmin, vmax = max(0.0, vmin - 5), min(100.0, vmax + 5)
    norm = mpl.colors.Normalize(vmin, vmax)
    is_hl = (df["city"] == highlight).to_numpy() if highlight else np.zeros(len(df), bool)
    with style():
        height = 6.0
        fig = _new_figure(height)
        ax = fig.add_axes((0.0, 0.03, 0.72, 0.95))
        geo.draw_germany(ax)
        ax.scatter(
            x, y, c=df["score"].to_numpy(), cmap=cmap, norm=norm, s=26, edgecolor="#333333", linewidth=0.4, zorder=3
        )
        labelled = set(df.nlargest(label_top, "score")["city"]) if label_top else set()
        for i in np.flatnonzero(is_hl):
            ax.scatter([x[i]], [y[i]], s=120, facecolor="none", edgecolor=COLORS["extra2"], linewidth=1.8, zorder=4)
            labelled.add(df["city"].iloc[i])
        labels = []
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        dx, dy = 0.015 * (x1 - x0), 0.008 * (y1 - y0)  # start up and right of the dot
        for i, c in enumerate(df["city"]):
            if c in labelled:
                hl = c == highlight
                labels.append(
                    ax.text(
                        x[i] + dx,
                        y[i] + dy,
                        f"{c} ({fmt_number(df['score'].iloc[i], 1, lang)})" if hl else c,
                        fontsize=8.5 if hl else 8,
                        fontweight="bold" if hl else "normal",
                        zorder=5,
                        bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.8),
                    )
                )
        if labels:  # dense regions (the Ruhr): labels push each other and the dots aside, with leader lines
            from adjustText import adjust_text

            adjust_text(
                labels,
                x=x,
                y=y,
                ax=ax,
                iter_lim=300,
                ensure_inside_axes=True,
                arrowprops=dict(arrowstyle="-", color=COLORS["muted"], linewidth=0.5),
            )
        label_boxes = [tuple(label.get_window_extent().extents) for label in labels]
        cax = fig.add_axes((0.76, 0.3, 0.025, 0.45))
        cb = fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), cax=cax)
        cb.outline.set_visible(False)
        cb.ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: fmt_number(v, 0, lang)))
        cax.set_title(t["score"], fontsize=8.5, loc="left", pad=6, fontweight="normal")
        fig.text(
            0.99,
            0.01,
            geo.ATTRIBUTION if lang == "de" else geo.ATTRIBUTION_EN,
            ha="right",
            va="bottom",
            fontsize=8,
            color=COLORS["muted"],
        )
    best = df.iloc[-1]
    worst = df.iloc[0]
    n = len(df)
    if lang == "de":
        alt = (
            f"Karte von Deutschland mit {n} Städten, eingefärbt nach Punktzahl "
            f"(von {fmt_number(df['score'].min(), 1, lang)} bis {_pts(df['score'].max(), lang, True)}); "
            f"höchster Wert: {best['city']} ({_pts(best['score'], lang)}), niedrigster: {worst['city']} "
            f"({_pts(worst['score'], lang)})."
        )
        if n < n_all:
            alt += (
                f" {n_all - n} Städte ohne Koordinaten oder Punktzahl fehlen."
                if n_all - n > 1
                else " 1 Stadt ohne Koordinaten oder Punktzahl fehlt."
            )
        if is_hl.any():
            r = df[is_hl].iloc[0]
            alt += f" Hervorgehoben: {highlight} mit {_pts(r['score'], lang, True)}."
    else:
        alt = (
            f"Map of Germany with {n} cities coloured by score "
            f"(from {fmt_number(df['score'].min(), 1, lang)} to {_pts(df['score'].max(), lang)}); "
            f"highest: {best['city']} ({_pts(best['score'], lang)}), lowest: {worst['city']} "
            f"({_pts(worst['score'], lang)})."
        )
        if n < n_all:
            alt += f" {n_all - n} cities without coordinates or score are left out."
        if is_hl.any():
            r = df[is_hl].iloc[0]
            alt += f" Highlighted: {highlight} with {_pts(r['score'], lang)}."
    return _finish(
        fig, title=title, caption=caption, alt=alt, facts={"n": n, "dropped": n_all - n, "label_boxes": label_boxes}
    )
