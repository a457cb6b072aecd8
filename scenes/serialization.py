"""serialization: torch.save writes a zip archive; a saved view carries its whole storage, unless cloned."""

from manim import *

from seminar_anim.model.devices import SavedFile, SerializationFacts, serialization_lesson
from seminar_anim.visual.codegraph import GRAPH_AREA, SAFE_BOTTOM, CodeGraphScene
from seminar_anim.visual.fades import FadeIn, FadeOut
from seminar_anim.visual.labels import ValueLabel, code_text, plain_text
from seminar_anim.visual.theme import LABEL_SIZE, SMALL_SIZE

ENTRY_GAP = 0.05  # between the archive's entry rows
LEFT_X = GRAPH_AREA.left + 0.2
BAR_WIDTH = 4.6  # the width of the largest file's bar; every size is drawn to this scale
BAR_HEIGHT = 0.42


class SerializationScene(CodeGraphScene):
    """Files as bars to one scale: the storage's bytes in one colour, the archive's overhead in another."""

    def construct(self) -> None:
        facts: SerializationFacts = self.facts or serialization_lesson()
        listing = facts.listing
        marks = listing.marks
        theme = self.theme
        code, output = self.panels(listing.code, bottom=SAFE_BOTTOM)
        scale = BAR_WIDTH / max(saved.size for saved in facts.files.values())

        self.step("code", "torch.save writes a tensor to a file; torch.load reads it back.")
        self.play(FadeIn(self.title("Serializing tensors")), FadeIn(code, shift=0.2 * RIGHT))
        self.add(output)
        self.hold(2)

        self.step("save", "The file holds a's storage, all of its bytes, plus a little bookkeeping.")
        storage = self.storage_bar(facts, scale).move_to((LEFT_X, GRAPH_AREA.top - 0.2, 0), aligned_edge=UP + LEFT)
        self.play(code.highlight(marks["a"]), FadeIn(storage))
        tensor_file = self.file_bar(facts.files["tensor.pth"], scale)
        tensor_file.next_to(storage, DOWN, buff=0.45).align_to(storage, LEFT)
        self.play(code.highlight(marks["save"]), TransformFromCopy(storage[0], tensor_file[0][0]))
        self.play(FadeIn(tensor_file))
        self.execute(code, output, listing, marks["print_size"])
        self.hold(1)

        self.step(
            "archive", "The .pth file is a zip archive: the pickled record, and the storage's raw bytes in data/0."
        )
        archive = self.archive(facts.files["tensor.pth"])
        archive.next_to(tensor_file, DOWN, buff=0.35).align_to(tensor_file, LEFT)
        self.play(code.highlight(marks["names"]), FadeIn(archive, shift=0.2 * DOWN))
        entries = facts.files["tensor.pth"].entries
        data = archive[1][next(index for index, (name, _) in enumerate(entries) if name.endswith("/data/0"))]
        self.play(Indicate(data, color=theme.storage), Indicate(storage[1], color=theme.storage))
        self.play(code.highlight(marks["load"]))
        self.execute(code, output, listing, marks["print_equal"])
        self.hold(1)

        self.step("view", "A view is saved with its whole storage: two elements of a still write all of a's bytes.")
        small = self.file_bar(facts.files["small.pth"], scale)
        small.next_to(tensor_file, DOWN, buff=0.45).align_to(tensor_file, LEFT)
        window = SurroundingRectangle(
            Line(storage[0].get_corner(DOWN + LEFT), storage[0].get_corner(UP + LEFT) + 0.12 * RIGHT),
            color=theme.selection,
            buff=0.05,
        )
        key = self.key().move_to((LEFT_X, SAFE_BOTTOM + 0.2, 0), aligned_edge=DOWN + LEFT)
        self.play(code.highlight(marks["small"]), FadeOut(archive), Create(window), FadeIn(key))
        self.play(code.highlight(marks["save_small"]), TransformFromCopy(storage[0], small[0][0]))
        self.play(FadeIn(small))
        self.execute(code, output, listing, marks["print_small"])
        self.hold(1)

        self.step("clone", "small.clone() copies the two elements into a storage of their own: a small file.")
        cloned = self.file_bar(facts.files["clone.pth"], scale)
        cloned.next_to(small, DOWN, buff=0.45).align_to(small, LEFT)
        self.play(code.highlight(marks["save_clone"]), TransformFromCopy(window, cloned[0][0]))
        self.play(FadeIn(cloned))
        self.execute(code, output, listing, marks["print_clone"])
        self.play(Indicate(small[0][0], color=theme.selection), Indicate(cloned[0][0], color=theme.selection))
        self.hold(2)

    def storage_bar(self, facts: SerializationFacts, scale: float) -> VGroup:
        """a's storage drawn to the files' scale, with its bytes."""
        theme = self.theme
        bar = Rectangle(width=facts.nbytes * scale, height=BAR_HEIGHT, color=theme.storage, stroke_width=2)
        bar.set_fill(theme.storage, 0.35)
        label = VGroup(
            code_text("a.untyped_storage():", theme, SMALL_SIZE + 2, theme.muted),
            ValueLabel(facts.nbytes_key, facts.nbytes, theme.storage, LABEL_SIZE),
            plain_text("bytes", theme.muted, SMALL_SIZE + 2),
        ).arrange(RIGHT, buff=0.12)
        label.next_to(bar, UP, buff=0.1).align_to(bar, LEFT)
        return VGroup(bar, label)

    def file_bar(self, saved: SavedFile, scale: float) -> VGroup:
        """A file as a bar: its storage's bytes, then the archive's overhead, and the size on disk."""
        theme = self.theme
        data = Rectangle(width=max(saved.storage_bytes * scale, 0.04), height=BAR_HEIGHT, color=theme.storage)
        data.set_fill(theme.storage, 0.35).set_stroke(width=2)
        overhead = Rectangle(width=(saved.size - saved.storage_bytes) * scale, height=BAR_HEIGHT, color=theme.muted)
        overhead.set_fill(theme.muted, 0.25).set_stroke(width=2)
        overhead.next_to(data, RIGHT, buff=0)
        size = VGroup(
            code_text(saved.key, theme, SMALL_SIZE + 2),
            ValueLabel(saved.size_key, saved.size, theme.text, LABEL_SIZE),
            plain_text("bytes on disk", theme.muted, SMALL_SIZE + 1),
        ).arrange(RIGHT, buff=0.12)
        size.next_to(VGroup(data, overhead), UP, buff=0.1).align_to(data, LEFT)
        return VGroup(VGroup(data, overhead), size)

    def key(self) -> VGroup:
        """What the two parts of a file's bar are."""
        theme = self.theme
        items = VGroup()
        for color, opacity, words in (
            (theme.storage, 0.35, "storage bytes (data/0)"),
            (theme.muted, 0.25, "archive overhead"),
        ):
            swatch = Square(0.22, color=color, stroke_width=2).set_fill(color, opacity)
            items.add(VGroup(swatch, plain_text(words, theme.muted, SMALL_SIZE)).arrange(RIGHT, buff=0.12))
        return items.arrange(RIGHT, buff=0.35)

    def archive(self, saved: SavedFile) -> VGroup:
        """The archive's entries, two columns: name and size, the storage entry in the storage colour."""
        theme = self.theme
        rows = VGroup()
        for index, (name, size) in enumerate(saved.entries):
            color = theme.storage if name.endswith("/data/0") else theme.text
            rows.add(
                VGroup(
                    ValueLabel(saved.entry_key(index), name, color, SMALL_SIZE + 3),
                    ValueLabel(saved.entry_size_key(index), size, color, SMALL_SIZE + 3),
                )
            )
        width = max(row[0].width for row in rows)
        pitch = max(row.height for row in rows) + ENTRY_GAP
        for number, row in enumerate(rows):
            row[0].move_to((0, -number * pitch, 0), aligned_edge=LEFT)
            row[1].move_to((width + 0.9, row[0].get_y(), 0), aligned_edge=RIGHT)
        heading = plain_text("inside (zip entries, bytes)", theme.muted, SMALL_SIZE + 1)
        heading.next_to(rows, UP, buff=0.12).align_to(rows, LEFT)
        return VGroup(heading, rows)
