"""Batch runner end to end on tiny fixture notebooks: execution, incremental cache, faults, Ctrl-C,
warm-kernel isolation, manifest, Dask and bundles.

The fixture notebooks (tests/fixtures/notebooks) only display Markdown and a small PNG, so a report
takes a fraction of a second; most runs set SMARTCITY_RUNNER_PRELOAD="" so the warm kernels start fast.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from smartcity.runner import cli
from smartcity.runner.fsutil import sha256_file

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
STANDARD = ["--notebook", "city", "--notebook", "category", "--notebook", "overview"]


@pytest.fixture(autouse=True)
def light_kernels(monkeypatch):
    monkeypatch.setenv("SMARTCITY_RUNNER_PRELOAD", "")


@pytest.fixture
def nbdir(tmp_path):
    """A private copy of the fixture notebooks (tests edit them)."""
    d = tmp_path / "notebooks"
    shutil.copytree(FIXTURES, d)
    return d


def run(out: Path, nbdir: Path, *args: str) -> tuple[int, dict]:
    """Run the CLI; return the exit code and the manifest of the language tree it wrote."""
    code = cli.main(["--notebook-dir", str(nbdir), "--out", str(out), "--jobs", "2", "--progress", "plain", *args])
    lang = args[args.index("--lang") + 1] if "--lang" in args else "de"
    year_dirs = sorted(p for p in out.iterdir() if p.is_dir() and p.name.isdigit()) if out.exists() else []
    manifest = {}
    if year_dirs:
        path = year_dirs[-1] / ("" if lang == "de" else lang) / "manifest.json"
        manifest = json.loads(path.read_text()) if path.exists() else {}
    return code, manifest


def statuses(manifest: dict) -> dict[str, str]:
    return {e["id"]: e["status"] for e in manifest["reports"]}


def no_partial_files(root: Path) -> bool:
    return not [p for p in root.rglob("*") if ".partial-" in p.name]


# ---------------------------------------------------------------------- build, formats, incremental
def test_build_then_skip_then_rebuild_on_changes(tmp_path, nbdir):
    out = tmp_path / "reports"
    sel = ["--city", "Krefeld", "--city", "Aachen", "--category", "Verwaltung", *STANDARD]
    code, m = run(out, nbdir, *sel, "--format", "html")
    assert code == 0
    year = m["year"]
    yd = out / str(year)
    assert statuses(m) == {
        "uebersicht": "built",
        "kategorien/verwaltung": "built",
        "staedte/aachen": "built",
        "staedte/krefeld": "built",
    }
    assert (yd / "staedte" / "krefeld.html").is_file() and not (yd / "staedte" / "krefeld.pdf").exists()
    assert (yd / "index.html").is_file() and (yd / "status.html").is_file() and no_partial_files(out)
    html = (yd / "staedte" / "krefeld.html").read_text()
    assert "Krefeld" in html

    # manifest contents
    from smartcity.dataset import load_dataset

    assert m["data"]["checksum"] == load_dataset().checksum and m["data"]["is_sample"] is True
    for key in ("python", "smartcity", "papermill", "pandas", "weasyprint"):
        assert m["versions"][key]
    entry = next(e for e in m["reports"] if e["id"] == "staedte/krefeld")
    assert entry["parameters"] == {"year": year, "data": None, "lang": "de", "city": "Krefeld"}
    assert entry["outputs"]["html"]["sha256"] == sha256_file(yd / "staedte" / "krefeld.html")
    assert entry["duration"] > 0 and entry["error"] is None

    # no change: everything up to date, fast, no kernels
    t0 = time.monotonic()
    code, m = run(out, nbdir, *sel, "--format", "html")
    assert code == 0 and set(statuses(m).values()) == {"up_to_date"}
    assert time.monotonic() - t0 < 3

    # a changed parameter (a peer group for the city reports) rebuilds those reports only
    code, m = run(out, nbdir, *sel, "--format", "html", "--peers", "Düsseldorf,Neuss")
    assert code == 0 and statuses(m) == {
        "uebersicht": "up_to_date",
        "kategorien/verwaltung": "up_to_date",
        "staedte/aachen": "built",
        "staedte/krefeld": "built",
    }
    assert next(e for e in m["reports"] if e["id"] == "staedte/krefeld")["parameters"]["peers"] == [
        "Düsseldorf",
        "Neuss",
    ]
    code, m = run(out, nbdir, *sel, "--format", "html")  # and back: rebuilt without the group
    assert statuses(m)["staedte/krefeld"] == "built" and statuses(m)["uebersicht"] == "up_to_date"

    # a changed notebook rebuilds its reports only
    nb = json.loads((nbdir / "category.ipynb").read_text())
    nb["cells"].append({"cell_type": "markdown", "id": "new-cell", "metadata": {}, "source": "Neu."})
    (nbdir / "category.ipynb").write_text(json.dumps(nb))
    code, m = run(out, nbdir, *sel, "--format", "html")
    assert statuses(m) == {
        "uebersicht": "up_to_date",
        "kategorien/verwaltung": "built",
        "staedte/aachen": "up_to_date",
        "staedte/krefeld": "up_to_date",
    }

    # a damaged output rebuilds; an extra format rebuilds; --force rebuilds everything
    (yd / "staedte" / "aachen.html").write_text("tampered")
    code, m = run(out, nbdir, *sel, "--format", "html")
    assert statuses(m)["staedte/aachen"] == "built" and statuses(m)["staedte/krefeld"] == "up_to_date"
    code, m = run(out, nbdir, "--city", "Krefeld", "--notebook", "city", "--format", "html,pdf")
    assert statuses(m)["staedte/krefeld"] == "built"
    assert (yd / "staedte" / "krefeld.pdf").read_bytes().startswith(b"%PDF")
    # entries of reports not selected this time are kept in the manifest and the index
    assert statuses(m)["staedte/aachen"] == "up_to_date"
    assert "aachen.html" in (yd / "status.html").read_text() and "aachen.html" in (yd / "index.html").read_text()
    code, m = run(out, nbdir, *sel, "--format", "html", "--force")
    assert set(statuses(m).values()) == {"built"}


def test_german_and_english_builds_coexist(tmp_path, nbdir):
    out = tmp_path / "reports"
    sel = ["--city", "Krefeld", "--category", "Verwaltung", *STANDARD, "--format", "html", "--bundle"]
    code, de = run(out, nbdir, *sel)
    assert code == 0 and set(statuses(de).values()) == {"built"}
    yd = out / str(de["year"])
    de_files = {p: sha256_file(p) for p in yd.rglob("*") if p.is_file()}

    code, en = run(out, nbdir, *sel, "--lang", "en")
    assert code == 0 and set(statuses(en).values()) == {"built"}
    ed = yd / "en"
    assert en["options"]["lang"] == "en" and de["options"]["lang"] == "de"
    for rel in (
        "staedte/krefeld.html",
        "kategorien/verwaltung.html",
        "uebersicht.html",
        "index.html",
        "status.html",
        "manifest.json",
        "pakete/krefeld.zip",
    ):
        assert (ed / rel).is_file(), rel
    assert "(en)" in (ed / "staedte" / "krefeld.html").read_text()
    assert "(de)" in (yd / "staedte" / "krefeld.html").read_text()
    assert '<html lang="en">' in (ed / "index.html").read_text()
    assert '<html lang="de">' in (yd / "index.html").read_text()
    # the English build left every German file alone but the portal and status pages, which now link to English
    pages = {yd / "index.html", yd / "status.html"}
    assert {p: sha256_file(p) for p in de_files if p not in pages} == {
        p: h for p, h in de_files.items() if p not in pages
    }
    assert 'href="en/index.html"' in (yd / "index.html").read_text()
    assert 'href="../index.html"' in (ed / "index.html").read_text()
    assert 'href="en/status.html"' in (yd / "status.html").read_text()
    assert all(e["parameters"]["lang"] == "de" for e in json.loads((yd / "manifest.json").read_text())["reports"])

    # a rerun of each language skips everything; neither flips the other's cache
    for args in (sel, [*sel, "--lang", "en"], sel):
        code, m = run(out, nbdir, *args)
        assert code == 0 and set(statuses(m).values()) == {"up_to_date"}, statuses(m)
    reports = {
        p: h
        for p, h in de_files.items()
        if p.suffix in (".html", ".zip") and p.name not in ("index.html", "status.html")
    }
    assert len(reports) == 4 and {p: sha256_file(p) for p in reports} == reports


def test_peers_from_the_command_line(tmp_path, nbdir):
    """``--peers`` reaches the notebook; without it the notebook's own default stands."""
    out = tmp_path / "reports"
    args = ["--notebook", "_peers", "--city", "Krefeld", "--city", "Neuss", "--format", "html", "--keep-notebooks"]
    code, m = run(out, nbdir, *args)
    assert code == 0 and set(statuses(m).values()) == {"built"}
    yd = out / str(m["year"])
    assert "Vergleichsgruppe: Bonn, Köln." in (yd / "vergleich" / "krefeld.html").read_text()
    kept = json.loads((yd / "_notebooks" / "vergleich__krefeld.ipynb").read_text())
    assert "peers" not in kept["metadata"]["papermill"]["parameters"]

    code, m = run(out, nbdir, *args, "--peers", "duesseldorf,Duisburg,neuss")
    assert code == 0 and set(statuses(m).values()) == {"built"}
    assert "Vergleichsgruppe: Düsseldorf, Duisburg, Neuss." in (yd / "vergleich" / "krefeld.html").read_text()
    assert "Vergleichsgruppe: Düsseldorf, Duisburg." in (yd / "vergleich" / "neuss.html").read_text()
    assert m["options"]["peers"] == ["duesseldorf", "Duisburg", "neuss"]
    kept = json.loads((yd / "_notebooks" / "vergleich__krefeld.ipynb").read_text())
    assert kept["metadata"]["papermill"]["parameters"]["peers"] == ["Düsseldorf", "Duisburg", "Neuss"]

    code, m = run(out, nbdir, *args, "--peers", "Düsseldorf,Duisburg,Neuss")  # same list: up to date
    assert code == 0 and set(statuses(m).values()) == {"up_to_date"}
    code, m = run(out, nbdir, *args, "--peers", "Düsseldorf")  # changed list: rebuilt
    assert set(statuses(m).values()) == {"built"}
    assert "Vergleichsgruppe: Düsseldorf." in (yd / "vergleich" / "krefeld.html").read_text()


