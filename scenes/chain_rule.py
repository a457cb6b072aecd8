"""chain-rule: the seed's h = log(x**2) at x = 3, dh/dx = dh/du * du/dx, checked against x.grad."""

from manim import *

from seminar_anim.model.expr import number_text
from seminar_anim.model.lectures import LectureFacts, chain_rule_lesson
from seminar_anim.visual.codegraph import GRAPH_AREA, CodeGraphScene
from seminar_anim.visual.fades import FadeIn
from seminar_anim.visual.graph import GraphView
from seminar_anim.visual.labels import BESIDE_MATH, math_text, plain_text
from seminar_anim.visual.layout import Box
from seminar_anim.visual.theme import STRIP_SIZE

COMPOSITION_HEIGHT = 1.5
CHAIN_GRAPH = Box(GRAPH_AREA.left, GRAPH_AREA.right, GRAPH_AREA.bottom, GRAPH_AREA.top - COMPOSITION_HEIGHT)


class ChainRuleScene(CodeGraphScene):
    """u = x**2, h = log(u): each node's local derivative, their product, and PyTorch's x.grad."""

    def construct(self) -> None:
        facts: LectureFacts = self.facts or chain_rule_lesson()
        (listing,) = facts.listings
        marks = listing.marks
        theme = self.theme
        graph = facts.graph
        view = GraphView(graph, theme, CHAIN_GRAPH)
        inner, outer = graph.ops
        code, output = self.panels(listing.code)
        two = number_text(float(facts.numbers["exponent"][0].value))
        self.names = {inner.key: "u"}  # as the composition names it, in every derivative

        self.step("code", "A cascade of two operations is the composite function h = g(f(x)).")
        composition = VGroup(
            math_text(f"u = f(x) = x^{two}", theme.text, STRIP_SIZE),
            math_text("h = g(u) = log(u)", theme.text, STRIP_SIZE),
            VGroup(
                plain_text("in the code:", theme.muted, STRIP_SIZE * BESIDE_MATH),
                math_text("y = h", theme.muted, STRIP_SIZE),
            ).arrange(RIGHT, buff=0.3),
        ).arrange(DOWN, buff=0.2, aligned_edge=LEFT)
        composition.move_to((GRAPH_AREA.centre_x, GRAPH_AREA.top - COMPOSITION_HEIGHT / 2, 0))
        skeleton = view.skeleton()
        self.add(output, self.legend("h"))
        self.play(
            FadeIn(self.title("The chain rule:", "h = g(f(x))")),
            FadeIn(code, shift=0.2 * RIGHT),
            FadeIn(composition),
            FadeIn(skeleton),
        )
        self.hold(2)

        self.step("forward", "The forward pass computes u, then h, and records one node for each operation.")
        self.play(code.highlight(marks["leaf"]), view.show_node("x"))
        self.flow_forward(view, "x")
        self.execute(code, output, listing, marks["before"])
        self.play(code.highlight(marks["forward"]))
        for node, name in zip(graph.ops, ("u", "h = y"), strict=True):
            self.play(view.show_node(node.key))
            self.flow_forward(view, node.key, FadeIn(view.label_node(node.key, name)))
        self.remove(skeleton)  # the graph now stands where its shape was
        printed = self.execute(code, output, listing, marks["print_y"])
        # The print shows h's value and its node's name: both flash, at their size, inside the node's box.
        shown = (view.nodes[outer.key].symbol, view.nodes[outer.key].value, printed)
        self.play(*(Indicate(part, color=theme.forward, scale_factor=1) for part in shown))
        self.hold(1)

        self.step(
            "local", f"Each node knows only its own local derivative: one over u for the log, {two}x for the square."
        )
        # Each rule is worked out at the value its node's input holds in the forward pass.
        inputs = {outer.key: view.nodes[inner.key].value, inner.key: view.nodes["x"].value}
        rules = {outer.key: ("1 \\/ u", "1 \\/"), inner.key: (f"{two} x", f"{two} dot")}
        for edge in reversed(view.edges):
            self.play(code.highlight(marks["forward"]), view.show_local(edge))
            target, source = graph.node(edge.edge.target), graph.node(edge.edge.source)
            names = {outer.key: "h", inner.key: "u", "x": "x"}
            rule, applied = rules[target.key]
            self.show_strip(
                math_text(f"(partial {names[target.key]})/(partial {names[source.key]})", theme.local, STRIP_SIZE),
                self.symbol("="),
                self.symbol(rule),
                self.symbol("="),
                self.symbol(applied),
                self.number(inputs[target.key], theme.forward),
                self.symbol("="),
                self.number(edge.local, theme.local),
                sources={5: inputs[target.key], 7: edge.local},
            )
            self.hold(1)

        self.step("chain", "y.backward() multiplies them along the path, from h back to x.")
        self.play(code.highlight(marks["backward"]))
        self.seed(view, "h")
        self.backward_pass(view, "h")
        _, inner_edge = reversed(view.edges)
        # The same form as every backward line: the gradient arriving at u times u's local derivative.
        upstream = view.nodes[inner.key].grad
        # Each factor in the colour of its number: the gradient arriving at u, u's local derivative.
        self.say("That is the chain rule: dh/dx = dh/du times du/dx.")
        self.show_strip(
            self.derivative(graph, "x", "h"),
            self.symbol("="),
            self.derivative(graph, inner.key, "h"),
            self.symbol("dot"),
            math_text("(partial u)/(partial x)", theme.local, STRIP_SIZE),
            self.symbol("="),
            self.number(upstream),
            self.symbol("dot"),
            self.number(inner_edge.local, theme.local),
            self.symbol("="),
            self.number(view.nodes["x"].grad),
            sources={6: upstream, 8: inner_edge.local, 10: view.nodes["x"].grad},
        )
        self.hold(1)

        self.step("check", "print(x.grad) prints the same number: the chain rule is what backward() computes.")
        printed = self.execute(code, output, listing, marks["after"])
        self.check(printed, view.nodes["x"].grad)
        self.hold(1)
