"""The storage scene: views on one storage against independent PyTorch, and its frames' structure."""

from __future__ import annotations

import json

import pytest
import torch
from click.testing import CliRunner

from seminar_anim.app.cli import main
from seminar_anim.model.memory import storage_lesson
from tests.conftest import clean_capture, themes_for


def test_values_show_the_slide_prints_and_the_transposed_stride() -> None:
    result = CliRunner().invoke(main, ["values", "storage", "--device", "cpu", "--json"])
    assert result.exit_code == 0, result.output
    manifest = json.loads(result.stdout)
    prints = manifest["prints"]
    assert prints[0] == prints[1]  # a.storage() and c.storage() print the same block
    assert prints[0].endswith("[torch.storage.TypedStorage(dtype=torch.int64, device=cpu) of size 4]")
    assert prints[2:] == ["True", "(2, 1)", "(1, 2) False", "False"]
    values = manifest["values"]
    assert values["c.stride"] == "(2, 1)" and values["t.stride"] == "(1, 2)"
    assert [values[f"a.offset[{i}]"] for i in range(4)] == [0, 8, 16, 24]
    assert values["b.storage_offset"] == 1


def test_layouts_match_an_independent_run() -> None:
    facts = storage_lesson("cpu")
    a = torch.tensor([1, 2, 3, 4])
    c = a.reshape([2, 2])
    t = c.t()
    views = facts.views
    assert views["c"].stride == c.stride() and views["t"].stride == t.stride()
    assert views["b"].storage_offset == a[1].storage_offset() == 1
    # Where t's elements live, walked by hand from its strides: i * stride[0] + j * stride[1].
    walked = tuple(i * t.stride()[0] + j * t.stride()[1] for i in range(2) for j in range(2))
    assert views["t"].elements == walked == (0, 2, 1, 3)
    assert views["c"].elements == (0, 1, 2, 3)
    assert views["t"].contiguous is False and views["c"].contiguous is True
    assert views["c"].shares_storage and views["t"].shares_storage
    assert facts.copy.values == (1, 3, 2, 4)
    assert facts.copy.address != facts.storage.address
    assert facts.storage.offsets == (0, 8, 16, 24)


@pytest.mark.xdist_group("storage")
@pytest.mark.parametrize("theme", themes_for("storage"))
def test_storage_frames_draw_the_manifest_cleanly(theme: str) -> None:
    _, captures = clean_capture("storage", theme, ["code", "storage", "view", "walk", "transpose", "contiguous"])
    walk = next(capture for capture in captures if capture.name == "walk")
    assert "c.element[3]" in {text.key for text in walk.texts}


def test_inplace_against_pytorch() -> None:
    from seminar_anim.model.memory import inplace_lesson

    facts = inplace_lesson("cpu")
    a = torch.arange(6.0).view(3, 2)
    v = a[1]
    a.mul_(10)  # the lesson's factor
    assert facts.run.prints == ("tensor([1., 1.])", "tensor([0., 0.])", "tensor([2., 2.])", str(v))
    slide, counted = facts.slide, facts.counted
    assert slide.before.values == (1.0,) * 6 and slide.after.values == (0.0,) * 6
    assert slide.same_block and counted.same_block  # zero_() and mul_() wrote into the block a already had
    assert slide.after.address == slide.before.address != facts.other.address
    assert slide.view.elements == (0, 1) and slide.view.shares_storage
    assert slide.before.offsets == (0, 4, 8, 12, 16, 20)  # float32: 4 bytes apart
    # On counted data the write changes every cell visibly, and v reads two of them.
    assert counted.after.values == tuple(a.reshape(-1).tolist())
    assert counted.view.elements == (2, 3) == tuple(range(v.storage_offset(), v.storage_offset() + v.numel()))
    assert len(set(counted.before.values)) == 6
    slide_code, counted_code = facts.listings
    assert "zero_()" in slide_code.code[slide_code.marks["write"]]
    assert "mul_(factor)" in counted_code.code[counted_code.marks["write"]]
    factor = facts.factor.value
    assert isinstance(factor, int) and counted.after.values == tuple(float(v) * factor for v in counted.before.values)


