"""Tensors as views onto one storage: layouts read from live tensors, as plain records."""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass
from typing import Any

import torch

from seminar_anim.model.device import on_device
from seminar_anim.model.listing import Listing, Transcript, printed
from seminar_anim.model.manifest import Value


@dataclass(frozen=True)
class StorageLayout:
    """One block of memory: its elements in storage order and where each sits."""

    key: str  # manifest prefix, e.g. "a"
    dtype: str
    element_size: int
    values: tuple[float | int, ...]  # as the dtype holds them: int for integer tensors
    offsets: tuple[int, ...]  # byte offset of each element from the storage start (data_ptr differences)
    address: int  # absolute address of the storage start: varies between runs, never drawn


@dataclass(frozen=True)
class ViewLayout:
    """A tensor seen as a window on a storage: which storage elements it reads, and how."""

    key: str  # manifest prefix, e.g. "c"
    code: str  # the expression that made it, e.g. "a.reshape([2, 2])"
    storage: str  # key of the StorageLayout it reads
    shape: tuple[int, ...]
    stride: tuple[int, ...]
    storage_offset: int
    elements: tuple[int, ...]  # storage index of each element, in row-major order
    values: tuple[float | int, ...]
    contiguous: bool
    shares_storage: bool  # same untyped_storage().data_ptr() as the storage it is drawn on


def storage_layout(key: str, tensor: torch.Tensor) -> StorageLayout:
    """The storage under `tensor`, element by element, with byte offsets PyTorch reports."""
    storage = tensor.untyped_storage()
    start = storage.data_ptr()
    size = storage.nbytes() // tensor.element_size()
    flat = torch.empty(0, dtype=tensor.dtype, device=tensor.device).set_(storage, 0, (size,), (1,))
    return StorageLayout(
        key=key,
        dtype=str(tensor.dtype).removeprefix("torch."),
        element_size=tensor.element_size(),
        values=tuple(flat.tolist()),
        offsets=tuple(flat[index].data_ptr() - start for index in range(size)),
        address=start,
    )


def view_layout(key: str, code: str, tensor: torch.Tensor, storage: StorageLayout) -> ViewLayout:
    """Where each element of `tensor` lives in `storage`, from its own data pointers."""
    start = tensor.untyped_storage().data_ptr()
    elements = [
        (tensor[_unravel(index, tuple(tensor.shape))].data_ptr() - start) // tensor.element_size()
        for index in range(tensor.numel())
    ]
    return ViewLayout(
        key=key,
        code=code,
        storage=storage.key,
        shape=tuple(tensor.shape),
        stride=tuple(tensor.stride()),
        storage_offset=int(tensor.storage_offset()),
        elements=tuple(elements),
        values=tuple(tensor.reshape(-1).tolist()),
        contiguous=tensor.is_contiguous(),
        shares_storage=start == storage.address,
    )


