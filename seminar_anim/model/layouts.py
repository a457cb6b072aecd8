"""What the memory and tensor drawings show, as plain records made from a lesson's run; free of torch.

Every manifest key is made here, by the record that holds the value: scenes and visuals
ask a record for its keys (`layout.value_key(2)`) and never spell one themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from seminar_anim.model.manifest import Value
from seminar_anim.model.records import Datum, Element, ObjectRecord, StorageRecord, TensorRecord, unravel


@dataclass(frozen=True)
class StorageLayout:
    """One block of memory: its elements in storage order and where each sits."""

    key: str  # manifest prefix, e.g. "a"
    dtype: str
    element_size: int
    values: tuple[Element, ...]  # as the dtype holds them: int for integer tensors
    offsets: tuple[int, ...]  # byte offset of each element from the storage start
    address: int  # absolute address of the storage start: varies between runs, never drawn
    size: int = 0  # elements in the storage (more than `values` holds when they were capped)
    last: tuple[Element, int] | None = None  # the last element and its offset, when capped

    @property
    def count(self) -> int:
        return self.size or len(self.values)

    def element(self, index: int) -> tuple[Element, int]:
        """Element `index`'s value and byte offset: a recorded one, or the last."""
        if index < len(self.values):
            return self.values[index], self.offsets[index]
        assert self.last is not None and index == self.count - 1, index
        return self.last

    def value_key(self, index: int) -> str:
        return f"{self.key}.storage[{index}]"

    def offset_key(self, index: int) -> str:
        return f"{self.key}.offset[{index}]"

    def index_key(self, index: int) -> str:
        return f"{self.key}.index[{index}]"

    @property
    def element_size_key(self) -> str:
        return f"{self.key}.element_size"

    def values_map(self) -> dict[str, Value]:
        """Each cell, its element index and byte offset; the absolute address under address.*,
        never drawn."""
        values: dict[str, Value] = {self.element_size_key: self.element_size, f"address.{self.key}": self.address}
        for index, (value, offset) in enumerate(zip(self.values, self.offsets, strict=True)):
            values[self.value_key(index)] = value
            values[self.offset_key(index)] = offset
            values[self.index_key(index)] = index
        if self.last is not None:
            values[self.value_key(self.count - 1)], values[self.offset_key(self.count - 1)] = self.last
            values[self.index_key(self.count - 1)] = self.count - 1
        return values


def storage_layout(key: str, storage: StorageRecord) -> StorageLayout:
    """A recorded storage as a row of cells, each at its byte offset from the start."""
    return StorageLayout(
        key=key,
        dtype=storage.dtype,
        element_size=storage.element_size,
        values=storage.values,
        offsets=storage.offsets,
        address=storage.address,
        size=storage.size,
        last=storage.last,
    )


@dataclass(frozen=True)
class ViewLayout:
    """A tensor seen as a window on a storage: which storage elements it reads, and how."""

    key: str  # manifest prefix, e.g. "c"
    name: str  # the Python name bound to it, e.g. "c"
    code: str  # the expression that made it, e.g. "a.reshape([2, 2])"
    storage: str  # key of the StorageLayout it reads
    shape: tuple[int, ...]
    stride: tuple[int, ...]
    storage_offset: int
    elements: tuple[int, ...]  # storage index of each element, in row-major order
    values: tuple[Element, ...]
    contiguous: bool
    shares_storage: bool  # views the very storage it is drawn on

    @property
    def storage_offset_key(self) -> str:
        return f"{self.key}.storage_offset"

    @property
    def stride_key(self) -> str:
        return f"{self.key}.stride"

    def step_key(self, axis: int) -> str:
        """The key of stride[axis]: how many elements on the next index along `axis` is."""
        return f"{self.key}.stride[{axis}]"

    def value_key(self, position: int) -> str:
        return f"{self.key}[{position}]"

    def element_key(self, position: int) -> str:
        return f"{self.key}.element[{position}]"

    def hops(self) -> tuple[tuple[int, int, int], ...]:
        """How the view walks its storage, as stride diagrams draw it: each element after the
        first, as (from, to, axis), reached by one hop of stride[axis] from an element already
        read: along a row from the element before it, and from a row's first element to the
        next row's first. Hops of stride 0 (a broadcast reads one element again) are left out."""
        found = []
        for position in range(1, len(self.elements)):
            before, here = unravel(position - 1, self.shape), unravel(position, self.shape)
            axis = max(k for k in range(len(self.shape)) if here[k] == before[k] + 1)
            if self.stride[axis]:
                found.append((self.elements[position] - self.stride[axis], self.elements[position], axis))
        return tuple(found)

    def values_map(self) -> dict[str, Value]:
        values: dict[str, Value] = {
            self.storage_offset_key: self.storage_offset,
            self.stride_key: str(self.stride),
            f"{self.key}.contiguous": str(self.contiguous),
            f"{self.key}.shares_storage": str(self.shares_storage),
        }
        for axis, step in enumerate(self.stride):
            values[self.step_key(axis)] = step
        for position, (element, value) in enumerate(zip(self.elements, self.values, strict=True)):
            values[self.element_key(position)] = element
            values[self.value_key(position)] = value
        return values


