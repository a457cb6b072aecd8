"""Plain records of a traced autograd graph, and its shape (columns), free of torch and manim."""

from __future__ import annotations

from dataclasses import dataclass, replace

from seminar_anim.model.expr import ExpressionError

MAX_COLUMNS = 9  # 8 operations deep: what fits the whole frame's width legibly
MAX_PER_COLUMN = 6
MAX_PATHS = 6  # chain-rule paths to the variable whose gradient is spelled out


@dataclass(frozen=True)
class GraphNode:
    """A leaf tensor or an operation, with PyTorch's name, forward value and `.grad`."""

    key: str
    kind: str  # "leaf" or "op"
    label: str  # the variable name, or the operation's symbol (×, +, log, ...)
    formula: str  # Typst math of what the node holds: "x", or the subexpression "w dot x"
    torch_name: str  # e.g. MulBackward0; AccumulateGrad(x) for a leaf
    value: float
    grad: float
    grad_repr: str  # repr(tensor.grad) exactly as PyTorch prints it

    @property
    def value_key(self) -> str:
        return self.key

    @property
    def grad_key(self) -> str:
        return f"{self.key}.grad"


@dataclass(frozen=True)
class GraphEdge:
    """An input slot of `target` fed by `source`, with PyTorch's local derivative on it."""

    source: str
    target: str
    slot: int
    local: float  # d target / d source through this slot alone
    contribution: float  # target.grad * local: what flows back to source along this edge

    @property
    def key(self) -> str:
        return f"{self.source}->{self.target}[{self.slot}]"

    @property
    def local_key(self) -> str:
        return f"{self.key}.local"

    @property
    def contribution_key(self) -> str:
        return f"{self.key}.contribution"


@dataclass(frozen=True)
class ChainPath:
    """One path from the output back to a leaf: its edges and the product of their local derivatives."""

    edges: tuple[int, ...]  # indices into TracedGraph.edges, output side first
    product: float


@dataclass(frozen=True)
class TracedGraph:
    expression: str
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    output: str
    device: str
    dtype: str
    torch_version: str
    focus: str = ""  # the leaf whose chain rule is spelled out
    paths: tuple[ChainPath, ...] = ()

    def with_prefix(self, prefix: str) -> TracedGraph:
        """The same graph with every node key (and so every manifest key) starting with `prefix`."""
        nodes = tuple(replace(node, key=prefix + node.key) for node in self.nodes)
        edges = tuple(replace(edge, source=prefix + edge.source, target=prefix + edge.target) for edge in self.edges)
        focus = prefix + self.focus if self.focus else ""
        return replace(self, nodes=nodes, edges=edges, output=prefix + self.output, focus=focus)

    def path_key(self, index: int) -> str:
        """The key of the product along chain-rule path `index` (0-based)."""
        return f"{self.focus}.path{index + 1}"

    def node(self, key: str) -> GraphNode:
        for node in self.nodes:
            if node.key == key:
                return node
        raise KeyError(key)

    @property
    def leaves(self) -> tuple[GraphNode, ...]:
        return tuple(node for node in self.nodes if node.kind == "leaf")

    @property
    def ops(self) -> tuple[GraphNode, ...]:
        return tuple(node for node in self.nodes if node.kind == "op")


def columns(graph: TracedGraph) -> dict[str, int]:
    """Column of each node: operations by depth, each leaf just left of its first consumer."""
    inputs: dict[str, list[str]] = {}
    for edge in graph.edges:
        inputs.setdefault(edge.target, []).append(edge.source)
    column: dict[str, int] = {node.key: 0 for node in graph.leaves}
    for node in graph.ops:  # traced in execution order, so inputs come first
        column[node.key] = 1 + max(column[source] for source in inputs[node.key])
    for leaf in graph.leaves:
        consumers = [column[edge.target] for edge in graph.edges if edge.source == leaf.key]
        column[leaf.key] = min(consumers) - 1
    return column


def chain_paths(graph: TracedGraph, leaf: str) -> list[tuple[int, ...]]:
    """Every path of edges from the output back to `leaf`, output side first."""
    into: dict[str, list[int]] = {}
    for index, edge in enumerate(graph.edges):
        into.setdefault(edge.target, []).append(index)

    def walk(key: str) -> list[tuple[int, ...]]:
        if key == leaf:
            return [()]
        found: list[tuple[int, ...]] = []
        for index in into.get(key, []):
            found += [(index, *rest) for rest in walk(graph.edges[index].source)]
        return found

    return walk(graph.output)


def check_drawable(graph: TracedGraph) -> None:
    """Reject graphs too deep or too tall to draw legibly in one frame."""
    column = columns(graph)
    count = max(column.values()) + 1
    if count > MAX_COLUMNS:
        raise ExpressionError(
            f"{graph.expression!r} is {count - 1} operations deep; at most {MAX_COLUMNS - 1} fit legibly in one frame"
        )
    sizes: dict[int, int] = {}
    for value in column.values():
        sizes[value] = sizes.get(value, 0) + 1
    tallest = max(sizes.values())
    if tallest > MAX_PER_COLUMN:
        raise ExpressionError(
            f"{graph.expression!r} puts {tallest} nodes in one column; at most {MAX_PER_COLUMN} fit legibly"
        )
