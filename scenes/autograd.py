"""autograd: the seed's exercise f = log(w*x + b), traced by PyTorch, forward then backward."""

from manim import *

from seminar_anim.model.autograd import AutogradLesson, exercise_lesson
from seminar_anim.visual.codegraph import GRAPH_AREA, CodeGraphScene
from seminar_anim.visual.graph import GraphView


class AutogradScene(CodeGraphScene):
    """Code, forward pass, seed, backward pass edge by edge, chain rule, and PyTorch's own print."""

    def construct(self) -> None:
        lesson: AutogradLesson = self.facts or exercise_lesson()
        theme = self.theme
        graph = lesson.graph
        view = GraphView(graph, theme, GRAPH_AREA)
        code, output = self.panels(lesson.code)

        self.step("code", "We build f from leaf tensors that ask PyTorch to track gradients.")
        self.play(FadeIn(self.title("Autograd:", f"f = {lesson.formula}")), FadeIn(code, shift=0.2 * RIGHT))
        self.add(output, self.legend("f"))
        self.hold(3)

        self.step("forward", "The forward pass computes each value and records one graph node per operation.")
        for name, line in lesson.leaf_lines.items():
            self.play(code.highlight(line), view.show_node(name))
            self.play(view.flow_forward(name))
        self.play(code.highlight(lesson.expr_line))
        for node in graph.ops:
            self.play(view.show_node(node.key))
            self.play(view.flow_forward(node.key))
        self.play(FadeIn(view.label_node(graph.output, "f")))
        self.hold(2)

        self.step("seed", "Calling f.backward() starts at the output, seeding its gradient df/df.")
        self.play(code.highlight(lesson.backward_line))
        self.seed(view, "f")
        self.play(Indicate(view.nodes[graph.output].grad, color=theme.backward))
        self.hold(1)

        self.step("backward", "Going back, each edge multiplies the incoming gradient by its local derivative.")
        self.backward_pass(view, "f")
        self.hold(1)

        paths = "the path" if len(graph.paths) == 1 else "each path, summed over the paths"
        self.step("chain-rule", f"The chain rule: df/d{graph.focus} multiplies the local derivatives along {paths}.")
        self.chain_rule(view)
        self.hold(2)

        self.step("check", f"print({graph.focus}.grad) shows the very number the graph computed.")
        self.play(code.highlight(lesson.print_line))
        self.play(output.print_line(lesson.prints[0], theme.backward))
        self.check(output.printed[-1], view.nodes[graph.focus].grad)
        self.hold(2)

    def chain_rule(self, view: GraphView) -> None:
        """df/d(focus) typeset as a sum over paths of products of the edges' local derivatives."""
        graph = view.graph
        parts: list[VMobject] = [self.derivative(graph, graph.focus, "f"), self.symbol("=")]
        sources: dict[int, VMobject] = {}
        for number, path in enumerate(graph.paths):
            if number:
                parts.append(self.symbol("+"))
            for position, index in enumerate(path.edges):
                if position:
                    parts.append(self.symbol("dot"))
                sources[len(parts)] = view.edges[index].local
                parts.append(self.number(view.edges[index].local, self.theme.local))
        parts.append(self.symbol("="))
        focus = view.nodes[graph.focus].grad
        sources[len(parts)] = focus
        parts.append(self.number(focus))
        factors = sorted({index for path in graph.paths for index in path.edges})
        self.play(*(Indicate(view.edges[index].local, color=self.theme.local) for index in factors))
        self.show_strip(*parts, sources=sources)
