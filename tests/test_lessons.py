"""The built-in lessons are code: what a manifest records as shown is what runs, and scenes never count lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch

from seminar_anim.app.catalogue import SCENES
from seminar_anim.lessons import lesson_source
from seminar_anim.model.devices import NEEDS_CUDA, illustration
from seminar_anim.model.snippet import split_source
from tests.conftest import python_stdouts, values_json

ROOT = Path(__file__).resolve().parent.parent


def test_the_manifests_code_run_by_python_prints_the_manifests_prints(tmp_path: Path) -> None:
    """Each built-in manifest's code, with `import torch` before it, run by plain Python."""
    files, expected = [], []
    for spec in SCENES:
        code, printed = runnable(spec.name)
        folder = tmp_path / spec.name
        folder.mkdir()
        files.append(folder / "lesson.py")
        files[-1].write_text("import torch\n" + code, encoding="utf-8")
        expected.append(printed)
    for path, printed, stdout in zip(files, expected, python_stdouts(files).values(), strict=True):
        assert stdout == printed, path.parent.name


def runnable(scene: str) -> tuple[str, str]:
    """The code of a scene's manifest, as plain Python can run it, and what it must print."""
    manifest = values_json(scene)
    code = manifest["code"]
    assert code.strip(), f"{scene} records no code"
    if scene == "devices" and not torch.cuda.is_available():
        # The illustrated case: the GPU copies become CPU copies, and the lines only a GPU can
        # answer print nothing, as the frame says; every other line runs as shown.
        lines, _, marks = split_source(lesson_source("devices"))
        assert code == "\n".join(lines) + "\n"
        gpu_lines = {line for name, line in marks if name == NEEDS_CUDA}
        code = illustration("\n".join("pass" if index in gpu_lines else line for index, line in enumerate(lines)))
    return code, "".join(f"{text}\n" for text in manifest["prints"])


def test_a_shown_lesson_is_its_source_without_markers() -> None:
    for spec in SCENES:
        shown, _, marks = split_source(lesson_source(spec.name))
        assert marks, f"{spec.name}: a lesson names its moments with # [markers]"
        assert not any(re.search(r"#\s*\[\w", line) for line in shown), spec.name


def test_scenes_never_count_lines_nor_spell_manifest_keys() -> None:
    for path in sorted((ROOT / "scenes").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"marks\[[^]]+\]\s*[-+]\s*\d", text), f"{path.name} counts lines from a mark"
        assert not re.search(r"ValueLabel\(\s*f?[\"']", text), f"{path.name} spells a manifest key"
        assert "extra[" not in text, f"{path.name} reads a manifest key string"


def test_adding_a_line_to_a_lesson_changes_only_what_it_adds(monkeypatch: pytest.MonkeyPatch) -> None:
    """One more print in the storage lesson: the engine runs it, and every mark still names its line."""
    from seminar_anim import lessons
    from seminar_anim.model.memory import storage_lesson

    before = storage_lesson("cpu")
    source = lesson_source("storage").replace(
        "print(c.stride())  # [stride]", "print(c.stride())  # [stride]\nprint(c.shape)  # [shape]"
    )
    monkeypatch.setattr(lessons, "lesson_source", lambda name: source)
    monkeypatch.setattr("seminar_anim.model.memory.lesson_source", lambda name: source)
    after = storage_lesson("cpu")
    slide_before, slide_after = before.listings[0], after.listings[0]
    assert slide_after.code[slide_after.marks["shape"]] == "print(c.shape)"
    assert slide_after.prints == (*slide_before.prints, "torch.Size([2, 2])")
    assert {name: slide_after.marks[name] for name in slide_before.marks} == slide_before.marks
    assert after.views == before.views


def test_a_print_told_says_its_expression_and_what_python_printed() -> None:
    from seminar_anim.model.snippet import run_snippet

    run = run_snippet("a = torch.arange(4.)\nc = a.view(2, 2)  # [c]\nprint(c.stride())  # a tuple  # [stride]\n")
    (listing,) = run.listings
    assert listing.told("stride") == f"c.stride() is {torch.arange(4.0).view(2, 2).stride()}."
