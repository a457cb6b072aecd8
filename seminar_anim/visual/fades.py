"""FadeIn and FadeOut that change the mobject in place instead of interpolating between copies.

Manim's fades are Transforms: each deep-copies its mobject three times (the faded start or
end, the target's copy, the starting mobject), even when the animation is skipped. For a code
panel of a few hundred glyphs that is most of a scene's build time. These fades keep each
member's opacities and points (plain arrays), scale the alpha channels and move the points,
and put everything back exactly at the end, as Manim's do. A family with a member that is not
a VMobject (an image), or a fade with a lag between its parts, fades as Manim's does.
"""

from __future__ import annotations

from typing import cast

import numpy as np
from manim import Animation, Mobject, VMobject, smooth
from manim import FadeIn as ManimFadeIn
from manim import FadeOut as ManimFadeOut
from manim.animation.fading import _Fade
from manim.mobject.opengl.opengl_mobject import OpenGLMobject

_RGBAS = ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas")


class _InPlaceFade(_Fade):
    appearing = True

    def begin(self) -> None:
        family = self.mobject.get_family()
        self.in_place = self.lag_ratio == 0 and all(
            isinstance(member, VMobject) or not member.points.size for member in family
        )
        if not self.in_place:
            super().begin()
            return
        members = [member for member in family if isinstance(member, VMobject)]
        self.saved = [(member, [getattr(member, name).copy() for name in _RGBAS]) for member in members]
        # Each member that moves: its points as it is, and where they are when faded.
        self.paths: list[tuple[Mobject | OpenGLMobject, np.ndarray, np.ndarray]] = []
        self.extent: VMobject | None = None  # where it moves through, for the scene's redraw
        if np.any(self.shift_vector) or self.scale_factor != 1:
            centre = self.mobject.get_center()
            direction = -1.0 if self.appearing and not self.point_target else 1.0
            for member in members:
                if member.points.size:
                    points = member.points.copy()
                    faded = (points - centre) * self.scale_factor + centre + direction * self.shift_vector
                    self.paths.append((member, points, faded))
        if self.paths:
            corners = np.concatenate([array for _, start, end in self.paths for array in (start, end)])
            self.extent = VMobject().set_points_as_corners([corners.min(axis=0), corners.max(axis=0)])
        self.target_mobject = self.target_copy = Mobject()
        Animation.begin(self)

    def create_starting_mobject(self) -> Mobject:
        if self.in_place:
            return Mobject()  # the saved arrays are the start
        return cast(Mobject, super().create_starting_mobject())

    def interpolate_mobject(self, alpha: float) -> None:
        if not self.in_place:
            super().interpolate_mobject(alpha)
            return
        eased = self.rate_func(alpha)
        faded = 1.0 - eased if self.appearing else eased  # 0: as the mobject is, 1: gone
        for member, arrays in self.saved:
            for name, saved in zip(_RGBAS, arrays, strict=True):
                current = getattr(member, name)
                if current.shape == saved.shape:
                    current[:, 3] = saved[:, 3] * (1.0 - faded)
        for mover, points, target in self.paths:
            mover.points = points + (target - points) * faded


class FadeIn(_InPlaceFade, ManimFadeIn):
    appearing = True


class FadeOut(_InPlaceFade, ManimFadeOut):
    """Removed at the end, and put back as it was (Manim's FadeOut does too): it may be shown again."""

    appearing = False


WORDS_SHARE = 0.4  # of a change of words in one place: the old fade out in the first, the new in the last


def swap_words(old: Mobject, new: Mobject) -> list[Animation]:
    """Words giving way to others in their place: the old gone before the new show, never
    two at once (a morph from one word to another passes through garbled glyphs)."""
    return [
        FadeOut(old, rate_func=lambda t: smooth(min(1.0, t / WORDS_SHARE))),
        FadeIn(new, rate_func=lambda t: smooth(max(0.0, (t - 1 + WORDS_SHARE) / WORDS_SHARE))),
    ]
