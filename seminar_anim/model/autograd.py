"""The `autograd` lesson: the seed's exercise f = log(w*x + b), or any whitelisted expression."""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch

from seminar_anim.lessons import lesson_source
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
from seminar_anim.model.snippet import run_snippet
from seminar_anim.model.trace import recorded_graph, trace_graph


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
    """The lesson and its manifest for the CLI: without `expr`, `--at` values replace the lesson's own."""
    resolved, note = resolve_device(device)
    given = parse_assignments(at)
    lesson = exercise_lesson(given, resolved) if expr is None else autograd_lesson(expr, given, resolved)
    manifest = autograd_manifest(lesson)
    if note:
        manifest = replace(manifest, notes=(note,))
    return lesson, manifest


def exercise_lesson(values: dict[str, float] | None = None, device: torch.device | str = "cpu") -> AutogradLesson:
    """The seed's exercise, f = log(w*x + b), run by the engine; `values` replace its leaves' values."""
    source = with_leaf_values(lesson_source("autograd"), values or {})
    run = run_snippet(source, device)
    check = run.printed("check")
    focus = check.arguments[0].removesuffix(".grad")
    graph = recorded_graph(run.at("backward").graphs[-1], run.device, run.dtype, run.torch_version, focus)
    leaves = [statement for statement in run.statements if "leaf" in statement.marks]
    return AutogradLesson(
        graph=graph,
        code=run.code,
        leaf_lines={statement.assignment[0]: statement.lines[0] for statement in leaves},
        expr_line=run.line("forward"),
        backward_line=run.line("backward"),
        print_line=run.line("check"),
        prints=run.prints,
        formula=graph.node(graph.output).formula,
    )


def with_leaf_values(source: str, values: dict[str, float]) -> str:
    """The lesson with each `--at NAME=VALUE` written into the line that makes leaf NAME."""
    lines = source.splitlines()
    found: set[str] = set()
    for index, line in enumerate(lines):
        name = line.split("=", 1)[0].strip()
        if "[leaf]" in line and name in values:
            marker = line[line.index("  #") :] if "  #" in line else ""
            lines[index] = f"{name} = torch.tensor({float(values[name])!r}, requires_grad=True){marker}"
            found.add(name)
    unknown = [name for name in values if name not in found]
    if unknown:
        raise ExpressionError(
            f"--at names {', '.join(unknown)}, which the exercise does not use; "
            "pass --expr to trace your own expression"
        )
    return "\n".join(lines) + "\n"


def autograd_lesson(
    expression: str,
    values: dict[str, float],
    device: torch.device | str = "cpu",
) -> AutogradLesson:
    """Trace a user's expression (never run as Python) and write the code that the trace computed."""
    parsed = parse_expression(expression)
    focus = "w" if "w" in parsed.variables else parsed.variables[0]
    graph = trace_graph(parsed, values, device=device, focus=focus)
    # On CUDA the code says so once, and each tensor is created there, as the trace did.
    code = [] if graph.device == "cpu" else [f"torch.set_default_device('{graph.device.split(':')[0]}')"]
    leaf_lines: dict[str, int] = {}
    for name in (name for name in values if name in parsed.variables):
        leaf_lines[name] = len(code)
        code.append(f"{name} = torch.tensor({float(values[name])!r}, requires_grad=True)")
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
        code="\n".join(lesson.code) + "\n",
    )


def graph_values(graph: TracedGraph) -> dict[str, Value]:
    """A traced graph's numbers under the keys its drawing uses: node, node.grad, edge.local, ..."""
    values: dict[str, Value] = {}
    for node in graph.nodes:
        values[node.value_key] = node.value
        if node.kind == "op":
            values[f"{node.key}.grad_fn"] = node.torch_name
        values[node.grad_key] = node.grad
    for edge in graph.edges:
        values[edge.local_key] = edge.local
        values[edge.contribution_key] = edge.contribution
    for index, path in enumerate(graph.paths):
        values[graph.path_key(index)] = path.product
    return values
