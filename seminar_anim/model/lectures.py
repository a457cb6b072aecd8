"""The seed's autograd pages run for real: `autograd-basics`, `accumulation` and `chain-rule`.

Each lesson runs the slide's code in PyTorch statement by statement, recording the lines as
shown and `repr` of everything they print, and traces the same expression into a graph for
the drawing (tests check the two agree).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from seminar_anim.model.autograd import graph_values
from seminar_anim.model.device import on_device
from seminar_anim.model.expr import BinOp, Call, Expression, Num, parse_expression
from seminar_anim.model.graph import TracedGraph
from seminar_anim.model.listing import Listing, Transcript, printed
from seminar_anim.model.manifest import Value
from seminar_anim.model.trace import trace_graph

SEED_X = 3.0  # the slides' x = torch.tensor(3., requires_grad=True)
REPEATS = 4  # the slides call backward until x.grad reads tensor(24.)


@dataclass(frozen=True)
class LectureFacts:
    """A lesson: its listings (one, or one per part), the graph drawn beside it, extra numbers."""

    listings: tuple[Listing, ...]
    graph: TracedGraph
    numbers: dict[str, float]  # further values the scene draws, by manifest key

    @property
    def prints(self) -> tuple[str, ...]:
        return printed(self.listings)

    @property
    def device(self) -> str:
        return self.graph.device

    @property
    def torch_version(self) -> str:
        return self.graph.torch_version

    @property
    def dtype(self) -> str:
        return self.graph.dtype


def _seed_leaf(run: Transcript) -> torch.Tensor:
    run.line("x = torch.tensor(3., requires_grad=True)", "leaf")
    return torch.tensor(SEED_X, requires_grad=True, device=run.device)


def _trace(expression: Expression | str, device: torch.device) -> TracedGraph:
    parsed = parse_expression(expression) if isinstance(expression, str) else expression
    return trace_graph(parsed, {"x": SEED_X}, device=device, focus="x")


def basics_lesson(device: torch.device | str = "cpu") -> LectureFacts:
    """y = x**2 at x = 3: x.grad is None, then 6 after y.backward()."""
    return _six_lines(device, "y = x**2  # forward pass", "y.backward()  # backward pass", lambda x: x**2, "x**2")


def chain_rule_lesson(device: torch.device | str = "cpu") -> LectureFacts:
    """h = log(u), u = x**2 at x = 3: dh/dx = dh/du * du/dx = 1/9 * 6."""
    forward = "y = (x**2).log()  # forward"
    return _six_lines(device, forward, "y.backward()  # backward", lambda x: (x**2).log(), "log(x**2)")


def _six_lines(
    device: torch.device | str,
    forward: str,
    backward: str,
    function: Callable[[torch.Tensor], torch.Tensor],
    expression: str,
) -> LectureFacts:
    """The slides' six-line pattern: a leaf, print its grad, y = function(x), print y, backward, print grad.

    `forward` is the line as the slide writes it and `function` the same computation;
    `expression` is it again in the whitelist's syntax, traced for the graph.
    """
    run = Transcript(str(torch.device(device)))
    x = _seed_leaf(run)
    run.printed(run.line("print(x.grad)", "before"), x.grad)
    run.line(forward, "forward")
    y = function(x)
    run.printed(run.line("print(y)", "print_y"), y)
    run.line(backward, "backward")
    y.backward()
    run.printed(run.line("print(x.grad)", "after"), x.grad)
    parsed = parse_expression(expression)
    return LectureFacts((run.listing(),), _trace(parsed, x.device), {"exponent": _exponent(parsed)})


def _exponent(parsed: Expression) -> float:
    """The 2 of d(x**2)/dx = 2x: the exponent the code wrote, read back from the parsed expression."""
    tree = parsed.tree.arg if isinstance(parsed.tree, Call) else parsed.tree
    assert isinstance(tree, BinOp) and tree.op == "**" and isinstance(tree.right, Num)
    return tree.right.value


def accumulation_lesson(device: torch.device | str = "cpu") -> LectureFacts:
    """backward() adds into x.grad (6, 12, 18, 24); zero_() resets it; x * x sums two paths."""
    run = Transcript(str(torch.device(device)))
    x = _seed_leaf(run)
    run.line(f"for _ in range({REPEATS}):", "loop")
    run.line("    y = x**2")
    run.line("    y.backward()", "backward")
    in_loop = run.line("    print(x.grad)")
    numbers: dict[str, float] = {}
    for repeat in range(1, REPEATS + 1):
        y = x**2
        y.backward()
        assert x.grad is not None
        run.printed(in_loop, x.grad)
        numbers[f"x.grad.after{repeat}"] = x.grad.item()
    run.line("x.grad.zero_()", "zero")
    assert x.grad is not None
    x.grad.zero_()
    run.printed(run.line("print(x.grad)"), x.grad)
    numbers["x.grad.zeroed"] = x.grad.item()
    run.line("y = x**2", "fresh")
    y = x**2
    run.line("y.backward()")
    y.backward()
    run.printed(run.line("print(x.grad)"), x.grad)
    numbers["x.grad.fresh"] = x.grad.item()
    accumulate = run.listing()

    # Accumulation on purpose: one variable, two paths, one sum.
    run = Transcript(str(x.device), continues=True)
    run.line("x.grad.zero_()", "zero")
    x.grad.zero_()
    run.line("y = x * x  # x feeds both inputs", "forward")
    y = x * x
    run.line("y.backward()", "backward")
    y.backward()
    run.printed(run.line("print(x.grad)", "after"), x.grad)
    return LectureFacts((accumulate, run.listing()), _trace("x * x", x.device), numbers)


def lecture_values(facts: LectureFacts) -> dict[str, Value]:
    values: dict[str, Value] = {"expression": facts.graph.expression}
    values.update(graph_values(facts.graph))
    values.update(facts.numbers)
    return values


basics_facts = on_device("autograd-basics", basics_lesson, lecture_values)
accumulation_facts = on_device("accumulation", accumulation_lesson, lecture_values)
chain_rule_facts = on_device("chain-rule", chain_rule_lesson, lecture_values)
