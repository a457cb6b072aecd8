"""A scene split over processes, step by step, gives the very video one process gives."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest

from seminar_anim.app.options import LessonOptions, RenderOptions
from seminar_anim.output.render import dealt, plan_render, render_scene
from tests.tiny_scene import tiny_spec

LESSON = LessonOptions(device="cpu")


def frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def test_steps_are_dealt_by_cost_not_by_count() -> None:
    # One expensive step and four cheap ones: by count, two and three; by cost, one against four.
    assert dealt([100.0, 5.0, 5.0, 5.0, 5.0], 2) == [frozenset({1, 2, 3, 4}), frozenset({0})]
    assert dealt([3.0, 3.0, 2.0, 2.0, 2.0], 2) == [frozenset({1, 3}), frozenset({0, 2, 4})]
    assert dealt([1.0, 1.0], 4) == [frozenset({0}), frozenset({1})]  # never more parts than steps


@pytest.mark.xdist_group("split")
def test_a_scene_in_two_parts_is_the_same_video_as_in_one(tmp_path: Path) -> None:
    spec = tiny_spec()
    whole, split = RenderOptions(out=tmp_path / "one"), RenderOptions(out=tmp_path / "two")
    render_scene(spec, LESSON, whole)
    lines: list[str] = []
    render_scene(spec, LESSON, split, lines.append, parts=2)
    assert any(line.startswith("2 parts, by cost") for line in lines)
    assert any(line.startswith("part 2: step") for line in lines)
    one, two = plan_render(spec, whole), plan_render(spec, split)
    assert len(frames(one.primary)) == len(frames(two.primary)) > 0
    for first, second in zip(frames(one.primary), frames(two.primary), strict=True):
        assert np.array_equal(first, second)
    sections = [json.loads((plan.folder / "sections" / "sections.json").read_text()) for plan in (one, two)]
    assert [entry["name"] for entry in sections[0]] == [entry["name"] for entry in sections[1]]
    for entry_one, entry_two in zip(*sections, strict=True):
        clips = [
            frames(plan.folder / "sections" / entry["video"]) for plan, entry in ((one, entry_one), (two, entry_two))
        ]
        assert len(clips[0]) == len(clips[1])
        assert all(np.array_equal(a, b) for a, b in zip(*clips, strict=True))  # the boundaries included
    for name in ("tiny.srt", "tiny.manifest.json"):
        assert (one.folder / name).read_text() == (two.folder / name).read_text()


@pytest.mark.xdist_group("split")
def test_a_course_rendered_in_shards_and_joined_equals_one_made_on_one_machine(tmp_path: Path) -> None:
    from seminar_anim.errors import OutputError
    from seminar_anim.output.course import build_course, join_course, shard_of

    specs = [tiny_spec("tiny-a"), tiny_spec("tiny-b"), tiny_spec("tiny-c")]
    shares = [shard_of(specs, LESSON, (number, 2)) for number in (1, 2)]
    assert sorted(spec.name for share in shares for spec in share) == ["tiny-a", "tiny-b", "tiny-c"]
    assert all(shares)
    quiet = lambda _line: None  # noqa: E731
    for number in (1, 2):
        build_course(specs, LESSON, RenderOptions(out=tmp_path / f"shard-{number}"), quiet, shard=(number, 2))
    assert not (tmp_path / "shard-1" / "course").exists()  # a shard renders scenes, not the course
    folders = [tmp_path / "shard-1", tmp_path / "shard-2"]
    joined = join_course(specs, LESSON, RenderOptions(out=tmp_path / "joined"), folders, quiet, min_chapter=0)
    alone = build_course(specs, LESSON, RenderOptions(out=tmp_path / "alone"), quiet, min_chapter=0)
    assert joined.paths and alone.paths
    here, there = (tmp_path / name / "course" / "480p15_dark" for name in ("joined", "alone"))
    assert len(frames(here / "course.mp4")) == len(frames(there / "course.mp4"))
    assert all(
        np.array_equal(a, b) for a, b in zip(frames(here / "course.mp4"), frames(there / "course.mp4"), strict=True)
    )
    for name in ("course.srt", "chapters.txt"):
        assert (here / name).read_text() == (there / name).read_text()
    chapters = [json.loads((folder / "course.json").read_text())["chapters"] for folder in (here, there)]
    assert chapters[0] == chapters[1]
    # A part rendered with other options is refused, by name.
    with pytest.raises(OutputError, match="tiny-a"):
        join_course(specs, LESSON, RenderOptions(out=tmp_path / "x", theme="light"), folders, quiet, min_chapter=0)


def test_a_scroll_ends_where_it_ends_however_many_frames_draw_it() -> None:
    """A part passes over another part's scroll in one step: it must land on the very points
    that sixty frames of it reach, or the parts' frames would differ in the code panel."""
    from seminar_anim.visual.code import ScrollingCodePanel
    from seminar_anim.visual.layout import Box
    from seminar_anim.visual.theme import get_theme

    lines = tuple(f"x{index} = torch.arange({index})" for index in range(12))
    panels = [ScrollingCodePanel(lines, get_theme("dark"), Box(-6.5, -1.0, 0.0, 3.0)) for _ in range(2)]
    drawn, passed = (panel.highlight(10) for panel in panels)
    for alpha in np.linspace(0.0, 1.0, 61):
        drawn.interpolate(float(alpha))
    passed.interpolate(1.0)
    points = [[member.points for member in panel.get_family() if member.points.size] for panel in panels]
    assert all(np.array_equal(a, b) for a, b in zip(*points, strict=True))
