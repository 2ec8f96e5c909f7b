"""Locations of the bundled data, notebooks and report output.

``data/`` and ``notebooks/`` live at the top of the repository; the wheel maps them into the package
(``smartcity/data``, ``smartcity/notebooks``, see ``[tool.hatch.build.targets.wheel.force-include]`` in
pyproject.toml). Both layouts are found here through :mod:`importlib.resources`, so a checkout, an
editable install and an installed wheel behave the same. Installed packages are plain directories
(wheels are unpacked), so the resources are real paths that papermill and WeasyPrint can open.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

PACKAGE_DIR = Path(str(resources.files("smartcity")))
#: the checkout this package was imported from; meaningful for development tools only
REPO_ROOT = PACKAGE_DIR.parent


def bundled(name: str) -> Path:
    """The bundled directory ``name`` (``data`` or ``notebooks``): inside the installed package, or at
    the top of the checkout."""
    inside = resources.files("smartcity") / name
    if inside.is_dir():
        return Path(str(inside))
    return REPO_ROOT / name


DATA_DIR = Path(os.environ.get("SMARTCITY_DATA_DIR") or bundled("data"))
NOTEBOOK_DIR = bundled("notebooks")
#: default output root: ``reports/`` in the working directory (resolve it when used)
REPORTS_DIR = Path("reports")
