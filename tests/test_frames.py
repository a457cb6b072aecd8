"""Each step's last frame at low quality against the stored goldens (tests/goldens/).

These run on every cairo: they compare frames we capture ourselves, not through Manim's
`frames_comparison` (which skips on cairo < 1.18). After a deliberate visual change run
`.venv/bin/python scripts/update_goldens.py` and look at media/golden-diffs/.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from manim import Scene, tempconfig

from seminar_anim.visual.graph import VALUE_SIZE
from seminar_anim.visual.labels import ValueLabel
from seminar_anim.visual.theme import THEMES
from tests.conftest import captured
from tests.snapshots import DIFF_DIR, UPDATE_COMMAND, VARIANTS, Variant, compare, golden_path, load, write_diff


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.name)
def test_section_end_frames_match_the_goldens(variant: Variant) -> None:
    _, captures = captured(variant.scene, variant.theme, variant.expr, variant.at)
    captures = variant.kept(captures)
    failures = []
    for capture in captures:
        path = golden_path(variant, capture)
        assert path.exists(), f"no golden {path}: run {UPDATE_COMMAND}"
        golden = load(path)
        assert golden.shape == (480, 854, 3)
        diff = compare(capture.frame, golden)
        if not diff.matches:
            image = write_diff(capture.frame, golden, DIFF_DIR / variant.name / path.name)
            failures.append(f"{path.name}: {diff.changed_fraction:.2%} of pixels changed, see {image}")
    assert not failures, "; ".join(failures) + f". If intended, run {UPDATE_COMMAND}"


def test_the_comparison_sees_one_changed_digit(tmp_path: Path) -> None:
    frames = []
    for value in (0.8, 0.9):
        settings = {"pixel_width": 854, "pixel_height": 480, "format": "none", "media_dir": str(tmp_path)}
        with tempconfig(settings):
            scene = Scene()
            scene.add(ValueLabel("w.grad", value, THEMES["dark"].backward, VALUE_SIZE))
            scene.renderer.update_frame(scene)
            frames.append(scene.renderer.get_frame())
    assert not compare(frames[0], frames[1]).matches


@pytest.mark.xdist_group("autograd")
def test_the_comparison_sees_a_real_change() -> None:
    _, captures = captured("autograd")
    frame = np.asarray(captures[-1].frame)[..., :3].copy()
    assert compare(frame, frame).matches
    moved = frame.copy()
    moved[100:200, 400:600] = 255 - moved[100:200, 400:600]
    assert not compare(moved, frame).matches
    dark, light = (captured("autograd", theme)[1][-1].frame for theme in ("dark", "light"))
    assert not compare(dark, light).matches
