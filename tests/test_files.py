"""Files that play right everywhere: the index first, colour tags that match the pixels, titles,
names that say their scene, and subtitles a viewer can read."""

from __future__ import annotations

import itertools
import json
import re
import struct
from pathlib import Path

import av
import numpy as np
import pytest
import srt

from seminar_anim.app.options import LessonOptions, RenderOptions
from seminar_anim.output.render import render_scene
from seminar_anim.visual.captions import (
    LINE_CHARACTERS,
    MAX_LINES,
    MAX_SECONDS,
    MIN_SECONDS,
    READING_RATE,
    caption_cues,
)
from seminar_anim.visual.theme import get_theme
from tests.tiny_scene import roles, swatch_spec, tiny_spec

LESSON = LessonOptions(device="cpu")


def top_level_boxes(path: Path) -> list[str]:
    """The MP4's top-level box types in file order, parsed from the bytes."""
    kinds = []
    with path.open("rb") as file:
        while header := file.read(8):
            size, kind = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", file.read(8))[0] - 8
            kinds.append(kind.decode("ascii"))
            if size == 0:
                break
            file.seek(size - 8, 1)
    return kinds


def assert_streamable(path: Path) -> None:
    boxes = top_level_boxes(path)
    assert "moov" in boxes and "mdat" in boxes and boxes.index("moov") < boxes.index("mdat"), (path, boxes)


def title_of(path: Path) -> str:
    with av.open(str(path)) as container:
        return str(container.metadata.get("title", ""))


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("quality", ["low", "high"])
def test_a_decoder_that_honours_the_tags_gives_back_the_role_colours(tmp_path: Path, theme: str, quality: str) -> None:
    render_scene(swatch_spec(), LESSON, RenderOptions(out=tmp_path, quality=quality, theme=theme))
    video = next(tmp_path.glob("swatches/*/swatches.mp4"))
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        context = stream.codec_context
        tags = (context.color_primaries, context.color_trc, context.colorspace, context.color_range)
        frame = next(container.decode(stream))
        # The tags say how to go back to RGB: BT.709 (1) primaries, transfer and matrix, limited range (1).
        assert tags == (1, 1, 1, 1)
        pixels = frame.reformat(format="rgb24", src_colorspace="itu709", src_color_range="MPEG").to_ndarray()
    colours = [getattr(get_theme(theme), role) for role in roles()]
    height, width, _ = pixels.shape
    unit = width / 14.222
    for index, colour in enumerate(colours):
        x = width / 2 if index == 0 else width / 2 + (index - 1 - (len(colours) - 2) / 2) * 1.15 * unit
        y = height / 2 if index else height * 0.8
        got = pixels[int(y), int(x)].astype(int)
        wanted = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
        assert np.abs(got - wanted).max() <= 3, (roles()[index], colour, got)


def test_every_video_is_streamable_titled_and_named_after_its_scene(tmp_path: Path) -> None:
    rendered = render_scene(tiny_spec(), LESSON, RenderOptions(out=tmp_path), slides=True)
    folder = tmp_path / "tiny" / "480p15_dark"
    assert_streamable(folder / "tiny.mp4")
    assert title_of(folder / "tiny.mp4") == "Tiny"
    sections = json.loads((folder / "sections" / "sections.json").read_text())
    slides = json.loads((folder / "slides.json").read_text())["slides"]
    for number, (entry, slide) in enumerate(zip(sections, slides, strict=True), start=1):
        clip = folder / "sections" / entry["video"]
        assert entry["video"] == f"tiny-{number:02d}-{entry['name']}.mp4"
        assert slide["clip"] == f"sections/{entry['video']}"
        assert slide["poster"] == f"sections/tiny-{number:02d}-{entry['name']}.png"
        assert_streamable(clip)
        assert title_of(clip) == f"Tiny: step {number}, {entry['name']}"
    names = [path.name for path in rendered.paths if path.suffix in (".mp4", ".png")]
    assert all(name.startswith("tiny") for name in names)


def test_a_transparent_mov_is_streamable_too(tmp_path: Path) -> None:
    render_scene(tiny_spec(), LESSON, RenderOptions(out=tmp_path, transparent=True))
    folder = tmp_path / "tiny" / "480p15_dark_transparent_mov"
    for video in [folder / "tiny.mov", *sorted(folder.glob("sections/*.mov"))]:
        assert_streamable(video)


LONG = (
    "The chain rule: each gradient is the product of the local derivatives on its path, "
    "summed over every path that reaches it, and PyTorch computes all of them in one backward pass. "
    "Sums happen at fan-out, where one tensor feeds several operations and its gradients add up there."
)


@pytest.mark.parametrize("seconds", [10.0, 20.0, 60.0])
def test_cues_are_short_lines_for_one_to_seven_seconds_inside_their_step(seconds: float) -> None:
    cues = caption_cues(LONG, seconds)
    assert " ".join(cue.text.replace("\n", " ") for cue in cues) == LONG
    for cue in cues:
        lines = cue.text.split("\n")
        assert len(lines) <= MAX_LINES and all(len(line) <= LINE_CHARACTERS for line in lines)
        assert MIN_SECONDS <= cue.duration <= MAX_SECONDS
        assert cue.start >= 0 and cue.start + cue.duration <= seconds + 1e-9
    assert all(first.start + first.duration <= second.start + 1e-9 for first, second in itertools.pairwise(cues))
    # A cue ends where a sentence or a clause ends, unless it is a line of a clause too long for one cue.
    long_clauses = [item for item in re.split(r"(?<=[.,;:])\s+", LONG) if len(item) > LINE_CHARACTERS * MAX_LINES]
    for cue in cues:
        text = cue.text.replace("\n", " ")
        assert text[-1] in ".,;:" or any(text in clause for clause in long_clauses), text


def test_a_clause_longer_than_a_cue_is_split_between_words() -> None:
    clause = "one clause " * 20
    cues = caption_cues(clause, 30.0)
    assert len(cues) > 1 and " ".join(cue.text.replace("\n", " ") for cue in cues) == clause.strip()
    assert all(len(line) <= LINE_CHARACTERS for cue in cues for line in cue.text.split("\n"))


def test_a_long_stretch_shows_each_cue_at_reading_pace_from_its_start() -> None:
    sentence = "x[:, 0] steps over whole rows, 3 elements a hop."
    first, second = caption_cues(sentence, 16.0)
    # The second half follows the first when it has been read, not halfway through the stretch.
    assert first.start == 0 and first.duration == second.start == len(first.text) / READING_RATE
    assert second.duration == MAX_SECONDS


def test_a_step_too_short_for_its_cues_shares_its_time_evenly() -> None:
    cues = caption_cues(LONG, 3.0)
    assert [cue.duration for cue in cues] == [3.0 / len(cues)] * len(cues)
    assert cues[-1].start + cues[-1].duration == pytest.approx(3.0)


def test_a_rendered_scenes_subtitles_follow_the_rule(tmp_path: Path) -> None:
    render_scene(tiny_spec(), LESSON, RenderOptions(out=tmp_path))
    cues = list(srt.parse((tmp_path / "tiny" / "480p15_dark" / "tiny.srt").read_text()))
    assert [cue.content for cue in cues] == [
        "A square appears on the left.",
        "It moves up and turns.",
        "It turns and moves down.",
    ]
    for cue in cues:
        assert all(len(line) <= LINE_CHARACTERS for line in cue.content.split("\n"))
