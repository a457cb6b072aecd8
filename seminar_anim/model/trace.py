"""Trace a scalar expression with real PyTorch autograd into a plain graph."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import torch

from seminar_anim.model.expr import (
    BinOp,
    Call,
    Expr,
    Expression,
    ExpressionError,
    Neg,
    Num,
    Var,
    bind,
    check_number,
    tensor_numerator,
    to_torch_code,
    to_typst,
    typst_name,
    variables_of,
)
from seminar_anim.model.graph import (
    MAX_PATHS,
    ChainPath,
    GraphEdge,
    GraphNode,
    TracedGraph,
    chain_paths,
    check_drawable,
)
from seminar_anim.model.records import GraphNodeRecord, GraphRecord

# Python's own operators, as the code shown runs them: `x ** 2` records PowBackward0 and
# `1 - x` RsubBackward1, exactly as in a notebook.
_BINARY: dict[str, Callable[[Any, Any], torch.Tensor]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}
_CALLS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "exp": torch.exp,
    "log": torch.log,
    "sin": torch.sin,
    "cos": torch.cos,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "sqrt": torch.sqrt,
    "abs": torch.abs,
}
_SYMBOLS = {"+": "+", "-": "−", "*": "×", "/": "÷", "**": "^"}


@dataclass
class _Op:
    """One operation as it ran: its function, its inputs (tensors or Python numbers) and its result."""

    key: str
    label: str
    formula: str  # Typst math of the subexpression this operation computes
    apply: Callable[..., torch.Tensor]
    inputs: tuple[torch.Tensor | float, ...]
    result: torch.Tensor
    # The autograd node, held for the whole trace: PyTorch hands out the same Python object
    # for a node only while one is alive, and the graph walk matches nodes by identity.
    node: Any

    @property
    def tracked_slots(self) -> list[int]:
        """The input slots that carry a gradient (constants do not)."""
        return [slot for slot, part in enumerate(self.inputs) if isinstance(part, torch.Tensor) and part.requires_grad]


def _constant(tree: Expr, apply: Callable[..., Any], inputs: tuple[Any, ...]) -> float:
    """Numbers only, computed by Python: a result it cannot give, or one no float32 holds, is refused."""
    shown = to_torch_code(tree)
    try:
        result = apply(*inputs)
    except (ZeroDivisionError, OverflowError, ValueError) as error:
        raise ExpressionError(f"{shown!r} cannot be computed: {error}") from None
    if isinstance(result, complex):
        raise ExpressionError(f"{shown!r} is a complex number; the graph computes with real numbers")
    check_number(float(result), repr(shown))
    return float(result)


class _Tracer:
    def __init__(self, device: torch.device, dtype: torch.dtype) -> None:
        self.device = device
        self.dtype = dtype
        self.ops: list[_Op] = []

    def run(self, tree: Expr, leaves: dict[str, torch.Tensor]) -> torch.Tensor | float:
        match tree:
            case Num(value=value):
                return value
            case Var(name=name):
                return leaves[name]
            case BinOp(op=op, left=left, right=right):
                first = self.run(left, leaves)
                if isinstance(left, Num) and tensor_numerator(tree):
                    first = torch.tensor(left.value, dtype=self.dtype, device=self.device)
                inputs = (first, self.run(right, leaves))
                if not any(isinstance(part, torch.Tensor) for part in inputs):
                    return _constant(tree, _BINARY[op], inputs)  # numbers only: plain Python, no graph node
                return self.record(tree, _SYMBOLS[op], _BINARY[op], inputs)
            case Neg(operand=operand):
                return self.record(tree, "−", operator.neg, (self.run(operand, leaves),))
            case Call(func=func, arg=arg):
                return self.record(tree, func, _CALLS[func], (self.run(arg, leaves),))
        raise TypeError(f"not an expression node: {tree!r}")

    def record(
        self, tree: Expr, label: str, apply: Callable[..., Any], inputs: tuple[torch.Tensor | float, ...]
    ) -> torch.Tensor | float:
        result = apply(*inputs)
        if isinstance(result, torch.Tensor) and result.grad_fn is not None:
            result.retain_grad()
            key = f"op{len(self.ops) + 1}"
            self.ops.append(_Op(key, label, to_typst(tree), apply, inputs, result, result.grad_fn))
        return result


def trace_graph(
    expression: Expression,
    values: dict[str, float],
    device: torch.device | str = "cpu",
    dtype: torch.dtype = torch.float32,
    focus: str | None = None,
) -> TracedGraph:
    """Run the expression forward and backward in PyTorch and return every fact the scene shows.

    `focus` is the leaf whose chain rule is spelled out path by path (default: the first variable).
    """
    device = torch.device(device)
    bound = bind(expression, values)
    leaves = {
        name: torch.tensor(value, dtype=dtype, device=device, requires_grad=True) for name, value in bound.items()
    }
    tracer = _Tracer(device, dtype)
    output = tracer.run(expression.tree, leaves)
    assert isinstance(output, torch.Tensor), "parse_expression guarantees an operation on a variable"
    output.backward()
    nodes = _nodes(leaves, tracer.ops, output)
    edges, locals_ = _edges(leaves, tracer.ops)
    _check_finite(expression, nodes, edges)
    graph = TracedGraph(
        expression=expression.source,
        nodes=tuple(nodes),
        edges=tuple(edges),
        output=tracer.ops[-1].key,
        device=str(output.device),
        dtype=str(dtype).removeprefix("torch."),
        torch_version=torch.__version__,
        focus=focus or expression.variables[0],
    )
    check_drawable(graph)
    paths = tuple(
        ChainPath(edges=path, product=torch.stack([locals_[i] for i in path]).prod().item())
        for path in chain_paths(graph, graph.focus)
    )
    if len(paths) > MAX_PATHS:
        raise ExpressionError(
            f"{expression.source!r}: the gradient of {graph.focus} sums {len(paths)} paths; "
            f"at most {MAX_PATHS} fit legibly in one chain-rule line"
        )
    return replace(graph, paths=paths)


def _nodes(leaves: dict[str, torch.Tensor], ops: list[_Op], output: torch.Tensor) -> list[GraphNode]:
    nodes = [
        GraphNode(
            key=name,
            kind="leaf",
            label=name,
            formula=typst_name(name),
            torch_name=f"AccumulateGrad({name})",
            value=tensor.item(),
            grad=_item(tensor.grad),
            grad_repr=repr(tensor.grad),
        )
        for name, tensor in leaves.items()
    ]
    for op in ops:
        nodes.append(
            GraphNode(
                key=op.key,
                kind="op",
                label=op.label,
                formula=op.formula,
                torch_name=type(op.node).__name__,
                value=op.result.item(),
                grad=_item(op.result.grad),
                grad_repr=repr(op.result.grad),
            )
        )
    if output.grad_fn is not ops[-1].node:
        raise AssertionError("the last traced operation is not the output")
    return nodes


def _edges(leaves: dict[str, torch.Tensor], ops: list[_Op]) -> tuple[list[GraphEdge], list[torch.Tensor]]:
    """Walk each node's `next_functions`; one edge per input slot that carries a gradient.

    Returns the edges and, index for index, their local derivatives as tensors.
    """
    leaf_keys = {id(tensor): name for name, tensor in leaves.items()}
    op_keys = {id(op.node): op.key for op in ops}
    edges: list[GraphEdge] = []
    local_tensors: list[torch.Tensor] = []
    for op in ops:
        grad_fn = op.node
        # PyTorch lists a node's inputs that carry gradients in order; constants get None or no entry.
        slots = op.tracked_slots
        functions = [function for function, _ in grad_fn.next_functions if function is not None]
        if len(functions) != len(slots):
            raise AssertionError(f"{type(grad_fn).__name__} has {len(functions)} inputs with gradients")
        locals_ = _local_derivatives(op)
        upstream = op.result.grad
        assert upstream is not None
        for slot, function in zip(slots, functions, strict=True):
            local = locals_[slot]
            local_tensors.append(local)
            edges.append(
                GraphEdge(
                    source=_source_key(function, leaf_keys, op_keys),
                    target=op.key,
                    slot=slot,
                    local=local.item(),
                    contribution=(upstream * local).item(),
                )
            )
    return edges, local_tensors


def _source_key(function: object, leaf_keys: dict[int, str], op_keys: dict[int, str]) -> str:
    # A leaf is reached through its AccumulateGrad node, whose `variable` is the leaf tensor.
    variable = getattr(function, "variable", None)
    if variable is not None:
        return leaf_keys[id(variable)]
    return op_keys[id(function)]


def _local_derivatives(op: _Op) -> dict[int, torch.Tensor]:
    """d(op)/d(input) for each input slot on its own, by PyTorch's autograd on fresh copies.

    Fresh copies keep slots apart when one tensor fills two (x * x) and cut the paths
    through earlier operations, so each edge gets its local derivative only.
    """
    copies: list[Any] = list(op.inputs)
    for slot in op.tracked_slots:
        copies[slot] = torch.Tensor.detach(copies[slot]).clone().requires_grad_(True)
    result = op.apply(*copies)
    inputs = [copies[slot] for slot in op.tracked_slots]
    grads = torch.autograd.grad(result, inputs, allow_unused=True)
    return {
        slot: torch.zeros_like(copy) if grad is None else grad
        for slot, copy, grad in zip(op.tracked_slots, inputs, grads, strict=True)
    }


def _item(tensor: torch.Tensor | None) -> float:
    if tensor is None:
        raise AssertionError("a traced node has no gradient")
    return tensor.item()


def _check_finite(expression: Expression, nodes: Sequence[GraphNode], edges: Sequence[GraphEdge]) -> None:
    """Forward values first, then gradients: the first non-finite number is the one to report."""
    for what in ("value", "gradient"):
        for node in nodes:
            number = node.value if what == "value" else node.grad
            if not math.isfinite(number):
                name = node.torch_name if node.kind == "op" else node.key
                raise ExpressionError(
                    f"{expression.source!r}: the {what} of {name} is {number} at these values; "
                    "pick values where it is finite"
                )
    for edge in edges:
        for what, number in (("local derivative", edge.local), ("gradient flowing back", edge.contribution)):
            if not math.isfinite(number):
                raise ExpressionError(
                    f"{expression.source!r}: the {what} from {edge.target} to {edge.source} "
                    f"is {number} at these values; pick values where it is finite"
                )


# How the engine names an operator's call (Tensor.__mul__ -> "mul"; 2 * x runs x.__rmul__(2)).
_RECORDED_BINARY = {"add": "+", "sub": "-", "mul": "*", "truediv": "/", "div": "/", "pow": "**"}


def recorded_graph(
    record: GraphRecord, device: str, dtype: str, torch_version: str, focus: str | None = None
) -> TracedGraph:
    """The graph the snippet engine recorded at a `.backward()`, in the form the graph drawing takes.

    Values, gradients and local derivatives are PyTorch's, from the run; each operation's
    formula is rebuilt from the call that made it, so the drawing can typeset it.
    """
    keys: dict[int, str] = {}
    for node in record.nodes:
        keys[node.ident] = node.name if node.kind == "leaf" else f"op{len(keys) - len(record.leaves) + 1}"
    inputs: dict[int, dict[int, int]] = {}
    for edge in record.edges:
        inputs.setdefault(edge.target, {})[edge.slot] = edge.source
    trees: dict[int, Expr] = {}
    nodes: list[GraphNode] = []
    for node in record.nodes:
        if node.kind == "leaf":
            trees[node.ident] = Var(node.name)
            nodes.append(
                GraphNode(
                    keys[node.ident],
                    "leaf",
                    node.name,
                    typst_name(node.name),
                    f"AccumulateGrad({node.name})",
                    node.value,
                    node.grad,
                    node.grad_repr,
                )
            )
            continue
        parts = [_argument_tree(node, slot, inputs, trees) for slot in range(len(node.arguments))]
        tree, label = _recorded_tree(node.function, parts)
        trees[node.ident] = tree
        nodes.append(
            GraphNode(keys[node.ident], "op", label, to_typst(tree), node.name, node.value, node.grad, node.grad_repr)
        )
    # Edges in the trace's order: by target, then by argument slot.
    ordered = sorted(record.edges, key=lambda edge: (record.nodes.index(_node(record, edge.target)), edge.slot))
    edges = [
        GraphEdge(
            source=keys[edge.source],
            target=keys[edge.target],
            slot=edge.slot,
            local=edge.local,
            contribution=float(
                torch.tensor(_node(record, edge.target).grad, dtype=torch.float32) * torch.tensor(edge.local)
            ),
        )
        for edge in ordered
    ]
    # Leaves in the order the expression first uses them, as a traced expression lists them.
    used = list(dict.fromkeys(variables_of(trees[record.nodes[-1].ident])))
    nodes.sort(key=lambda node: (node.kind != "leaf", used.index(node.key) if node.key in used else len(used)))
    output = keys[record.nodes[-1].ident]
    expression = to_torch_code(trees[record.nodes[-1].ident])
    source = Expression(source=expression, tree=trees[record.nodes[-1].ident], variables=tuple(record.leaves))
    _check_finite(source, nodes, edges)
    graph = TracedGraph(
        expression=expression,
        nodes=tuple(nodes),
        edges=tuple(edges),
        output=output,
        device=device,
        dtype=dtype,
        torch_version=torch_version,
        focus=focus or record.leaves[0],
    )
    check_drawable(graph)
    paths = tuple(
        ChainPath(edges=path, product=torch.tensor([edges[index].local for index in path]).prod().item())
        for path in chain_paths(graph, graph.focus)
    )
    return replace(graph, paths=paths)


def _argument_tree(node: GraphNodeRecord, slot: int, inputs: dict[int, dict[int, int]], trees: dict[int, Expr]) -> Expr:
    """What fills argument `slot` of a recorded call: an input node's expression, a name, or a number."""
    argument = node.arguments[slot]
    if argument is None:
        source = inputs.get(node.ident, {}).get(slot)
        return trees[source] if source is not None else Num(float("nan"))
    return Var(argument) if isinstance(argument, str) else Num(argument)


def _node(record: GraphRecord, ident: int) -> GraphNodeRecord:
    return next(node for node in record.nodes if node.ident == ident)


def _recorded_tree(function: str, parts: list[Expr]) -> tuple[Expr, str]:
    """The expression an operation computes, and its node's symbol, from the call's name and arguments."""
    name = function.removeprefix("r") if function.removeprefix("r") in _RECORDED_BINARY else function
    if name in _RECORDED_BINARY and len(parts) == 2:
        left, right = (parts[1], parts[0]) if function.startswith("r") and function != name else parts
        op = _RECORDED_BINARY[name]
        return BinOp(op, left, right), _SYMBOLS[op]
    if name == "neg" and parts:
        return Neg(parts[0]), "−"
    return Call(name, parts[0] if parts else Num(float("nan"))), name
