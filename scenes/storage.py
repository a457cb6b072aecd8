"""storage: one storage, many views: a[1], reshape, stride(), a stride walk, t() and contiguous()."""

from manim import *

from seminar_anim.model.layouts import ViewLayout
from seminar_anim.model.memory import StorageFacts, storage_lesson
from seminar_anim.visual.codegraph import GRAPH_AREA, SAFE_BOTTOM, STORAGE_LEFT, CodeGraphScene
from seminar_anim.visual.fades import FadeIn, FadeOut
from seminar_anim.visual.labels import ValueLabel, code_text
from seminar_anim.visual.memory import CELL_HEIGHT, CELL_WIDTH, MemoryBlock, StridedView, view_facts
from seminar_anim.visual.theme import SMALL_SIZE

STORAGE_TOP = GRAPH_AREA.top - 0.1
GRID_TOP = GRAPH_AREA.top - 2.3


class StorageScene(CodeGraphScene):
    """The seed's storage slide: views share one block; strides say how to walk it."""

    def construct(self) -> None:
        facts: StorageFacts = self.facts or storage_lesson()
        slide, transposed = facts.listings
        theme = self.theme
        views = facts.views
        code, output = self.panels(slide.code, bottom=SAFE_BOTTOM)

        self.step("code", "The slide's code: one tensor, then two more tensors made from it.")
        self.play(FadeIn(self.title("Tensor storage:", '"one block, many views"')), FadeIn(code, shift=0.2 * RIGHT))
        self.add(output)
        self.hold(2)

        self.step("storage", "a's numbers sit side by side in one storage; b = a[1] is a window on one of them.")
        block = MemoryBlock(facts.storage, theme, "a.untyped_storage()")
        block.move_to((STORAGE_LEFT, STORAGE_TOP, 0), aligned_edge=UP + LEFT)
        size = self.fact_line(
            f"{facts.storage.key}.element_size()",
            ValueLabel(facts.storage.element_size_key, facts.storage.element_size, theme.storage),
        )
        size.next_to(block.title, RIGHT, buff=0.5)
        self.play(code.highlight(slide.marks["a"]), FadeIn(block), FadeIn(size))
        self.hold(1)
        window = StridedView(views["b"], block, theme.selection)
        b_facts = view_facts(views["b"], theme).next_to(block, DOWN, buff=0.45).align_to(block, LEFT)
        self.play(code.highlight(slide.marks["b"]), window.appear(), FadeIn(b_facts))
        self.hold(2)

        self.step("view", "c = a.reshape([2, 2]) reads the very same cells, two per row: stride (2, 1).")
        grid = self.grid(views["c"], block)
        c_window = StridedView(views["c"], block, theme.selection)
        c_facts = view_facts(views["c"], theme).next_to(grid, DOWN, buff=0.35).align_to(grid, LEFT)
        self.play(code.highlight(slide.marks["c"]), ReplacementTransform(window, c_window), FadeOut(b_facts))
        self.play(FadeIn(grid), FadeIn(c_facts))
        for mark in ("print_a", "print_c", "same", "stride"):
            self.execute(code, output, slide, slide.marks[mark])
        self.hold(1)

        self.step("walk", "To reach c[i, j], skip i times stride[0] plus j times stride[1] elements.")
        self.walk(views["c"], grid, block)
        self.hold(1)

        self.step("transpose", "c.t() swaps the strides to (1, 2): same cells, read out of order, not contiguous.")
        code2, output2 = self.swap_panels(code, output, transposed.code)
        t_grid = self.grid(views["t"], block)
        t_facts = view_facts(views["t"], theme).next_to(t_grid, DOWN, buff=0.35).align_to(t_grid, LEFT)
        self.play(
            code2.highlight(transposed.marks["t"]),
            ReplacementTransform(grid, t_grid),
            ReplacementTransform(c_facts, t_facts),
        )
        self.execute(code2, output2, transposed, transposed.marks["t_facts"])
        self.walk(views["t"], t_grid, block)
        self.hold(1)

        self.step("contiguous", "t.contiguous() copies the values, in t's order, into a new storage.")
        copy = MemoryBlock(facts.copy, theme, "d.untyped_storage(): a new block")
        copy.move_to((STORAGE_LEFT, SAFE_BOTTOM + 0.1, 0), aligned_edge=DOWN + LEFT)
        self.play(code2.highlight(transposed.marks["d"]), FadeOut(t_facts), FadeOut(self.strip))
        self.strip = VGroup()
        self.play(FadeIn(copy.without_values()))
        # The values fly in t's reading order into consecutive cells: that is the copy.
        self.play(*(TransformFromCopy(t_grid[1][index], copy.values[index]) for index in range(len(copy.values))))
        self.execute(code2, output2, transposed, transposed.marks["d_same"])
        self.hold(2)

    def fact_line(self, code: str, value: ValueLabel) -> VGroup:
        return VGroup(code_text(code, self.theme, SMALL_SIZE + 2, self.theme.muted), value).arrange(RIGHT, buff=0.2)

    def grid(self, view: ViewLayout, block: MemoryBlock) -> VGroup:
        """The view as its shape shows it: rows and columns of the values it reads."""
        columns = view.shape[1]
        cells, numbers = VGroup(), VGroup()
        for position, value in enumerate(view.values):
            row, column = divmod(position, columns)
            cell = Rectangle(width=CELL_WIDTH, height=CELL_HEIGHT, color=self.theme.selection, stroke_width=2)
            cell.move_to((column * CELL_WIDTH, -row * CELL_HEIGHT, 0))
            cells.add(cell)
            numbers.add(ValueLabel(view.value_key(position), value, self.theme.text, 26).move_to(cell))
        name = code_text(view.key, self.theme, SMALL_SIZE + 4, self.theme.selection).next_to(cells, LEFT, buff=0.25)
        grid = VGroup(cells, numbers, name)
        return grid.move_to((block.cells.get_left()[0], GRID_TOP, 0), aligned_edge=UP + LEFT).shift(0.55 * RIGHT)

    def walk(self, view: ViewLayout, grid: VGroup, block: MemoryBlock) -> None:
        """Visit each element: its grid cell, the offset arithmetic, and the storage cell it lands on."""
        columns = view.shape[1]
        pointer = SurroundingRectangle(grid[0][0], color=self.theme.selection, buff=0.05, stroke_width=6)
        target = SurroundingRectangle(
            block.cell(view.elements[0]), color=self.theme.selection, buff=0.08, stroke_width=6
        )
        self.play(Create(pointer), Create(target))
        for position, element in enumerate(view.elements):
            row, column = divmod(position, columns)
            arithmetic = code_text(
                f"{view.key}[{row}, {column}]: {row}·{view.stride[0]} + {column}·{view.stride[1]} =",
                self.theme,
                SMALL_SIZE + 6,
            )
            landing = ValueLabel(view.element_key(position), element, self.theme.selection, 30)
            reads = code_text("→ value", self.theme, SMALL_SIZE + 6, self.theme.muted)
            value = ValueLabel(view.value_key(position), view.values[position], self.theme.text, 30)
            self.play(
                pointer.animate.move_to(grid[0][position]),
                target.animate.move_to(block.cell(element)),
            )
            self.show_strip(arithmetic, landing, reads, value)
            self.hold(1)
        self.play(FadeOut(pointer), FadeOut(target))
