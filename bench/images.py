"""Image benchmark: accept a 24-megapixel JPEG and make every rendition, against plain Pillow.

    .venv/bin/python bench/images.py

Builds a 6000×4000 JPEG (with EXIF GPS) in memory, then measures in this run:
  * the site: showcase.media.images.add_image (checks, orientation, metadata stripped,
    master kept or re-encoded, renditions 320/640/1024/1600 in WebP and JPEG, stored);
  * the baseline: plain Pillow open → resize → save of the same outputs (same widths and formats),
    with nothing else.
Each in a fresh child process, so its peak memory is its own. Prints times, peak memory and the
ratio (target: at most 1.5× the baseline, under 400 MB). Asserts nothing.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WIDTHS = (320, 640, 1024, 1600)


def sample_jpeg() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (6000, 4000), (40, 90, 160))
    draw = ImageDraw.Draw(image)
    for i in range(0, 6000, 150):  # texture, so the JPEG is a realistic size
        draw.line([(i, 0), (6000 - i, 4000)], fill=(200, 120 + i % 100, 60), width=9)
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (20.0, 51.0, 0.0), 3: "E", 4: (106.0, 41.0, 0.0)}
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90, exif=exif)
    return buf.getvalue()


def run_site(path: str) -> None:
    from showcase import create_app
    from showcase.extensions import db
    from showcase.media.images import add_image

    data = Path(path).read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/b.sqlite3",
                "MEDIA_ROOT": f"{tmp}/media",
                "SEARCH_INDEX_DIR": f"{tmp}/ix",
            }
        )
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            asset = add_image(data, "bench.jpg")
            db.session.commit()
            seconds = time.perf_counter() - started
            outputs = 1 + 2 * len(asset.renditions)
            db.engine.dispose()
    report(seconds, outputs)


def run_plain(path: str) -> None:
    from PIL import Image

    data = Path(path).read_bytes()
    started = time.perf_counter()
    outputs = 0
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        for width in WIDTHS:
            height = round(image.height * width / image.width)
            small = image.resize((width, height), Image.Resampling.LANCZOS)
            for fmt in ("JPEG", "WEBP"):
                small.save(io.BytesIO(), fmt, quality=88)
                outputs += 1
    report(time.perf_counter() - started, outputs)


def report(seconds: float, outputs: int) -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "outputs": outputs}))


def main() -> None:
    if len(sys.argv) == 3:
        {"site": run_site, "plain": run_plain}[sys.argv[1]](sys.argv[2])
        return
    with tempfile.NamedTemporaryFile(suffix=".jpg") as sample:
        sample.write(sample_jpeg())
        sample.flush()
        size = Path(sample.name).stat().st_size / 1e6
        print(f"24-megapixel JPEG (6000×4000, {size:.1f} MB, with EXIF GPS)")
        figures = {}
        for name in ("plain", "site"):
            runs = []
            for _ in range(3):
                out = subprocess.run(
                    [sys.executable, __file__, name, sample.name], capture_output=True, text=True, check=True
                )
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            best = min(runs, key=lambda r: r["seconds"])
            figures[name] = best
            label = (
                "plain Pillow open-resize-save" if name == "plain" else "site upload (checks + renditions)"
            )
            print(
                f"  {label:36s} {best['seconds']:.2f} s, peak {max(r['peak_mb'] for r in runs):.0f} MB, "
                f"{best['outputs']} files (best of 3)"
            )
        print(f"  ratio site / plain: {figures['site']['seconds'] / figures['plain']['seconds']:.2f}×")


if __name__ == "__main__":
    main()
