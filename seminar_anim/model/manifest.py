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
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2) + "\n"
