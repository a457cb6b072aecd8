"""tensors: a scalar, a vector, a matrix and a 3-d tensor, each with its live dim() and shape."""

from manim import *

from seminar_anim.model.basics import BasicsFacts, tensors_lesson
from seminar_anim.model.layouts import GridRecord
from seminar_anim.visual.codegraph import GRAPH_AREA, SAFE_BOTTOM, CodeGraphScene
from seminar_anim.visual.fades import FadeIn, FadeOut
from seminar_anim.visual.labels import ValueLabel, code_text, plain_text
from seminar_anim.visual.tensor import TensorGrid
from seminar_anim.visual.theme import LABEL_SIZE, SMALL_SIZE

# One quarter of the drawing area for each tensor: scalar, vector / matrix, 3-d tensor.
SLOTS = {
    "s": (GRAPH_AREA.left + 1.9, GRAPH_AREA.top - 0.35),
    "v": (GRAPH_AREA.left + 5.1, GRAPH_AREA.top - 0.35),
    "m": (GRAPH_AREA.left + 1.9, GRAPH_AREA.top - 3.05),
    "t": (GRAPH_AREA.left + 5.1, GRAPH_AREA.top - 3.05),
}
KINDS = {"s": "Scalar", "v": "Vector", "m": "Matrix", "t": "Tensor"}


class TensorsScene(CodeGraphScene):
    """Tensors are multi-dimensional arrays: the number of indices an element needs is dim()."""

    def construct(self) -> None:
        facts: BasicsFacts = self.facts or tensors_lesson()
        (listing,) = facts.listings
        marks = listing.marks
        code, output = self.panels(listing.code, bottom=SAFE_BOTTOM)

        self.step("code", "A tensor extends a vector to any number of dimensions: a multi-dimensional array.")
        self.play(FadeIn(self.title("Tensors: multi-dimensional arrays")), FadeIn(code, shift=0.2 * RIGHT))
        self.add(output)
        self.hold(2)

        cards = {}
        dims = {key: facts[key].dim for key in KINDS}
        for key, name, caption in (
            ("s", "scalar", f"A scalar is a single number: no index at all, so dim() is {dims['s']}, the shape empty."),
            ("v", "vector", f"A vector is a row of numbers: {dims['v']} index, {dims['v']} dimension."),
            ("m", "matrix", f"A matrix has rows and columns: {dims['m']} indices, {dims['m']} dimensions."),
            ("t", "tensor", f"Stack matrices and you need one more index: {dims['t']} dimensions, and so on to N."),
        ):
            self.step(name, caption)
            cards[key] = self.card(facts[key])
            self.play(code.highlight(marks[key]), FadeIn(cards[key], shift=0.2 * DOWN))
            self.execute(code, output, listing, marks[f"print_{key}"])
            self.hold(1)

        self.step("dimensions", "dim() counts the indices one element needs: one per dimension, three for t.")
        self.spread_out(facts, cards)
        self.hold(1)
        self.execute(code, output, listing, marks["print_pick"])
        self.hold(1)

    def spread_out(self, facts: BasicsFacts, cards: dict[str, VGroup]) -> None:
        """t's matrices side by side, every element in view, and the one t[i, j, k] picks."""
        theme = self.theme
        record = facts["t"]
        spread = TensorGrid(record, theme, spread=True)
        spread.move_to((GRAPH_AREA.centre_x, GRAPH_AREA.top - 2.0, 0))
        per_layer = len(record.values) // record.shape[0]
        names = VGroup(
            *(
                code_text(f"t[{layer}]", theme, SMALL_SIZE + 4, theme.muted).next_to(
                    spread.cells[layer * per_layer], UP, buff=0.2
                )
                for layer in range(record.shape[0])
            )
        )
        t_facts = cards["t"][2]
        self.play(
            FadeOut(VGroup(*(cards[key] for key in ("s", "v", "m")))),
            FadeOut(cards["t"][0]),
            ReplacementTransform(cards["t"][1], spread),
        )
        self.play(t_facts.animate.next_to(spread, DOWN, buff=0.4), FadeIn(names))
        pick_code, flat = facts.data["pick"]
        element = int(flat.value)
        pick = SurroundingRectangle(spread.cells[element], color=theme.selection, buff=0.04, stroke_width=5)
        reading = VGroup(
            code_text(f"{pick_code.value} =", theme, SMALL_SIZE + 6),
            ValueLabel(record.element_key(element), record.values[element], theme.text, LABEL_SIZE + 4),
        ).arrange(RIGHT, buff=0.2)
        reading.next_to(spread, DOWN, buff=1.2).set_x(spread.get_x())
        self.play(Create(pick), FadeIn(reading))

    def card(self, record: GridRecord) -> VGroup:
        """The tensor's grid under its kind, with dim() and shape live beneath, placed in its slot."""
        theme = self.theme
        grid = TensorGrid(record, theme)
        key = record.key
        heading = plain_text(KINDS[key], theme.muted, SMALL_SIZE + 4)
        facts = VGroup(
            code_text(f"{key}.dim()", theme, SMALL_SIZE + 2, theme.muted),
            ValueLabel(record.fact_key("dim"), record.dim, theme.text, LABEL_SIZE),
            code_text("shape", theme, SMALL_SIZE + 2, theme.muted),
            ValueLabel(record.shape_key, record.shape_text, theme.text, LABEL_SIZE),
        ).arrange(RIGHT, buff=0.15)
        card = VGroup(heading, grid, facts).arrange(DOWN, buff=0.25)
        x, top = SLOTS[key]
        return card.move_to((x, top, 0), aligned_edge=UP)
