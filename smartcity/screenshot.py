"""Regenerate the README images: the first pages of the Krefeld 2025 report (docs/krefeld-2025.png)
and the 2025 portal page (docs/portal-2025.png, headless Chromium).

    python -m smartcity.screenshot            (or: make screenshot; does both)
    python -m smartcity.screenshot portal     only the portal
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from smartcity.paths import REPO_ROOT

OUTPUT = REPO_ROOT / "docs" / "krefeld-2025.png"
PORTAL_OUTPUT = REPO_ROOT / "docs" / "portal-2025.png"


def _build(out: Path, *options: str) -> None:
    """Build reports into ``out`` with the batch runner, quietly."""
    cmd = [sys.executable, str(REPO_ROOT / "run_reports.py"), *options, "--out", str(out), "--progress", "none"]
    subprocess.run(cmd, check=True)


def _save(image: Image.Image, target: Path) -> None:
    """Write the PNG next to its target, then rename: the README never shows half an image."""
    tmp_png = target.with_suffix(".tmp.png")
    image.save(tmp_png, optimize=True)
    tmp_png.replace(target)
    print(f"wrote {target}")


def main(pages: int = 3, dpi: int = 45) -> int:
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is missing: install poppler-utils (make does this)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        _build(out, "--city", "Krefeld", "--year", "2025", "--notebook", "city_report", "--format", "pdf")
        pdf = out / "2025" / "staedte" / "krefeld.pdf"
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", str(pages + 1), str(pdf), str(out / "p")], check=True
        )
        images = [Image.open(p).convert("RGB") for p in sorted(out.glob("p-*.png"))]
        # cover, "Auf einen Blick" and the first body page; not the contents page (page 3)
        images = images[:2] + images[3 : pages + 1]
        w, h = images[0].size
        sheet = Image.new("RGB", (w * len(images) + 10 * (len(images) - 1), h), "white")
        for i, im in enumerate(images):
            sheet.paste(im, (i * (w + 10), 0))
        _save(sheet, OUTPUT)
    return 0


def portal(width: int = 1280, height: int = 1500) -> int:
    """The 2025 portal with Krefeld's report and the example publisher config, compare view open."""
    chromium = next(
        (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None
    )
    if chromium is None:
        print("chromium is missing: install it (make does this)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        config = str(REPO_ROOT / "docs" / "examples" / "report.toml")
        _build(
            out,
            "--year",
            "2024,2025",
            "--city",
            "Krefeld",
            "--notebook",
            "city_report",
            "--format",
            "html",
            "--config",
            config,
        )
        page = (out / "2025" / "index.html").as_uri() + "#vergleich=krefeld,duesseldorf,duisburg"
        shot = out / "portal.png"
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={out / 'profile'}",
                f"--window-size={width},{height}",
                f"--screenshot={shot}",
                page,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        image = Image.open(shot).convert("RGB")
        image = image.resize((width * 3 // 4, height * 3 // 4), Image.Resampling.LANCZOS)
        _save(image, PORTAL_OUTPUT)
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["portal"]:
        sys.exit(portal())
    sys.exit(main() or portal())
