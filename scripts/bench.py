"""Measure render time, video length, peak memory and the course against issue 8's targets; write docs/benchmarks.md.

Every figure comes from running the real commands as a user would, each as a subprocess:
`seminar-anim render` per scene and quality, a plain-Manim baseline of the same kind as the
`memory` scene (`benchmarks/baseline_scene.py`), `seminar-anim values` per scene, and the
course with one and two jobs, then unchanged. A full run takes 40 minutes or more;
`--scenes`, `--qualities`, `--skip-course` and `--skip-baseline` make partial runs.

    .venv/bin/python scripts/bench.py                     # everything, writes docs/benchmarks.md
    .venv/bin/python scripts/bench.py --scenes tensors --qualities low --skip-course --write /tmp/b.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from importlib import metadata
from pathlib import Path

from seminar_anim.output.video import X264_OPTIONS, X264_OVERRIDE

ROOT = Path(__file__).resolve().parent.parent

BASELINE_FILE = ROOT / "benchmarks" / "baseline_scene.py"
BASELINE_SCENE = "BaselineScene"
OVERHEAD_SCENE = "memory"  # the seminar-anim scene the baseline imitates
# seminar-anim's quality names, with Manim's flag and folder for the same picture.
QUALITIES = {
    "low": ("-ql", "480p15"),
    "medium": ("-qm", "720p30"),
    "high": ("-qh", "1080p60"),
    "4k": ("-qk", "2160p60"),
}
SAMPLE_SECONDS = 0.25  # how often the whole process tree's memory is summed
COURSE_QUALITY = "low"

# The targets of issue 8.
COURSE_RATIO_GOAL = 0.4  # course at 480p15 with 2 jobs, render time per video second
SCENE_RATIO_GOAL = 1.0  # one scene at 1080p60
OVERHEAD_GOAL = 1.10  # seminar-anim's memory scene against the plain-Manim baseline, per video second
VALUES_GOAL = 2.0  # seconds, slowest scene
RERUN_GOAL = 5.0  # seconds, unchanged course
# The targets of issue 16: one scene's steps split over --jobs 2, at 1080p60.
SPLIT_RATIO_GOAL = 0.5  # render time per video second, every scene
SPLIT_SPEEDUP_GOAL = 1.7  # --jobs 1 time over --jobs 2 time, on the three slowest scenes
SPLIT_SAMPLE = 15  # every how many frames the two renders' decoded frames are compared


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One finished subprocess: how long it took, its peak memory and what it said."""

    command: tuple[str, ...]
    wall_s: float
    peak_mib: float
    returncode: int
    stdout: str
    stderr: str

    @property
    def error(self) -> str | None:
        """None when it succeeded, else its exit status and last line of stderr."""
        if self.returncode == 0:
            return None
        lines = self.stderr.strip().splitlines()
        return f"exit {self.returncode}: {lines[-1] if lines else 'no message'}"


@dataclass(frozen=True)
class Measurement:
    """A render: wall time, the video's length and the peak memory, or the error that stopped it."""

    label: str  # a scene name, "baseline" or a course run
    quality: str
    wall_s: float
    video_s: float | None
    peak_mib: float
    error: str | None = None

    @property
    def ratio(self) -> float | None:
        """Render time per second of video."""
        if self.error is not None or not self.video_s:
            return None
        return self.wall_s / self.video_s


@dataclass(frozen=True)
class ValuesTime:
    scene: str
    wall_s: float
    peak_mib: float
    error: str | None = None


@dataclass(frozen=True)
class CourseRuns:
    """The course at low quality: forced with one job, forced with two, then unchanged."""

    scenes: tuple[str, ...]
    jobs1: Measurement
    jobs2: Measurement
    rerun: Measurement
    rerun_up_to_date: bool

    @property
    def speedup(self) -> float | None:
        if self.jobs1.error or self.jobs2.error or not self.jobs2.wall_s:
            return None
        return self.jobs1.wall_s / self.jobs2.wall_s


@dataclass(frozen=True)
class SplitRun:
    """One scene at 1080p60 with --jobs 1 and with --jobs 2 (its steps split over two processes)."""

    scene: str
    jobs1: Measurement
    jobs2: Measurement
    frames_compared: int
    frames_equal: bool | None  # None when a render failed

    @property
    def speedup(self) -> float | None:
        if self.jobs1.error or self.jobs2.error or not self.jobs2.wall_s:
            return None
        return self.jobs1.wall_s / self.jobs2.wall_s


@dataclass(frozen=True)
class Target:
    """One of issue 8's goals with what was measured; passed is None when it was not measured."""

    name: str
    goal: str
    measured: str
    passed: bool | None


