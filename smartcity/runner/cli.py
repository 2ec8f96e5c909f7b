"""Command line of the batch runner: ``python run_reports.py`` / ``smartcity-reports``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from importlib import metadata
from pathlib import Path

from smartcity import DISTRIBUTION, __version__, paths
from smartcity.runner.history import HistoryBuild, HistoryResult
from smartcity.runner.build import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, Build, BuildResult, Options, UsageError
from smartcity.runner.planning import LANGS

log = logging.getLogger("smartcity")

DESCRIPTION = """\
Build the Smart City Index reports: one report per city of the edition, one per category and the
national overview, as HTML and PDF, plus reports/<year>/index.html and reports/<year>/manifest.json.
German reports go to reports/<year>/, English ones (--lang en) to their own tree reports/<year>/en/.

Without options every report of the latest edition is built from the bundled sample data.
Reports whose inputs did not change since the last run are skipped (see --force).
"""

#: (arguments, what they do) shown under "examples:" in --help, after the program name as typed
EXAMPLES = [
    ("", "every report of the latest edition"),
    ("--city Krefeld --city Köln", "two city reports only"),
    ("--category Mobilität", "one category report"),
    ('--city Krefeld --peers "Düsseldorf,Duisburg,Neuss"', "Krefeld compared with a fixed peer group"),
    ("--notebook city_report.ipynb --city Krefeld", ""),
    ("--notebook mein_bericht.ipynb --city Krefeld", "your own notebook (copy of the bundled _template.ipynb)"),
    ("--year all --lang de,en", "every edition in both languages, one portal -> reports/index.html ..."),
    (
        "--city Krefeld --config docs/examples/report.toml --format pdf,summary",
        "the city's own branded report and its one-page summary",
    ),
    ("--year 2024 --format html --lang en --out /tmp/reports", "-> /tmp/reports/2024/en/staedte/krefeld.html ..."),
    ("--data meine_daten.xlsx --jobs 4 --bundle", ""),
    ("--data tabellen/ --year 2025", "every CSV/XLSX in tabellen/; tables without a year are 2025"),
    ("--data bitkom_2025.xlsx --data krefeld_indikatoren_2025.csv --history published", ""),
    ("--executor dask", "same batch on a local Dask cluster"),
    ("--executor tcp://10.0.0.5:8786", ""),
    ("-q", "only warnings and failed reports"),
]

EPILOG = """\
exit codes: 0 every report built, up to date or skipped because the data holds nothing for it
            (listed with the reason), 1 some report failed or timed out,
            2 usage error (unknown city, year not in the data ...), 130 interrupted (Ctrl-C)
