"""The in-place fades draw what Manim's fades draw, at every moment, without copying."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from manim import DOWN, RIGHT, Animation, Scene, Square, Text, VGroup
from manim import FadeIn as ManimFadeIn
from manim import FadeOut as ManimFadeOut

from seminar_anim.visual.fades import FadeIn, FadeOut


def _group() -> VGroup:
    return VGroup(Square().set_fill("#4fc3c8", 0.6), Text("x[1]").shift(RIGHT)).shift(0.5 * DOWN)


def _state(group: VGroup) -> list[np.ndarray]:
    """Every member's points and colours, as drawn."""
    members = group.family_members_with_points()
    return [
        np.asarray(getattr(member, name)) for name in ("points", "fill_rgbas", "stroke_rgbas") for member in members
    ]


@pytest.mark.parametrize(("ours", "manims"), [(FadeIn, ManimFadeIn), (FadeOut, ManimFadeOut)])
@pytest.mark.parametrize("options", [{}, {"shift": 0.3 * DOWN}, {"scale": 1.5}])
def test_an_in_place_fade_matches_manims_at_every_moment(
    ours: type[Animation], manims: type[Animation], options: dict[str, Any]
) -> None:
    mine, theirs = _group(), _group()
    animation, reference = ours(mine, **options), manims(theirs, **options)
    animation.begin()
    reference.begin()
    for alpha in (0.0, 0.25, 0.5, 0.9, 1.0):
        animation.interpolate(alpha)
        reference.interpolate(alpha)
        for got, expected in zip(_state(mine), _state(theirs), strict=True):
            assert np.allclose(got, expected, atol=1e-9), alpha


def test_a_faded_out_mobject_is_removed_and_put_back_as_it_was() -> None:
    group = _group()
    before = [array.copy() for array in _state(group)]
    scene = Scene()
    scene.add(group)
    animation = FadeOut(group, shift=DOWN)
    animation.begin()
    animation.interpolate(0.6)
    assert not np.allclose(_state(group)[0], before[0])
    animation.finish()
    animation.clean_up_from_scene(scene)
    assert group not in scene.mobjects
    assert all(np.array_equal(got, expected) for got, expected in zip(_state(group), before, strict=True))
