"""scripts/bench.py's targets and markdown, from made-up results: nothing renders here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "bench.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("seminar_anim_bench", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["seminar_anim_bench"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _report(bench: ModuleType, *, up_to_date: bool = True, partial: tuple[str, ...] = ()) -> object:
    m = bench.Measurement
    course = bench.CourseRuns(
        scenes=(),
        jobs1=m("course --jobs 1 --force", "low", 300.0, 600.0, 900.0),
        jobs2=m("course --jobs 2 --force", "low", 200.0, 600.0, 1500.0),
        rerun=m("course --jobs 2, unchanged", "low", 2.5, 600.0, 300.0),
        rerun_up_to_date=up_to_date,
    )
    return bench.Report(
        machine=[("CPU", "Test CPU"), ("cores (os.cpu_count)", "2")],
        date="2026-01-01 12:00 UTC",
        command=".venv/bin/python scripts/bench.py",
        partial=list(partial),
        renders=[
            m("tensors", "high", 40.0, 50.0, 800.0),  # 0.8x
            m("memory", "high", 36.0, 30.0, 700.0),  # 1.2x
            m("data", "high", 10.0, None, 500.0, error="exit 1: boom"),
        ],
        baseline=[m("baseline (plain Manim)", "high", 30.0, 30.0, 600.0)],
        overhead_scene=[m("memory", "high", 36.0, 30.0, 700.0)],
        values=[bench.ValuesTime("tensors", 1.5, 200.0), bench.ValuesTime("memory", 2.4, 210.0)],
        course=course,
    )


def test_targets_compare_each_goal_with_what_was_measured(bench: ModuleType) -> None:
    rows = {target.name: target for target in bench.targets(_report(bench))}
    assert rows["course at 480p15, --jobs 2"].passed is True  # 200 / 600 = 0.33
    assert rows["one scene at 1080p60, best (tensors)"].passed is True
    assert rows["one scene at 1080p60, worst (memory)"].measured == "1.20×; failed: data"
    assert rows["one scene at 1080p60, worst (memory)"].passed is False
    assert rows["overhead vs plain Manim, high"].measured == "1.20×"
    assert rows["values, slowest scene (memory)"].passed is False
    assert rows["unchanged course re-run"].passed is True


def test_a_rerun_that_renders_again_misses(bench: ModuleType) -> None:
    rows = {target.name: target for target in bench.targets(_report(bench, up_to_date=False))}
    assert rows["unchanged course re-run"].passed is False
    assert "not reported up to date" in rows["unchanged course re-run"].measured


def test_unmeasured_targets_are_neither_pass_nor_miss(bench: ModuleType) -> None:
    report = bench.Report(machine=[], date="today", command="bench")
    assert all(target.passed is None for target in bench.targets(report))
    assert "| not measured | — |" in bench.markdown(report)


def test_markdown_says_partial_and_shows_failures(bench: ModuleType) -> None:
    text = bench.markdown(_report(bench, partial=("scenes tensors of 14",)))
    assert text.startswith("# Benchmarks\n\n**partial run: scenes tensors of 14.**")
    assert "| memory | high | 36.0 | 30.0 | 1.20× | 700 |" in text
    assert "failed: exit 1: boom" in text
    assert "Speed-up, `--jobs 1` / `--jobs 2`: 1.50×" in text
    assert "| course --jobs 2, unchanged | low | 2.5 | up to date | — | 300 |" in text
    assert "**MISS**" in text and "PASS" in text
