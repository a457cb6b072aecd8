"""Read what a scene draws: every piece of text with its box, and the layout rules it must keep."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
from manim import MathTypst, Mobject, Text

from seminar_anim.visual.labels import ValueLabel

LOWERCASE = re.compile("[a-z]")
QUOTED_WORD = re.compile('"[^"]*[a-z][^"]*"')  # a Typst string with lowercase letters: words
SAFE_MARGIN = 0.05  # the outer 5% of the frame on each side stays empty
FRAME_HEIGHT = 8.0  # Manim units, at every quality
CAPTION_BAND = 0.12  # players draw captions over the lowest 12% of the frame...
CAPTION_WIDTH = 0.8  # ...across its centre 80%
EDGE_TOLERANCE = 1e-6
OVERLAP_TOLERANCE = 0.01  # Manim units two boxes may touch by (anti-aliasing, baselines)
# The smallest text stays readable in a 854x480 render: its lowercase letters (for numbers and
# math, its digits) at least 8 pixels tall.
MIN_GLYPH_HEIGHT = FRAME_HEIGHT * 8 / 480


@dataclass(frozen=True)
class DrawnText:
    """One visible piece of text in a frame; `key` is its manifest entry for numbers."""

    text: str
    key: str | None
    left: float
    right: float
    bottom: float
    top: float
    glyph: float = 1.0  # the height of its lowercase letters, or of its digits, in Manim units


def drawn_texts(mobjects: list[Mobject]) -> list[DrawnText]:
    """The visible text of these mobjects, outermost text mobjects only."""
    found: list[DrawnText] = []

    def visit(mobject: Mobject) -> None:
        if isinstance(mobject, ValueLabel | Text | MathTypst):
            if _visible(mobject):
                found.append(_record(mobject))
            return
        for child in mobject.submobjects:
            visit(child)

    for mobject in mobjects:
        visit(mobject)
    return found


def _visible(mobject: Mobject) -> bool:
    opacities = [part.get_fill_opacity() for part in mobject.family_members_with_points()]
    return bool(opacities) and max(opacities) > 0.05


def _record(mobject: Mobject) -> DrawnText:
    if isinstance(mobject, ValueLabel):
        text, key = mobject.text, mobject.key
    elif isinstance(mobject, Text):
        text, key = mobject.original_text, None
    else:
        text, key = str(getattr(mobject, "typst_code", mobject)), None
    left, bottom, _ = mobject.get_corner(np.array([-1.0, -1.0, 0.0]))
    right, top, _ = mobject.get_corner(np.array([1.0, 1.0, 0.0]))
    return DrawnText(text=text, key=key, left=left, right=right, bottom=bottom, top=top, glyph=glyph_height(mobject))


def glyph_height(mobject: Mobject) -> float:
    """How tall a text's lowercase letters (a number's or formula's digits) are drawn, from its
    font size now, scaling included: its box says little, as "=" is flat and "(" tall."""
    words = False  # typeset words (float32, True) are as small as their x-height, not their digits
    if isinstance(mobject, ValueLabel):
        words = isinstance(mobject.value, str) and LOWERCASE.search(mobject.value) is not None
        mobject = next(part for part in mobject.submobjects if isinstance(part, MathTypst | Text))
    if isinstance(mobject, Text):
        return float(mobject.font_size) * _letter_height(mobject.font)
    words = words or QUOTED_WORD.search(str(getattr(mobject, "typst_code", ""))) is not None
    return float(getattr(mobject, "font_size", 0.0)) * (_typeset_letter_height() if words else _digit_height())


@cache
def _letter_height(font: str) -> float:
    """The height of an "x" in `font` at font size 1, in Manim units."""
    return float(Text("x", font=font, font_size=100).height) / 100


@cache
def _typeset_letter_height() -> float:
    """The height of a typeset text "x" at font size 1, in Manim units."""
    return float(MathTypst('"x"', font_size=100).height) / 100


@cache
def _digit_height() -> float:
    """The height of a typeset "0" at font size 1, in Manim units."""
    return float(MathTypst("0", font_size=100).height) / 100


def layout_problems(
    texts: list[DrawnText], frame_width: float, frame_height: float, smallest: float = MIN_GLYPH_HEIGHT
) -> list[str]:
    """Texts outside the safe area, in the captions' band or too small to read, and pairs of
    texts that overlap; empty when the frame is clean. `smallest`: the least glyph height, in
    Manim units of an 8-unit-tall frame."""
    problems: list[str] = []
    # A text laid out against the safe area's edge may pass it by a rounding error.
    x_limit = frame_width / 2 * (1 - 2 * SAFE_MARGIN) + EDGE_TOLERANCE
    y_limit = frame_height / 2 * (1 - 2 * SAFE_MARGIN) + EDGE_TOLERANCE
    band_top = frame_height * (CAPTION_BAND - 0.5)
    band_half_width = frame_width / 2 * CAPTION_WIDTH
    for item in texts:
        if item.left < -x_limit or item.right > x_limit or item.bottom < -y_limit or item.top > y_limit:
            problems.append(f"{item.text!r} leaves the safe area")
        elif item.bottom < band_top and item.right > -band_half_width and item.left < band_half_width:
            problems.append(f"{item.text!r} is in the captions' band")
        if item.glyph < smallest * frame_height / FRAME_HEIGHT:
            problems.append(f"{item.text!r} is too small to read ({item.glyph / frame_height * 480:.1f} px at 480p)")
    for index, first in enumerate(texts):
        for second in texts[index + 1 :]:
            if _overlap(first, second):
                problems.append(f"{first.text!r} overlaps {second.text!r}")
    return problems


def _overlap(a: DrawnText, b: DrawnText) -> bool:
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.top, b.top) - max(a.bottom, b.bottom)
    return width > OVERLAP_TOLERANCE and height > OVERLAP_TOLERANCE
