"""Narration: the offline voice and the lecturer's recordings, pacing the steps, in the sound,
the subtitles and the course; measured by decoding what was written."""

from __future__ import annotations

import json
import math
import os
import wave
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest
import srt
from click.testing import CliRunner

from seminar_anim.app.cli import main
from seminar_anim.app.options import LessonOptions, RenderOptions
from seminar_anim.output.course import build_course
from seminar_anim.output.render import narration_script, plan_render, render_scene
from seminar_anim.output.video import video_seconds
from seminar_anim.output.voice import PEAK, RATE, TARGET_LUFS, decode, encoded_track, loudness, normalised, synthesise
from seminar_anim.visual.captions import cue_texts
from tests.tiny_scene import tiny_spec

pytestmark = pytest.mark.xdist_group("narration")
LESSON = LessonOptions(device="cpu")
SENTENCES = ["A square appears on the left.", "It moves up and turns.", "It turns and moves down."]
RECORDED_SECONDS = 4.0  # the lecturer's recording of step 2: twice what its animations take
FPS = 15


def tone(path: Path, seconds: float) -> None:
    """A recording of known length: a voice-like 180 Hz tone with a syllable rhythm, 16-bit mono."""
    times = np.arange(round(seconds * 22050)) / 22050
    samples = 0.3 * np.sin(2 * math.pi * 180 * times) * (0.6 + 0.4 * np.sin(2 * math.pi * 4 * times))
    with wave.open(str(path), "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(22050)
        file.writeframes((samples * 32767).astype("<i2").tobytes())


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A speech cache of this module's own."""
    folder = tmp_path_factory.mktemp("cache")
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture(scope="module")
def voiced(tmp_path_factory: pytest.TempPathFactory, cache: Path) -> tuple[RenderOptions, list[str]]:
    """The tiny scene narrated: step 2 from a recording, steps 1 and 3 by the voice."""
    out = tmp_path_factory.mktemp("voiced")
    recordings = out / "recordings"
    recordings.mkdir()
    tone(recordings / "tiny-02-01.wav", RECORDED_SECONDS)
    options = RenderOptions(out=out, voice=True, narration=recordings)
    lines: list[str] = []
    render_scene(tiny_spec(), LESSON, options, lines.append)
    return options, lines


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples**2)))


