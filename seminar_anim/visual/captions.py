"""A step's subtitle as cues a viewer can read: two lines of 42 characters, 1 to 7 seconds each."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

LINE_CHARACTERS = 42  # the broadcast and streaming guideline (BBC, Netflix) for one caption line
MAX_LINES = 2
MIN_SECONDS = 1.0
MAX_SECONDS = 7.0
# Where a subtitle may break, best first: after a sentence, after a clause, then between words.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
CLAUSE_END = re.compile(r"(?<=[,;:])\s+|\s+(?=\u2014)|(?<=\u2014)\s+")


@dataclass(frozen=True)
class Cue:
    text: str  # its lines, joined by newlines
    start: float  # seconds from the step's start
    duration: float


def wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, LINE_CHARACTERS, break_long_words=True, break_on_hyphens=False)


def fits(text: str) -> bool:
    return len(wrapped(text)) <= MAX_LINES


def pieces(text: str) -> list[str]:
    """The subtitle split into parts that each fit a cue, at the best breaks available."""
    parts: list[str] = []
    for sentence in SENTENCE_END.split(text.strip()):
        if fits(sentence):
            parts.append(sentence)
            continue
        for clause in CLAUSE_END.split(sentence):
            if fits(clause):
                parts.append(clause)
            else:  # a clause longer than a cue: whole lines of it, two at a time
                lines = wrapped(clause)
                parts += [" ".join(lines[index : index + MAX_LINES]) for index in range(0, len(lines), MAX_LINES)]
    return [part for part in parts if part]


def cue_texts(text: str) -> list[str]:
    """Neighbouring parts joined while they fit one cue; each cue's lines joined by newlines."""
    cues: list[str] = []
    for part in pieces(text):
        # Clauses of one sentence may share a cue; a new sentence shares one only if it fits too.
        if cues and fits(f"{cues[-1]} {part}"):
            cues[-1] = f"{cues[-1]} {part}"
        else:
            cues.append(part)
    return ["\n".join(wrapped(cue)) for cue in cues]


def caption_cues(text: str, duration: float) -> list[Cue]:
    """The cues of one step that lasts `duration` seconds, one after another inside it: each
    gets MIN_SECONDS and a share of the rest in proportion to its length, and shows for at most
    MAX_SECONDS of its slot. A step shorter than MIN_SECONDS per cue splits its time evenly."""
    texts = cue_texts(text)
    if not texts or duration <= 0:
        return []
    spare = duration - MIN_SECONDS * len(texts)
    weights = [len(item) for item in texts]
    cues, start = [], 0.0
    for item, weight in zip(texts, weights, strict=True):
        slot = MIN_SECONDS + spare * weight / sum(weights) if spare >= 0 else duration / len(texts)
        cues.append(Cue(item, start, min(MAX_SECONDS, slot)))
        start += slot
    return cues
