"""Plain records of a lesson's run: what each statement printed, every named tensor, the graph; free of torch."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from seminar_anim.model.listing import Listing
from seminar_anim.model.manifest import Value

Element = float | int | str  # a tensor element as drawn: bools become "True"/"False"
DEVICES = ("auto", "cpu", "cuda")  # where a lesson may run; auto takes CUDA when PyTorch sees it


def unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The index in each dimension of element `flat`, in row-major order: (1, 2) for 5 of a 2x3."""
    position = []
    for size in reversed(shape):
        position.append(flat % size)
        flat //= size
    return tuple(reversed(position))


@dataclass(frozen=True)
class Datum:
    """One value a frame may draw, under the one manifest key it is recorded with."""

    key: str
    value: Value


@dataclass(frozen=True)
class StorageRecord:
    """One block of memory: its identity in the run, its size and its elements in storage order (capped)."""

    ident: int  # equal for every tensor that views this storage; numbered in order of appearance
    nbytes: int
    element_size: int
    dtype: str
    device: str
    values: tuple[Element, ...]  # as the dtype holds them, in storage order, capped at MAX_ELEMENTS
    offsets: tuple[int, ...]  # byte offset of each of those elements from the start (data_ptr differences)
    address: int  # the absolute address of its first byte: varies between runs, never drawn
    last: tuple[Element, int] | None = None  # past the cap: the last element's value and byte offset

    @property
    def size(self) -> int:
        return self.nbytes // self.element_size


@dataclass(frozen=True)
class TensorRecord:
    """A tensor bound to a name after a statement ran, as PyTorch reported it."""

    name: str
    shape: tuple[int, ...]
    stride: tuple[int, ...]
    storage_offset: int
    dtype: str  # "float32", "uint8", ...
    device: str  # "cpu", "cuda:0"
    contiguous: bool
    element_size: int
    storage: int  # StorageRecord.ident of the storage it views
    byte_offset: int  # of its first element from the storage's start (data_ptr difference)
    values: tuple[Element, ...]  # row-major, capped at MAX_ELEMENTS
    elements: tuple[int, ...]  # storage index of each element, row-major, capped like values
    numel: int
    requires_grad: bool
    grad: tuple[Element, ...] | None
    grad_fn: str | None  # e.g. "PowBackward0"
    last: Element | None = None  # past the cap: the last element's value, row-major

    @property
    def dim(self) -> int:
        return len(self.shape)


@dataclass(frozen=True)
class ObjectRecord:
    """A plain Python value bound to a name (a number, a string, a list): what CPython keeps for it."""

    name: str
    type: str
    repr: str
    size: int  # sys.getsizeof: the object itself (for a list, its header and pointer array)
    items: tuple[tuple[str, int], ...]  # a list's or tuple's items: repr and sys.getsizeof of each


@dataclass(frozen=True)
class Printed:
    """One call of print: the text it wrote (without its `end`), the line it ran on, its arguments."""

    text: str
    line: int  # 0-based, in the shown code
    arguments: tuple[str, ...]  # source text of each positional argument, when the statement is a print call
    values: tuple[str, ...]  # str() of each argument, as print wrote it
    tensors: tuple[TensorRecord | None, ...]  # each argument that is a tensor, recorded


@dataclass(frozen=True)
class GraphNodeRecord:
    """A node of the autograd graph PyTorch recorded: an operation, or the leaf it accumulates into."""

    ident: int
    name: str  # grad_fn's type name, or the leaf's variable name
    kind: str  # "op" or "leaf"
    function: str  # the torch function or operator that made it ("mul", "log", "pow", "rsub"), "" for a leaf
    # The call's arguments in order: None for an input node, the name of a named tensor that
    # carries no gradient, else a plain number.
    arguments: tuple[float | str | None, ...]
    value: float
    grad: float  # the gradient that flowed into it in this backward pass
    grad_repr: str  # repr of the tensor's .grad after the pass, as PyTorch prints it


@dataclass(frozen=True)
class GraphEdgeRecord:
    """Argument `slot` of node `target`'s call, fed by node `source`, with the local derivative PyTorch gave."""

    source: int
    target: int
    slot: int
    local: float


@dataclass(frozen=True)
class GraphRecord:
    """The graph walked from the tensor `.backward()` ran on, nodes inputs-first, the output last."""

    root: str  # the source text of the tensor backward ran on ("y")
    nodes: tuple[GraphNodeRecord, ...]
    edges: tuple[GraphEdgeRecord, ...]
    scalar: bool = True  # every node holds one number (else the values drawn would be sums)

    @property
    def leaves(self) -> tuple[str, ...]:
        return tuple(node.name for node in self.nodes if node.kind == "leaf")


