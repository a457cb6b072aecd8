"""Configure Manim for one render, run a scene, and move its outputs into place atomically."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import srt

from seminar_anim.app.catalogue import SceneSpec
from seminar_anim.app.options import QUALITIES, LessonOptions, RenderOptions
from seminar_anim.errors import OutputError
from seminar_anim.model.manifest import Manifest
from seminar_anim.output.cache import KEY_FILE, damage, key_record, render_key, stored_key, with_outputs
from seminar_anim.output.jobs import process_pool, report
from seminar_anim.output.records import RenderRecord, SectionEntry
from seminar_anim.output.slides import SECTIONS_INDEX, SLIDES_INDEX, write_slides
from seminar_anim.output.staging import staging_folder, sweep
from seminar_anim.output.video import concatenate, encoder_options, finish_video, video_seconds
from seminar_anim.output.voice import RATE, Narrator, Speech, audio_codec, mix, normalised

Progress = Callable[[str], None]
TYPST_CACHE = Path(tempfile.gettempdir()) / "seminar-anim-typst"
GIF_BLENDS = 16  # shades from the background to each role colour, for anti-aliased edges


@dataclass(frozen=True)
class RenderPlan:
    """Where one render's outputs go and in which container."""

    folder: Path
    stem: str
    extension: str
    note: str | None  # said once when an option had to be adapted
    title: str = ""  # the video's title tag; its clips add their step

    @property
    def manim_extension(self) -> str:
        # Manim's own GIFs run to hundreds of MB; we encode an MP4 and convert it (see _mp4_to_gif).
        return "mp4" if self.extension == "gif" else self.extension

    @property
    def primary(self) -> Path:
        return self.folder / f"{self.stem}.{self.extension}"


def plan_render(spec: SceneSpec, options: RenderOptions) -> RenderPlan:
    quality = QUALITIES[options.quality]
    extension, note = options.format, None
    if options.transparent and options.format == "mp4":
        extension, note = "mov", "MP4 (H.264) has no alpha channel: writing a transparent MOV instead"
    if options.transparent and options.format == "gif":
        raise OutputError("--transparent needs webm, mov or png; GIF has no smooth alpha")
    # One folder per kind of output, so a PNG poster never replaces the MP4 beside it.
    tag = f"{quality.tag}_{options.theme}" + ("_transparent" if options.transparent else "")
    tag += "" if extension == "mp4" else f"_{extension}"
    tag += "_voice" if options.narrated else ""  # a narrated render never replaces the silent one
    if options.narrated and extension in ("gif", "png"):
        note = f"a {extension.upper()} has no sound: the narration only paces the steps and their subtitles"
    return RenderPlan(
        folder=options.out / spec.name / tag, stem=spec.name, extension=extension, note=note, title=spec.chapter
    )


def manim_config(options: RenderOptions, media_dir: Path, extension: str, stem: str) -> dict[str, Any]:
    """The Manim settings for one render; every key is checked, since Manim drops unknown ones."""
    from manim import config

    quality = QUALITIES[options.quality]
    settings: dict[str, Any] = {
        "media_dir": str(media_dir),
        "pixel_width": quality.width,
        "pixel_height": quality.height,
        "frame_rate": quality.fps,
        "format": extension,
        "transparent": options.transparent,
        "save_sections": extension not in ("png", "none"),
        "output_file": stem,
        "disable_caching": True,
        "video_encoder_options": encoder_options(extension, options.transparent),
        "progress_bar": "none",
        "verbosity": "WARNING",
        "write_all": False,
        "preview": False,
    }
    unknown = [key for key in settings if key not in config]
    if unknown:
        raise RuntimeError(f"this Manim ({_manim_version()}) has no settings {unknown}")
    return settings


def _manim_version() -> str:
    import manim

    return manim.__version__


@contextmanager
def manim_settings(settings: dict[str, Any]) -> Iterator[None]:
    from manim import tempconfig

    with _private_typst_cache() as tex_dir, tempconfig({**settings, "tex_dir": str(tex_dir)}):
        yield