@dataclass(frozen=True)
class EncoderTrial:
    """The frames of one rendered video encoded again with one candidate configuration."""

    video: str  # the scene and quality the frames come from
    codec: str
    options: str
    size_bytes: int
    encode_cpu_s: float  # CPU time of converting and encoding, decoding not included


@dataclass
class Report:
    """Everything one run measured, and where and how."""

    machine: list[tuple[str, str]]
    date: str
    command: str
    partial: list[str] = field(default_factory=list)  # what a partial run left out
    renders: list[Measurement] = field(default_factory=list)
    baseline: list[Measurement] = field(default_factory=list)
    overhead_scene: list[Measurement] = field(default_factory=list)  # seminar-anim's memory, per baseline quality
    values: list[ValuesTime] = field(default_factory=list)
    course: CourseRuns | None = None
    encoders: list[EncoderTrial] = field(default_factory=list)
    encoders_before: list[Measurement] = field(default_factory=list)  # renders with ULTRAFAST
    encoders_again: list[Measurement] = field(default_factory=list)  # the chosen encoder once more
    splits: list[SplitRun] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        measured: list[Measurement | ValuesTime] = [*self.renders, *self.baseline, *self.overhead_scene, *self.values]
        if self.course is not None:
            measured += [self.course.jobs1, self.course.jobs2, self.course.rerun]
        measured += [item for split in self.splits for item in (split.jobs1, split.jobs2)]
        return [f"{_name(item)}: {item.error}" for item in measured if item.error is not None]


def _name(item: Measurement | ValuesTime) -> str:
    if isinstance(item, ValuesTime):
        return f"values {item.scene}"
    return f"{item.label} ({item.quality})"


# --- running and measuring -------------------------------------------------------------------


def _tree_rss_kib(root: int) -> int:
    """The summed resident memory of `root` and all its descendants, from /proc, in KiB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page_kib = os.sysconf("SC_PAGE_SIZE") // 1024
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # it exited meanwhile
        pid = int(entry.name)
        parents[pid] = int(fields[1])  # ppid, the 4th field; fields starts at the 3rd
        rss[pid] = int(fields[21]) * page_kib  # rss in pages, the 24th field
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(rss.get(pid, 0) for pid in tree)


class TreeSampler(threading.Thread):
    """Sums the process tree's memory every SAMPLE_SECONDS, keeping the largest sum."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_kib = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_SECONDS):
            self.peak_kib = max(self.peak_kib, _tree_rss_kib(self.root))


def run_measured(command: Sequence[str], environment: dict[str, str] | None = None) -> Run:
    """Run `command` to the end and measure its wall time and peak memory.

    Peak memory is the larger of two figures: the biggest single process's peak RSS, exact,
    from the kernel's rusage of the reaped child (wait4 reports the child's own peak or that
    of any descendant it waited for, whichever is larger), and the whole tree's RSS summed,
    sampled every SAMPLE_SECONDS, which counts processes running side by side (--jobs 2).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command), stdout=out, stderr=err, cwd=ROOT, env={**os.environ, **(environment or {})}
        )
        sampler = TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    peak_kib = max(usage.ru_maxrss, sampler.peak_kib)  # ru_maxrss is in KiB on Linux
    return Run(tuple(command), wall, peak_kib / 1024, process.returncode, stdout, stderr)


def video_seconds(path: Path) -> float:
    """The MP4's duration, read with PyAV."""
    import av

    with av.open(str(path)) as container:
        if container.duration is not None:
            return float(container.duration / av.time_base)
        stream = container.streams.video[0]
        assert stream.duration is not None and stream.time_base is not None
        return float(stream.duration * stream.time_base)


def printed_video(run: Run, filename: str) -> Path | None:
    """The path ending in `filename` among those a seminar-anim command printed on stdout."""
    for line in run.stdout.splitlines():
        path = Path(line.strip())
        if path.name == filename and path.exists():
            return path
    return None


def measurement(label: str, quality: str, run: Run, video: Path | None) -> Measurement:
    """A Measurement of a finished run; a missing video is an error of its own."""
    error = run.error
    if error is None and video is None:
        error = "no video written"
    seconds = video_seconds(video) if error is None and video is not None else None
    return Measurement(label, quality, run.wall_s, seconds, run.peak_mib, error)


def same_frames(first: Path, second: Path) -> tuple[int, bool]:
    """Whether the two videos have as many frames and every SPLIT_SAMPLE-th decodes to the
    same pixels; and how many were compared."""
    import itertools

    import av
    import numpy as np

    with av.open(str(first)) as one, av.open(str(second)) as two:
        pairs = itertools.zip_longest(one.decode(video=0), two.decode(video=0))
        compared = 0
        for index, (a, b) in enumerate(pairs):
            if a is None or b is None:
                return compared, False
            if index % SPLIT_SAMPLE == 0:
                compared += 1
                if not np.array_equal(a.to_ndarray(format="rgb24"), b.to_ndarray(format="rgb24")):
                    return compared, False
    return compared, True


