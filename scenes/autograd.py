"""autograd: the seed's exercise f = log(w*x + b), traced by PyTorch, forward then backward."""

from manim import *

from seminar_anim.model.autograd import AutogradLesson, exercise_lesson
from seminar_anim.visual.codegraph import GRAPH_AREA, CodeGraphScene
from seminar_anim.visual.fades import FadeIn, FadeOut
from seminar_anim.visual.labels import code_text, format_value
from seminar_anim.visual.theme import STRIP_SIZE


class AutogradScene(CodeGraphScene):
    """Code, forward pass, seed, backward pass edge by edge, chain rule, and PyTorch's own print."""

    def construct(self) -> None:
        lesson: AutogradLesson = self.facts or exercise_lesson()
        theme = self.theme
        graph = lesson.graph
        view = self.graph_view(graph)
        wide = view.area is not GRAPH_AREA
        code, output = self.panels(lesson.code)

        def at(line: int) -> list[Animation]:
            """Highlight a code line, unless the code stepped aside for a wide graph."""
            return [] if wide else [code.highlight(line)]

        self.step("code", "We build f from leaf tensors that ask PyTorch to track gradients.")
        # Beside the code, the graph's empty shape: what the forward pass will build.
        skeleton = VGroup() if wide else view.skeleton()
        legend = self.legend("f")
        self.add(output, legend)
        self.play(
            FadeIn(self.title("Autograd:", f"f = {lesson.formula}")), FadeIn(code, shift=0.2 * RIGHT), FadeIn(skeleton)
        )
        self.hold(3)

        self.step("forward", "The forward pass computes each value and records one graph node per operation.")
        if wide:
            self.play(FadeOut(code), FadeOut(output), FadeOut(legend))
        for name, line in lesson.leaf_lines.items():
            self.play(*at(line), view.show_node(name))
            self.flow_forward(view, name)
        if not wide:
            self.play(code.highlight(lesson.expr_line))
        for node in graph.ops:
            self.play(view.show_node(node.key))
            self.flow_forward(view, node.key)
        self.say(f"f comes out as {format_value(graph.node(graph.output).value)}.")
        self.play(FadeIn(view.label_node(graph.output, "f")), FadeOut(skeleton))
        self.hold(1)

        self.step("seed", "Calling f.backward() starts at the output, seeding its gradient df/df.")
        if not wide:
            self.play(code.highlight(lesson.backward_line))
        self.seed(view, "f")
        self.play(Indicate(view.nodes[graph.output].grad, color=theme.backward))
        self.hold(1)

        self.step("backward", "Going back, each edge multiplies the incoming gradient by its local derivative.")
        self.backward_pass(view, "f", [node.key for node in graph.ops])
        self.hold(1)

        self.step("leaves", "The leaves come last: each keeps its gradient in .grad.")
        leaves = [leaf.key for leaf in graph.leaves]
        # Each leaf is told as it gets its gradient where the step has room for all; else all are told after.
        each = self.tells_every(view, leaves)
        self.backward_pass(view, "f", leaves, summary=not each)
        if not each:
            gets = [f"{leaf.key} gets {format_value(leaf.grad)}" for leaf in graph.leaves]
            self.say(f"So {', '.join(gets[:-1])} and {gets[-1]}." if len(gets) > 1 else f"So {gets[0]}.")
        self.hold(1)

        paths = "the path" if len(graph.paths) == 1 else "each path, summed over the paths"
        self.step("chain-rule", f"The chain rule: df/d{graph.focus} multiplies the local derivatives along {paths}.")
        told = f"Multiplied out, that is {format_value(graph.node(graph.focus).grad)}, as the backward pass found."
        self.chain_rule_line(view, "f", told)
        self.hold(1)

        self.step("check", f"print({graph.focus}.grad) shows the very number the graph computed.")
        focus = view.nodes[graph.focus].grad
        if wide:
            # The code stays aside: the print and what it shows come in the calculation line.
            shown = code_text(lesson.prints[0], theme, STRIP_SIZE * 0.8, theme.backward)
            self.show_strip(
                code_text(lesson.code[lesson.print_line], theme, STRIP_SIZE * 0.8), self.symbol("arrow"), shown
            )
            color = theme.backward
            self.play(
                Create(SurroundingRectangle(shown, color=color)), Create(SurroundingRectangle(focus, color=color))
            )
        else:
            self.play(code.highlight(lesson.print_line))
            self.play(output.print_line(lesson.prints[0], theme.backward))
            self.check(output.printed[-1], focus)
        self.hold(1)