@contextmanager
def _private_typst_cache() -> Iterator[Path]:
    """A folder of this process's own, seeded with the shared cache's SVGs, whose new SVGs
    join the shared cache when the render ends.

    Typst's SVGs depend only on their source, so one shared cache saves recompiling every
    label; but Manim writes an SVG in place and trusts any file that exists, so two
    processes sharing the folder (--jobs, parallel tests) could read each other's
    half-written files. Each publishes whole files only, with an atomic rename.
    """
    TYPST_CACHE.mkdir(parents=True, exist_ok=True)
    with staging_folder(TYPST_CACHE, "private-") as private:
        known = {path.name for path in TYPST_CACHE.glob("*.svg")}
        for name in known:
            _link_or_copy(str(TYPST_CACHE / name), str(private / name))
        try:
            yield private
        finally:
            for svg in private.glob("*.svg"):
                if svg.name not in known:
                    staged = TYPST_CACHE / f".{svg.name}.{os.getpid()}"
                    shutil.copyfile(svg, staged)
                    os.replace(staged, TYPST_CACHE / svg.name)


@dataclass(frozen=True)
class Rendered:
    """What one render call left on disk, and whether it was already up to date."""

    paths: list[Path]
    up_to_date: bool = False


def render_scene(
    spec: SceneSpec,
    lesson: LessonOptions,
    options: RenderOptions,
    progress: Progress | None = None,
    *,
    slides: bool = False,
    force: bool = False,
    parts: int = 1,
) -> Rendered:
    """Render one scene unless its outputs are up to date; earlier outputs survive any failure.

    `slides` adds a poster PNG per step and slides.json; `force` renders even when the
    render key (see seminar_anim.output.cache) matches the one stored beside the outputs;
    `parts` splits the scene's steps over that many processes (the same video, sooner).
    """
    say = progress or (lambda _line: None)
    plan = plan_render(spec, options)
    check_slides(plan, slides)
    # What killed runs left here goes first, whether or not this one renders.
    sweep(plan.folder.parent, f".{plan.stem}-")
    sweep(TYPST_CACHE, "private-")
    facts, manifest = spec.compute(lesson)
    for note in manifest.notes:
        say(f"note: {note}")
    key = render_key(spec, lesson, options, manifest)
    if not force and _is_current(plan, key, say):
        if slides and not (plan.folder / SLIDES_INDEX).exists():
            say("up to date; adding the slide posters")
            return Rendered(_add_slides(plan), up_to_date=True)
        say(f"up to date: {plan.primary}")
        return Rendered(files_under(plan.folder), up_to_date=True)
    if plan.note:
        say(f"note: {plan.note}")
    started = time.monotonic()
    record = key_record(key, spec, options)
    scene_class = spec.load_scene()
    narrator = Narrator(plan.stem, options.narration, say) if options.narrated else None
    split = Split(spec, lesson, parts) if parts > 1 and plan.extension != "png" else None
    written = render_facts(
        scene_class,
        facts,
        plan,
        options,
        say,
        manifest=manifest,
        record=record,
        slides=slides,
        narrator=narrator,
        split=split,
    )
    say(f"rendered {plan.primary} in {time.monotonic() - started:.1f} s")
    return Rendered(written)


def is_up_to_date(spec: SceneSpec, lesson: LessonOptions, options: RenderOptions) -> bool:
    """Whether the stored render matches the current inputs; computes the manifest, loads no manim."""
    plan = plan_render(spec, options)
    _, manifest = spec.compute(lesson)
    return _is_current(plan, render_key(spec, lesson, options, manifest))


def check_slides(plan: RenderPlan, slides: bool) -> None:
    if slides and plan.extension == "png":
        raise OutputError("--slides needs a video format (mp4, webm, mov or gif): a PNG has no steps to clip")


def _is_current(plan: RenderPlan, key: str, say: Progress | None = None) -> bool:
    """Whether the stored render has this key and every output it lists is intact; `say` is
    told why a render of this key must be made again."""
    if stored_key(plan.folder) != key or not plan.primary.exists():
        return False
    reason = damage(plan.folder)
    if reason is not None and say is not None:
        say(f"rendering again: {reason}")
    return reason is None