# --- encoder candidates ----------------------------------------------------------------------

Candidate = tuple[str, str, dict[str, str]]
# (codec, pixel format, options): H.264 for MP4 (the reference, x264 medium/CRF 23, first; the
# chosen one is seminar_anim.output.video.X264_OPTIONS), then what a transparent output may use.
ULTRAFAST = {"preset": "ultrafast"}  # the encoder before issue 14
OPAQUE_CANDIDATES: tuple[Candidate, ...] = (
    ("libx264", "yuv420p", {"preset": "medium", "crf": "23"}),
    ("libx264", "yuv420p", ULTRAFAST),
    ("libx264", "yuv420p", {"preset": "superfast", "crf": "23"}),
    ("libx264", "yuv420p", {"preset": "veryfast", "crf": "23"}),
    ("libx264", "yuv420p", X264_OPTIONS),
)
ALPHA_CANDIDATES: tuple[Candidate, ...] = (
    ("qtrle", "argb", {}),
    ("prores_ks", "yuva444p10le", {"profile": "4444"}),
    ("png", "rgba", {}),
    ("libvpx-vp9", "yuva420p", {}),
    ("libvpx-vp9", "yuva420p", {"crf": "32", "b": "0", "deadline": "good", "cpu-used": "4", "row-mt": "1"}),
)


def encoder_trials(video: Path, label: str, candidates: Sequence[Candidate]) -> list[EncoderTrial]:
    """Decode `video` once per candidate and encode its frames again, in memory; the CPU time
    of a decode-only pass is taken off each, so what remains is the conversion and the encoder."""
    decoding = _encode_pass(video, None)[0]
    trials = []
    for candidate in candidates:
        codec, pix_fmt, options = candidate
        spent, size = _encode_pass(video, candidate)
        shown = " ".join(f"{key}={value}" for key, value in options.items()) or "defaults"
        trials.append(EncoderTrial(label, codec, f"{pix_fmt} {shown}", size, max(0.0, spent - decoding)))
    return trials


def _encode_pass(video: Path, candidate: Candidate | None) -> tuple[float, int]:
    """CPU seconds and bytes of decoding `video` and, with a candidate, encoding it again."""
    import io

    import av

    buffer = io.BytesIO()
    started = time.process_time()
    with av.open(str(video)) as source:
        stream = source.streams.video[0]
        if candidate is None:
            for _frame in source.decode(stream):
                pass
            return time.process_time() - started, 0
        codec, pix_fmt, options = candidate
        with av.open(buffer, "w", format="webm" if codec == "libvpx-vp9" else "mov") as output:
            rate = Fraction(stream.average_rate or 15)
            target = output.add_stream(codec, rate=rate, options=options)
            assert isinstance(target, av.VideoStream)
            target.pix_fmt, target.width, target.height = pix_fmt, stream.width, stream.height
            for index, frame in enumerate(source.decode(stream)):
                rgba = frame.reformat(format="rgba")
                rgba.pts, rgba.time_base = index, 1 / rate
                for packet in target.encode(rgba):
                    output.mux(packet)
            for packet in target.encode():
                output.mux(packet)
    return time.process_time() - started, len(buffer.getvalue())


# --- the commands --------------------------------------------------------------------------