def test_the_script_lists_every_sentence_with_the_file_its_recording_needs() -> None:
    names = [f"tiny-{step:02d}-01.wav" for step in (1, 2, 3)]
    assert narration_script(tiny_spec(), LESSON) == list(zip(names, SENTENCES, strict=True))
    result = CliRunner().invoke(main, ["script", "autograd", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) >= 6 and all(len(row) == 2 and row[1].strip() for row in rows)
    steps = [int(name.split("-")[1]) for name, _ in rows]
    assert steps == sorted(steps) and set(steps) == set(range(1, max(steps) + 1))
    assert rows[0][0] == "autograd-01-01.wav"


def test_sound_and_video_last_equally_and_the_loudness_is_minus_16_lufs(
    voiced: tuple[RenderOptions, list[str]],
) -> None:
    options, _ = voiced
    plan = plan_render(tiny_spec(), options)
    assert plan.folder.name == "480p15_dark_voice"
    with av.open(str(plan.primary)) as container:
        assert [stream.codec_context.name for stream in container.streams.audio] == ["aac"]
    samples = decode(plan.primary)
    assert abs(len(samples) / RATE - video_seconds(plan.primary)) <= 1 / FPS
    assert abs(loudness(samples) - TARGET_LUFS) <= 1.0
    assert np.abs(samples).max() < 1.0  # the gain never clips
    sections = json.loads((plan.folder / "sections" / "sections.json").read_text())
    for entry, sentence in zip(sections, SENTENCES, strict=True):  # each clip: its part of the sound, its cue
        clip = plan.folder / "sections" / entry["video"]
        samples = decode(clip)
        assert abs(len(samples) / RATE - video_seconds(clip)) <= 1 / FPS
        (cue,) = srt.parse(clip.with_suffix(".srt").read_text())
        assert cue.content == sentence
        spoken = samples[round(cue.start.total_seconds() * RATE) : round(cue.end.total_seconds() * RATE)]
        assert rms(spoken) > 10 * rms(samples[round(cue.end.total_seconds() * RATE) + RATE // 20 :])


def test_each_subtitle_is_a_sentence_shown_while_it_is_spoken(voiced: tuple[RenderOptions, list[str]]) -> None:
    options, _ = voiced
    plan = plan_render(tiny_spec(), options)
    cues = list(srt.parse((plan.folder / "tiny.srt").read_text()))
    assert [cue.content for cue in cues] == [text for sentence in SENTENCES for text in cue_texts(sentence)]
    samples = decode(plan.primary)
    inside = np.zeros(len(samples), bool)
    loudness_of_cues = []
    for cue in cues:
        start, end = (round(moment.total_seconds() * RATE) for moment in (cue.start, cue.end))
        inside[start:end] = True
        loudness_of_cues.append((cue.content, rms(samples[start:end])))
    between = samples[~inside]
    assert len(between) > RATE // 2  # the pauses between sentences, and the end
    for content, level in loudness_of_cues:
        assert level > 10 * rms(between), f"no speech under {content!r}: {level:.4f} against {rms(between):.4f}"


def test_a_recording_paces_its_step_and_missing_ones_are_spoken_by_the_voice(
    voiced: tuple[RenderOptions, list[str]],
) -> None:
    options, lines = voiced
    plan = plan_render(tiny_spec(), options)
    sections = json.loads((plan.folder / "sections" / "sections.json").read_text())
    durations = [float(entry["duration"]) for entry in sections]
    # Step 2's animations take 0.8 s: the recording holds it, never cut.
    assert durations[1] >= RECORDED_SECONDS
    assert durations[1] < RECORDED_SECONDS + 1.0
    notes = [line for line in lines if line.startswith("note: no recording")]
    assert len(notes) == 2
    assert "tiny-01-01.wav" in notes[0] and "tiny-03-01.wav" in notes[1]


@pytest.mark.parametrize(("suffix", "codec"), [(".mp4", "aac"), (".webm", "libopus")])
def test_where_lossy_coding_overshoots_the_sound_is_lowered_there_and_keeps_its_loudness(
    tmp_path: Path, suffix: str, codec: str
) -> None:
    """A 0.2 s buzz in a voice-like sound: at -16 LUFS and under the limiter's ceiling, AAC
    still decodes it past 1.0. Lowering the whole track for it took 1.6 LU off the loudness."""
    times = np.arange(6 * RATE) / RATE
    noise = np.random.default_rng(1).normal(0, 1, len(times))
    voice = np.zeros_like(noise)
    for index in range(1, len(noise)):  # brown-ish, as speech is mostly low
        voice[index] = 0.95 * voice[index - 1] + noise[index]
    voice *= (0.5 + 0.5 * np.sin(2 * math.pi * 4 * times)) / np.abs(voice).max()
    buzz = np.sign(np.sin(2 * math.pi * 150 * times)) * ((times > 2) & (times < 2.2))
    track = normalised((0.5 * voice + 0.7 * buzz).astype(np.float32))
    path = tmp_path / f"sound{suffix}"
    with av.open(str(path), "w") as output:
        for packet in encoded_track(output, codec, track):
            output.mux(packet)
    samples = decode(path)
    assert np.abs(samples).max() <= PEAK
    assert abs(loudness(samples) - TARGET_LUFS) <= 0.5


def test_a_sentence_is_synthesised_once(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = synthesise("Once is enough.")
    stamp = first.stat().st_mtime_ns

    def refuse() -> None:
        raise AssertionError("the voice ran again for a cached sentence")

    monkeypatch.setattr("seminar_anim.output.voice._voice", refuse)
    again = synthesise("Once is enough.")
    assert again == first and again.stat().st_mtime_ns == stamp
    with wave.open(str(first)) as file:
        assert file.getnframes() / file.getframerate() > 0.3


def test_the_render_key_names_the_recordings(voiced: tuple[RenderOptions, list[str]]) -> None:
    from seminar_anim.output.render import is_up_to_date

    options, _ = voiced
    assert options.narration is not None
    assert is_up_to_date(tiny_spec(), LESSON, options)
    recording = options.narration / "tiny-02-01.wav"
    kept = recording.read_bytes()
    tone(recording, RECORDED_SECONDS + 1)
    try:
        assert not is_up_to_date(tiny_spec(), LESSON, options)
    finally:
        recording.write_bytes(kept)


def test_a_voiced_course_joins_the_parts_sound_without_gaps(voiced: tuple[RenderOptions, list[str]]) -> None:
    options, _ = voiced
    result = build_course([tiny_spec()], LESSON, options, lambda _line: None, min_chapter=0)
    assert result.outcomes[0].up_to_date  # the part rendered above is reused
    course = options.out / "course" / "480p15_dark" / "course.mp4"
    assert course in result.paths
    samples = decode(course)
    assert abs(len(samples) / RATE - video_seconds(course)) <= 1 / FPS
    assert abs(loudness(samples) - TARGET_LUFS) <= 1.0
    part = decode(plan_render(tiny_spec(), options).primary)
    record = json.loads((course.parent / "course.json").read_text())
    offset = round(record["parts"][1]["offset"] * RATE)  # the title card comes first, its title said
    assert rms(samples[:offset]) > 0.02
    # The part's sound in place: no gap, no shift (to a millisecond), only coding noise.
    length = round(record["parts"][1]["duration"] * RATE)
    lags = np.correlate(samples[offset - 480 : offset + length + 480], part[:length], mode="valid")
    assert abs(int(np.argmax(lags)) - 480) <= RATE // 1000
    assert np.corrcoef(samples[offset : offset + length], part[:length])[0, 1] > 0.98
