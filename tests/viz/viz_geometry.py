"""Geometry checks shared by the picture tests: boxes, rendered text, crossing lines."""

from __future__ import annotations


def overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float],
            slack: float = 0.0) -> bool:
    """Do two rectangles ``(x0, y0, x1, y1)`` overlap by more than ``slack``?"""
    return (min(a[2], b[2]) - max(a[0], b[0]) > slack
            and min(a[3], b[3]) - max(a[1], b[1]) > slack)


def inside(inner, outer, slack: float = 0.0) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def text_extents(ax, texts) -> list[tuple[float, float, float, float]]:
    """Each Text's rendered extent, in pixels, after drawing the figure once."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [tuple(t.get_window_extent(renderer).extents) for t in texts]


def data_to_pixels(ax, rect: tuple[float, float, float, float]):
    (x0, y0), (x1, y1) = ax.transData.transform([(rect[0], rect[1]), (rect[2], rect[3])])
    return (x0, y0, x1, y1)


def segments_cross(p1, p2, q1, q2) -> bool:
    """Do segments p1-p2 and q1-q2 properly cross (touching ends do not count)?"""
    def orient(a, b, c) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = orient(q1, q2, p1), orient(q1, q2, p2)
    d3, d4 = orient(p1, p2, q1), orient(p1, p2, q2)
    return d1 * d2 < -1e-9 and d3 * d4 < -1e-9


def polylines_cross(a: list, b: list) -> bool:
    return any(segments_cross(a[i], a[i + 1], b[j], b[j + 1])
               for i in range(len(a) - 1) for j in range(len(b) - 1))


def drawn_texts(fig) -> list:
    """Every Text the figure shows: visible, not blank, and not a tick label of axes drawn
    without their axis (``ax.axis("off")`` keeps those Text objects, undrawn)."""
    from matplotlib.text import Text

    undrawn: set[int] = set()
    for ax in fig.axes:
        if not ax.axison:
            undrawn.update(id(t) for axis in (ax.xaxis, ax.yaxis) for t in axis.findobj(Text))
    return [t for t in fig.findobj(Text)
            if id(t) not in undrawn and t.get_visible() and t.get_text().strip()]


def small_texts(fig, least: float = 9.0) -> list[tuple[str, float]]:
    """The texts drawn smaller than ``least`` points, as (text, size)."""
    fig.canvas.draw()
    return [(t.get_text(), t.get_fontsize()) for t in drawn_texts(fig)
            if t.get_fontsize() < least - 1e-9]


def overlapping(ax_or_fig, texts, slack: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of ``texts`` whose rendered extents overlap (by more than ``slack`` pixels)."""
    fig = getattr(ax_or_fig, "figure", None) or ax_or_fig
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [tuple(t.get_window_extent(renderer).extents) for t in texts]
    return [(texts[i].get_text(), texts[j].get_text())
            for i in range(len(boxes)) for j in range(i + 1, len(boxes))
            if overlap(boxes[i], boxes[j], slack)]