class Bench:
    """Runs each measurement, saying on stderr what it measures and how long the run has taken."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.started = time.monotonic()
        bin_dir = Path(sys.executable).parent
        self.seminar_anim = str(_tool(bin_dir, "seminar-anim"))
        self.manim = str(_tool(bin_dir, "manim"))
        self.before: list[Measurement] = []  # renders with ULTRAFAST, for --encoders
        self.again: list[Measurement] = []  # the same renders with the chosen encoder, after those

    def say(self, line: str) -> None:
        elapsed = time.monotonic() - self.started
        print(f"[{int(elapsed // 60):3d}:{int(elapsed % 60):02d}] {line}", file=sys.stderr, flush=True)

    def timed(self, what: str, command: Sequence[str], environment: dict[str, str] | None = None) -> Run:
        self.say(f"{what} ...")
        run = run_measured(command, environment)
        outcome = "ok" if run.error is None else f"FAILED ({run.error})"
        self.say(f"  {what}: {run.wall_s:.1f} s, peak {run.peak_mib:.0f} MiB, {outcome}")
        return run

    def scenes(self) -> list[str]:
        """The scene names, in seminar order, from `seminar-anim list`."""
        listing = subprocess.run([self.seminar_anim, "list"], capture_output=True, text=True, check=True, cwd=ROOT)
        return [line.split()[0] for line in listing.stdout.splitlines() if line.strip()]

    def render(
        self, scene: str, quality: str, *extra: str, x264: dict[str, str] | None = None, jobs: int = 1
    ) -> Measurement:
        folder = self.out / ("scenes" if jobs == 1 else f"scenes-jobs{jobs}")
        command = [self.seminar_anim, "render", scene, "--quality", quality, "--force", "--jobs", str(jobs)]
        command += ["--device", "cpu", "--out", str(folder), *extra]
        label = scene + (" transparent" if extra else "") + (" with ultrafast" if x264 else "")
        label += f" --jobs {jobs}" if jobs > 1 else ""
        run = self.timed(f"render {label} at {quality}", command, {X264_OVERRIDE: json.dumps(x264)} if x264 else None)
        name = f"{scene}.mov" if "--transparent" in extra else f"{scene}.mp4"
        return measurement(label, quality, run, printed_video(run, name))

    def split(self, scene: str, whole: Measurement | None) -> SplitRun:
        """The scene at 1080p60 with --jobs 2, against its --jobs 1 render (made here when the
        run has none), and their decoded frames compared."""
        jobs1 = whole or self.render(scene, "high")
        jobs2 = self.render(scene, "high", jobs=2)
        if jobs1.error or jobs2.error:
            return SplitRun(scene, jobs1, jobs2, 0, None)
        videos = [self.out / folder / scene / "1080p60_dark" / f"{scene}.mp4" for folder in ("scenes", "scenes-jobs2")]
        self.say(f"comparing the frames of {scene}'s two renders ...")
        compared, equal = same_frames(*videos)
        return SplitRun(scene, jobs1, jobs2, compared, equal)

    def encoders(self, scene: str, renders: Sequence[Measurement]) -> list[EncoderTrial]:
        """The scene's renders, and a transparent one at low quality, encoded by every candidate."""
        trials = []
        for item in renders:
            video = self.out / "scenes" / scene / f"{QUALITIES[item.quality][1]}_dark" / f"{scene}.mp4"
            if item.error is None and video.exists():
                self.say(f"encoders on {scene} at {item.quality} ...")
                trials += encoder_trials(video, f"{scene} {item.quality}", OPAQUE_CANDIDATES)
                # The same render with the encoder of before, then the chosen one again: the
                # render-time ratio is the mean of both, so a drift of the machine cancels.
                self.before.append(self.render(scene, item.quality, x264=ULTRAFAST))
                self.again.append(self.render(scene, item.quality))
        clear = self.render(scene, "low", "--transparent")
        video = self.out / "scenes" / scene / "480p15_dark_transparent_mov" / f"{scene}.mov"
        if clear.error is None and video.exists():
            self.say(f"alpha encoders on {scene} at low ...")
            trials += encoder_trials(video, f"{scene} low, transparent", ALPHA_CANDIDATES)
        return trials

    def baseline(self, quality: str) -> Measurement:
        """The plain-Manim scene, rendered by the `manim` command with the same settings as seminar-anim's."""
        flag, folder = QUALITIES[quality]
        media = self.out / "baseline"
        command = [self.manim, "render", flag, "--disable_caching", "--format", "mp4", "--save_sections"]
        command += ["--progress_bar", "none", "--verbosity", "WARNING", "--media_dir", str(media)]
        command += [str(BASELINE_FILE), BASELINE_SCENE]
        run = self.timed(f"plain-Manim baseline at {quality}", command)
        video = media / "videos" / BASELINE_FILE.stem / folder / f"{BASELINE_SCENE}.mp4"
        return measurement("baseline (plain Manim)", quality, run, video if video.exists() else None)

    def values(self, scene: str) -> ValuesTime:
        run = self.timed(f"values {scene}", [self.seminar_anim, "values", scene, "--device", "cpu", "--json"])
        return ValuesTime(scene, run.wall_s, run.peak_mib, run.error)

    def course(self, scenes: Sequence[str]) -> CourseRuns:
        """The course at low quality, forced with 1 then 2 jobs, then once more unchanged."""
        base = [self.seminar_anim, "course", *scenes, "--quality", COURSE_QUALITY, "--device", "cpu"]
        base += ["--out", str(self.out / "course")]
        jobs1 = self._course_run("course --jobs 1 --force", [*base, "--jobs", "1", "--force"])
        jobs2 = self._course_run("course --jobs 2 --force", [*base, "--jobs", "2", "--force"])
        rerun_run = self.timed("course --jobs 2, unchanged", [*base, "--jobs", "2"])
        rerun = measurement(
            "course --jobs 2, unchanged", COURSE_QUALITY, rerun_run, printed_video(rerun_run, "course.mp4")
        )
        up_to_date = "course up to date" in rerun_run.stderr
        return CourseRuns(tuple(scenes), jobs1, jobs2, rerun, up_to_date)

    def _course_run(self, label: str, command: list[str]) -> Measurement:
        run = self.timed(label, command)
        return measurement(label, COURSE_QUALITY, run, printed_video(run, "course.mp4"))


