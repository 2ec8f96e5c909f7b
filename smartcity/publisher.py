"""Publisher settings: the city's own name, logo, colour, contact, foreword and imprint on its reports.

A small TOML file (``report.toml``, passed with ``--config``) sets who publishes the reports::

    [publisher]
    office = "Digitalbüro der Stadt Krefeld"      # required
    city = "Krefeld"
    contact = "digital@krefeld.de · 02151 86-0"
    web = "https://www.krefeld.de/digital"
    logo = "logo.svg"                              # SVG or PNG, path relative to this file
    logo_alt = "Wappen der Stadt Krefeld"
    accent = "#00643c"                             # must reach WCAG AA contrast 4.5:1 on white
    foreword = "vorwort.md"                        # Markdown file, relative to this file
    imprint = "impressum.md"

Without a config the neutral house style stays. Every problem is reported as a
:class:`PublisherConfigError` naming the file, the key, the value and how to fix it; nothing
is half-applied. See docs/publisher.md.
"""

from __future__ import annotations

import base64
import difflib
import re
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

import lxml.etree
import mistune  # nbconvert's Markdown renderer; escape=True: raw HTML in the file is shown as text

#: WCAG 2.1 AA minimum contrast for normal text (success criterion 1.4.3)
AA_CONTRAST = 4.5
MAX_LOGO_BYTES = 512 * 1024
MAX_TEXT_CHARS = 6000
KNOWN_KEYS = {"office", "city", "contact", "web", "logo", "logo_alt", "accent", "foreword", "imprint"}
_HEX_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


class PublisherConfigError(ValueError):
    """A problem in the publisher config: file, key, value and how to fix it."""

    def __init__(self, path: Path | str, key: str, value: object, problem: str, fix: str):
        self.path, self.key, self.value, self.problem, self.fix = str(path), key, value, problem, fix
        shown = repr(value) if not isinstance(value, str) or len(value) < 80 else repr(value[:77] + "...")
        super().__init__(f"{self.path}: [publisher] {key} = {shown}: {problem}. Fix: {fix}")


@dataclass(frozen=True)
class Publisher:
    """Resolved publisher settings; plain strings only, so it travels in task dicts and cache keys.

    ``logo`` is a ``data:`` URI, ``foreword_html``/``imprint_html`` are HTML rendered from the
    Markdown files, ``accent`` a ``#rrggbb`` colour (or ``""`` for the house colour).
    """

    office: str
    city: str = ""
    contact: str = ""
    web: str = ""
    logo: str = ""
    logo_alt: str = ""
    accent: str = ""
    foreword_html: str = ""
    imprint_html: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | "Publisher" | None) -> "Publisher | None":
        if data is None or isinstance(data, Publisher):
            return data
        return cls(**data)


# ------------------------------------------------------------------------------ colour contrast
def _channel(c: float) -> float:
    c = c / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def parse_hex(colour: str) -> tuple[int, int, int]:
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def relative_luminance(colour: str) -> float:
    r, g, b = (_channel(v) for v in parse_hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


#: light backgrounds the accent is set on as text: white, the table zebra (report.css), and in
#: the summary's key figures and the portal its own tint (:func:`tint`)
ZEBRA = "#f3f6f8"


def backgrounds(accent: str) -> tuple[str, ...]:
    return ("#ffffff", ZEBRA, tint(accent))


def darken_to_contrast(colour: str, target: float = AA_CONTRAST) -> str:
    """The same hue, darkened in small steps until it reaches ``target`` on every background it is used on."""
    r, g, b = parse_hex(colour)
    for step in range(101):
        f = 1 - step / 100
        c = "#{:02x}{:02x}{:02x}".format(round(r * f), round(g * f), round(b * f))
        if all(contrast_ratio(c, bg) >= target for bg in backgrounds(c)):
            return c
    return "#000000"


def tint(colour: str, share: float = 0.9) -> str:
    """A light tint of ``colour`` (``share`` white), for backgrounds behind body text."""
    r, g, b = parse_hex(colour)
    return "#{:02x}{:02x}{:02x}".format(*(round(v + (255 - v) * share) for v in (r, g, b)))


# ------------------------------------------------------------------------------ loading
def _markdown(text: str) -> str:
    return str(mistune.create_markdown(escape=True)(text))


def _text(path: Path, key: str, raw: dict) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str):
        raise PublisherConfigError(
            path, key, value, f"expected text, got {type(value).__name__}", f'write it in quotes, e.g. {key} = "..."'
        )
    return value.strip()


def _file(path: Path, key: str, value: str, suffixes: tuple[str, ...]) -> Path:
    target = (path.parent / value).resolve()
    if target.suffix.lower() not in suffixes:
        raise PublisherConfigError(
            path,
            key,
            value,
            f"unsupported file type {target.suffix or '(none)'!r}",
            f"use a {' or '.join(s.lstrip('.').upper() for s in suffixes)} file",
        )
    if not target.is_file():
        raise PublisherConfigError(
            path,
            key,
            value,
            f"file not found ({target})",
            "give a path relative to the config file, e.g. logo = \"logo.svg\"",
        )
    return target


