"""Notebooks stay clean in git: the nbstripout filter `make` installs, and notebooks written as it leaves them."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from smartcity.paths import NOTEBOOK_DIR, REPO_ROOT

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def filter_command() -> list[str]:
    """The clean filter exactly as the Makefile configures it, run with this interpreter."""
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    keys = re.search(r'^NBSTRIPOUT := .* -m nbstripout --extra-keys "([^"]+)"$', makefile, re.M).group(1)
    return [sys.executable, "-m", "nbstripout", "--extra-keys", keys]


def test_gitattributes_routes_notebooks_through_the_filter():
    attributes = (REPO_ROOT / ".gitattributes").read_text(encoding="utf-8")
    assert "*.ipynb filter=nbstripout diff=ipynb" in attributes.splitlines()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_are_as_the_filter_leaves_them(path):
    """Otherwise a fresh checkout with the filter installed shows them as modified
    (regenerate them with scripts/make_notebooks.py)."""
    raw = path.read_bytes()
    cleaned = subprocess.run(filter_command(), input=raw, capture_output=True, check=True, timeout=60).stdout
    assert cleaned == raw, f"{path.name} is not as nbstripout leaves it: run scripts/make_notebooks.py"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Analyst", "-c", "user.email=analyst@example.org", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout


def _repo_with_filter(tmp_path: Path) -> Path:
    """A clone-like repository holding the report notebooks, set up as `make` sets up the checkout."""
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    for name in (".gitattributes", ".gitignore"):
        shutil.copy(REPO_ROOT / name, repo)
    for path in NOTEBOOKS:
        shutil.copy(path, repo / "notebooks")
    _git(repo, "init", "-q")
    subprocess.run(
        ["make", "-s", "-f", str(REPO_ROOT / "Makefile"), "notebook-filter", f"PY={sys.executable}"],
        cwd=repo,
        check=True,
        timeout=60,
    )
    assert "nbstripout" in _git(repo, "config", "filter.nbstripout.clean")
    hook = json.loads((repo / ".venv/etc/jupyter/jupyter_server_config.json").read_text())
    assert hook == {"ContentsManager": {"pre_save_hook": "smartcity.notebook_filter.strip_on_save"}}
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "notebooks")
    assert _git(repo, "status", "--porcelain") == ""
    return repo


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> nbformat.NotebookNode:
    """_template.ipynb after "Run all" with a real kernel: outputs, counts, timings, the kernel's language_info."""
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK_DIR / "_template.ipynb", 4)
    cwd = tmp_path_factory.mktemp("run")
    NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(cwd)}}).execute()
    assert any(cell.get("outputs") for cell in nb.cells) and nb.metadata.get("language_info")
    return nb


def _jupyter_contents_manager(root: Path, config_dir: Path, monkeypatch):
    """The contents manager of a Jupyter server (what JupyterLab saves through) configured from ``config_dir``
    as the project's JupyterLab is from .venv/etc/jupyter."""
    from jupyter_server.serverapp import ServerApp

    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(config_dir))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(root.parent / "runtime"))
    app = ServerApp()
    app.initialize(argv=[f"--ServerApp.root_dir={root}", "--no-browser"], find_extensions=False, new_httpserver=False)
    return app.contents_manager


def _save(manager, nb: nbformat.NotebookNode, path: str) -> None:
    model = {"type": "notebook", "format": "json", "content": nb}
    result = manager.save(model, path)
    if asyncio.iscoroutine(result):  # JupyterLab's default manager is asynchronous
        asyncio.run(result)


@pytest.mark.slow
def test_running_and_saving_in_jupyterlab_leaves_git_status_clean(tmp_path, executed, monkeypatch):
    """An analyst runs a report notebook and saves it in JupyterLab (a Jupyter server configured by the
    file `make` writes): the file on disk is the committed one, and git sees nothing."""
    repo = _repo_with_filter(tmp_path)
    manager = _jupyter_contents_manager(repo, repo / ".venv" / "etc" / "jupyter", monkeypatch)
    _save(manager, executed, "notebooks/_template.ipynb")
    assert _git(repo, "status", "--porcelain") == ""

    # a new notebook saved there is stored without outputs as well; one outside git keeps them
    _save(manager, executed, "notebooks/mein_bericht.ipynb")
    saved = (repo / "notebooks" / "mein_bericht.ipynb").read_text(encoding="utf-8")
    assert '"output_type"' not in saved and "language_info" not in saved
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _save(
        _jupyter_contents_manager(elsewhere, repo / ".venv" / "etc" / "jupyter", monkeypatch), executed, "kopie.ipynb"
    )
    assert '"output_type"' in (elsewhere / "kopie.ipynb").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_git_filter_alone_keeps_outputs_out_of_commits(tmp_path, executed):
    """Without the hook (another editor, papermill in place): git diff is empty and commits carry no outputs."""
    repo = _repo_with_filter(tmp_path)
    nb = executed
    nbformat.write(nb, repo / "notebooks" / "_template.ipynb")
    assert _git(repo, "diff") == ""
    nbformat.write(nb, repo / "notebooks" / "mein_bericht.ipynb")
    _git(repo, "add", "-A")
    assert _git(repo, "diff", "--cached", "--stat", "--", "notebooks/_template.ipynb") == ""
    committed = _git(repo, "show", ":notebooks/mein_bericht.ipynb")
    assert '"outputs": []' in committed and '"output_type"' not in committed and "language_info" not in committed
