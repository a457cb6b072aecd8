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
READING_RATE = 15.0  # characters a second a viewer reads a subtitle at (guidelines: 15 to 17)
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


def reading_times(texts: list[str]) -> list[float]:
    """How long each cue takes to read: its characters at READING_RATE, at least MIN_SECONDS."""
    return [max(MIN_SECONDS, len(item) / READING_RATE) for item in texts]


def reading_seconds(text: str) -> float:
    """How long `text`'s cues take to read, one after another."""
    return sum(reading_times(cue_texts(text)))


def caption_cues(text: str, duration: float, spoken: bool = False) -> list[Cue]:
    """The cues of one stretch that lasts `duration` seconds, one after another inside it, from
    its start: with time to read them all, each for its reading time, the last also for the
    time left (at most MAX_SECONDS), so each cue shows while what it says is shown. Without,
    each gets MIN_SECONDS and a share of the rest in proportion to its length; a stretch
    shorter than MIN_SECONDS per cue splits its time evenly.

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
    reading = reading_times(texts)
    if sum(reading) <= duration:
        for index, (item, seconds) in enumerate(zip(texts, reading, strict=True)):
            last = index == len(texts) - 1
            cues.append(Cue(item, start, min(MAX_SECONDS, duration - start if last else seconds)))
            start += seconds
        return cues
    spare = duration - MIN_SECONDS * len(texts)
    for item, weight in zip(texts, weights, strict=True):
        slot = MIN_SECONDS + spare * weight / sum(weights) if spare >= 0 else duration / len(texts)
        cues.append(Cue(item, start, min(MAX_SECONDS, slot)))
        start += slot
    return cues
