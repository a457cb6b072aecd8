"""Dependencies point one way: the model never loads manim, the visual layer never loads torch.

Every module of both layers is found by walking the packages, so a new module is checked
without anyone adding it to a list; each layer is imported whole in a fresh interpreter.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from types import ModuleType

import pytest

import seminar_anim.model
import seminar_anim.visual

TORCH_FREE_MODEL = {"graph", "expr", "listing", "manifest", "records", "layouts"}  # what the visual layer may read


def modules(package: ModuleType) -> list[str]:
    return sorted(f"{package.__name__}.{info.name}" for info in pkgutil.iter_modules(package.__path__))


def loaded_after(imports: str) -> set[str]:
    code = f"import sys\n{imports}\nprint(' '.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def loads(modules_loaded: set[str], top: str) -> bool:
    return any(name == top or name.startswith(f"{top}.") for name in modules_loaded)


def test_the_layers_are_walked_not_listed() -> None:
    assert len(modules(seminar_anim.model)) >= 12 and len(modules(seminar_anim.visual)) >= 12


def test_model_loads_no_manim() -> None:
    every = modules(seminar_anim.model)
    loaded = loaded_after("\n".join(f"import {module}" for module in every))
    assert loads(loaded, "torch")
    assert not loads(loaded, "manim")


@pytest.mark.parametrize("module", [f"seminar_anim.model.{name}" for name in sorted(TORCH_FREE_MODEL)])
def test_plain_records_load_no_torch(module: str) -> None:
    assert module in modules(seminar_anim.model)
    assert not loads(loaded_after(f"import {module}"), "torch"), f"{module} holds plain records: it must not load torch"


def test_visual_loads_no_torch() -> None:
    every = modules(seminar_anim.visual)
    loaded = loaded_after("\n".join(f"import {module}" for module in every))
    assert loads(loaded, "manim")
    assert not loads(loaded, "torch")


def test_cli_list_loads_neither() -> None:
    loaded = loaded_after("from seminar_anim.app.cli import main")
    assert not loads(loaded, "torch")
    assert not loads(loaded, "manim")
