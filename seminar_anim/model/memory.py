"""Tensors as views onto one storage: the memory, indexing, storage and inplace lessons, run by the engine."""

from __future__ import annotations

import ast
from dataclasses import dataclass

import torch

from seminar_anim.lessons import lesson_source
from seminar_anim.model.device import on_device
from seminar_anim.model.layouts import (
    BoxedList,
    StorageLayout,
    ViewLayout,
    boxed_list,
    storage_layout,
    view_layout,
)
from seminar_anim.model.listing import Listing
from seminar_anim.model.manifest import Value
from seminar_anim.model.records import Datum, SnippetRun
from seminar_anim.model.snippet import run_snippet


@dataclass(frozen=True)
class StorageFacts:
    """The `storage` lesson: the seed's code and prints, one storage, and the views on it."""

    run: SnippetRun
    storage: StorageLayout
    views: dict[str, ViewLayout]  # by key: a, b, c, t (c.t()), d (t.contiguous())
    copy: StorageLayout  # the new storage that contiguous() allocates

    @property
    def listings(self) -> tuple[Listing, ...]:
        return self.run.listings


def _view(run: SnippetRun, mark: str, storage: StorageLayout, ident: int, cell: int | None = None) -> ViewLayout:
    name, code = run.at(mark, cell).assignment
    return view_layout(name, name, code, run.tensor(name, mark, cell), storage, ident)


def storage_lesson(device: torch.device | str = "cpu") -> StorageFacts:
    """a = tensor([1, 2, 3, 4]); b = a[1]; c = a.reshape([2, 2]); then c.t() and contiguous()."""
    run = run_snippet(lesson_source("storage"), device)
    a = run.tensor("a")
    storage = storage_layout("a", run.storage(a))
    d = run.tensor("d")
    copy = storage_layout("d", run.storage(d))
    views = {"a": view_layout("a", "a", "a", a, storage, a.storage)}
    for mark in ("b", "c", "t"):
        view = _view(run, mark, storage, a.storage)
        views[view.key] = view
    views["d"] = _view(run, "d", copy, d.storage)
    return StorageFacts(run, storage, views, copy)


def storage_values(facts: StorageFacts) -> dict[str, Value]:
    values = facts.storage.values_map() | facts.copy.values_map()
    for view in facts.views.values():
        values.update(view.values_map())
    return values


@dataclass(frozen=True)
class InplaceWrite:
    """One cell of the `inplace` lesson: a's storage before and after a write in place, and a
    view v that reads some of its cells."""

    before: StorageLayout  # a's storage before the write
    shape: tuple[int, ...]  # a's
    view: ViewLayout  # v
    after: StorageLayout  # the same storage after the write
    same_block: bool  # a's storage is the same one after the write

    def values_map(self) -> dict[str, Value]:
        values = self.before.values_map() | self.after.values_map() | self.view.values_map()
        values[f"{self.after.key}.same_block"] = str(self.same_block)
        return values


def _inplace_write(run: SnippetRun, cell: int, key: str) -> InplaceWrite:
    """Cell `cell`'s a, before and after its `# [write]` line, and its v, under manifest prefix `key`."""
    a_before = run.tensor("a", "v", cell)
    a_after = run.tensor("a", "write", cell)
    before = storage_layout(key, run.storage(a_before, "v", cell))
    name, code = run.at("v", cell).assignment
    view = view_layout(f"{key}.v", name, code, run.tensor(name, "v", cell), before, a_before.storage)
    return InplaceWrite(
        before=before,
        shape=a_before.shape,
        view=view,
        after=storage_layout(f"{key}.written", run.storage(a_after, "write", cell)),
        same_block=a_after.storage == a_before.storage,
    )


@dataclass(frozen=True)
class InplaceFacts:
    """The `inplace` lesson: one storage written in place, a view that sees it, a copy that does
    not; then the same on counted data, where the write shows what it does to each cell."""

    run: SnippetRun
    slide: InplaceWrite  # a = torch.ones(3, 2); v = a[0]; a.zero_()
    other: StorageLayout  # b = a + 1: a new block
    counted: InplaceWrite  # a = torch.arange(6.).view(3, 2); v = a[1]; a.mul_(factor)
    factor: Datum  # what a.mul_ multiplied each cell by

    @property
    def listings(self) -> tuple[Listing, ...]:
        return self.run.listings


