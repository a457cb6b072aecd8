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
