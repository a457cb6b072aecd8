"""The snippet engine against Python itself and independent PyTorch runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from seminar_anim.errors import SnippetError
from seminar_anim.model.snippet import run_snippet, split_source


def python_prints(source: str, tmp_path: Path) -> str:
    """What `python` writes to stdout running `source` with torch imported."""
    path = tmp_path / "snippet.py"
    path.write_text("import torch\n" + source, encoding="utf-8")
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, cwd=tmp_path, check=False)
    return result.stdout


def test_print_behaves_as_python_prints(tmp_path: Path) -> None:
    source = (
        "x = torch.tensor([1.5, 2.0])\n"
        "print(x, x.shape, sep=' | ', end='!\\n')\n"
        "print('a', 'b', sep='')\n"
        "print()\n"
        "for i in range(2):\n"
        "    print(i, end=' ')\n"
        "print(x.dtype)\n"
    )
    run = run_snippet(source)
    expected = "tensor([1.5000, 2.0000]) | torch.Size([2])!\nab\n\n0 1 torch.float32\n"
    assert python_prints(source, tmp_path) == expected
    # A print with end=' ' leaves its line open: the next one in the statement goes on it.
    assert run.statements[4].prints[0].text == "0 1 "
    assert "\n".join(run.prints) + "\n" == expected.replace("0 1 torch.float32", "0 1 \ntorch.float32")


def test_a_cells_last_bare_expression_shows_its_repr_like_a_notebook() -> None:
    run = run_snippet(
        "# %% cast\nx = torch.tensor([0., 1.], dtype=torch.double)\nx.type(torch.uint8)\n# %% next\nx.sum()\n"
    )
    assert [cell.title for cell in run.cells] == ["cast", "next"]
    assert run.statements[1].display == "tensor([0, 1], dtype=torch.uint8)"
    assert run.statements[2].display == "tensor(1., dtype=torch.float64)"
    assert run.prints == ()
    assert run.code == ("x = torch.tensor([0., 1.], dtype=torch.double)", "x.type(torch.uint8)", "x.sum()")


def test_markers_are_not_shown_and_name_their_lines() -> None:
    code, cells, marks = split_source("a = 1  # one  # [first]\n\n# %% Second\nb = 2  # [second, again]\n")
    assert code == ("a = 1  # one", "", "b = 2")
    assert [(cell.title, cell.lines) for cell in cells] == [("", (0, 0)), ("Second", (2, 2))]
    assert marks == (("first", 0), ("second", 2), ("again", 2))


def test_tensor_records_equal_pytorch() -> None:
    source = (
        "a = torch.arange(12.).reshape(3, 4)\n"
        "t = a.t()\n"
        "s = a[1:, ::2]\n"
        "e = torch.tensor([1, 2]).expand(3, 2)\n"
        "n = a.narrow(1, 1, 2)\n"
        "u = a[0].unsqueeze(0)\n"
        "c = t.contiguous()\n"
    )
    run = run_snippet(source)
    a = torch.arange(12.0).reshape(3, 4)
    expected = {
        "a": a,
        "t": a.t(),
        "s": a[1:, ::2],
        "e": torch.tensor([1, 2]).expand(3, 2),
        "n": a.narrow(1, 1, 2),
        "u": a[0].unsqueeze(0),
        "c": a.t().contiguous(),
    }
    for name, tensor in expected.items():
        record = run.tensor(name)
        assert record.shape == tuple(tensor.shape), name
        assert record.stride == tensor.stride(), name
        assert record.storage_offset == tensor.storage_offset(), name
        assert record.contiguous == tensor.is_contiguous(), name
        assert record.values == tuple(tensor.reshape(-1).tolist()), name
        assert record.byte_offset == tensor.storage_offset() * tensor.element_size(), name
        assert record.dtype == str(tensor.dtype).removeprefix("torch."), name
    views = {name: run.tensor(name).storage for name in ("a", "t", "s", "n", "u")}
    assert len(set(views.values())) == 1  # every view shares a's storage
    assert run.tensor("c").storage != views["a"]  # contiguous() copied
    assert run.tensor("e").elements == (0, 1, 0, 1, 0, 1)  # stride 0: the same cells reused
    assert run.storage(run.tensor("a")).offsets == tuple(range(0, 48, 4))


def test_backward_records_pytorchs_graph_with_its_local_derivatives() -> None:
    source = "x = torch.tensor(-4.0, requires_grad=True)\nz = 2 * x + 2 + x\nq = z.relu() + z * x\nq.backward()\n"
    run = run_snippet(source)
    (graph,) = run.graphs
    assert graph.root == "q"
    x = torch.tensor(-4.0, requires_grad=True)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    q.backward()
    leaf = next(node for node in graph.nodes if node.kind == "leaf")
    assert (leaf.name, leaf.value, leaf.grad) == ("x", -4.0, x.grad.item())  # type: ignore[union-attr]
    assert graph.nodes[-1].value == q.item() and graph.nodes[-1].name == "AddBackward0"
    # x feeds three operations: its gradient is the sum of what flows back along its edges.
    into_x = [edge for edge in graph.edges if edge.source == leaf.ident]
    assert len(into_x) == 3
    mul = next(node for node in graph.nodes if node.name == "MulBackward0" and node.arguments == (None, None))
    assert {edge.local for edge in graph.edges if edge.target == mul.ident} == {z.item(), x.item()}


def test_an_exception_is_the_last_line_python_prints_and_ends_the_run() -> None:
    run = run_snippet("a = torch.ones(2, 3)\nprint('before')\na @ a\nprint('never')\n")
    assert run.error == "RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"
    assert run.statements[-1].error == run.error and len(run.statements) == 3
    assert run.prints == ("before",)


def test_warnings_are_not_output() -> None:
    run = run_snippet("import warnings\nwarnings.warn('careful')\nprint('done')\n")
    assert run.prints == ("done",)
    assert run.statements[1].warnings == ("UserWarning: careful",)


@pytest.mark.parametrize(
    ("source", "message"),
    [("x = (1,\n", "<lesson>:1:5: '(' was never closed"), ("# only a comment\n", "<lesson>: no statement to run")],
)
def test_code_that_cannot_run_is_one_clear_error(source: str, message: str) -> None:
    with pytest.raises(SnippetError) as raised:
        run_snippet(source)
    assert str(raised.value) == message


def test_a_run_leaves_the_default_device_as_it_was() -> None:
    run_snippet("torch.set_default_device('meta')\nx = torch.ones(1)\n")
    assert torch.ones(1).device.type == "cpu"
