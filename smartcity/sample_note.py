"""The one wording that marks everything built from the bundled sample data.

Used by the notebooks' data note, the PDF/HTML banner and the index page, so they never disagree.
The note speaks to a reader; the command-line hint (``SAMPLE_CLI_HINT``) belongs on the index page
and in the docs only.

The texts live in ``[sample]`` of ``smartcity/phrases/{de,en}.toml``; this module only exposes them
per language (``SAMPLE_LABEL[lang]``, ...) for the modules that import these names.
"""

from __future__ import annotations

# wording is standard library only: the batch runner's parent process imports this module and
# must not pay for pandas or Babel
from smartcity.wording import LANGS, phrasebook

SAMPLE_LABEL: dict[str, str] = {lang: phrasebook(lang)["sample"]["label"] for lang in LANGS}
SAMPLE_NOTE: dict[str, str] = {lang: phrasebook(lang)["sample"]["note"] for lang in LANGS}
# How to get there; for the index page and the docs, never for a report a council reads.
SAMPLE_CLI_HINT: dict[str, str] = {lang: phrasebook(lang)["sample"]["cli_hint"] for lang in LANGS}
