"""The `seminar-anim` command line: each command parses its options and calls one plain function."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from seminar_anim import __version__
from seminar_anim.app.catalogue import SCENES, SceneSpec, find_scene
from seminar_anim.app.options import DEVICES, FORMATS, QUALITIES, THEMES, LessonOptions, RenderOptions
from seminar_anim.errors import USER_ERRORS, OutputError, UnknownSceneError, clipped
from seminar_anim.output.course import COURSE_TITLE
from seminar_anim.output.jobs import Outcome, default_jobs, failure_line, summary, unwind


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn a user's mistake into one line on stderr and exit status 2, never a traceback."""
    try:
        yield
    except USER_ERRORS as error:
        click.echo(f"error: {clipped(str(error), MESSAGE_CHARS)}", err=True)
        sys.exit(2)
    except Exception as error:  # a render's own failure (a full disk, a broken file): one line, status 1
        if os.environ.get(DEBUG_VARIABLE):
            raise
        text = clipped(" ".join(str(error).split()) or "no message", MESSAGE_CHARS)
        click.echo(f"error: {type(error).__name__}: {text} (set {DEBUG_VARIABLE}=1 for the traceback)", err=True)
        sys.exit(1)


MESSAGE_CHARS = 300  # an error message past this is clipped: it repeats the user's input
PATH_CHARS = 80  # a path quoted in a message
DEBUG_VARIABLE = "SEMINAR_ANIM_DEBUG"


_device_option = click.option(
    "--device",
    type=click.Choice(DEVICES),
    default="auto",
    show_default=True,
    help="Where PyTorch computes the values: auto uses CUDA when present, else the CPU.",
)


def _lesson_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        _device_option,
        click.option(
            "--expr",
            metavar="EXPRESSION",
            help="autograd only: trace this expression instead of the seed's, e.g. 'tanh(w1*x1 + w2*x2 + b)'. "
            "Allowed: numbers, names, + - * / **, unary minus, and exp log sin cos tanh sigmoid relu sqrt abs.",
        ),
        click.option(
            "--at",
            "at",
            multiple=True,
            metavar="NAME=VALUE",
            help="autograd only: the value of a variable (repeat for each); without --expr it replaces "
            "the seed's x=2, w=0.5 or b=1.5.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _settled(lesson: LessonOptions) -> LessonOptions:
    """Resolve --device auto once, so a run of many scenes (in many processes) says once
    that it fell back to the CPU; the scenes then compute on the device it chose."""
    if lesson.device != "auto":
        return lesson
    from seminar_anim.model.device import resolve_device

    resolved, note = resolve_device("auto")
    if note:
        click.echo(f"note: {note}", err=True)
    return replace(lesson, device=resolved.type)


def _specs(names: tuple[str, ...], lesson: LessonOptions) -> list[SceneSpec]:
    """The scenes named, each once (the first time it is named), in order."""
    specs: list[SceneSpec] = []
    for spec in (find_scene(name) for name in names):
        if spec.name not in {known.name for known in specs}:
            specs.append(spec)
    if lesson.expr is not None or lesson.at:
        refusing = [spec.name for spec in specs if not spec.takes_expression]
        if refusing:
            raise UnknownSceneError(f"--expr and --at apply to autograd only, not to {', '.join(refusing)}")
    return specs


# Interrupted (Ctrl-C) or terminated (what CI and container time-outs send): the command
# exits with the shell's status for death by that signal, 130 or 143.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


_stopping = threading.Event()


def _progress(line: str) -> None:
    """A progress line on stderr; none once a stop has been said, which stays the last line."""
    if not _stopping.is_set():
        click.echo(line, err=True)


def _stop(number: int, frame: object) -> None:
    """Say so in one line, then unwind like an exception, so every staging folder is removed
    and workers are stopped."""
    _stopping.set()
    name = signal.Signals(number).name
    click.echo(f"stopped by {name}: the previous outputs are as they were, nothing half-written is left", err=True)
    unwind(number, frame)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="seminar-anim")
@click.pass_context
def main(context: click.Context) -> None:
    """Render Day 1 of the PyTorch seminar as animated lecture videos.

    Every number on screen is computed live by PyTorch while the video renders.
    Start with `seminar-anim list`, then `seminar-anim render autograd`; your own
    PyTorch file renders the same way: `seminar-anim render lesson.py`.
    """
    if threading.current_thread() is not threading.main_thread():
        return  # signals reach the main thread only (a test runner may call us from another)
    previous = {number: signal.signal(number, _stop) for number in STOP_SIGNALS}
    context.call_on_close(lambda: [signal.signal(number, handler) for number, handler in previous.items()])


