"""Test support: build a scene without encoding video and capture each step's last frame and texts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from seminar_anim.app.catalogue import SceneSpec
from seminar_anim.app.options import LessonOptions, RenderOptions
from seminar_anim.model.manifest import Manifest
from seminar_anim.output.render import passed_over


@dataclass(frozen=True)
class SectionCapture:
    """The state at the end of one step: the frame as pixels and the text it draws."""

    index: int
    name: str
    caption: str  # the step's subtitle, as spoken
    frame: Any  # numpy array, height x width x channels
    texts: list[Any]  # DrawnText
    frame_width: float
    frame_height: float


def capture_sections(
    spec: SceneSpec, lesson: LessonOptions, theme: str = "dark", quality: str = "low"
) -> tuple[Manifest, list[SectionCapture]]:
    """Build the scene without encoding video (animations skipped) and capture each step's end."""
    from manim import config

    from seminar_anim.visual.lint import drawn_texts

    facts, manifest = spec.compute(lesson)
    captures: list[SectionCapture] = []

    def on_step_end(scene: Any, index: int, name: str) -> None:
        # Drawn afresh, as Manim draws a still: not over the last animation's static image.
        scene.renderer.static_image = None
        scene.renderer.update_frame(scene)
        captures.append(
            SectionCapture(
                index=index,
                name=name,
                caption=" ".join(line.text for line in scene.spoken if line.step == index + 1),
                frame=scene.renderer.get_frame(),
                texts=drawn_texts(list(scene.mobjects)),
                frame_width=config.frame_width,
                frame_height=config.frame_height,
            )
        )

    options = RenderOptions(quality=quality, theme=theme)
    passed_over(spec.load_scene(), facts, spec.name, options, theme=theme, on_step_end=on_step_end)
    return manifest, captures
