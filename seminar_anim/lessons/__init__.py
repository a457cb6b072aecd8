"""The built-in lessons as plain Python source, run by the snippet engine exactly as shown."""

from __future__ import annotations

from importlib import resources


def lesson_source(name: str) -> str:
    """The text of lesson `name` (a file beside this one, `memory` -> memory.py)."""
    return resources.files(__package__).joinpath(f"{name.replace('-', '_')}.py").read_text(encoding="utf-8")
