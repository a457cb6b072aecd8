"""The scene built without rendering: drawn numbers equal the manifest, text stays clean and inside."""

from __future__ import annotations

import numpy as np
import pytest

from seminar_anim.visual.labels import format_value
from seminar_anim.visual.lint import DrawnText, layout_problems
from tests.conftest import captured, clean_capture, scene_themes

EXPRESSIONS = [
    (None, ()),
    ("tanh(w1*x1 + w2*x2 + b)", ("x1=2", "w1=-3", "x2=0", "w2=1", "b=6.8814")),
    ("x*x + x", ("x=3",)),
    ("sin(x) * cos(y) - x ** y", ("x=1.2", "y=0.3")),
]
# Lecture scale: 24 operations, 8 deep, with fan-out; its graph takes the frame's width.
LECTURE_SCALE = (
    "sigmoid(relu(a*b + c) * d - e) * log(d*d + e) + (exp(-a) * (b - c) / (d + e) + sqrt(sqrt(a*a + b) + 1) * 2)",
    {"a": 0.5, "b": 1.5, "c": -0.2, "d": 2.0, "e": 0.3},
)


def test_a_graph_at_lecture_scale_is_legible_and_clean() -> None:
    """Laid out as the scene lays it out, with every value, gradient and local derivative shown."""
    from manim import Mobject

    from seminar_anim.model.expr import count_op_nodes, parse_expression
    from seminar_anim.model.graph import columns
    from seminar_anim.model.trace import trace_graph
    from seminar_anim.visual.codegraph import GRAPH_AREA, WIDE_AREA
    from seminar_anim.visual.graph import MIN_BIG_GRAPH_GLYPH, GraphView
    from seminar_anim.visual.lint import drawn_texts
    from seminar_anim.visual.theme import get_theme

    source, at = LECTURE_SCALE
    parsed = parse_expression(source)
    graph = trace_graph(parsed, at)
    assert count_op_nodes(parsed.tree) == 24 and max(columns(graph).values()) == 8
    view = GraphView(graph, get_theme("dark"), (GRAPH_AREA, WIDE_AREA))
    assert view.area is WIDE_AREA
    # Six nodes tall and nine columns wide, its smallest text is still 5.5 px tall at 480p.
    assert view.smallest * view.scale_factor >= MIN_BIG_GRAPH_GLYPH
    parts: list[Mobject] = [part for node in view.nodes.values() for part in node.parts]
    parts += [edge.local for edge in view.edges]
    assert layout_problems(drawn_texts(parts), 14.222, 8.0, MIN_BIG_GRAPH_GLYPH) == []


STEPS = ["code", "forward", "seed", "backward", "leaves", "chain-rule", "check"]


def numbers(texts: list[DrawnText]) -> list[DrawnText]:
    return [text for text in texts if text.key is not None]


@pytest.mark.parametrize(("expr", "at"), EXPRESSIONS)
def test_every_drawn_number_equals_the_manifest(expr: str | None, at: tuple[str, ...]) -> None:
    manifest, captures = captured("autograd", expr=expr, at=at)
    assert [capture.name for capture in captures] == STEPS
    for capture in captures:
        for text in numbers(capture.texts):
            assert text.key in manifest.values, f"{capture.name}: {text.key} is drawn but not in the manifest"
            value = manifest.values[text.key]
            assert isinstance(value, float)
            assert text.text == format_value(value), f"{capture.name}: {text.key}"
            assert float(text.text) == pytest.approx(value, abs=5e-5, rel=5e-4)


@pytest.mark.parametrize(("expr", "at"), EXPRESSIONS)
def test_the_last_frame_shows_every_value_and_gradient(expr: str | None, at: tuple[str, ...]) -> None:
    manifest, captures = captured("autograd", expr=expr, at=at)
    drawn = {text.key for text in numbers(captures[-1].texts)}
    skip = ("expression", "focus", "output")
    nodes = [key for key in manifest.values if "." not in key and "->" not in key and key not in skip]
    for key in nodes:
        assert key in drawn, f"value {key} is not drawn"
        assert f"{key}.grad" in drawn, f"gradient {key}.grad is not drawn"
    edges = {key for key in manifest.values if key.endswith(".local")}
    assert edges <= drawn
    printed = [text.text for text in captures[-1].texts if text.text == manifest.prints[0]]
    assert printed == [manifest.prints[0]]
    # Far from the legend, the output's two numbers are named by their colour's tag beside them.
    for word, output in (("value", "output"), ("grad", "output.grad")):
        (tag,) = [text for text in captures[-1].texts if text.text == word]
        row = [text for text in numbers(captures[-1].texts) if tag.bottom < (text.bottom + text.top) / 2 < tag.top]
        nearest = max((text for text in row if text.right < tag.left), key=lambda text: text.right)
        assert tag.left - nearest.right < 0.8 and manifest.values[str(nearest.key)] == manifest.values[output]


