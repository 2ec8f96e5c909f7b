"""Regenerate docs/krefeld-2025.png: the first pages of the Krefeld 2025 report, for the README.

    python -m smartcity.screenshot      (or: make screenshot)
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


def main(pages: int = 3, dpi: int = 45) -> int:
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is missing: install poppler-utils (make does this)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        subprocess.run([sys.executable, str(REPO_ROOT / "run_reports.py"), "--city", "Krefeld", "--year", "2025",
                        "--notebook", "city_report", "--format", "pdf", "--out", str(out), "--progress", "none"],
                       check=True)
        pdf = out / "2025" / "staedte" / "krefeld.pdf"
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", str(pages + 1), str(pdf), str(out / "p")],
                       check=True)
        images = [Image.open(p).convert("RGB") for p in sorted(out.glob("p-*.png"))]
        images = [images[0]] + images[2:pages + 1]  # cover and body pages, not the contents page
        w, h = images[0].size
        sheet = Image.new("RGB", (w * len(images) + 10 * (len(images) - 1), h), "white")
        for i, im in enumerate(images):
            sheet.paste(im, (i * (w + 10), 0))
        tmp_png = OUTPUT.with_suffix(".tmp.png")
        sheet.save(tmp_png, optimize=True)
        tmp_png.replace(OUTPUT)
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
