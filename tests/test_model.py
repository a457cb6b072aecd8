"""The autograd engine against independent PyTorch computations."""

from __future__ import annotations

import math

import pytest
import torch

from seminar_anim.errors import DeviceError, ExpressionError
from seminar_anim.model.autograd import autograd_facts, autograd_lesson, autograd_manifest, exercise_lesson
from seminar_anim.model.device import resolve_device
from seminar_anim.model.expr import parse_expression
from seminar_anim.model.trace import trace_graph


def independent_seed_exercise() -> dict[str, torch.Tensor]:
    x = torch.tensor(2.0, requires_grad=True)
    w = torch.tensor(0.5, requires_grad=True)
    b = torch.tensor(1.5, requires_grad=True)
    u = w * x
    z = u + b
    f = torch.log(z)
    f.backward()
    assert x.grad is not None and w.grad is not None and b.grad is not None
    return {"f": f.detach(), "x.grad": x.grad, "w.grad": w.grad, "b.grad": b.grad, "u": u.detach(), "z": z.detach()}


def test_seed_exercise_matches_pytorch_float32() -> None:
    expected = independent_seed_exercise()
    _, manifest = autograd_facts(device="cpu")
    values = manifest.values
    assert values["output"] == expected["f"].item() == pytest.approx(math.log(2.5))
    assert values["w.grad"] == expected["w.grad"].item() == pytest.approx(0.8)
    assert values["x.grad"] == expected["x.grad"].item() == pytest.approx(0.2)
    assert values["b.grad"] == expected["b.grad"].item() == pytest.approx(0.4)
    assert values["op1"] == expected["u"].item() == 1.0
    assert values["op2"] == expected["z"].item() == 2.5
    assert (values["op1.grad_fn"], values["op2.grad_fn"], values["op3.grad_fn"]) == (
        "MulBackward0",
        "AddBackward0",
        "LogBackward0",
    )
    assert manifest.prints == ("tensor(0.8000)",)
    assert (manifest.scene, manifest.device, manifest.dtype) == ("autograd", "cpu", "float32")
    assert manifest.torch == torch.__version__


def test_local_derivatives_are_the_edges_own() -> None:
    graph = exercise_lesson(device="cpu").graph
    local = {edge.key: edge.local for edge in graph.edges}
    # d log(z)/dz = 1/z = 0.4, d(u + b)/du = d(u + b)/db = 1, d(w x)/dw = x = 2, d(w x)/dx = w = 0.5
    assert local == pytest.approx(
        {"op2->op3[0]": 0.4, "op1->op2[0]": 1.0, "b->op2[1]": 1.0, "w->op1[0]": 2.0, "x->op1[1]": 0.5}
    )
    path = graph.paths
    assert len(path) == 1
    assert [graph.edges[i].key for i in path[0].edges] == ["op2->op3[0]", "op1->op2[0]", "w->op1[0]"]
    assert path[0].product == pytest.approx(0.8)


def test_fan_out_sums_the_paths() -> None:
    parsed = parse_expression("x*x + x")
    graph = trace_graph(parsed, {"x": 3.0}, focus="x")
    x = torch.tensor(3.0, requires_grad=True)
    (x * x + x).backward()
    assert x.grad is not None
    assert graph.node("x").grad == x.grad.item() == 7.0
    into_x = [edge for edge in graph.edges if edge.source == "x"]
    assert sorted(edge.local for edge in into_x) == [1.0, 3.0, 3.0]
    assert sum(edge.contribution for edge in into_x) == pytest.approx(graph.node("x").grad)
    assert sorted(path.product for path in graph.paths) == [1.0, 3.0, 3.0]


@pytest.mark.parametrize(
    ("source", "values"),
    [
        ("tanh(w1*x1 + w2*x2 + b)", {"x1": 2.0, "w1": -3.0, "x2": 0.0, "w2": 1.0, "b": 6.8814}),
        ("sigmoid(x) * exp(-x) / 2", {"x": 0.7}),
        ("sqrt(abs(a - b)) + relu(a) ** 2", {"a": 1.5, "b": -2.0}),
        ("sin(x) * cos(y) - x ** y", {"x": 1.2, "y": 0.3}),
        ("1 / x", {"x": 4.0}),
    ],
)
def test_any_expression_matches_an_independent_pytorch_run(source: str, values: dict[str, float]) -> None:
    graph = trace_graph(parse_expression(source), values)
    leaves = {name: torch.tensor(value, requires_grad=True) for name, value in values.items()}
    functions = {name: getattr(torch, name) for name in ("tanh", "sigmoid", "exp", "sqrt", "abs", "relu", "sin", "cos")}
    # The reference runs the same text as plain Python over real tensors (test code, not user input).
    output = eval(source, {"__builtins__": {}}, {**functions, **leaves})
    output.backward()
    assert graph.node(graph.output).value == pytest.approx(output.item(), rel=1e-6)
    for name, tensor in leaves.items():
        assert tensor.grad is not None
        assert graph.node(name).grad == pytest.approx(tensor.grad.item(), rel=1e-5, abs=1e-7)
    for node in graph.leaves:
        contributions = [edge.contribution for edge in graph.edges if edge.source == node.key]
        assert sum(contributions) == pytest.approx(node.grad, rel=1e-5, abs=1e-7)
    names = {node.torch_name for node in graph.ops}
    assert all(name.endswith(("Backward0", "Backward1", "Backward2")) for name in names)


