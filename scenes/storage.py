"""storage: one storage, many views: a[1], reshape, stride(), a stride walk, t() and contiguous()."""

from manim import *

from seminar_anim.model.layouts import ViewLayout
from seminar_anim.model.memory import StorageFacts, storage_lesson
from seminar_anim.visual.codegraph import CODE_BOX, GRAPH_AREA, SAFE_BOTTOM, STORAGE_LEFT, CodeGraphScene
from seminar_anim.visual.fades import FadeIn, FadeOut, swap_words
from seminar_anim.visual.labels import BESIDE_MATH, ValueLabel, code_text, math_text, plain_text
from seminar_anim.visual.layout import Box
from seminar_anim.visual.memory import (
    CELL_HEIGHT,
    CELL_WIDTH,
    FACT_SIZE,
    HOP_ROOM,
    MemoryBlock,
    StridedView,
    hop_arc,
    view_facts,
    view_grid,
)

STORAGE_TOP = GRAPH_AREA.top - 0.1
STORAGE_CODE = Box(CODE_BOX.left, CODE_BOX.right, CODE_BOX.bottom - 0.5, CODE_BOX.top)
GRID_GAP = 0.4  # between a view's name under the storage and its grid
# A view's grid is larger than the storage's cells: the storage is a ruler, the grid the tensor
# a viewer reads, and the frame has the room under it.
GRID_SCALE = 1.3
GRID_CELL = (GRID_SCALE * CELL_WIDTH, GRID_SCALE * CELL_HEIGHT)
GRID_NUMBER = 32
CLEARANCE = 0.15  # the least room between a grid and the marks or labels near it
FACTS_GAP = 0.6  # between a view's grid and its facts, right of it
QUICK_MOVE, QUICK_LINE = 0.6, 1.6  # after a walk's first element: its move, and its offset line's arrival
HOP_TIME = 0.6  # one hop of a stride over the storage
SWAP_ARC = -0.8 * PI  # the arc two values swap along in a transpose


