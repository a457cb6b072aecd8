"""Slides, the render cache, the course video and --jobs, on a tiny scene so they stay fast."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
import srt
from click.testing import CliRunner

from seminar_anim.app.cli import main
from seminar_anim.app.options import LessonOptions, RenderOptions
from seminar_anim.errors import OutputError
from seminar_anim.output.cache import render_key
from seminar_anim.output.course import Chapter, CourseResult, build_course, check_chapters
from seminar_anim.output.records import CourseRecord
from seminar_anim.output.render import plan_render, render_scene
from tests.test_files import assert_streamable
from tests.tiny_scene import BROKEN, tiny_facts, tiny_spec

LESSON = LessonOptions(device="cpu")


def frames(video: Path) -> list[np.ndarray]:
    with av.open(str(video)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def test_slides_give_a_clip_and_a_poster_per_step_ending_on_its_last_frame(tmp_path: Path) -> None:
    rendered = render_scene(tiny_spec(), LESSON, RenderOptions(out=tmp_path), slides=True)
    folder = tmp_path / "tiny" / "480p15_dark"
    sections = json.loads((folder / "sections" / "sections.json").read_text())
    slides = json.loads((folder / "slides.json").read_text())["slides"]
    assert [slide["name"] for slide in slides] == [entry["name"] for entry in sections] == ["one", "two", "three"]
    assert len(list(folder.glob("sections/*.mp4"))) == len(list(folder.glob("sections/*.png"))) == 3
    posters = []
    for slide, entry in zip(slides, sections, strict=True):
        assert slide["duration"] == float(entry["duration"])
        assert folder / slide["clip"] in rendered.paths and folder / slide["poster"] in rendered.paths
        with av.open(str(folder / slide["poster"])) as image:
            poster = next(image.decode(video=0)).to_ndarray(format="rgb24")
        assert np.array_equal(poster, frames(folder / slide["clip"])[-1])
        posters.append(poster)
    assert not np.array_equal(posters[0], posters[1])


def test_transparent_webm_slides_keep_the_alpha(tmp_path: Path) -> None:
    from PIL import Image

    render_scene(tiny_spec(), LESSON, RenderOptions(out=tmp_path, format="webm", transparent=True), slides=True)
    folder = tmp_path / "tiny" / "480p15_dark_transparent_webm"
    with Image.open(folder / "sections" / "tiny-01-one.png") as poster:
        assert poster.mode == "RGBA"
        background, square = poster.getpixel((5, 5)), poster.getpixel((427 - 125, 240))
        assert isinstance(background, tuple) and isinstance(square, tuple)
        assert background[3] == 0  # background: see-through
        assert square[3] == 255  # the square, 2 units left of centre


def test_render_key_follows_every_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = tiny_spec()
    options = RenderOptions()
    _, manifest = tiny_facts()
    key = render_key(spec, LESSON, options, manifest)
    assert render_key(spec, LESSON, RenderOptions(out=tmp_path), manifest) == key  # where it goes is no input
    changed = [
        render_key(spec, LESSON, replace(options, theme="light"), manifest),
        render_key(spec, LESSON, replace(options, quality="medium"), manifest),
        render_key(spec, LESSON, replace(options, format="webm"), manifest),
        render_key(spec, LESSON, replace(options, transparent=True), manifest),
        render_key(spec, LESSON, options, tiny_facts(at=("side=3",))[1]),
        render_key(spec, LessonOptions(device="cuda"), options, manifest),
    ]
    assert key not in changed and len(set(changed)) == len(changed)
    # Absolute addresses change with every run and are never drawn: no reason to render again.
    moved = replace(manifest, values={**manifest.values, "address.t": 1234})
    assert render_key(spec, LESSON, options, moved) == key

    source = Path(__file__).with_name("tiny_scene.py")
    (tmp_path / "tiny_copy.py").write_text(source.read_text())
    monkeypatch.syspath_prepend(str(tmp_path))
    copy = replace(spec, scene="tiny_copy:TinyScene")
    before = render_key(copy, LESSON, options, manifest)
    (tmp_path / "tiny_copy.py").write_text(source.read_text().replace("run_time=0.4", "run_time=0.5"))
    assert render_key(copy, LESSON, options, manifest) != before


def test_an_unchanged_render_is_skipped_until_an_input_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = tiny_spec()
    options = RenderOptions(out=tmp_path)
    first = render_scene(spec, LESSON, options)
    assert not first.up_to_date
    stamp = plan_render(spec, options).primary.stat().st_mtime_ns

    lines: list[str] = []
    again = render_scene(spec, LESSON, options, lines.append)
    assert again.up_to_date and again.paths == first.paths
    assert any(line.startswith("up to date") for line in lines)
    # Posters for an up-to-date render come without rendering it again.
    with_slides = render_scene(spec, LESSON, options, slides=True)
    assert with_slides.up_to_date and (tmp_path / "tiny" / "480p15_dark" / "slides.json").exists()
    assert plan_render(spec, options).primary.stat().st_mtime_ns == stamp

    assert not render_scene(spec, LessonOptions(device="cpu", at=("side=3",)), options).up_to_date
    assert not render_scene(spec, LessonOptions(device="cpu", at=("side=3",)), options, force=True).up_to_date
    assert render_scene(spec, LessonOptions(device="cpu", at=("side=3",)), options).up_to_date


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CourseResult]:
    out = tmp_path_factory.mktemp("course")
    specs = [tiny_spec("tiny-a"), tiny_spec("tiny-b")]
    # Tiny scenes run 2.6 s; real ones 30 to 120 s, well over YouTube's 10 s per chapter.
    result = build_course(specs, LESSON, RenderOptions(out=out), lambda _line: None, min_chapter=0)
    return out, result


def test_chapters_start_where_each_scene_starts_in_the_joined_video(course: tuple[Path, CourseResult]) -> None:
    out, result = course
    folder = out / "course" / "480p15_dark"
    assert folder / "course.mp4" in result.paths
    assert_streamable(folder / "course.mp4")
    parts = [frames(out / name / "480p15_dark" / f"{name}.mp4") for name in ("tiny-a", "tiny-b")]
    joined = frames(folder / "course.mp4")
    title_frames = len(joined) - sum(len(part) for part in parts)
    assert title_frames == 45  # the 3 s title card at 15 fps
    with av.open(str(folder / "course.mp4")) as container:
        chapters = container.chapters()
        fps = container.streams.video[0].average_rate
    assert fps is not None
    assert [chapter["metadata"]["title"] for chapter in chapters] == ["Tiny a", "Tiny b"]
    first_frame_of_b = title_frames + len(parts[0])
    starts = [chapter["start"] * Fraction(chapter["time_base"] or 1) for chapter in chapters]
    # The title card opens the first chapter; MP4 keeps chapter times in milliseconds.
    assert starts[0] == 0
    assert abs(starts[1] - Fraction(first_frame_of_b) / fps) <= Fraction(1, 1000)
    assert np.array_equal(joined[title_frames], parts[0][0])
    assert np.array_equal(joined[first_frame_of_b - 1], parts[0][-1])
    assert np.array_equal(joined[first_frame_of_b], parts[1][0])
    assert np.array_equal(joined[-1], parts[1][-1])

    record = CourseRecord.read(folder / "course.json")
    assert [part.offset for part in record.parts] == [0, 3.0, float(Fraction(first_frame_of_b) / fps)]
    youtube = (folder / "chapters.txt").read_text().splitlines()
    assert youtube == ["0:00 Tiny a", f"0:{math.floor(first_frame_of_b / fps):02d} Tiny b"]


def test_subtitles_fall_inside_their_chapter(course: tuple[Path, CourseResult]) -> None:
    out, _ = course
    folder = out / "course" / "480p15_dark"
    record = json.loads((folder / "course.json").read_text())
    cues = list(srt.parse((folder / "course.srt").read_text()))
    assert [cue.content for cue in cues][:2] == ["PyTorch seminar — Day 1", "A square appears on the left."]
    assert len(cues) == 1 + 3 + 3
    owners = [0] * 4 + [1] * 3  # the title card's cue and tiny-a's belong to the first chapter
    for cue, owner in zip(cues, owners, strict=True):
        chapter = record["chapters"][owner]
        assert chapter["start"] <= cue.start.total_seconds() < cue.end.total_seconds() <= chapter["end"] + 0.001
    assert cues[-1].end.total_seconds() == pytest.approx(record["duration"], abs=0.001)


def test_the_thumbnail_and_a_second_run(course: tuple[Path, CourseResult]) -> None:
    from PIL import Image

    out, first = course
    with Image.open(out / "course" / "480p15_dark" / "thumbnail.png") as image:
        assert image.size == (1280, 720)
    again = build_course(
        [tiny_spec("tiny-a"), tiny_spec("tiny-b")], LESSON, RenderOptions(out=out), lambda _line: None, min_chapter=0
    )
    assert again.up_to_date and again.paths == first.paths
    assert all(outcome.up_to_date for outcome in again.outcomes)


def test_a_chapter_under_ten_seconds_is_refused() -> None:
    tick = Fraction(1, 15360)
    check_chapters([Chapter("long", 0, 15360 * 10)], tick, 10)
    with pytest.raises(OutputError, match=r"chapter 'short' would last 9\.9 s.*YouTube"):
        check_chapters([Chapter("long", 0, 15360 * 30), Chapter("short", 15360 * 30, 15360 * 40 - 1536)], tick, 10)


def test_jobs_report_a_failing_scene_at_the_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def tiny_and_broken(names: tuple[str, ...], lesson: LessonOptions) -> list[Any]:
        return [BROKEN, tiny_spec()]

    monkeypatch.setattr("seminar_anim.app.cli._specs", tiny_and_broken)
    result = CliRunner().invoke(main, ["render", "broken", "tiny", "--jobs", "2", "--out", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert (tmp_path / "tiny" / "480p15_dark" / "tiny.mp4").exists()
    assert str(tmp_path / "tiny" / "480p15_dark" / "tiny.mp4") in result.stdout.split()
    assert "tiny: step 3 three done" in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "error: 1 of 2 scenes failed: broken (RuntimeError: the tiny scene broke on purpose)"
    )
    assert not list((tmp_path / "broken").rglob("*.mp4"))


def test_course_and_render_help() -> None:
    result = CliRunner().invoke(main, ["course", "--help"])
    assert result.exit_code == 0
    for option in ("--quality", "--theme", "--jobs", "--force", "--title", "--out", "chapters.txt"):
        assert option in result.output
    assert "--slides" in CliRunner().invoke(main, ["render", "--help"]).output


def test_slides_need_a_video_format(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["render", "memory", "--format", "png", "--slides", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "--slides needs a video format" in result.stderr


def test_every_file_the_readme_links_to_is_in_the_repository() -> None:
    import re

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text()
    linked = [target for target in re.findall(r"\]\(([^)\s#]+)\)", readme) if "://" not in target]
    assert linked, "the README links to files in the repository"
    assert [target for target in linked if not (root / target).exists()] == []
