"""dtypes: bytes per element, .type(torch.uint8), what narrowing does to values, and boolean masks."""

from manim import *

from seminar_anim.model.basics import BasicsFacts, dtypes_lesson
from seminar_anim.model.layouts import GridRecord
from seminar_anim.visual.code import CodePanel
from seminar_anim.visual.codegraph import GRAPH_AREA, SAFE_BOTTOM, CodeGraphScene
from seminar_anim.visual.fades import FadeIn
from seminar_anim.visual.labels import ValueLabel, code_text, plain_text
from seminar_anim.visual.tensor import CaptionedGrid, TensorGrid, flow, tensor_caption
from seminar_anim.visual.theme import LABEL_SIZE, SMALL_SIZE

BYTE = 0.4  # one byte's width in the size bars, and the least in any step: 16 bytes fit the graph area
MAX_BYTE = 1.0  # one byte's width in a step whose tensors hold few bytes
BYTE_HEIGHT = 1.0  # the height of a cell drawn to its bytes: the tallest that leaves the wrap step room
BYTE_TICK, BYTE_GAP = 0.06, 0.03  # the height of a byte's box at a cell's foot, and the gap between boxes
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
        told = self.size_sentences(facts)
        for index, bar in enumerate(bars[1]):
            self.execute(code, output, sizes, sizes.marks["print_size"])
            if index in told:  # said as its bar grows
                self.say(told[index])
            self.play(FadeIn(bar[1:], shift=0.2 * RIGHT), run_time=0.6)
        self.hold(1)

        narrow, wide = facts["x.type(torch.uint8)"].element_size, facts["x"].element_size
        self.step(
            "type", f"x.type(torch.uint8) makes a new tensor of {narrow}-byte integers from the {wide}-byte doubles."
        )
        # Every cell from here on is as wide as its element's bytes, at its step's byte width:
        # this step's 16 bytes take about the size bars' scale.
        self.scale_bytes(facts["x"], facts["x.type(torch.uint8)"])
        x = self.grid(facts["x"], "x", size=True)
        small = self.grid(facts["x.type(torch.uint8)"], "x.type(torch.uint8)", size=True)
        board = self.column(x, small)
        self.swap_boards([bars], [x], code.highlight(sizes.marks["x"]))
        # The conversion runs on the line that prints it: that line is lit as it is drawn.
        self.play(code.highlight(sizes.marks["print_x"]), FadeIn(small.grid.layers), *flow(x.grid, small.grid))
        self.play(FadeIn(small.label))
        self.execute(code, output, sizes, sizes.marks["print_x"])
        self.hold(1)

        self.step("cut", "Converting to a narrower type changes values: y.int() cuts off the fractions.")
        code2, output2 = self.swap_panels(code, output, conversions.code, board)
        self.scale_bytes(facts["y"], facts["y.int()"])
        y, y_int = self.grid(facts["y"], "y"), self.grid(facts["y.int()"], "y.int()")
        cut = self.column(y, y_int)
        self.play(code2.highlight(conversions.marks["y"]), FadeIn(y))
        self.play(code2.highlight(conversions.marks["print_y"]), FadeIn(y_int.grid.layers), *flow(y.grid, y_int.grid))
        self.play(FadeIn(y_int.label))
        self.execute(code2, output2, conversions, conversions.marks["print_y"])
        self.hold(1)

        self.step("wrap", "Integers too big for one byte wrap: w.to(torch.uint8) keeps each element's low byte.")
        self.scale_bytes(facts["w"], facts["w_bytes"], facts["w.to(torch.uint8)"])
        source = self.grid(facts["w"], "w")
        result = self.grid(facts["w.to(torch.uint8)"], "w.to(torch.uint8)")
        self.column(source)
        self.swap_boards([cut], [source], code2.highlight(conversions.marks["w"]))
        memory = self.bytes_kept(facts, source, result, conversions.marks, code2)
        self.execute(code2, output2, conversions, conversions.marks["print_w"])
        self.hold(1)

        self.step("mask", "n > 2 gives a bool tensor, a mask; n[mask] picks the elements where it is True.")
        # A bool is one byte too: the mask is drawn as the bytes it holds, under n's bytes.
        self.scale_bytes(facts["n"], facts["mask_bytes"], facts["n[mask]"])
        n = self.grid(facts["n"], "n")
        mask = self.byte_strips(
            TensorGrid(facts["mask_bytes"], theme, color=theme.muted, cell=BYTE_HEIGHT, width=self.byte)
        )
        (true_byte,) = facts.data["true_byte"]
        # A bool is stored as one byte: the cells show the byte each element holds, 1 for True.
        # Nothing in this line reaches below its baseline, so its parts align at their feet.
        held = facts["mask_bytes"]
        meaning = VGroup(
            plain_text("stored as", theme.muted, SMALL_SIZE + 3),
            ValueLabel(held.dtype_key, held.dtype, theme.muted, SMALL_SIZE + 3, font=theme.code_font),
            code_text(":", theme, SMALL_SIZE + 3, theme.muted),
            ValueLabel(true_byte.key, true_byte.value, theme.text, SMALL_SIZE + 3, font=theme.code_font),
            code_text("= True", theme, SMALL_SIZE + 3, theme.muted),
        ).arrange(RIGHT, buff=0.12, aligned_edge=DOWN)
        meaning[2].next_to(meaning[1], RIGHT, buff=0.02, aligned_edge=DOWN)
        mask_label = VGroup(tensor_caption(facts["mask"], theme, "mask = n > 2", "dtype"), meaning)
        mask_label.arrange(DOWN, buff=0.08, aligned_edge=LEFT).next_to(mask, DOWN, buff=0.15).align_to(mask, LEFT)
        picked = self.grid(facts["n[mask]"], "n[mask]: a new tensor")
        # Where every step's grids stand: nothing jumps as the step begins.
        column = self.column(n, CaptionedGrid(mask, mask_label), picked)
        self.swap_boards([source, result, memory], [column[0]], code2.highlight(conversions.marks["n"]))
        self.play(code2.highlight(conversions.marks["mask"]), FadeIn(column[1]))
        self.execute(code2, output2, conversions, conversions.marks["print_mask"])
        chosen = [index for index, value in enumerate(facts["mask"].values) if value == "True"]
        frames = VGroup(
            *(
                SurroundingRectangle(grid.cells[index], color=theme.selection, buff=0.05, stroke_width=5)
                for index in chosen
                for grid in (n.grid, mask)
            )
        )
        self.play(Create(frames))
        self.play(
            FadeIn(picked.grid.layers),
            *(TransformFromCopy(n.grid.values[index], picked.grid.values[slot]) for slot, index in enumerate(chosen)),
        )
        self.play(FadeIn(picked.label))
        self.execute(code2, output2, conversions, conversions.marks["print_selected"])

    def bytes_kept(
        self,
        facts: BasicsFacts,
        source: CaptionedGrid,
        result: CaptionedGrid,
        marks: dict[str, int],
        code: CodePanel,
    ) -> VGroup:
        """w's bytes as memory holds them (w.view(torch.uint8)), each under its element; narrowing
        to one byte keeps each element's least significant byte, and that byte, flown down into
        the result under them, is the result."""
        theme = self.theme
        bytes_ = facts["w_bytes"]
        (kept,) = facts.data["kept"]
        size = facts["w"].element_size
        cells = TensorGrid(bytes_, theme, cell=BYTE_HEIGHT, width=self.byte)
        cells.next_to(source.label, DOWN, buff=0.2).align_to(source.grid, LEFT)
        label = tensor_caption(bytes_, theme, "w_bytes", "dtype")
        label.next_to(cells, DOWN, buff=0.12).align_to(cells, LEFT)
        result.next_to(label, DOWN, buff=0.45).align_to(cells, LEFT)
        chosen = [index * size + int(kept.value) for index in range(len(facts["w"].values))]
        frames = VGroup(
            *(
                SurroundingRectangle(cells.cells[index], color=theme.selection, buff=0.03, stroke_width=5)
                for index in chosen
            )
        )
        others = [
            VGroup(cells.cells[index], cells.values[index]) for index in range(len(cells.cells)) if index not in chosen
        ]
        self.play(code.highlight(marks["w_bytes"]))
        self.play(
            AnimationGroup(
                *(
                    TransformFromCopy(
                        source.grid.cells[element], VGroup(*cells.cells[element * size : (element + 1) * size])
                    )
                    for element in range(len(source.grid.cells))
                ),
                lag_ratio=0.3,
            ),
            FadeIn(label),
        )
        self.play(FadeIn(VGroup(*cells.values)))
        self.play(code.highlight(marks["print_w"]), Create(frames), *(part.animate.set_opacity(0.3) for part in others))
        self.play(
            FadeIn(result.grid.layers),
            *(TransformFromCopy(cells.values[index], result.grid.values[slot]) for slot, index in enumerate(chosen)),
        )
        self.play(FadeIn(result.label))
        return VGroup(cells, label, frames)

    def size_sentences(self, facts: BasicsFacts) -> dict[int, str]:
        """The sizes the loop prints, by the dtype to say each with, in as many sentences as the
        step has room for: one per dtype, and the last sentence for the rest when they share a size."""
        sizes = facts.data["sizes"]
        pairs = [(str(dtype.value), int(size.value)) for dtype, size in zip(sizes[::2], sizes[1::2], strict=True)]
        room = self.room_to_say()
        if len(pairs) <= room:
            return {index: f"{dtype}: {_bytes(size)}." for index, (dtype, size) in enumerate(pairs)}
        told = {index: f"{dtype}: {_bytes(size)}." for index, (dtype, size) in enumerate(pairs[: room - 1])}
        rest = pairs[room - 1 :]
        if len({size for _, size in rest}) == 1:
            names = [dtype for dtype, _ in rest]
            told[room - 1] = f"{', '.join(names[:-1])} and {names[-1]}: {_bytes(rest[0][1])} each."
        return told

    def size_bars(self, facts: BasicsFacts) -> VGroup:
        """One row per dtype: its name, one square per byte of element_size(), and the count."""
        theme = self.theme
        rows = VGroup()
        sizes = facts.data["sizes"]
        for dtype, element_size in zip(sizes[::2], sizes[1::2], strict=True):
            name = ValueLabel(dtype.key, dtype.value, theme.text, LABEL_SIZE, font=theme.code_font)
            size = element_size.value
            squares = VGroup(
                *(
                    Square(BYTE - BYTE_GAP, color=theme.storage, stroke_width=2).set_fill(theme.storage, 0.35)
                    for _ in range(int(size))
                )
            ).arrange(RIGHT, buff=BYTE_GAP)
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

    def scale_bytes(self, *records: GridRecord) -> None:
        """One byte's width for the step drawing `records`: the widest of them fills the graph
        area, up to MAX_BYTE. All cells of a step share it, so widths compare as bytes."""
        most = max(len(record.values) * record.element_size for record in records)
        self.byte = max(BYTE, min(MAX_BYTE, (GRAPH_AREA.width - 0.4) / most))

    def grid(self, record: GridRecord, name: str, size: bool = False) -> CaptionedGrid:
        """A grid as wide as its bytes, one step's byte width each, with the bytes marked at its foot, captioned
        with its dtype (and, with `size`, element_size() beside it)."""
        grid = self.byte_strips(TensorGrid(record, self.theme, cell=BYTE_HEIGHT, width=self.byte * record.element_size))
        if not size:
            return grid.with_caption(self.theme, name, "dtype")
        # element_size() on a line of its own: a one-byte grid is narrower than its name.
        sized = VGroup(
            code_text("element_size()", self.theme, SMALL_SIZE + 2, self.theme.muted),
            ValueLabel(
                record.fact_key("element_size"),
                record.element_size,
                self.theme.storage,
                LABEL_SIZE,
                font=self.theme.code_font,
            ),
        ).arrange(RIGHT, buff=0.15)
        label = VGroup(tensor_caption(record, self.theme, name, "dtype"), sized)
        label.arrange(DOWN, buff=0.08, aligned_edge=LEFT).next_to(grid, DOWN, buff=0.15).align_to(grid, LEFT)
        return CaptionedGrid(grid, label)

    def byte_strips(self, grid: TensorGrid) -> TensorGrid:
        """Along the foot of each cell, one small box per byte of its element, side by side
        across the cell's width: a cell drawn to its bytes shows each byte's own width."""
        count = grid.record.element_size
        for cell in grid.cells:
            pitch = cell.width / count
            boxes = VGroup(
                *(
                    Rectangle(width=pitch - BYTE_GAP, height=BYTE_TICK, stroke_width=0)
                    .set_fill(self.theme.storage, opacity=0.7)
                    .move_to((index * pitch, 0.0, 0.0))
                    for index in range(count)
                )
            )
            grid.layers.add(boxes.move_to(cell).align_to(cell, DOWN).shift(BYTE_GAP * 2 * UP))
        return grid

    def column(self, *parts: CaptionedGrid) -> VGroup:
        """Captioned grids one under the other, left-aligned at the graph area's left, below TOP."""
        column = VGroup(*parts).arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        return column.move_to((GRAPH_AREA.left + 0.2, TOP, 0), aligned_edge=UL)


def _bytes(count: int) -> str:
    return f"{count} byte" if count == 1 else f"{count} bytes"