def _tool(bin_dir: Path, name: str) -> Path:
    """A command of this virtual environment (the one running this script)."""
    path = bin_dir / name
    if path.exists():
        return path
    found = shutil.which(name)
    if found is None:
        sys.exit(f"bench: cannot find {name} beside {sys.executable} or on PATH; run scripts/setup.sh first")
    return Path(found)


# --- the machine ---------------------------------------------------------------------------


def _proc_field(path: str, key: str) -> str | None:
    """The value of the first `key: value` line of a /proc file, or None."""
    try:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                name, _, value = line.partition(":")
                if name.strip() == key:
                    return value.strip()
    except OSError:
        return None
    return None


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _gpu() -> str:
    """The GPU PyTorch sees (what `--device auto` would use), or none."""
    probe = "import torch; print(torch.cuda.get_device_name(0) if torch.cuda.is_available() else '')"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    name = result.stdout.strip()
    return name or "none (PyTorch sees no CUDA device)"


def machine() -> list[tuple[str, str]]:
    """What the figures were measured on."""
    memory = _proc_field("/proc/meminfo", "MemTotal")  # "24684096 kB"
    ram = f"{int(memory.split()[0]) / 1024**2:.1f} GiB" if memory else "unknown"
    try:
        system = platform.freedesktop_os_release().get("PRETTY_NAME", "")
    except OSError:
        system = ""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return [
        ("CPU", _proc_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown"),
        ("cores (os.cpu_count)", str(os.cpu_count())),
        ("RAM", ram),
        ("OS", f"{system} ({platform.platform()})" if system else platform.platform()),
        ("Python", platform.python_version()),
        ("torch", _version("torch")),
        ("manim", _version("manim")),
        ("PyAV", _version("av")),
        ("GPU", _gpu()),
        ("load average at start (1, 5, 15 min)", load),
    ]


# --- targets and markdown ------------------------------------------------------------------


def _times(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def overheads(report: Report) -> list[tuple[str, float | None]]:
    """Per quality: seminar-anim's memory scene ratio over the baseline's ratio."""
    rows: list[tuple[str, float | None]] = []
    for base in report.baseline:
        ours = next((item for item in report.overhead_scene if item.quality == base.quality), None)
        if ours is None or ours.ratio is None or base.ratio is None:
            rows.append((base.quality, None))
        else:
            rows.append((base.quality, ours.ratio / base.ratio))
    return rows


def _target(name: str, goal: str, value: float | None, limit: float, shown: str, strict: bool = False) -> Target:
    if value is None:
        return Target(name, goal, "not measured", None)
    passed = value < limit if strict else value <= limit
    return Target(name, goal, shown, passed)


def targets(report: Report) -> list[Target]:
    """Issue 8's targets against what this run measured."""
    rows: list[Target] = []
    course = report.course
    rows.append(
        _target(
            "course at 480p15, --jobs 2",
            f"≤ {COURSE_RATIO_GOAL}× video length",
            course.jobs2.ratio if course else None,
            COURSE_RATIO_GOAL,
            _times(course.jobs2.ratio if course else None),
        )
    )
    high = sorted((item for item in report.renders if item.quality == "high" and item.ratio is not None), key=_ratio)
    for which, item in (("best", high[0] if high else None), ("worst", high[-1] if high else None)):
        scene = f" ({item.label})" if item else ""
        rows.append(
            _target(
                f"one scene at 1080p60, {which}{scene}",
                f"≤ {SCENE_RATIO_GOAL}× video length",
                item.ratio if item else None,
                SCENE_RATIO_GOAL,
                _times(item.ratio if item else None),
            )
        )
    failed = [item.label for item in report.renders if item.quality == "high" and item.error is not None]
    if failed and rows[-1].passed is not None:  # a scene that did not render cannot count as fast enough
        worst = rows.pop()
        rows.append(Target(worst.name, worst.goal, f"{worst.measured}; failed: {', '.join(failed)}", False))
    measured = overheads(report) or [("low", None), ("high", None)]
    for quality, overhead in measured:
        shown = _times(overhead)
        rows.append(
            _target(f"overhead vs plain Manim, {quality}", f"≤ {OVERHEAD_GOAL:.2f}×", overhead, OVERHEAD_GOAL, shown)
        )
    done = [item for item in report.values if item.error is None]
    slowest = max(done, key=lambda item: item.wall_s, default=None)
    rows.append(
        _target(
            f"values, slowest scene{f' ({slowest.scene})' if slowest else ''}",
            f"< {VALUES_GOAL:g} s",
            slowest.wall_s if slowest else None,
            VALUES_GOAL,
            f"{slowest.wall_s:.2f} s" if slowest else "",
            strict=True,
        )
    )
    if report.splits:
        ratios = [split.jobs2.ratio for split in report.splits]
        hardest = max(report.splits, key=lambda split: _ratio(split.jobs2))
        rows.append(
            _target(
                f"one scene at 1080p60, --jobs 2, worst ({hardest.scene})",
                f"≤ {SPLIT_RATIO_GOAL}× video length, every scene",
                None if None in ratios else hardest.jobs2.ratio,
                SPLIT_RATIO_GOAL,
                _times(hardest.jobs2.ratio),
            )
        )
        longest = sorted(report.splits, key=lambda split: -(split.jobs1.wall_s))[:3]
        fewest = min(longest, key=lambda split: split.speedup or 0.0)
        rows.append(
            _target(
                f"--jobs 2 speed-up, least of the three slowest ({fewest.scene})",
                f"≥ {SPLIT_SPEEDUP_GOAL}×",
                None if fewest.speedup is None else -fewest.speedup,
                -SPLIT_SPEEDUP_GOAL,
                _times(fewest.speedup),
            )
        )
        equal = all(split.frames_equal for split in report.splits)
        rows.append(Target("--jobs 2 frames equal --jobs 1's", "every sampled frame", "yes" if equal else "no", equal))
    rerun = course.rerun if course and course.rerun.error is None else None
    row = _target(
        "unchanged course re-run",
        f"< {RERUN_GOAL:g} s, reported up to date",
        rerun.wall_s if rerun else None,
        RERUN_GOAL,
        f"{rerun.wall_s:.2f} s" if rerun else "",
        strict=True,
    )
    if course and rerun and not course.rerun_up_to_date:
        row = Target(row.name, row.goal, f"{row.measured}, not reported up to date", False)
    rows.append(row)
    return rows


def _ratio(item: Measurement) -> float:
    return item.ratio if item.ratio is not None else float("inf")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _verdict(passed: bool | None) -> str:
    return {True: "PASS", False: "**MISS**", None: "—"}[passed]


MEASUREMENT_HEADER = ("scene", "quality", "wall s", "video s", "ratio", "peak MiB")


def _measurement_row(item: Measurement, quality: str | None = None) -> list[str]:
    if item.error is not None:
        return [item.label, quality or item.quality, _seconds(item.wall_s), f"failed: {item.error}", "—", "—"]
    return [
        item.label,
        quality or item.quality,
        _seconds(item.wall_s),
        _seconds(item.video_s),
        _times(item.ratio),
        f"{item.peak_mib:.0f}",
    ]


def markdown(report: Report) -> str:
    """docs/benchmarks.md: machine, targets, then one table per section, then how it is measured."""
    lines = ["# Benchmarks", ""]
    if report.partial:
        lines += [f"**partial run: {'; '.join(report.partial)}.** The targets below cover only what was run.", ""]
    lines += [f"Measured on {report.date} with", "", "```bash", report.command, "```", ""]
    lines += ["## Machine", "", *_table(("", ""), report.machine), ""]
    rows = [[target.name, target.goal, target.measured, _verdict(target.passed)] for target in targets(report)]
    lines += ["## Targets", "", *_table(("target", "goal", "measured", "result"), rows), ""]
    if report.renders:
        lines += ["## Scenes", ""]
        lines += [
            "`seminar-anim render NAME --quality Q --force --jobs 1 --device cpu`; ratio = wall time / video length.",
            "",
        ]
        lines += [*_table(MEASUREMENT_HEADER, [_measurement_row(item) for item in report.renders]), ""]
    if report.splits:
        lines += _split_section(report.splits)
    if report.baseline:
        lines += _baseline_section(report)
    if report.course is not None:
        lines += _course_section(report.course)
    if report.values:
        lines += ["## values", "", "`seminar-anim values NAME --device cpu --json`, interpreter start included.", ""]
        rows = [
            [
                item.scene,
                f"{item.wall_s:.2f}",
                f"{item.peak_mib:.0f}" if item.error is None else f"failed: {item.error}",
            ]
            for item in report.values
        ]
        lines += [*_table(("scene", "wall s", "peak MiB"), rows), ""]
    if report.encoders:
        lines += _encoder_section(report)
    lines += _method_section()
    return "\n".join(lines)


def _encoder_section(report: Report) -> list[str]:
    lines = [
        "## Encoders",
        "",
        "The frames of each render above, decoded and encoded again in memory by each candidate; size relative "
        "to the first row of its video (x264 medium/CRF 23 for opaque video, qtrle for transparent); encode CPU "
        "is the conversion and encoding, decoding taken off; per second of render = (encode CPU - ultrafast's) / "
        "the render's wall time, an upper bound of what the encoder adds to a render.",
        "",
    ]
    renders = {f"{item.label} {item.quality}": item for item in report.renders}
    rows = []
    for trial in report.encoders:
        first = next(other for other in report.encoders if other.video == trial.video)
        fastest = next(
            (other for other in report.encoders if other.video == trial.video and "ultrafast" in other.options), None
        )
        render = renders.get(trial.video)
        share = "—"
        if fastest is not None and render is not None and render.error is None:
            share = f"{(trial.encode_cpu_s - fastest.encode_cpu_s) / render.wall_s:+.1%}"
        rows.append(
            [
                trial.video,
                trial.codec,
                trial.options,
                f"{trial.size_bytes / 1e6:.2f}",
                _times(trial.size_bytes / first.size_bytes),
                f"{trial.encode_cpu_s:.1f}",
                share,
            ]
        )
    header = ("frames of", "codec", "pixels and options", "MB", "size vs first", "encode CPU s", "per s of render")
    lines += [*_table(header, rows), ""]
    if report.encoders_before:
        lines += [
            "Render time with the chosen encoder against the encoder of before (x264 ultrafast), the same "
            "command run three times in a row: chosen (the Scenes table above), ultrafast "
            f"(`{X264_OVERRIDE}` set), chosen again; growth = mean of the chosen runs / ultrafast's - 1.",
            "",
        ]
        ab_rows = []
        for before, again in zip(report.encoders_before, report.encoders_again, strict=True):
            scene = before.label.removesuffix(" with ultrafast")
            chosen = renders.get(f"{scene} {before.quality}")
            if chosen is None or chosen.error or before.error or again.error:
                continue
            mean = (chosen.wall_s + again.wall_s) / 2
            growth = f"{mean / before.wall_s - 1:+.1%}"
            times = (_seconds(before.wall_s), _seconds(chosen.wall_s), _seconds(again.wall_s))
            ab_rows.append([scene, before.quality, *times, growth])
        ab_header = ("scene", "quality", "ultrafast s", "chosen s", "chosen again s", "render time growth")
        lines += [*_table(ab_header, ab_rows), ""]
    return lines


def _split_section(splits: Sequence[SplitRun]) -> list[str]:
    lines = [
        "## One scene over two processes",
        "",
        "`seminar-anim render NAME --quality high --force --jobs 1` and `--jobs 2` (the scene's steps split over two "
        f"processes by their cost); every {SPLIT_SAMPLE}th decoded frame of the two videos compared.",
        "",
    ]
    rows = [
        [
            split.scene,
            _seconds(split.jobs1.video_s),
            _seconds(split.jobs1.wall_s),
            _times(split.jobs1.ratio),
            _seconds(split.jobs2.wall_s),
            _times(split.jobs2.ratio),
            _times(split.speedup),
            {True: f"equal ({split.frames_compared})", False: "**differ**", None: "—"}[split.frames_equal],
        ]
        for split in splits
    ]
    header = ("scene", "video s", "jobs 1 s", "ratio", "jobs 2 s", "ratio", "speed-up", "frames")
    return [*lines, *_table(header, rows), ""]


def _baseline_section(report: Report) -> list[str]:
    lines = [
        "## Against plain Manim",
        "",
        f"`{BASELINE_FILE.relative_to(ROOT)}` is plain Manim of the same kind, amount and length as the "
        f"`{OVERHEAD_SCENE}` scene, rendered with `manim render -ql` (or `-qh`) `--disable_caching --format mp4 "
        "--save_sections` (sections and subcaptions, as seminar-anim writes). "
        "Overhead = seminar-anim's ratio / the baseline's ratio: time per second of video, so lengths may differ.",
        "",
    ]
    rows = [_measurement_row(item) for item in (*report.baseline, *report.overhead_scene)]
    lines += [*_table(MEASUREMENT_HEADER, rows), ""]
    lines += [*_table(("quality", "overhead"), [[quality, _times(value)] for quality, value in overheads(report)]), ""]
    return lines


def _course_section(course: CourseRuns) -> list[str]:
    which = "every scene" if not course.scenes else ", ".join(course.scenes)
    lines = [
        "## Course",
        "",
        f"`seminar-anim course --quality {COURSE_QUALITY} --device cpu` ({which}); the unchanged run comes last, "
        "without `--force`.",
        "",
    ]
    rows = [_measurement_row(item, COURSE_QUALITY) for item in (course.jobs1, course.jobs2, course.rerun)]
    if course.rerun.error is None:
        rows[-1][3:5] = ["up to date" if course.rerun_up_to_date else "**rendered again**", "—"]
    lines += [*_table(("run", "quality", "wall s", "video s", "ratio", "peak MiB"), rows), ""]
    lines += [f"Speed-up, `--jobs 1` / `--jobs 2`: {_times(course.speedup)}", ""]
    return lines


def _method_section() -> list[str]:
    return [
        "## How it is measured",
        "",
        "- Each command runs as a subprocess of `scripts/bench.py`, one at a time; wall time includes the "
        "interpreter's start and imports.",
        "- Video length is the MP4's duration, read with PyAV.",
        "- Peak MiB is the larger of the biggest single process's peak resident memory (the kernel's, from "
        f"`wait4`) and the whole process tree's resident memory summed, sampled every {SAMPLE_SECONDS} s "
        "(which counts the workers of `--jobs 2` together).",
        "- Other programs running at the same time slow renders down: see the load average above.",
        "",
    ]


# --- the run -------------------------------------------------------------------------------


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scenes", help="comma-separated scene names (default: every scene)")
    parser.add_argument("--qualities", default="low,high", help="comma-separated: low, medium, high, 4k")
    parser.add_argument("--skip-course", action="store_true", help="do not render the course")
    parser.add_argument("--skip-baseline", action="store_true", help="do not compare with plain Manim")
    parser.add_argument("--out", type=Path, help="folder for the media, kept (default: a temporary folder, deleted)")
    parser.add_argument(
        "--encoders", action="store_true", help="encode each rendered scene's frames again with every candidate"
    )
    parser.add_argument(
        "--split", action="store_true", help="render each scene at 1080p60 with --jobs 2 too, and compare the frames"
    )
    parser.add_argument("--write", type=Path, default=ROOT / "docs" / "benchmarks.md", help="the markdown to write")
    return parser.parse_args(argv)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def measure(args: argparse.Namespace, bench: Bench, report: Report) -> None:
    """Run every measurement the options ask for, filling `report` as it goes."""
    every = bench.scenes()
    scenes = _split(args.scenes) if args.scenes else every
    qualities = _split(args.qualities)
    unknown = [name for name in scenes if name not in every] + [name for name in qualities if name not in QUALITIES]
    if unknown or not scenes or not qualities:
        print(f"bench: unknown or missing scenes or qualities: {', '.join(unknown) or 'none given'}", file=sys.stderr)
        sys.exit(2)
    if scenes != every:
        report.partial.append(f"scenes {', '.join(scenes)} of {len(every)}")
    if set(qualities) != {"low", "high"}:
        report.partial.append(f"qualities {', '.join(qualities)}")
    report.partial += [
        f"{part} skipped" for part, skip in (("course", args.skip_course), ("baseline", args.skip_baseline)) if skip
    ]

    report.values = [bench.values(scene) for scene in scenes]
    for quality in qualities:
        report.renders += [bench.render(scene, quality) for scene in scenes]
    if not args.skip_baseline:
        for quality in qualities:
            report.baseline.append(bench.baseline(quality))
            ours = next(
                (item for item in report.renders if item.label == OVERHEAD_SCENE and item.quality == quality), None
            )
            report.overhead_scene.append(ours or bench.render(OVERHEAD_SCENE, quality))
    if not args.skip_course:
        report.course = bench.course([] if scenes == every else scenes)
    if args.split:
        for scene in scenes:
            whole = next((item for item in report.renders if item.label == scene and item.quality == "high"), None)
            report.splits.append(bench.split(scene, whole))
    if args.encoders:
        for scene in scenes:
            report.encoders += bench.encoders(scene, [item for item in report.renders if item.label == scene])
        report.encoders_before, report.encoders_again = bench.before, bench.again


def _command_line(argv: Sequence[str] | None) -> str:
    """How this run was started, as one would type it in the repository root."""
    here = Path.cwd()
    python = Path(sys.executable)
    shown = os.path.relpath(python, here) if python.is_relative_to(here) else str(python)
    return shlex.join([shown, os.path.relpath(__file__, here), *(sys.argv[1:] if argv is None else argv)])


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="seminar-anim-bench-"))
    bench = Bench(out.resolve())
    bench.say(f"media in {out}; describing the machine")
    report = Report(machine(), datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"), _command_line(argv))
    try:
        measure(args, bench, report)
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)
    text = markdown(report)
    args.write.parent.mkdir(parents=True, exist_ok=True)
    args.write.write_text(text + "\n", encoding="utf-8")
    print(text)
    bench.say(f"wrote {args.write}")
    for failure in report.failures:
        bench.say(f"failed: {failure}")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
