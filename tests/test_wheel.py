"""The built wheel works anywhere: installed into a fresh venv, used from a directory outside the repository.

The fresh venv borrows the third-party dependencies of the running environment through a ``.pth`` line
(its site-packages directories, whose own ``.pth`` files, e.g. an editable install of this project, are not
processed) and a link to nbconvert's templates, so the test needs no network and installs in a second; the wheel itself is installed with
``pip install --no-deps`` and the test checks that ``smartcity`` is imported from the fresh venv.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from pypdf import PdfReader

import smartcity

ROOT = Path(__file__).resolve().parent.parent


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv dir, environment for its commands) with only the freshly built wheel installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist), str(ROOT)],
        check=True,
        timeout=300,
    )
    wheels = list(dist.glob("smartcity_reports-*.whl"))
    assert len(wheels) == 1, wheels
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    borrowed = dict.fromkeys(
        p for p in [sysconfig.get_paths()["purelib"], *sys.path] if p.endswith("site-packages") and Path(p).is_dir()
    )
    (site / "_borrowed_dependencies.pth").write_text("".join(f"{p}\n" for p in borrowed))
    # nbconvert's base templates are data files beside site-packages (<prefix>/share/jupyter/nbconvert)
    templates = next(t for p in borrowed if (t := Path(p).parents[2] / "share" / "jupyter" / "nbconvert").is_dir())
    (env_dir / "share" / "jupyter").mkdir(parents=True)
    (env_dir / "share" / "jupyter" / "nbconvert").symlink_to(templates)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", "--no-index", str(wheels[0])],
        check=True,
        timeout=300,
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "VIRTUAL_ENV", "SMARTCITY_DATA_DIR", "JUPYTER_PATH", "PYTHONHOME")
    }
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}/usr/local/bin{os.pathsep}/usr/bin{os.pathsep}/bin"
    # what `make` does for .venv: the notebooks' kernel "python3" is this venv's Python
    subprocess.run(
        [str(py), "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"],
        check=True,
        env=env,
        capture_output=True,
        timeout=120,
    )
    return env_dir, env


def _run(args: list[str], env: dict, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.mark.slow
def test_wheel_ships_everything_and_imports_from_the_fresh_venv(installed, tmp_path):
    env_dir, env = installed
    probe = (
        "import json, smartcity, smartcity.paths as p; from jupyter_client.kernelspec import KernelSpecManager;"
        "print(json.dumps([smartcity.__file__, str(p.DATA_DIR), str(p.NOTEBOOK_DIR),"
        " KernelSpecManager().get_kernel_spec('python3').argv[0]]))"
    )
    module, data_dir, notebook_dir, kernel_python = json.loads(
        _run([str(env_dir / "bin" / "python"), "-c", probe], env, tmp_path).stdout
    )
    for path in (module, data_dir, notebook_dir, kernel_python):
        assert Path(path).resolve().is_relative_to(env_dir.resolve()), path
    assert {"cities.csv", "indicators.csv", "editions.csv", "scores.csv"} <= {p.name for p in Path(data_dir).iterdir()}
    assert {"city_report.ipynb", "_template.ipynb"} <= {p.name for p in Path(notebook_dir).iterdir()}
    licence = list(env_dir.glob("lib/python*/site-packages/smartcity_reports-*.dist-info/licenses/LICENSE"))
    assert licence and "MIT License" in licence[0].read_text()

    version = _run([str(env_dir / "bin" / "smartcity-reports"), "--version"], env, tmp_path).stdout
    assert version.strip() == f"smartcity-reports {smartcity.__version__}"
    usage = _run([str(env_dir / "bin" / "python"), "-m", "smartcity", "--help"], env, tmp_path).stdout
    assert usage.startswith("usage: python -m smartcity ")


@pytest.mark.slow
def test_installed_cli_builds_krefeld_into_reports_of_the_working_directory(installed, tmp_path):
    env_dir, env = installed
    work = tmp_path / "anywhere"
    work.mkdir()
    _run(
        [str(env_dir / "bin" / "smartcity-reports"), "--city", "Krefeld", "--jobs", "1", "--progress", "plain"],
        env,
        work,
    )
    year_dir = work / "reports" / "2025"
    html = (year_dir / "staedte" / "krefeld.html").read_text(encoding="utf-8")
    assert "Platz 41" in html and "71,4" in html
    text = _pdf_text(year_dir / "staedte" / "krefeld.pdf")
    assert "Krefeld" in text and "Platz 41" in text
    assert (year_dir / "manifest.json").is_file() and (year_dir / "index.html").is_file()
    assert not list(env_dir.glob("lib/python*/site-packages/reports"))  # nothing written into the install


@pytest.mark.slow
def test_installed_nbconvert_exporter_renders_the_template_notebook(installed, tmp_path):
    env_dir, env = installed
    py = str(env_dir / "bin" / "python")
    notebook_dir = _run(
        [py, "-c", "from smartcity.paths import NOTEBOOK_DIR; print(NOTEBOOK_DIR)"], env, tmp_path
    ).stdout.strip()
    shutil.copy(Path(notebook_dir) / "_template.ipynb", tmp_path / "mein_bericht.ipynb")
    # `python -m nbconvert` is `jupyter nbconvert` (the borrowed dependencies bring no scripts)
    _run([py, "-m", "nbconvert", "--execute", "--to", "smartcity-pdf", "mein_bericht.ipynb"], env, tmp_path)
    text = _pdf_text(tmp_path / "mein_bericht.pdf")
    assert "NRW-Städte im Vergleich" in text and "Nordrhein-Westfalen" in text
    assert "Beispieldaten" in text and "Inhalt" in text
    assert "r = OverviewReport" not in text and "Copy this notebook" not in text  # no code, no analyst note
