"""Report metadata and the few words the renderer itself writes (cover, contents, footer).

The words live in ``[render]`` (and the sample-data banner in ``[sample]``) of
``smartcity/phrases/{de,en}.toml``; ``LABELS`` exposes them per language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Sequence

from babel.dates import format_date

from smartcity.publisher import Publisher
from smartcity.sample_note import SAMPLE_LABEL, SAMPLE_NOTE
from smartcity.wording import LANGS, phrasebook

#: Words written by the renderer, not by the notebooks: ``LABELS[lang][key]``. The texts live in
#: ``[render]`` of the phrase tables; the banner's sample-data words come from ``[sample]`` through
#: sample_note, so the banner and the index page cannot disagree. Built once at import into dicts of
#: their own: the template, the PDF writer and importers index it directly, and an edit to LABELS
#: cannot leak into the cached phrase table the narrative reads.
LABELS: dict[str, dict[str, str]] = {
    lang: {
        **phrasebook(lang)["render"],
        "sample": SAMPLE_LABEL[lang],
        "sample.text": SAMPLE_NOTE[lang],
    }
    for lang in LANGS
}


@dataclass(frozen=True)
class ReportMeta:
    """What the renderer needs to know about one report besides the notebook.

    ``kind`` is ``"city"``, ``"category"``, ``"edition"`` or any other string (then ``kind_label``
    or the generic "Bericht"/"Report" is shown). ``data_note`` is a short provenance line printed
    on the cover and in the HTML footer (e.g. "Quelle: Bitkom Smart City Index 2025").
    """

    kind: str
    title: str
    subtitle: str = ""
    year: int | None = None
    lang: str = "de"
    is_sample: bool = False
    author: str = "smartcity"
    generated: datetime.date = field(default_factory=datetime.date.today)
    keywords: Sequence[str] | None = None
    data_note: str | None = None
    kind_label: str | None = None
    publisher: Publisher | None = None

    def __post_init__(self) -> None:
        if isinstance(self.publisher, dict):
            object.__setattr__(self, "publisher", Publisher.from_dict(self.publisher))
        if self.lang not in LANGS:
            raise ValueError(f"lang must be one of {LANGS}, not {self.lang!r}")
        if self.keywords is not None and not isinstance(self.keywords, tuple):
            object.__setattr__(self, "keywords", tuple(self.keywords))
        if isinstance(self.generated, datetime.datetime):
            object.__setattr__(self, "generated", self.generated.date())

    # -- derived values used by the template and the PDF writer ------------------------------
    def label(self, key: str, **kw: object) -> str:
        text = LABELS[self.lang][key]
        return text.format(**kw) if kw else text

    @property
    def kind_name(self) -> str:
        if self.kind_label:
            return self.kind_label
        key = f"kind.{self.kind}"
        return LABELS[self.lang].get(key, LABELS[self.lang]["kind.other"])

    @property
    def document_title(self) -> str:
        """HTML <title>, PDF /Title and the running page header."""
        return f"{self.title} – {self.subtitle}" if self.subtitle else self.title

    @property
    def document_author(self) -> str:
        """PDF /Author and ``<meta name=author>``: the publishing office if there is one."""
        return self.publisher.office if self.publisher else self.author

    @property
    def subject(self) -> str:
        """PDF /Subject and ``<meta name=description>``: what the document is, and who publishes it."""
        if self.year is None:
            text = f"{self.kind_name} {self.title}"
        else:
            text = self.label("subject", kind=self.kind_name, title=self.title, year=self.year)
        if self.publisher:
            text += " – " + self.label("published_by", office=self.publisher.office)
        return text

    @property
    def footer_text(self) -> str:
        """The bottom-left page footer: publisher (if any) and date."""
        if self.publisher:
            return f"{self.publisher.office} · {self.generated_text}"
        return self.generated_text

    @property
    def date_text(self) -> str:
        return format_date(self.generated, format="long", locale=self.label("locale"))

    @property
    def generated_text(self) -> str:
        return self.label("generated", date=self.date_text)

    @property
    def keyword_list(self) -> list[str]:
        if self.keywords is not None:
            return [k for k in self.keywords if k]
        words = ["Smart City Index", "Bitkom", self.kind_name, self.title]
        if self.year is not None:
            words.append(str(self.year))
        if self.is_sample:
            words.append(self.label("sample"))
        return list(dict.fromkeys(w for w in words if w))


def data_note(year: int | None, lang: str, source: str | Sequence[str] | None = None, n_published: int = 0) -> str:
    """The provenance line of a report: the bundled sample (``source=None``) or the user's data.

    File names stay out of the line: it is printed on every page of a council document; the files
    are listed in the build's manifest. ``n_published`` counts the figures the bundled published
    history added (``--history published``)."""
    edition = f" {year}" if year is not None else ""
    if source is None:
        return (
            f"Quelle: Beispieldaten nach dem Bitkom Smart City Index{edition}"
            if lang == "de"
            else f"Source: sample data modelled on the Bitkom Smart City Index{edition}"
        )
    note = (
        f"Datenquelle: Bitkom Smart City Index{edition}"
        if lang == "de"
        else f"Data source: Bitkom Smart City Index{edition}"
    )
    if n_published:
        note += (
            f", ergänzt um {n_published} veröffentlichte Zahlen"
            if lang == "de"
            else f", with {n_published} published figures added"
        )
    return note
