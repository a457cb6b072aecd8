"""Choose the PyTorch device a scene computes on."""

from __future__ import annotations

import torch

from seminar_anim.errors import DeviceError
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
