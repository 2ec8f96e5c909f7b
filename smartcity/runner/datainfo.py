"""What the planner needs to know about a dataset, cached so a no-change rerun never imports pandas.

The cache entry is keyed by the data file checksum, the bundled catalogue (``data/``) and the
library code, so any change there reloads the dataset through :func:`smartcity.dataset.load_dataset`.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from smartcity import paths
from smartcity.runner import fingerprint
from smartcity.runner.fsutil import atomic_write, sha256_file

SAMPLE_LABEL = "bundled sample"
INFO_SCHEMA = 2


class DataError(RuntimeError):
    pass


@dataclass
class DataInfo:
    source: str                   # path of the scores file actually used
    param: str | None             # value of the notebooks' ``data`` parameter (None = bundled sample)
    checksum: str                 # sha256 of the scores file (same as Dataset.checksum)
    catalogue: str                # digest of the bundled data directory (cities, indicators, ...)
    is_sample: bool
    years: list[int]
    cities: dict[str, list[list[str]]] = field(default_factory=dict)   # year -> [[name, slug], ...]
    categories: list[list[str]] = field(default_factory=list)          # [[name_de, name_en, slug], ...]
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
        return [(c[0], c[1]) for c in self.cities.get(str(year), [])]


def _data_dir() -> Path:
    return Path(paths.DATA_DIR)


def locate(data: str | None) -> tuple[Path, str | None, bool]:
    """(scores file, notebook parameter, is_sample) for ``--data``."""
    sample = _data_dir() / "scores.csv"
    if data is None:
        if not sample.is_file():
            raise DataError(f"{sample} is missing: build it with `python -m smartcity.sample build`")
        return sample, None, True
    p = Path(data).expanduser().resolve()
    if not p.is_file():
        raise DataError(f"data file not found: {data}")
    if sample.exists() and p == sample.resolve():
        return sample, None, True
    return p, str(p), False


def load_info(data: str | None, cache_dir: Path | None) -> DataInfo:
    path, param, is_sample = locate(data)
    checksum = sha256_file(path)
    catalogue = fingerprint.data_dir_version(_data_dir())
    key = fingerprint.digest([checksum, catalogue, is_sample, fingerprint.library_code_version(),
                              fingerprint.package_version(), INFO_SCHEMA])[:32]
    cache_file = cache_dir / f"data-{key}.json" if cache_dir else None
    if cache_file and cache_file.is_file():
        try:
            raw = json.loads(cache_file.read_text(encoding="utf-8"))
            info = DataInfo(**raw)
            info.source, info.param = str(path), param
            return info
        except (ValueError, TypeError):
            pass
    info = _load(path, param, is_sample, checksum, catalogue)
    if cache_file:
        atomic_write(cache_file, json.dumps(asdict(info), ensure_ascii=False, indent=1))
    return info


def _load(path: Path, param: str | None, is_sample: bool, checksum: str, catalogue: str) -> DataInfo:
    from smartcity import catalogue as cat  # noqa: PLC0415 - start-up: pandas, not needed by a no-change rerun
    from smartcity.dataset import load_dataset  # noqa: PLC0415 - start-up: pandas, not needed by a no-change rerun

    try:
        ds = load_dataset(param)
    except Exception as exc:  # validation errors, unreadable files ...
        raise DataError(f"cannot load data {path}: {exc}") from exc
    scores = ds.scores
    cities: dict[str, list[list[str]]] = {}
    for year in ds.years:
        rows = scores[scores["year"] == year]
        overall = rows[rows["level"] == "overall"]
        names = sorted(set((overall if len(overall) else rows)["city"]))
        cities[str(year)] = sorted(([n, cat.city_slug(n)] for n in names), key=lambda c: c[1])
    categories = [[c.name_de, c.name_en, c.slug] for c in cat.CATEGORIES]
    labels: dict[str, dict[str, list[str]]] = {}
    for year in ds.years:
        labels[str(year)] = {}
        for lang in ("de", "en"):
            try:
                labels[str(year)][lang] = [cat.category_label(c.name_de, int(year), lang) for c in cat.CATEGORIES]
            except Exception:  # noqa: BLE001 - the catalogue names stand in
                labels[str(year)][lang] = [c.name_en if lang == "en" else c.name_de for c in cat.CATEGORIES]
    return DataInfo(source=str(path), param=param, checksum=ds.checksum or checksum, catalogue=catalogue,
                    is_sample=bool(ds.is_sample), years=[int(y) for y in ds.years], cities=cities,
                    categories=categories, category_labels=labels)


def load_dataset_for_bundle(info: DataInfo):
    from smartcity.dataset import load_dataset  # noqa: PLC0415 - start-up: pandas, not needed by a no-change rerun

    return load_dataset(info.param)