def test_out_jobs_keep_notebooks_and_template_via_notebook_path(tmp_path, nbdir):
    out = tmp_path / "elsewhere"
    code = cli.main(
        [
            "--notebook-dir",
            str(nbdir),
            "--out",
            str(out),
            "--jobs",
            "1",
            "--progress",
            "plain",
            "--notebook",
            str(nbdir / "_slow.ipynb"),
            "--city",
            "Bonn",
            "--format",
            "html",
            "--keep-notebooks",
        ]
    )
    assert code == 0
    m = json.loads(next(out.glob("*/manifest.json")).read_text())
    assert statuses(m) == {"langsam/bonn": "built"}
    assert m["options"]["jobs"] == 1
    kept = next(out.glob("*/_notebooks/langsam__bonn.ipynb"))
    nb = json.loads(kept.read_text())
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1 and 'city = "Bonn"' in "".join(injected[0]["source"])
    assert nb["metadata"]["papermill"]["parameters"]["city"] == "Bonn"
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1))


# ---------------------------------------------------------------------- faults
def test_failures_timeouts_and_dead_kernels_do_not_stop_the_batch(tmp_path, nbdir):
    out = tmp_path / "reports"
    code, m = run(
        out,
        nbdir,
        "--city",
        "Krefeld",
        "--city",
        "Aachen",
        "--notebook",
        "city",
        "--notebook",
        str(nbdir / "_fail.ipynb"),
        "--notebook",
        str(nbdir / "_hang.ipynb"),
        "--notebook",
        str(nbdir / "_die.ipynb"),
        "--timeout",
        "6",
        "--format",
        "html",
    )
    assert code == 1
    st = statuses(m)
    assert st == {
        "staedte/krefeld": "built",
        "staedte/aachen": "built",
        "fehler/krefeld": "failed",
        "fehler/aachen": "built",
        "absturz/krefeld": "failed",
        "absturz/aachen": "built",
        "haengt/uebersicht": "timeout",
    }
    yd = out / str(m["year"])
    by_id = {e["id"]: e for e in m["reports"]}
    err = by_id["fehler/krefeld"]["error"]
    assert (err["ename"], err["message"]) == ("ValueError", "kaputt: Krefeld")
    nb = json.loads((yd / "_failed" / "fehler__krefeld.ipynb").read_text())
    failing = [c for c in nb["cells"] if "raise ValueError" in "".join(c["source"])]
    assert failing and failing[0]["outputs"][-1]["ename"] == "ValueError"
    assert any("papermill-error-cell-tag" in c["metadata"].get("tags", []) for c in nb["cells"])
    assert by_id["absturz/krefeld"]["error"]["ename"] == "DeadKernelError"
    assert "os._exit" in by_id["absturz/krefeld"]["error"]["source"]
    assert by_id["haengt/uebersicht"]["error"]["ename"] == "Timeout"
    assert "time.sleep" in by_id["haengt/uebersicht"]["error"]["source"]
    for rid in ("fehler/krefeld", "absturz/krefeld", "haengt/uebersicht"):
        assert not (yd / f"{rid}.html").exists()
        assert (yd / "_failed" / f"{rid.replace('/', '__')}.ipynb").is_file()
    assert no_partial_files(out)
    assert "kaputt: Krefeld" in (yd / "status.html").read_text()


