"""inplace: a.zero_() writes into the one storage that the view a[0] shares; a + 1 makes a new block."""

from manim import *

from seminar_anim.model.memory import InplaceFacts, inplace_lesson
from seminar_anim.visual.codegraph import GRAPH_AREA, SAFE_BOTTOM, STORAGE_LEFT, CodeGraphScene
from seminar_anim.visual.fades import FadeIn
from seminar_anim.visual.labels import ValueLabel
from seminar_anim.visual.memory import MemoryBlock, StridedView


class InplaceScene(CodeGraphScene):
    """Views see in-place writes; out-of-place results live in blocks of their own."""

    def construct(self) -> None:
        facts: InplaceFacts = self.facts or inplace_lesson()
        listing = facts.listing
        marks = listing.marks
        theme = self.theme
        code, output = self.panels(listing.code, bottom=SAFE_BOTTOM)
        block = MemoryBlock(facts.before, theme, "a.untyped_storage()")
        block.move_to((STORAGE_LEFT, GRAPH_AREA.top - 0.1, 0), aligned_edge=UP + LEFT)

        self.step("code", "Methods whose name ends in an underscore change a tensor in place.")
        self.play(
            FadeIn(self.title("In-place operations:", '"a.zero_()"')),
            FadeIn(code, shift=0.2 * RIGHT),
            FadeIn(block.without_values()),
        )
        self.add(output)
        self.hold(2)

        self.step("view", "a is one block of memory; v = a[0] is a window on its first row.")
        self.play(code.highlight(marks["a"]), *(FadeIn(value, shift=0.2 * DOWN) for value in block.values))
        window = StridedView(facts.view, block, theme.selection)
        self.play(code.highlight(marks["v"]), window.appear())
        self.execute(code, output, listing, marks["print_v"])
        self.hold(1)

        self.step("copy", "a + 1 is out of place: its result gets a new block, and a stays as it was.")
        other = MemoryBlock(facts.other, theme, "b.untyped_storage(): a new block")
        other.move_to((STORAGE_LEFT, SAFE_BOTTOM + 0.1, 0), aligned_edge=DOWN + LEFT)
        self.play(code.highlight(marks["b"]), FadeIn(other.without_values()))
        # Each result is computed from a's cell and written into a cell of the new block.
        self.play(*(TransformFromCopy(block.values[i], other.values[i]) for i in range(len(other.values))))
        self.hold(2)

        self.step("in-place", "a.zero_() writes zeros into a's own cells, once; v reads those same cells.")
        self.play(code.highlight(marks["zero"]))
        zeros = [
            ValueLabel(facts.after.value_key(i), value, theme.text, 26).move_to(block.cells[i])
            for i, value in enumerate(facts.after.values)
        ]
        self.play(
            *(ReplacementTransform(old, new) for old, new in zip(block.values, zeros, strict=True)), lag_ratio=0.1
        )
        self.play(Indicate(window, color=theme.selection))
        self.hold(1)
        self.execute(code, output, listing, marks["print_v_after"])
        self.execute(code, output, listing, marks["print_b"])
        self.play(Indicate(other.cells, color=theme.storage))
        self.hold(2)
