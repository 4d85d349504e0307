"""Image benchmark: accept a 24-megapixel JPEG and make every rendition, against plain Pillow.

    .venv/bin/python bench/images.py

Builds two 6000×4000 JPEGs in memory, one with EXIF GPS (re-encoded: every pixel decoded) and
one without metadata (kept byte for byte: decoded at a reduced scale), then measures in this run:
  * the site: showcase.services.media.add_image (checks, orientation, metadata stripped,
    master kept or re-encoded, renditions 320/640/1024/1600 in WebP and JPEG, stored);
  * the baseline: plain Pillow open → resize → save of the same outputs (same widths and formats),
    with nothing else.
Each in a fresh child process, so its peak memory is its own. Peak memory is the process's
maximum resident set (VmHWM; Pillow's pixel buffers are C allocations that tracemalloc does not
see, and getrusage's maximum would include the parent's, which survives exec); "work" is that
peak minus the resident set measured just before the upload (after imports and app set-up).
Prints times, memory and the ratios (target: time at most 1.5× the baseline, peak under
400 MB). Asserts nothing.
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


def sample_jpeg(with_exif: bool = True) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (6000, 4000), (40, 90, 160))
    draw = ImageDraw.Draw(image)
    for i in range(0, 6000, 150):  # texture, so the JPEG is a realistic size
        draw.line([(i, 0), (6000 - i, 4000)], fill=(200, 120 + i % 100, 60), width=9)
    options = {}
    if with_exif:
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (20.0, 51.0, 0.0), 3: "E", 4: (106.0, 41.0, 0.0)}
        options["exif"] = exif  # even an empty Exif() would write an APP1 segment
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90, **options)
    return buf.getvalue()


def rss_mb() -> float:
    """Peak resident set of this process so far, in MB. VmHWM where there is /proc: getrusage's
    ru_maxrss survives exec on Linux, so a child would report its parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_site(path: str) -> None:
    from showcase import create_app
    from showcase.extensions import db
    from showcase.services.media import add_image

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
            before = rss_mb()
            started = time.perf_counter()
            asset = add_image(data, "bench.jpg")
            db.session.commit()
            seconds = time.perf_counter() - started
            outputs = 1 + 2 * len(asset.renditions)
            db.engine.dispose()
    report(seconds, outputs, before)


def run_plain(path: str) -> None:
    from PIL import Image

    data = Path(path).read_bytes()
    before = rss_mb()
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
    report(time.perf_counter() - started, outputs, before)


def report(seconds: float, outputs: int, before: float) -> None:
    peak = rss_mb()
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "work_mb": peak - before, "outputs": outputs}))


def main() -> None:
    if len(sys.argv) == 3:
        {"site": run_site, "plain": run_plain}[sys.argv[1]](sys.argv[2])
        return
    for with_exif, title in ((True, "with EXIF GPS: re-encoded"), (False, "no metadata: kept as is")):
        with tempfile.NamedTemporaryFile(suffix=".jpg") as sample:
            sample.write(sample_jpeg(with_exif))
            sample.flush()
            size = Path(sample.name).stat().st_size / 1e6
            print(f"24-megapixel JPEG (6000×4000, {size:.1f} MB, {title})")
            figures = {}
            for name in ("plain", "site"):
                runs = []
                for _ in range(3):
                    out = subprocess.run(
                        [sys.executable, __file__, name, sample.name],
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
                best = min(runs, key=lambda r: r["seconds"])
                figures[name] = best | {
                    "peak_mb": max(r["peak_mb"] for r in runs),
                    "work_mb": max(r["work_mb"] for r in runs),
                }
                label = (
                    "plain Pillow open-resize-save"
                    if name == "plain"
                    else "site upload (checks + renditions)"
                )
                print(
                    f"  {label:36s} {best['seconds']:.2f} s, peak {figures[name]['peak_mb']:.0f} MB "
                    f"(work {figures[name]['work_mb']:.0f} MB), {best['outputs']} files (best of 3)"
                )
            site, plain = figures["site"], figures["plain"]
            print(
                f"  ratio site / plain: time {site['seconds'] / plain['seconds']:.2f}×, "
                f"peak {site['peak_mb'] / plain['peak_mb']:.2f}×, "
                f"work {site['work_mb'] / plain['work_mb']:.2f}×"
            )


if __name__ == "__main__":
    main()
