"""The dataset every report works on: scores in long format plus the catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Optional

import pandas as pd

from smartcity import catalogue, datafiles, method
from smartcity.datafiles import data_checksum, sha256_file
from smartcity.paths import DATA_DIR
from smartcity.sample_note import SAMPLE_LABEL  # noqa: F401 - re-exported

SAMPLE_FILE = DATA_DIR / "scores.csv"

#: what ``load_dataset(path)`` accepts: nothing (the sample), a file or folder, or several of them
DataPaths = Optional[datafiles.DataPaths]


@dataclass
class Dataset:
    """Scores and catalogue of one data source.

    A dataset is **immutable by convention**: never modify ``scores`` (or the catalogue frames)
    in place once it is in use. Derived, read-only data (the years, which levels exist, and in
    :mod:`smartcity.analysis` the ranking tables, profiles and lever inputs) is computed once per
    dataset and cached, keyed by the identity of ``scores``; assigning a new frame to ``scores``
    is safe (the caches notice), modifying the frame in place is not.
    """

    scores: pd.DataFrame
    source: str
    is_sample: bool
    checksum: str
    disagreements: list = field(default_factory=list)
    #: every file read (one for the sample or a single file)
    files: list[str] = field(default_factory=list)
    #: ``"published"`` if the bundled published figures filled tables the files lack, else ``"none"``
    history: str = "none"
    #: published figures added by ``history="published"``, per edition
    history_counts: dict[int, int] = field(default_factory=dict)

    @property
    def source_names(self) -> list[str]:
        """File names of the data (for data notes)."""
        return [Path(f).name for f in (self.files or [self.source])]

    @cached_property
    def cities(self) -> pd.DataFrame:
        return catalogue.load_cities()

    @cached_property
    def indicators(self) -> pd.DataFrame:
        return catalogue.load_indicators()

    @cached_property
    def editions(self) -> pd.DataFrame:
        return catalogue.load_editions()

    def _index(self) -> dict:
        """Years and (year, level) pairs of ``scores``, computed once per frame (see class doc)."""
        idx = self.__dict__.get("_scores_index")
        if idx is None or idx["scores"] is not self.scores:
            s = self.scores
            pairs = s[["year", "level"]].drop_duplicates()
            idx = {
                "scores": s,
                "years": sorted(int(y) for y in s["year"].unique()),
                "levels": {(int(y), str(lv)) for y, lv in zip(pairs["year"], pairs["level"])},
            }
            self.__dict__["_scores_index"] = idx
        return idx

    @property
    def years(self) -> list[int]:
        return list(self._index()["years"])

    @property
    def latest_year(self) -> int:
        return self.years[-1]

    @cached_property
    def coverage(self) -> pd.DataFrame:
        grouped = self.scores.groupby(["year", "level"])
        return pd.DataFrame(
            {
                "n_cities": grouped["city"].nunique(),
                "n_values": grouped["score"].count(),
            }
        ).reset_index()

    def has_level(self, year: int, level: str) -> bool:
        try:
            if int(year) == year:
                return (int(year), level) in self._index()["levels"]
        except (TypeError, ValueError):
            pass
        return bool(((self.scores["year"] == year) & (self.scores["level"] == level)).any())

    def table(self, year: int, level: str, category: str | None = None, indicator: str | None = None) -> pd.DataFrame:
        """Rows of one ranking (one edition, level, category or indicator), best first."""
        s = self.scores
        mask = (s["year"] == year) & (s["level"] == level)
        if category is not None:
            mask &= s["category"] == category
        if indicator is not None:
            mask &= s["indicator"] == indicator
        return s[mask].sort_values(["rank", "city"]).reset_index(drop=True)


def _checksum(path: Path) -> str:
    return sha256_file(path)


def read_bundled(path: Path = SAMPLE_FILE) -> pd.DataFrame:
    """Read the project's own long-format file (already validated when it was built)."""
    frame = pd.read_csv(
        path,
        dtype={"category": str, "indicator": str, "provenance": str, "source_url": str},
        keep_default_na=False,
        na_values={"score": [""], "rank": [""], "rank_change": [""]},
    )
    frame["rank"] = frame["rank"].astype("Int64")
    frame["rank_change"] = frame["rank_change"].astype("Int64")
    return frame


def _is_sample(path: DataPaths) -> bool:
    if path is None:
        return True
    if isinstance(path, (str, Path)):
        return Path(path).resolve() == SAMPLE_FILE.resolve()
    items = list(path)
    return len(items) == 1 and Path(items[0]).resolve() == SAMPLE_FILE.resolve()


def load_dataset(path: DataPaths = None, year: int | None = None, history: str | None = None) -> Dataset:
    """Load the bundled sample (path=None) or a user's data in any format the loaders accept.

    ``path`` is a file, a folder (every CSV/XLSX file in it) or a list of files and folders; the
    files are validated (smartcity.validation, one message per problem) and merged; the same figure
    in two files must have the same value. ``year`` is the edition of tables that name none.
    ``history="published"`` adds the bundled published figures (provenance ``published``, with
    source URLs) for every table the files lack; it does not apply to the sample.
    """
    if _is_sample(path):
        file = SAMPLE_FILE
        if not file.exists():
            raise FileNotFoundError(f"{file} is missing: build it with `python -m smartcity.sample build`")
        frame = read_bundled(file)
        scores, disagreements = method.complete(frame, catalogue.load_indicators())
        return Dataset(
            scores=scores,
            source=str(file),
            is_sample=True,
            checksum=_checksum(file),
            disagreements=disagreements,
            files=[str(file)],
        )
    from smartcity.inputs import add_history, keep_true_ranks, read_inputs, sources_label

    frame, files = read_inputs(path, year=year)
    frame, counts = add_history(frame, history)
    scores, disagreements = method.complete(frame, catalogue.load_indicators())
    scores = keep_true_ranks(frame, scores)
    return Dataset(
        scores=scores,
        source=str(files[0]) if len(files) == 1 else sources_label(files),
        is_sample=False,
        checksum=data_checksum(files, year, history),
        disagreements=disagreements,
        files=[str(f) for f in files],
        history=history or "none",
        history_counts=counts,
    )
