"""The computational graph as mobjects, built from a plain `TracedGraph`, and its animations."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    Arrow,
    Circle,
    CurvedArrow,
    GrowArrow,
    MathTypst,
    Mobject,
    MoveAlongPath,
    ReplacementTransform,
    RoundedRectangle,
    ShowPassingFlash,
    Text,
    Transform,
    VGroup,
    VMobject,
)

from seminar_anim.model.graph import GraphEdge, GraphNode, TracedGraph, columns
from seminar_anim.visual.fades import FadeIn
from seminar_anim.visual.labels import ValueLabel, math_text, plain_text
from seminar_anim.visual.layout import Box, graph_positions
from seminar_anim.visual.lint import FRAME_HEIGHT, MIN_GLYPH_HEIGHT, glyph_height
from seminar_anim.visual.theme import SMALL_SIZE, Theme

RADIUS = 0.32
VALUE_SIZE = 26
OP_SIZE = 24
NAME_SIZE = 20
EDGE_GAP = 1.0  # room between columns for an edge and its label
NAME_MARGIN = 0.18  # between an operation's name and the sides of its box
EDGE_LABEL_MARGIN = 1.0  # edge visible on both sides of its label
ROW_GAP = 0.3
MAX_ZOOM = 1.35  # how much a small graph may grow to fill its area
# A user's graph too big to keep its text 8 px tall even across the whole frame (as 24
# operations, 6 nodes a column) is drawn at the size that fits; the limits on what can be
# drawn keep its smallest text at least 5.5 px tall at 480p.
MIN_BIG_GRAPH_GLYPH = FRAME_HEIGHT * 5.5 / 480
SKELETON_OPACITY = 0.2
TWIN_BEND = 2.0  # radians: arcs far enough apart for two labels
TWIN_SPREAD = 0.1  # how far apart twin arcs arrive
NAME_MATH_SIZE = 28
SKIP_CLEARANCE = 0.6  # how far an edge that skips a column bows away from the nodes it passes
COMPACT_LABEL_MARGIN = 0.05
COMPACT_GAP = 0.8
# A deep graph is drawn small: its leaves' names grow inside their circles to stay as legible
# as the operations' names beside them.
COMPACT_LEAF_SIZE = 44
LEAF_NAME_WIDTH = 1.6 * RADIUS
COMPACT_DEPTH = 6  # from this many operations deep, nodes drop "Backward0" to fit the frame
TAG_GAP = 0.12  # between a row's colour tag and the number it names


class NodeView(VGroup):
    """One node: a leaf's circle with its name, or an operation's box with PyTorch's node name;
    the forward value and the gradient sit below it."""

    def __init__(self, node: GraphNode, theme: Theme, compact: bool = False, **kwargs: Any) -> None:
        """`compact` (a deep graph) names an operation by its function alone: Mul for MulBackward0."""
        super().__init__(**kwargs)
        self.node = node
        if node.kind == "leaf":
            self.shape: VMobject = Circle(radius=RADIUS, color=theme.muted, stroke_width=3)
            self.symbol: VMobject = math_text(node.formula, theme.text, COMPACT_LEAF_SIZE if compact else 30)
            if compact and self.symbol.width > LEAF_NAME_WIDTH:
                self.symbol.scale_to_fit_width(LEAF_NAME_WIDTH)
        else:
            head, _, tail = node.torch_name.partition("Backward")
            self.symbol = VGroup(Text(head, font=theme.code_font, font_size=OP_SIZE, color=theme.text))
            if not compact:
                suffix = Text(f"Backward{tail}", font=theme.code_font, font_size=NAME_SIZE, color=theme.muted)
                self.symbol.add(suffix)
                self.symbol.arrange(DOWN, buff=0.06)
            self.shape = RoundedRectangle(
                corner_radius=0.12,
                width=max(self.symbol.width + 2 * NAME_MARGIN, 2 * RADIUS),
                height=self.symbol.height + 0.2,
                color=theme.muted,
                stroke_width=3,
            )
        self.shape.set_fill(theme.background, opacity=1)
        self.symbol.move_to(self.shape)
        self.value = ValueLabel(node.value_key, node.value, theme.forward, VALUE_SIZE, theme.background)
        self.grad = ValueLabel(node.grad_key, node.grad, theme.backward, VALUE_SIZE, theme.background)
        self.value.next_to(self.shape, DOWN, buff=0.06)
        self.grad.next_to(self.value, DOWN, buff=0.07)
        self.add(self.shape, self.symbol)
        for part in (self.shape, self.symbol):
            part.set_z_index(1)
        for label in (self.value, self.grad):
            label.set_z_index(2)

    @property
    def parts(self) -> tuple[VMobject, ...]:
        """Everything the node draws, including the value and gradient that join the scene later."""
        return (self.shape, self.symbol, self.value, self.grad)

    @property
    def block_width(self) -> float:
        return max(part.width for part in self.parts)

    @property
    def block_height(self) -> float:
        return self.shape.get_top()[1] - self.grad.get_bottom()[1]

    def place(self, center: tuple[float, float]) -> None:
        """Centre the node's whole block (shape, value, gradient) on `center`."""
        top = self.shape.get_top()[1]
        middle = (top + self.grad.get_bottom()[1]) / 2
        offset = np.array([center[0] - self.shape.get_x(), center[1] - middle, 0.0])
        for part in self.parts:
            part.shift(offset)