def _unravel(index: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    position = []
    for size in reversed(shape):
        position.append(index % size)
        index //= size
    return tuple(reversed(position))


@dataclass(frozen=True)
class StorageFacts:
    """The `storage` lesson: the seed's code and prints, one storage, and the views on it."""

    listings: tuple[Listing, Listing]  # the slide's lines; then transpose and contiguous()
    storage: StorageLayout
    views: dict[str, ViewLayout]  # by key: a, b, c, t (c.t()), d (t.contiguous())
    copy: StorageLayout  # the new storage that contiguous() allocates
    device: str
    torch_version: str

    @property
    def prints(self) -> tuple[str, ...]:
        return printed(self.listings)

    @property
    def dtype(self) -> str:
        return self.storage.dtype


def storage_lesson(device: torch.device | str = "cpu") -> StorageFacts:
    """a = tensor([1, 2, 3, 4]); b = a[1]; c = a.reshape([2, 2]); then c.t() and contiguous()."""
    run = Transcript(str(torch.device(device)))
    run.line("a = torch.tensor([1, 2, 3, 4])", "a")
    a = torch.tensor([1, 2, 3, 4], device=run.device)
    run.line("b = a[1]  # same storage", "b")
    b = a[1]
    run.line("c = a.reshape([2, 2])  # new stride", "c")
    c = a.reshape([2, 2])
    with warnings.catch_warnings():
        # The slide's a.storage() is deprecated in favour of untyped_storage(); it prints the same.
        warnings.simplefilter("ignore", UserWarning)
        run.printed(run.line("print(a.storage())", "print_a"), a.storage())
        run.printed(run.line("print(c.storage())", "print_c"), c.storage())
    run.printed(run.line("print(a.data_ptr() == c.data_ptr())", "same"), a.data_ptr() == c.data_ptr())
    run.printed(run.line("print(c.stride())", "stride"), c.stride())
    slide = run.listing()

    run = Transcript(str(a.device), continues=True)
    run.line("t = c.t()  # transpose: strides swap", "t")
    t = c.t()
    run.printed(run.line("print(t.stride(), t.is_contiguous())", "t_facts"), (t.stride(), t.is_contiguous()))
    run.line("d = t.contiguous()  # a new storage", "d")
    d = t.contiguous()
    run.printed(run.line("print(d.data_ptr() == a.data_ptr())", "d_same"), d.data_ptr() == a.data_ptr())
    storage = storage_layout("a", a)
    copy = storage_layout("d", d)
    views = {
        "a": view_layout("a", "a", a, storage),
        "b": view_layout("b", "a[1]", b, storage),
        "c": view_layout("c", "a.reshape([2, 2])", c, storage),
        "t": view_layout("t", "c.t()", t, storage),
        "d": view_layout("d", "t.contiguous()", d, copy),
    }
    return StorageFacts((slide, run.listing()), storage, views, copy, str(a.device), torch.__version__)


def storage_values(facts: StorageFacts) -> dict[str, Value]:
    """Addresses relative to each storage's start; the absolute ones under `address.*`, never drawn."""
    values = _layout_values(facts.storage, facts.copy)
    for view in facts.views.values():
        values.update(_view_values(view))
    return values


def _layout_values(*layouts: StorageLayout) -> dict[str, Value]:
    """Each block's cells and byte offsets; its absolute address under address.*, never drawn."""
    values: dict[str, Value] = {}
    for layout in layouts:
        values[f"{layout.key}.element_size"] = layout.element_size
        values[f"address.{layout.key}"] = layout.address
        for index, (value, offset) in enumerate(zip(layout.values, layout.offsets, strict=True)):
            values[f"{layout.key}.storage[{index}]"] = value
            values[f"{layout.key}.offset[{index}]"] = offset
    return values


def _view_values(view: ViewLayout) -> dict[str, Value]:
    values: dict[str, Value] = {
        f"{view.key}.storage_offset": view.storage_offset,
        f"{view.key}.stride": str(view.stride),
        f"{view.key}.contiguous": str(view.contiguous),
        f"{view.key}.shares_storage": str(view.shares_storage),
    }
    for position, (element, value) in enumerate(zip(view.elements, view.values, strict=True)):
        values[f"{view.key}.element[{position}]"] = element
        values[f"{view.key}[{position}]"] = value
    return values


@dataclass(frozen=True)
class InplaceFacts:
    """The `inplace` lesson: one storage written in place, a view that sees it, a copy that does not."""

    listing: Listing
    before: StorageLayout  # a's storage after torch.ones
    after: StorageLayout  # the same storage after a.zero_()
    view: ViewLayout  # v = a[0]
    other: StorageLayout  # b = a + 1: a new block
    same_block: bool  # a's storage is at the same address after zero_()
    device: str
    torch_version: str

    @property
    def prints(self) -> tuple[str, ...]:
        return self.listing.prints

    @property
    def dtype(self) -> str:
        return self.before.dtype


def inplace_lesson(device: torch.device | str = "cpu") -> InplaceFacts:
    """a = torch.ones(3, 2); v = a[0]; b = a + 1; a.zero_(): a and v change, b does not."""
    run = Transcript(str(torch.device(device)))
    run.line("a = torch.ones(3, 2)", "a")
    a = torch.ones(3, 2, device=run.device)
    run.line("v = a[0]  # a view: a's first row", "v")
    v = a[0]
    run.printed(run.line("print(v)", "print_v"), v)
    before = storage_layout("a", a)
    view = view_layout("v", "a[0]", v, before)
    run.line("b = a + 1  # out-of-place: a new tensor", "b")
    b = a + 1
    run.line("a.zero_()  # in-place: trailing underscore", "zero")
    a.zero_()
    run.printed(run.line("print(v)", "print_v_after"), v)
    run.printed(run.line("print(b[0])", "print_b"), b[0])
    after = storage_layout("a.zeroed", a)
    return InplaceFacts(
        listing=run.listing(),
        before=before,
        after=after,
        view=view,
        other=storage_layout("b", b),
        same_block=after.address == before.address,
        device=str(a.device),
        torch_version=torch.__version__,
    )


def inplace_values(facts: InplaceFacts) -> dict[str, Value]:
    values = _layout_values(facts.before, facts.after, facts.other)
    values.update(_view_values(facts.view))
    values["a.same_block_after_zero_"] = str(facts.same_block)
    return values


@dataclass(frozen=True)
class IndexingFacts:
    """The `indexing` lesson: the slides' 1-d and 2-d selections, each a view on one storage."""

    listings: tuple[Listing, Listing]  # the 1-d slide, then the 2-d slide
    line: StorageLayout  # storage of the 1-d x
    grid: StorageLayout  # storage of the 2-d x
    grid_shape: tuple[int, ...]
    views: tuple[ViewLayout, ...]  # every selection, 1-d ones first, in slide order
    device: str
    torch_version: str

    @property
    def prints(self) -> tuple[str, ...]:
        return printed(self.listings)

    @property
    def dtype(self) -> str:
        return self.line.dtype


# The slides' selections: (variable in the code, the indexing expression, comment shown).
LINE_SELECTIONS = (
    ("element", "x[0]", "element 0"),
    ("first_elements", "x[:3]", "elements 0, 1, 2"),
    ("last_elements", "x[3:]", "from element 3 to the end"),
    ("some_elements", "x[3:5]", "elements 3 and 4"),
)
GRID_SELECTIONS = (
    ("element", "x[0, 0]", ""),
    ("row", "x[0, :]", "the first row"),
    ("column", "x[:, 0]", "the first column"),
    ("some_rows", "x[1:, :]", "from row 1 to the end"),
    ("some_elements", "x[1:2, :1]", "row 1, column 0"),
)


def indexing_lesson(device: torch.device | str = "cpu") -> IndexingFacts:
    """x = tensor([0..6]), then x = tensor([[0, 1, 2], [1, 2, 3]]), sliced as on the slides."""
    views: list[ViewLayout] = []
    listings: list[tuple[Listing, StorageLayout, tuple[int, ...]]] = []
    for key, values, selections in (
        ("x", [0, 1, 2, 3, 4, 5, 6], LINE_SELECTIONS),
        ("x2d", [[0, 1, 2], [1, 2, 3]], GRID_SELECTIONS),  # the slides reuse the name x
    ):
        run = Transcript(str(torch.device(device)), continues=bool(listings))
        run.line(f"x = torch.tensor({values})", "x")
        base = torch.tensor(values, device=run.device)
        layout = storage_layout(key, base)
        made = {}
        for variable, code, comment in selections:
            run.line(f"{variable} = {code}" + (f"  # {comment}" if comment else ""), code)
            # The selection itself, made by PyTorch's own indexing of the base tensor.
            made[variable] = view = base[_index(code)]
            views.append(view_layout(code, code, view, layout))
        last = selections[-1][0]
        same = made[last].untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
        run.line("p = x.untyped_storage().data_ptr()")
        run.line(f"q = {last}.untyped_storage().data_ptr()")
        run.printed(run.line("print(p == q)  # one storage", "same"), same)
        listings.append((run.listing(), layout, tuple(base.shape)))
    (line_listing, line, _), (grid_listing, grid, grid_shape) = listings
    # The device as the tensors report it (cuda:0), like every other scene's manifest.
    placed = str(torch.empty(0, device=torch.device(device)).device)
    return IndexingFacts((line_listing, grid_listing), line, grid, grid_shape, tuple(views), placed, torch.__version__)


def _index(code: str) -> tuple[int | slice, ...]:
    """The subscript of `x[...]` as Python would build it: integers and start:stop slices only."""
    inside = code[code.index("[") + 1 : -1]
    parts: list[int | slice] = []
    for part in inside.split(","):
        part = part.strip()
        if ":" in part:
            start, stop = part.split(":")
            parts.append(slice(int(start) if start else None, int(stop) if stop else None))
        else:
            parts.append(int(part))
    return tuple(parts)


def indexing_values(facts: IndexingFacts) -> dict[str, Value]:
    values = _layout_values(facts.line, facts.grid)
    for view in facts.views:
        values.update(_view_values(view))
    return values


@dataclass(frozen=True)
class BoxedList:
    """A Python list as CPython keeps it: a list object of pointers, each to an object of its own."""

    key: str
    size: int  # sys.getsizeof of the list object (header and pointer array)
    items: tuple[str, ...]  # repr of each item
    item_sizes: tuple[int, ...]  # sys.getsizeof of each item object

    @property
    def total(self) -> int:
        """The list object and its items' objects (shared small ints counted once per slot)."""
        return self.size + sum(self.item_sizes)


@dataclass(frozen=True)
class MemoryFacts:
    """The `memory` lesson: Python lists of boxed objects against one block of C floats."""

    listing: Listing
    flat: BoxedList  # l = [1, 0, 3]
    nested: BoxedList  # m = [[1, 0], [3, 4]]
    tensor: StorageLayout  # t = torch.tensor([1., 0., 3.])
    nbytes: int
    device: str
    torch_version: str

    @property
    def prints(self) -> tuple[str, ...]:
        return self.listing.prints

    @property
    def dtype(self) -> str:
        return self.tensor.dtype


def _boxed(key: str, items: list[Any]) -> BoxedList:
    return BoxedList(
        key, sys.getsizeof(items), tuple(repr(item) for item in items), tuple(sys.getsizeof(item) for item in items)
    )


def memory_lesson(device: torch.device | str = "cpu") -> MemoryFacts:
    """l = [1, 0, 3] and a nested list, as boxed objects; t = torch.tensor([1., 0., 3.]) as one block."""
    run = Transcript(str(torch.device(device)))
    run.line("l = [1, 0, 3]", "l")
    flat = [1, 0, 3]
    run.printed(run.line("print(l[0])", "print_l"), flat[0])
    run.line("m = [[1, 0], [3, 4]]  # a nested list", "m")
    nested = [[1, 0], [3, 4]]
    run.printed(run.line("print(m[1][0])", "print_m"), nested[1][0])
    run.line("t = torch.tensor([1., 0., 3.])", "t")
    t = torch.tensor([1.0, 0.0, 3.0], device=run.device)
    run.printed(run.line("print(t.element_size(), t.nbytes)", "print_t"), t.element_size(), t.nbytes)
    return MemoryFacts(
        listing=run.listing(),
        flat=_boxed("l", flat),
        nested=_boxed("m", nested),
        tensor=storage_layout("t", t),
        nbytes=t.nbytes,
        device=str(t.device),
        torch_version=torch.__version__,
    )


def memory_values(facts: MemoryFacts) -> dict[str, Value]:
    values = _layout_values(facts.tensor)
    values["t.nbytes"] = facts.nbytes
    for boxed in (facts.flat, facts.nested):
        values[f"{boxed.key}.getsizeof"] = boxed.size
        for index, (item, size) in enumerate(zip(boxed.items, boxed.item_sizes, strict=True)):
            values[f"{boxed.key}[{index}]"] = item
            values[f"{boxed.key}[{index}].getsizeof"] = size
    values["l.total_bytes"] = facts.flat.total
    return values


memory_facts = on_device("memory", memory_lesson, memory_values)
indexing_facts = on_device("indexing", indexing_lesson, indexing_values)
storage_facts = on_device("storage", storage_lesson, storage_values)
inplace_facts = on_device("inplace", inplace_lesson, inplace_values)
