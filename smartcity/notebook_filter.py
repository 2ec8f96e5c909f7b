"""Jupyter pre-save hook: a notebook in the repository is saved as git's output filter would commit it.

The git filter (``.gitattributes``: ``*.ipynb filter=nbstripout``, configured by ``make``) already keeps
outputs out of every commit. On its own it leaves ``git status`` listing a notebook that was run and
saved (git sees the file size change before it runs the filter), although ``git diff`` is empty. With
this hook, JupyterLab writes the notebook exactly as the filter leaves it, so git sees no change at
all. ``make`` enables it for the project's JupyterLab through
``.venv/etc/jupyter/jupyter_server_config.json`` (the server's own configuration inside the project's
virtual environment)::

    {"ContentsManager": {"pre_save_hook": "smartcity.notebook_filter.strip_on_save"}}

The hook runs the clean command git itself is configured with, on notebooks whose git attributes name
that filter, and leaves every other file alone; outputs stay visible in the open notebook until it is
closed. To keep a run notebook with its outputs, export it (``jupyter nbconvert --to smartcity-pdf``)
or save a copy outside the repository.
"""

from __future__ import annotations

import json
import logging
import subprocess
from pathlib import Path
from typing import Any

import nbformat

log = logging.getLogger("smartcity.notebook_filter")

FILTER = "nbstripout"


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def clean_command(path: Path) -> str | None:
    """git's clean command for ``path`` if its attributes route it through the notebook filter."""
    folder = path.parent
    attribute = _git(["check-attr", "filter", "--", path.name], folder)
    if not attribute or not attribute.endswith(f": filter: {FILTER}"):
        return None
    return _git(["config", f"filter.{FILTER}.clean"], folder) or None


def strip_on_save(model: dict[str, Any], path: str, contents_manager: Any, **kwargs: Any) -> None:
    """``ContentsManager.pre_save_hook``: replace the notebook's content by the filter's output."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    os_path = Path(contents_manager.root_dir, path.lstrip("/"))
    if not os_path.parent.is_dir():
        return
    command = clean_command(os_path)
    if command is None:
        return
    raw = nbformat.writes(nbformat.from_dict(model["content"]), version=nbformat.NO_CONVERT)
    proc = subprocess.run(
        command, shell=True, input=raw, capture_output=True, text=True, cwd=os_path.parent, timeout=60
    )
    if proc.returncode != 0:
        # git refuses to commit through a failing filter (filter.nbstripout.required); save unchanged
        log.warning("notebook filter failed on %s (%s): saved with outputs", path, proc.stderr.strip()[-300:])
        return
    model["content"] = json.loads(proc.stdout)
