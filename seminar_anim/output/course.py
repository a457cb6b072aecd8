"""The course video: a title card and every scene in seminar order, joined with chapters and subtitles."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from seminar_anim import __version__
from seminar_anim.app.catalogue import SceneSpec
from seminar_anim.app.options import QUALITIES, LessonOptions, RenderOptions
from seminar_anim.errors import OutputError
from seminar_anim.output.cache import damage, digest, outputs_of, package_digest, stored_key
from seminar_anim.output.jobs import Outcome, RenderJob, Say, run_renders
from seminar_anim.output.records import CourseChapter, CoursePart, CourseRecord
from seminar_anim.output.staging import staging_folder, sweep
from seminar_anim.output.video import FASTSTART, Clip, measure, mux_interleaved, shifted_packets
from seminar_anim.output.voice import Narrator, encoded_track, loudness, normalised, read_track

COURSE_TITLE = "PyTorch seminar — Day 1"
MIN_CHAPTER_SECONDS = 10  # YouTube ignores a chapter list in which any chapter is shorter
RECORD = "course.json"
THUMBNAIL_SCENE = "autograd"  # the headline frame; the last scene's when autograd is not in the course


@dataclass(frozen=True)
class Chapter:
    title: str
    start: int  # in the joined video's time base
    end: int


@dataclass(frozen=True)
class CourseResult:
    outcomes: list[Outcome]  # one per scene
    paths: list[Path]  # empty when a scene failed
    up_to_date: bool = False


def course_folder(options: RenderOptions) -> Path:
    return options.out / "course" / f"{QUALITIES[options.quality].tag}_{options.theme}"


def build_course(
    specs: list[SceneSpec],
    lesson: LessonOptions,
    options: RenderOptions,
    say: Say,
    *,
    title: str = COURSE_TITLE,
    workers: int = 1,
    force: bool = False,
    min_chapter: float = MIN_CHAPTER_SECONDS,
    shard: tuple[int, int] | None = None,
) -> CourseResult:
    """Render the scenes (skipping up-to-date ones), then join them unless the course is up to date.

    The title card opens the first chapter, so every chapter is one scene. Everything is
    staged in a hidden folder and swapped in whole, like a render. `shard` (K, N): render only
    the K-th of N shares of the scenes, balanced by cost, for `join_course` to join.
    """
    options = course_options(options)
    if shard is not None:
        chosen = shard_of(specs, lesson, shard)
        number, count = shard
        say(f"course shard {number}/{count}: {', '.join(spec.name for spec in chosen) or 'no scene'}")
        outcomes = run_renders([RenderJob(spec, lesson, options, force=force) for spec in chosen], workers, say)
        return CourseResult(outcomes, [path for outcome in outcomes for path in outcome.paths])
    outcomes = run_renders([RenderJob(spec, lesson, options, force=force) for spec in specs], workers, say)
    if any(outcome.error is not None for outcome in outcomes):
        return CourseResult(outcomes, [])

    from seminar_anim.output.render import plan_render

    plans = [plan_render(spec, options) for spec in specs]
    return _assemble(specs, plans, outcomes, options, say, title=title, force=force, min_chapter=min_chapter)


def course_options(options: RenderOptions) -> RenderOptions:
    """A course's parts are MP4 and opaque; narrated unless --no-voice."""
    return RenderOptions(
        quality=options.quality, theme=options.theme, out=options.out, voice=options.voice, narration=options.narration
    )


def shard_of(specs: list[SceneSpec], lesson: LessonOptions, shard: tuple[int, int]) -> list[SceneSpec]:
    """The scenes of shard K of N, in course order: every machine deals the same shares, by the
    cost of drawing each scene (its frames, from a pass over it that draws nothing)."""
    from seminar_anim.output.render import dealt, step_costs

    number, count = shard
    costs = []
    for spec in specs:
        facts, _ = spec.compute(lesson)
        costs.append(sum(step_costs(spec.load_scene(), facts, spec.name, None)))
    shares = dealt(costs, count)
    # dealt() puts the lightest share first; shards count from the heaviest, whichever machine asks.
    ordered = sorted(shares, key=lambda share: (-sum(costs[index] for index in share), min(share)))
    mine = ordered[number - 1] if number <= len(ordered) else frozenset()
    return [spec for index, spec in enumerate(specs) if index in mine]


