"""Choose the PyTorch device a scene computes on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

import torch

from seminar_anim.errors import DeviceError
from seminar_anim.model.manifest import Manifest, Value
from seminar_anim.options import DEVICES


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
    """What a scene's lesson reports about where and how its values were computed."""

    @property
    def device(self) -> str: ...

    @property
    def torch_version(self) -> str: ...

    @property
    def dtype(self) -> str: ...

    @property
    def prints(self) -> tuple[str, ...]: ...


def on_device(
    scene: str, lesson: Callable[[torch.device], L], values: Callable[[L], dict[str, Value]]
) -> Callable[..., tuple[L, Manifest]]:
    """A scene's `facts` function for the CLI: resolve --device, run the lesson, build its manifest."""

    def facts(device: str = "auto", expr: str | None = None, at: tuple[str, ...] = ()) -> tuple[L, Manifest]:
        resolved, note = resolve_device(device)
        result = lesson(resolved)
        manifest = Manifest(
            scene=scene,
            torch=result.torch_version,
            device=result.device,
            dtype=result.dtype,
            values=values(result),
            prints=result.prints,
            notes=(note,) if note else (),
        )
        return result, manifest

    return facts
