"""Render keys: a render whose inputs did not change is skipped; loads neither manim nor the scene."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from dataclasses import replace
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from seminar_anim import __version__
from seminar_anim.app.catalogue import SceneSpec
from seminar_anim.app.options import LessonOptions, RenderOptions
from seminar_anim.model.manifest import Manifest
from seminar_anim.output.records import RenderRecord
from seminar_anim.output.video import encoder_options

KEY_FILE = "render.json"
# Manim's own cache ignores its config (a theme change would not re-render), so the key
# names every input itself: the code, the live values, the options and the tools' versions.
ADDRESS_PREFIX = "address."
TOOLS = ("manim", "torch", "av", "pycairo", "ManimPango", "typst")


def render_key(spec: SceneSpec, lesson: LessonOptions, options: RenderOptions, manifest: Manifest) -> str:
    """A digest of everything a render's output depends on (not where it is written)."""
    inputs = {
        "seminar-anim": __version__,
        "package": package_digest(),
        "scene": [_module_digest(spec.scene), _module_digest(spec.facts)],
        "spec": [spec.name, spec.facts, spec.scene],
        "manifest": drawn_inputs(manifest),
        "lesson": [lesson.device, lesson.expr, list(lesson.at)],
        "options": [options.quality, options.format, options.transparent, options.theme],
        "narration": narration_inputs(options, spec.name),
        "encoder": encoder_options(options.format, options.transparent),
        "tools": tool_versions(),
    }
    return digest(inputs)


def narration_inputs(options: RenderOptions, stem: str) -> list[str]:
    """For a narrated render, the voice and the lecturer's recordings of this scene, by content.
    The narration's text is the scenes' code and the manifest's values, already in the key."""
    if not options.narrated:
        return []
    from seminar_anim.output.voice import recordings_digest, voice_id

    return [voice_id(), recordings_digest(options.narration, stem)]


def drawn_inputs(manifest: Manifest) -> dict[str, object]:
    """The manifest without the absolute addresses (`address.*`): they change with every run and
    are never drawn (the structure tests check that), so they must not force a render."""
    record = manifest.as_dict()
    values = manifest.values
    record["values"] = {name: value for name, value in values.items() if not name.startswith(ADDRESS_PREFIX)}
    return record


def digest(inputs: object) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


@cache
def package_digest() -> str:
    """Every source file of the seminar_anim package: the model, visuals, render and output code."""
    root = Path(__file__).resolve().parent.parent
    files = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        files.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return files.hexdigest()


def _module_digest(target: str) -> str:
    """The source of the module named in "module:attribute", found without importing it."""
    module = target.partition(":")[0]
    found = importlib.util.find_spec(module)
    if found is None or found.origin is None:
        raise RuntimeError(f"no source file for module {module}")
    return hashlib.sha256(Path(found.origin).read_bytes()).hexdigest()


@cache
def tool_versions() -> dict[str, str]:
    versions = {}
    for name in TOOLS:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "absent"
    return versions


def stored_key(folder: Path, record_name: str = KEY_FILE) -> str | None:
    """The key recorded in `folder`, or None when there is none or it is unreadable."""
    return RenderRecord.stored_key(folder / record_name)


def key_record(key: str, spec: SceneSpec, options: RenderOptions) -> RenderRecord:
    """The render.json written beside a render: its key, and in words what made it (its
    outputs are added when they are all written: `with_outputs`)."""
    return RenderRecord(
        key=key,
        scene=spec.name,
        quality=options.quality,
        format=options.format,
        transparent=options.transparent,
        theme=options.theme,
        version=__version__,
        tools=tool_versions(),
    )


def _file_digest(path: Path) -> tuple[int, str]:
    sha = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            sha.update(chunk)
    return path.stat().st_size, sha.hexdigest()


def outputs_of(folder: Path, record_name: str = KEY_FILE) -> dict[str, tuple[int, str]]:
    """The size and hash of every file under `folder` but its record."""
    files = sorted(path for path in folder.rglob("*") if path.is_file() and path.name != record_name)
    return {path.relative_to(folder).as_posix(): _file_digest(path) for path in files}


def with_outputs(record: RenderRecord, folder: Path) -> str:
    """The record as JSON, with the size and hash of every file under `folder` but itself."""
    return replace(record, outputs=outputs_of(folder)).to_json()


def damage(folder: Path, record_name: str = KEY_FILE) -> str | None:
    """Why the render in `folder` cannot be trusted as up to date, or None when every output its
    record lists is there, whole and unchanged."""
    recorded = RenderRecord.stored_outputs(folder / record_name)
    if not recorded:
        return f"its {record_name} lists no outputs"
    for name, (size, sha) in recorded.items():
        path = folder / name
        if not path.is_file():
            return f"{name} is missing"
        if (found := path.stat().st_size) != size:
            return f"{name} is {found} bytes, not the {size} it was written with"
        if _file_digest(path)[1] != sha:
            return f"{name} changed since it was written"
    return None
