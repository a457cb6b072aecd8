"""data: an image, a sound and a sentence all become tensors of floating point numbers."""

from manim import *

from seminar_anim.model.basics import BasicsFacts, data_lesson
from seminar_anim.visual.codegraph import GRAPH_AREA, SAFE_BOTTOM, CodeGraphScene
from seminar_anim.visual.fades import FadeIn, FadeOut
from seminar_anim.visual.labels import ValueLabel, code_text, format_value, plain_text
from seminar_anim.visual.tensor import TensorGrid, tensor_caption
from seminar_anim.visual.theme import LABEL_SIZE, SMALL_SIZE

TOP = GRAPH_AREA.top - 0.15
PIXEL = 0.58
SAMPLE_GAP = 0.36  # horizontal distance between two audio samples
AMPLITUDE = 1.3  # height of a sample of value 1
WORD_ROW = 0.48
INDEX_GAP = 0.25  # between the vocabulary's indices and its longest word
WEIGHT_WIDTH = 0.78
WORDS_RIGHT = GRAPH_AREA.left + 1.6


class DataScene(CodeGraphScene):
    """Pixels, samples and words, each turned into a tensor whose dtype and shape are shown live."""

    def construct(self) -> None:
        facts: BasicsFacts = self.facts or data_lesson()
        image, audio, text, lookup = facts.listings
        theme = self.theme
        code, output = self.panels(image.code, bottom=SAFE_BOTTOM)

        self.step("inputs", "How can machines deal with such different inputs? Each becomes a tensor of numbers.")
        self.play(FadeIn(self.title("Representing data: all inputs become numbers")), FadeIn(code))
        self.add(output)
        self.hold(2)

        self.step("image", "An image is a grid of pixel intensities: what the computer sees is the numbers.")
        pixels = TensorGrid(facts["img"], theme, theme.muted, PIXEL, shade=True)
        seen = TensorGrid(facts["img"], theme, theme.muted, 0.42, shade=True, show_values=False)
        seen_caption = plain_text("what you see", theme.muted, SMALL_SIZE + 2).next_to(seen, DOWN, buff=0.15)
        numbers_caption = pixels.caption(theme, "img", "dtype")
        picture = VGroup(VGroup(seen, seen_caption), VGroup(pixels, numbers_caption.next_to(pixels, DOWN, 0.15)))
        picture.arrange(RIGHT, buff=0.8, aligned_edge=UP).move_to((GRAPH_AREA.centre_x, TOP - 0.3, 0), aligned_edge=UP)
        self.play(code.highlight(image.marks["img"]), FadeIn(picture[0]))
        self.play(code.highlight(image.marks["centre"]), TransformFromCopy(seen, pixels), FadeIn(numbers_caption))
        self.execute(code, output, image, image.marks["print_img"])
        self.hold(1)

        self.step("audio", "Sound is air pressure sampled many times a second: a 1-d tensor of samples.")
        code, output = self.swap_panels(code, output, audio.code, picture)
        wave = self.waveform(facts)
        self.play(code.highlight(audio.marks["t"]), Create(wave[0]))
        self.play(code.highlight(audio.marks["wave"]), LaggedStart(*(Create(stem) for stem in wave[1]), lag_ratio=0.05))
        self.play(FadeIn(wave[2]))
        self.execute(code, output, audio, audio.marks["print_wave"])
        self.execute(code, output, audio, audio.marks["print_start"])
        self.hold(1)

        marks = " or ".join(format_value(mark) for mark in sorted(set(facts["x"].values), reverse=True))
        self.step("text", f"Text: mark which words of the vocabulary occur in the sentence, {marks} each.")
        code, output = self.swap_panels(code, output, text.code, wave)
        (said,) = facts.data["sentence"]
        sentence = ValueLabel(said.key, said.value, theme.text, LABEL_SIZE + 2)
        sentence.move_to((GRAPH_AREA.centre_x, TOP, 0), aligned_edge=UP)
        words = self.vocabulary(facts).next_to(sentence, DOWN, buff=0.35).set_x(WORDS_RIGHT, direction=RIGHT)
        hot = TensorGrid(facts["x"], theme, theme.storage, WORD_ROW, width=WEIGHT_WIDTH, vertical=True)
        self.beside(hot, words)
        hot_caption = hot.caption(theme, "x", "shape").next_to(hot, RIGHT, buff=0.3)
        self.play(code.highlight(text.marks["words"]), FadeIn(sentence), FadeIn(words))
        self.play(code.highlight(text.marks["x"]), FadeIn(hot), FadeIn(hot_caption))
        ones = [index for index, value in enumerate(hot.record.values) if float(value) == 1.0]
        self.play(*(Indicate(words[index], color=theme.selection) for index in ones))
        self.execute(code, output, text, text.marks["print_x"])
        self.hold(1)

        self.step(
            "embedding", "An embedding gives each word a row of learned numbers: a point in a higher-dimensional space."
        )
        code, output = self.swap_panels(code, output, lookup.code, VGroup(hot, hot_caption))
        weight = TensorGrid(facts["emb.weight"], theme, theme.local, WORD_ROW, width=WEIGHT_WIDTH)
        self.beside(weight, words)
        weight_caption = weight.caption(theme, "emb.weight", "shape").next_to(weight, DOWN, buff=0.15)
        self.play(code.highlight(lookup.marks["emb"]), FadeIn(weight), FadeIn(weight_caption))
        self.execute(code, output, lookup, lookup.marks["print_ids"])
        embedded = TensorGrid(facts["e"], theme, theme.forward, WORD_ROW, width=WEIGHT_WIDTH)
        embedded.next_to(weight, RIGHT, buff=0.15).align_to(weight, UP)
        # Wider than its grid, between the weights and the frame's edge: the caption takes two lines.
        embedded_caption = embedded.caption(theme, "e = emb(ids)", "shape").arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        embedded_caption.next_to(embedded, DOWN, buff=0.15).align_to(embedded, LEFT)
        ids = [int(word_id.value) for word_id in facts.data["ids"]]
        self.play(code.highlight(lookup.marks["e"]))
        for slot, word in enumerate(ids):
            self.play(
                Indicate(words[word], color=theme.selection),
                TransformFromCopy(weight.row(word), embedded.row(slot)),
                run_time=0.8,
            )
        chosen = VGroup(
            *(SurroundingRectangle(weight.row(word), color=theme.selection, buff=0.03, stroke_width=4) for word in ids)
        )
        self.play(FadeIn(embedded_caption), Create(chosen))
        self.execute(code, output, lookup, lookup.marks["print_e"])
        self.hold(1)

        self.step("tensors", "Pixels, samples and words all end up as tensors of floating point numbers.")
        summary = self.summary(facts)
        self.play(
            FadeOut(VGroup(sentence, words, weight, weight_caption, chosen, embedded, embedded_caption)),
            FadeIn(summary, shift=0.2 * UP),
        )
        self.hold(3)

    def waveform(self, facts: BasicsFacts) -> VGroup:
        """A stem per sample, as tall as its value; the first samples labelled with their values."""
        theme = self.theme
        samples = facts["wave"].values
        axis = Line(ORIGIN, (SAMPLE_GAP * (len(samples) - 1) + 0.3) * RIGHT, color=theme.muted, stroke_width=2)
        stems = VGroup()
        for index, value in enumerate(samples):
            foot = axis.get_start() + (0.15 + index * SAMPLE_GAP) * RIGHT
            tip = foot + float(value) * AMPLITUDE * UP
            stems.add(VGroup(Line(foot, tip, color=theme.storage, stroke_width=3), Dot(tip, 0.06, color=theme.storage)))
        caption = tensor_caption(facts["wave"], theme, "wave")
        drawing = VGroup(axis, stems, caption)
        drawing.move_to((GRAPH_AREA.centre_x, TOP - 2.3, 0))
        caption.next_to(VGroup(axis, stems), DOWN, buff=0.5).set_x(GRAPH_AREA.centre_x)
        return drawing

    def vocabulary(self, facts: BasicsFacts) -> VGroup:
        """The vocabulary, one word per row, right-aligned, each after its index in the list."""
        theme = self.theme
        rows = VGroup()
        for index, (text, position) in enumerate(
            zip(facts.data["vocabulary"], facts.data["vocabulary_index"], strict=True)
        ):
            word = ValueLabel(text.key, text.value, theme.text, SMALL_SIZE + 4)
            word.move_to((0, -index * WORD_ROW, 0), aligned_edge=RIGHT)
            number = ValueLabel(position.key, position.value, theme.muted, SMALL_SIZE + 2)
            rows.add(VGroup(word, number))
        # The indices right-aligned in a column left of the longest word.
        left = min(row[0].get_left()[0] for row in rows) - INDEX_GAP
        for row in rows:
            row[1].move_to((left, row[0].get_y(), 0), aligned_edge=RIGHT)
        return rows

    @staticmethod
    def beside(grid: TensorGrid, words: VGroup) -> None:
        """Put `grid` right of the words, each of its rows level with its word."""
        grid.next_to(words, RIGHT, buff=0.25)
        grid.shift((words[0][0].get_y() - grid.cells[0].get_y()) * UP)

    def summary(self, facts: BasicsFacts) -> VGroup:
        """Each input's tensor: its name, dtype and shape, live."""
        theme = self.theme
        rows = VGroup()
        for key, what in (("img", "image"), ("wave", "audio"), ("x", "text"), ("e", "embedding")):
            record = facts[key]
            rows.add(
                VGroup(
                    plain_text(what, theme.muted, SMALL_SIZE + 4),
                    code_text(key, theme, SMALL_SIZE + 6),
                    ValueLabel(record.dtype_key, record.dtype, theme.storage, LABEL_SIZE + 2),
                    ValueLabel(record.shape_key, record.shape_text, theme.selection, LABEL_SIZE + 2),
                )
            )
        for row in rows:
            for column, part in enumerate(row):
                part.move_to((column * 1.9, 0, 0), aligned_edge=LEFT)
        rows.arrange(DOWN, buff=0.45, aligned_edge=LEFT)
        return rows.move_to((GRAPH_AREA.centre_x, (TOP + SAFE_BOTTOM) / 2, 0))
