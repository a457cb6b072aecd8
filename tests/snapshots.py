"""Frame snapshots: each step's last frame at low quality, compared with stored goldens."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from seminar_anim.app.catalogue import SCENES, find_scene
from seminar_anim.app.options import LessonOptions
from seminar_anim.model.user import scene_name
from tests.capture import SectionCapture, capture_sections

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = ROOT / "tests" / "goldens"
DIFF_DIR = ROOT / "media" / "golden-diffs"
UPDATE_COMMAND = ".venv/bin/python scripts/update_goldens.py"
# A pixel counts as changed past this difference in any channel (0-255); a frame fails when
# more than CHANGED_FRACTION of its pixels changed: about 40 pixels at 854x480, fewer than one
# changed digit, more than anti-aliasing noise (frames are bit-identical on the pinned set-up).
PIXEL_TOLERANCE = 32
CHANGED_FRACTION = 0.0001


@dataclass(frozen=True)
class Variant:
    """One snapshot set: a scene with given options and theme."""

    scene: str
    theme: str = "dark"
    expr: str | None = None
    at: tuple[str, ...] = ()

    label: str = ""  # names a variant with an --expr, e.g. "fan-out"
    last_only: bool = False  # keep only the last step's frame (keeps the goldens small)

    @property
    def name(self) -> str:
        scene = scene_name(Path(self.scene)) if self.scene.endswith(".py") else self.scene
        return "-".join(part for part in (scene, self.theme, self.label) if part)

    def capture(self) -> list[SectionCapture]:
        lesson = LessonOptions(device="cpu", expr=self.expr, at=self.at)
        return self.kept(capture_sections(find_scene(self.scene), lesson, theme=self.theme)[1])

    def kept(self, captures: list[SectionCapture]) -> list[SectionCapture]:
        return captures[-1:] if self.last_only else captures


# Every scene but autograd: each step's frame in the dark theme, the last one in the light theme.
LECTURE_SCENES = tuple(spec.name for spec in SCENES if spec.name != "autograd")
# The light theme is checked on scenes that between them use every palette role and every kind
# of drawing (graph, bars, memory blocks, tensor grids, devices); the others share their code.
LIGHT_SCENES = ("data", "memory", "operations", "devices", "accumulation")
VARIANTS = (
    Variant("autograd", "dark"),
    Variant("autograd", "light"),
    *(Variant(scene, "dark") for scene in LECTURE_SCENES),
    *(Variant(scene, "light", last_only=True) for scene in LIGHT_SCENES),
    # A user's file: the generic snippet scene, every step (the README shows its transpose step).
    Variant(str(ROOT / "examples" / "views_and_strides.py")),
)


def golden_path(variant: Variant, capture: SectionCapture) -> Path:
    return GOLDEN_DIR / variant.name / f"{capture.index + 1:02d}_{capture.name}.png"


@dataclass(frozen=True)
class FrameDiff:
    changed_fraction: float
    max_difference: int

    @property
    def matches(self) -> bool:
        return self.changed_fraction <= CHANGED_FRACTION


def rgb(frame: np.ndarray) -> np.ndarray:
    return np.asarray(frame)[..., :3].astype(np.int16)


def compare(frame: np.ndarray, golden: np.ndarray) -> FrameDiff:
    a, b = rgb(frame), rgb(golden)
    if a.shape != b.shape:
        return FrameDiff(changed_fraction=1.0, max_difference=255)
    difference = np.abs(a - b).max(axis=2)
    return FrameDiff(
        changed_fraction=float((difference > PIXEL_TOLERANCE).mean()),
        max_difference=int(difference.max()),
    )


def write_diff(frame: np.ndarray, golden: np.ndarray, target: Path) -> Path:
    """Golden, new frame and their difference side by side; changed pixels in red."""
    new, old = rgb(frame), rgb(golden)
    if new.shape != old.shape:
        old = np.zeros_like(new)
    changed = np.abs(new - old).max(axis=2) > PIXEL_TOLERANCE
    marked = (new // 3).astype(np.uint8)
    marked[changed] = (255, 0, 0)
    strip = np.concatenate([old.astype(np.uint8), new.astype(np.uint8), marked], axis=1)
    target.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(strip).save(target)
    return target


def load(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


def save(frame: np.ndarray, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(frame)[..., :3].astype(np.uint8)).save(path, optimize=True)


def update_goldens(variants: tuple[Variant, ...] = VARIANTS) -> Iterator[str]:
    """Re-capture every variant, write a diff image for each changed frame, replace the goldens."""
    for variant in variants:
        captures = variant.capture()
        wanted = {golden_path(variant, capture) for capture in captures}
        for stale in sorted(set((GOLDEN_DIR / variant.name).glob("*.png")) - wanted):
            stale.unlink()
            yield f"removed {stale.relative_to(ROOT)}"
        for capture in captures:
            path = golden_path(variant, capture)
            if path.exists():
                diff = compare(capture.frame, load(path))
                if diff.matches:
                    yield f"unchanged {path.relative_to(ROOT)}"
                    continue
                image = write_diff(capture.frame, load(path), DIFF_DIR / variant.name / path.name)
                yield (
                    f"updated {path.relative_to(ROOT)}: {diff.changed_fraction:.2%} of pixels changed "
                    f"(diff: {image.relative_to(ROOT)})"
                )
            else:
                yield f"created {path.relative_to(ROOT)}"
            save(capture.frame, path)
