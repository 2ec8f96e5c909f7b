"""What the planner needs to know about a dataset, cached so a no-change rerun never imports pandas.

The cache entry is keyed by the checksums of every data file, the year and history options, the
bundled catalogue (``data/``) and the library code, so any change there reloads the dataset through
:func:`smartcity.dataset.load_dataset`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from smartcity import paths
from smartcity.datafiles import data_checksum, data_files
from smartcity.runner import fingerprint
from smartcity.runner.fsutil import atomic_write

SAMPLE_LABEL = "bundled sample"
INFO_SCHEMA = 3


class DataError(RuntimeError):
    pass


@dataclass
class DataInfo:
    source: str  # the data actually used: one path, or "N files (a.csv, ...)"
    param: list[str] | None  # value of the notebooks' ``data`` parameter (None = bundled sample)
    checksum: str  # sha256 of the data (same as Dataset.checksum)
    catalogue: str  # digest of the bundled data directory (cities, indicators, ...)
    is_sample: bool
    years: list[int]
    cities: dict[str, list[list[str]]] = field(default_factory=dict)  # year -> [[name, slug], ...] with any figure
    edition_cities: dict[str, list[list[str]]] = field(
        default_factory=dict
    )  # year -> cities of the edition (catalogue)
    categories_in_data: dict[str, list[str]] = field(default_factory=dict)  # year -> categories with category scores
    levels: dict[str, list[str]] = field(default_factory=dict)  # year -> levels with figures
    files: list[str] = field(default_factory=list)  # every data file read
    history: str = "none"  # --history
    year_option: int | None = None  # --year: edition of tables naming none
    history_counts: dict[str, int] = field(default_factory=dict)  # year -> published figures added
    categories: list[list[str]] = field(default_factory=list)  # [[name_de, name_en, slug], ...]
    category_labels: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # year -> lang -> labels

    @property
    def latest_year(self) -> int:
        return max(self.years)

    def category_label(self, index: int, year: int, lang: str) -> str:
        """The category's name as that edition published it (e.g. "Gesellschaft" before 2023)."""
        labels = self.category_labels.get(str(year), {}).get(lang)
        if labels and index < len(labels):
            return labels[index]
        name_de, name_en, _ = self.categories[index]
        return name_en if lang == "en" else name_de

    def cities_of(self, year: int) -> list[tuple[str, str]]:
        """Cities with at least one figure (any level) in that edition of the data."""
        return [(c[0], c[1]) for c in self.cities.get(str(year), [])]

    def edition_cities_of(self, year: int) -> list[tuple[str, str]]:
        """Every city of the edition by the catalogue, plus any other city the data has for it."""
        merged = {n: s for n, s in self.edition_cities.get(str(year), [])}
        merged.update({n: s for n, s in self.cities.get(str(year), [])})
        return sorted(merged.items(), key=lambda c: c[1])

    def has_category(self, year: int, category: str) -> bool:
        return category in self.categories_in_data.get(str(year), [])

    def has_level(self, year: int, level: str) -> bool:
        return level in self.levels.get(str(year), [])


def _data_dir() -> Path:
    return Path(paths.DATA_DIR)


def locate(data: str | list[str] | None) -> tuple[list[Path], list[str] | None, bool]:
    """(data files, notebook parameter, is_sample) for ``--data`` (repeatable; files or folders)."""
    sample = _data_dir() / "scores.csv"
    if not data:
        if not sample.is_file():
            raise DataError(f"{sample} is missing: build it with `python -m smartcity.sample build`")
        return [sample], None, True
    try:
        files = [f.resolve() for f in data_files(data)]
    except FileNotFoundError as exc:
        raise DataError(str(exc)) from None
    if sample.exists() and files == [sample.resolve()]:
        return [sample], None, True
    return files, [str(f) for f in files], False