def test_no_state_leaks_between_reports_on_one_warm_kernel(tmp_path, nbdir, monkeypatch):
    monkeypatch.delenv("SMARTCITY_RUNNER_PRELOAD")  # the real warm-up: pandas, matplotlib, seaborn, smartcity
    out = tmp_path / "reports"
    code = cli.main(
        [
            "--notebook-dir",
            str(nbdir),
            "--out",
            str(out),
            "--jobs",
            "1",
            "--progress",
            "plain",
            "--format",
            "html",
            "--keep-notebooks",
            "--notebook",
            str(nbdir / "_leak_set.ipynb"),
            "--notebook",
            str(nbdir / "_leak_check.ipynb"),
            "--notebook",
            str(nbdir / "_leak_check.ipynb"),
        ]
    )
    m = json.loads(next(out.glob("*/manifest.json")).read_text())
    by_id = {e["id"]: e for e in m["reports"]}
    assert by_id["leck-setzen/uebersicht"]["status"] == "built"
    assert by_id["leck-pruefen/uebersicht"]["status"] == "built", by_id["leck-pruefen/uebersicht"]["error"]
    assert by_id["leck-setzen/uebersicht"]["worker"] == by_id["leck-pruefen/uebersicht"]["worker"]
    assert code == 0


def test_leak_check_notebook_detects_leaks_without_reset(tmp_path):
    """Control for the test above: on a kernel that is *not* reset the check notebook fails."""
    from smartcity.runner.kernel import DEFAULT_PRELOAD, WarmKernel, prepare_notebook

    k = WarmKernel(preload=DEFAULT_PRELOAD)
    k.start()
    try:
        params = {"year": 2025, "data": None, "lang": "de"}
        first = k.execute(prepare_notebook((FIXTURES / "_leak_set.ipynb").read_text(), params), timeout=60)
        assert first.status == "ok"
        k._dirty = False  # skip the reset
        second = k.execute(prepare_notebook((FIXTURES / "_leak_check.ipynb").read_text(), params), timeout=60)
        assert second.status == "failed" and "state leaked" in second.error["message"]
        for leak in ("variable", "rcParams", "statistics.mean", "class attribute", "environment"):
            assert leak in second.error["message"]
        k._dirty = True  # now with the reset
        third = k.execute(prepare_notebook((FIXTURES / "_leak_check.ipynb").read_text(), params), timeout=60)
        assert third.status == "ok", third.error
    finally:
        k.shutdown()


