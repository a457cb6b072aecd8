"""Plain option records shared by the CLI, the render function and the scenes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from seminar_anim.model.records import DEVICES

__all__ = ["DEVICES", "FORMATS", "QUALITIES", "THEMES", "LessonOptions", "Quality", "RenderOptions"]


@dataclass(frozen=True)
class Quality:
    name: str
    width: int
    height: int
    fps: int

    @property
    def tag(self) -> str:
        return f"{self.height}p{self.fps}"


QUALITIES = {
    "low": Quality("low", 854, 480, 15),
    "medium": Quality("medium", 1280, 720, 30),
    "high": Quality("high", 1920, 1080, 60),
    "4k": Quality("4k", 3840, 2160, 60),
}
FORMATS = ("mp4", "webm", "mov", "gif", "png")
THEMES = ("dark", "light")


@dataclass(frozen=True)
class LessonOptions:
    """What the model computes: the device, and for autograd an expression and its values."""

    device: str = "auto"
    expr: str | None = None
    at: tuple[str, ...] = ()


@dataclass(frozen=True)
class RenderOptions:
    """How a scene is rendered and where its outputs go."""

    quality: str = "low"
    format: str = "mp4"
    transparent: bool = False
    theme: str = "dark"
    out: Path = Path("media")
    voice: bool = False  # narrate with the offline voice, the steps paced by it
    narration: Path | None = None  # the lecturer's recordings, in place of the voice where they exist

    @property
    def narrated(self) -> bool:
        return self.voice or self.narration is not None
