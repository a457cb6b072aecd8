"""Choose the PyTorch device a scene computes on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Protocol, TypeVar

import torch

from seminar_anim.errors import DeviceError
from seminar_anim.model.manifest import Manifest, Value
from seminar_anim.model.records import DEVICES, SnippetRun


def resolve_device(name: str) -> tuple[torch.device, str | None]:
    """The device for `auto`, `cpu` or `cuda`, and a note to print once when `auto` falls back."""
    if name == "cpu":
        return torch.device("cpu"), None
    if name == "cuda":
        if not torch.cuda.is_available():
            raise DeviceError(
                "--device cuda was asked for, but PyTorch sees no CUDA device here "
                f"(torch {torch.__version__}); use --device cpu or --device auto"
            )
        return torch.device("cuda"), None
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda"), None
        return torch.device("cpu"), "no CUDA device found: computing on the CPU"
    raise DeviceError(f"unknown device {name!r}: use one of {', '.join(DEVICES)}")


L = TypeVar("L", bound="Lesson")


class Lesson(Protocol):
    """A lesson's facts: they carry the engine's run of the lesson's source."""

    @property
    def run(self) -> SnippetRun: ...


def on_device(
    scene: str, lesson: Callable[[torch.device], L], values: Callable[[L], dict[str, Value]]
) -> Callable[..., tuple[L, Manifest]]:
    """A scene's `facts` function for the CLI: resolve --device, run the lesson, build its manifest."""

    def facts(device: str = "auto", expr: str | None = None, at: tuple[str, ...] = ()) -> tuple[L, Manifest]:
        resolved, note = resolve_device(device)
        result = lesson(resolved)
        manifest = lesson_manifest(scene, result.run, values(result), (note,) if note else ())
        # A lesson may say better than its run which dtype, device and prints describe it.
        overrides = {
            name: getattr(result, name) for name in ("dtype", "device", "prints", "code") if hasattr(result, name)
        }
        return result, replace(manifest, **overrides)

    return facts


def lesson_manifest(scene: str, run: SnippetRun, values: dict[str, Value], notes: tuple[str, ...]) -> Manifest:
    """The manifest of a lesson run by the engine: its code, its prints, and the values its scene draws."""
    return Manifest(
        scene=scene,
        torch=run.torch_version,
        device=run.device,
        dtype=run.dtype,
        values=values,
        prints=run.prints,
        notes=notes,
        code=run.source,
    )