def render_facts(
    scene_class: Any,
    facts: Any,
    plan: RenderPlan,
    options: RenderOptions,
    say: Progress,
    *,
    manifest: Manifest | None = None,
    record: RenderRecord | None = None,
    slides: bool = False,
    narrator: Narrator | None = None,
    split: Split | None = None,
) -> list[Path]:
    """Render `scene_class` on `facts` into plan.folder, swapped in only once every file is
    complete; with a `narrator`, its speech paces the steps and is the files' sound; with a
    `split`, other processes draw some of the steps, and their clips join this one's."""
    started = time.monotonic()
    shares: list[frozenset[int] | None] = [None]
    if split is not None:
        costs = step_costs(scene_class, facts, plan.stem, narrator)
        shares = [*dealt(costs, split.parts)]
        say(f"{len(shares)} parts, by cost: " + "; ".join(_steps_text(share) for share in shares if share))

    def on_step_end(_scene: Any, index: int, name: str) -> None:
        if shares[0] is None or index in shares[0]:
            part = "" if len(shares) == 1 else "part 1: "
            say(f"{part}step {index + 1} {name} done ({time.monotonic() - started:.1f} s)")

    plan.folder.parent.mkdir(parents=True, exist_ok=True)
    with staging_folder(plan.folder.parent, f".{plan.stem}-") as staging:
        media = staging / "manim"
        with ExitStack() as helpers:
            others: list[tuple[Path, Future[None]]] = []
            if split is not None and len(shares) > 1:
                pool = helpers.enter_context(
                    process_pool(len(shares) - 1, lambda _index, line: say(line) if line is not None else None)
                )
                for number, share in enumerate(shares[1:], start=2):
                    folder = staging / f"part-{number}"
                    assert share is not None
                    task = Part(split.spec, split.lesson, options, plan, share, folder, number)
                    others.append((folder, pool.submit(render_part, task)))
            with manim_settings(manim_config(options, media, plan.manim_extension, plan.stem)):
                scene = scene_class(
                    facts=facts, theme=options.theme, on_step_end=on_step_end, narrator=narrator, share=shares[0]
                )
                scene.render()
            for _, future in others:
                future.result()  # a part that failed fails the render
        if others:
            join_parts(media, [folder for folder, _ in others], plan)
        built = staging / "out"
        spoken = None if narrator is None else [(line.start, line.speech) for line in scene.spoken]
        if spoken:
            speech = sum(speech.seconds for _, speech in spoken)
            say(f"narration: {len(spoken)} sentences, {speech:.1f} s of speech in {scene.time:.1f} s")
        _collect(media, plan, built, options.theme, spoken)
        if manifest is not None:
            (built / f"{plan.stem}.manifest.json").write_text(manifest.to_json(), encoding="utf-8")
        if slides:
            write_slides(built, plan.stem)
        if record is not None:
            (built / KEY_FILE).write_text(with_outputs(record, built), encoding="utf-8")
        return publish(built, plan.folder, staging)


@dataclass(frozen=True)
class Split:
    """A scene rendered in parts: what a fresh process needs to build the same scene."""

    spec: SceneSpec
    lesson: LessonOptions
    parts: int


@dataclass(frozen=True)
class Part:
    """One process's share of a split render: the steps it draws, and where."""

    spec: SceneSpec
    lesson: LessonOptions
    options: RenderOptions
    plan: RenderPlan
    share: frozenset[int]
    media: Path
    number: int  # from 2: the first part is the render's own process


def render_part(part: Part) -> None:
    """In a worker process: build the scene and draw only the part's steps, passing over the
    others (their clock still runs, so every frame lands where the whole scene has it)."""
    started = time.monotonic()
    facts, _ = part.spec.compute(part.lesson)
    plan, options = part.plan, part.options
    # Its narration paces the steps as the first part's does (the sentences come from the cache).
    narrator = Narrator(plan.stem, options.narration) if options.narrated else None

    def on_step_end(_scene: Any, index: int, name: str) -> None:
        if index in part.share:
            line = f"part {part.number}: step {index + 1} {name} done ({time.monotonic() - started:.1f} s)"
            report(part.number, line)

    with manim_settings(manim_config(options, part.media, plan.manim_extension, plan.stem)):
        scene = part.spec.load_scene()(
            facts=facts, theme=options.theme, on_step_end=on_step_end, narrator=narrator, share=part.share
        )
        scene.render()


def passed_over(scene_class: Any, facts: Any, stem: str, options: RenderOptions | None = None, **scene: Any) -> Any:
    """The scene built and played through without drawing or writing anything (every step
    passed over), with `scene` its other arguments; its steps, sentences and costs are known."""
    with (
        tempfile.TemporaryDirectory(prefix="seminar-anim-") as media,
        manim_settings(manim_config(options or RenderOptions(), Path(media), "none", stem)),
    ):
        built = scene_class(facts=facts, skip_animations=True, **scene)
        built.render()
    return built


def step_costs(scene_class: Any, facts: Any, stem: str, narrator: Narrator | None) -> list[float]:
    """What drawing each step costs (frames drawn; a held frame little), from a pass over the
    scene that draws nothing."""
    quiet = None if narrator is None else Narrator(narrator.prefix, narrator.recordings)
    return list(passed_over(scene_class, facts, stem, narrator=quiet).step_costs)


