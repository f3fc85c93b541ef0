"""Horizontal bar charts drawn as inline SVG: the geometry is worked out here, the template
only writes it out. Every bar carries its own text ("2021年：98.37%"), so no meaning rests on
colour; the page shows the same numbers again as a table."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

WIDTH = 640
FONT = 16            # px in the chart's own units (shown at about the body text's size)
LINE = 22            # height of one line of label text
BAR = 24             # height of one bar
BAR_GAP = 6
GROUP_GAP = 20
VALUE_ROOM = 220     # room right of the longest bar for its text


# How a series is filled, besides its colour, so that no two series of a chart rest on colour
# alone (in 黑字白底 every colour is black, in 黄字黑底 yellow): "solid", or a pattern drawn in
# the text colour over the background with an outline in the text colour ("hatch": diagonal
# lines, "dots"). templates/indicators/_chart.html draws the patterns; CSS gives the colours.
FILLS = ("solid", "hatch", "dots")


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    css: str          # chart__bar--<css>
    fill: str = "solid"

    def __post_init__(self):
        if self.fill not in FILLS:
            raise ValueError(f"unknown fill {self.fill!r}")


@dataclass(frozen=True)
class Bar:
    series: Series
    text: str
    x: float
    y: float
    width: float
    text_x: float
    text_y: float
    height: int = BAR


@dataclass(frozen=True)
class Group:
    lines: tuple[str, ...]
    first_line_y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: float
    groups: tuple[Group, ...]
    series: tuple[Series, ...]


def _text_width(text: str) -> float:
    return sum(FONT if unicodedata.east_asian_width(ch) in "WF" else FONT * 0.56
               for ch in text)


def wrap(text: str, width: float = WIDTH) -> tuple[str, ...]:
    """Break a label into lines that fit: between words for English, anywhere for Chinese."""
    lines: list[str] = []
    current = ""
    tokens = text.split(" ") if " " in text else list(text)
    joiner = " " if " " in text else ""
    for token in tokens:
        candidate = f"{current}{joiner}{token}" if current else token
        if current and _text_width(candidate) > width:
            lines.append(current)
            current = token
        else:
            current = candidate
    if current:
        lines.append(current)
    return tuple(lines)


def bar_chart(chart_id: str, title: str, description: str, series: list[Series],
              rows: list[tuple[str, list[tuple[str, float, str]]]],
              max_value: float | None = None) -> Chart:
    """rows: (label, [(series key, value, text on the bar)]) – one group of bars per row."""
    by_key = {s.key: s for s in series}
    fills = [s.fill for s in series]
    if len(set(fills)) != len(fills):
        raise ValueError(f"two series of chart {chart_id!r} share the fill: {fills}")
    top = max_value or max((value for _label, bars in rows for _k, value, _t in bars),
                           default=1) or 1
    plot = WIDTH - VALUE_ROOM
    y = 0.0
    groups = []
    for label, bars in rows:
        lines = wrap(label)
        first_line_y = y + FONT
        y += LINE * len(lines) + 4
        drawn = []
        for key, value, text in bars:
            length = max(2.0, plot * max(value, 0) / top)
            drawn.append(Bar(by_key[key], text, 0, y, round(length, 1),
                             round(length + 8, 1), y + BAR / 2 + FONT * 0.35))
            y += BAR + BAR_GAP
        groups.append(Group(lines, first_line_y, tuple(drawn)))
        y += GROUP_GAP
    return Chart(chart_id, title, description, WIDTH, round(y, 1), tuple(groups),
                 tuple(series))
