"""The numbers audit: every value a scene shows, with where and how PyTorch computed it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

Value = float | int | str


@dataclass(frozen=True)
class Manifest:
    scene: str
    torch: str
    device: str
    dtype: str
    values: dict[str, Value] = field(default_factory=dict)
    prints: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # what the viewer should know about how the values were made
    code: str = ""  # the lesson's code exactly as shown and run (with torch imported)
    # A user's snippet also records its steps (see the README's "manifest of a snippet").
    error: str | None = None  # the last line of the exception the code raised, if it raised one
    steps: tuple[dict[str, object], ...] = ()
    graph: dict[str, object] | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "scene": self.scene,
            "torch": self.torch,
            "device": self.device,
            "dtype": self.dtype,
            "values": dict(self.values),
            "prints": list(self.prints),
            "notes": list(self.notes),
            "code": self.code,
            **({"error": self.error, "steps": list(self.steps), "graph": self.graph} if self.steps else {}),
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2) + "\n"
