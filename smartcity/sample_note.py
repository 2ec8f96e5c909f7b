"""The one wording that marks everything built from the bundled sample data.

Used by the notebooks' data note, the PDF/HTML banner and the index page, so they never disagree.
The note speaks to a reader; the command-line hint (``SAMPLE_CLI_HINT``) belongs on the index page
and in the docs only.
"""

SAMPLE_LABEL = {"de": "Beispieldaten", "en": "Sample data"}
SAMPLE_NOTE = {
    "de": (
        "Grundlage ist der mitgelieferte Beispieldatensatz: Veröffentlichte Werte des "
        "Bitkom Smart City Index sind übernommen, alle übrigen modelliert. Für amtliche Aussagen die "
        "offiziellen Daten neu erstellen lassen."
    ),
    "en": (
        "Based on the bundled sample dataset: published values of the Bitkom Smart City Index "
        "are reproduced, all others are modelled. For official use, have the report rebuilt from the "
        "official data."
    ),
}
# How to get there; for the index page and the docs, never for a report a council reads.
SAMPLE_CLI_HINT = {
    "de": "Mit den offiziellen Daten: run_reports.py --data DATEI",
    "en": "With the official data: run_reports.py --data FILE",
}