def _kernel_processes(marker: str) -> list:
    import psutil

    found = []
    for p in psutil.process_iter(["pid", "cmdline"]):
        try:
            if (
                p.info["cmdline"]
                and "ipykernel_launcher" in " ".join(p.info["cmdline"])
                and p.environ().get("SMARTCITY_TEST_MARKER") == marker
            ):
                found.append(p)
        except (psutil.Error, OSError):
            pass
    return found


def test_ctrl_c_stops_cleanly_and_the_next_run_continues(tmp_path, nbdir):
    out = tmp_path / "reports"
    marker = f"interrupt-{os.getpid()}-{time.time()}"
    env = dict(os.environ, SMARTCITY_RUNNER_PRELOAD="", SMARTCITY_TEST_MARKER=marker, PYTHONUNBUFFERED="1")
    cmd = [
        sys.executable,
        str(ROOT / "run_reports.py"),
        "--notebook-dir",
        str(nbdir),
        "--out",
        str(out),
        "--notebook",
        str(nbdir / "_slow.ipynb"),
        "--jobs",
        "2",
        "--format",
        "html",
        "--progress",
        "plain",
    ]
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # Ctrl-C as in a terminal: a test process (an xdist worker) may ignore SIGINT, and an ignored
        # SIGINT is inherited, which once let the build run to the end
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines = []
    try:
        for line in proc.stdout:  # wait until a few reports are done
            lines.append(line)
            if sum("built" in ln and "/" in ln for ln in lines) >= 4:
                break
        assert proc.poll() is None, "".join(lines)
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, "".join(lines) + rest
    assert "Interrupted" in rest
    assert no_partial_files(out)
    time.sleep(1.5)
    assert not _kernel_processes(marker)
    yd = next(out.glob("2*"))
    m = json.loads((yd / "manifest.json").read_text())
    from smartcity.runner.datainfo import load_info

    n_cities = len(load_info(None, None).cities_of(int(yd.name)))
    done = {e["id"] for e in m["reports"] if e["status"] == "built"}
    assert 4 <= len(done) < n_cities
    for e in m["reports"]:  # every recorded output is complete
        for o in e["outputs"].values():
            assert sha256_file(yd / o["path"]) == o["sha256"]
    # the next run continues where the first stopped
    proc2 = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert proc2.returncode == 0, proc2.stdout + proc2.stderr
    m2 = json.loads((yd / "manifest.json").read_text())
    st = statuses(m2)
    assert all(st[i] == "up_to_date" for i in done), {i: st[i] for i in done}
    assert set(st.values()) <= {"built", "up_to_date"} and len(st) == n_cities
    assert len(list(yd.glob("langsam/*.html"))) == n_cities