@pytest.mark.parametrize(("expr", "at"), EXPRESSIONS)
def test_layout_is_clean_at_every_step(expr: str | None, at: tuple[str, ...]) -> None:
    _, captures = captured("autograd", expr=expr, at=at)
    for capture in captures:
        assert layout_problems(capture.texts, capture.frame_width, capture.frame_height) == [], capture.name


@pytest.mark.xdist_group("autograd")
def test_light_theme_layout_is_clean_too() -> None:
    _, captures = captured("autograd", theme="light")
    for capture in captures:
        assert layout_problems(capture.texts, capture.frame_width, capture.frame_height) == [], capture.name
    assert {text.key for text in numbers(captures[-1].texts)} == {
        text.key for text in numbers(captured("autograd")[1][-1].texts)
    }


def test_the_lint_catches_overlap_and_the_margin() -> None:
    inside = DrawnText("a", None, 0.0, 1.0, 0.0, 1.0)
    assert layout_problems([inside], 14.2, 8.0) == []
    assert layout_problems([inside, DrawnText("b", None, 0.5, 1.5, 0.5, 1.5)], 14.2, 8.0) == ["'a' overlaps 'b'"]
    assert layout_problems([DrawnText("c", None, 6.5, 6.9, 0.0, 1.0)], 14.2, 8.0) == ["'c' leaves the safe area"]


def test_the_lint_measures_text_by_its_letters_not_its_box() -> None:
    from manim import MathTypst, Text

    from seminar_anim.visual.lint import MIN_GLYPH_HEIGHT, glyph_height

    # "=" is flat and "(x)" tall, but both are drawn at one size: the lint reads the size.
    flat, tall = MathTypst("=", font_size=24), MathTypst("(x)", font_size=24)
    assert flat.height < tall.height / 3
    assert glyph_height(flat) == pytest.approx(glyph_height(tall))
    small = Text("byte offset", font="DejaVu Sans", font_size=24).scale(0.5)
    assert glyph_height(small) < MIN_GLYPH_HEIGHT <= glyph_height(Text("byte offset", font="DejaVu Sans", font_size=24))
    tiny = DrawnText("tiny", None, 0.0, 1.0, 0.0, 0.2, glyph=glyph_height(small))
    assert layout_problems([tiny], 14.2, 8.0) == ["'tiny' is too small to read (5.5 px at 480p)"]


def test_typeset_words_are_measured_by_their_letters() -> None:
    from manim import MathTypst, Text

    from seminar_anim.visual.labels import ValueLabel
    from seminar_anim.visual.lint import glyph_height

    # A typeset word's letters are smaller than its digits would be: the lint reads them as letters.
    digits, words = MathTypst("0", font_size=24), MathTypst('"x"', font_size=24)
    assert glyph_height(words) < glyph_height(digits) * 0.9
    # A word a value holds (float32, cuda) is drawn in the prose font, where its letters read.
    word = ValueLabel("t.dtype", "float32", "#ffffff", 24)
    assert any(isinstance(part, Text) for part in word.submobjects)
    assert isinstance(ValueLabel("t.shape", "(3, 2)", "#ffffff", 24).submobjects[0], MathTypst)


LECTURES = {
    "autograd-basics": ["code", "leaf", "forward", "backward", "check"],
    "accumulation": ["code", "accumulate", "why", "zero", "fan-out"],
    "chain-rule": ["code", "forward", "local", "chain", "check"],
}


@pytest.mark.parametrize(("scene", "theme"), scene_themes(sorted(LECTURES)))
def test_lecture_scenes_draw_the_manifest_cleanly(scene: str, theme: str) -> None:
    manifest, captures = clean_capture(scene, theme, LECTURES[scene])
    last = captures[-1].texts
    assert manifest.prints[-1] in [text.text for text in last]
    assert "x.grad" in {text.key for text in last}


@pytest.mark.xdist_group("accumulation")
def test_accumulation_draws_every_reading() -> None:
    manifest, captures = captured("accumulation")
    zero = next(capture for capture in captures if capture.name == "zero")
    drawn = {text.key: text.text for text in numbers(zero.texts)}
    readings = [key for key in manifest.values if key.startswith("x.grad.")]
    assert [drawn[key] for key in readings] == ["6.0", "12.0", "18.0", "24.0", "0.0", "6.0"]


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        (
            "[torch.storage.TypedStorage(dtype=torch.int64, device=cpu) of size 4]",
            ["[torch.storage.TypedStorage(dtype=torch.", "int64, device=cpu) of size 4]"],
        ),
        ("tensor([0., 1., 0., 1., 0., 0., 1., 0., 1.])", ["tensor([0., 1., 0., 1., 0., 0., 1., 0.,", "1.])"]),
        ("  1", ["  1"]),
        ("x" * 50, ["x" * 40, "x" * 10]),
    ],
)
def test_console_lines_break_between_words_never_inside_one(text: str, lines: list[str]) -> None:
    from seminar_anim.visual.code import console_lines

    assert console_lines(text, 40) == lines


