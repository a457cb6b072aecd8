"""dtypes: bytes per element, .type(torch.uint8), what narrowing does to values, and boolean masks."""

from manim import *

from seminar_anim.model.basics import BasicsFacts, dtypes_lesson
from seminar_anim.model.layouts import GridRecord
from seminar_anim.visual.code import CodePanel
from seminar_anim.visual.codegraph import GRAPH_AREA, SAFE_BOTTOM, CodeGraphScene
from seminar_anim.visual.fades import FadeIn
from seminar_anim.visual.labels import ValueLabel, code_text, plain_text
from seminar_anim.visual.tensor import CaptionedGrid, TensorGrid, flow, terms_row
from seminar_anim.visual.theme import LABEL_SIZE, SMALL_SIZE

BYTE = 0.34  # width of one byte in the size bars
BYTE_CELL, BYTE_WIDTH = 0.38, 0.1  # a cell drawn to its bytes: the digit's room plus this much per byte
BYTE_TICK, BYTE_GAP = 0.06, 0.02  # the height of a byte's box at a cell's foot, and the gap between boxes
CELL = 0.72
BYTE_BOX = 0.42  # one byte of an element drawn in memory
MASK_WIDTH = 1.05  # wide enough for "False"
TOP = GRAPH_AREA.top - 0.2