"""


def _csv_list(value: str) -> list[str]:
    return [v.strip().lower() for v in value.split(",") if v.strip()]


def _name_list(value: str) -> list[str]:
    """Comma-separated names, case kept (``"Düsseldorf, Duisburg,Neuss"``)."""
    return [v.strip() for v in value.split(",") if v.strip()]


def _example(prog: str, args: str, note: str, column: int = 52) -> str:
    command = f"  {prog} {args}".rstrip()
    if not note:
        return command + "\n"
    if len(command) < column - 1:
        return f"{command:<{column}}{note}\n"
    return f"{command}\n{'':<{column}}{note}\n"


def program_name(argv0: str | None = None) -> str:
    """The command as the user typed it: ``smartcity-reports``, ``run_reports.py`` or ``python -m smartcity``."""
    name = os.path.basename(sys.argv[0] if argv0 is None else argv0)
    if name in ("__main__.py", "", "-c"):
        return "python -m smartcity"
    return name


def version_text() -> str:
    """``smartcity-reports 0.2.0``: the installed distribution's metadata; the package's own
    ``__version__`` when running from a checkout that is not installed."""
    try:
        version = metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        version = f"{__version__} (not installed)"
    return f"{DISTRIBUTION} {version}"


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    prog = prog or program_name()
    epilog = "examples:\n" + "".join(_example(prog, args, note) for args, note in EXAMPLES) + "\n" + EPILOG
    p = argparse.ArgumentParser(
        prog=prog, description=DESCRIPTION, epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--version",
        action="version",
        version=version_text(),
        help=f"print the installed version and exit, e.g. {prog} --version",
    )
    noise = p.add_mutually_exclusive_group()
    noise.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="more messages: -v the runner's debug log, -vv also the libraries' (papermill, "
        "nbclient ...), e.g. -v --city Krefeld",
    )
    noise.add_argument(
        "-q",
        "--quiet",
        action="count",
        default=0,
        help="fewer messages: -q only warnings and failed reports (no progress display), -qq only errors, e.g. -q",
    )
    sel = p.add_argument_group("what to build")
    sel.add_argument(
        "--year",
        metavar="YEAR|LIST|all",
        help="edition to build (default: the latest edition in the data); several "
        "comma-separated, or all: every edition into one site with one portal; a single "
        "edition is also the edition of every --data table that names no year, "
        "e.g. --year 2024 or --year all",
    )
    sel.add_argument(
        "--city",
        action="append",
        default=[],
        metavar="NAME",
        help="only this city's reports; repeatable; official name, slug or alias, e.g. "
        "--city Krefeld --city muenchen. An unknown name fails at once with suggestions",
    )
    sel.add_argument(
        "--category",
        action="append",
        default=[],
        metavar="NAME",
        help="only this category's reports; repeatable; German/English name or slug, e.g. --category Mobilität",
    )
    sel.add_argument(
        "--peers",
        metavar="LIST",
        help="fixed peer group for every city report built, comma-separated; names as for "
        "--city (an unknown name fails at once with suggestions); a city is left out of "
        "its own list. Without --peers the notebook's own peers default applies, e.g. "
        "--city Krefeld --peers \"Düsseldorf,Duisburg,Neuss\"",
    )
    sel.add_argument(
        "--notebook",
        action="append",
        default=[],
        metavar="NAME|PATH",
        help="only reports of this notebook: a name or slug from notebooks/ (templates "
        "included), a file name there (city_report.ipynb) or a path to any report "
        "notebook; repeatable, e.g. --notebook notebooks/_template.ipynb",
    )
    sel.add_argument(
        "--format",
        default="html,pdf",
        metavar="LIST",
        help="output formats, comma-separated (default: html,pdf); summary: the one-page "
        "'Auf einen Blick' PDF of each city report (staedte/<city>-kurzfassung.pdf), "
        "e.g. --format html or --format summary --city Krefeld",
    )
    sel.add_argument(
        "--config",
        metavar="FILE",
        help="publisher settings (office, logo, accent colour, contact, foreword, imprint) "
        "for cover, page footer, PDF metadata and HTML; see docs/publisher.md, e.g. "
        "--config docs/examples/report.toml",
    )
    sel.add_argument(
        "--lang",
        default="de",
        metavar="de|en|de,en",
        help="report language (default: de); English reports get their own tree "
        "reports/<year>/en/ with its own portal and manifest; de,en builds both, "
        "e.g. --lang en or --year all --lang de,en",
    )
    sel.add_argument(
        "--data",
        action="append",
        metavar="PATH",
        help="score data to use instead of the bundled sample: a file (any format the loaders "
        "accept) or a folder (every CSV/XLSX file in it); repeatable, all files are merged "
        "(the same figure with two different values is an error), e.g. --data bitkom_2025.xlsx "
        "--data krefeld_indikatoren_2025.csv",
    )
    sel.add_argument(
        "--history",
        choices=("none", "published"),
        default="none",
        help="published: the bundled published figures (with their sources) fill editions and "
        "tables your --data lacks, marked as such in each report's data note "
        "(default: none), e.g. --data bitkom_2025.csv --history published",
    )
    sel.add_argument(
        "--out",
        metavar="DIR",
        help="output root; reports go to DIR/<year>/, English ones to DIR/<year>/en/ "
        "(default: ./reports in the working directory), e.g. --out /tmp/reports",
    )
    sel.add_argument(
        "--bundle",
        action="store_true",
        help="also write per city a zip with its PDF, HTML and a CSV of its figures "
        "(reports/<year>/pakete/<city>.zip), e.g. --bundle --city Krefeld",
    )

    run = p.add_argument_group("how to build")
    run.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help=f"parallel workers, each with one warm kernel (default: number of cores, "
        f"here {os.cpu_count()}), e.g. --jobs 2",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="rebuild every selected report even if it is up to date, e.g. --force --city Krefeld",
    )
    run.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="per-report time limit; a hung kernel is killed (default: 600, 0 = none), e.g. --timeout 120",
    )
    run.add_argument(
        "--executor",
        default="local",
        metavar="local|dask|tcp://HOST:PORT",
        help="local: worker processes on this machine (default); dask: a local "
        "dask.distributed cluster; tcp://HOST:PORT: an existing Dask scheduler, e.g. "
        "--executor tcp://127.0.0.1:8786",
    )
    run.add_argument(
        "--keep-notebooks",
        action="store_true",
        help="keep every executed notebook in reports/<year>/_notebooks/ (failed ones are "
        "always kept in reports/<year>/_failed/), e.g. --keep-notebooks --city Krefeld",
    )
    run.add_argument(
        "--notebook-dir",
        metavar="DIR",
        help=f"directory searched for report notebooks (default: the bundled notebooks, "
        f"{paths.NOTEBOOK_DIR}), e.g. --notebook-dir tests/fixtures/notebooks",
    )
    run.add_argument(
        "--progress",
        choices=("auto", "rich", "plain", "none"),
        default="auto",
        help="progress display: rich bar on a terminal, plain log lines otherwise (default: auto), e.g. --progress plain",
    )
    run.add_argument(
        "--recycle-after",
        type=int,
        default=50,
        metavar="N",
        help="replace a worker's kernel after N reports (default: 50), e.g. --recycle-after 20",
    )
    return p


def options_from_args(args: argparse.Namespace) -> tuple[Options, list[int] | None, list[str]]:
    """The build options, and the editions (see :func:`parse_years`) and languages asked for, parsed
    once: :func:`main` hands them to a :class:`HistoryBuild` when they make more than one tree."""
    executor = args.executor.strip()
    if executor not in ("local", "dask") and not executor.startswith(("tcp://", "tls://", "ucx://")):
        raise UsageError(f"--executor must be local, dask or tcp://HOST:PORT, not {executor!r}")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    peers = None
    if args.peers is not None:
        peers = _name_list(args.peers)
        if not peers:
            raise UsageError('--peers needs at least one city name, e.g. --peers "Düsseldorf,Duisburg,Neuss"')
    years, langs = parse_years(args.year), parse_langs(args.lang)
    opts = Options(
        year=years[0] if years and len(years) == 1 else None,
        cities=args.city,
        categories=args.category,
        notebooks=args.notebook,
        formats=tuple(dict.fromkeys(_csv_list(args.format))),  # build.check_formats: one check for every entry point
        lang=langs[0],
        peers=peers,
        data=args.data or None,
        history=args.history,
        out=Path(args.out) if args.out else None,
        jobs=args.jobs,
        force=args.force,
        timeout=args.timeout if args.timeout and args.timeout > 0 else None,
        executor=executor,
        keep_notebooks=args.keep_notebooks,
        bundle=args.bundle,
        notebook_dir=Path(args.notebook_dir) if args.notebook_dir else None,
        progress=args.progress,
        recycle_after=max(1, args.recycle_after),
        config=args.config,
    )
    return opts, years, langs


def configure_logging(verbose: int = 0, quiet: int = 0) -> int:
    """-v/-q to log levels: the runner's own messages at INFO by default, DEBUG with -v, WARNING with -q,
    ERROR with -qq; the libraries' messages at WARNING, DEBUG with -vv. Returns the runner's level."""
    level = (
        {0: logging.INFO, 1: logging.WARNING}.get(quiet, logging.ERROR)
        if quiet
        else (logging.DEBUG if verbose else logging.INFO)
    )
    logging.basicConfig(
        level=logging.DEBUG if verbose > 1 else logging.WARNING,
        format="%(name)s: %(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("smartcity").setLevel(level)
    return level


def parse_years(value: str | None) -> list[int] | None:
    """``None`` (latest), ``[]`` (all editions) or the listed editions."""
    if value is None:
        return None
    if value.strip().lower() in ("all", "alle"):
        return []
    years = []
    for part in _csv_list(value):
        if not part.isdigit() or len(part) != 4:
            raise UsageError(
                f"--year: {part!r} is not an edition; use e.g. --year 2024, --year 2023,2024 or --year all"
            )
        years.append(int(part))
    if not years:
        raise UsageError("--year needs an edition, e.g. --year 2024 or --year all")
    return list(dict.fromkeys(years))


def parse_langs(value: str) -> list[str]:
    langs = list(LANGS) if value.strip().lower() == "all" else list(dict.fromkeys(_csv_list(value)))
    bad = [lang for lang in langs if lang not in LANGS]
    if bad or not langs:
        choices = ", ".join(LANGS)
        raise UsageError(
            f"--lang: unknown language {', '.join(bad) or repr(value)} (choose {choices} or several, e.g. {','.join(LANGS)})"
        )
    return langs


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = configure_logging(args.verbose, args.quiet)
    if level > logging.INFO and args.progress == "auto":
        args.progress = "none"
    try:
        opts, years, langs = options_from_args(args)
        result: BuildResult | HistoryResult
        if (years is not None and len(years) != 1) or len(langs) > 1:
            # years: None = the latest edition (e.g. --lang de,en alone), [] = every edition
            result = HistoryBuild(opts, years, langs).run()
        else:
            result = Build(opts).run()
    except UsageError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    if result.exit_code == EXIT_FAILED and args.progress == "none":
        # the summary went nowhere: the failures still have to be told
        for entry in result.entries:
            if entry.get("status") in ("failed", "timeout"):
                err = entry.get("error") or {}
                log.error("%s [%s] %s: %s", entry.get("id"), entry["status"], err.get("ename"), err.get("message"))
    return result.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
