"""Conventions of the ecosystem: the command line, the version, papermill's parameter help, sections outside Jupyter."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import tomllib

import pandas as pd
import pytest
from IPython.lib.pretty import pretty
from papermill import inspect_notebook

import smartcity
from smartcity.paths import NOTEBOOK_DIR, REPO_ROOT
from smartcity.report import Heading, Markdown, Table
from smartcity.runner import cli

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


# ----------------------------------------------------------------------------- version, metadata, changelog
def test_version_is_written_once_and_read_by_the_build_backend():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["name"] == smartcity.DISTRIBUTION == "smartcity-reports"
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"]["path"] == "smartcity/__init__.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+|rc\d+)?", smartcity.__version__)
    assert project["project"]["license"] == "MIT" and (REPO_ROOT / "LICENSE").read_text().startswith("MIT License")
    assert project["project"]["classifiers"] and project["project"]["urls"]


def test_changelog_keeps_a_changelog_and_names_this_version():
    text = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "https://keepachangelog.com/en/1.1.0/" in text
    headings = re.findall(r"^## \[([^\]]+)\]", text, re.M)
    assert headings[0] == "Unreleased" and "0.1.0" in headings
    # a development version collects its changes under Unreleased; a release has its own heading
    if ".dev" not in smartcity.__version__:
        assert headings[1] == smartcity.__version__
    for section in re.findall(r"^### (\w+)", text, re.M):
        assert section in {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}, section


# ----------------------------------------------------------------------------- command line
def test_version_option_prints_the_distribution_and_version():
    proc = subprocess.run(
        [sys.executable, "-m", "smartcity", "--version"], capture_output=True, text=True, timeout=60, check=True
    )
    name, version = proc.stdout.split()[:2]
    assert name == "smartcity-reports" and version == smartcity.__version__


@pytest.mark.parametrize(
    "argv0, prog",
    [
        ("/usr/local/bin/smartcity-reports", "smartcity-reports"),
        ("run_reports.py", "run_reports.py"),
        ("/x/site-packages/smartcity/__main__.py", "python -m smartcity"),
    ],
)
def test_program_name_is_the_command_typed(argv0, prog):
    assert cli.program_name(argv0) == prog
    parser = cli.build_parser(cli.program_name(argv0))
    assert parser.format_usage().startswith(f"usage: {prog} ")
    assert f"  {prog} --city Krefeld --city Köln" in parser.format_help()


def test_python_dash_m_smartcity_is_the_cli():
    proc = subprocess.run(
        [sys.executable, "-m", "smartcity", "--city", "Krefld"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("python -m smartcity: error: unknown city 'Krefld'")


@pytest.mark.parametrize(
    "flags, runner, libraries",
    [
        ([], logging.INFO, logging.WARNING),
        (["-v"], logging.DEBUG, logging.WARNING),
        (["-vv"], logging.DEBUG, logging.DEBUG),
        (["-q"], logging.WARNING, logging.WARNING),
        (["-qq"], logging.ERROR, logging.WARNING),
    ],
)
def test_quiet_and_verbose_set_log_levels(flags, runner, libraries, monkeypatch):
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    monkeypatch.setattr(logging.getLogger(), "level", logging.WARNING)
    monkeypatch.setattr(logging.getLogger("smartcity"), "level", logging.NOTSET)
    args = cli.build_parser("smartcity-reports").parse_args(flags)
    assert cli.configure_logging(args.verbose, args.quiet) == runner
    assert logging.getLogger("smartcity.runner").getEffectiveLevel() == runner
    assert logging.getLogger("papermill").getEffectiveLevel() == libraries


def test_quiet_and_verbose_exclude_each_other(capsys):
    with pytest.raises(SystemExit):
        cli.build_parser("smartcity-reports").parse_args(["-q", "-v"])
    assert "not allowed with argument" in capsys.readouterr().err


# ----------------------------------------------------------------------------- papermill
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_papermill_help_lists_every_parameter_with_type_and_help(path):
    params = inspect_notebook(str(path))
    assert {"year", "data", "lang"} <= set(params)
    for name, p in params.items():
        assert p["inferred_type_name"] not in ("None", ""), f"{path.name}: {name} has no type"
        assert p["help"], f"{path.name}: {name} has no help"
    types = {name: p["inferred_type_name"] for name, p in params.items()}
    assert types["year"] == "Optional[int]" and types["data"] == "Union[str, list[str], None]"
    assert types["lang"] == "str"


def test_papermill_help_notebook_command():
    proc = subprocess.run(
        [sys.executable, "-m", "papermill", "--help-notebook", str(NOTEBOOK_DIR / "city_report.ipynb")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Unknown type" not in proc.stdout
    assert "city: str (default \"Krefeld\")" in proc.stdout
    assert "peers: Optional[list[str]] (default None)" in proc.stdout


# ----------------------------------------------------------------------------- sections outside Jupyter
def test_sections_show_their_text_in_terminal_ipython_and_print():
    text = Markdown("## Gesamtergebnis\n\nKrefeld belegt Platz 41.")
    assert pretty(text) == str(text) == text._repr_markdown_() == "## Gesamtergebnis\n\nKrefeld belegt Platz 41."
    head = Heading("Rangliste", "Alle Städte der Kategorie.")
    assert pretty(head) == head._repr_markdown_() == "## Rangliste\n\nAlle Städte der Kategorie."


def test_table_as_markdown_has_the_report_formatting():
    frame = pd.DataFrame(
        {
            "rank": [1, 41],
            "city": ["München", "A|B"],
            "score": [85.63, 71.4],
            "rank_change": pd.array([0, 2], dtype="Int64"),
        }
    )
    table = Table(frame, "de", caption="Gesamtwertung")
    assert (
        str(table)
        == pretty(table)
        == table._repr_markdown_()
        == (
            "Gesamtwertung\n\n"
            "| Platz | Stadt | Punkte | Veränderung (Plätze) |\n"
            "| ---: | :--- | ---: | ---: |\n"
            "| 1 | München | 85,6 | ±0 |\n"
            "| 41 | A\\|B | 71,4 | +2 |"
        )
    )
    assert "<td class=\"num\">85,6</td>" in table._repr_html_()
    english = Table(frame, "en")._repr_markdown_()
    assert english.startswith("| Rank | City | Points | Rank change |") and "85.6" in english


def test_readme_install_line_uses_the_distribution_name():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install smartcity-reports" in readme