@pytest.mark.parametrize(
    ("source", "values", "message"),
    [
        ("log(x)", {"x": -1.0}, "value of LogBackward0 is nan"),
        ("1 / x", {"x": 0.0}, "value of DivBackward0 is inf"),
        ("sqrt(x)", {"x": 0.0}, "gradient of x is inf"),
    ],
)
def test_non_finite_values_or_gradients_are_rejected(source: str, values: dict[str, float], message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        trace_graph(parse_expression(source), values)


def test_graphs_too_deep_or_tall_to_draw_are_rejected() -> None:
    with pytest.raises(ExpressionError, match="operations deep"):
        trace_graph(parse_expression("sin(" * 9 + "x" + ")" * 9), {"x": 0.1})
    trace_graph(parse_expression("sin(" * 8 + "x" + ")" * 8), {"x": 0.1})  # 8 deep: drawn
    wide = " + ".join(f"w{i}*x{i}" for i in range(7))
    with pytest.raises(ExpressionError, match="nodes in one column; at most 6"):
        trace_graph(parse_expression(wide), {**{f"w{i}": 1.0 for i in range(7)}, **{f"x{i}": 1.0 for i in range(7)}})


def test_at_without_expr_replaces_the_seed_values() -> None:
    _, manifest = autograd_facts(device="cpu", at=("x=3",))
    assert manifest.values["x"] == 3.0
    assert manifest.values["w.grad"] == pytest.approx(3 / (0.5 * 3 + 1.5))
    with pytest.raises(ExpressionError, match="--at names y"):
        autograd_facts(device="cpu", at=("y=1",))


@pytest.mark.parametrize(
    ("expr", "at"),
    [
        ("x**2", ("x=3",)),
        ("log(x**2)", ("x=3",)),
        ("2 / x + 1 - x", ("x=4",)),
        ("2 ** x * (1 - y)", ("x=1.5", "y=0.25")),
        ("x ** x - relu(-x) + abs(x) / 3", ("x=2",)),
    ],
)
def test_real_code_records_the_same_nodes(expr: str, at: tuple[str, ...]) -> None:
    """Running the code panel's lines in PyTorch gives the graph and the print the scene shows."""
    lesson, _ = autograd_facts(device="cpu", expr=expr, at=at)
    namespace: dict[str, object] = {"torch": torch}
    printed: list[str] = []
    namespace["print"] = lambda value: printed.append(repr(value))
    exec("\n".join(lesson.code), namespace)
    assert tuple(printed) == lesson.prints
    names, pending = [], [namespace["f"].grad_fn]  # type: ignore[attr-defined]
    while pending:
        node = pending.pop()
        if node is not None and type(node).__name__ != "AccumulateGrad":
            names.append(type(node).__name__)
            pending += [function for function, _ in node.next_functions]
    assert sorted(names) == sorted(node.torch_name for node in lesson.graph.ops)


def test_the_seed_examples_name_their_nodes_as_the_slides_print() -> None:
    assert autograd_lesson("x**2", {"x": 3.0}).graph.node("op1").torch_name == "PowBackward0"
    chain = autograd_lesson("log(x**2)", {"x": 3.0}).graph
    assert [node.torch_name for node in chain.ops] == ["PowBackward0", "LogBackward0"]
    assert chain.node("x").grad == pytest.approx(2 / 3)
    assert chain.node("x").grad_repr == "tensor(0.6667)"


def test_too_many_chain_rule_paths_are_rejected() -> None:
    with pytest.raises(ExpressionError, match="sums 8 paths; at most 6"):
        trace_graph(parse_expression("((x*x)*(x*x))*((x*x)*(x*x))"), {"x": 1.0})


def test_an_empty_expression_is_an_error_not_the_default() -> None:
    with pytest.raises(ExpressionError, match="empty"):
        autograd_facts(device="cpu", expr="", at=("x=1",))


def test_the_code_shown_is_the_code_that_ran() -> None:
    lesson = exercise_lesson(device="cpu")
    assert lesson.code == (
        "x = torch.tensor(2.0, requires_grad=True)",
        "w = torch.tensor(0.5, requires_grad=True)",
        "b = torch.tensor(1.5, requires_grad=True)",
        "f = torch.log(w * x + b)",
        "f.backward()",
        "print(w.grad)",
    )
    namespace: dict[str, object] = {"torch": torch}
    printed: list[str] = []
    namespace["print"] = lambda value: printed.append(repr(value))
    exec("\n".join(lesson.code), namespace)
    assert tuple(printed) == lesson.prints


def test_manifest_keeps_full_precision() -> None:
    manifest = autograd_manifest(exercise_lesson(device="cpu"))
    assert manifest.values["op3"] == torch.log(torch.tensor(2.5)).item()
    assert isinstance(manifest.values["op3"], float)


def test_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == (torch.device("cpu"), "no CUDA device found: computing on the CPU")
    assert resolve_device("cpu") == (torch.device("cpu"), None)
    with pytest.raises(DeviceError, match="--device cuda was asked for, but PyTorch sees no CUDA device"):
        resolve_device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == (torch.device("cuda"), None)