class DtypesScene(CodeGraphScene):
    """Every tensor has one element type: it fixes the bytes per element and which values fit."""

    def construct(self) -> None:
        facts: BasicsFacts = self.facts or dtypes_lesson()
        sizes, conversions = facts.listings
        theme = self.theme
        code, output = self.panels(sizes.code, bottom=SAFE_BOTTOM)

        bars = self.size_bars(facts)

        # The first frame already shows the table the loop will fill: its heading and the
        # dtypes the loop walks, as the code lists them.
        self.step("code", "A tensor keeps its element type in dtype; every element has that type.")
        self.play(
            FadeIn(self.title("Data types:", code="dtype")),
            FadeIn(code, shift=0.2 * RIGHT),
            FadeIn(bars[0]),
            *(FadeIn(row[0]) for row in bars[1]),
        )
        self.add(output)
        self.hold(2)

        self.step("sizes", "The dtype fixes how many bytes each element takes: one square per byte.")
        self.play(code.highlight(sizes.marks["loop"]))
        for bar in bars[1]:
            self.execute(code, output, sizes, sizes.marks["print_size"])
            self.play(FadeIn(bar[1:], shift=0.2 * RIGHT), run_time=0.6)
        self.hold(2)

        narrow, wide = facts["x.type(torch.uint8)"].element_size, facts["x"].element_size
        self.step(
            "type", f"x.type(torch.uint8) makes a new tensor of {narrow}-byte integers from the {wide}-byte doubles."
        )
        x = self.grid(facts["x"], "x", by_bytes=True)
        small = self.grid(facts["x.type(torch.uint8)"], "x.type(torch.uint8)", by_bytes=True)
        board = self.row(x, self.symbol("arrow.r"), small, top=TOP - 0.3)
        widths = VGroup(
            *(
                self.bytes_each(record, part)
                for record, part in ((facts["x"], x), (facts["x.type(torch.uint8)"], small))
            )
        )
        self.swap_boards([bars], [x], code.highlight(sizes.marks["x"]))
        self.play(FadeIn(board[1]), TransformFromCopy(x.grid.values[0], small.grid.values[0]))
        self.play(
            TransformFromCopy(x.grid.values[1], small.grid.values[1]), FadeIn(small.grid.layers), FadeIn(small.label)
        )
        self.play(FadeIn(widths))
        self.execute(code, output, sizes, sizes.marks["print_x"])
        self.hold(1)

        self.step(
            "narrowing", "Converting to a narrower type changes values: fractions are cut off, big integers wrap."
        )
        code2, output2 = self.swap_panels(code, output, conversions.code, board, widths)
        cut = self.conversion(facts["y"], facts["y.int()"], "y", "y.int()")
        wrap = self.conversion(facts["w"], facts["w.to(torch.uint8)"], "w", "w.to(torch.uint8)")
        boards = [self.row(*cut, top=TOP), self.row(*wrap, top=TOP - 2.3)]
        for (source, arrow, result), made, printing in ((cut, "y", "print_y"), (wrap, "w", "print_w")):
            self.play(code2.highlight(conversions.marks[made]), FadeIn(source))
            self.play(FadeIn(arrow), *flow(source.grid, result.grid), FadeIn(result.grid.layers))
            self.play(FadeIn(result.label))
            self.execute(code2, output2, conversions, conversions.marks[printing])
            self.hold(1)
        memory = self.bytes_kept(facts, wrap, conversions.marks["w_bytes"], code2)

        self.step("mask", "n > 2 gives a bool tensor, a mask; n[mask] picks the elements where it is True.")
        # n and its mask keep one width, each cell over the mask's cell for it; their bytes show at their feet.
        n = self.byte_strips(TensorGrid(facts["n"], theme, cell=CELL, width=MASK_WIDTH))
        mask = self.byte_strips(TensorGrid(facts["mask"], theme, color=theme.muted, cell=CELL, width=MASK_WIDTH))
        picked = TensorGrid(facts["n[mask]"], theme, cell=CELL, width=MASK_WIDTH)
        selected = picked.with_caption(theme, "n[mask]: a new tensor", "shape")
        picked_caption = selected.label
        column = VGroup(
            n.with_caption(theme, "n", "dtype"), mask.with_caption(theme, "mask = n > 2", "dtype"), selected
        ).arrange(DOWN, buff=0.45, aligned_edge=LEFT)
        column.move_to((GRAPH_AREA.centre_x, TOP, 0), aligned_edge=UP)
        self.swap_boards([*boards, memory], [column[0]], code2.highlight(conversions.marks["n"]))
        self.play(code2.highlight(conversions.marks["mask"]), FadeIn(column[1]))
        self.execute(code2, output2, conversions, conversions.marks["print_mask"])
        chosen = [index for index, value in enumerate(mask.record.values) if value == "True"]
        frames = VGroup(
            *(
                SurroundingRectangle(grid.cells[index], color=theme.selection, buff=0.05, stroke_width=5)
                for index in chosen
                for grid in (n, mask)
            )
        )
        self.play(Create(frames))
        self.play(
            FadeIn(VGroup(*picked.cells)),
            *(TransformFromCopy(n.values[index], picked.values[slot]) for slot, index in enumerate(chosen)),
        )
        self.play(FadeIn(picked_caption))
        self.execute(code2, output2, conversions, conversions.marks["print_selected"])
        self.hold(2)

    def bytes_kept(
        self, facts: BasicsFacts, wrap: tuple[CaptionedGrid, VMobject, CaptionedGrid], line: int, code: CodePanel
    ) -> VGroup:
        """The first element that wraps, as the bytes memory holds (w.view(torch.uint8)): the
        one-byte type keeps only its least significant byte, and that byte is the result."""
        theme = self.theme
        source, _, result = wrap
        values, bytes_ = facts.tensors["w"], facts.tensors["w_bytes"]
        narrowed = facts.tensors["w.to(torch.uint8)"]
        (kept,) = facts.data["kept"]
        changed = next(index for index, (a, b) in enumerate(zip(values.values, narrowed.values, strict=True)) if a != b)
        size = values.element_size
        first = changed * size
        cells = VGroup()
        for index in range(first, first + size):
            box = Rectangle(width=BYTE_BOX, height=BYTE_BOX, color=theme.storage, stroke_width=2)
            byte = ValueLabel(bytes_.element_key(index), bytes_.values[index], theme.text, SMALL_SIZE + 3)
            cells.add(VGroup(box, byte.move_to(box)))
        cells.arrange(RIGHT, buff=0)
        heading = VGroup(
            ValueLabel(values.element_key(changed), values.values[changed], theme.text, LABEL_SIZE),
            plain_text("in memory, byte by byte:", theme.muted, SMALL_SIZE),
            code_text("w_bytes", theme, SMALL_SIZE, theme.muted),
            ValueLabel(bytes_.dtype_key, bytes_.dtype, theme.muted, SMALL_SIZE + 2),
        ).arrange(RIGHT, buff=0.2)
        memory = VGroup(heading, cells).arrange(DOWN, buff=0.15, aligned_edge=LEFT)
        memory.next_to(source, DOWN, buff=0.45).align_to(source, LEFT)
        keep = SurroundingRectangle(cells[int(kept.value)], color=theme.selection, buff=0.03, stroke_width=5)
        self.play(code.highlight(line), Indicate(source.grid.cells[changed], color=theme.selection))
        self.play(TransformFromCopy(source.grid.values[changed], heading[0]), FadeIn(heading[1:]))
        self.play(AnimationGroup(*(FadeIn(box, shift=0.1 * DOWN) for box in cells), lag_ratio=0.1))
        others = [box for index, box in enumerate(cells) if index != kept.value]
        self.play(Create(keep), *(box.animate.set_opacity(0.3) for box in others))
        self.play(
            TransformFromCopy(cells[int(kept.value)][1], result.grid.values[changed]),
            Indicate(result.grid.cells[changed], color=theme.selection),
        )
        self.hold(1)
        return VGroup(memory, keep)

    def size_bars(self, facts: BasicsFacts) -> VGroup:
        """One row per dtype: its name, one square per byte of element_size(), and the count."""
        theme = self.theme
        rows = VGroup()
        sizes = facts.data["sizes"]
        for dtype, element_size in zip(sizes[::2], sizes[1::2], strict=True):
            name = ValueLabel(dtype.key, dtype.value, theme.text, LABEL_SIZE)
            size = element_size.value
            squares = VGroup(
                *(
                    Square(BYTE, color=theme.storage, stroke_width=2).set_fill(theme.storage, 0.35)
                    for _ in range(int(size))
                )
            ).arrange(RIGHT, buff=0.04)
            count = ValueLabel(element_size.key, size, theme.storage, LABEL_SIZE)
            rows.add(VGroup(name, squares, count))
        # Names in one column, squares from one left edge, so lengths compare at a glance.
        name_width = max(row[0].width for row in rows)
        for number, row in enumerate(rows):
            row[0].move_to((0, -number * 0.62, 0), aligned_edge=LEFT)
            row[1].move_to((name_width + 0.35, row[0].get_y(), 0), aligned_edge=LEFT)
            row[2].next_to(row[1], RIGHT, buff=0.25)
        heading = VGroup(
            code_text("dtype", theme, SMALL_SIZE + 1, theme.muted),
            plain_text("bytes per element:", theme.muted, SMALL_SIZE + 1),
            code_text("element_size()", theme, SMALL_SIZE + 1, theme.muted),
        )
        heading[0].next_to(rows, UP, buff=0.3).align_to(rows, LEFT)
        heading[1].next_to(heading[0], RIGHT, buff=0).set_x(rows[0][1].get_left()[0], direction=LEFT)
        heading[2].next_to(heading[1], RIGHT, buff=0.12)
        return VGroup(heading, rows).move_to((GRAPH_AREA.centre_x, TOP - 0.1, 0), aligned_edge=UP)

    def grid(self, record: GridRecord, name: str, fact: str = "dtype", by_bytes: bool = False) -> CaptionedGrid:
        """A captioned grid; `by_bytes` makes each cell as wide as its element's bytes."""
        width = BYTE_CELL + BYTE_WIDTH * record.element_size if by_bytes else CELL
        grid = TensorGrid(record, self.theme, cell=CELL, width=width)
        if by_bytes:
            self.byte_strips(grid)
        return grid.with_caption(self.theme, name, fact)

    def byte_strips(self, grid: TensorGrid) -> TensorGrid:
        """Along the foot of each cell, one small box per byte of its element, BYTE_WIDTH each:
        the boxes' lengths are to scale where a cell must be wider than its bytes for its digits."""
        count = grid.record.element_size
        for cell in grid.cells:
            boxes = VGroup(
                *(
                    Rectangle(width=BYTE_WIDTH - BYTE_GAP, height=BYTE_TICK, stroke_width=0)
                    .set_fill(self.theme.storage, opacity=0.7)
                    .move_to((index * BYTE_WIDTH, 0.0, 0.0))
                    for index in range(count)
                )
            )
            grid.layers.add(boxes.move_to(cell).align_to(cell, DOWN).shift(BYTE_GAP * 2 * UP))
        return grid

    def bytes_each(self, record: GridRecord, part: VGroup) -> VGroup:
        """`element_size() N` under a captioned grid, N live: the bytes of each element."""
        line = VGroup(
            code_text("element_size()", self.theme, SMALL_SIZE + 2, self.theme.muted),
            ValueLabel(record.fact_key("element_size"), record.element_size, self.theme.storage, LABEL_SIZE),
        ).arrange(RIGHT, buff=0.15)
        return line.next_to(part, DOWN, buff=0.2).align_to(part, LEFT)

    def conversion(
        self, source: GridRecord, result: GridRecord, left: str, right: str
    ) -> tuple[CaptionedGrid, VMobject, CaptionedGrid]:
        return self.grid(source, left, by_bytes=True), self.symbol("arrow.r"), self.grid(result, right, by_bytes=True)

    def row(self, *parts: VMobject, top: float) -> VGroup:
        return terms_row(*parts, centre_x=GRAPH_AREA.centre_x, top=top, width=GRAPH_AREA.width - 0.2, gap=0.4)
