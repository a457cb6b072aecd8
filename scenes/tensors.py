"""tensors: a scalar, a vector, a matrix and a 3-d tensor, each with its live dim() and shape."""

from manim import *

from seminar_anim.model.basics import BasicsFacts, TensorRecord, tensors_lesson
from seminar_anim.visual.codegraph import GRAPH_AREA, SAFE_BOTTOM, CodeGraphScene
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
        self.play(FadeIn(self.title("Tensors:", '"multi-dimensional arrays"')), FadeIn(code, shift=0.2 * RIGHT))
        self.add(output)
        self.hold(2)

        cards = {}
        for key, name, caption in (
            ("s", "scalar", "A scalar is a single number: no index at all, so dim() is 0 and the shape is empty."),
            ("v", "vector", "A vector is a row of numbers: one index, one dimension."),
            ("m", "matrix", "A matrix has rows and columns: two indices, two dimensions."),
            ("t", "tensor", "Stack matrices and you need a third index: an N-dimensional tensor."),
        ):
            self.step(name, caption)
            cards[key] = self.card(facts[key])
            self.play(code.highlight(marks[key]), FadeIn(cards[key], shift=0.2 * DOWN))
            self.execute(code, output, listing, marks[f"print_{key}"])
            self.hold(1)

        self.step("dimensions", "dim() counts the indices one element needs, and shape gives each one's range.")
        self.play(*(Indicate(card[-1], color=self.theme.selection) for card in cards.values()), run_time=1.5)
        self.hold(2)

    def card(self, record: TensorRecord) -> VGroup:
        """The tensor's grid under its kind, with dim() and shape live beneath, placed in its slot."""
        theme = self.theme
        grid = TensorGrid(record, theme)
        key = record.key
        heading = plain_text(KINDS[key], theme.muted, SMALL_SIZE + 4)
        facts = VGroup(
            code_text(f"{key}.dim()", theme, SMALL_SIZE + 2, theme.muted),
            ValueLabel(f"{key}.dim", record.dim, theme.selection, LABEL_SIZE),
            code_text("shape", theme, SMALL_SIZE + 2, theme.muted),
            ValueLabel(f"{key}.shape", record.shape_text, theme.selection, LABEL_SIZE),
        ).arrange(RIGHT, buff=0.15)
        card = VGroup(heading, grid, facts).arrange(DOWN, buff=0.25)
        x, top = SLOTS[key]
        return card.move_to((x, top, 0), aligned_edge=UP)