@dataclass(frozen=True)
class StatementRecord:
    """One top-level statement as it ran: where it is, what it printed, and every named tensor after it."""

    index: int
    lines: tuple[int, int]  # first and last line, 0-based, in the shown code
    cell: int
    source: str
    marks: tuple[str, ...]
    prints: tuple[Printed, ...]
    display: str | None  # repr of a bare expression that ends its cell, as a notebook shows it
    error: str | None  # Python's last line of the exception it raised
    tensors: dict[str, TensorRecord]
    storages: dict[int, StorageRecord]
    objects: dict[str, ObjectRecord]  # the other values bound to names: numbers, strings, lists
    calls: tuple[TensorRecord, ...]  # tensors its torch calls returned, named by the call ("t", "tensor")
    graphs: tuple[GraphRecord, ...]  # one for each .backward() it ran
    warnings: tuple[str, ...] = ()  # what it warned, as "UserWarning: ..."

    @property
    def assignment(self) -> tuple[str, str]:
        """The name and the expression of a `name = expression` statement: c, a.reshape([2, 2])."""
        node = ast.parse(self.source).body[0]
        if not (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)):
            raise ValueError(f"not an assignment to a name: {self.source!r}")
        return node.targets[0].id, ast.get_source_segment(self.source, node.value) or ""


@dataclass(frozen=True)
class Cell:
    """A `# %%` cell: its title and the lines it holds in the shown code."""

    title: str
    lines: tuple[int, int]  # first and last line, 0-based, in the shown code


@dataclass(frozen=True)
class SnippetRun:
    """A lesson's source as shown and everything it did when it ran, statement by statement."""

    code: tuple[str, ...]  # the lines as shown: markers and cell headers removed
    cells: tuple[Cell, ...]
    statements: tuple[StatementRecord, ...]
    device: str
    torch_version: str
    error: str | None = None
    marks: tuple[tuple[str, int], ...] = ()  # each marker's name and the 0-based shown line it sits on
    illustrated_gpu: bool = False  # without CUDA, its moves to the GPU ran as marked CPU copies

    @property
    def prints(self) -> tuple[str, ...]:
        return tuple(printed.text for statement in self.statements for printed in statement.prints)

    def at(self, mark: str, cell: int | None = None) -> StatementRecord:
        """The statement a `# [mark]` names (in `cell`, when several cells use the name)."""
        line = self.line(mark, cell)
        return next(statement for statement in self.statements if statement.lines[0] <= line <= statement.lines[1])

    def line(self, mark: str, cell: int | None = None) -> int:
        """The shown line (0-based) a mark sits on: its first use, or its use in `cell`."""
        for name, line in self.marks:
            if name == mark and (cell is None or self.cells[cell].lines[0] <= line <= self.cells[cell].lines[1]):
                return line
        names = ", ".join(name for name, _ in self.marks)
        raise KeyError(f"the lesson has no line marked [{mark}]; marks: {names}")

    def _after(self, mark: str | None, cell: int | None) -> StatementRecord:
        """The marked statement, or the last one."""
        return self.at(mark, cell) if mark else self.statements[-1]

    def tensor(self, name: str, mark: str | None = None, cell: int | None = None) -> TensorRecord:
        """The tensor bound to `name` after the marked statement (default: after the last statement)."""
        return self._after(mark, cell).tensors[name]

    def storage(self, tensor: TensorRecord, mark: str | None = None, cell: int | None = None) -> StorageRecord:
        """The storage `tensor` views, as it was after the marked statement (default: the last)."""
        return self._after(mark, cell).storages[tensor.storage]

    def object(self, name: str, mark: str | None = None, cell: int | None = None) -> ObjectRecord:
        """The plain Python value bound to `name` after the marked statement (default: the last)."""
        return self._after(mark, cell).objects[name]

    def printed(self, mark: str, cell: int | None = None) -> Printed:
        """The one print of the marked statement."""
        return self.at(mark, cell).prints[0]

    def cell_statements(self, index: int) -> tuple[StatementRecord, ...]:
        return tuple(statement for statement in self.statements if statement.cell == index)

    def listing(self, index: int = 0) -> Listing:
        """Cell `index` as a code panel shows it: its lines, its prints, marks as lines of the cell."""
        first, last = self.cells[index].lines
        prints = [printed for statement in self.cell_statements(index) for printed in statement.prints]
        return Listing(
            code=self.code[first : last + 1],
            prints=tuple(printed.text for printed in prints),
            print_lines=tuple(printed.line - first for printed in prints),
            marks={name: line - first for name, line in self.marks if first <= line <= last},
        )

    @property
    def listings(self) -> tuple[Listing, ...]:
        return tuple(self.listing(index) for index in range(len(self.cells)))

    @property
    def graphs(self) -> tuple[GraphRecord, ...]:
        return tuple(graph for statement in self.statements for graph in statement.graphs)

    @property
    def dtype(self) -> str:
        """The dtype of the first tensor the lesson binds to a name."""
        for statement in self.statements:
            for tensor in statement.tensors.values():
                return tensor.dtype
        return ""

    @property
    def source(self) -> str:
        return "\n".join(self.code) + "\n"
