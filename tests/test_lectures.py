"""The autograd lecture scenes' model against the seed's slides and independent PyTorch runs."""

from __future__ import annotations

import pytest
import torch
from click.testing import CliRunner

from seminar_anim.app.cli import main
from seminar_anim.model.lectures import accumulation_lesson, basics_lesson, chain_rule_lesson
from tests.conftest import values_json

# What the seed's slides print, verbatim.
SEED_PRINTS = {
    "autograd-basics": ["None", "tensor(9., grad_fn=<PowBackward0>)", "tensor(6.)"],
    "accumulation": [
        "tensor(6.)",
        "tensor(12.)",
        "tensor(18.)",
        "tensor(24.)",
        "tensor(0.)",
        "tensor(6.)",
        "tensor(6.)",
    ],
    "chain-rule": ["None", "tensor(2.1972, grad_fn=<LogBackward0>)", "tensor(0.6667)"],
}


@pytest.mark.parametrize("scene", sorted(SEED_PRINTS))
def test_values_print_what_the_slides_print(scene: str) -> None:
    manifest = values_json(scene)
    assert manifest["scene"] == scene
    assert manifest["prints"] == SEED_PRINTS[scene]
    assert (manifest["device"], manifest["dtype"]) == ("cpu", "float32")


def test_basics_against_pytorch() -> None:
    facts = basics_lesson("cpu")
    x = torch.tensor(3.0, requires_grad=True)
    y = x**2
    y.backward()
    graph = facts.graph
    assert graph.node("x").value == 3.0
    assert graph.node("op1").value == y.item() == 9.0
    assert graph.node("op1").torch_name == type(y.grad_fn).__name__ == "PowBackward0"
    assert graph.node("x").grad == x.grad.item() == 6.0  # type: ignore[union-attr]
    assert graph.edges[0].local == 6.0
    assert facts.numbers["exponent"][0].value == 2.0


def test_chain_rule_against_pytorch() -> None:
    facts = chain_rule_lesson("cpu")
    graph = facts.graph
    x = torch.tensor(3.0, requires_grad=True)
    u = x**2
    u.retain_grad()
    h = u.log()
    h.backward()
    assert [node.torch_name for node in graph.ops] == ["PowBackward0", "LogBackward0"]
    assert graph.node("op1").value == u.item() == 9.0
    assert graph.node("op2").value == h.item()
    dh_du, du_dx = (edge.local for edge in reversed(graph.edges))
    assert dh_du == pytest.approx(1 / 9)
    assert du_dx == 6.0
    assert graph.node("op1").grad == u.grad.item()  # type: ignore[union-attr]
    assert graph.node("x").grad == x.grad.item() == pytest.approx(2 / 3)  # type: ignore[union-attr]
    assert graph.paths[0].product == pytest.approx(x.grad.item())  # type: ignore[union-attr]


def test_accumulation_against_pytorch() -> None:
    facts = accumulation_lesson("cpu")
    x = torch.tensor(3.0, requires_grad=True)
    seen = []
    for _ in range(4):
        (x**2).backward()
        seen.append(x.grad.item())  # type: ignore[union-attr]
    readings = {datum.key: datum.value for datum in facts.numbers["readings"]}
    assert [readings[f"x.grad.after{n}"] for n in range(1, 5)] == seen == [6.0, 12.0, 18.0, 24.0]
    assert readings["x.grad.zeroed"] == 0.0
    assert readings["x.grad.fresh"] == 6.0
    graph = facts.graph
    assert graph.node("op1").torch_name == "MulBackward0"
    assert [edge.contribution for edge in graph.edges] == [3.0, 3.0]
    assert graph.node("x").grad == 6.0


def test_expressions_are_refused_by_the_lecture_scenes() -> None:
    result = CliRunner().invoke(main, ["values", "chain-rule", "--expr", "x*2", "--at", "x=1"])
    assert result.exit_code == 2
    assert "--expr and --at apply to autograd only, not to chain-rule" in result.stderr
