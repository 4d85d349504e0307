"""Draw the images a shared link and a search engine show when a page has none of its own:
the 1200×630 card (Open Graph, Twitter) and the publisher's 512×512 logo (JSON-LD).

Both reuse the favicon's ring and star (scripts/make_favicon.py). Run
`python scripts/make_share_images.py` after changing either; the PNGs are committed under
static/img/. The text needs a font with Vietnamese letters (DejaVu Sans, Debian's
fonts-dejavu-core).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_favicon import CREAM, GOLD, RED, STATIC, raster  # noqa: E402

FONTS = Path("/usr/share/fonts/truetype/dejavu")
WIDTH, HEIGHT = 1200, 630
TITLE = "Gương sáng Hải Phòng"
TAGLINE = "Điển hình tiên tiến · Người tốt, việc tốt"
FOOTER = "Ban Thi đua – Khen thưởng thành phố Hải Phòng"


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / name), size)


def card() -> Image.Image:
    """The default card: the icon, the site's name and tagline on the city's red."""
    image = Image.new("RGB", (WIDTH, HEIGHT), RED)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, HEIGHT - 18, WIDTH, HEIGHT), fill=GOLD)  # a gold band along the bottom
    icon = raster(230)
    image.paste(icon, (80, (HEIGHT - 230) // 2 - 10), icon)
    left = 360
    size = 66
    while draw.textlength(TITLE, font=font("DejaVuSans-Bold.ttf", size)) > WIDTH - left - 60:
        size -= 2  # the longest line that fits
    draw.text((left, 190), TITLE, font=font("DejaVuSans-Bold.ttf", size), fill=CREAM)
    draw.text((left, 292), TAGLINE, font=font("DejaVuSans.ttf", 34), fill="#ffffff")
    draw.line((left, 370, WIDTH - 60, 370), fill=GOLD, width=3)
    draw.text((left, 396), FOOTER, font=font("DejaVuSans.ttf", 28), fill=CREAM)
    return image


def logo() -> Image.Image:
    """The publisher's logo: the icon, opaque (some readers draw transparency black)."""
    icon = raster(512)
    image = Image.new("RGB", icon.size, "#ffffff")
    image.paste(icon, (0, 0), icon)
    return image


def main() -> None:
    folder = STATIC / "img"
    folder.mkdir(exist_ok=True)
    card().save(folder / "share-default.png", optimize=True)
    logo().save(folder / "logo-512.png", optimize=True)
    print("static/img/share-default.png, static/img/logo-512.png")


if __name__ == "__main__":
    main()
