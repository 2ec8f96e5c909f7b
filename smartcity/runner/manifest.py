"""``reports/<year>/manifest.json``: what was built from what, with checksums; written atomically."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from smartcity.runner.fsutil import atomic_write

MANIFEST_NAME = "manifest.json"
SCHEMA = 2
#: built now; up to date from an earlier run; skipped: the data holds nothing for it (with ``reason``);
#: failed / timeout: a real error (with ``error``)
STATUSES = ("built", "up_to_date", "skipped", "failed", "timeout")
#: statuses whose outputs are on disk
AVAILABLE = ("built", "up_to_date")


def now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).astimezone().isoformat(timespec="seconds")


def load(year_dir: Path) -> dict:
    """The previous manifest, or an empty one (a damaged manifest just means: rebuild)."""
    path = Path(year_dir) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("reports"), list):
            return data
    except (OSError, ValueError):
        pass
    return {"schema": SCHEMA, "reports": []}


def entries_by_id(manifest: dict) -> dict[str, dict]:
    return {e["id"]: e for e in manifest.get("reports", []) if isinstance(e, dict) and "id" in e}


def write(year_dir: Path, manifest: dict) -> Path:
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n"
    return atomic_write(Path(year_dir) / MANIFEST_NAME, text)


def summarise(entries: list[dict]) -> dict:
    out = {s: 0 for s in STATUSES}
    for e in entries:
        out[e.get("status", "failed")] = out.get(e.get("status", "failed"), 0) + 1
    out["total"] = len(entries)
    return out
