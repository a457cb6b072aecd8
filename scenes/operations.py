"""operations: the slides' creation ops and math ops, every result tensor and its shape live."""

from manim import *

from seminar_anim.model.basics import BasicsFacts, operations_lesson
from seminar_anim.model.layouts import GridRecord
from seminar_anim.visual.codegraph import GRAPH_AREA, SAFE_BOTTOM, STRIP_TOP, CodeGraphScene
from seminar_anim.visual.fades import FadeIn, FadeOut
from seminar_anim.visual.labels import ValueLabel, code_text, plain_text
from seminar_anim.visual.tensor import CaptionedGrid, TensorGrid, flow, terms_row
from seminar_anim.visual.theme import SMALL_SIZE, STRIP_SIZE

CELL = 0.6
CELL_WIDTH = 0.75  # wider than tall: "−3.0" and "14.0" keep clear of the borders
TOP = GRAPH_AREA.top - 0.5
QUICK = 0.5  # after a sweep's first element, its moves take this share of the time
QUICK_STRIP_SECONDS = 1.2  # and its calculation lines arrive in this long
SUM_SECONDS = 0.6  # each finished line stays this long before its sum moves into its cell
REDUCTION_RISE = 0.4  # a mean's calculation line, over the row it reduces
BOARD_GAP = 0.35  # between a matmul's result and the operands beside and above it
MAX_BOARD_ZOOM = 1.5  # how much larger than the two-row steps' grids a one-row step's may be drawn


