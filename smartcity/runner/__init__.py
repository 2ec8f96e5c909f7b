"""Batch runner behind ``run_reports.py`` / ``smartcity-reports``.

Import nothing heavy here: the no-change rerun path must stay fast.
"""

from __future__ import annotations

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    from smartcity.runner.cli import main as _main  # noqa: PLC0415 - cycle: cli imports this package's modules

    return _main(argv)
