"""Dependencies point one way: the model never loads manim, the visual layer never loads torch."""

from __future__ import annotations

import subprocess
import sys


def loaded_after(imports: str) -> set[str]:
    code = f"import sys\n{imports}\nprint(' '.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_model_loads_no_manim() -> None:
    modules = loaded_after(
        "import seminar_anim.model.autograd, seminar_anim.model.trace, seminar_anim.model.device, "
        "seminar_anim.model.expr, seminar_anim.model.graph, seminar_anim.model.manifest, "
        "seminar_anim.model.lectures, seminar_anim.model.listing"
    )
    assert "torch" in modules
    assert not any(name == "manim" or name.startswith("manim.") for name in modules)


def test_visual_loads_no_torch() -> None:
    modules = loaded_after(
        "import seminar_anim.visual.code, seminar_anim.visual.graph, seminar_anim.visual.labels, "
        "seminar_anim.visual.layout, seminar_anim.visual.lecture, seminar_anim.visual.lint, seminar_anim.visual.theme, "
        "seminar_anim.visual.codegraph"
    )
    assert "manim" in modules
    assert "torch" not in modules


def test_cli_list_loads_neither() -> None:
    modules = loaded_after("from seminar_anim.cli import main")
    assert "torch" not in modules
    assert "manim" not in modules