# ---------------------------------------------------------------------- Dask and bundles
def test_dask_local_cluster(tmp_path, nbdir):
    pytest.importorskip("distributed")
    out = tmp_path / "reports"
    code, m = run(
        out,
        nbdir,
        "--executor",
        "dask",
        "--city",
        "Krefeld",
        "--city",
        "Aachen",
        "--notebook",
        "city",
        "--notebook",
        "overview",
        "--notebook",
        str(nbdir / "_fail.ipynb"),
        "--format",
        "html,pdf",
    )
    assert code == 1
    assert statuses(m) == {
        "uebersicht": "built",
        "staedte/aachen": "built",
        "staedte/krefeld": "built",
        "fehler/aachen": "built",
        "fehler/krefeld": "failed",
    }
    yd = out / str(m["year"])
    assert (yd / "staedte" / "krefeld.pdf").read_bytes().startswith(b"%PDF")
    assert m["options"]["executor"] == "dask" and m["versions"].get("distributed")
    workers = {e["worker"] for e in m["reports"]}
    assert all(w and str(os.getpid()) not in w for w in workers)  # rendered in the workers, not here
    assert json.loads((yd / "_failed" / "fehler__krefeld.ipynb").read_text())["cells"]


def test_existing_dask_cluster_by_address(tmp_path, nbdir):
    distributed = pytest.importorskip("distributed")
    out = tmp_path / "reports"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        code, m = run(out, nbdir, "--executor", address, "--city", "Krefeld", "--notebook", "city", "--format", "html")
    assert code == 0
    assert statuses(m) == {"staedte/krefeld": "built"}
    assert m["options"]["executor"] == address
    assert (out / str(m["year"]) / "staedte" / "krefeld.html").read_text(encoding="utf-8").startswith("<!DOCTYPE")


def test_bundle_per_city(tmp_path, nbdir):
    out = tmp_path / "reports"
    code, m = run(out, nbdir, "--city", "Krefeld", "--city", "Köln", "--notebook", "city", "--bundle")
    assert code == 0
    yd = out / str(m["year"])
    from smartcity.dataset import load_dataset

    scores = load_dataset().scores
    for slug, name in (("krefeld", "Krefeld"), ("koeln", "Köln")):
        zpath = yd / "pakete" / f"{slug}.zip"
        with zipfile.ZipFile(zpath) as zf:
            names = set(zf.namelist())
            assert {f"{slug}.pdf", f"{slug}.html", f"{slug}-werte.csv", "README.txt"} <= names
            assert zf.read(f"{slug}.pdf") == (yd / "staedte" / f"{slug}.pdf").read_bytes()
            text = zf.read(f"{slug}-werte.csv").decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
        assert {"year", "city", "level", "score", "rank"} <= set(rows[0])
        expected = scores[(scores["year"] == m["year"]) & (scores["city"] == name)]
        assert len(rows) == len(expected) > 0
        assert {r["city"] for r in rows} == {name} and {r["year"] for r in rows} == {str(m["year"])}
        entry = next(e for e in m["reports"] if e["id"] == f"staedte/{slug}")
        assert entry["bundle"]["sha256"] == sha256_file(zpath)
    assert "pakete/krefeld.zip" in (yd / "status.html").read_text()
    # unchanged: the zip is not rewritten
    before = (yd / "pakete" / "krefeld.zip").stat().st_mtime_ns
    code, m = run(out, nbdir, "--city", "Krefeld", "--notebook", "city", "--bundle")
    assert code == 0 and (yd / "pakete" / "krefeld.zip").stat().st_mtime_ns == before
