"""accumulation: backward() adds into .grad (6, 12, 18, 24), zero_() resets it, x * x sums two paths."""

from manim import *

from seminar_anim.model.lectures import LectureFacts, accumulation_lesson
from seminar_anim.visual.bars import BarHistory, Reading
from seminar_anim.visual.codegraph import GRAPH_AREA, SAFE_BOTTOM, CodeGraphScene
from seminar_anim.visual.fades import FadeIn, FadeOut
from seminar_anim.visual.graph import GraphView
from seminar_anim.visual.labels import format_value, plain_text
from seminar_anim.visual.layout import Box
from seminar_anim.visual.theme import SMALL_SIZE

CHART = Box(GRAPH_AREA.left + 0.2, GRAPH_AREA.right - 0.2, SAFE_BOTTOM + 0.1, GRAPH_AREA.top - 0.7)


class AccumulationScene(CodeGraphScene):
    """x.grad after each backward(), the reset with zero_(), and accumulation on purpose: x * x."""

    def construct(self) -> None:
        facts: LectureFacts = self.facts or accumulation_lesson()
        loop, fanout = facts.listings
        theme = self.theme
        readings = [Reading(datum.key, float(datum.value)) for datum in facts.numbers["readings"]]
        repeats = len(readings) - 2  # the loop's readings, then zeroed and fresh
        chart = BarHistory(readings, theme.backward, theme, CHART)
        code, output = self.panels(loop.code, bottom=SAFE_BOTTOM)

        self.step("code", "Every call to backward() adds its gradient into .grad.")
        self.play(FadeIn(self.title("Gradients accumulate:", 'x."grad" arrow.l x."grad" + (partial y)/(partial x)')))
        self.play(FadeIn(code, shift=0.2 * RIGHT))
        self.add(output)
        self.hold(2)

        self.step("accumulate", "Running y = x**2 and y.backward() in a loop makes x.grad grow at every pass.")
        self.play(code.highlight(loop.marks["leaf"]), FadeIn(chart))
        in_loop = loop.print_lines[0]
        for index in range(repeats):
            self.play(code.highlight(loop.marks["square"]))
            if index and self.room_to_say():  # each pass told with the bar it grows
                self.say(f"Another backward(): x.grad is {format_value(readings[index].value)}.")
            self.play(code.highlight(loop.marks["backward"]), chart.grow(index))
            self.execute(code, output, loop, in_loop)
        self.play(chart.caption(0, repeats - 1, "y.backward() in the loop"))
        self.hold(1)

        self.step("why", "The gradient is added, never overwritten: unintended, it silently gives wrong results.")
        once = chart.level(readings[0].value)
        truth = DashedLine((CHART.left, once, 0), (CHART.right, once, 0), color=theme.muted, stroke_width=2)
        sample = DashedLine(ORIGIN, 0.6 * RIGHT, color=theme.muted, stroke_width=2)
        meaning = VGroup(sample, plain_text("what one backward() gives: the true dy/dx", theme.muted, SMALL_SIZE))
        meaning.arrange(RIGHT, buff=0.15).move_to((CHART.left, GRAPH_AREA.top - 0.1, 0), aligned_edge=UP + LEFT)
        self.play(Create(truth), FadeIn(meaning))
        self.play(*(Indicate(bar, color=theme.backward) for bar in chart.bars[1:repeats]))
        self.hold(2)

        self.step("zero", "x.grad.zero_() empties it in place; a fresh backward() then gives dy/dx again.")
        zeroed, fresh = repeats, repeats + 1
        self.play(code.highlight(loop.marks["zero"]), chart.grow(zeroed))
        self.execute(code, output, loop, loop.marks["print_zero"])
        self.play(code.highlight(loop.marks["fresh"]))
        self.play(code.highlight(loop.marks["fresh_backward"]), chart.grow(fresh))
        self.execute(code, output, loop, loop.print_lines[-1])
        self.play(chart.caption(zeroed, fresh, "zero_(), backward()"))
        self.hold(2)

        self.step("fan-out", "Accumulation on purpose: x used twice gets the sum of both paths.")
        view = GraphView(facts.graph, theme, GRAPH_AREA)
        self.play(*(FadeOut(mobject) for mobject in self.mobjects))
        code, output = self.panels(fanout.code)
        self.play(FadeIn(self.title("Accumulation on purpose:", "y = x dot x")), FadeIn(code), FadeIn(self.legend("y")))
        self.add(output)
        self.play(code.highlight(fanout.marks["zero"]), view.show_node("x"))
        self.flow_forward(view, "x")
        self.play(code.highlight(fanout.marks["forward"]), view.show_node(facts.graph.output))
        self.flow_forward(view, facts.graph.output, FadeIn(view.label_node(facts.graph.output, "y")))
        self.play(code.highlight(fanout.marks["backward"]))
        self.say("Going back, x gets a gradient along each of its edges.")
        self.seed(view, "y")
        self.backward_pass(view, "y")
        self.say(f"x.grad is their sum, {format_value(facts.graph.node('x').grad)}.")
        printed = self.execute(code, output, fanout, fanout.marks["after"])
        self.check(printed, view.nodes["x"].grad)
        self.hold(1)
