"""Palette roles and type sizes, defined once: each colour means one thing in every scene."""

from __future__ import annotations

from dataclasses import dataclass

from seminar_anim.errors import OutputError


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    text: str  # titles, code, labels
    muted: str  # secondary text, node outlines, edges at rest
    panel: str  # code and output panel fill
    forward: str  # values and the forward pass
    backward: str  # gradients and the backward pass
    local: str  # a local derivative on an edge (one factor of the chain rule)
    storage: str  # storage bytes
    highlight: str  # the bar behind the line being executed
    selection: str  # the view's window on storage, the element being addressed
    cpu: str
    gpu: str
    error: str  # what fails: an operation PyTorch refuses
    code_font: str = "DejaVu Sans Mono"


THEMES: dict[str, Theme] = {
    "dark": Theme(
        name="dark",
        background="#16181d",
        text="#e8e6e3",
        muted="#8b929e",
        panel="#232730",
        forward="#f2b134",
        backward="#ef6f9c",
        local="#b4a7f5",
        storage="#4fc3c8",
        highlight="#3d4a63",
        selection="#f0f07a",
        cpu="#7aa2f7",
        gpu="#9ece6a",
        error="#ff6b6b",
    ),
    "light": Theme(
        name="light",
        background="#ffffff",
        text="#1f2328",
        muted="#5c6370",
        panel="#e9edf3",
        forward="#a75d00",
        backward="#c2185b",
        local="#5b3fc4",
        storage="#00838f",
        highlight="#bccff5",
        selection="#e0a800",
        cpu="#1e56b3",
        gpu="#2e7d32",
        error="#c62828",
    ),
}


def get_theme(name: str) -> Theme:
    try:
        return THEMES[name]
    except KeyError:
        raise OutputError(f"unknown theme {name!r}; use one of {', '.join(THEMES)}") from None


# Type sizes in Manim font-size units; the smallest stays readable in a 854x480 render.
TITLE_SIZE = 34
CODE_SIZE = 18
LABEL_SIZE = 22
STRIP_SIZE = 30
SMALL_SIZE = 19