def load_info(
    data: str | list[str] | None, cache_dir: Path | None, year: int | None = None, history: str = "none"
) -> DataInfo:
    files, param, is_sample = locate(data)
    if is_sample:
        year, history = None, "none"  # the sample names its years; history applies to user data
    checksum = data_checksum(files, year, history)
    catalogue = fingerprint.data_dir_version(_data_dir())
    key = fingerprint.digest(
        [checksum, catalogue, is_sample, fingerprint.library_code_version(), fingerprint.package_version(), INFO_SCHEMA]
    )[:32]
    cache_file = cache_dir / f"data-{key}.json" if cache_dir else None
    if cache_file and cache_file.is_file():
        try:
            raw = json.loads(cache_file.read_text(encoding="utf-8"))
            info = DataInfo(**raw)
            info.param = param
            info.files = [str(f) for f in files]
            return info
        except (ValueError, TypeError):
            pass
    info = _load(files, param, is_sample, checksum, catalogue, year, history)
    if cache_file:
        atomic_write(cache_file, json.dumps(asdict(info), ensure_ascii=False, indent=1))
    return info


def _load(
    files: list[Path],
    param: list[str] | None,
    is_sample: bool,
    checksum: str,
    catalogue: str,
    year: int | None,
    history: str,
) -> DataInfo:
    from smartcity import catalogue as cat  # noqa: PLC0415 - start-up: pandas, not needed by a no-change rerun
    from smartcity.dataset import load_dataset  # noqa: PLC0415 - start-up: pandas, not needed by a no-change rerun

    try:
        ds = load_dataset(param, year=year, history=history)
    except Exception as exc:  # validation errors, unreadable files ...
        where = files[0] if len(files) == 1 else f"{len(files)} files"
        raise DataError(f"cannot load data {where}: {exc}") from exc
    scores = ds.scores
    catalogue_cities = cat.load_cities()
    cities: dict[str, list[list[str]]] = {}
    edition_cities: dict[str, list[list[str]]] = {}
    categories_in_data: dict[str, list[str]] = {}
    levels: dict[str, list[str]] = {}
    for y in ds.years:
        rows = scores[(scores["year"] == y) & scores["score"].notna()]
        # a city in any table counts, also one missing from an excerpt of the overall ranking
        cities[str(y)] = sorted(([n, cat.city_slug(n)] for n in set(rows["city"])), key=lambda c: c[1])
        members = catalogue_cities[catalogue_cities["first_edition"] <= int(y)]
        edition_cities[str(y)] = sorted(([n, s] for n, s in zip(members["name"], members["slug"])), key=lambda c: c[1])
        categories_in_data[str(y)] = sorted(set(rows.loc[rows["level"] == "category", "category"]))
        levels[str(y)] = sorted(set(rows["level"]))
    categories = [[c.name_de, c.name_en, c.slug] for c in cat.CATEGORIES]
    labels: dict[str, dict[str, list[str]]] = {}
    for year in ds.years:
        labels[str(year)] = {}
        for lang in ("de", "en"):
            try:
                labels[str(year)][lang] = [cat.category_label(c.name_de, int(year), lang) for c in cat.CATEGORIES]
            except Exception:  # noqa: BLE001 - the catalogue names stand in
                labels[str(year)][lang] = [c.name_en if lang == "en" else c.name_de for c in cat.CATEGORIES]
    return DataInfo(
        source=ds.source,
        param=param,
        checksum=checksum,
        catalogue=catalogue,
        is_sample=bool(ds.is_sample),
        years=[int(y) for y in ds.years],
        cities=cities,
        edition_cities=edition_cities,
        categories_in_data=categories_in_data,
        levels=levels,
        categories=categories,
        category_labels=labels,
        files=[str(f) for f in files],
        history=ds.history,
        history_counts={str(k): v for k, v in ds.history_counts.items()},
        year_option=year,
    )


def load_dataset_of(info: DataInfo):
    """The dataset ``info`` describes, loaded with the same options (--year, --history) as the reports."""
    from smartcity.dataset import load_dataset  # noqa: PLC0415 - start-up: pandas, not needed by a no-change rerun

    return load_dataset(info.param, year=info.year_option, history=info.history)
