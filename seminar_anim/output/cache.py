"""Render keys: a render whose inputs did not change is skipped; loads neither manim nor the scene."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from seminar_anim import __version__
from seminar_anim.app.catalogue import SceneSpec
from seminar_anim.app.options import LessonOptions, RenderOptions
from seminar_anim.model.manifest import Manifest
from seminar_anim.output.records import RenderRecord

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
        "tools": tool_versions(),
    }
    return digest(inputs)


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


def key_record(key: str, spec: SceneSpec, options: RenderOptions) -> str:
    """The render.json written beside a render: its key, and in words what made it."""
    record = RenderRecord(
        key=key,
        scene=spec.name,
        quality=options.quality,
        format=options.format,
        transparent=options.transparent,
        theme=options.theme,
        version=__version__,
        tools=tool_versions(),
    )
    return record.to_json()