def join_course(
    specs: list[SceneSpec],
    lesson: LessonOptions,
    options: RenderOptions,
    folders: list[Path],
    say: Say,
    *,
    title: str = COURSE_TITLE,
    force: bool = False,
    min_chapter: float = MIN_CHAPTER_SECONDS,
) -> CourseResult:
    """The course of scenes rendered anywhere (`course --shard`, one folder per machine): each
    scene is taken from the folder whose render has the key this machine computes for these
    options and this code, so a part made with other options or other code is refused."""
    from seminar_anim.output.cache import render_key
    from seminar_anim.output.render import plan_render

    options = course_options(options)
    plans = []
    for spec in specs:
        _, manifest = spec.compute(lesson)
        key = render_key(spec, lesson, options, manifest)
        found = [plan_render(spec, replace(options, out=folder)) for folder in folders]
        matching = [plan for plan in found if stored_key(plan.folder) == key and damage(plan.folder) is None]
        if not matching:
            made = [str(plan.folder) for plan in found if plan.folder.exists()]
            why = (
                f"{', '.join(made)} was made with other options, code or tool versions"
                if made
                else "none of the folders has it"
            )
            raise OutputError(
                f"course --join: no render of {spec.name} for this course ({why}); render its shard again"
            )
        plans.append(matching[0])
    outcomes = [Outcome(spec.name, (plan.primary,), up_to_date=True) for spec, plan in zip(specs, plans, strict=True)]
    return _assemble(specs, plans, outcomes, options, say, title=title, force=force, min_chapter=min_chapter)


def _assemble(
    specs: list[SceneSpec],
    plans: list[Any],
    outcomes: list[Outcome],
    options: RenderOptions,
    say: Say,
    *,
    title: str,
    force: bool,
    min_chapter: float,
) -> CourseResult:
    """The course video of rendered scenes (`plans`), unless it is up to date."""
    from seminar_anim.output.render import files_under, publish

    key = digest(
        {
            "seminar-anim": __version__,
            "package": package_digest(),
            "parts": [[spec.name, stored_key(plan.folder)] for spec, plan in zip(specs, plans, strict=True)],
            "title": title,
            "options": [options.quality, options.theme, options.narrated],
            "min_chapter": min_chapter,
        }
    )
    folder = course_folder(options)
    sweep(folder.parent, ".course-")
    if not force and stored_key(folder, RECORD) == key:
        # Intact means every file the record lists is there, course.mp4 among them.
        reason = damage(folder, RECORD)
        if reason is None:
            say(f"course up to date: {folder / 'course.mp4'}")
            return CourseResult(outcomes, files_under(folder), up_to_date=True)
        say(f"course: rendering again: {reason}")

    started = time.monotonic()
    folder.parent.mkdir(parents=True, exist_ok=True)
    with staging_folder(folder.parent, ".course-") as staging:
        built = staging / "out"
        built.mkdir()
        titles = [spec.chapter for spec in specs]
        say("course: title card")
        card = _render_title_card(title, titles, options, staging / "title", lambda line: say(f"  course: {line}"))
        videos = [card, *(plan.primary for plan in plans)]
        subtitles = [card.with_suffix(".srt"), *(plan.folder / f"{plan.stem}.srt" for plan in plans)]
        clips = [measure(video) for video in videos]
        check_joinable(clips)
        offsets = _offsets(clips)
        chapters = chapter_marks(titles, offsets[1:], offsets[-1] + clips[-1].length)
        check_chapters(chapters, clips[0].time_base, min_chapter)
        say(f"course: joining {len(clips)} parts")
        track = None
        if options.narrated:
            # The parts' sound, each cut or padded to its video's length, joined and encoded once:
            # no encoder delay or padding between chapters, so no gap and no click.
            track = normalised(np.concatenate([read_track(clip.path, float(clip.seconds)) for clip in clips]))
            say(f"course: narration at {loudness(track):.1f} LUFS")
        join(clips, built / "course.mp4", chapters, title, track)
        (built / "chapters.txt").write_text(youtube_chapters(chapters, clips[0].time_base), encoding="utf-8")
        (built / "course.srt").write_text(shifted_subtitles(subtitles, clips, offsets), encoding="utf-8")
        pick = next((plan for spec, plan in zip(specs, plans, strict=True) if spec.name == THUMBNAIL_SCENE), plans[-1])
        _write_thumbnail(pick.primary, title, options.theme, built / "thumbnail.png")
        parts = [("title card", None), *((spec.name, plan.primary) for spec, plan in zip(specs, plans, strict=True))]
        record = _record(key, title, options, parts, clips, offsets, chapters)
        replace(record, outputs=outputs_of(built, RECORD)).write(built / RECORD)
        written = publish(built, folder, staging)
    if len(chapters) < 3:
        say(f"note: YouTube shows chapters only for 3 or more; this course has {len(chapters)}")
    say(f"course: wrote {folder / 'course.mp4'} in {time.monotonic() - started:.1f} s")
    return CourseResult(outcomes, written)


def _render_title_card(title: str, chapters: list[str], options: RenderOptions, folder: Path, say: Say) -> Path:
    from seminar_anim.output.render import RenderPlan, render_facts
    from seminar_anim.output.titlecard import TitleCard, TitleCardScene

    plan = RenderPlan(folder=folder, stem="title", extension="mp4", note=None)
    # A narrated course opens by saying its title (a recording title-01-01.wav says it instead).
    narrator = Narrator(plan.stem, options.narration, say) if options.narrated else None
    render_facts(TitleCardScene, TitleCard(title, tuple(chapters)), plan, options, say, narrator=narrator)
    return plan.primary


