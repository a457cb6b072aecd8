"""Text mobjects that remember what they say, so tests can read the numbers a frame draws."""

from __future__ import annotations

import math
import re
from typing import Any

from manim import RIGHT, BackgroundRectangle, MathTypst, Text, VGroup, VMobject

from seminar_anim.visual.theme import LABEL_SIZE, Theme

DISPLAY_DECIMALS = 4


def format_value(value: float | int | str) -> str:
    """A value as the frame shows it: text and integers as they are; floats with at most four
    decimals, at least one (2.0, 0.4, 0.9163)."""
    if isinstance(value, int | str):
        return str(value)
    if not math.isfinite(value):
        return str(value)  # inf, -inf, nan: as PyTorch prints them, never a number that looks ordinary
    if value != 0 and not 1e-4 <= abs(value) < 1e5:
        mantissa, exponent = f"{value:.3e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    text = f"{value:.{DISPLAY_DECIMALS}f}".rstrip("0")
    text = text + "0" if text.endswith(".") else text
    return "0.0" if text == "-0.0" else text


def _typst_number(text: str) -> str:
    mantissa, _, exponent = text.partition("e")
    return f"{mantissa} dot 10^({exponent})" if exponent else text


class ValueLabel(VGroup):
    """A number drawn from the manifest: `key` names the manifest entry, `text` is what is drawn."""

    def __init__(
        self,
        key: str,
        value: float | int | str,
        color: str,
        font_size: float = LABEL_SIZE,
        backdrop: str | None = None,
        font: str | None = None,
        **kwargs: Any,
    ) -> None:
        """`font`: drawn in this (monospace) font, as a print shows it beside the code that asked
        for it, instead of typeset as a formula's number."""
        super().__init__(**kwargs)
        self.key = key
        self.value = value
        self.text = format_value(value)
        number: VMobject
        if font is None and isinstance(value, str) and WORD.search(self.text):
            # A name in Python or torch (float32, cuda, True) as code shows it; words with spaces are prose.
            font = WORD_FONT if " " not in self.text else PROSE_FONT
        if font is not None:
            number = Text(self.text, font=font, font_size=font_size, color=color)
        else:
            source = f'"{self.text}"' if isinstance(value, str) else _typst_number(self.text)
            number = MathTypst(source, font_size=font_size, color=color)
        if backdrop:
            # Lines that pass behind the number stop short of it, so it stays readable.
            self.add(BackgroundRectangle(number, color=backdrop, fill_opacity=0.9, buff=0.04))
        self.add(number)


WORD = re.compile("[a-z]")
WORD_FONT = Theme.code_font
PROSE_FONT = "DejaVu Sans"


def math_text(typst: str, color: str, font_size: float = LABEL_SIZE) -> MathTypst:
    """Typeset math that carries no manifest number (symbols, fractions, operators)."""
    return MathTypst(typst, font_size=font_size, color=color)


def code_text(line: str, theme: Theme, font_size: float, color: str | None = None) -> Text:
    """One line of code in the theme's monospace font; an empty line keeps its height."""
    return Text(line or " ", font=theme.code_font, font_size=font_size, color=color or theme.text)


# Prose beside typeset math: DejaVu Sans at this share of the math's font size has its letters
# height, so the words read as part of the formula's line without being set in serif.
BESIDE_MATH = 0.72


def code_note(text: str, theme: Theme, font_size: float, color: str) -> VGroup:
    """Code, then after its first ": " words about it: `b.untyped_storage(): a new block` with
    the code in the code's font and the words in the prose font."""
    code, colon, words = text.partition(": ")
    parts = VGroup(code_text(code + colon.rstrip(), theme, font_size, color))
    if words:
        parts.add(plain_text(words, color, font_size))
    return parts.arrange(RIGHT, buff=0.12)


def plain_text(text: str, color: str, font_size: float) -> Text:
    """Prose in a sans font: titles, legends, notes."""
    return Text(text, font=PROSE_FONT, font_size=font_size, color=color)