def dealt(costs: list[float], parts: int) -> list[frozenset[int]]:
    """The steps dealt to at most `parts` processes so each draws about the same cost: the
    costliest step first, each to the process with the least so far. The order of a share's
    steps does not matter, since a process passes over the others' steps. The lightest share
    comes first: its process also passes over the scene to price it, and joins the parts."""
    loads = [0.0] * min(parts, len(costs))
    shares: list[set[int]] = [set() for _ in loads]
    for step in sorted(range(len(costs)), key=lambda index: (-costs[index], index)):
        lightest = min(range(len(loads)), key=lambda index: loads[index])
        shares[lightest].add(step)
        loads[lightest] += costs[step]
    ordered = sorted(range(len(loads)), key=lambda index: loads[index])
    return [frozenset(shares[index]) for index in ordered if shares[index]]


def _steps_text(share: frozenset[int]) -> str:
    return "steps " + ", ".join(str(step + 1) for step in sorted(share))


def join_parts(media: Path, others: list[Path], plan: RenderPlan) -> None:
    """The other parts' step clips moved beside this process's, one index of them all, and the
    scene's video made again from every clip in order (packets copied, nothing re-encoded)."""
    index_file = _find_one(media, f"sections/{plan.stem}.json")
    entries = SectionEntry.read_all(index_file)
    for folder in others:
        other = _find_one(folder, f"sections/{plan.stem}.json")
        for entry in SectionEntry.read_all(other):
            shutil.move(other.parent / entry.video, index_file.parent / entry.video)
            entries.append(entry)
    # Manim names a step's clip STEM_NNNN_name: NNNN is its place in the scene.
    entries.sort(key=lambda entry: int(entry.video[len(plan.stem) + 1 :].split("_", 1)[0]))
    SectionEntry.write_all(index_file, entries)
    primary = _find_one(media, f"{plan.stem}.{plan.manim_extension}")
    concatenate([index_file.parent / entry.video for entry in entries], primary)


def narration_script(spec: SceneSpec, lesson: LessonOptions) -> list[tuple[str, str]]:
    """Every sentence the scene narrates, in order, with the file name its recording must have:
    the scene is built without drawing (its animations skipped) to collect them."""
    facts, _ = spec.compute(lesson)
    scene = passed_over(spec.load_scene(), facts, spec.name)
    narrator = Narrator(spec.name)
    return [(f"{narrator.file_name(line.step, line.number)}.wav", line.text) for line in scene.spoken]


def _add_slides(plan: RenderPlan) -> list[Path]:
    """Posters for an up-to-date render: a linked copy of its folder gains them, then is swapped in."""
    with staging_folder(plan.folder.parent, f".{plan.stem}-") as staging:
        built = staging / "out"
        shutil.copytree(plan.folder, built, copy_function=_link_or_copy)
        write_slides(built, plan.stem)
        record = RenderRecord.read(built / KEY_FILE)
        (built / KEY_FILE).unlink()  # a link to the published record: write a file of its own
        (built / KEY_FILE).write_text(with_outputs(record, built), encoding="utf-8")
        return publish(built, plan.folder, staging)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _collect(
    media: Path, plan: RenderPlan, built: Path, theme: str, spoken: list[tuple[float, Speech]] | None = None
) -> None:
    """Gather Manim's outputs into `built` under their final names; `spoken`, each sentence
    with its start, is mixed into the videos' sound (the whole scene's, and each clip's part)."""
    built.mkdir()
    primary = _find_one(media, f"{plan.stem}.{plan.manim_extension}")
    title = plan.title or plan.stem
    track = None
    if spoken is not None and audio_codec(f".{plan.extension}") is not None:
        track = normalised(mix(spoken, video_seconds(primary)))
    if plan.extension == "gif":
        _mp4_to_gif(primary, built / f"{plan.stem}.gif", theme)
    else:
        finish_video(primary, built / primary.name, title, track)
    for subtitle in media.rglob(f"{plan.stem}.srt"):
        shutil.move(subtitle, built / subtitle.name)
    subtitles = built / f"{plan.stem}.srt"
    cues = list(srt.parse(subtitles.read_text(encoding="utf-8"))) if subtitles.exists() else []
    index_files = list(media.rglob(f"sections/{plan.stem}.json"))
    if not index_files:
        return
    sections = built / "sections"
    sections.mkdir()
    entries = SectionEntry.read_all(index_files[0])
    start = 0.0  # where the clip starts in the scene's video, for its part of the sound
    for number, entry in enumerate(entries, start=1):
        source = index_files[0].parent / entry.video
        # Named after the scene too: clips of several scenes gathered in one folder never collide.
        target = f"{plan.stem}-{number:02d}-{entry.name}{source.suffix}"
        seconds = video_seconds(source)
        part = None if track is None else track[round(start * RATE) : round((start + seconds) * RATE)]
        _clip_subtitles(cues, start, seconds, (sections / target).with_suffix(".srt"))
        start += seconds
        finish_video(source, sections / target, f"{title}: step {number}, {entry.name}", part)
        entries[number - 1] = replace(entry, video=target)
    SectionEntry.write_all(sections / SECTIONS_INDEX, entries)


