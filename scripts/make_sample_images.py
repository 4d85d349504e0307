"""Generate the sample images named in content/ (covers and portraits) with Pillow.

Run `make images` after adding sample stories or exemplars: every `cover:` or `portrait:`
file that content/images/ lacks is drawn here, deterministically from its name. The
pictures are illustrations, marked "ảnh minh họa · dữ liệu mẫu"; nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import random
import re
import sys
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent / "content"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
PALETTES = [
    ((246, 196, 120), (204, 92, 70), (38, 84, 124)),
    ((170, 214, 236), (92, 160, 200), (30, 80, 60)),
    ((255, 226, 170), (236, 140, 80), (120, 40, 40)),
    ((200, 230, 200), (120, 180, 120), (40, 90, 50)),
    ((220, 210, 240), (150, 130, 200), (60, 50, 110)),
    ((250, 235, 200), (220, 170, 90), (90, 70, 40)),
]


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.truetype(str(FONT), size) if FONT.exists() else ImageFont.load_default(size)


def rng_for(name: str) -> random.Random:
    return random.Random(int(hashlib.sha256(name.encode()).hexdigest()[:12], 16))


def gradient(size: tuple[int, int], top: tuple, bottom: tuple) -> Image.Image:
    w, h = size
    im = Image.new("RGB", size)
    draw = ImageDraw.Draw(im)
    for y in range(h):
        t = y / max(h - 1, 1)
        draw.line(
            [(0, y), (w, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return im


def label(im: Image.Image, text: str) -> None:
    draw = ImageDraw.Draw(im, "RGBA")
    w, h = im.size
    f = font(max(14, w // 48))
    box = draw.textbbox((0, 0), text, font=f)
    pad = 10
    draw.rectangle([0, h - (box[3] - box[1]) - 3 * pad, w, h], fill=(0, 0, 0, 140))
    draw.text((pad * 2, h - (box[3] - box[1]) - 2 * pad), text, font=f, fill=(255, 255, 255))


def cover(name: str, title: str) -> Image.Image:
    r = rng_for(name)
    sky, mid, deep = r.choice(PALETTES)
    im = gradient((1200, 675), sky, mid)
    draw = ImageDraw.Draw(im, "RGBA")
    sx, sy, sr = r.randint(150, 1050), r.randint(90, 260), r.randint(40, 90)
    draw.ellipse([sx - sr, sy - sr, sx + sr, sy + sr], fill=(255, 245, 210, 220))
    horizon = r.randint(360, 460)
    for i in range(4):  # hills or waves in layers
        base = horizon + i * 55
        points = [(0, 675)]
        for x in range(0, 1201, 60):
            points.append((x, base + int(25 * r.random()) - 12 + (i * 8 if x % 120 else 0)))
        points.append((1200, 675))
        shade = tuple(int(c * (0.9 - i * 0.15)) for c in deep) + (235,)
        draw.polygon(points, fill=shade)
    for _ in range(r.randint(3, 7)):  # houses, boats or people as simple shapes
        x = r.randint(40, 1120)
        y = horizon + r.randint(10, 90)
        hgt = r.randint(40, 110)
        draw.rectangle([x, y - hgt, x + r.randint(40, 90), y], fill=(250, 250, 245, 210))
        draw.polygon([(x - 8, y - hgt), (x + 50, y - hgt - 35), (x + 100, y - hgt)], fill=(160, 40, 40, 200))
    short = title if len(title) <= 48 else title[:47].rsplit(" ", 1)[0] + "…"
    label(im, "Ảnh minh họa · dữ liệu mẫu · " + short)
    return im


def portrait(name: str, who: str, collective: bool) -> Image.Image:
    r = rng_for(name)
    top, mid, deep = r.choice(PALETTES)
    im = gradient((600, 600), top, mid)
    draw = ImageDraw.Draw(im, "RGBA")
    people = [(300, 1.0)] if not collective else [(170, 0.8), (430, 0.8), (300, 0.95)]
    for cx, scale in people:
        head = int(85 * scale)
        cy = int(250 + (1 - scale) * 120)
        draw.ellipse([cx - head, cy - head, cx + head, cy + head], fill=deep + (235,))
        draw.ellipse([cx - 2 * head, cy + head + 10, cx + 2 * head, cy + 5 * head], fill=deep + (235,))
    initials = "".join(w[0] for w in who.split()[-2:]).upper()
    draw.text((24, 20), initials, font=font(64), fill=(255, 255, 255, 230))
    label(im, "Ảnh minh họa · dữ liệu mẫu")
    return im


def front_matter(path: Path) -> dict:
    match = re.match(r"\A---\n(.*?)\n---\n", path.read_text("utf-8"), re.S)
    return yaml.safe_load(match.group(1)) if match else {}


def main() -> int:
    images = ROOT / "images"
    images.mkdir(exist_ok=True)
    made = 0
    for path in sorted((ROOT / "stories").glob("*.md")):
        data = front_matter(path)
        if data.get("cover") and not (images / data["cover"]).exists():
            cover(data["cover"], data.get("title", "")).save(
                images / data["cover"], quality=80, optimize=True
            )
            made += 1
    for path in sorted((ROOT / "exemplars").glob("*.md")):
        data = front_matter(path)
        if data.get("portrait") and not (images / data["portrait"]).exists():
            im = portrait(data["portrait"], data.get("name", "?"), data.get("kind") == "collective")
            im.save(images / data["portrait"], quality=80, optimize=True)
            made += 1
    print(f"Đã tạo {made} ảnh mẫu trong {images}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
