"""A lecture laid out as the autograd scenes share it: code left, graph right, a calculation line below."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    Brace,
    Create,
    DashedVMobject,
    Dot,
    GrowFromCenter,
    Indicate,
    Mobject,
    SurroundingRectangle,
    Text,
    TransformFromCopy,
    VGroup,
    VMobject,
)

from seminar_anim.model.graph import GraphNode, TracedGraph, columns
from seminar_anim.model.listing import Listing
from seminar_anim.visual.code import CodePanel, OutputPanel, ScrollingCodePanel
from seminar_anim.visual.fades import FadeIn, FadeOut
from seminar_anim.visual.graph import GraphView, NodeView
from seminar_anim.visual.labels import ValueLabel, format_value, math_text, plain_text
from seminar_anim.visual.layout import Box
from seminar_anim.visual.lecture import LectureScene
from seminar_anim.visual.lint import CAPTION_BAND, FRAME_HEIGHT
from seminar_anim.visual.theme import SMALL_SIZE, STRIP_SIZE

# What a viewer reads stays above the band where players draw captions.
SAFE_BOTTOM = -FRAME_HEIGHT / 2 + CAPTION_BAND * FRAME_HEIGHT + 0.04
OUTPUT_ROOM = 1.5  # the output's heading and three printed lines, kept when code grows down
CODE_BOX = Box(left=-6.4, right=-0.9, bottom=-1.0, top=2.75)
GRAPH_AREA = Box(left=-0.6, right=6.4, bottom=-2.2, top=2.75)
WIDE_AREA = Box(left=-6.4, right=6.4, bottom=-2.2, top=2.75)  # a big graph's, while the code steps aside
PRINT_HOLD_LINES = 2  # the most lines of reading time a print is held for
MAX_TOLD_EDGES = 8  # a bigger graph's backward pass is drawn, not told edge by edge
MAX_FACTORS = 10  # numbers in one chain-rule line; past them each path shows its product
STRIP_Y = SAFE_BOTTOM + 0.35  # the middle of the calculation line: a fraction's height above the band
STRIP_TOP = STRIP_Y + 0.5  # the most the calculation line reaches up: its half height and a gap
LEGEND_BOTTOM = SAFE_BOTTOM
STORAGE_LEFT = GRAPH_AREA.left + 0.6  # a storage block's cells, leaving room for its "byte offset" caption
LEGEND_TOP = LEGEND_BOTTOM + 1.25  # three lines of the legend
TRAVEL_SHARE = 0.6  # of a forward step, the values' trip along the edges; the rest, their arrival
UNLIT = 0.25  # the opacity of the edges a chain-rule line does not multiply along
CHECK_BUFF = (0.1, 0.04)  # a check box's margin: room beside the text, and clear of the lines above and below


class CodeGraphScene(LectureScene):
    """Code panel and printed output on the left, the traced graph on the right, and under
    the graph one calculation line at a time, each number flying in from where it is drawn."""

    def setup(self) -> None:
        super().setup()
        self.strip = VGroup()
        self.strip_area = GRAPH_AREA  # where the calculation line is centred, as wide as the graph
        self.names: dict[str, str] = {}  # a letter the scene gives a node's value (u for x^2), by node key
        self._printed: dict[int, int] = {}  # prints shown so far, per listing

    def panels(
        self, code: tuple[str, ...], bottom: float = LEGEND_TOP, box: Box = CODE_BOX
    ) -> tuple[CodePanel, OutputPanel]:
        """The code panel in `box`, taller down to what the prints keep when the code needs it
        (it scrolls when the code is still too long) and, under it down to `bottom`, the panel
        where the prints appear."""
        panel = ScrollingCodePanel(code, self.theme, box)
        hidden = panel.starts[-1] - panel.capacity
        lowest = max(bottom + OUTPUT_ROOM, box.bottom - hidden * panel.pitch)
        if hidden > 0 and lowest < box.bottom:
            panel = ScrollingCodePanel(code, self.theme, Box(box.left, box.right, lowest, box.top))
        top = panel.background.get_bottom()[1] - 0.2
        return panel, OutputPanel(self.theme, Box(box.left + 0.1, box.right, bottom, top))

    def print_text(self, output: OutputPanel, text: str, color: str | None = None) -> list[Text]:
        """Print `text` (its lines wrapped to the panel) as a terminal would, and return the lines."""
        lines = output.lines_of(text)
        for line, continued in lines:
            self.play(output.print_line(line, color, continued), run_time=1 if len(lines) == 1 else 0.4)
        return output.printed[-len(lines) :]

    def swap_panels(
        self, code: CodePanel, output: OutputPanel, lines: tuple[str, ...], *leaving: Mobject
    ) -> tuple[CodePanel, OutputPanel]:
        """The next listing's code, and an empty output under it, in place of the last ones;
        `leaving` fades out with them."""
        new_code, new_output = self.panels(lines, bottom=SAFE_BOTTOM)
        self.play(FadeOut(code), FadeOut(output), *(FadeOut(mobject) for mobject in leaving), run_time=0.5)
        self.play(FadeIn(new_code))
        self.add(new_output)
        return new_code, new_output

    def execute(self, code: CodePanel, output: OutputPanel, listing: Listing, line: int) -> VGroup:
        """Highlight code line `line`; if it is the next print of the listing, print it, and
        return the lines it printed (none for other lines)."""
        self.play(code.highlight(line))
        done = self._printed.get(id(listing), 0)
        if done < len(listing.prints) and listing.print_lines[done] == line:
            self._printed[id(listing)] = done + 1
            printed = self.print_text(output, listing.prints[done])
            self.hold(min(len(printed), PRINT_HOLD_LINES))  # a matrix's rows are read as one thing
            return VGroup(*printed)
        return VGroup()

    def legend(self, output: str) -> VGroup:
        """What each colour means, bottom left; `output` names what is differentiated."""
        theme = self.theme
        items = VGroup()
        for color, words in (
            (theme.forward, "value (forward pass)"),
            (theme.backward, f"gradient ∂{output}/∂node (backward pass)"),
            (theme.local, "local derivative, on an edge"),
        ):
            dot = Dot(color=color, radius=0.07)
            items.add(VGroup(dot, plain_text(words, theme.muted, SMALL_SIZE)).arrange(RIGHT, buff=0.12))
        items.arrange(DOWN, buff=0.1, aligned_edge=LEFT)
        return items.move_to((CODE_BOX.left, LEGEND_BOTTOM, 0.0), aligned_edge=DOWN + LEFT)

    def check(self, printed: Mobject, label: Mobject) -> None:
        """Box the printed line and the number it matches, and join them; the boxes hug what
        they frame, clear of the console's next lines and the labels near the number."""
        color = self.theme.backward
        self.play(
            Create(self.link(printed, label)),
            *(
                Create(SurroundingRectangle(part, color=color, buff=CHECK_BUFF, stroke_width=2))
                for part in (printed, label)
            ),
        )

    def link(self, printed: Mobject, label: Mobject) -> VMobject:
        """A dashed elbow from a printed line to the label it matches, around the code panel."""
        gutter = (CODE_BOX.right + GRAPH_AREA.left) / 2
        start, end = printed.get_right() + 0.1 * RIGHT, label.get_left() + 0.05 * LEFT
        corners = np.array([start, (gutter, start[1], 0.0), (gutter, end[1], 0.0), end])
        path = VMobject(color=self.theme.backward, stroke_width=2).set_points_as_corners(corners)
        return DashedVMobject(path, num_dashes=30)

    def show_strip(
        self,
        *parts: VMobject,
        sources: dict[int, VMobject] | None = None,
        run_time: float | None = None,
        y: float = STRIP_Y,
    ) -> VGroup:
        """Replace the calculation line (centred at height `y`); parts listed in `sources` fly in
        from those mobjects."""
        row = VGroup(*parts).arrange(RIGHT, buff=0.18)
        area = self.strip_area
        if row.width > area.width - 0.2:
            row.scale_to_fit_width(area.width - 0.2)
        row.move_to((area.centre_x, y, 0.0))
        sources = sources or {}
        arrivals = [
            TransformFromCopy(sources[index], part) if index in sources else FadeIn(part, shift=0.1 * UP)
            for index, part in enumerate(row)
        ]
        # The old line is gone before the new one arrives in its place: no two lines at once.
        self.play(
            AnimationGroup(
                FadeOut(self.strip, run_time=0.4),
                AnimationGroup(*arrivals, lag_ratio=0.25),
                lag_ratio=1.0,
                run_time=run_time,
            )
        )
        self.strip = row
        return row

    def build_grid(self, cells: list[VMobject], numbers: list[Mobject], name: Mobject, sources: list[Mobject]) -> None:
        """A tensor's grid built from its storage: its cells are drawn, then each number flies
        from its source (the storage cell it reads) to its place."""
        self.play(*(Create(cell) for cell in cells), FadeIn(name))
        self.play(
            AnimationGroup(
                *(TransformFromCopy(source, number) for source, number in zip(sources, numbers, strict=True)),
                lag_ratio=0.2,
            )
        )

    def swap_boards(self, leaving: list[Mobject], arriving: list[Mobject], *alongside: Animation) -> None:
        """What the last lines showed fades out before what the next ones show fades in, in its
        place: never the one drawn over the other. `alongside` plays with the fade-out."""
        self.play(*alongside, *(FadeOut(mobject) for mobject in leaving), run_time=0.5)
        self.play(*(FadeIn(mobject) for mobject in arriving))

    def flow_forward(self, view: GraphView, key: str, *extra: Animation, run_time: float = 1.0) -> None:
        """The forward pass reaches node `key`: its inputs' values travel along their edges
        and become its value, with `extra` alongside the arrival."""
        moves, arrival = view.travel(key)
        if moves:
            self.play(*moves, run_time=run_time * TRAVEL_SHARE)
        self.play(arrival, *extra, run_time=run_time * (1 - TRAVEL_SHARE) if moves else run_time)

    def graph_view(self, graph: TracedGraph) -> GraphView:
        """The graph right of the code, or across the whole frame when it is too big to read there."""
        view = GraphView(graph, self.theme, (GRAPH_AREA, WIDE_AREA))
        self.strip_area = view.area
        return view

    def chain_rule_line(self, view: GraphView, output: str, told: str) -> None:
        """d output/d focus as the output's gradient (1) times the local derivatives along each
        path, summed over the paths: the form every backward line has, upstream gradient times
        local derivative. Only the paths' edges stay lit. With more numbers than fit one line,
        each path shows its product instead. `told` is said as the line's result arrives."""
        graph = view.graph
        root = view.nodes[graph.output].grad
        parts: list[VMobject] = [self.derivative(graph, graph.focus, output), self.symbol("=")]
        sources: dict[int, VMobject] = {}
        upstreams: list[tuple[int, int, ValueLabel]] = []  # parts first..last make the gradient given
        factors = sum(len(path.edges) for path in graph.paths)
        for number, path in enumerate(graph.paths):
            if number:
                parts.append(self.symbol("+"))
            if factors > MAX_FACTORS:
                parts.append(ValueLabel(graph.path_key(number), path.product, self.theme.local, STRIP_SIZE))
                continue
            sources[len(parts)] = root
            first = len(parts)
            parts.append(self.number(root))
            for index in path.edges:
                if index == path.edges[-1] and len(path.edges) > 1:
                    # All but the last factor make the gradient arriving at the last edge.
                    upstreams.append((first, len(parts) - 1, view.nodes[graph.edges[index].target].grad))
                parts.append(self.symbol("dot"))
                sources[len(parts)] = view.edges[index].local
                parts.append(self.number(view.edges[index].local, self.theme.local))
        parts.append(self.symbol("="))
        focus = view.nodes[graph.focus].grad
        sources[len(parts)] = focus
        parts.append(self.number(focus))
        lit = {index for path in graph.paths for index in path.edges}
        others = [edge for index, edge in enumerate(view.edges) if index not in lit]
        # Off the paths, the nodes' gradients dim with their edges: only what is multiplied stays lit.
        on_paths = {end for index in lit for end in (graph.edges[index].source, graph.edges[index].target)}
        aside = [node.grad for key, node in view.nodes.items() if key not in on_paths and node.grad in self.mobjects]
        self.play(
            *(edge.animate.set_opacity(UNLIT) for edge in others),
            *(edge.local.animate.set_opacity(UNLIT) for edge in others if edge.local in view.submobjects),
            *(grad.animate.set_opacity(UNLIT) for grad in aside),
            *(Indicate(view.edges[index].local, color=self.theme.local) for index in sorted(lit)),
        )
        row = self.show_strip(*parts, sources=sources)
        self.say(told)
        # The backward step wrote this gradient as the upstream gradient times the last local
        # derivative: a brace shows which factors made that upstream gradient.
        for first, last, upstream in upstreams:
            brace = Brace(VGroup(*row[first : last + 1]), UP, buff=0.05, color=self.theme.backward)
            given = self.number(upstream).next_to(brace, UP, buff=0.05)
            self.play(GrowFromCenter(brace), TransformFromCopy(upstream, given))
            self.strip.add(brace, given)

    def symbol(self, typst: str) -> VMobject:
        return math_text(typst, self.theme.text, STRIP_SIZE)

    def number(self, label: ValueLabel, color: str | None = None) -> ValueLabel:
        """A strip-sized copy of a drawn number, for the calculation line."""
        return ValueLabel(label.key, label.value, color or self.theme.backward, STRIP_SIZE)

    def derivative(self, graph: TracedGraph, key: str, output: str) -> VMobject:
        """∂output/∂(what the node holds): ∂f/∂x, ∂f/∂(w·x), ∂h/∂u where the scene names the
        node u, or ∂f/∂f for the output itself; in the gradient's colour, as its number is."""
        node = graph.node(key)
        inner = output if key == graph.output else node.formula if node.kind == "leaf" else f"({node.formula})"
        inner = self.names.get(key, inner)
        return math_text(f"(partial {output})/(partial {inner})", self.theme.backward, STRIP_SIZE)

    def seed(self, view: GraphView, output: str) -> None:
        """The backward pass starts with d output / d output at the output node."""
        graph = view.graph
        root = view.nodes[graph.output]
        self.show_strip(self.derivative(graph, graph.output, output), self.symbol("="), self.number(root.grad))
        self.land_gradient(view, root)

    def backward_pass(
        self, view: GraphView, output: str, keys: Collection[str] | None = None, summary: bool = True
    ) -> None:
        """Right to left, column by column: every node's gradient (of the nodes `keys`, when
        given, whose consumers already have theirs) from the edges leaving it. Nodes are told
        while the step has room, keeping one sentence for a `summary` after the pass."""
        graph = view.graph
        column = columns(graph)
        pending = sorted(
            (node for node in graph.nodes if node.key != graph.output and (keys is None or node.key in keys)),
            key=lambda node: (-column[node.key], -view.nodes[node.key].get_y()),
        )
        kept = 1 if summary else 0
        for node in pending:
            leaving = view.edges_out_of(node.key)
            results: list[ValueLabel] = []
            if self.tellable(view, node.key) and self.room_to_say() > kept:
                (edge,) = leaving
                said = [format_value(value) for value in (graph.node(edge.edge.target).grad, edge.edge.local)]
                self.say(
                    f"At {spoken_node(graph.node(node.key))}, {said[0]} times {said[1]} is {format_value(node.grad)}."
                )
            for edge in leaving:
                self.play(view.light_edge(edge))
                upstream = view.nodes[edge.edge.target].grad
                product = ValueLabel(
                    edge.edge.contribution_key,
                    edge.edge.contribution,
                    self.theme.backward,
                    STRIP_SIZE,
                )
                # With one edge the product is the gradient; with several it is one term of the sum.
                head = [self.derivative(graph, node.key, output), self.symbol("=")] if len(leaving) == 1 else []
                self.show_strip(
                    *head,
                    self.number(upstream),
                    self.symbol("dot"),
                    self.number(edge.local, self.theme.local),
                    self.symbol("="),
                    product,
                    sources={len(head): upstream, len(head) + 2: edge.local},
                )
                self.hold(1)
                results.append(product)
            view_node = view.nodes[node.key]
            if len(results) > 1:
                terms: list[VMobject] = [self.derivative(graph, node.key, output), self.symbol("=")]
                for result in results:
                    terms += [self.number(result), self.symbol("+")]
                terms[-1] = self.symbol("=")
                self.show_strip(*terms, self.number(view_node.grad))
                self.hold(1)
            self.land_gradient(view, view_node)

    @staticmethod
    def tellable(view: GraphView, key: str) -> bool:
        """Whether the backward pass tells how node `key` gets its gradient: in a small graph,
        where one edge leaves it (a sum of several is shown, not told)."""
        return len(view.graph.edges) <= MAX_TOLD_EDGES and len(view.edges_out_of(key)) == 1

    def tells_every(self, view: GraphView, keys: Collection[str]) -> bool:
        """Whether a backward pass over `keys` can tell every one of them in this step."""
        return len(keys) <= self.room_to_say() and all(self.tellable(view, key) for key in keys)

    def land_gradient(self, view: GraphView, node: NodeView) -> None:
        """The gradient at the end of the calculation line moves onto its node."""
        tags = view.introduce("grad") if node is view.nodes[view.graph.output] else []
        self.play(TransformFromCopy(self.strip[-1], node.grad), *tags)
        self.add(node.grad)


SPOKEN_OPERATIONS = {"×": "the product", "+": "the sum", "−": "the difference", "÷": "the quotient", "^": "the power"}


def spoken_node(node: GraphNode) -> str:
    """A node as the narration names it: a leaf by its name, an operation by what it makes."""
    if node.kind == "leaf":
        return node.key
    return SPOKEN_OPERATIONS.get(node.label, f"the {node.label} node")
