"""Code as a scene's panel shows it, with what its prints printed: plain data, free of torch."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Listing:
    """One cell's code as shown, what its prints printed, and the line (within the cell) of each print."""

    code: tuple[str, ...]
    prints: tuple[str, ...]
    print_lines: tuple[int, ...]
    marks: dict[str, int]  # line of each named moment, from the source's `# [name]` markers


def printed(listings: tuple[Listing, ...]) -> tuple[str, ...]:
    """Everything the listings printed, in the order they ran."""
    return tuple(line for listing in listings for line in listing.prints)
