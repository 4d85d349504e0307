"""The geometry of the statistics charts, drawn as SVG by site/_charts.html (no script).

Heights are in pixels and widths in percent of the chart's width, so the text keeps its size on
a phone and on a wide screen alike and the bars stretch; labels too long for a phone's width
are wrapped here. Colours come from CSS classes (light and dark themes).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from showcase.numbers import format_number, format_percent
from showcase.site.statistics import Chart

FONT = 14  # px, the chart's text
LINE = 18  # px between two lines of a label
BAR = 14  # px, one bar's thickness
BAR_GAP = 3
ROW_GAP = 12
LONGEST_BAR = 80.0  # % of the width: the rest holds the value after the longest bar
WRAP = 40  # characters per label line (a 390-px phone)
SHARE_BAR = 32
SWATCH = 14


@dataclass(frozen=True)
class Text:
    y: float
    text: str


@dataclass(frozen=True)
class Bar:
    y: float
    width: float  # %
    value: str
    colour: int  # 1..4, the CSS class chart-cN


@dataclass(frozen=True)
class Segment:
    x: float  # %
    width: float  # %
    colour: int


@dataclass(frozen=True)
class Drawing:
    height: float
    labels: tuple[Text, ...]
    bars: tuple[Bar, ...] = ()
    segments: tuple[Segment, ...] = ()
    swatches: tuple[tuple[float, int], ...] = ()  # (y, colour) of a share chart's key
    description: str = ""  # what the picture says, in words (aria-label)


def wrap(label: str) -> list[str]:
    """A label as lines short enough for a phone."""
    return textwrap.wrap(label, WRAP, break_long_words=True) or [""]


def share_colours(chart: Chart) -> list[int]:
    """Colour per row: 1, 2, 3… in order, "Chưa rõ" always the neutral 4."""
    return [4 if r.label == "Chưa rõ" else min(i + 1, 3) for i, r in enumerate(chart.rows)]


def bars(chart: Chart) -> Drawing:
    """Horizontal bars: each row's label above one bar per series, the value after each."""
    largest = max((v for r in chart.rows for v in r.values), default=0)
    y = 0.0
    labels: list[Text] = []
    drawn: list[Bar] = []
    said: list[str] = []
    for row in chart.rows:
        for line in wrap(row.label):
            y += LINE
            labels.append(Text(y - 4, line))
        y += 4
        for index, value in enumerate(row.values):
            width = LONGEST_BAR * value / largest if largest else 0.0
            drawn.append(Bar(y, round(width, 2), format_number(value), index + 1))
            y += BAR + BAR_GAP
        y += ROW_GAP - BAR_GAP
        parts = ", ".join(
            f"{name} {format_number(v)}" for name, v in zip(chart.series, row.values, strict=True)
        )
        said.append(f"{row.label}: {parts}")
    return Drawing(y, tuple(labels), bars=tuple(drawn), description="; ".join(said))


def shares(chart: Chart) -> Drawing:
    """One bar of 100 % split by the rows, then a key: colour, label, count and share."""
    total = chart.total
    colours = share_colours(chart)
    segments: list[Segment] = []
    x = 0.0
    for row, colour in zip(chart.rows, colours, strict=True):
        width = 100.0 * row.values[0] / total if total else 0.0
        if width:
            segments.append(Segment(round(x, 3), round(width, 3), colour))
        x += width
    y = float(SHARE_BAR + 10)
    labels: list[Text] = []
    swatches: list[tuple[float, int]] = []
    said: list[str] = []
    for row, colour in zip(chart.rows, colours, strict=True):
        words = f"{row.label}: {format_number(row.values[0])} ({format_percent(chart.percent(row))})"
        said.append(words)
        swatches.append((y + 4, colour))
        for line in wrap(words):
            y += LINE
            labels.append(Text(y - 4, line))
        y += 6
    description = f"Tổng {format_number(total)}. " + "; ".join(said)
    return Drawing(
        y, tuple(labels), segments=tuple(segments), swatches=tuple(swatches), description=description
    )


def draw(chart: Chart) -> Drawing:
    return shares(chart) if chart.shares else bars(chart)