def test_a_number_typed_into_a_subtitle_is_found() -> None:
    from seminar_anim.model.manifest import Manifest
    from tests.conftest import typed_numbers

    manifest = Manifest("m", "2", "cpu", "float32", {"t.offset[1]": 4, "t.shape": "(3, 2)"}, code="y = x**2 + 7")
    assert typed_numbers("offsets 4 and 8, shape 3 by 2; y = x**2 here.", manifest) == ["8,"]
    assert typed_numbers("x**2 and 7 apples", manifest) == ["7"]


@pytest.mark.parametrize(
    ("line", "rows"),
    [
        ("first_elements = x[:3]  # elements 0, 1, 2", ["first_elements = x[:3]", "# elements 0, 1, 2"]),
        ("a.zero_()  # in-place: trailing underscore", ["a.zero_()  # in-place:", "trailing underscore"]),
        ('s = "# not a comment, a string"', ['s = "# not a comment, a', 'string"']),
        ("print(x)  # fits", ["print(x)  # fits"]),
    ],
)
def test_a_comment_that_does_not_fit_starts_its_own_row(line: str, rows: list[str]) -> None:
    from seminar_anim.visual.code import code_rows

    assert code_rows(line, 28, 26) == rows


@pytest.mark.parametrize(
    ("line", "rows"),
    [
        ("x = torch.arange(6.).reshape(3, 2) - 2", ["x = torch.arange(6.)", ".reshape(3, 2) - 2"]),
        ("p = x.untyped_storage().data_ptr()", ["p = x.untyped_storage()", ".data_ptr()"]),
        (
            "q = some_elements.untyped_storage().data_ptr()",
            ["q = some_elements", ".untyped_storage()", ".data_ptr()"],
        ),
        ("names = zipfile.ZipFile('tensor.pth')", ["names = zipfile.ZipFile(", "'tensor.pth')"]),
        ("print(os.path.getsize('tensor.pth'))", ["print(os.path.getsize(", "'tensor.pth'))"]),
        (
            "for dt in [torch.float32, torch.float64, torch.int8]:",
            ["for dt in [torch.float32,", "torch.float64,", "torch.int8]:"],
        ),
    ],
)
def test_code_breaks_outside_the_fewest_brackets(line: str, rows: list[str]) -> None:
    from seminar_anim.visual.code import code_rows

    assert code_rows(line, 28, 26) == rows


def test_a_scrolling_console_never_shows_the_tail_of_a_print_alone() -> None:
    from seminar_anim.visual.code import OutputPanel
    from seminar_anim.visual.layout import Box
    from seminar_anim.visual.theme import get_theme

    output = OutputPanel(get_theme("dark"), Box(-6.0, -1.0, -1.0, 0.5))
    prints = ["first", "a long print, wrapped", "over three lines", "of the console", "last", "and more"]
    for index, line in enumerate(prints):
        output.print_line(line, continued=line in prints[2:4])
        assert len(output.shown) <= output.capacity
        top = output.printed.index(output.shown[0])
        assert not output.continues[top], f"after print {index}: the top line continues a print"
        assert output.shown == output.printed[top:]
    assert output.capacity < len(prints)


@pytest.mark.parametrize(("scene", "name"), [("storage", "b"), ("storage", "c"), ("storage", "t"), ("indexing", None)])
def test_every_view_is_named_by_a_tag_tied_to_the_cells_it_reads(scene: str, name: str | None) -> None:
    from manim import Text

    from seminar_anim.app.catalogue import find_scene
    from seminar_anim.app.options import LessonOptions
    from seminar_anim.visual.memory import MemoryBlock, StridedView
    from seminar_anim.visual.theme import get_theme

    facts, _ = find_scene(scene).compute(LessonOptions(device="cpu"))
    if name is None:  # every selection of the slides, named as the code binds it: element, row, ...
        pairs = [(facts.line, view) for view in facts.views[0]] + [(facts.grid, view) for view in facts.views[1]]
        assert [view.name for _, view in pairs[:2]] == ["element", "first_elements"]
    else:
        pairs = [(facts.storage, facts.views[name])]
    for storage, view in pairs:
        block = MemoryBlock(storage, get_theme("dark"), "x.untyped_storage()")
        window = StridedView(view, block, "#ffee58")
        (text,) = [part for part in window.tag if isinstance(part, Text)]
        assert text.original_text == view.name
        cells = [block.cell(index) for index in set(view.elements)]
        assert len(window.marks) == len(window.ties) == len(cells)
        assert min(cell.get_left()[0] for cell in cells) < text.get_center()[0] < max(c.get_right()[0] for c in cells)
        assert window.tag.get_top()[1] < window.marks.get_bottom()[1] < min(o.get_bottom()[1] for o in block.offsets)
        for mark, tie in zip(window.marks, window.ties, strict=True):
            assert np.allclose(tie.get_start(), mark.get_center())
            assert np.allclose(tie.get_end(), window.tag.get_top(), atol=0.01)


