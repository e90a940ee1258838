"""A small server-rendered SVG chart of a commitment's last periods against its threshold.

Drawn by hand rather than with a chart library: the page's Content-Security-Policy refuses
the inline styles and scripts such libraries embed; classes from compliance.css colour it, and
each bar carries the state's shape too, so it reads without colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from coop.site.compliance.periods import Period
from coop.site.compliance.rules import ICONS, Result

WIDTH, HEIGHT = 600, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 40


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label_x: float
    icon_y: float
    label: str
    status: str
    icon: str
    figure: Decimal | None


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    target_y: float | None
    axis_y: float
    label_y: float
    ticks: list[tuple[float, str]]


def chart(history: list[tuple[Period, Result]], threshold: Decimal | None) -> Chart:
    figures = [r.figure for _p, r in history if r.figure is not None]
    top = max([*figures, threshold or Decimal(0), Decimal(1)]) * Decimal("1.1")
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    slot = plot_w / max(len(history), 1)

    def y_of(value: Decimal) -> float:
        return round(TOP + plot_h - float(value / top) * plot_h, 1)

    bars = []
    for i, (period, result) in enumerate(history):
        x = LEFT + i * slot + slot * 0.15
        value = result.figure if result.figure is not None else Decimal(0)
        y = y_of(value)
        bars.append(
            Bar(
                x=round(x, 1),
                y=y,
                width=round(slot * 0.7, 1),
                height=round(TOP + plot_h - y, 1),
                label_x=round(x + slot * 0.35, 1),
                icon_y=round(y - 4, 1),
                label=period.short_label,
                status=result.status,
                icon=ICONS[result.status],
                figure=result.figure,
            )
        )
    ticks = [(y_of(top * k / 4), f"{(top * k / 4):.0f}") for k in range(5)]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        target_y=y_of(threshold) if threshold is not None else None,
        axis_y=TOP + plot_h,
        label_y=TOP + plot_h + 16,
        ticks=ticks,
    )