@main.command("list")
def list_command() -> None:
    """List the scenes in seminar order, with what each teaches."""
    width = max(len(spec.name) for spec in SCENES)
    for spec in SCENES:
        click.echo(f"{spec.name:<{width}}  {spec.description}")


@main.command("values")
@click.argument("name")
@_lesson_options
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
def values_command(name: str, device: str, expr: str | None, at: tuple[str, ...], as_json: bool) -> None:
    """Print the values scene NAME (or your .py file) shows: its manifest, computed live, without rendering."""
    lesson = LessonOptions(device=device, expr=expr, at=at)
    with _user_errors():
        (spec,) = _specs((name,), lesson)
        _, manifest = spec.compute(lesson)
    for note in manifest.notes:
        click.echo(f"note: {note}", err=True)
    if as_json:
        click.echo(manifest.to_json(), nl=False)
        return
    click.echo(f"{manifest.scene}: torch {manifest.torch}, {manifest.device}, {manifest.dtype}")
    width = max(len(key) for key in manifest.values)
    for key, value in manifest.values.items():
        click.echo(f"  {key:<{width}}  {value}")
    for line in manifest.prints:
        click.echo(f"  print -> {line}")


def _output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by `render` and `course`: the picture, where it goes, how many at once."""
    options = [
        click.option(
            "--quality",
            type=click.Choice(list(QUALITIES)),
            default="low",
            show_default=True,
            help="low 480p15, medium 720p30, high 1080p60, 4k 2160p60.",
        ),
        click.option(
            "--theme",
            type=click.Choice(THEMES),
            default="dark",
            show_default=True,
            help="dark for video, light for white slides.",
        ),
        click.option(
            "--jobs",
            type=click.IntRange(min=1),
            default=default_jobs(),
            show_default="the number of CPU cores",
            help="Processes at once: scenes first, each in a process of its own; cores left over split a "
            "scene's steps between them (one scene with --jobs 2 renders in two parts). 1 renders in this process.",
        ),
        click.option(
            "--force",
            is_flag=True,
            help="Render even when the outputs are up to date (same code, values, options and tool versions).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


_narration_option = click.option(
    "--narration",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of your own recordings, named as `seminar-anim script NAME` lists them (wav, flac, mp3, "
    "ogg or m4a), spoken in place of the voice; a sentence without its file is spoken by the voice, with a note.",
)


def _shard(text: str) -> tuple[int, int]:
    """`--shard K/N` as (K, N), 1 <= K <= N."""
    number, _, count = text.partition("/")
    if not (number.isdigit() and count.isdigit() and 1 <= int(number) <= int(count)):
        raise OutputError(f"--shard {clipped(text)}: give K/N with 1 <= K <= N, e.g. --shard 2/3")
    return int(number), int(count)


def _out_option(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--out",
        type=click.Path(path_type=str),
        default="media",
        show_default=True,
        help=f"Folder for the outputs: {what}.",
    )


def _out_folder(out: str) -> Path:
    """`--out` as a folder this user can write in (made when the render writes), or an OutputError."""
    if not out.strip():
        raise OutputError("--out is empty: name a folder, e.g. --out media")
    folder = Path(out)
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    given, found = clipped(out, PATH_CHARS), clipped(str(existing), PATH_CHARS)
    if existing.exists() and not existing.is_dir():
        raise OutputError(f"--out {given}: {found} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"--out {given}: no permission to write in {found}")
    return folder


def _report(outcomes: list[Outcome], started: float, paths: list[Path] | None = None) -> None:
    """The paths written on stdout (each scene's, unless given); on stderr the summary, and one
    line naming each failed scene and its error, with exit status 1."""
    for path in paths if paths is not None else [path for outcome in outcomes for path in outcome.paths]:
        click.echo(str(path))
    click.echo(summary(outcomes, time.monotonic() - started), err=True)
    failed = failure_line(outcomes)
    if failed is not None:
        click.echo(f"error: {failed}", err=True)
        sys.exit(1)


@main.command("render")
@click.argument("names", nargs=-1, required=True)
@click.option(
    "--format",
    "format_",
    type=click.Choice(FORMATS),
    default="mp4",
    show_default=True,
    help="mp4, webm or mov video, an animated gif, or png for the last frame only.",
)
@click.option(
    "--transparent",
    is_flag=True,
    help="Transparent background for slide overlays (webm gives VP9 with alpha; mp4 becomes mov).",
)
@click.option(
    "--slides",
    is_flag=True,
    help="Also write a poster PNG per step (the last frame of its clip, RGBA when transparent) "
    "and slides.json listing each step's clip, poster and duration.",
)
@click.option(
    "--voice",
    is_flag=True,
    help="Narrate: each step's sentences spoken by the offline voice, the steps paced by the speech, "
    "in the video's sound and its subtitles. Off by default: a lecturer presenting live speaks over the clips.",
)
@_narration_option
@_output_options
@_lesson_options
@_out_option("OUT/NAME/QUALITY_THEME/ (narrated: QUALITY_THEME_voice/)")
def render_command(
    names: tuple[str, ...],
    quality: str,
    format_: str,
    transparent: bool,
    slides: bool,
    voice: bool,
    narration: Path | None,
    theme: str,
    jobs: int,
    force: bool,
    device: str,
    expr: str | None,
    at: tuple[str, ...],
    out: str,
) -> None:
    """Render the scenes NAMES (see `seminar-anim list`, or a path to your own .py file) and
    print the paths written.

    Each render writes the video, one clip per step in sections/, the subtitles (.srt) and
    the manifest of every value shown. Files are replaced only once complete. A scene whose
    inputs did not change since its last render is reported up to date and not rendered
    again. A scene that fails is reported at the end, the others still render, and the
    exit status is 1.
    """
    from seminar_anim.output.jobs import RenderJob, run_renders

    started = time.monotonic()
    lesson = LessonOptions(device=device, expr=expr, at=at)
    with _user_errors():
        options = RenderOptions(
            quality=quality,
            format=format_,
            transparent=transparent,
            theme=theme,
            out=_out_folder(out),
            voice=voice,
            narration=narration,
        )
        specs = _specs(names, lesson)
        lesson = _settled(lesson)
        render_jobs = [RenderJob(spec, lesson, options, slides=slides, force=force) for spec in specs]
        outcomes = run_renders(render_jobs, jobs, _progress)
    _report(outcomes, started)


@main.command("script")
@click.argument("name")
@_lesson_options
def script_command(name: str, device: str, expr: str | None, at: tuple[str, ...]) -> None:
    """Print the narration of scene NAME (or your .py file), one sentence a line, each after
    the file name its recording must have in a --narration folder.

    Record each line, save it under its name (any of wav, flac, mp3, ogg, m4a), then render
    with --narration FOLDER: a step lasts as long as its recordings take.
    """
    from seminar_anim.output.render import narration_script

    lesson = LessonOptions(device=device, expr=expr, at=at)
    with _user_errors():
        (spec,) = _specs((name,), lesson)
        for file_name, sentence in narration_script(spec, _settled(lesson)):
            click.echo(f"{file_name}\t{sentence}")


@main.command("course")
@click.argument("names", nargs=-1)
@_output_options
@_device_option
@click.option(
    "--title", default=COURSE_TITLE, show_default=True, help="The course title, on the title card and thumbnail."
)
@click.option(
    "--voice/--no-voice",
    default=True,
    show_default=True,
    help="Narrate the course with the offline voice, the steps paced by the speech; --no-voice: silent.",
)
@_narration_option
@click.option(
    "--shard",
    metavar="K/N",
    help="Render only the K-th of N shares of the scenes (balanced by their cost, the same on every machine) "
    "into OUT, for `course --join` to join: one share per CI runner.",
)
@click.option(
    "--join",
    "joined",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="DIR",
    help="Join the scenes rendered by `course --shard` in these folders (repeat it) into the course in OUT; "
    "every part's render key must match this course's options and code.",
)
@_out_option("OUT/course/QUALITY_THEME/, and each scene in OUT/NAME/QUALITY_THEME[_voice]/")
def course_command(
    names: tuple[str, ...],
    quality: str,
    theme: str,
    jobs: int,
    force: bool,
    device: str,
    title: str,
    voice: bool,
    narration: Path | None,
    shard: str | None,
    joined: tuple[Path, ...],
    out: str,
) -> None:
    """Render every scene (or NAMES: scenes and .py files) and join them, in order, into one course video.

    Writes course.mp4 (a title card, then each scene as a chapter embedded in the MP4),
    chapters.txt (YouTube's "0:00 Title" lines for the description), course.srt (every
    step's subtitle at its place in the course), thumbnail.png (1280x720) and course.json
    (each part's offset). Up-to-date scenes and an up-to-date course are not rendered again.
    """
    from seminar_anim.output.course import build_course, join_course

    started = time.monotonic()
    lesson = LessonOptions(device=device)
    with _user_errors():
        options = RenderOptions(quality=quality, theme=theme, out=_out_folder(out), voice=voice, narration=narration)
        specs = _specs(names, lesson) if names else list(SCENES)
        lesson = _settled(lesson)
        if joined:
            if shard is not None:
                raise OutputError("--shard renders a share and --join joins the shares: give one of them")
            result = join_course(specs, lesson, options, list(joined), _progress, title=title, force=force)
        else:
            share = None if shard is None else _shard(shard)
            result = build_course(
                specs, lesson, options, _progress, title=title, workers=jobs, force=force, shard=share
            )
    _report(result.outcomes, started, result.paths)