class OperationsScene(CodeGraphScene):
    """Each operation as an equation of grids: operands, operator, result, each with its shape."""

    def construct(self) -> None:
        facts: BasicsFacts = self.facts or operations_lesson()
        creation, math, visible = facts.listings
        theme = self.theme
        code, output = self.panels(creation.code, bottom=SAFE_BOTTOM)

        a, b, c = (self.grid(facts[key], key) for key in ("a", "b", "c"))
        board = self.enlarged(self.row(a, b, c, gap=0.5))

        # The first frame already shows the empty cells the code will fill, named as the code names them.
        self.step("code", "The slide's creation operations: tensors of ones and zeros, and a transpose.")
        self.play(
            FadeIn(self.title("Tensor operations: creation and math")),
            FadeIn(code, shift=0.2 * RIGHT),
            *(FadeIn(VGroup(grid.grid.layers, grid.label[0])) for grid in (a, b, c)),
        )
        self.add(output)
        self.hold(2)

        self.step("create", "ones and zeros take a shape; zeros_like copies the shape and dtype of a.")
        for mark, grid in zip(("a", "b", "c"), (a, b, c), strict=True):
            filled = VGroup(*grid.grid.values, grid.label[1])  # its values and its shape; its name is there
            self.play(code.highlight(creation.marks[mark]), FadeIn(filled, shift=0.2 * DOWN))
        self.hold(1)

        rows, columns = facts["a"].shape
        self.step(
            "transpose", f"a.t() turns rows into columns: the {rows} by {columns} tensor becomes {columns} by {rows}."
        )
        a_again, a_t = self.grid(facts["a"], "a"), self.grid(facts["a_t"], "a_t")
        turned = self.enlarged(self.row(a_again, self.arrow("t()"), a_t))
        self.swap_boards([board], [turned[:2]], code.highlight(creation.marks["a_t"]))
        self.play(TransformFromCopy(a_again.grid, a_t.grid), FadeIn(a_t.label))
        self.execute(code, output, creation, creation.marks["print_shape"])
        self.hold(1)

        self.step("pointwise", "Pointwise operations act on each element; reductions like mean combine them all.")
        code2, output2 = self.swap_panels(code, output, math.code, turned)
        source = self.grid(facts["a"], "a")
        absolute = self.grid(facts["absolute_values"], "torch.abs(a)")
        mean = self.grid(facts["mean_value"], "torch.mean(a)")
        again = self.grid(facts["a"], "a")
        pointwise = self.row(source, self.arrow("abs"), absolute, gap=0.5, top=GRAPH_AREA.top)
        reduction = self.row(again, self.arrow("mean"), mean, gap=0.5, top=TOP - 2.9)
        board = VGroup(pointwise, reduction)
        self.play(code2.highlight(math.marks["abs"]), FadeIn(pointwise[:2]))
        self.play(TransformFromCopy(source.grid, absolute.grid), FadeIn(absolute.label))
        self.play(code2.highlight(math.marks["mean"]), FadeIn(reduction[:2]))
        self.gather(again, mean)
        self.hold(1)

        self.step("element-wise", "a + c and a * c pair up elements in the same positions: shapes must match.")
        total = self.row(*self.equation(facts, "a", "+", "c", "s"), top=GRAPH_AREA.top)
        product = self.row(*self.equation(facts, "a", "ast", "c", "p"), top=TOP - 2.9)
        self.swap_boards([board], [total], code2.highlight(math.marks["s"]))
        self.play(code2.highlight(math.marks["p"]), FadeIn(product))
        self.hold(1)

        self.step(
            "matmul",
            f"torch.mm multiplies matrices: {facts['a'].shape_text} times {facts['c.t()'].shape_text}; "
            "the inner sizes must agree.",
        )
        product_board = self.row(*self.equation(facts, "a", "times", "c.t()", "z"))
        rule = VGroup(
            plain_text("shapes:", theme.muted, SMALL_SIZE + 4),
            ValueLabel(facts["a"].shape_key, facts["a"].shape_text, theme.text, STRIP_SIZE),
            self.symbol("times"),
            ValueLabel(facts["c.t()"].shape_key, facts["c.t()"].shape_text, theme.text, STRIP_SIZE),
            self.symbol("arrow.r"),
            ValueLabel(facts["z"].shape_key, facts["z"].shape_text, theme.text, STRIP_SIZE),
        ).arrange(RIGHT, buff=0.2)
        rule.next_to(product_board, DOWN, buff=0.6).set_x(GRAPH_AREA.centre_x)
        self.enlarged(VGroup(product_board, rule))
        self.swap_boards([total, product], [product_board], code2.highlight(math.marks["z"]))
        self.play(FadeIn(rule, shift=0.1 * UP))
        self.execute(code2, output2, math, math.marks["print_mean"])
        self.hold(1)

        self.step("broadcast", "a + tensor([1, 2]): the row is stretched over every row of a, then added.")
        # Square cells: this row's five parts and long captions need the width, and its numbers are short.
        added = self.grid(facts["row"], "torch.tensor([1, 2])", width=CELL)
        stretched = TensorGrid(facts["row.expand"], theme, theme.selection, CELL)
        expanded = stretched.with_caption(theme, "stretched")
        result = self.grid(facts["broadcasting"], "broadcasting", width=CELL)
        board = self.row(
            self.grid(facts["a"], "a", width=CELL), self.symbol("+"), expanded, self.symbol("="), result, top=TOP - 1.1
        )
        added.next_to(stretched, UP, buff=0.3)
        self.swap_boards([product_board, rule], [board[:2], added], code2.highlight(math.marks["broadcasting"]))
        for index in range(facts["a"].shape[0]):
            self.play(TransformFromCopy(added.grid, stretched.row(index)), run_time=0.6)
        self.play(FadeIn(expanded.label), FadeIn(board[3]))
        self.play(FadeIn(result, shift=0.2 * LEFT))
        self.execute(code2, output2, math, math.marks["print_broadcasting"])
        self.hold(2)

        self.step("visible", "Ones and zeros hide what abs and * do; counted data from arange shows it.")
        code3, output3 = self.swap_panels(code2, output2, visible.code, board, added)
        source = self.grid(facts["x"], "x")
        magnitudes = self.grid(facts["magnitudes"], "torch.abs(x)")
        pointwise = self.row(source, self.arrow("abs"), magnitudes, gap=0.5, top=GRAPH_AREA.top)
        factor, squared = self.grid(facts["x"], "x"), self.grid(facts["squares"], "squares")
        squares = self.row(
            factor, self.symbol("ast"), self.grid(facts["x"], "x"), self.symbol("="), squared, top=TOP - 2.9
        )
        self.play(code3.highlight(visible.marks["x"]), FadeIn(pointwise[0]))
        self.play(code3.highlight(visible.marks["magnitudes"]), FadeIn(pointwise[1]))
        self.play(FadeIn(magnitudes.grid.layers), *flow(source.grid, magnitudes.grid), FadeIn(magnitudes.label))
        self.play(code3.highlight(visible.marks["squares"]), FadeIn(VGroup(*squares[:4])))
        self.play(FadeIn(squared.grid.layers), *flow(factor.grid, squared.grid), FadeIn(squared.label))
        self.hold(1)

        self.step("sum", "x + squares adds the two elements in each position: what a + c did, now visible.")
        addend, added_to, summed = (
            self.grid(facts["x"], "x"),
            self.grid(facts["squares"], "squares"),
            self.grid(facts["sums"], "sums"),
        )
        sums = self.row(addend, self.symbol("+"), added_to, self.symbol("="), summed, top=TOP - 1.2)
        self.swap_boards([pointwise, squares], [VGroup(*sums[:4])], code3.highlight(visible.marks["sums"]))
        self.play(FadeIn(summed.grid.layers), run_time=0.4)
        # The first pair is added in the calculation line; the others flow, pair by pair, into their sums.
        pairs = list(zip(addend.grid.values, added_to.grid.values, summed.grid.values, strict=True))
        first, second, total = pairs[0]
        frames = VGroup(
            *(
                SurroundingRectangle(grid.cells[0], color=color, buff=0.04)
                for grid, color in (
                    (addend.grid, theme.selection),
                    (added_to.grid, theme.selection),
                    (summed.grid, theme.forward),
                )
            )
        )
        self.play(Create(frames), run_time=0.5)
        self.show_strip(
            self.factor(first),
            self.symbol("+"),
            self.factor(second),
            self.symbol("="),
            self.number(total, theme.forward),
            sources={0: first, 2: second},
        )
        self.play(TransformFromCopy(self.strip[-1], total), FadeOut(frames))
        twins = [cell.copy() for _, _, cell in pairs[1:]]
        self.play(
            AnimationGroup(
                *(
                    AnimationGroup(TransformFromCopy(left, cell), TransformFromCopy(right, twin))
                    for (left, right, cell), twin in zip(pairs[1:], twins, strict=True)
                ),
                lag_ratio=0.4,
            ),
            FadeOut(self.strip),
            run_time=2.5,
        )
        self.strip = VGroup()
        self.remove(*twins)
        self.play(FadeIn(summed.label))
        self.hold(1)

        self.step(
            "turn", "On the same data, x.t() puts each element in its mirrored place, and mean averages all of them."
        )
        turned_from, turned = self.grid(facts["x"], "x"), self.grid(facts["x_t"], "x.t()")
        turn = self.row(turned_from, self.arrow("t()"), turned, gap=0.5, top=GRAPH_AREA.top)
        averaged_from, averaged = self.grid(facts["x"], "x"), self.grid(facts["average"], "x.mean()")
        reduce = self.row(averaged_from, self.arrow("mean"), averaged, gap=0.5, top=TOP - 2.9)
        self.swap_boards([sums], [turn[:2]], code3.highlight(visible.marks["x_t"]))
        # Each element keeps its identity: x[i, j] swaps along an arc to x.t()[j, i].
        rows, columns = facts["x"].shape
        self.play(FadeIn(turned.grid.layers), run_time=0.4)
        self.play(
            AnimationGroup(
                *(
                    TransformFromCopy(
                        turned_from.grid.values[i * columns + j], turned.grid.values[j * rows + i], path_arc=-PI / 3
                    )
                    for i in range(rows)
                    for j in range(columns)
                ),
                lag_ratio=0.3,
            ),
            run_time=2.4,
        )
        self.play(FadeIn(turned.label))
        self.play(code3.highlight(visible.marks["average"]), FadeIn(reduce[:2]))
        self.gather(averaged_from, averaged)
        self.hold(1)

        self.step("sweep", "torch.mm: each result element is a row of x times a column of w, summed.")
        left, right, result = (self.grid(facts[key], key) for key in ("x", "w", "m"))
        self.matmul_board(left, right, result)
        self.swap_boards([turn, reduce], [left, right], code3.highlight(visible.marks["w"]))
        self.play(code3.highlight(visible.marks["m"]), Create(result.grid.layers), FadeIn(result.label))
        self.sweep(left.grid, right.grid, result.grid)
        self.execute(code3, output3, visible, visible.marks["print_m"])
        self.hold(1)

    def matmul_board(self, left: CaptionedGrid, right: CaptionedGrid, result: CaptionedGrid) -> VGroup:
        """A product laid out as it is worked by hand: `left` beside the result, each of its rows
        level with the result's row, `right` above, each column over the result's column; as
        large as the room between the title and the calculation line allows."""
        right.next_to(result.grid, UP, buff=BOARD_GAP)
        right.shift((result.grid.get_left()[0] - right.grid.get_left()[0]) * RIGHT)
        left.shift(
            (result.grid.get_left()[0] - BOARD_GAP - left.grid.get_right()[0]) * RIGHT
            + (result.grid.get_top()[1] - left.grid.get_top()[1]) * UP
        )
        return self.enlarged(VGroup(left, right, result))

    def enlarged(self, board: VGroup) -> VGroup:
        """`board`, a step's only row or block, as large as the room between the title and the
        calculation line allows (up to MAX_BOARD_ZOOM), and midway down that room."""
        room = (GRAPH_AREA.width - 0.2, TOP - STRIP_TOP)
        board.scale(min(MAX_BOARD_ZOOM, room[0] / board.width, room[1] / board.height))
        return board.move_to((GRAPH_AREA.centre_x, (TOP + STRIP_TOP) / 2, 0))

    def sweep(self, left: TensorGrid, right: TensorGrid, result: TensorGrid) -> None:
        """Row by column: for each result element, its row of `left` and column of `right` lit,
        the products summed in the calculation line, the sum moved into its cell."""
        theme = self.theme
        rows, inner = left.record.shape
        columns = right.record.shape[1]
        x, w, m = (grid.record.key for grid in (left, right, result))
        for row in range(rows):
            across = SurroundingRectangle(left.row(row), color=theme.selection, buff=0.04)
            # Each later row is told as it starts, so the subtitles keep up with a long sweep.
            if row and self.room_to_say():
                rest = "next" if row < rows - 1 else "last"
                self.say(f"The {rest} row of {x}, times each column of {w}, fills the {rest} row of {m}.")
            for column in range(columns):
                down = SurroundingRectangle(
                    VGroup(*(right.cells[k * columns + column] for k in range(inner))), color=theme.selection, buff=0.04
                )
                terms: list[VMobject] = []
                sources: dict[int, VMobject] = {}
                for k in range(inner):
                    if k:
                        terms.append(self.symbol("+"))
                    for factor, (grid, index) in enumerate(((left, row * inner + k), (right, k * columns + column))):
                        if factor:
                            terms.append(self.symbol("dot"))
                        sources[len(terms)] = grid.values[index]
                        terms.append(self.factor(grid.values[index]))
                cell = result.values[row * columns + column]
                terms += [self.symbol("="), self.number(cell, theme.forward)]
                first = row == column == 0  # the first element slowly; the others at a glance
                quick = 1.0 if first else QUICK
                # The cell being computed is marked too: row, column and where their sum goes.
                there = SurroundingRectangle(result.cells[row * columns + column], color=theme.forward, buff=0.04)
                self.play(*([Create(across)] if column == 0 else []), Create(down), Create(there), run_time=0.4 * quick)
                self.show_strip(*terms, sources=sources, run_time=None if first else QUICK_STRIP_SECONDS)
                self.wait(SUM_SECONDS)  # the finished line, its sum included, is read before it leaves
                # The line leaves with its sum: the next row and column are never lit under this one's line.
                self.play(
                    TransformFromCopy(self.strip[-1], cell),
                    FadeOut(down),
                    FadeOut(there),
                    FadeOut(self.strip),
                    run_time=0.6 * quick,
                )
                self.strip = VGroup()
            self.play(FadeOut(across), run_time=0.3)

    def gather(self, source: CaptionedGrid, result: CaptionedGrid) -> None:
        """A reduction to the mean: every element of `source` flies into the calculation line,
        their sum is divided by their count, and the mean moves into the one cell of `result`."""
        theme = self.theme
        number = result.grid.values[0]
        terms: list[VMobject] = [self.symbol("(")]
        sources: dict[int, VMobject] = {}
        for index, value in enumerate(source.grid.values):
            if index:
                terms.append(self.symbol("+"))
            sources[len(terms)] = value
            terms.append(self.factor(value))
        record = source.grid.record
        terms += [
            self.symbol(")"),
            self.symbol("div"),
            ValueLabel(record.fact_key("numel"), record.numel, theme.text, STRIP_SIZE),
            self.symbol("="),
            self.number(number, theme.forward),
        ]
        self.play(FadeIn(result.grid.cells[0]), run_time=0.4)
        # Over the reduction's row: the calculation line's own place is under its caption.
        self.show_strip(*terms, sources=sources, y=source.get_top()[1] + REDUCTION_RISE)
        self.play(TransformFromCopy(self.strip[-1], number))
        self.play(FadeIn(result.label), FadeOut(self.strip))
        self.strip = VGroup()

    def factor(self, value: ValueLabel) -> VMobject:
        """A factor of a product in the calculation line; a negative one in parentheses, so
        `+ (−1.0) · 4.0` never reads as `+ −1.0`."""
        number = self.number(value, self.theme.text)
        if float(value.value) >= 0:
            return number
        return VGroup(self.symbol("("), number, self.symbol(")")).arrange(RIGHT, buff=0.03)

    def grid(self, record: GridRecord, name: str, width: float = CELL_WIDTH) -> CaptionedGrid:
        """A result tensor's grid with its code name and live shape beneath."""
        grid = TensorGrid(record, self.theme, cell=CELL, width=width)
        return grid.with_caption(self.theme, name)

    def equation(self, facts: BasicsFacts, left: str, operator: str, right: str, result: str) -> list[VMobject]:
        return [
            self.grid(facts[left], left),
            self.symbol(operator),
            self.grid(facts[right], right),
            self.symbol("="),
            self.grid(facts[result], result),
        ]

    def arrow(self, call: str) -> VGroup:
        """A right arrow with the call that makes its right side from its left over it, as code."""
        arrow = self.symbol("arrow.r")
        return VGroup(
            code_text(call, self.theme, SMALL_SIZE + 4, self.theme.muted).next_to(arrow, UP, buff=0.08), arrow
        )

    def row(self, *parts: VMobject, gap: float = 0.3, top: float = TOP) -> VGroup:
        return terms_row(*parts, centre_x=GRAPH_AREA.centre_x, top=top, width=GRAPH_AREA.width - 0.2, gap=gap)
