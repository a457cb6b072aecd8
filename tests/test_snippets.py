"""`seminar-anim render PATH.py`: a user's file against plain Python and PyTorch, and its frames' structure."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import pytest
import torch
from click.testing import CliRunner

from seminar_anim.app.cli import main
from seminar_anim.model.snippet import split_source
from seminar_anim.model.user import snippet_lesson
from seminar_anim.visual.lint import MIN_GLYPH_HEIGHT
from tests.conftest import clean_capture, python_stdouts

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = sorted((ROOT / "tests" / "snippets").glob("*.py"))
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def values(path: Path, *options: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["values", str(path), "--device", "cpu", "--json", *options])
    assert result.exit_code == 0, result.output
    manifest: dict[str, Any] = json.loads(result.stdout)
    return manifest


def test_values_print_what_python_prints() -> None:
    printed_by_python = python_stdouts([*SNIPPETS, *EXAMPLES])
    for path, stdout in printed_by_python.items():
        check_prints(path, stdout)


def check_prints(path: Path, python_printed: str) -> None:
    manifest = values(path)
    printed = "".join(f"{text}\n" for text in manifest["prints"])
    if manifest["values"].get("gpu.mode"):
        # Without CUDA, python stops at the first move to the GPU; the illustration goes on.
        assert not torch.cuda.is_available()
        assert printed.startswith(python_printed)
    else:
        assert printed == python_printed
    shown, _, _ = split_source(path.read_text(encoding="utf-8"))
    assert manifest["code"] == "\n".join(shown) + "\n"  # the file as shown: its # %% headers are step titles


@pytest.mark.parametrize("path", SNIPPETS, ids=lambda path: path.stem)
def test_every_recorded_stride_offset_and_storage_equals_pytorchs(path: Path) -> None:
    facts = snippet_lesson(path)
    namespace: dict[str, Any] = {"torch": torch, "print": lambda *args, **kwargs: None}
    for statement in facts.run.statements:
        try:
            exec(compile(statement.source, str(path), "exec"), namespace)
        except RuntimeError:
            assert statement.error is not None and statement.error.startswith("RuntimeError")
            break
        tensors = {name: value for name, value in namespace.items() if isinstance(value, torch.Tensor)}
        assert set(tensors) == set(statement.tensors), statement.source
        for name, tensor in tensors.items():
            record = statement.tensors[name]
            assert record.stride == tensor.stride(), (statement.source, name)
            assert record.storage_offset == tensor.storage_offset(), (statement.source, name)
            assert record.shape == tuple(tensor.shape) and record.dtype == str(tensor.dtype).removeprefix("torch.")
            for other, other_tensor in tensors.items():
                same = tensor.untyped_storage().data_ptr() == other_tensor.untyped_storage().data_ptr()
                assert (record.storage == statement.tensors[other].storage) == same, (name, other)


def test_the_manifest_of_a_snippet_has_the_documented_shape() -> None:
    manifest = values(ROOT / "tests" / "snippets" / "fanout.py")
    assert {"code", "prints", "error", "steps", "graph"} <= set(manifest)
    assert manifest["error"] is None
    first = manifest["steps"][0]
    assert first["lines"] == [1, 3] and first["prints"] == []  # import torch joins the first step
    a = first["tensors"]["a"]
    assert a == {
        "shape": [],
        "stride": [],
        "storage_offset": 0,
        "dtype": "float32",
        "device": "cpu",
        "contiguous": True,
        "storage": a["storage"],
        "values": [2.0],
        "requires_grad": True,
        "grad": None,
        "grad_fn": None,
    }
    a, b = torch.tensor(2.0, requires_grad=True), torch.tensor(-3.0, requires_grad=True)
    ((a * b + a) * (a * b)).backward()
    assert manifest["steps"][-1]["tensors"]["a"]["grad"] == [a.grad.item()]  # type: ignore[union-attr]
    graph = manifest["graph"]
    assert {node["name"] for node in graph["nodes"]} >= {"MulBackward0", "AddBackward0"}
    assert all(set(edge) == {"from", "to", "local"} for edge in graph["edges"])


def test_micrograds_sanity_check_draws_pytorchs_gradients() -> None:
    path = ROOT / "tests" / "snippets" / "micrograd.py"
    grad = runpy.run_path(str(path))["x"].grad  # the program itself, run by plain Python
    assert grad is not None and grad.item() == 46.0
    manifest, captures = clean_capture(str(path), "dark", None)
    drawn = {text.key: text.text for text in captures[-1].texts if text.key}
    grads = [key for key in manifest.values if key.endswith(".grad") and key.startswith("s6.x")]
    assert grads and drawn[grads[0]] == "46.0"
    assert "tensor(46.)" in {text.text for text in captures[-1].texts}


@pytest.mark.parametrize(
    "path", [*EXAMPLES, ROOT / "tests" / "snippets" / "big_storage.py"], ids=lambda path: path.stem
)
def test_snippet_frames_draw_the_manifest_cleanly(path: Path) -> None:
    manifest, captures = clean_capture(str(path), "dark", None)
    facts = snippet_lesson(path)
    assert len(captures) == 1 + len(facts.steps)
    if facts.run.error:
        error_type = facts.run.error.split(":")[0]
        assert any(text.text.startswith(f"{error_type}:") for text in captures[-1].texts)
    assert manifest.values
    if path.stem == "big_storage":  # 100 elements: the first cells, a cell of dots, and the real last one
        drawn = {text.key.split(".", 1)[1]: text.text for text in captures[-1].texts if text.key}
        assert drawn["storage1.storage[99]"] == "99.0" and drawn["storage1.offset[99]"] == "396"
        matrix = {text.key.split(".", 1)[1]: text.text for text in captures[2].texts if text.key}
        assert matrix["m[0, 4]"] == "4.0" and matrix["m[9, 9]"] == "99.0" and "m[0, 5]" not in matrix


@pytest.mark.parametrize(("path", "depth"), [(EXAMPLES[2], 5), (ROOT / "tests" / "snippets" / "deep_chain.py", 8)])
def test_deep_graphs_take_the_frame_legibly(path: Path, depth: int) -> None:
    """A 5-deep neuron loss and an 8-deep chain: the smallest text at least 8 px tall at 480p,
    and the tags naming the colours of the output's numbers inside the graph's area."""
    facts = snippet_lesson(path)
    graph = next(step.graph for step in facts.steps if step.graph is not None)
    from seminar_anim.model.graph import columns

    assert max(columns(graph).values()) == depth
    from seminar_anim.visual.codegraph import GRAPH_AREA, WIDE_AREA
    from seminar_anim.visual.graph import GraphView
    from seminar_anim.visual.theme import get_theme

    view = GraphView(graph, get_theme("dark"), (GRAPH_AREA, WIDE_AREA))
    assert view.smallest * view.scale_factor >= MIN_GLYPH_HEIGHT  # 8 px at 480p
    for tag in view.tags.values():
        assert view.area.left <= tag.get_left()[0] and tag.get_right()[0] <= view.area.right


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"x = (1,\n", ":1:5: '(' was never closed"),
        (b"\xff\xfe", "not UTF-8"),
        (b"# only a comment\n", "no statement to run"),
    ],
)
def test_files_that_cannot_run_are_one_line_and_status_2(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "lesson.py"
    path.write_bytes(content)
    out = tmp_path / "media"
    result = CliRunner().invoke(main, ["render", str(path), "--device", "cpu", "--out", str(out)])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["values", str(tmp_path / "nowhere.py")])
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_an_exception_is_the_last_step_and_the_render_completes(tmp_path: Path) -> None:
    path = ROOT / "tests" / "snippets" / "raises.py"
    result = CliRunner().invoke(main, ["render", str(path), "--device", "cpu", "--out", str(tmp_path), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "the code raised RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)" in result.stderr
    manifest = json.loads((tmp_path / "raises" / "480p15_dark" / "raises.manifest.json").read_text())
    assert manifest["error"] == "RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"
    assert manifest["prints"] == ["torch.Size([2, 3])"]


def test_a_copy_to_another_device_travels_from_the_block_it_copies() -> None:
    """`.to('cuda')` runs the values of the CPU block over the bus; a print copies nothing."""
    from scenes.snippet import SnippetScene

    facts = snippet_lesson(EXAMPLES[0])
    statements = {statement.source: statement for step in facts.steps for statement in step.statements}
    copy = statements["gpu_tensor = cpu_tensor.to('cuda')"]
    cpu, gpu = copy.tensors["cpu_tensor"].storage, copy.tensors["gpu_tensor"].storage
    block = object()
    on_cpu: dict[int, Any] = {cpu: block}
    assert SnippetScene.copied_from(copy, gpu, on_cpu) is block
    assert SnippetScene.copied_from(copy, gpu, {gpu: on_cpu[cpu]}) is None
    assert SnippetScene.copied_from(statements["print(gpu_tensor.device)"], gpu, on_cpu) is None
