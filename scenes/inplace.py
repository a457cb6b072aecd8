"""inplace: a.zero_() writes into the one storage that the view a[0] shares; a + 1 makes a new block."""

from manim import *

from seminar_anim.model.listing import Listing
from seminar_anim.model.memory import InplaceFacts, InplaceWrite, inplace_lesson
from seminar_anim.model.records import Datum
from seminar_anim.visual.codegraph import GRAPH_AREA, SAFE_BOTTOM, STORAGE_LEFT, STRIP_TOP, CodeGraphScene
from seminar_anim.visual.fades import FadeIn, FadeOut
from seminar_anim.visual.labels import ValueLabel, code_text, format_value
from seminar_anim.visual.memory import CELL_WIDTH, VALUE_SIZE, MemoryBlock, StridedView, ties
from seminar_anim.visual.theme import SMALL_SIZE, STRIP_SIZE

GRID_GAP = 0.5  # between the window's marks under the storage and the grids of a and v: room for v's ties
ROW = 0.5  # a grid's row height: a's three rows and the gap fit over b's block
V_GAP = 0.6  # between a's grid and v's, room for v's name
NAME_GAP = 0.2  # between a grid and its name
ROOMY = 1.3  # the grids' size where no second block stands under them


class InplaceScene(CodeGraphScene):
    """Views see in-place writes; out-of-place results live in blocks of their own."""

    def construct(self) -> None:
        facts: InplaceFacts = self.facts or inplace_lesson()
        slide, counted = facts.listings
        theme = self.theme
        code, output = self.panels(slide.code, bottom=SAFE_BOTTOM)
        block = self.block(facts.slide)

        self.step("code", "Methods whose name ends in an underscore change a tensor in place.")
        title = self.title("In-place operations:", code=written_call(slide))
        self.play(
            FadeIn(title),
            FadeIn(code, shift=0.2 * RIGHT),
            FadeIn(block.without_values()),
        )
        self.add(output)
        self.hold(2)

        self.step("view", "a is one block of memory; v = a[0] reads its first row, from the same cells.")
        a_grid, v_grid = self.views(facts.slide, block, code, slide.marks)
        self.execute(code, output, slide, slide.marks["print_v"])
        self.hold(1)

        self.step("copy", "a + 1 is out of place: its result gets a new block, and a stays as it was.")
        other = MemoryBlock(facts.other, theme, "b.untyped_storage(): a new block")
        other.move_to((STORAGE_LEFT, SAFE_BOTTOM + 0.1, 0), aligned_edge=DOWN + LEFT)
        self.play(code.highlight(slide.marks["b"]), FadeIn(other.without_values()))
        # Each result is computed from an element of a and written into a cell of the new block.
        self.play(*(TransformFromCopy(a_grid[0][1][i], other.values[i]) for i in range(len(other.values))))
        self.hold(1)

        self.step("in-place", "a.zero_() writes zeros into a's own cells, once; v reads those same cells.")
        self.write(facts.slide, block, a_grid, v_grid, code, slide.marks["write"])
        self.execute(code, output, slide, slide.marks["print_v_after"])
        self.play(Indicate(v_grid, color=theme.selection))
        self.say(f"b kept its own values: {slide.told('print_b')}")
        self.execute(code, output, slide, slide.marks["print_b"])
        # b[0] is b's first row: the cells of the new block it prints, framed so they stay readable.
        first_row = VGroup(*other.cells[: facts.slide.shape[-1]])
        framed = SurroundingRectangle(first_row, color=theme.storage, buff=0.05, stroke_width=5)
        self.play(Create(framed))
        self.hold(1)

        view = facts.counted.view
        held = " and ".join(format_value(value) for value in view.values)
        self.step(
            "counted",
            f"On counted data from arange, {view.name} = {view.code} reads the middle row: the cells holding {held}.",
        )
        fresh = self.block(facts.counted)
        retitled = self.title("In-place operations:", code=written_call(counted))
        code2, output2 = self.swap_panels(code, output, counted.code, block, a_grid, v_grid, other, framed, title)
        self.play(FadeIn(fresh.without_values()), FadeIn(retitled), run_time=0.5)
        # No second block under these grids: they stand halfway down to the calculation line.
        a_grid, v_grid = self.views(facts.counted, fresh, code2, counted.marks, lowest=STRIP_TOP)
        self.hold(1)

        written = " and ".join(format_value(facts.counted.after.values[element]) for element in view.elements)
        by = format_value(facts.factor.value)
        self.step(
            "multiply",
            f"{written_call(counted)} multiplies each cell by {by} where it is; {view.name} now reads {written}.",
        )
        self.write(facts.counted, fresh, a_grid, v_grid, code2, counted.marks["write"], facts.factor)
        self.execute(code2, output2, counted, counted.marks["print_v_after"])
        self.play(Indicate(v_grid, color=theme.selection))
        self.hold(1)

    def block(self, write: InplaceWrite) -> MemoryBlock:
        """a's storage, across the top of the right side."""
        block = MemoryBlock(write.before, self.theme, "a.untyped_storage()")
        return block.move_to((STORAGE_LEFT, GRAPH_AREA.top - 0.1, 0), aligned_edge=UP + LEFT)

    def views(
        self,
        write: InplaceWrite,
        block: MemoryBlock,
        code: Mobject,
        marks: dict[str, int],
        lowest: float | None = None,
    ) -> tuple[VGroup, VGroup]:
        """a's values arrive in its storage; a's grid and v's row are built from those cells,
        each number flying from the cell it reads. The grids stand GRID_GAP under the window's
        marks or, given the `lowest` they may reach, centred between the marks and it."""
        theme = self.theme
        view = write.view
        self.play(code.highlight(marks["a"]), *(FadeIn(value, shift=0.2 * DOWN) for value in block.values))
        window = StridedView(view, block, theme.selection, named=False)
        top = window.marks.get_bottom()[1] - GRID_GAP
        # With no block under them, the grids are drawn larger, into the room they have.
        size = 1.0 if lowest is None else ROOMY
        a_grid = self.grid(
            [ValueLabel(value.key, value.value, theme.text, VALUE_SIZE) for value in block.values],
            write.shape[-1],
            "a",
            theme.storage,
        ).scale(size)
        if lowest is not None:
            top -= max(0.0, top - lowest - a_grid.height) / 2
        left = block.cells.get_left()[0]
        a_grid.shift((left - a_grid[0].get_left()[0]) * RIGHT + (top - a_grid.get_top()[1]) * UP)
        self.build_grid(list(a_grid[0]), list(a_grid[1]), a_grid[2], list(block.values))
        v_grid = self.grid(
            [
                ValueLabel(view.value_key(position), value, theme.text, VALUE_SIZE)
                for position, value in enumerate(view.values)
            ],
            view.shape[-1] if view.shape else 1,
            view.name,
            theme.selection,
        ).scale(size)
        # v beside a, level with the row of a where its first element is.
        row = view.elements[0] // write.shape[-1]
        v_grid.shift(
            (a_grid[0].get_right()[0] + V_GAP - v_grid[0].get_left()[0]) * RIGHT
            + (a_grid[0][row * write.shape[-1]].get_top()[1] - v_grid.get_top()[1]) * UP
        )
        self.play(code.highlight(marks["v"]), window.appear())
        self.build_grid(list(v_grid[0]), list(v_grid[1]), v_grid[2], [block.values[i] for i in view.elements])
        # Each of the window's marks is tied to the cell of v that reads it, as a tag ties them to a name.
        cells = [v_grid[0][view.elements.index(element)].get_top() for element in sorted(set(view.elements))]
        tied = ties(window.marks, cells, theme.selection)
        self.play(Create(tied))
        window.add(tied)
        return VGroup(a_grid, window), v_grid

    def write(
        self,
        write: InplaceWrite,
        block: MemoryBlock,
        a_grid: VGroup,
        v_grid: VGroup,
        code: Mobject,
        line: int,
        factor: Datum | None = None,
    ) -> None:
        """The write lands in the storage's own cells, one after another (with a `factor`, the
        first cell it changes is multiplied out in the calculation line first); then a's grid
        and v's row, which read those cells, both show the new values, each flying from its cell."""
        theme = self.theme
        self.play(code.highlight(line))
        written = [
            ValueLabel(write.after.value_key(i), value, theme.text, VALUE_SIZE).move_to(block.cells[i])
            for i, value in enumerate(write.after.values)
        ]
        rest = list(range(len(written)))
        if factor is not None:
            # Worked out on a cell v reads, so the line's product is one v will show.
            changed = [i for i, value in enumerate(write.before.values) if value != write.after.values[i]]
            first = next((i for i in write.view.elements if i in changed), changed[0])
            self.show_strip(
                self.number(block.values[first], theme.text),
                self.symbol("dot"),
                ValueLabel(factor.key, factor.value, theme.text, STRIP_SIZE),
                self.symbol("="),
                self.number(written[first], theme.forward),
                sources={0: block.values[first]},
            )
            self.play(FadeOut(block.values[first]), TransformFromCopy(self.strip[-1], written[first]))
            rest.remove(first)
        self.play(
            AnimationGroup(
                *(ReplacementTransform(block.values[i], written[i]) for i in rest),
                lag_ratio=0.15,
            ),
            FadeOut(self.strip),
        )
        self.strip = VGroup()
        block.remove(*block.values).add(*written)
        block.values = written
        # a's grid and v's row take the new values together, each from the storage cell it reads.
        moves: list[Animation] = []
        fresh = []
        for cells, numbers, elements in (
            (a_grid[0][0], a_grid[0][1], range(len(written))),
            (v_grid[0], v_grid[1], write.view.elements),
        ):
            size = cells[0].width / CELL_WIDTH  # a grid drawn larger than the storage shows its numbers larger
            news = [
                written[element].copy().scale(size).move_to(old) for element, old in zip(elements, numbers, strict=True)
            ]
            moves += [FadeOut(old) for old in numbers]
            moves += [TransformFromCopy(written[element], new) for element, new in zip(elements, news, strict=True)]
            fresh.append((numbers, news))
        self.play(*moves, run_time=0.8)
        for numbers, news in fresh:
            numbers.remove(*numbers.submobjects).add(*news)

    def grid(self, numbers: list[ValueLabel], columns: int, name: str, color: str) -> VGroup:
        """Cells in rows of `columns`, each with its number, and the name left of them."""
        cells = VGroup()
        for index, number in enumerate(numbers):
            row, column = divmod(index, columns)
            cell = Rectangle(width=CELL_WIDTH, height=ROW, color=color, stroke_width=2)
            cells.add(cell.move_to((column * CELL_WIDTH, -row * ROW, 0)))
            number.move_to(cell)
        label = code_text(name, self.theme, SMALL_SIZE + 6, color).next_to(cells, LEFT, buff=NAME_GAP)
        return VGroup(cells, VGroup(*numbers), label)


def written_call(listing: Listing) -> str:
    """The call on the listing's `# [write]` line, as the code writes it: a.zero_()."""
    return listing.code[listing.marks["write"]].partition("#")[0].strip()
