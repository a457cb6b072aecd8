"""Faults: odd paths, signals, workers that die with the command, litter, damaged outputs, hostile input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from seminar_anim.app.cli import main
from seminar_anim.app.options import LessonOptions, RenderOptions
from seminar_anim.output.render import render_scene
from seminar_anim.output.staging import OWNER_FILE, sweep
from tests.tiny_scene import tiny_spec

LESSON = LessonOptions(device="cpu")
ODD = 'it\'s a "odd" $HOME; & ünïcode dir'
LESSON_CODE = "import torch\nx = torch.ones(2)\ny = x * 2\nprint(y)\n"
CLI = [str(Path(sys.executable).parent / "seminar-anim")]


def test_any_path_works_as_out(tmp_path: Path) -> None:
    for name in (ODD, "d" * 200):
        out = tmp_path / name
        rendered = render_scene(tiny_spec(), LESSON, RenderOptions(out=out))
        assert (out / "tiny" / "480p15_dark" / "tiny.mp4") in rendered.paths


def test_any_path_works_for_a_snippet(tmp_path: Path) -> None:
    folder = tmp_path / ODD
    folder.mkdir()
    (folder / "lesson's code.py").write_text(LESSON_CODE)
    result = CliRunner().invoke(main, ["values", str(folder / "lesson's code.py"), "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "print -> tensor([2., 2.])" in result.stdout


def test_staging_left_by_a_dead_run_is_removed_and_a_live_runs_kept(tmp_path: Path) -> None:
    dead, live, unclaimed = tmp_path / ".tiny-dead", tmp_path / ".tiny-live", tmp_path / ".tiny-new"
    for folder in (dead, live, unclaimed):
        folder.mkdir()
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    (dead / OWNER_FILE).write_text(f"{child.pid} 1")
    helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        start = Path(f"/proc/{helper.pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
        (live / OWNER_FILE).write_text(f"{helper.pid} {start}")
        sweep(tmp_path, ".tiny-")
        assert not dead.exists() and live.exists() and unclaimed.exists()  # a new one is still being made
    finally:
        helper.kill()
        helper.wait()
    sweep(tmp_path, ".tiny-")
    assert not live.exists()


def test_a_damaged_output_is_rendered_again(tmp_path: Path) -> None:
    options = RenderOptions(out=tmp_path)
    render_scene(tiny_spec(), LESSON, options)
    folder = tmp_path / "tiny" / "480p15_dark"
    clip = next(folder.glob("sections/*.mp4"))
    for damage, reason in (
        (lambda: os.truncate(folder / "tiny.mp4", 1000), "tiny.mp4 is 1000 bytes"),
        (lambda: clip.write_bytes(b""), f"sections/{clip.name} is 0 bytes"),
        (lambda: (folder / "tiny.srt").unlink(), "tiny.srt is missing"),
    ):
        damage()
        lines: list[str] = []
        again = render_scene(tiny_spec(), LESSON, options, lines.append)
        assert not again.up_to_date
        assert any(line.startswith("rendering again: ") and reason in line for line in lines), lines
        assert render_scene(tiny_spec(), LESSON, options).up_to_date


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["render", "autograd", "--out", ""], "--out is empty"),
        (["values", "autograd", "--expr", "x + 1/0", "--at", "x=2"], "cannot be computed"),
        (["values", "autograd", "--expr", "x + 10.0**400", "--at", "x=2"], "cannot be computed"),
        (["values", "autograd", "--expr", "x/1e309", "--at", "x=2"], "must be finite"),
        (["values", "autograd", "--expr", "x*2", "--at", "x=1e-320"], "is 0 in float32"),
        (["values", "autograd", "--expr", "x*2", "--at", "x=" + "9" * 120_000], "must be finite"),
        (["values", "autograd", "--expr", "v" * 150 + "*2"], "at most 16 fit the frame"),
        (["values", "autograd", "--expr", "(-8)**0.5*x", "--at", "x=1"], "complex"),
    ],
)
def test_a_users_mistake_is_one_short_line_and_status_2(arguments: list[str], message: str) -> None:
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and len(lines[0]) < 400, lines


def test_an_out_inside_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    result = CliRunner().invoke(main, ["render", "autograd", "--out", str(tmp_path / "file" / "media")])
    assert result.exit_code == 2 and "is a file, not a folder" in result.stderr


def test_full_width_names_are_the_names_python_reads() -> None:
    result = CliRunner().invoke(main, ["values", "autograd", "--expr", "ｘ*2", "--at", "ｘ=1", "--json"])
    assert result.exit_code == 0, result.output
    assert "tensor(2.)" in result.stdout


def test_a_scene_named_twice_renders_once() -> None:
    from seminar_anim.app.cli import _specs

    assert [spec.name for spec in _specs(("memory", "autograd", "memory"), LESSON)] == ["memory", "autograd"]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError):
                continue
    return found


def _owner(folder: Path) -> int | None:
    """The process id a staging folder names as its owner (None: no owner, or gone meanwhile)."""
    try:
        return int((folder / OWNER_FILE).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen[bytes], Path]:
    lessons = []
    for name in ("one", "two", "three", "four"):  # more than renders in the wait before a stop
        path = tmp_path / f"{name}.py"
        path.write_text(LESSON_CODE)
        lessons.append(str(path))
    out = tmp_path / "media"
    command = [*CLI, "render", *lessons, "--device", "cpu", "--out", str(out), *extra]
    return subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL), out


def _wait_for_rendering(process: subprocess.Popen[bytes], out: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(path.name.startswith(".") for path in out.glob("*/.*-*")):
            time.sleep(1.5)  # well inside the render now
            return
        time.sleep(0.1)
    raise AssertionError("the render never started")


@pytest.mark.parametrize(("stop", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stopped_render_cleans_up_and_says_one_line(tmp_path: Path, stop: signal.Signals, status: int) -> None:
    from seminar_anim.output.render import TYPST_CACHE

    process, out = _start(tmp_path, "--jobs", "1")
    _wait_for_rendering(process, out)
    # What a second run into the same folder sweeps first leaves this live run's folders alone.
    private = [path for path in TYPST_CACHE.glob("private-*") if _owner(path) == process.pid]
    staged = list(out.glob("*/.*-*")) + private
    for folder in {path.parent for path in out.glob("*/.*-*")}:
        sweep(folder, f".{folder.name}-")
    sweep(TYPST_CACHE, "private-")
    assert staged and all(path.exists() for path in staged)
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == status
    assert stderr.decode().strip().splitlines()[-1].startswith(f"stopped by {stop.name}")
    assert "Traceback" not in stderr.decode()
    assert not list(out.glob("*/.*"))  # no staging folder left


def test_workers_die_with_a_killed_command_and_publish_nothing(tmp_path: Path) -> None:
    process, out = _start(tmp_path, "--jobs", "2")
    _wait_for_rendering(process, out)
    workers = [pid for pid in _children(process.pid) if _alive(pid)]
    assert workers
    process.kill()
    process.communicate()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)
    time.sleep(1)
    assert not list(out.glob("*/480p15_dark"))  # nothing was published for the dead command
    # The next run of those lessons removes what the killed one left.
    left = sorted({path.parent.name for path in out.glob("*/.*")})
    assert left
    lessons = [str(tmp_path / f"{name}.py") for name in left]
    again = subprocess.Popen([*CLI, "render", *lessons, "--device", "cpu", "--out", str(out)], stderr=subprocess.PIPE)
    _, stderr = again.communicate(timeout=120)
    assert again.returncode == 0, stderr.decode()
    assert not list(out.glob("*/.*"))


def test_a_damaged_course_is_joined_again(tmp_path: Path) -> None:
    from seminar_anim.output.course import build_course

    specs = [tiny_spec("tiny-a"), tiny_spec("tiny-b")]
    build_course(specs, LESSON, RenderOptions(out=tmp_path), lambda _line: None, min_chapter=0)
    os.truncate(tmp_path / "course" / "480p15_dark" / "course.mp4", 1000)
    lines: list[str] = []
    again = build_course(specs, LESSON, RenderOptions(out=tmp_path), lines.append, min_chapter=0)
    assert not again.up_to_date
    assert any("course: rendering again: course.mp4 is 1000 bytes" in line for line in lines), lines
    assert build_course(specs, LESSON, RenderOptions(out=tmp_path), lambda _line: None, min_chapter=0).up_to_date
