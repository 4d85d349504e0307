"""Draw the site's icon: a mirror ring with a shining star ("gương sáng") on the city's red.

One geometry, written twice: as SVG for browsers that take it, and through Pillow as the PNG
and ICO fallbacks. Run `python scripts/make_favicon.py` after changing it; the files are
committed under static/.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parent.parent / "static"
SIZE = 64  # the drawing's own units
RED, CREAM, GOLD = "#9b1b1f", "#f7e7b4", "#ffc94a"
RING = (32, 32, 21, 3.5)  # centre x, centre y, radius, stroke width
STAR = (32, 33, 13.5, 5.6)  # centre x, centre y, outer radius, inner radius


def star_points(scale: float = 1.0) -> list[tuple[float, float]]:
    """The five-pointed star's ten corners, point up."""
    cx, cy, outer, inner = STAR
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.pi / 5 * i - math.pi / 2
        points.append(((cx + radius * math.cos(angle)) * scale, (cy + radius * math.sin(angle)) * scale))
    return points


def svg() -> str:
    cx, cy, r, width = RING
    star = " ".join(f"{x:.2f},{y:.2f}" for x, y in star_points())
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}">'
        f'<rect width="{SIZE}" height="{SIZE}" rx="14" fill="{RED}"/>'
        f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="{CREAM}" stroke-width="{width}"/>'
        f'<polygon points="{star}" fill="{GOLD}"/>'
        "</svg>\n"
    )


def raster(pixels: int) -> Image.Image:
    """The icon at this size, drawn 8× larger and scaled down (smooth edges)."""
    big = pixels * 8
    scale = big / SIZE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=14 * scale, fill=RED)
    cx, cy, r, width = RING
    half = width / 2
    box = ((cx - r - half) * scale, (cy - r - half) * scale, (cx + r + half) * scale, (cy + r + half) * scale)
    draw.ellipse(box, outline=CREAM, width=round(width * scale))
    draw.polygon(star_points(scale), fill=GOLD)
    return image.resize((pixels, pixels), Image.Resampling.LANCZOS)


def main() -> None:
    (STATIC / "favicon.svg").write_text(svg(), encoding="utf-8")
    raster(180).save(STATIC / "apple-touch-icon.png", optimize=True)
    for pixels in (192, 512):  # the web manifest's icons (showcase/outreach/views.py)
        raster(pixels).save(STATIC / f"icon-{pixels}.png", optimize=True)
    raster(32).save(STATIC / "favicon-32.png", optimize=True)
    raster(48).save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    print("static/favicon.svg, favicon-32.png, apple-touch-icon.png, icon-192.png, icon-512.png, favicon.ico")


if __name__ == "__main__":
    main()