@pytest.mark.xdist_group("inplace")
@pytest.mark.parametrize("theme", themes_for("inplace"))
def test_inplace_frames_draw_the_manifest_cleanly(theme: str) -> None:
    _, captures = clean_capture("inplace", theme, ["code", "view", "copy", "in-place", "counted", "multiply"])
    zeroed = {text.key: text.text for text in captures[3].texts if text.key}
    assert [zeroed[f"a.written.storage[{i}]"] for i in range(6)] == ["0.0"] * 6
    assert [zeroed[f"b.storage[{i}]"] for i in range(6)] == ["2.0"] * 6
    # a's grid and v's row read the same storage as its block: after the write they show only
    # the new values, each drawn once in the block, once in a's grid and, for v's cells, once in v.
    for capture, key, seen in ((captures[3], "a.written", (0, 1)), (captures[5], "counted.written", (2, 3))):
        drawn = [text.key for text in capture.texts if text.key and text.key.startswith(f"{key}.storage[")]
        expected = [f"{key}.storage[{i}]" for i in range(6)] * 2 + [f"{key}.storage[{i}]" for i in seen]
        assert sorted(drawn) == sorted(expected), capture.name


def test_indexing_offsets_and_strides_match_pytorch() -> None:
    from seminar_anim.model.memory import indexing_lesson

    facts = indexing_lesson("cpu")
    line = torch.tensor([0, 1, 2, 3, 4, 5, 6])
    grid = torch.tensor([[0, 1, 2], [1, 2, 3]])
    expected = {
        "x[0]": line[0],
        "x[:3]": line[:3],
        "x[3:]": line[3:],
        "x[3:5]": line[3:5],
        "x[0, 0]": grid[0, 0],
        "x[0, :]": grid[0, :],
        "x[:, 0]": grid[:, 0],
        "x[1:, :]": grid[1:, :],
        "x[1:2, :1]": grid[1:2, :1],
    }
    views = (*facts.views[0], *facts.views[1])
    assert [view.key for view in views] == list(expected)
    for view in views:
        tensor = expected[view.key]
        assert view.storage_offset == tensor.storage_offset(), view.key
        assert view.stride == tensor.stride(), view.key
        assert view.values == tuple(tensor.reshape(-1).tolist()), view.key
        assert view.shares_storage, view.key
    assert facts.run.prints == ("True", "True")
    assert facts.line.offsets == tuple(range(0, 56, 8))


@pytest.mark.xdist_group("indexing")
@pytest.mark.parametrize("theme", themes_for("indexing"))
def test_indexing_frames_draw_the_manifest_cleanly(theme: str) -> None:
    _, captures = clean_capture(
        "indexing", theme, ["code", "element", "slices", "no-copy", "2-d", "2-d-slices", "2-d-blocks"]
    )
    last = {text.key for text in captures[-1].texts if text.key}
    assert {"x[1:2, :1].storage_offset", "x[1:2, :1].stride"} <= last


def test_memory_sizes_come_from_python_and_pytorch() -> None:
    import sys

    from seminar_anim.model.memory import memory_lesson

    facts = memory_lesson("cpu")
    assert facts.flat.size == sys.getsizeof([1, 0, 3])
    assert facts.flat.item_sizes == tuple(sys.getsizeof(item) for item in (1, 0, 3))
    assert facts.nested.items == ("[1, 0]", "[3, 4]")
    t = torch.tensor([1.0, 0.0, 3.0])
    assert facts.tensor.offsets == (0, 4, 8) and facts.tensor.element_size == t.element_size() == 4
    assert facts.nbytes == t.nbytes == 12
    assert facts.listing.prints == ("1", "3", "4 12")
    assert facts.flat.total > facts.nbytes


@pytest.mark.xdist_group("memory")
@pytest.mark.parametrize("theme", themes_for("memory"))
def test_memory_frames_draw_the_manifest_cleanly(theme: str) -> None:
    _, captures = clean_capture("memory", theme, ["code", "list", "nested", "tensor", "compare"])
    last = {text.key for text in captures[-1].texts if text.key}
    assert {"t.nbytes", "t.element_size", "l.total_bytes", "t.offset[2]"} <= last


def test_every_selection_reaches_each_of_its_elements_by_one_hop_of_a_stride() -> None:
    from seminar_anim.model.memory import indexing_lesson

    facts = indexing_lesson("cpu")
    grid = torch.tensor([[0, 1, 2], [1, 2, 3]])
    for view in (*facts.views[0], *facts.views[1]):
        hops = view.hops()
        # One hop for every element after the first, each landing on it from an element read before.
        assert [end for _, end, _ in hops] == list(view.elements[1:]), view.key
        for start, end, axis in hops:
            assert end - start == view.stride[axis] and start in view.elements, view.key
    column = next(view for view in facts.views[1] if view.name == "column")
    assert [(start, end) for start, end, _ in column.hops()] == [(0, grid.stride()[0])]  # a whole row, 3 elements
