"""Tensor basics: data as tensors, dimensions, dtypes and operations, run by the engine from their lessons."""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field

import torch

from seminar_anim.lessons import lesson_source
from seminar_anim.model.device import on_device
from seminar_anim.model.layouts import GridRecord, grid_record
from seminar_anim.model.listing import Listing
from seminar_anim.model.manifest import Value
from seminar_anim.model.records import Datum, SnippetRun, TensorRecord
from seminar_anim.model.snippet import run_snippet


@dataclass(frozen=True)
class BasicsFacts:
    """A lesson's run and the tensors its scene draws, by the name they have in the code."""

    run: SnippetRun
    tensors: dict[str, GridRecord]
    data: dict[str, tuple[Datum, ...]] = field(default_factory=dict)  # other live values, by what they are

    @property
    def listings(self) -> tuple[Listing, ...]:
        return self.run.listings

    @property
    def dtype(self) -> str:
        """The dtype of the first tensor the scene draws."""
        return next(iter(self.tensors.values())).dtype

    def __getitem__(self, key: str) -> GridRecord:
        return self.tensors[key]


def basics_values(facts: BasicsFacts) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for record in facts.tensors.values():
        values.update(record.values_map())
    for data in facts.data.values():
        values.update({datum.key: datum.value for datum in data})
    return values


def _grids(run: SnippetRun, names: tuple[str, ...]) -> dict[str, GridRecord]:
    return {name: grid_record(name, run.tensor(name)) for name in names}


def _printed_tensor(run: SnippetRun, mark: str) -> tuple[str, TensorRecord]:
    """The tensor a marked `print(...)` printed, under the source text of its argument."""
    printed = run.printed(mark)
    tensor = printed.tensors[0]
    assert tensor is not None, f"[{mark}] prints no tensor"
    return printed.arguments[0], tensor


def data_lesson(device: torch.device | str = "cpu") -> BasicsFacts:
    """An image the code draws, a sampled sine wave, and the slide's sentence over its vocabulary."""
    run = run_snippet(lesson_source("data"), device)
    vocabulary = [ast.literal_eval(word) for word, _ in run.object("vocab").items]
    words = [ast.literal_eval(word) for word, _ in run.object("words").items]
    ids = [int(number) for number, _ in run.object("ids").items]
    data = {
        "sentence": (Datum("sentence", " ".join(words)),),
        "vocabulary": tuple(Datum(f"vocab[{index}]", word) for index, word in enumerate(vocabulary)),
        "vocabulary_index": tuple(Datum(f"vocab[{index}].index", index) for index in range(len(vocabulary))),
        "ids": tuple(Datum(f"ids[{slot}]", word_id) for slot, word_id in enumerate(ids)),
    }
    return BasicsFacts(run, _grids(run, ("img", "wave", "x", "emb.weight", "e")), data)


def tensors_lesson(device: torch.device | str = "cpu") -> BasicsFacts:
    """A scalar, a vector, a matrix and a 3-d tensor, each with its dim() and shape."""
    run = run_snippet(lesson_source("tensors"), device)
    tensors = _grids(run, ("s", "v", "m", "t"))
    # One index per dimension; where the element sits in row-major order, from its own address.
    pick, element = _printed_tensor(run, "print_pick")
    t = run.tensor("t")
    flat = (element.byte_offset - t.byte_offset) // element.element_size
    return BasicsFacts(run, tensors, {"pick": (Datum("t.pick", pick), Datum("t.pick.flat", flat))})


def dtypes_lesson(device: torch.device | str = "cpu") -> BasicsFacts:
    """Bytes per element of the slide's dtypes, .type(torch.uint8), narrowing, and boolean masks."""
    run = run_snippet(lesson_source("dtypes"), device)
    sizes: list[Datum] = []
    for index, printed in enumerate(run.at("print_size").prints):
        dtype, size = printed.values
        sizes += [
            Datum(f"dtypes[{index}]", dtype.removeprefix("torch.")),
            Datum(f"dtypes[{index}].element_size", int(size)),
        ]
    tensors = _grids(run, ("x", "y", "w", "w_bytes", "n", "mask"))
    for mark in ("print_x", "print_y", "print_w", "print_selected"):
        name, tensor = _printed_tensor(run, mark)
        tensors[name] = grid_record(name, tensor)
    # Narrowing to one byte keeps an element's least significant byte: in memory, its first
    # byte on a little-endian machine, its last on a big-endian one.
    kept = 0 if sys.byteorder == "little" else run.tensor("w").element_size - 1
    # A bool is one byte: the mask's bytes, as PyTorch stores those values.
    mask = tensors["mask"]
    held = torch.tensor([value == "True" for value in mask.values], dtype=torch.bool).view(torch.uint8)
    tensors["mask_bytes"] = GridRecord("mask_bytes", mask.shape, "uint8", 1, tuple(int(byte) for byte in held))
    true_byte = int(torch.tensor([True]).view(torch.uint8)[0])
    data = {
        "sizes": tuple(sizes),
        "kept": (Datum("w_bytes.kept", kept),),
        "true_byte": (Datum("mask_bytes.true", true_byte),),
    }
    return BasicsFacts(run, dict(sorted(tensors.items(), key=lambda item: _ORDER.index(item[0]))), data)


# The order the dtypes scene draws its tensors in: each source before what was made of it.
_ORDER = (
    "x",
    "x.type(torch.uint8)",
    "y",
    "y.int()",
    "w",
    "w_bytes",
    "w.to(torch.uint8)",
    "n",
    "mask",
    "mask_bytes",
    "n[mask]",
)


def operations_lesson(device: torch.device | str = "cpu") -> BasicsFacts:
    """The slides' creation and math operations, every result with its values and shape."""
    run = run_snippet(lesson_source("operations"), device)
    tensors = _grids(
        run,
        (
            "a",
            "b",
            "c",
            "a_t",
            "absolute_values",
            "mean_value",
            "s",
            "p",
            "x",
            "magnitudes",
            "squares",
            "sums",
            "x_t",
            "average",
            "w",
            "m",
        ),
    )
    transposed = next(call for call in run.at("z").calls if call.name == "t")
    tensors["c.t()"] = grid_record("c.t()", transposed)
    tensors["z"] = grid_record("z", run.tensor("z"))
    row = next(call for call in run.at("broadcasting").calls if call.name == "tensor")
    tensors["row"] = grid_record("row", row)
    # Broadcasting reads the row once per row of a: a stride-0 view, drawn as the row repeated.
    a = run.tensor("a")
    tensors["row.expand"] = GridRecord("row.expand", a.shape, row.dtype, row.element_size, row.values * a.shape[0])
    tensors["broadcasting"] = grid_record("broadcasting", run.tensor("broadcasting"))
    return BasicsFacts(run, tensors)


data_facts = on_device("data", data_lesson, basics_values)
tensors_facts = on_device("tensors", tensors_lesson, basics_values)
dtypes_facts = on_device("dtypes", dtypes_lesson, basics_values)
operations_facts = on_device("operations", operations_lesson, basics_values)