class EdgeView(VGroup):
    """An arrow from input to operation, and the local derivative PyTorch computed for it."""

    def __init__(
        self,
        edge: GraphEdge,
        start: NodeView,
        end: NodeView,
        bend: float,
        scale: float,
        theme: Theme,
        twin: bool = False,
        label_x: float | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.edge = edge
        # Edges run from an input's right side to the operation's left side, clear of the numbers below.
        tail, head = start.shape.get_right(), end.shape.get_left()
        if twin:
            # Two arcs between the same nodes arrive apart, each arrowhead visible.
            head = head + (TWIN_SPREAD * scale if bend < 0 else -TWIN_SPREAD * scale) * UP
        if bend < 0 and not twin:
            # An edge that skips columns leaves from the top, clear of the edges leaving sideways.
            tail = start.shape.get_top()
        self.ends, self.bend, self.arrow_scale = (tail, head), bend, scale
        self.arrow: VMobject = self.drawn_arrow(tail, head, bend, theme.muted)
        self.local = ValueLabel(edge.local_key, edge.local, theme.local, VALUE_SIZE * scale, theme.background)
        self.label_x = label_x
        self.local.move_to(self.arrow.point_from_proportion(_proportion_at(self.arrow, label_x)))
        # Numbers stay above the lines, whatever an animation brings to the front.
        self.arrow.set_z_index(0)
        self.local.set_z_index(2)
        self.add(self.arrow)

    def drawn_arrow(self, tail: np.ndarray, head: np.ndarray, bend: float, color: str) -> VMobject:
        stroke, tip = 3 * self.arrow_scale, 0.16 * self.arrow_scale
        if bend:
            return CurvedArrow(tail, head, angle=bend, color=color, stroke_width=stroke, tip_length=tip)
        return Arrow(tail, head, buff=0, color=color, stroke_width=stroke, tip_length=tip)

    def backward_arrow(self, color: str) -> VMobject:
        """The same edge pointing the other way, from the operation back to its input: the
        way its gradient flows."""
        tail, head = self.ends
        return self.drawn_arrow(head, tail, -self.bend, color).set_z_index(0)


class GraphView(VGroup):
    """All nodes and edges of a traced graph, laid out inside `area` from the graph's shape."""

    def __init__(self, graph: TracedGraph, theme: Theme, area: Box | tuple[Box, ...], **kwargs: Any) -> None:
        """Laid out in `area`, or in the first of several areas where its smallest label stays
        legible (MIN_SCALE), else the last: a scene passes the wider areas after the usual one."""
        super().__init__(**kwargs)
        areas = area if isinstance(area, tuple) else (area,)
        self.graph = graph
        self.theme = theme
        self.columns = columns(graph)
        # The output's value and gradient carry a tag naming their colour, right of them where
        # no edge runs: the legend is far from most numbers. The graph keeps room for the tags.
        self.tags = {
            "value": plain_text("value", theme.forward, SMALL_SIZE),
            "grad": plain_text("grad", theme.backward, SMALL_SIZE),
        }
        tag_room = max(tag.width for tag in self.tags.values()) + TAG_GAP
        # Each area with PyTorch's full node names, then with the short ones (Mul for
        # MulBackward0), until the smallest text stays legible; a deep graph has short names only.
        deep = max(self.columns.values()) >= COMPACT_DEPTH
        tries = [
            (box, compact, right)
            for box in areas
            for compact in ((True,) if deep else (False, True))
            for right in (True, False)
        ]
        for box, compact, right in tries:
            self.nodes = {node.key: NodeView(node, theme, compact) for node in graph.nodes}
            widths = {key: view.block_width for key, view in self.nodes.items()}
            row_height = max(view.block_height for view in self.nodes.values()) + ROW_GAP
            # Columns sit far enough apart for the widest local derivative to sit on its edge;
            # with short names they pack closer, the labels keeping a smaller margin.
            widest = max(
                (ValueLabel("", edge.local, theme.local, VALUE_SIZE).width for edge in graph.edges), default=0.0
            )
            margin = (COMPACT_GAP, COMPACT_LABEL_MARGIN) if compact else (EDGE_GAP, EDGE_LABEL_MARGIN)
            gap = max(margin[0], widest + margin[1])
            _, width, height = graph_positions(graph, widths, row_height, gap)
            # The smallest text it draws, at scale 1: the scale it may shrink to keeps that legible.
            texts = [text for view in self.nodes.values() for text in (*_texts(view.symbol), view.value, view.grad)]
            self.smallest = min(glyph_height(text) for text in texts)
            fit = Box(box.left, box.right - (tag_room if right else 0.0), box.bottom, box.top)
            if min(fit.width / width, fit.height / height) >= MIN_GLYPH_HEIGHT / self.smallest:
                break
        self.gap = gap
        self.area = box
        self.scale_factor = min(MAX_ZOOM, fit.width / width, fit.height / height)
        room = min(fit.height / self.scale_factor, height * 1.6)
        positions, _, _ = graph_positions(graph, widths, row_height, gap, height=room)
        everything = VGroup()
        for key, view in self.nodes.items():
            view.place(positions[key])
            everything.add(*view.parts)
        everything.scale(self.scale_factor, about_point=ORIGIN)
        everything.shift(((fit.left + fit.right) / 2, (fit.bottom + fit.top) / 2, 0.0))
        self.edges = [self._edge_view(edge) for edge in graph.edges]
        self._clear_labels()
        self._place_tags(right, box)

    def _place_tags(self, right: bool, box: Box) -> None:
        """The tags in one column beside the output's numbers: right of them where the layout
        kept the room, else left of them where nothing is drawn there, else side by side under
        them (a graph as wide as the frame, as a long chain)."""
        output = self.nodes[self.graph.output]
        value, grad = self.tags["value"], self.tags["grad"]
        numbers = VGroup(output.value, output.grad)
        for tag, number in ((value, output.value), (grad, output.grad)):
            tag.set_y(number.get_y())
            if right:
                tag.shift((numbers.get_right()[0] + TAG_GAP - tag.get_left()[0]) * RIGHT)
            else:
                tag.shift((numbers.get_left()[0] - TAG_GAP - tag.get_right()[0]) * RIGHT)
        if not right:
            drawn = [part for key, view in self.nodes.items() for part in view.parts if key != self.graph.output]
            drawn += [output.shape, output.symbol, *(edge.local for edge in self.edges)]
            inside = value.get_left()[0] >= box.left and grad.get_left()[0] >= box.left
            if not inside or any(_touch(_corners(tag), _corners(part)) for tag in (value, grad) for part in drawn):
                value.next_to(output.grad, DOWN, buff=TAG_GAP)
                grad.next_to(value, RIGHT, buff=2 * TAG_GAP)
                row = VGroup(value, grad).set_x(output.shape.get_x())
                row.shift(min(0.0, box.right - row.get_right()[0]) * RIGHT)
        value.set_z_index(2)
        grad.set_z_index(2)

    def _clear_labels(self) -> None:
        """Slide each edge's label along its edge until it overlaps no node's text and no label
        placed before it (shortest edges first, so the crowded short ones choose first)."""
        taken = [_corners(part) for view in self.nodes.values() for part in (view.symbol, view.value, view.grad)]
        for edge in sorted(self.edges, key=lambda view: view.arrow.get_arc_length()):
            start = float(_proportion_at(edge.arrow, None if edge.label_x is None else edge.label_x))
            for share in (start, *LABEL_SHARES):
                edge.local.move_to(edge.arrow.point_from_proportion(share))
                if not any(_touch(_corners(edge.local), box) for box in taken):
                    break
            else:
                edge.local.move_to(edge.arrow.point_from_proportion(start))
            taken.append(_corners(edge.local))

    def _edge_view(self, edge: GraphEdge) -> EdgeView:
        start, end = self.nodes[edge.source], self.nodes[edge.target]
        twins = [other for other in self.graph.edges if (other.source, other.target) == (edge.source, edge.target)]
        span = self.columns[edge.target] - self.columns[edge.source]
        if len(twins) > 1:
            # One tensor in two slots (x * x): one arc above, one below, each with its own label.
            bend = TWIN_BEND if twins.index(edge) % 2 else -TWIN_BEND
        elif span > 1:
            # An edge that skips a column arcs over the nodes in between (a negative angle bows upwards).
            chord = float(np.linalg.norm(end.shape.get_left() - start.shape.get_right()))
            bend = -4 * math.atan(2 * SKIP_CLEARANCE * self.scale_factor / chord)
        else:
            bend = 0.0
        # A label on an edge that skips columns sits in the gap before its target, clear of the
        # nodes the edge passes over.
        label_x = end.shape.get_left()[0] - 0.45 * self.gap * self.scale_factor if span > 1 else None
        return EdgeView(edge, start, end, bend, self.scale_factor, self.theme, twin=len(twins) > 1, label_x=label_x)

    def introduce(self, kind: str) -> list[Animation]:
        """The tag of `kind` ("value" or "grad") fading in beside the output's number, as that
        number is first drawn; nothing after."""
        tag = self.tags[kind]
        if tag in self.submobjects:
            return []
        self.add(tag)
        return [FadeIn(tag)]

    def drawn(self, shown: list[Mobject]) -> list[Mobject]:
        """The graph, with those of its values and gradients that are `shown`: its animations
        bring them into the scene beside it."""
        labels = [label for view in self.nodes.values() for label in (view.value, view.grad)]
        return [self, *(label for label in labels if label in shown)]

    def skeleton(self) -> VGroup:
        """The graph's empty shape, faint: where its nodes and edges will be, before the
        forward pass builds them."""
        parts = [view.shape.copy() for view in self.nodes.values()] + [edge.arrow.copy() for edge in self.edges]
        return VGroup(*parts).set_opacity(SKELETON_OPACITY)

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

    def travel(self, key: str) -> tuple[list[Animation], Animation]:
        """The forward pass into `key`, in two parts: its inputs' values travelling along the
        edges to it, then those travellers turning into the value it computes, under it. A
        leaf has no travel: its value just appears."""
        view = self.nodes[key]
        incoming = self.edges_into(key)
        if not incoming:
            self.add(view.value)
            return [], FadeIn(view.value, shift=0.1 * RIGHT)
        travellers = VGroup()
        moves: list[Animation] = []
        for edge in incoming:
            source = self.nodes[edge.edge.source].value
            traveller = source.copy()
            travellers.add(traveller)
            # Each stops where its edge enters the node, apart from the others: never one on
            # another under the node, reading as a value it does not hold.
            path = _path_of(source.get_center(), edge.arrow, edge.arrow.points[-1])
            moves.append(MoveAlongPath(traveller, path))
            moves.append(
                ShowPassingFlash(edge.arrow.copy().set_color(self.theme.forward).set_stroke(width=6), time_width=0.6)
            )
        tags = self.introduce("value") if key == self.graph.output else []
        return moves, AnimationGroup(ReplacementTransform(travellers, view.value), *tags)

    def show_local(self, edge: EdgeView) -> Animation:
        """The edge's local derivative appears on it."""
        self.add(edge.local)
        return FadeIn(edge.local, scale=0.8)

    def light_edge(self, edge: EdgeView) -> Animation:
        """A pulse in the backward colour runs back along the edge, whose arrowhead turns to
        point back, the way the gradient flows, and which keeps that colour."""
        backwards = edge.backward_arrow(self.theme.backward)
        parts: list[Animation] = [
            ShowPassingFlash(backwards.copy().set_stroke(width=6), time_width=0.6),
            Transform(edge.arrow, backwards),
        ]
        if edge.local not in self.submobjects:
            parts.append(self.show_local(edge))
        return AnimationGroup(*parts)

    def label_node(self, key: str, symbol: str) -> VMobject:
        """A math name above a node (y, u, h), for scenes whose code names the node."""
        shape = self.nodes[key].shape
        label = math_text(symbol, self.theme.text, NAME_MATH_SIZE * min(self.scale_factor, 1.0))
        return label.next_to(shape, UP, buff=0.1).set_z_index(2)


def _texts(symbol: VMobject) -> list[VMobject]:
    """A node's name as texts: a leaf's typeset one, or an operation's lines."""
    return [symbol] if isinstance(symbol, MathTypst) else list(symbol)


def _path_of(start: np.ndarray, arrow: VMobject, end: np.ndarray) -> VMobject:
    """The path a value travels from `start` to `end`: onto the arrow's line (its tip left
    out), along it, and off it."""
    path = VMobject().set_points_as_corners([start, arrow.get_start()])
    path.append_points(arrow.points.copy())
    path.add_line_to(end)
    return path


def _proportion_at(arrow: VMobject, x: float | None) -> float:
    """How far along `arrow` its label sits: halfway, or where the arrow reaches `x`."""
    if x is None:
        return 0.5
    proportions = np.linspace(0.5, 0.95, 19)
    return float(min(proportions, key=lambda share: abs(arrow.point_from_proportion(share)[0] - x)))


# Where along its edge a label may sit: the middle first, then ever further out.
LABEL_SHARES = tuple(sorted((share / 40 for share in range(4, 37)), key=lambda share: abs(share - 0.5)))


def _corners(mobject: VMobject) -> tuple[float, float, float, float]:
    left, bottom, _ = mobject.get_corner(DOWN + LEFT)
    right, top, _ = mobject.get_corner(UP + RIGHT)
    return float(left), float(bottom), float(right), float(top)


def _touch(first: tuple[float, float, float, float], second: tuple[float, float, float, float]) -> bool:
    return first[0] < second[2] and second[0] < first[2] and first[1] < second[3] and second[1] < first[3]