def inplace_lesson(device: torch.device | str = "cpu") -> InplaceFacts:
    """The slide's a.zero_() on ones, a + 1 out of place, then a.mul_(factor) on counted data."""
    run = run_snippet(lesson_source("inplace"), device)
    return InplaceFacts(
        run=run,
        slide=_inplace_write(run, 0, "a"),
        other=storage_layout("b", run.storage(run.tensor("b"))),
        counted=_inplace_write(run, 1, "counted"),
        factor=Datum("counted.factor", ast.literal_eval(run.object("factor", "write", 1).repr)),
    )


def inplace_values(facts: InplaceFacts) -> dict[str, Value]:
    values = facts.slide.values_map() | facts.other.values_map() | facts.counted.values_map()
    values[facts.factor.key] = facts.factor.value
    return values


@dataclass(frozen=True)
class IndexingFacts:
    """The `indexing` lesson: the slides' 1-d and 2-d selections, each a view on one storage."""

    run: SnippetRun
    line: StorageLayout  # storage of the 1-d x
    grid: StorageLayout  # storage of the 2-d x
    grid_shape: tuple[int, ...]
    grid_stride: tuple[int, ...]
    views: tuple[tuple[ViewLayout, ...], tuple[ViewLayout, ...]]  # each cell's selections, in code order
    lines: tuple[tuple[int, ...], tuple[int, ...]]  # the line, within its cell, of each selection

    @property
    def listings(self) -> tuple[Listing, ...]:
        return self.run.listings


def indexing_lesson(device: torch.device | str = "cpu") -> IndexingFacts:
    """x = tensor([0..6]), then x = tensor([[0, 1, 2], [1, 2, 3]]), sliced as on the slides."""
    run = run_snippet(lesson_source("indexing"), device)
    layouts: list[StorageLayout] = []
    selections: list[tuple[ViewLayout, ...]] = []
    lines: list[tuple[int, ...]] = []
    # The slides reuse the name x; the manifest tells the 2-d storage apart as x2d.
    for cell, key in enumerate(("x", "x2d")):
        base = run.tensor("x", "x", cell)
        layout = storage_layout(key, run.storage(base, "x", cell))
        layouts.append(layout)
        marked = [statement for statement in run.cell_statements(cell) if "select" in statement.marks]
        views = []
        for statement in marked:
            name, code = statement.assignment
            views.append(view_layout(code, name, code, statement.tensors[name], layout, base.storage))
        selections.append(tuple(views))
        lines.append(tuple(statement.lines[0] - run.cells[cell].lines[0] for statement in marked))
    grid = run.tensor("x", "x", 1)
    return IndexingFacts(
        run, layouts[0], layouts[1], grid.shape, grid.stride, (selections[0], selections[1]), (lines[0], lines[1])
    )


def indexing_values(facts: IndexingFacts) -> dict[str, Value]:
    values = facts.line.values_map() | facts.grid.values_map()
    for view in (*facts.views[0], *facts.views[1]):
        values.update(view.values_map())
    return values


@dataclass(frozen=True)
class MemoryFacts:
    """The `memory` lesson: Python lists of boxed objects against one block of C floats."""

    run: SnippetRun
    flat: BoxedList  # l = [1, 0, 3]
    nested: BoxedList  # m = [[1, 0], [3, 4]]
    tensor: StorageLayout  # t = torch.tensor([1., 0., 3.])
    nbytes: int

    @property
    def listing(self) -> Listing:
        return self.run.listing()

    @property
    def nbytes_key(self) -> str:
        return f"{self.tensor.key}.nbytes"


def memory_lesson(device: torch.device | str = "cpu") -> MemoryFacts:
    """l = [1, 0, 3] and a nested list, as boxed objects; t = torch.tensor([1., 0., 3.]) as one block."""
    run = run_snippet(lesson_source("memory"), device)
    t = run.tensor("t")
    return MemoryFacts(
        run=run,
        flat=boxed_list(run.object("l")),
        nested=boxed_list(run.object("m")),
        tensor=storage_layout("t", run.storage(t)),
        nbytes=run.storage(t).nbytes,
    )


def memory_values(facts: MemoryFacts) -> dict[str, Value]:
    values = facts.tensor.values_map() | facts.flat.values_map() | facts.nested.values_map()
    values[facts.nbytes_key] = facts.nbytes
    values.pop(facts.nested.total_key)
    return values


memory_facts = on_device("memory", memory_lesson, memory_values)
indexing_facts = on_device("indexing", indexing_lesson, indexing_values)
storage_facts = on_device("storage", storage_lesson, storage_values)
inplace_facts = on_device("inplace", inplace_lesson, inplace_values)
