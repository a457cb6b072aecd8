"""The records written beside the videos, one typed definition each: render.json, sections.json,
slides.json and course.json. Each is written and read back only through its class here."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


def _write(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _outputs(data: dict[str, Any]) -> dict[str, tuple[int, str]]:
    """A record's "outputs", as JSON holds them (lists), back as (size, SHA-256) pairs."""
    return {name: (int(size), str(sha)) for name, (size, sha) in (data.get("outputs") or {}).items()}


@dataclass(frozen=True)
class RenderRecord:
    """render.json: the render key, and in words what made the render."""

    key: str
    scene: str
    quality: str
    format: str
    transparent: bool
    theme: str
    version: str  # seminar-anim's
    tools: dict[str, str]
    # Every file the render left beside this record, by path relative to its folder: size, SHA-256.
    outputs: dict[str, tuple[int, str]] = field(default_factory=dict)

    def to_json(self) -> str:
        data = asdict(self)
        data["seminar-anim"] = data.pop("version")
        return json.dumps(data, indent=2) + "\n"

    @staticmethod
    def read(path: Path) -> RenderRecord:
        data = _read(path)
        data["version"] = data.pop("seminar-anim")
        data["outputs"] = _outputs(data)
        return RenderRecord(**data)

    @staticmethod
    def stored_outputs(path: Path) -> dict[str, tuple[int, str]]:
        """The outputs recorded at `path` (render.json or course.json); empty when there are
        none or the record is unreadable."""
        try:
            data = _read(path)
            return _outputs(data) if isinstance(data, dict) else {}
        except (OSError, ValueError, TypeError, AttributeError):
            return {}

    @staticmethod
    def stored_key(path: Path) -> str | None:
        """The key recorded at `path`, or None when there is none or it is unreadable."""
        try:
            data = _read(path)
        except (OSError, ValueError):
            return None
        key = data.get("key") if isinstance(data, dict) else None
        return key if isinstance(key, str) else None


@dataclass(frozen=True)
class SectionEntry:
    """One step's clip in sections/sections.json, as Manim describes it (its video renamed by us)."""

    name: str
    video: str  # the clip's file name, in the sections folder
    duration: float
    extra: dict[str, Any] = field(default_factory=dict)  # Manim's other fields: type, codec, size, frames

    @staticmethod
    def read_all(path: Path) -> list[SectionEntry]:
        entries = []
        for data in _read(path):
            name, video, duration = data.pop("name"), data.pop("video"), float(data.pop("duration"))
            entries.append(SectionEntry(name, video, duration, data))
        return entries

    @staticmethod
    def write_all(path: Path, entries: list[SectionEntry]) -> None:
        # Manim writes the duration as text ("4.000000"); so do we, so players of its format read ours.
        _write(
            path,
            [
                {"name": entry.name, "video": entry.video, "duration": f"{entry.duration:.6f}", **entry.extra}
                for entry in entries
            ],
        )


@dataclass(frozen=True)
class Slide:
    """One step in slides.json: its clip and poster, relative to the render's folder."""

    step: int
    name: str
    clip: str
    poster: str
    duration: float


@dataclass(frozen=True)
class SlidesIndex:
    """slides.json: a scene's steps, one clip and poster each, for a deck."""

    scene: str
    slides: list[Slide]

    def write(self, path: Path) -> None:
        _write(path, asdict(self))

    @staticmethod
    def read(path: Path) -> SlidesIndex:
        data = _read(path)
        return SlidesIndex(data["scene"], [Slide(**slide) for slide in data["slides"]])


@dataclass(frozen=True)
class CoursePart:
    name: str
    video: str | None  # the scene's video it was joined from; None for the title card
    offset: float  # seconds from the course's start
    offset_pts: int  # the same, in the course's time base
    duration: float


@dataclass(frozen=True)
class CourseChapter:
    title: str
    start: float
    end: float


@dataclass(frozen=True)
class CourseRecord:
    """course.json: each part's offset and duration, and the chapters, in seconds."""

    key: str
    title: str
    quality: str
    theme: str
    duration: float
    time_base: str
    parts: list[CoursePart]
    chapters: list[CourseChapter]
    # Every other file of the course folder: size and SHA-256, as in render.json.
    outputs: dict[str, tuple[int, str]] = field(default_factory=dict)

    def write(self, path: Path) -> None:
        _write(path, asdict(self))

    @staticmethod
    def read(path: Path) -> CourseRecord:
        data = _read(path)
        data["parts"] = [CoursePart(**part) for part in data["parts"]]
        data["chapters"] = [CourseChapter(**chapter) for chapter in data["chapters"]]
        data["outputs"] = _outputs(data)
        return CourseRecord(**data)
