"""The course's opening title card and its thumbnail, drawn with Manim in the lecture theme."""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from typing import Any

from manim import DOWN, ORIGIN, UP, Rectangle, Scene, VGroup, config, tempconfig

from seminar_anim.visual.fades import FadeIn
from seminar_anim.visual.labels import plain_text
from seminar_anim.visual.lecture import LectureScene
from seminar_anim.visual.theme import LABEL_SIZE, TITLE_SIZE, get_theme

THUMBNAIL_SIZE = (1280, 720)


@dataclass(frozen=True)
class TitleCard:
    """What the card says: the course title and the chapters that follow, in order."""

    title: str
    chapters: tuple[str, ...]


class TitleCardScene(LectureScene):
    """About three seconds: the title, then the chapter list beneath it."""

    def construct(self) -> None:
        card: TitleCard = self.facts
        theme = self.theme
        heading = plain_text(card.title, theme.text, TITLE_SIZE * 1.4)
        chapters = VGroup(*(plain_text(chapter, theme.muted, LABEL_SIZE) for chapter in card.chapters))
        # Up to seven chapters in one column, more in two, read down the first column first.
        rows = len(chapters) if len(chapters) <= 7 else math.ceil(len(chapters) / 2)
        chapters.arrange_in_grid(
            rows=rows, col_alignments="l" * math.ceil(len(chapters) / rows), flow_order="dr", buff=(1.0, 0.22)
        )
        VGroup(heading, chapters).arrange(DOWN, buff=0.6).move_to(ORIGIN)
        # A long course list must still fit inside the frame's safe area.
        limit = config.frame_height * 0.9
        content = VGroup(heading, chapters)
        if content.height > limit:
            content.scale_to_fit_height(limit)
        self.step("title", card.title)
        self.play(FadeIn(heading, shift=0.2 * UP), run_time=0.8)
        self.play(FadeIn(chapters, lag_ratio=0.15), run_time=0.8)
        self.wait(1.4)


def thumbnail(frame: Any, title: str, theme_name: str) -> Any:
    """A 1280x720 PIL image: `frame` (a PIL image) filling the picture, the title on a band across it.

    Manim draws the band and title on a transparent canvas and Pillow lays it over the
    frame (Manim 0.22's ImageMobject fails with Pillow 13).
    """
    import numpy as np
    from PIL import Image

    theme = get_theme(theme_name)
    width, height = THUMBNAIL_SIZE
    settings = {"pixel_width": width, "pixel_height": height, "format": "none", "background_opacity": 0.0}
    with tempfile.TemporaryDirectory(prefix="seminar-anim-") as media, tempconfig({**settings, "media_dir": media}):
        scene = Scene()
        band = Rectangle(
            width=config.frame_width, height=config.frame_height * 0.3, stroke_width=0, fill_opacity=0.88
        ).set_fill(theme.background)
        words = plain_text(title, theme.text, TITLE_SIZE * 2)
        if words.width > config.frame_width * 0.9:
            words.scale_to_fit_width(config.frame_width * 0.9)
        band.to_edge(DOWN, buff=0)  # the top keeps the scene's own title
        scene.add(band, words.move_to(band))
        scene.renderer.update_frame(scene)
        overlay = Image.fromarray(np.asarray(scene.renderer.get_frame()).copy(), "RGBA")
    picture = frame.convert("RGBA").resize(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    return Image.alpha_composite(picture, overlay).convert("RGB")
