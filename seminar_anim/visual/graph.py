"""The computational graph as mobjects, built from a plain `TracedGraph`, and its animations."""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    Animation,
    AnimationGroup,
    Arrow,
    Circle,
    CurvedArrow,
    FadeIn,
    GrowArrow,
    RoundedRectangle,
    ShowPassingFlash,
    Text,
    VGroup,
    VMobject,
)

from seminar_anim.model.expr import typst_name
from seminar_anim.model.graph import GraphEdge, GraphNode, TracedGraph
from seminar_anim.visual.labels import ValueLabel, math_text
from seminar_anim.visual.layout import Box, graph_positions
from seminar_anim.visual.theme import SMALL_SIZE, Theme

RADIUS = 0.32
VALUE_SIZE = 26
OP_SIZE = 20


class NodeView(VGroup):
    """One node: a leaf's circle with its name, or an operation's box with PyTorch's node name;
    the forward value and the gradient sit below it."""

    def __init__(self, node: GraphNode, theme: Theme, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.node = node
        if node.kind == "leaf":
            self.shape: VMobject = Circle(radius=RADIUS, color=theme.muted, stroke_width=3)
            self.symbol: VMobject = math_text(typst_name(node.label), theme.text, 30)
        else:
            head, _, tail = node.torch_name.partition("Backward")
            self.symbol = VGroup(
                Text(head, font=theme.code_font, font_size=OP_SIZE, color=theme.text),
                Text(f"Backward{tail}", font=theme.code_font, font_size=SMALL_SIZE, color=theme.muted),
            ).arrange(DOWN, buff=0.06)
            self.shape = RoundedRectangle(
                corner_radius=0.12,
                width=max(self.symbol.width + 0.2, 2 * RADIUS),
                height=self.symbol.height + 0.2,
                color=theme.muted,
                stroke_width=3,
            )
        self.shape.set_fill(theme.background, opacity=1)
        self.symbol.move_to(self.shape)
        self.value = ValueLabel(node.key, node.value, theme.forward, VALUE_SIZE, theme.background)
        self.grad = ValueLabel(f"{node.key}.grad", node.grad, theme.backward, VALUE_SIZE, theme.background)
        below = self.shape.get_bottom() + 0.08 * DOWN
        spread = max(0.4, self.shape.width / 2 - 0.25)
        self.value.next_to(below, DOWN, buff=0).shift(spread * LEFT)
        self.grad.next_to(below, DOWN, buff=0).shift(spread * RIGHT)
        self.add(self.shape, self.symbol)

    def place(self, center: tuple[float, float]) -> None:
        """Move the node with its value and gradient (which join the scene later) to `center`."""
        offset = np.array([center[0], center[1], 0.0]) - self.shape.get_center()
        for part in (self.shape, self.symbol, self.value, self.grad):
            part.shift(offset)


class EdgeView(VGroup):
    """An arrow from input to operation, and the local derivative PyTorch computed for it."""

    def __init__(self, edge: GraphEdge, start: NodeView, end: NodeView, bend: float, theme: Theme, **kwargs: Any):
        super().__init__(**kwargs)
        self.edge = edge
        # Edges run from an input's right side to the operation's left side, clear of the numbers below.
        tail, head = start.shape.get_right(), end.shape.get_left()
        if bend:
            self.arrow: VMobject = CurvedArrow(
                tail, head, angle=bend, color=theme.muted, stroke_width=3, tip_length=0.14
            )
        else:
            self.arrow = Arrow(
                tail, head, buff=0, color=theme.muted, stroke_width=3, max_tip_length_to_length_ratio=0.12
            )
        self.local = ValueLabel(f"{edge.key}.local", edge.local, theme.backward, VALUE_SIZE, theme.background)
        self.local.move_to(self.arrow.point_from_proportion(0.5))
        self.add(self.arrow)


class GraphView(VGroup):
    """All nodes and edges of a traced graph, laid out inside `area` from the graph's shape."""

    def __init__(self, graph: TracedGraph, theme: Theme, area: Box, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.graph = graph
        self.theme = theme
        self.nodes = {node.key: NodeView(node, theme) for node in graph.nodes}
        widths = {key: view.shape.width for key, view in self.nodes.items()}
        positions = graph_positions(graph, _inner(area), widths)
        for key, view in self.nodes.items():
            view.place(positions[key])
        self.edges: list[EdgeView] = []
        seen: dict[tuple[str, str], int] = {}
        for edge in graph.edges:
            pair = (edge.source, edge.target)
            repeat = seen.get(pair, 0)
            seen[pair] = repeat + 1
            twins = sum(1 for other in graph.edges if (other.source, other.target) == pair)
            bend = 0.0 if twins == 1 else (0.6 if repeat == 0 else -0.6)
            self.edges.append(EdgeView(edge, self.nodes[edge.source], self.nodes[edge.target], bend, theme))

    def edges_into(self, key: str) -> list[EdgeView]:
        return [view for view in self.edges if view.edge.target == key]

    def edges_out_of(self, key: str) -> list[EdgeView]:
        return [view for view in self.edges if view.edge.source == key]

    def show_node(self, key: str) -> Animation:
        """The node and the edges that feed it appear; values flow along those edges."""
        view = self.nodes[key]
        self.add(view)
        incoming = self.edges_into(key)
        for edge in incoming:
            self.add_to_back(edge)
        parts: list[Animation] = [
            GrowArrow(edge.arrow) if isinstance(edge.arrow, Arrow) else FadeIn(edge.arrow) for edge in incoming
        ]
        parts.append(FadeIn(view, scale=0.8))
        return AnimationGroup(*parts, lag_ratio=0.15)

    def flow_forward(self, key: str) -> Animation:
        """A pulse in the forward colour runs along each edge into `key`, then its value appears."""
        view = self.nodes[key]
        pulses = [
            ShowPassingFlash(edge.arrow.copy().set_color(self.theme.forward).set_stroke(width=6), time_width=0.6)
            for edge in self.edges_into(key)
        ]
        self.add(view.value)
        appear = FadeIn(view.value, shift=0.1 * RIGHT)
        if not pulses:
            return appear
        return AnimationGroup(AnimationGroup(*pulses), appear, lag_ratio=0.6)

    def light_edge(self, edge: EdgeView) -> Animation:
        """The edge turns to the backward colour and shows its local derivative."""
        self.add(edge.local)
        return AnimationGroup(edge.arrow.animate.set_color(self.theme.backward).build(), FadeIn(edge.local, scale=0.8))

    def labels(self) -> list[ValueLabel]:
        found: list[ValueLabel] = []
        for view in self.nodes.values():
            found += [view.value, view.grad]
        found += [edge.local for edge in self.edges]
        return found


def _inner(area: Box) -> Box:
    # Leave room for names above the top row and numbers below the bottom row.
    return Box(area.left, area.right, area.bottom + 0.35, area.top - 0.45)
