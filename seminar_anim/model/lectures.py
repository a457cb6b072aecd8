"""The seed's autograd pages, run by the engine: `autograd-basics`, `accumulation` and `chain-rule`.

Each lesson's source runs statement by statement; the graph drawn beside it is the one
PyTorch recorded when the code called `.backward()`.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from seminar_anim.lessons import lesson_source
from seminar_anim.model.autograd import graph_values
from seminar_anim.model.device import on_device
from seminar_anim.model.graph import TracedGraph
from seminar_anim.model.listing import Listing
from seminar_anim.model.manifest import Value
from seminar_anim.model.records import Datum, SnippetRun
from seminar_anim.model.snippet import run_snippet
from seminar_anim.model.trace import recorded_graph


@dataclass(frozen=True)
class LectureFacts:
    """A lesson: its run (one listing per cell), the graph drawn beside it, further numbers drawn."""

    run: SnippetRun
    graph: TracedGraph
    numbers: dict[str, tuple[Datum, ...]]  # further values the scene draws, by what they are

    @property
    def listings(self) -> tuple[Listing, ...]:
        return self.run.listings

    @property
    def prints(self) -> tuple[str, ...]:
        return self.run.prints

    @property
    def dtype(self) -> str:
        return self.graph.dtype


def lesson_graph(run: SnippetRun, mark: str, focus: str, cell: int | None = None) -> TracedGraph:
    """The graph of the marked statement's (last) backward pass, as the graph drawing takes it."""
    record = run.at(mark, cell).graphs[-1]
    return recorded_graph(record, run.device, run.dtype, run.torch_version, focus)


def basics_lesson(device: torch.device | str = "cpu") -> LectureFacts:
    """y = x**2 at x = 3: x.grad is None, then 6 after y.backward()."""
    run = run_snippet(lesson_source("autograd-basics"), device)
    return LectureFacts(run, lesson_graph(run, "backward", "x"), {"exponent": (_exponent(run),)})


def _exponent(run: SnippetRun) -> Datum:
    """The 2 of d(x**2)/dx = 2x: the number the code gave its pow call."""
    power = next(node for node in run.at("backward").graphs[-1].nodes if node.function == "pow")
    return Datum("exponent", next(argument for argument in power.arguments if argument is not None))


def chain_rule_lesson(device: torch.device | str = "cpu") -> LectureFacts:
    """h = log(u), u = x**2 at x = 3: dh/dx = dh/du * du/dx = 1/9 * 6."""
    run = run_snippet(lesson_source("chain-rule"), device)
    return LectureFacts(run, lesson_graph(run, "backward", "x"), {"exponent": (_exponent(run),)})


def accumulation_lesson(device: torch.device | str = "cpu") -> LectureFacts:
    """backward() adds into x.grad (6, 12, 18, 24); zero_() resets it; x * x sums two paths."""
    run = run_snippet(lesson_source("accumulation"), device)
    readings = [printed.tensors[0] for printed in run.at("loop").prints]
    zeroed, fresh = run.printed("print_zero").tensors[0], run.printed("print_fresh").tensors[0]
    assert all(reading is not None for reading in readings) and zeroed is not None and fresh is not None
    numbers = tuple(
        Datum(f"x.grad.after{repeat}", float(reading.values[0]))
        for repeat, reading in enumerate(readings, start=1)
        if reading is not None
    )
    numbers += (Datum("x.grad.zeroed", float(zeroed.values[0])), Datum("x.grad.fresh", float(fresh.values[0])))
    return LectureFacts(run, lesson_graph(run, "backward", "x", cell=1), {"readings": numbers})


def lecture_values(facts: LectureFacts) -> dict[str, Value]:
    values: dict[str, Value] = {"expression": facts.graph.expression}
    values.update(graph_values(facts.graph))
    for numbers in facts.numbers.values():
        values.update({datum.key: datum.value for datum in numbers})
    return values


basics_facts = on_device("autograd-basics", basics_lesson, lecture_values)
accumulation_facts = on_device("accumulation", accumulation_lesson, lecture_values)
chain_rule_facts = on_device("chain-rule", chain_rule_lesson, lecture_values)
