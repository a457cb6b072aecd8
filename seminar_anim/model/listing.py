"""Code as a scene shows it, with what its prints printed: plain data, free of torch."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Listing:
    """Code as shown, what its prints printed, and the line of each print."""

    code: tuple[str, ...]
    prints: tuple[str, ...]
    print_lines: tuple[int, ...]
    marks: dict[str, int]  # line of each named moment: "forward", "backward", ...