def check_joinable(clips: list[Clip]) -> None:
    """Packets join without re-encoding only when every part was encoded alike."""
    first = clips[0]
    for clip in clips[1:]:
        if clip.signature != first.signature:
            raise OutputError(
                f"{clip.path} was encoded differently from {first.path} "
                f"({clip.signature[:6]} against {first.signature[:6]}); run the course again with --force"
            )


def _offsets(clips: list[Clip]) -> list[int]:
    """Where each part starts in the joined video: the sum of the lengths before it."""
    offsets, total = [], 0
    for clip in clips:
        offsets.append(total)
        total += clip.length
    return offsets


def chapter_marks(titles: list[str], starts: list[int], end: int) -> list[Chapter]:
    """One chapter per scene; the first starts at 0, so it includes the title card before it."""
    bounds = [0, *starts[1:], end]
    return [Chapter(title, bounds[index], bounds[index + 1]) for index, title in enumerate(titles)]


def check_chapters(chapters: list[Chapter], time_base: Fraction, min_chapter: float) -> None:
    for chapter in chapters:
        seconds = (chapter.end - chapter.start) * time_base
        if seconds < min_chapter:
            raise OutputError(
                f"chapter {chapter.title!r} would last {float(seconds):.1f} s, but YouTube ignores chapter lists "
                f"with a chapter under {min_chapter:g} s; leave that scene out or lengthen it"
            )


def join(clips: list[Clip], target: Path, chapters: list[Chapter], title: str, track: Any = None) -> None:
    """Copy every part's packets into one MP4, shifted to its offset, with the chapters embedded,
    and `track` (the joined parts' sound) as its sound.

    MP4 keeps chapters twice: a QuickTime chapter track and a Nero `chpl` box (FFmpeg's
    muxer writes both), in milliseconds.
    """
    import av

    time_base = clips[0].time_base
    with av.open(str(target), "w", options=FASTSTART) as output, av.open(str(clips[0].path)) as first:
        output.metadata["title"] = title
        stream = output.add_stream_from_template(first.streams.video[0])
        output.set_chapters(
            [
                {
                    "id": number,
                    "start": chapter.start,
                    "end": chapter.end,
                    "time_base": time_base,
                    "metadata": {"title": chapter.title},
                }
                for number, chapter in enumerate(chapters, start=1)
            ]
        )
        sound = [] if track is None else encoded_track(output, "aac", track)
        mux_interleaved(output, sound, shifted_packets(clips), lambda _packet: stream)


def youtube_chapters(chapters: list[Chapter], time_base: Fraction) -> str:
    """'0:00 Title' lines for a YouTube description: whole seconds, rounded down so a chapter
    never opens after its scene has begun."""
    return "".join(f"{_stamp(int(chapter.start * time_base))} {chapter.title}\n" for chapter in chapters)


def _stamp(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def shifted_subtitles(files: list[Path], clips: list[Clip], offsets: list[int]) -> str:
    """Every part's cues moved to where the part starts, each kept inside its part."""
    import srt

    cues = []
    for path, clip, offset in zip(files, clips, offsets, strict=True):
        start = _delta(offset * clip.time_base)
        end = _delta((offset + clip.length) * clip.time_base)
        for cue in srt.parse(path.read_text(encoding="utf-8")):
            cue.start = min(cue.start + start, end)
            cue.end = min(cue.end + start, end)
            cues.append(cue)
    return str(srt.compose(cues))


def _delta(seconds: Fraction) -> timedelta:
    """A time as SRT keeps it, in whole milliseconds, rounded up: SRT would cut a part's start
    down to the millisecond before it, and its first cue would open in the part before."""
    return timedelta(milliseconds=math.ceil(seconds * 1000))


def _write_thumbnail(video: Path, title: str, theme: str, target: Path) -> None:
    from seminar_anim.output.slides import last_frame
    from seminar_anim.output.titlecard import thumbnail

    thumbnail(last_frame(video), title, theme).save(target)


def _record(
    key: str,
    title: str,
    options: RenderOptions,
    parts: list[tuple[str, Path | None]],
    clips: list[Clip],
    offsets: list[int],
    chapters: list[Chapter],
) -> CourseRecord:
    time_base = clips[0].time_base
    return CourseRecord(
        key=key,
        title=title,
        quality=options.quality,
        theme=options.theme,
        duration=float((offsets[-1] + clips[-1].length) * time_base),
        time_base=str(time_base),
        parts=[
            CoursePart(
                name=name,
                video=None if source is None else str(source),
                offset=float(offset * time_base),
                offset_pts=offset,
                duration=float(clip.seconds),
            )
            for (name, source), clip, offset in zip(parts, clips, offsets, strict=True)
        ],
        chapters=[
            CourseChapter(chapter.title, float(chapter.start * time_base), float(chapter.end * time_base))
            for chapter in chapters
        ],
    )
