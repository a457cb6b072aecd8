"""Render several scenes, each in a process of its own when --jobs allows, with one progress display."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from seminar_anim.app.catalogue import SceneSpec
from seminar_anim.app.options import LessonOptions, RenderOptions
from seminar_anim.errors import UserError

Say = Callable[[str], None]
PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h)
UNSPLIT_QUALITY = "low"  # scenes at this quality are never split over processes


@dataclass(frozen=True)
class RenderJob:
    """One scene to render, with everything a fresh process needs to render it."""

    spec: SceneSpec
    lesson: LessonOptions
    options: RenderOptions
    slides: bool = False
    force: bool = False
    parts: int = 1  # processes the scene's steps are split over


@dataclass(frozen=True)
class Outcome:
    """How one job ended: the files it left, or the one-line error that stopped it."""

    name: str
    paths: tuple[Path, ...] = ()
    up_to_date: bool = False
    error: str | None = None


def default_jobs() -> int:
    return os.cpu_count() or 1


def run_renders(jobs: list[RenderJob], workers: int, say: Say) -> list[Outcome]:
    """Render every job and return their outcomes in order; a failing scene never stops the others.

    Options are checked and manifests computed here first, so a mistake (an impossible
    format, a missing CUDA device) raises its UserError before anything renders. Up-to-date
    scenes are answered here too. Manim's configuration is global to a process, so with
    `workers` > 1 each remaining scene renders in a fresh process of its own ('spawn'), and
    its progress lines come back through a queue.
    """
    from seminar_anim.output.render import check_slides, plan_render

    jobs = list(jobs)
    for job in jobs:
        check_slides(plan_render(job.spec, job.options), job.slides)
    fresh = [not job.force and _is_fresh(job) for job in jobs]
    outcomes: dict[int, Outcome] = {}
    labels = {index: f"[{index + 1}/{len(jobs)}] {job.spec.name}" for index, job in enumerate(jobs)}
    remote = [index for index, job in enumerate(jobs) if not fresh[index]]
    # Scenes first, one process each; the cores left over split the scenes' steps, except at
    # 480p15, where a scene renders in seconds and a second process costs more than it saves.
    for number, index in enumerate(remote):
        share = workers // len(remote) + (1 if number < workers % len(remote) else 0)
        if jobs[index].options.quality != UNSPLIT_QUALITY:
            jobs[index] = replace(jobs[index], parts=max(1, share))
    if workers <= 1 or len(remote) <= 1:
        remote = []
    for index, job in enumerate(jobs):
        if index not in remote:
            say(labels[index])
            outcomes[index] = _render_one(job, _prefixed(say, job.spec.name))
    if remote:
        outcomes.update(_render_in_processes({index: jobs[index] for index in remote}, workers, labels, say))
    return [outcomes[index] for index in range(len(jobs))]


def _is_fresh(job: RenderJob) -> bool:
    from seminar_anim.output.render import is_up_to_date

    try:
        return is_up_to_date(job.spec, job.lesson, job.options)
    except UserError:
        raise
    except Exception:  # a broken scene: its own render reports the error, after the others
        return False


def _prefixed(say: Say, name: str) -> Say:
    return lambda line: say(f"  {name}: {line}")


def _render_one(job: RenderJob, progress: Say) -> Outcome:
    from seminar_anim.output.render import render_scene

    try:
        rendered = render_scene(
            job.spec, job.lesson, job.options, progress, slides=job.slides, force=job.force, parts=job.parts
        )
    except Exception as error:  # reported at the end; the other scenes go on
        return Outcome(job.spec.name, error=_one_line(error))
    return Outcome(job.spec.name, tuple(rendered.paths), up_to_date=rendered.up_to_date)


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if isinstance(error, UserError):
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


_queue: Any = None  # the progress queue, in a worker process


def _start_worker(queue: Any, parent: int) -> None:
    """In each worker: die with the command. The kernel kills the worker when its parent dies
    by any signal (PR_SET_PDEATHSIG), so a worker never publishes for a command that is gone."""
    global _queue
    _queue = queue
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    # Ctrl-C reaches the whole process group: the command stops its workers itself, with
    # SIGTERM, which unwinds the render so its staging folder is removed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, unwind)


def unwind(number: int, _frame: object) -> None:
    """A signal handler: exit as the shell reports death by signal `number` (128 + it), by an
    exception, so every `with` block cleans up; the same signal again is ignored meanwhile, so
    the clean-up runs to its end."""
    signal.signal(number, signal.SIG_IGN)
    raise SystemExit(128 + number)


def _render_in_worker(index: int, job: RenderJob) -> Outcome:
    _queue.put((index, None))
    return _render_one(job, lambda line: _queue.put((index, line)))


def report(index: int, line: str) -> None:
    """In a worker: a progress line for the command's display, as task `index`."""
    _queue.put((index, line))


@contextmanager
def process_pool(workers: int, on_line: Callable[[int, str | None], None]) -> Iterator[ProcessPoolExecutor]:
    """Up to `workers` fresh processes ('spawn') that die with this one. What a task sends with
    `report` reaches `on_line` here, in order. Stopped (a signal, Ctrl-C), the workers stop now
    rather than finish their tasks; SIGTERM lets each remove its staging folder on the way out."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()

    def relay() -> None:
        while (message := queue.get()) is not None:
            on_line(*message)

    listener = threading.Thread(target=relay, daemon=True)
    listener.start()
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(queue, os.getpid())
    )
    try:
        yield pool
    except BaseException:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        # The pool has shut down, and a worker flushes its queue before it exits: None comes last.
        queue.put(None)
        listener.join(timeout=5)


def _render_in_processes(
    jobs: dict[int, RenderJob], workers: int, labels: dict[int, str], say: Say
) -> dict[int, Outcome]:
    names = {index: job.spec.name for index, job in jobs.items()}

    def show(index: int, line: str | None) -> None:
        say(labels[index] if line is None else f"  {names[index]}: {line}")

    outcomes: dict[int, Outcome] = {}
    with process_pool(min(workers, len(jobs)), show) as pool:
        futures: dict[int, Future[Outcome]] = {
            index: pool.submit(_render_in_worker, index, job) for index, job in jobs.items()
        }
        for index, future in futures.items():
            try:
                outcomes[index] = future.result()
            except Exception as error:  # the worker itself died (killed, out of memory)
                outcomes[index] = Outcome(names[index], error=_one_line(error))
    return outcomes


def summary(outcomes: list[Outcome], seconds: float) -> str:
    rendered = sum(1 for outcome in outcomes if outcome.error is None and not outcome.up_to_date)
    current = sum(1 for outcome in outcomes if outcome.up_to_date)
    failed = [outcome for outcome in outcomes if outcome.error is not None]
    return f"{rendered} rendered, {current} up to date, {len(failed)} failed in {seconds:.1f} s"


def failure_line(outcomes: list[Outcome]) -> str | None:
    """One line naming each failed scene and its error, or None when none failed."""
    failed = [outcome for outcome in outcomes if outcome.error is not None]
    if not failed:
        return None
    each = "; ".join(f"{outcome.name} ({outcome.error})" for outcome in failed)
    return f"{len(failed)} of {len(outcomes)} scenes failed: {each}"