@pytest.mark.parametrize(("name", "row", "column"), [("c", 1, 1), ("c", 0, 1), ("t", 1, 0), ("t", 1, 1)])
def test_a_stride_walk_hops_its_strides_to_the_element_it_reads(name: str, row: int, column: int) -> None:
    from types import SimpleNamespace

    from scenes.storage import StorageScene
    from seminar_anim.app.catalogue import find_scene
    from seminar_anim.app.options import LessonOptions
    from seminar_anim.visual.labels import ValueLabel
    from seminar_anim.visual.memory import MemoryBlock
    from seminar_anim.visual.theme import get_theme

    theme = get_theme("dark")
    facts, _ = find_scene("storage").compute(LessonOptions(device="cpu"))
    view = facts.views[name]
    block = MemoryBlock(facts.storage, theme, "a.untyped_storage()")
    hops = StorageScene.hops(SimpleNamespace(theme=theme), view, block, row, column)  # type: ignore[arg-type]
    assert len(hops) == row + column
    labels = [next(part for part in hop[1] if isinstance(part, ValueLabel)) for hop in hops]
    assert [label.value for label in labels] == [view.stride[0]] * row + [view.stride[1]] * column
    assert {label.key for label in labels} <= {view.step_key(0), view.step_key(1)}
    # The last hop lands over the very cell the element is read from.
    landing = block.cell(view.elements[row * view.shape[1] + column])
    tip = hops[-1][0].get_end()
    assert landing.get_left()[0] < tip[0] < landing.get_right()[0]
    assert tip[1] > max(index.get_top()[1] for index in block.ruler)


def test_dtypes_draws_every_cell_as_wide_as_its_bytes() -> None:
    from types import SimpleNamespace

    from scenes.dtypes import BYTE, DtypesScene
    from seminar_anim.model.basics import dtypes_lesson
    from seminar_anim.visual.codegraph import GRAPH_AREA
    from seminar_anim.visual.theme import get_theme

    facts = dtypes_lesson()
    scene = SimpleNamespace(theme=get_theme("dark"))
    scene.byte_strips = lambda grid: DtypesScene.byte_strips(scene, grid)  # type: ignore[arg-type]
    steps = (
        ("x", "x.type(torch.uint8)"),
        ("y", "y.int()"),
        ("w", "w_bytes", "w.to(torch.uint8)"),
        ("n", "mask_bytes", "n[mask]"),
    )
    sizes = {facts[name].element_size for step in steps for name in step}
    assert sizes == {1, 2, 4, 8}, "the narrowing steps compare one, two, four and eight bytes"
    # In each step one byte is one width, so widths compare as bytes; the widest grid fills
    # the graph area as far as its bytes allow, and stays inside it.
    widths = []
    for step in steps:
        DtypesScene.scale_bytes(scene, *(facts[name] for name in step))  # type: ignore[arg-type]
        assert scene.byte >= BYTE
        widths.append(scene.byte)
        for name in step:
            record = facts[name]
            grid = DtypesScene.grid(scene, record, name).grid  # type: ignore[arg-type]
            assert grid.width <= GRAPH_AREA.width
            for cell, strip in zip(grid.cells, grid.layers[-len(grid.cells) :], strict=True):
                assert cell.width == pytest.approx(scene.byte * record.element_size), name
                assert len(strip) == record.element_size, name
                assert strip.width <= cell.width
    assert widths[0] == pytest.approx(BYTE, rel=0.05), "x's 16 bytes: about the size bars' scale, the step before"
    assert max(widths) > 2 * BYTE, "a step of few bytes draws them wide"
    # The mask is drawn as the bytes it holds: one a bool, the true byte where it is True.
    (true_byte,) = facts.data["true_byte"]
    assert facts["mask"].element_size == facts["mask_bytes"].element_size == 1
    assert [value == true_byte.value for value in facts["mask_bytes"].values] == [
        value == "True" for value in facts["mask"].values
    ]