def _clip_subtitles(cues: list[srt.Subtitle], start: float, seconds: float, target: Path) -> None:
    """The cues shown during a clip, `start` to `start + seconds` in the scene, timed from the
    clip's own start: a slide that plays one step's clip shows that step's subtitles."""
    begin, end = timedelta(seconds=start), timedelta(seconds=start + seconds)
    inside = [
        srt.Subtitle(index, max(cue.start, begin) - begin, min(cue.end, end) - begin, cue.content)
        for index, cue in enumerate((cue for cue in cues if cue.start < end and cue.end > begin), start=1)
    ]
    if inside:
        target.write_text(srt.compose(inside), encoding="utf-8")


def _mp4_to_gif(source: Path, target: Path, theme: str) -> None:
    """A looping GIF in the theme's palette, with delays that add up to the video's length."""
    import av

    with av.open(str(source)) as container:
        end = float(container.duration or 0) / av.time_base
        frames = _gif_frames(container.decode(video=0), _theme_palette(theme), end)
        first = next(frames)
        first.save(target, save_all=True, append_images=frames, loop=0, disposal=1)


def _gif_frames(decoded: Iterator[Any], palette: Any, end: float) -> Iterator[Any]:
    """Quantised frames one at a time, each carrying its delay (so memory stays flat).

    GIF delays are whole centiseconds: rounding the timestamps, not the delays, keeps
    the total equal to the video's length.
    """
    from PIL import Image

    held: tuple[Any, int] | None = None
    for frame in decoded:
        stamp = round((frame.time or 0.0) * 100)
        if held is not None:
            yield _with_delay(*held, stamp)
        held = (frame.to_image().quantize(palette=palette, dither=Image.Dither.NONE), stamp)
    if held is not None:
        yield _with_delay(*held, round(end * 100))


def _with_delay(image: Any, stamp: int, next_stamp: int) -> Any:
    image.info["duration"] = max(1, next_stamp - stamp) * 10
    return image


def _theme_palette(theme: str) -> Any:
    """Every role colour of the theme and its anti-aliasing blends into the background.

    A palette fitted to the pixels would merge the small coloured numbers into the greys
    that cover most of the frame; the roles must keep their exact colours.
    """
    from PIL import Image

    from seminar_anim.visual.theme import get_theme

    roles = get_theme(theme)
    background = _rgb(roles.background)
    colours = [background]
    for role in (roles.text, roles.muted, roles.panel, roles.forward, roles.backward, roles.local, roles.highlight):
        target = _rgb(role)
        colours += [_blend(background, target, step / GIF_BLENDS) for step in range(1, GIF_BLENDS + 1)]
    image = Image.new("P", (1, 1))
    image.putpalette([channel for colour in colours for channel in colour])
    return image


def _blend(start: tuple[int, int, int], end: tuple[int, int, int], share: float) -> tuple[int, int, int]:
    red, green, blue = (round(a + (b - a) * share) for a, b in zip(start, end, strict=True))
    return red, green, blue


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _find_one(media: Path, name: str) -> Path:
    found = [path for path in media.rglob(name) if "partial_movie_files" not in path.parts]
    if len(found) != 1:
        raise RuntimeError(f"expected one {name} from Manim under {media}, found {len(found)}")
    return found[0]


def publish(built: Path, folder: Path, staging: Path) -> list[Path]:
    """Swap the finished folder in for the previous one: never a mix of two renders' files."""
    previous = staging / "previous"
    if folder.exists():
        os.replace(folder, previous)
    try:
        os.replace(built, folder)
    except BaseException:
        if previous.exists():
            os.replace(previous, folder)
        raise
    return files_under(folder)


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())
