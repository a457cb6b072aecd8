"""A step's subtitle as cues a viewer can read: one line of 42 characters, 1 to 7 seconds each.

Guidelines allow two lines, but a player draws two (libass, as `ffmpeg -vf subtitles=` burns
them in: 16/288 of the height a line, over a 10/288 margin) up to 16% of the frame's height,
over the scene's lowest line; one line stays inside the band the scenes keep free (12%)."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

LINE_CHARACTERS = 42  # the broadcast and streaming guideline (BBC, Netflix) for one caption line
MAX_LINES = 1
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


def wrapped(text: str, width: int = LINE_CHARACTERS) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False)


def balanced(text: str) -> list[str]:
    """As few lines as `wrapped` makes, but of even lengths: no lone word on the last one."""
    count = len(wrapped(text))
    for width in range(len(text) // count, LINE_CHARACTERS):
        lines = wrapped(text, width)
        if len(lines) == count:
            return lines
    return wrapped(text)


def fits(text: str) -> bool:
    return len(wrapped(text)) <= MAX_LINES


def sentences(text: str) -> list[str]:
    """A narration's sentences, in order."""
    return [part for part in SENTENCE_END.split(text.strip()) if part]


def bracket_depth(text: str) -> int:
    """How many more brackets `text` opens than it closes."""
    return sum(text.count(bracket) for bracket in "([{") - sum(text.count(bracket) for bracket in ")]}")


def clauses(sentence: str) -> list[str]:
    """A sentence cut at its clause ends, but never inside brackets: `reshape([2, 2])` stays whole."""
    parts, start = [], 0
    for found in CLAUSE_END.finditer(sentence):
        if bracket_depth(sentence[: found.start()]) == 0:
            parts.append(sentence[start : found.start()])
            start = found.end()
    return [*parts, sentence[start:]]


def chunks(sentence: str) -> list[tuple[str, bool]]:
    """A sentence as parts that each fit a cue, at its best breaks; True for a whole clause,
    False for a line of a clause too long for one cue."""
    if fits(sentence):
        return [(sentence, True)]
    parts: list[tuple[str, bool]] = []
    for clause in clauses(sentence):
        if fits(clause):
            parts.append((clause, True))
        else:
            lines = balanced(clause)
            parts += [(" ".join(lines[index : index + MAX_LINES]), False) for index in range(0, len(lines), MAX_LINES)]
    return [part for part in parts if part[0]]


def cue_texts(text: str) -> list[str]:
    """Whole clauses and sentences joined while they fit one cue (a piece of a long clause
    stays alone); each cue's lines joined by newlines."""
    cues: list[str] = []
    joinable = False
    for sentence in sentences(text):
        for part, whole in chunks(sentence):
            if whole and joinable and fits(f"{cues[-1]} {part}"):
                cues[-1] = f"{cues[-1]} {part}"
            else:
                cues.append(part)
            joinable = whole
    return ["\n".join(wrapped(cue)) for cue in cues]


def caption_cues(text: str, duration: float, spoken: bool = False) -> list[Cue]:
    """The cues of one step that lasts `duration` seconds, one after another inside it: each
    gets MIN_SECONDS and a share of the rest in proportion to its length, and shows for at most
    MAX_SECONDS of its slot. A step shorter than MIN_SECONDS per cue splits its time evenly.

    `spoken`: the text is one sentence said in `duration` seconds; its cues share that time in
    proportion to their length, as speech goes, each shown for the whole of its share."""
    texts = cue_texts(text)
    if not texts or duration <= 0:
        return []
    weights = [len(item) for item in texts]
    cues, start = [], 0.0
    if spoken:
        for item, weight in zip(texts, weights, strict=True):
            share = duration * weight / sum(weights)
            cues.append(Cue(item, start, share))
            start += share
        return cues
    spare = duration - MIN_SECONDS * len(texts)
    for item, weight in zip(texts, weights, strict=True):
        slot = MIN_SECONDS + spare * weight / sum(weights) if spare >= 0 else duration / len(texts)
        cues.append(Cue(item, start, min(MAX_SECONDS, slot)))
        start += slot
    return cues
