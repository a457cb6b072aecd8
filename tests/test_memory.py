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
    assert facts.run.prints == ("tensor([1., 1.])", "tensor([0., 0.])", "tensor([2., 2.])")
    assert facts.before.values == (1.0,) * 6 and facts.after.values == (0.0,) * 6
    assert facts.same_block  # zero_() wrote into the block a already had
    assert facts.after.address == facts.before.address != facts.other.address
    assert facts.view.elements == (0, 1) and facts.view.shares_storage
    assert facts.before.offsets == (0, 4, 8, 12, 16, 20)  # float32: 4 bytes apart
    assert "zero_()" in facts.listing.code[facts.listing.marks["zero"]]


@pytest.mark.xdist_group("inplace")
@pytest.mark.parametrize("theme", themes_for("inplace"))
def test_inplace_frames_draw_the_manifest_cleanly(theme: str) -> None:
    _, captures = clean_capture("inplace", theme, ["code", "view", "copy", "in-place"])
    last = {text.key: text.text for text in captures[-1].texts if text.key}
    assert [last[f"a.zeroed.storage[{i}]"] for i in range(6)] == ["0.0"] * 6
    assert [last[f"b.storage[{i}]"] for i in range(6)] == ["2.0"] * 6
    # a's grid reads the same storage as its block: after zero_() both show only the new values.
    drawn = [text.key for text in captures[-1].texts if text.key and ".storage[" in text.key and text.key[0] == "a"]
    assert sorted(drawn) == sorted([f"a.zeroed.storage[{i}]" for i in range(6)] * 2)


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
    _, captures = clean_capture("indexing", theme, ["code", "slices", "no-copy", "2-d", "2-d-slices"])
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