class StorageScene(CodeGraphScene):
    """The seed's storage slide: views share one block; strides say how to walk it."""

    def construct(self) -> None:
        facts: StorageFacts = self.facts or storage_lesson()
        slide, transposed = facts.listings
        theme = self.theme
        views = facts.views
        # The slide's seven lines, wrapped, take a taller panel: the prints have the room under it.
        code, output = self.panels(slide.code, bottom=SAFE_BOTTOM, box=STORAGE_CODE)
        block = MemoryBlock(facts.storage, theme, "a.untyped_storage()", headroom=HOP_ROOM)
        block.move_to((STORAGE_LEFT, STORAGE_TOP, 0), aligned_edge=UP + LEFT)

        self.step("code", "The slide's code: one tensor, then two more tensors made from it.")
        self.play(
            FadeIn(self.title("Tensor storage: one block, many views")),
            FadeIn(code, shift=0.2 * RIGHT),
            FadeIn(block.without_values()),
        )
        self.add(output)
        self.hold(2)

        self.step("storage", "a's numbers sit side by side in one storage; b = a[1] is a window on one of them.")
        size = self.fact_line(
            f"{facts.storage.key}.element_size()",
            ValueLabel(
                facts.storage.element_size_key,
                facts.storage.element_size,
                theme.storage,
                FACT_SIZE,
                font=theme.code_font,
            ),
        )
        # The facts stand in a column right of where the views' grids will be, as wide as the
        # widest view's facts, inside the graph area.
        c_window = StridedView(views["c"], block, theme.selection)
        grid = self.grid(views["c"], c_window)
        widest = max(size.width, *(view_facts(view, theme).width for view in views.values()))
        left = min(grid.get_right()[0] + FACTS_GAP, GRAPH_AREA.right - widest)
        size.move_to((left, grid.get_top()[1], 0), aligned_edge=UP + LEFT)
        self.play(code.highlight(slide.marks["a"]), *(FadeIn(value, shift=0.2 * DOWN) for value in block.values))
        self.play(FadeIn(size))
        self.hold(1)
        # b is built as c will be: its one cell under the window, its number from the cell it reads.
        window = StridedView(views["b"], block, theme.selection)
        b_grid = self.grid(views["b"], window)
        b_facts = view_facts(views["b"], theme).next_to(size, DOWN, buff=0.3).align_to(size, LEFT)
        self.play(code.highlight(slide.marks["b"]), window.appear())
        self.build_grid(list(b_grid[0]), list(b_grid[1]), b_grid[2], [block.values[i] for i in views["b"].elements])
        self.play(FadeIn(b_facts))
        self.hold(2)

        self.step("view", f"c = a.reshape([2, 2]) reads the very same cells, two per row: stride {views['c'].stride}.")
        c_facts = view_facts(views["c"], theme).next_to(size, DOWN, buff=0.3).align_to(size, LEFT)
        self.play(code.highlight(slide.marks["c"]), FadeOut(window), FadeOut(b_grid), FadeOut(b_facts))
        self.play(c_window.appear())
        cells, numbers, name = grid
        self.build_grid(list(cells), list(numbers), name, [block.values[element] for element in views["c"].elements])
        self.play(FadeIn(c_facts))
        # Each print points at what it prints: the one storage, the same start, c's strides.
        self.execute(code, output, slide, slide.marks["print_a"])
        self.play(Indicate(block.cells, color=theme.storage, scale_factor=1.05))
        self.say("Printed, a's storage and c's hold the same numbers.")
        self.execute(code, output, slide, slide.marks["print_c"])
        self.play(
            Indicate(grid[0], color=theme.selection, scale_factor=1.05),
            Indicate(block.cells, color=theme.storage, scale_factor=1.05),
        )
        self.say(slide.told("same"))
        self.execute(code, output, slide, slide.marks["same"])
        # Drawn round the two cells, not over them: the values stay readable.
        self.play(
            Circumscribe(grid[0][0], color=theme.selection, buff=0.04),
            Circumscribe(block.cell(views["c"].elements[0]), color=theme.selection, buff=0.04),
        )
        self.execute(code, output, slide, slide.marks["stride"])
        self.play(Indicate(c_facts[1], color=theme.selection))

        self.step("walk", "To reach c[i, j], skip i times stride[0] plus j times stride[1] elements.")
        self.walk(views["c"], grid, block)

        self.step(
            "transpose",
            f"c.t() swaps the strides to {views['t'].stride}: same cells, read out of order, not contiguous.",
        )
        # c's last walk line leaves with c's code: it would not describe t.
        code2, output2 = self.swap_panels(code, output, transposed.code, self.strip)
        self.strip = VGroup()
        t_window = StridedView(views["t"], block, theme.selection)
        t_grid = self.grid(views["t"], t_window)
        t_facts = view_facts(views["t"], theme).move_to(c_facts, aligned_edge=UP + LEFT)
        self.play(code2.highlight(transposed.marks["t"]))
        # c's window, name and facts give way to t's together, as its values swap: never c's grid under t's tag.
        self.transpose(
            views["c"], grid, views["t"], t_grid, *swap_words(c_facts, t_facts), *swap_words(c_window, t_window)
        )
        self.execute(code2, output2, transposed, transposed.marks["t_facts"])
        self.walk(views["t"], t_grid, block, slow=False)  # c's walk was read slowly

        self.step("contiguous", "t.contiguous() copies the values, in t's order, into a new storage.")
        copy = MemoryBlock(facts.copy, theme, "d.untyped_storage(): a new block")
        copy.move_to((STORAGE_LEFT, SAFE_BOTTOM + 0.1, 0), aligned_edge=DOWN + LEFT)
        # t's grid steps aside, right and over the new block's title, for the block to take the room
        # under it, back at the storage's cell size: there it reads beside the two blocks.
        small = t_grid.copy().scale(1 / GRID_SCALE)
        # It rises no higher than the window's marks under the storage leave room for.
        ceiling = t_window.marks.get_bottom()[1] - CLEARANCE
        top = min(copy.get_top()[1] + GRID_GAP + small.height, ceiling)
        small.move_to((GRAPH_AREA.right - 0.2, top, 0), aligned_edge=UP + RIGHT)
        self.play(
            code2.highlight(transposed.marks["d"]),
            FadeOut(t_facts),
            FadeOut(size),
            FadeOut(self.strip),
            t_grid.animate.become(small),
        )
        self.strip = VGroup()
        self.play(FadeIn(copy.without_values()))
        # The values fly in t's reading order into consecutive cells: that is the copy.
        self.play(*(TransformFromCopy(t_grid[1][index], copy.values[index]) for index in range(len(copy.values))))
        self.execute(code2, output2, transposed, transposed.marks["d_same"])

    def fact_line(self, code: str, value: ValueLabel) -> VGroup:
        return VGroup(code_text(code, self.theme, FACT_SIZE, self.theme.muted), value).arrange(RIGHT, buff=0.2)

    def grid(self, view: ViewLayout, window: StridedView) -> VGroup:
        """The view as its shape shows it: rows and columns of the values it reads, under its window."""
        grid = view_grid(view, self.theme, GRID_CELL, GRID_NUMBER)
        return grid.move_to((GRAPH_AREA.left + 0.3, window.get_bottom()[1] - GRID_GAP, 0), aligned_edge=UP + LEFT)

    def transpose(
        self, before: ViewLayout, grid: VGroup, after: ViewLayout, t_grid: VGroup, *alongside: Animation
    ) -> None:
        """Each value keeps its identity and swaps along an arc to its place in the transpose,
        round the grid's middle rather than through it; `alongside` plays with the swap."""
        cells, numbers, name = grid
        moves = []
        for position, element in enumerate(after.elements):
            source = before.elements.index(element)
            arc = 0.0 if source == position else SWAP_ARC
            moves.append(ReplacementTransform(numbers[source], t_grid[1][position], path_arc=arc))
        self.play(
            ReplacementTransform(cells, t_grid[0]),
            *swap_words(name, t_grid[2]),
            *moves,
            *alongside,
            run_time=1.5,
        )

    def walk(self, view: ViewLayout, grid: VGroup, block: MemoryBlock, slow: bool = True) -> None:
        """Visit each element: its grid cell, the hops of its strides over the storage from the
        view's first element, the offset arithmetic, and the storage cell it lands on. Cells
        not read yet are dimmed."""
        theme = self.theme
        columns = view.shape[1]
        pointer = SurroundingRectangle(grid[0][0], color=theme.selection, buff=0.05, stroke_width=6)
        target = SurroundingRectangle(block.cell(view.elements[0]), color=theme.selection, buff=0.04, stroke_width=6)
        self.play(
            Create(pointer),
            Create(target),
            *block.read_only({view.elements[0]}),
        )
        hops = VGroup()
        for position, element in enumerate(view.elements):
            row, column = divmod(position, columns)
            arithmetic = VGroup(
                math_text(f"{view.name}[{row}, {column}]:", theme.text, 30),
                math_text(f"{row} dot", theme.text, 30),
                ValueLabel(view.step_key(0), view.stride[0], theme.selection, 30),
                math_text("+", theme.text, 30),
                math_text(f"{column} dot", theme.text, 30),
                ValueLabel(view.step_key(1), view.stride[1], theme.selection, 30),
                math_text("=", theme.text, 30),
                ValueLabel(view.element_key(position), element, theme.selection, 30),
                plain_text("element" if element == 1 else "elements", theme.muted, 30 * BESIDE_MATH),
                math_text("arrow", theme.muted, 30),
                plain_text("value", theme.muted, 30 * BESIDE_MATH),
                ValueLabel(view.value_key(position), view.values[position], theme.text, 30),
            )
            # The first element is read slowly; the others repeat its pattern, at a glance.
            first = slow and position == 0
            self.play(
                FadeOut(hops),
                FadeOut(self.strip),
                pointer.animate.move_to(grid[0][position]),
                target.animate.move_to(block.cell(element)),
                *block.reveal(element),
                run_time=1.0 if first else QUICK_MOVE,
            )
            self.strip = VGroup()
            told = self.walk_sentence(view, row, column, slow)
            if told and self.room_to_say():
                self.say(told)
            hops = self.hops(view, block, row, column)
            if len(hops):
                self.play(AnimationGroup(*(Create(hop) for hop in hops), lag_ratio=1.0), run_time=HOP_TIME * len(hops))
            self.show_strip(*arithmetic, run_time=None if first else QUICK_LINE)
            self.hold(1)
        self.play(FadeOut(pointer), FadeOut(target), FadeOut(hops))

    @staticmethod
    def walk_sentence(view: ViewLayout, row: int, column: int, slow: bool) -> str | None:
        """What the walk shows as it reaches [row, column], where it shows something new: the
        first hop along a row, the first down a column; a quick walk, that it goes on alike."""
        if not slow:
            return (
                f"Each element of {view.name} is found the same way, from its own strides."
                if row == column == 0
                else None
            )
        if (row, column) == (0, 1):
            return "Along a row, each next element is stride[1] further on."
        if (row, column) == (1, 0):
            return "The next row starts stride[0] further on."
        return None

    def hops(self, view: ViewLayout, block: MemoryBlock, row: int, column: int) -> VGroup:
        """From the view's first element, `row` hops of stride[0] then `column` of stride[1],
        as arcs over the storage's element indices, each labelled with its stride."""
        arcs = VGroup()
        here = view.storage_offset
        for axis, count in ((0, row), (1, column)):
            for _ in range(count):
                there = here + view.stride[axis]
                arcs.add(hop_arc(block, here, there, view, axis, self.theme.selection))
                here = there
        return arcs