def _logo(path: Path, value: str) -> str:
    target = _file(path, "logo", value, (".svg", ".png"))
    data = target.read_bytes()
    if len(data) > MAX_LOGO_BYTES:
        raise PublisherConfigError(
            path,
            "logo",
            value,
            f"{len(data) // 1024} KB is too large for every report",
            f"use a logo under {MAX_LOGO_BYTES // 1024} KB (an SVG, or a PNG of about 600 px width)",
        )
    if target.suffix.lower() == ".png":
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise PublisherConfigError(
                path, "logo", value, "the file is not a PNG image", "export the logo as PNG or SVG"
            )
        mime = "image/png"
    else:
        try:
            root = lxml.etree.fromstring(data, parser=lxml.etree.XMLParser(resolve_entities=False, no_network=True))
        except lxml.etree.XMLSyntaxError as exc:
            raise PublisherConfigError(
                path,
                "logo",
                value,
                f"the SVG is not well-formed XML ({exc})",
                "open it in an SVG editor and save it again",
            ) from None
        if lxml.etree.QName(root).localname != "svg":
            raise PublisherConfigError(path, "logo", value, "the file's root element is not <svg>", "use an SVG image")
        if root.xpath("//*[local-name()='script']") or re.search(rb"(?:xlink:)?href\s*=\s*[\"']https?:", data):
            raise PublisherConfigError(
                path,
                "logo",
                value,
                "the SVG contains scripts or external links",
                "remove them: reports load nothing from the network",
            )
        mime = "image/svg+xml"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _markdown_file(path: Path, key: str, value: str) -> str:
    target = _file(path, key, value, (".md", ".markdown", ".txt"))
    try:
        text = target.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PublisherConfigError(
            path, key, value, "the file is not UTF-8 text", "save it as UTF-8 (any editor offers this under 'Save as')"
        ) from None
    if len(text) > MAX_TEXT_CHARS:
        raise PublisherConfigError(
            path,
            key,
            value,
            f"{len(text)} characters are more than a page holds",
            f"shorten it to under {MAX_TEXT_CHARS} characters",
        )
    return _markdown(text)


def load_publisher(path: str | Path) -> Publisher:
    """Read and validate a publisher config (see module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise PublisherConfigError(
            path,
            "(file)",
            str(path),
            "config file not found",
            "pass the path of an existing report.toml, e.g. --config docs/examples/report.toml",
        )
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise PublisherConfigError(
            path, "(file)", path.name, f"not valid TOML ({exc})", 'write one key = "value" per line under [publisher]'
        ) from None
    except UnicodeDecodeError:
        raise PublisherConfigError(
            path, "(file)", path.name, "the file is not UTF-8 text", "save it as UTF-8"
        ) from None
    raw = doc.get("publisher")
    if not isinstance(raw, dict):
        raise PublisherConfigError(
            path,
            "[publisher]",
            None,
            "the [publisher] table is missing",
            'start the file with [publisher] and office = "..."',
        )
    unknown = sorted(set(raw) - KNOWN_KEYS)
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(KNOWN_KEYS), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise PublisherConfigError(
            path, unknown[0], raw[unknown[0]], "unknown key", f"{hint}known keys: {', '.join(sorted(KNOWN_KEYS))}"
        )
    office = _text(path, "office", raw)
    if not office:
        raise PublisherConfigError(
            path,
            "office",
            raw.get("office"),
            "the publishing office is required",
            'name it, e.g. office = "Digitalbüro der Stadt Krefeld"',
        )
    accent = _text(path, "accent", raw)
    if accent:
        if not _HEX_RE.match(accent):
            raise PublisherConfigError(
                path, "accent", accent, "not a hex colour", 'write it as "#rrggbb", e.g. "#00643c"'
            )
        accent = "#" + "".join(ch * 2 for ch in accent[1:]) if len(accent) == 4 else accent
        accent = accent.lower()
        ratio, background = min((contrast_ratio(accent, bg), bg) for bg in backgrounds(accent))
        if ratio < AA_CONTRAST:
            where = "white" if background == "#ffffff" else f"its background {background}"
            raise PublisherConfigError(
                path,
                "accent",
                accent,
                f"contrast against {where} is {ratio:.2f}:1, below the WCAG AA minimum of {AA_CONTRAST}:1 "
                "for headings, links and the portal header",
                f'use a darker shade, e.g. accent = "{darken_to_contrast(accent)}"',
            )
    web = _text(path, "web", raw)
    if web and not web.startswith(("https://", "http://")):
        raise PublisherConfigError(
            path, "web", web, "not a web address", 'write it with https://, e.g. "https://www.krefeld.de"'
        )
    logo = _text(path, "logo", raw)
    foreword = _text(path, "foreword", raw)
    imprint = _text(path, "imprint", raw)
    return Publisher(
        office=office,
        city=_text(path, "city", raw),
        contact=_text(path, "contact", raw),
        web=web,
        logo=_logo(path, logo) if logo else "",
        logo_alt=_text(path, "logo_alt", raw) or (f"Logo: {office}" if logo else ""),
        accent=accent,
        foreword_html=_markdown_file(path, "foreword", foreword) if foreword else "",
        imprint_html=_markdown_file(path, "imprint", imprint) if imprint else "",
    )
