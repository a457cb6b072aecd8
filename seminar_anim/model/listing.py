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


def printed(listings: tuple[Listing, ...]) -> tuple[str, ...]:
    """Everything the listings printed, in the order they ran."""
    return tuple(line for listing in listings for line in listing.prints)


class Transcript:
    """Collects a listing while the real code runs: each line as shown, each print as printed."""

    def __init__(self, device: str, continues: bool = False) -> None:
        self.device = device
        self.lines: list[str] = []
        self.prints: list[str] = []
        self.print_lines: list[int] = []
        self.marks: dict[str, int] = {}
        kind = device.split(":")[0]
        if kind != "cpu" and not continues:
            # The tensors below are made on this device, as this first line says.
            self.line(f"torch.set_default_device('{kind}')")

    def line(self, text: str, mark: str = "") -> int:
        self.lines.append(text)
        if mark:
            self.marks[mark] = len(self.lines) - 1
        return len(self.lines) - 1

    def printed(self, line: int, *values: object) -> None:
        """Record that `print(*values)` on code line `line` ran: print writes their str()s, space-separated."""
        self.prints.append(" ".join(str(value) for value in values))
        self.print_lines.append(line)

    def listing(self) -> Listing:
        return Listing(tuple(self.lines), tuple(self.prints), tuple(self.print_lines), dict(self.marks))
