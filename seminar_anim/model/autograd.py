"""The `autograd` lesson: the seed's exercise f = log(w*x + b), or any whitelisted expression."""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch

from seminar_anim.model.device import resolve_device
from seminar_anim.model.expr import (
    ExpressionError,
    parse_assignments,
    parse_expression,
    to_torch_code,
    to_typst,
)
from seminar_anim.model.graph import TracedGraph
from seminar_anim.model.manifest import Manifest, Value
from seminar_anim.model.trace import trace_graph

DEFAULT_EXPRESSION = "log(w*x + b)"
# The seed's exercise: "Compute the forward pass setting x=2, w=0.5 and b=1.5 ... from f to w".
DEFAULT_VALUES = {"x": 2.0, "w": 0.5, "b": 1.5}
DEFAULT_FOCUS = "w"


@dataclass(frozen=True)
class AutogradLesson:
    """What the scene shows: the code as run, the traced graph and what `print` printed."""

    graph: TracedGraph
    code: tuple[str, ...]
    leaf_lines: dict[str, int]  # index into `code` of the line that creates each leaf
    expr_line: int
    backward_line: int
    print_line: int
    prints: tuple[str, ...]
    formula: str  # Typst math of the expression, e.g. "log(w dot x + b)"


def autograd_facts(
    device: str = "auto", expr: str | None = None, at: tuple[str, ...] = ()
) -> tuple[AutogradLesson, Manifest]:
    """The lesson and its manifest for the CLI: without `expr`, `--at` values replace the seed's."""
    resolved, note = resolve_device(device)
    given = parse_assignments(at)
    if expr is None:
        unknown = [name for name in given if name not in DEFAULT_VALUES]
        if unknown:
            raise ExpressionError(
                f"--at names {', '.join(unknown)}, which {DEFAULT_EXPRESSION!r} does not use; "
                "pass --expr to trace your own expression"
            )
        given = {**DEFAULT_VALUES, **given}
    lesson = autograd_lesson(expr, given, resolved)
    manifest = autograd_manifest(lesson)
    if note:
        manifest = replace(manifest, notes=(note,))
    return lesson, manifest


def autograd_lesson(
    expression: str | None = None,
    values: dict[str, float] | None = None,
    device: torch.device | str = "cpu",
) -> AutogradLesson:
    """Trace the expression (the seed's exercise by default) and write the code that it runs."""
    parsed = parse_expression(DEFAULT_EXPRESSION if expression is None else expression)
    given = dict(DEFAULT_VALUES if values is None else values)
    focus = DEFAULT_FOCUS if DEFAULT_FOCUS in parsed.variables else parsed.variables[0]
    graph = trace_graph(parsed, given, device=device, focus=focus)
    # On CUDA the code says so once, and each tensor is created there, as the trace did.
    code = [] if graph.device == "cpu" else [f"torch.set_default_device('{graph.device.split(':')[0]}')"]
    leaf_lines: dict[str, int] = {}
    for name in (name for name in given if name in parsed.variables):
        leaf_lines[name] = len(code)
        code.append(f"{name} = torch.tensor({float(given[name])!r}, requires_grad=True)")
    expr_line = len(code)
    code += [f"f = {to_torch_code(parsed.tree)}", "f.backward()", f"print({focus}.grad)"]
    return AutogradLesson(
        graph=graph,
        code=tuple(code),
        leaf_lines=leaf_lines,
        expr_line=expr_line,
        backward_line=expr_line + 1,
        print_line=expr_line + 2,
        prints=(graph.node(focus).grad_repr,),
        formula=to_typst(parsed.tree),
    )


def autograd_manifest(lesson: AutogradLesson) -> Manifest:
    """Every number the scene draws, at full precision, keyed as the tests and viewers read it."""
    graph = lesson.graph
    values: dict[str, Value] = {"expression": graph.expression, "focus": graph.focus}
    values.update(graph_values(graph))
    output = graph.node(graph.output)
    values["output"] = output.value
    values["output.grad"] = output.grad
    return Manifest(
        scene="autograd",
        torch=graph.torch_version,
        device=graph.device,
        dtype=graph.dtype,
        values=values,
        prints=lesson.prints,
    )


def graph_values(graph: TracedGraph, prefix: str = "") -> dict[str, Value]:
    """A traced graph's numbers under the keys its drawing uses: node, node.grad, edge.local, ..."""
    values: dict[str, Value] = {}
    for node in graph.nodes:
        values[f"{prefix}{node.key}"] = node.value
        if node.kind == "op":
            values[f"{prefix}{node.key}.grad_fn"] = node.torch_name
        values[f"{prefix}{node.key}.grad"] = node.grad
    for edge in graph.edges:
        values[f"{prefix}{edge.key}.local"] = edge.local
        values[f"{prefix}{edge.key}.contribution"] = edge.contribution
    for index, path in enumerate(graph.paths):
        values[f"{prefix}{graph.focus}.path{index + 1}"] = path.product
    return values