def view_layout(key: str, name: str, code: str, tensor: TensorRecord, storage: StorageLayout, ident: int) -> ViewLayout:
    """A recorded tensor, bound to `name` by `code`, as a window on `storage` (whose storage
    identity is `ident`)."""
    return ViewLayout(
        key=key,
        name=name,
        code=code,
        storage=storage.key,
        shape=tensor.shape,
        stride=tensor.stride,
        storage_offset=tensor.storage_offset,
        elements=tensor.elements,
        values=tensor.values,
        contiguous=tensor.contiguous,
        shares_storage=tensor.storage == ident,
    )


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

    @property
    def size_key(self) -> str:
        return f"{self.key}.getsizeof"

    def item_key(self, index: int) -> str:
        return f"{self.key}[{index}]"

    def item_size_key(self, index: int) -> str:
        return f"{self.key}[{index}].getsizeof"

    @property
    def total_key(self) -> str:
        return f"{self.key}.total_bytes"

    def values_map(self) -> dict[str, Value]:
        values: dict[str, Value] = {self.size_key: self.size, self.total_key: self.total}
        for index, (item, size) in enumerate(zip(self.items, self.item_sizes, strict=True)):
            values[self.item_key(index)] = item
            values[self.item_size_key(index)] = size
        return values


def boxed_list(record: ObjectRecord) -> BoxedList:
    return BoxedList(
        key=record.name,
        size=record.size,
        items=tuple(item for item, _ in record.items),
        item_sizes=tuple(size for _, size in record.items),
    )


@dataclass(frozen=True)
class GridRecord:
    """A tensor as a grid drawing shows it: its name, shape, dtype and elements in row-major order."""

    key: str  # manifest prefix and the name in the code
    shape: tuple[int, ...]
    dtype: str  # "float32", "uint8", ...
    element_size: int
    values: tuple[Element, ...]
    last: Element | None = None  # a big tensor's last element, past the recorded ones

    @property
    def dim(self) -> int:
        return len(self.shape)

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    @property
    def shape_text(self) -> str:
        return str(self.shape)

    @property
    def dtype_key(self) -> str:
        return f"{self.key}.dtype"

    @property
    def shape_key(self) -> str:
        return f"{self.key}.shape"

    def fact_key(self, fact: str) -> str:
        """The key of one of its facts: "shape", "dim", "dtype", "element_size" or "numel"."""
        return f"{self.key}.{fact}"

    def element_key(self, flat: int) -> str:
        """The manifest key of element `flat`: x[1, 2] for a matrix, x[] for a scalar."""
        return f"{self.key}[{', '.join(str(index) for index in unravel(flat, self.shape))}]"

    def values_map(self) -> dict[str, Value]:
        values: dict[str, Value] = {
            self.shape_key: self.shape_text,
            f"{self.key}.dim": self.dim,
            self.dtype_key: self.dtype,
            f"{self.key}.element_size": self.element_size,
            self.fact_key("numel"): self.numel,
        }
        for index, value in enumerate(self.values):
            values[self.element_key(index)] = value
        if self.last is not None:
            values[self.element_key(self.numel - 1)] = self.last
        return values


def grid_record(key: str, tensor: TensorRecord) -> GridRecord:
    return GridRecord(key, tensor.shape, tensor.dtype, tensor.element_size, tensor.values, tensor.last)


def data(values: list[Datum]) -> dict[str, Value]:
    """Loose values the model hands a scene, as manifest entries."""
    return {datum.key: datum.value for datum in values}
