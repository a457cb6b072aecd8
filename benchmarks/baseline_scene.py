"""A plain-Manim scene like `memory` in kind, amount and length: the baseline scripts/bench.py compares with.

It imports Manim only, never seminar_anim: a code panel of monospace lines with a moving
highlight bar and printed output, a list drawn as boxed objects, a block of memory cells
with Typst numbers, FadeIn / FadeOut / Transform and waits, one section per step, about
30 seconds long. Render it with `manim render -ql benchmarks/baseline_scene.py BaselineScene`.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Camera,
    FadeIn,
    FadeOut,
    ManimColor,
    MathTypst,
    Rectangle,
    RoundedRectangle,
    Scene,
    Text,
    Transform,
    VGroup,
)

BACKGROUND = "#1e1e2e"
PANEL = "#2a2a3c"
HIGHLIGHT = "#3d3d5c"
TEXT = "#e6e6f0"
MUTED = "#9a9ab0"
STORAGE = "#f2c14e"
CODE_FONT = "DejaVu Sans Mono"
CODE_LINES = (
    "import sys, torch",
    "l = [1, 0, 3]",
    "print(l[0])",
    "m = [[1, 0], [3, 4]]",
    "print(m[1][0])",
    "t = torch.tensor([1., 0., 3.])",
    "print(t.element_size(), t.nbytes)",
    "print(sys.getsizeof(l))",
)
READING = 1.5  # seconds held per new line of text, as in the lecture scenes


def code_line(text: str, size: float = 20, color: str = TEXT) -> Text:
    return Text(text or " ", font=CODE_FONT, font_size=size, color=color)


def boxed_list(values: list[str]) -> VGroup:
    """A list as a row of pointer slots, each with an arrow to its own boxed number below."""
    slots = VGroup(*(Rectangle(width=0.6, height=0.5, color=MUTED) for _ in values)).arrange(RIGHT, buff=0)
    objects = VGroup()
    for value in values:
        box = VGroup(Rectangle(width=0.9, height=0.6, color=TEXT), MathTypst(value, font_size=28, color=TEXT))
        box[1].move_to(box[0])
        objects.add(box)
    objects.arrange(RIGHT, buff=0.3).next_to(slots, DOWN, buff=0.8)
    arrows = VGroup(
        *(
            Arrow(slot.get_center(), target.get_top(), buff=0.05, stroke_width=3, color=MUTED)
            for slot, target in zip(slots, objects, strict=True)
        )
    )
    return VGroup(slots, arrows, objects)


def memory_cells(values: list[str], offsets: list[int]) -> VGroup:
    """One block of side-by-side cells, a Typst number in each and its byte offset under it."""
    cells = VGroup(*(Rectangle(width=1.1, height=0.7, color=STORAGE) for _ in values)).arrange(RIGHT, buff=0)
    numbers = VGroup(
        *(
            MathTypst(value, font_size=30, color=STORAGE).move_to(cell)
            for value, cell in zip(values, cells, strict=True)
        )
    )
    marks = VGroup(
        *(
            MathTypst(str(offset), font_size=22, color=MUTED).next_to(cell, DOWN, buff=0.12)
            for offset, cell in zip(offsets, cells, strict=True)
        )
    )
    return VGroup(cells, numbers, marks)


class BaselineScene(Scene):
    """Five steps, each a section: code, a list, a nested list, a tensor block, a comparison."""

    def construct(self) -> None:
        camera = self.camera
        assert isinstance(camera, Camera), "the baseline renders with the Cairo renderer, like seminar-anim"
        camera.background_color = ManimColor(BACKGROUND)
        lines = VGroup(*(code_line(text) for text in CODE_LINES)).arrange(DOWN, buff=0.18, aligned_edge=LEFT)
        panel = RoundedRectangle(
            corner_radius=0.12, width=lines.width + 0.5, height=lines.height + 0.5, fill_color=PANEL, fill_opacity=1
        ).set_stroke(width=0)
        panel.to_corner(UP + LEFT, buff=0.6).shift(0.6 * DOWN)
        lines.move_to(panel)
        bar = RoundedRectangle(
            corner_radius=0.05, width=panel.width - 0.2, height=0.34, fill_color=HIGHLIGHT, fill_opacity=1
        ).set_stroke(width=0)
        bar.move_to(lines[0]).set_x(panel.get_x())
        code = VGroup(panel, bar, lines)
        heading = Text("output", font_size=18, color=MUTED).next_to(panel, DOWN, buff=0.3).align_to(panel, LEFT)
        printed: list[Text] = []
        right = panel.get_right()[0] + 3.3

        def highlight(index: int) -> None:
            self.play(bar.animate.set_y(lines[index].get_y()))

        def print_line(text: str) -> None:
            anchor = printed[-1] if printed else heading
            line = code_line(text, 18).next_to(anchor, DOWN, buff=0.1).align_to(heading, LEFT)
            printed.append(line)
            self.play(FadeIn(line, shift=0.1 * UP))
            self.wait(READING)

        def step(name: str, caption: str) -> None:
            """A section per step, with its narrated subcaption, as the lecture scenes write."""
            self.next_section(name)
            self.add_subcaption(caption, duration=2 * READING)

        step("code", "A Python list and a tensor can hold the same numbers, stored very differently.")
        title = Text("Lists vs tensors in memory", font_size=36, color=TEXT).to_edge(UP, buff=0.45)
        self.play(FadeIn(title), FadeIn(code, shift=0.2 * RIGHT))
        self.add(heading)
        self.wait(2 * READING)

        step("list", "A list holds pointers; each number is a separate Python object.")
        flat = boxed_list(["1", "0", "3"]).move_to((right, 1.3, 0))
        self.play(bar.animate.set_y(lines[1].get_y()), FadeIn(flat))
        highlight(2)
        print_line("1")
        self.wait(2 * READING)

        step("nested", "A nested list adds a level: pointers to lists, whose pointers lead to numbers.")
        nested = boxed_list(["[1, 0]", "[3, 4]"]).move_to(flat, aligned_edge=UP)
        self.play(bar.animate.set_y(lines[3].get_y()), FadeOut(flat, shift=0.3 * UP), FadeIn(nested, shift=0.3 * UP))
        highlight(4)
        print_line("3")
        self.wait(2 * READING)

        step("tensor", "A float32 tensor is one contiguous block: 4 bytes per number.")
        block = memory_cells(["1.0", "0.0", "3.0"], [0, 4, 8]).move_to((right, -1.4, 0))
        caption = Text("t.untyped_storage(): C floats, side by side", font_size=18, color=MUTED)
        caption.next_to(block, UP, buff=0.15)
        self.play(bar.animate.set_y(lines[5].get_y()), FadeIn(block), FadeIn(caption))
        highlight(6)
        print_line("4 12")
        sizes = VGroup(code_line("t.nbytes", 18, MUTED), MathTypst("12", font_size=26, color=STORAGE))
        sizes.arrange(RIGHT, buff=0.2).next_to(block, DOWN, buff=0.35)
        self.play(FadeIn(sizes))
        self.wait(2 * READING)

        step("compare", "The list of three numbers takes far more bytes than the tensor.")
        total = VGroup(code_line("sys.getsizeof(l)", 18, MUTED), MathTypst("88", font_size=26, color=TEXT))
        total.arrange(RIGHT, buff=0.2).move_to(sizes)
        again = boxed_list(["1", "0", "3"]).move_to(nested, aligned_edge=UP)
        self.play(bar.animate.set_y(lines[7].get_y()), Transform(nested, again))
        self.play(Transform(sizes, total))
        self.wait(2 * READING)
