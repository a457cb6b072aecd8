"""Shared, session-wide captures: building a scene is the slow part, so each variant is built once."""

from __future__ import annotations

from seminar_anim.catalogue import find_scene
from seminar_anim.model.manifest import Manifest
from seminar_anim.options import LessonOptions
from seminar_anim.render import SectionCapture, capture_sections

Captured = tuple[Manifest, list[SectionCapture]]
_cache: dict[tuple[str, str, str | None, tuple[str, ...]], Captured] = {}


def captured(scene: str, theme: str = "dark", expr: str | None = None, at: tuple[str, ...] = ()) -> Captured:
    key = (scene, theme, expr, at)
    if key not in _cache:
        _cache[key] = capture_sections(find_scene(scene), LessonOptions(device="cpu", expr=expr, at=at), theme=theme)
    return _cache[key]


def clean_capture(scene: str, theme: str, steps: list[str]) -> Captured:
    """Capture a scene and check the structure tier at every step's end: the steps are the
    expected ones, no text overlaps or leaves the safe area, and every drawn value is the
    manifest's at display precision."""
    from seminar_anim.visual.labels import format_value
    from seminar_anim.visual.lint import layout_problems

    manifest, captures = captured(scene, theme=theme)
    assert [capture.name for capture in captures] == steps
    for capture in captures:
        assert layout_problems(capture.texts, capture.frame_width, capture.frame_height) == [], capture.name
        for text in capture.texts:
            if text.key is None:
                continue
            assert not text.key.startswith("address."), "absolute addresses are never drawn"
            assert text.key in manifest.values, f"{capture.name}: {text.key} is drawn but not in the manifest"
            assert text.text == format_value(manifest.values[text.key]), f"{capture.name}: {text.key}"
    return manifest, captures
