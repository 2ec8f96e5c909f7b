"""The one wording that marks everything built from the bundled sample data.

Used by the notebooks' data note, the PDF/HTML banner and the index page, so they never disagree.
"""
SAMPLE_LABEL = {"de": "Beispieldaten", "en": "Sample data"}
SAMPLE_NOTE = {
    "de": ("Grundlage ist der mitgelieferte Beispieldatensatz: Veröffentlichte Werte des "
           "Bitkom Smart City Index sind übernommen, alle übrigen modelliert. Für amtliche Aussagen die "
           "offiziellen Daten laden (--data)."),
    "en": ("Based on the bundled sample dataset: published values of the Bitkom Smart City Index "
           "are reproduced, all others are modelled. Load the official data (--data) for official use."),
}
