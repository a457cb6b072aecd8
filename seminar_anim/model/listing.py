"""Code as a scene's panel shows it, with what its prints printed: plain data, free of torch."""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass


@dataclass(frozen=True)
class Listing:
    """One cell's code as shown, what its prints printed, and the line (within the cell) of each print."""

    code: tuple[str, ...]
    prints: tuple[str, ...]
    print_lines: tuple[int, ...]
    marks: dict[str, int]  # line of each named moment, from the source's `# [name]` markers

    def told(self, mark: str) -> str:
        """The print at `mark` and what it printed, as a sentence: `print(c.stride())` shows (2, 1)."""
        line = self.marks[mark]
        shown = self.prints[self.print_lines.index(line)]
        text = self.code[line]
        call = text[: comment_start(text)].strip()
        return f"{call.removeprefix('print(').removesuffix(')')} is {shown}."


def printed(listings: tuple[Listing, ...]) -> tuple[str, ...]:
    """Everything the listings printed, in the order they ran."""
    return tuple(line for listing in listings for line in listing.prints)


def comment_start(line: str) -> int | None:
    """Where the comment of one line of Python starts, if it has one (a `#` in a string is not)."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(line).readline):
            if token.type == tokenize.COMMENT:
                return token.start[1]
    except (tokenize.TokenError, SyntaxError):
        pass  # a line inside a bracket that closes later: its comment was already seen
    return None
