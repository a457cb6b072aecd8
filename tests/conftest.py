"""Shared, session-wide captures: building a scene is the slow part, so each variant is built once.

Tests run in parallel worker processes (pytest-xdist, `--dist loadgroup`); every test that
captures a scene is grouped by that scene, so each worker builds a given scene at most once.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from seminar_anim.app.catalogue import find_scene
from seminar_anim.app.options import LessonOptions
from seminar_anim.model.manifest import Manifest
from tests.capture import SectionCapture, capture_sections

Captured = tuple[Manifest, list[SectionCapture]]
_cache: dict[tuple[str, str, str | None, tuple[str, ...]], Captured] = {}


@pytest.fixture(scope="session", autouse=True)
def _worker_media(worker_id: str) -> None:
    """Each worker its own Manim media folder: Manim parses a Text through a temporary file
    named after the text, which two workers drawing the same text at once would share."""
    from manim import config

    config.media_dir = str(Path("media") / f"worker-{worker_id}")


def themes_for(scene: str) -> list[str]:
    """The themes whose frames a scene's structure tests check (see snapshots.LIGHT_SCENES)."""
    from tests.snapshots import LIGHT_SCENES

    return ["dark", "light"] if scene in LIGHT_SCENES else ["dark"]


def scene_themes(scenes: list[str]) -> list[tuple[str, str]]:
    return [(scene, theme) for scene in scenes for theme in themes_for(scene)]


def captured(scene: str, theme: str = "dark", expr: str | None = None, at: tuple[str, ...] = ()) -> Captured:
    key = (scene, theme, expr, at)
    if key not in _cache:
        _cache[key] = capture_sections(find_scene(scene), LessonOptions(device="cpu", expr=expr, at=at), theme=theme)
    return _cache[key]


NUMBER = re.compile(r"(?<![A-Za-z_\d.])\d+(?:\.\d+)?")  # not the 32 of float32


def clean_capture(scene: str, theme: str, steps: list[str] | None) -> Captured:
    """Capture a scene and check the structure tier at every step's end: the steps are the
    expected ones, no text overlaps or leaves the safe area, and every drawn value is the
    manifest's at display precision. `steps` None: any steps (a user's file)."""
    from seminar_anim.visual.captions import sentences
    from seminar_anim.visual.labels import format_value
    from seminar_anim.visual.lecture import MAX_SENTENCES
    from seminar_anim.visual.lint import layout_problems

    manifest, captures = captured(scene, theme=theme)
    if steps is not None:
        assert [capture.name for capture in captures] == steps
    for capture in captures:
        assert layout_problems(capture.texts, capture.frame_width, capture.frame_height) == [], capture.name
        for text in capture.texts:
            if text.key is None:
                continue
            assert not text.key.startswith("address."), "absolute addresses are never drawn"
            assert text.key in manifest.values, f"{capture.name}: {text.key} is drawn but not in the manifest"
            assert text.text == format_value(manifest.values[text.key]), f"{capture.name}: {text.key}"
        if steps is not None:  # a user's file: its steps say what its cells' titles say
            assert typed_numbers(capture.caption, manifest) == [], f"{capture.name}: {capture.caption}"
        assert 1 <= len(sentences(capture.caption)) <= MAX_SENTENCES, f"{capture.name}: {capture.caption}"
    return manifest, captures


def typed_numbers(sentence: str, manifest: Manifest) -> list[str]:
    """The numbers in a subtitle that are neither one of the manifest's values (or a number in
    one, as in a shape) nor part of code quoted from the lesson, as `x**2`: numbers typed by hand."""
    from seminar_anim.visual.labels import format_value

    computed = {number for value in manifest.values.values() for number in NUMBER.findall(format_value(value))}
    computed |= {
        str(int(value)) for value in manifest.values.values() if isinstance(value, float) and value.is_integer()
    }
    typed = []
    for word in sentence.split():
        quoted = word.rstrip(".,;:")
        for number in NUMBER.findall(word):
            if number not in computed and not (quoted != number and quoted in manifest.code):
                typed.append(word)
    return typed


def values_json(scene: str) -> dict[str, Any]:
    """`seminar-anim values SCENE --device cpu --json`, through Click, as a dict."""
    from click.testing import CliRunner

    from seminar_anim.app.cli import main

    result = CliRunner().invoke(main, ["values", scene, "--device", "cpu", "--json"])
    assert result.exit_code == 0, result.output
    manifest: dict[str, Any] = json.loads(result.stdout)
    return manifest


def pytest_itemcollected(item: pytest.Item) -> None:
    """Group tests by the scene they capture: from their `scene` or `variant` parameter, autograd
    for an `expr` parameter; tests that name a scene in their body carry `xdist_group` themselves.
    (Done as each test is collected, before xdist reads the groups.)"""
    params: dict[str, Any] = getattr(getattr(item, "callspec", None), "params", {})
    scene = params.get("scene") or getattr(params.get("variant"), "scene", None)
    if scene is None and "path" in params:
        scene = str(params["path"])  # a user's file, captured by its path
    if scene is None and "expr" in params:
        scene = "autograd"
    if scene is not None and item.get_closest_marker("xdist_group") is None:
        item.add_marker(pytest.mark.xdist_group(scene))


_DRIVER = """
import contextlib, io, json, os, runpy, sys
printed = {}
for path in sys.argv[1:]:
    buffer = io.StringIO()
    os.chdir(os.path.dirname(path))
    with contextlib.redirect_stdout(buffer):
        try:
            runpy.run_path(path, run_name="__main__")
        except Exception:
            pass  # Python would print the traceback to stderr; stdout is what is compared
    printed[path] = buffer.getvalue()
sys.__stdout__.write(json.dumps(printed))
"""


def python_stdouts(paths: list[Path]) -> dict[Path, str]:
    """What plain Python writes to stdout running each file as its main module (`python FILE`),
    one after another in one interpreter, so torch is imported once for them all."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", _DRIVER, *(str(path.resolve()) for path in paths)],
        capture_output=True,
        text=True,
        check=True,
    )
    printed: dict[str, str] = json.loads(result.stdout)
    return {path: printed[str(path.resolve())] for path in paths}
