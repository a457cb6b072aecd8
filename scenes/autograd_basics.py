"""autograd-basics: the seed's y = x**2 at x = 3, from requires_grad to x.grad = 6."""

from manim import *

from seminar_anim.model.expr import number_text
from seminar_anim.model.lectures import LectureFacts, basics_lesson
from seminar_anim.visual.codegraph import GRAPH_AREA, CodeGraphScene
from seminar_anim.visual.fades import FadeIn, FadeOut
from seminar_anim.visual.graph import GraphView
from seminar_anim.visual.labels import ValueLabel, code_text
from seminar_anim.visual.theme import CODE_SIZE, STRIP_SIZE


class AutogradBasicsScene(CodeGraphScene):
    """A leaf that requires gradients, the node PyTorch records for x**2, backward(), x.grad."""

    def construct(self) -> None:
        facts: LectureFacts = self.facts or basics_lesson()
        (listing,) = facts.listings
        marks = listing.marks
        theme = self.theme
        view = GraphView(facts.graph, theme, GRAPH_AREA)
        x, y = view.nodes["x"], view.nodes[facts.graph.output]
        code, output = self.panels(listing.code)

        self.step("code", "The slide's code: a tensor that tracks gradients, a function of it, and its derivative.")
        self.play(FadeIn(self.title("Autograd basics:", "y = x^2")), FadeIn(code, shift=0.2 * RIGHT))
        self.add(output, self.legend("y"))
        self.hold(2)

        self.step("leaf", "requires_grad=True makes x a leaf of the graph; its .grad starts empty: None.")
        self.play(code.highlight(marks["leaf"]), view.show_node("x"))
        self.flow_forward(view, "x")
        printed = self.execute(code, output, listing, marks["before"])
        empty = code_text(listing.prints[0], theme, CODE_SIZE, theme.muted).move_to(x.grad)
        self.play(TransformFromCopy(printed, empty))
        self.hold(1)

        self.step("forward", "y = x**2 runs the power and records a PowBackward0 node that remembers x.")
        self.play(code.highlight(marks["forward"]), view.show_node(y.node.key))
        self.flow_forward(view, y.node.key, FadeIn(view.label_node(y.node.key, "y")))
        printed = self.execute(code, output, listing, marks["print_y"])
        # The print shows y's value and its node's name: both flash, at their size, inside the node's box.
        self.play(*(Indicate(part, color=theme.forward, scale_factor=1) for part in (y.symbol, y.value, printed)))
        self.hold(2)

        self.step("backward", "y.backward() applies the node's derivative rule and stores the result in x.grad.")
        self.play(code.highlight(marks["backward"]))
        self.seed(view, "y")
        self.play(FadeOut(empty))
        self.backward_pass(view, "y")
        self.hold(1)
        # The same number by hand: the derivative rule of x**2 at x.
        (edge,) = view.edges
        (power,) = facts.numbers["exponent"]
        exponent = ValueLabel(power.key, power.value, theme.text, STRIP_SIZE)
        self.show_strip(
            self.symbol("(partial y)/(partial x)"),
            self.symbol("="),
            self.symbol(f"{number_text(float(power.value))} x"),
            self.symbol("="),
            exponent,
            self.symbol("dot"),
            self.number(x.value, theme.forward),
            self.symbol("="),
            self.number(edge.local, theme.local),
            sources={6: x.value, 8: edge.local},
        )
        self.hold(2)

        self.step("check", "print(x.grad) now shows the very gradient the graph computed.")
        printed = self.execute(code, output, listing, marks["after"])
        self.check(printed, x.grad)
        self.hold(1)
