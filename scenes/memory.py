"""memory: a Python list is pointers to boxed objects; a tensor is one block of C floats."""

from manim import *

from seminar_anim.model.memory import MemoryFacts, memory_lesson
from seminar_anim.visual.codegraph import GRAPH_AREA, SAFE_BOTTOM, CodeGraphScene
from seminar_anim.visual.fades import FadeIn, FadeOut
from seminar_anim.visual.labels import ValueLabel, code_text, plain_text
from seminar_anim.visual.memory import BoxedListView, MemoryBlock
from seminar_anim.visual.theme import LABEL_SIZE, SMALL_SIZE

LIST_TOP = GRAPH_AREA.top - 0.3
BLOCK_LEFT = GRAPH_AREA.left + 1.6


class MemoryScene(CodeGraphScene):
    """Lists scatter boxed objects through memory; a tensor keeps raw numbers side by side."""

    def construct(self) -> None:
        facts: MemoryFacts = self.facts or memory_lesson()
        listing = facts.listing
        marks = listing.marks
        theme = self.theme
        code, output = self.panels(listing.code, bottom=SAFE_BOTTOM)

        self.step("code", "A Python list and a tensor can hold the same numbers, stored very differently.")
        self.play(FadeIn(self.title("Lists vs tensors in memory")), FadeIn(code, shift=0.2 * RIGHT))
        self.add(output)
        self.hold(2)

        self.step("list", "A list holds pointers; each number is a separate Python object with its own header.")
        flat = BoxedListView(facts.flat, theme).move_to(GRAPH_AREA.centre_x * RIGHT + LIST_TOP * UP, aligned_edge=UP)
        self.play(code.highlight(marks["l"]), FadeIn(flat))
        self.execute(code, output, listing, marks["print_l"])
        self.hold(2)

        self.step("nested", "A nested list adds a level: pointers to lists, whose pointers lead to numbers.")
        nested = BoxedListView(facts.nested, theme).move_to(flat, aligned_edge=UP)
        # A different list, so it replaces the first one rather than morphing out of it.
        self.play(code.highlight(marks["m"]), FadeOut(flat, shift=0.3 * UP), FadeIn(nested, shift=0.3 * UP))
        self.execute(code, output, listing, marks["print_m"])
        self.hold(2)

        tensor = facts.tensor
        offsets = ", ".join(str(offset) for offset in tensor.offsets)
        self.step(
            "tensor",
            f"A {tensor.dtype} tensor is one contiguous block: "
            f"{tensor.element_size} bytes per number, at offsets {offsets}.",
        )
        block = MemoryBlock(facts.tensor, theme, "t.untyped_storage()")
        block.move_to((BLOCK_LEFT, SAFE_BOTTOM + 1.4, 0), aligned_edge=DOWN + LEFT)
        self.play(code.highlight(marks["t"]), FadeIn(block))
        sizes = VGroup(
            code_text("t.element_size()", theme, SMALL_SIZE, theme.muted),
            ValueLabel(
                facts.tensor.element_size_key,
                facts.tensor.element_size,
                theme.storage,
                SMALL_SIZE,
                font=theme.code_font,
            ),
            code_text("t.nbytes", theme, SMALL_SIZE, theme.muted),
            ValueLabel(facts.nbytes_key, facts.nbytes, theme.storage, SMALL_SIZE, font=theme.code_font),
        ).arrange(RIGHT, buff=0.2)
        sizes.next_to(block, DOWN, buff=0.3).align_to(block, LEFT)
        self.execute(code, output, listing, marks["print_t"])
        self.play(FadeIn(sizes))
        self.hold(2)

        count = len(facts.flat.items)
        self.step("compare", f"The list of {count} numbers takes far more bytes than the tensor's {count} floats.")
        total = VGroup(
            plain_text("list l and its objects:", theme.muted, SMALL_SIZE),
            ValueLabel(facts.flat.total_key, facts.flat.total, theme.text, LABEL_SIZE),
            plain_text("bytes", theme.muted, SMALL_SIZE),
        ).arrange(RIGHT, buff=0.15)
        total.next_to(sizes, DOWN, buff=0.2).align_to(sizes, LEFT)
        again = BoxedListView(facts.flat, theme).move_to(nested, aligned_edge=UP)
        self.play(code.highlight(marks["l"]), FadeOut(nested, shift=0.3 * DOWN), FadeIn(again, shift=0.3 * DOWN))
        self.play(FadeIn(total))
        self.hold(2)
