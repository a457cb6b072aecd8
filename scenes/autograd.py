"""autograd: the seed's exercise f = log(w*x + b), traced by PyTorch, forward then backward."""

import numpy as np
from manim import *

from seminar_anim.model.autograd import AutogradLesson, autograd_lesson
from seminar_anim.model.graph import columns
from seminar_anim.visual.code import CodePanel, OutputPanel
from seminar_anim.visual.graph import GraphView, NodeView
from seminar_anim.visual.labels import ValueLabel, math_text, plain_text
from seminar_anim.visual.layout import Box
from seminar_anim.visual.lecture import LectureScene
from seminar_anim.visual.theme import SMALL_SIZE, STRIP_SIZE

CODE_BOX = Box(left=-6.4, right=-0.9, bottom=-1.0, top=2.75)
GRAPH_AREA = Box(left=-0.6, right=6.4, bottom=-2.35, top=2.75)
STRIP_Y = -3.05
LEGEND_BOTTOM = -3.45


class AutogradScene(LectureScene):
    """Code, forward pass, seed, backward pass edge by edge, chain rule, and PyTorch's own print."""

    def construct(self) -> None:
        lesson: AutogradLesson = self.facts or autograd_lesson()
        self.lesson = lesson
        theme = self.theme
        graph = lesson.graph
        self.view = GraphView(graph, theme, GRAPH_AREA)
        code = CodePanel(lesson.code, theme, CODE_BOX)
        output_top = code.background.get_bottom()[1] - 0.3
        output = OutputPanel(theme, Box(CODE_BOX.left + 0.1, CODE_BOX.right, output_top - 1.0, output_top))
        self.strip = VGroup()

        self.step("code", "We build f from leaf tensors that ask PyTorch to track gradients.")
        self.play(FadeIn(self.title("Autograd:", f"f = {lesson.formula}")), FadeIn(code, shift=0.2 * RIGHT))
        self.add(output, self.legend())
        self.hold(3)

        self.step("forward", "The forward pass computes each value and records one graph node per operation.")
        for name, line in lesson.leaf_lines.items():
            self.play(code.highlight(line), self.view.show_node(name))
            self.play(self.view.flow_forward(name))
        self.play(code.highlight(lesson.expr_line))
        for node in graph.ops:
            self.play(self.view.show_node(node.key))
            self.play(self.view.flow_forward(node.key))
        self.hold(2)

        output_view = self.view.nodes[graph.output]
        self.step("seed", "Calling f.backward() starts at the output, seeding its gradient df/df.")
        self.play(code.highlight(lesson.backward_line))
        self.show_strip(self.derivative(graph.output, "f"), self.symbol("="), self.number(output_view.grad))
        self.land_gradient(output_view)
        self.play(Indicate(output_view.grad, color=theme.backward))
        self.hold(1)

        self.step("backward", "Going back, each edge multiplies the incoming gradient by its local derivative.")
        self.backward_pass()
        self.hold(1)

        paths = "the path" if len(graph.paths) == 1 else "each path, summed over the paths"
        self.step("chain-rule", f"The chain rule: df/d{graph.focus} multiplies the local derivatives along {paths}.")
        self.chain_rule()
        self.hold(2)

        self.step("check", f"print({graph.focus}.grad) shows the very number the graph computed.")
        self.play(code.highlight(lesson.print_line))
        self.play(output.print_line(lesson.prints[0], theme.backward))
        printed = output.printed[-1]
        focus = self.view.nodes[graph.focus].grad
        self.play(
            Create(self.link(printed, focus)),
            Create(SurroundingRectangle(printed, color=theme.backward, buff=0.08)),
            Create(SurroundingRectangle(focus, color=theme.backward, buff=0.03)),
        )
        self.hold(2)

    def legend(self) -> VGroup:
        theme = self.theme
        items = VGroup()
        for color, words in (
            (theme.forward, "value (forward pass)"),
            (theme.backward, "gradient ∂f/∂node (backward pass)"),
            (theme.local, "local derivative, on an edge"),
        ):
            dot = Dot(color=color, radius=0.07)
            items.add(VGroup(dot, plain_text(words, theme.muted, SMALL_SIZE)).arrange(RIGHT, buff=0.12))
        items.arrange(DOWN, buff=0.1, aligned_edge=LEFT)
        return items.move_to((CODE_BOX.left, LEGEND_BOTTOM, 0.0), aligned_edge=DOWN + LEFT)

    def link(self, printed: Mobject, label: Mobject) -> VMobject:
        """A dashed elbow from the printed line to the label it matches, around the code panel."""
        gutter = (CODE_BOX.right + GRAPH_AREA.left) / 2
        start, end = printed.get_right() + 0.1 * RIGHT, label.get_left() + 0.05 * LEFT
        corners = np.array([start, (gutter, start[1], 0.0), (gutter, end[1], 0.0), end])
        path = VMobject(color=self.theme.backward, stroke_width=2).set_points_as_corners(corners)
        return DashedVMobject(path, num_dashes=30)

    def show_strip(self, *parts: VMobject, sources: dict[int, VMobject] | None = None) -> VGroup:
        """Replace the calculation line under the graph; parts listed in `sources` fly in from there."""
        row = VGroup(*parts).arrange(RIGHT, buff=0.18)
        if row.width > GRAPH_AREA.width - 0.2:
            row.scale_to_fit_width(GRAPH_AREA.width - 0.2)
        row.move_to(((GRAPH_AREA.left + GRAPH_AREA.right) / 2, STRIP_Y, 0.0))
        sources = sources or {}
        arrivals = [
            TransformFromCopy(sources[index], part) if index in sources else FadeIn(part, shift=0.1 * UP)
            for index, part in enumerate(row)
        ]
        self.play(FadeOut(self.strip), AnimationGroup(*arrivals, lag_ratio=0.25))
        self.strip = row
        return row

    def symbol(self, typst: str) -> VMobject:
        return math_text(typst, self.theme.text, STRIP_SIZE)

    def number(self, label: ValueLabel, color: str | None = None) -> ValueLabel:
        """A strip-sized copy of a drawn number, for the calculation line."""
        return ValueLabel(label.key, label.value, color or self.theme.backward, STRIP_SIZE)

    def derivative(self, key: str, name: str | None = None) -> VMobject:
        """∂f/∂(what the node holds), e.g. ∂f/∂x or ∂f/∂(w·x); `name` replaces the formula."""
        node = self.lesson.graph.node(key)
        inner = name or (node.formula if node.kind == "leaf" else f"({node.formula})")
        return self.symbol(f"(partial f)/(partial {inner})")

    def backward_pass(self) -> None:
        """Right to left, column by column: every node's gradient from the edges leaving it."""
        graph = self.lesson.graph
        column = columns(graph)
        pending = sorted(
            (node for node in graph.nodes if node.key != graph.output),
            key=lambda node: (-column[node.key], -self.view.nodes[node.key].get_y()),
        )
        for node in pending:
            view = self.view.nodes[node.key]
            leaving = self.view.edges_out_of(node.key)
            results: list[ValueLabel] = []
            for edge in leaving:
                self.play(self.view.light_edge(edge))
                upstream = self.view.nodes[edge.edge.target].grad
                product = ValueLabel(
                    f"{edge.edge.key}.contribution", edge.edge.contribution, self.theme.backward, STRIP_SIZE
                )
                # With one edge the product is the gradient; with several it is one term of the sum.
                head = [self.derivative(node.key), self.symbol("=")] if len(leaving) == 1 else []
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
            if len(results) > 1:
                terms: list[VMobject] = [self.derivative(node.key), self.symbol("=")]
                for result in results:
                    terms += [self.number(result), self.symbol("+")]
                terms[-1] = self.symbol("=")
                self.show_strip(*terms, self.number(view.grad))
                self.hold(1)
            self.land_gradient(view)

    def land_gradient(self, view: NodeView) -> None:
        """The gradient at the end of the calculation line moves onto its node."""
        self.play(TransformFromCopy(self.strip[-1], view.grad))
        self.add(view.grad)

    def chain_rule(self) -> None:
        """df/d(focus) typeset as a sum over paths of products of the edges' local derivatives."""
        graph = self.lesson.graph
        theme = self.theme
        parts: list[VMobject] = [self.derivative(graph.focus), self.symbol("=")]
        sources: dict[int, VMobject] = {}
        for number, path in enumerate(graph.paths):
            if number:
                parts.append(self.symbol("+"))
            for position, index in enumerate(path.edges):
                if position:
                    parts.append(self.symbol("dot"))
                edge = self.view.edges[index]
                sources[len(parts)] = edge.local
                parts.append(self.number(edge.local, theme.local))
        parts.append(self.symbol("="))
        focus = self.view.nodes[graph.focus].grad
        sources[len(parts)] = focus
        parts.append(self.number(focus))
        factors = {index for path in graph.paths for index in path.edges}
        self.play(*(Indicate(self.view.edges[index].local, color=theme.local) for index in sorted(factors)))
        self.show_strip(*parts, sources=sources)
