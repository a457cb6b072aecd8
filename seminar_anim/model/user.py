"""A lecturer's own PyTorch file as a lesson: run by the engine, cut into steps, recorded for the manifest."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import torch

from seminar_anim.errors import ExpressionError, SnippetError
from seminar_anim.model.autograd import graph_values
from seminar_anim.model.device import resolve_device
from seminar_anim.model.graph import TracedGraph
from seminar_anim.model.layouts import GridRecord, StorageLayout, ViewLayout, grid_record, storage_layout, view_layout
from seminar_anim.model.manifest import Manifest, Value
from seminar_anim.model.records import SnippetRun, StatementRecord, TensorRecord
from seminar_anim.model.snippet import run_snippet
from seminar_anim.model.trace import recorded_graph

MAX_SECONDS = 10.0  # a snippet still running after this is stopped: a lesson runs in moments
MAX_LINES = 200  # the code panel scrolls, but a lecture clip is not a whole program
MAX_STEPS = 40  # about 1.5 s of reading each: a clip of a few minutes at most
MAX_BYTES = 100_000
MADE_NAMED = 2  # tensors a step's narration names: more would outlast the step


@dataclass(frozen=True)
class SnippetStep:
    """One step of the clip: a top-level statement, or a `# %%` cell of them."""

    index: int
    title: str  # the cell's title, or the statement's first line
    lines: tuple[int, int]  # first and last line, 0-based, in the shown code
    statements: tuple[StatementRecord, ...]
    graph: TracedGraph | None  # the last backward pass the step ran, as the graph drawing takes it

    @property
    def after(self) -> StatementRecord:
        """The state after the step: its last statement's record."""
        return self.statements[-1]

    @property
    def prints(self) -> tuple[str, ...]:
        return tuple(printed.text for statement in self.statements for printed in statement.prints)

    @property
    def error(self) -> str | None:
        return self.statements[-1].error

    def narration(self, before: StatementRecord | None) -> str:
        """What the step says: its cell's title (or its first line), then a sentence made from
        what it did, from the run's own records: the tensors it made, its backward pass, its error."""
        said = [self.title if self.title.endswith((".", "!", "?")) else f"{self.title}."]
        if self.error is not None:
            return " ".join([*said, f"It stops with {self.error.split(':')[0]}."])
        known = {} if before is None else before.tensors
        made = [record for name, record in self.after.tensors.items() if known.get(name) != record]
        for record in made[:MADE_NAMED]:
            shared = [name for name, other in known.items() if other.storage == record.storage and name != record.name]
            if shared:
                said.append(f"{record.name} shares the storage of {shared[0]}.")
            else:
                shape = " by ".join(str(size) for size in record.shape)
                kind = f"{shape} {record.dtype}" if shape else record.dtype
                said.append(f"{record.name} is a {kind} tensor on {record.device}.")
        if self.graph is not None:
            leaves = ", ".join(f"{node.key}.grad" for node in self.graph.leaves)
            said.append(f"backward() fills {leaves}.")
        return " ".join(said)


@dataclass(frozen=True)
class MemoryState:
    """The named tensors after one statement, as the drawings take them, keyed s3.a[0] for statement 3."""

    statement: StatementRecord

    @property
    def key(self) -> str:
        """What starts every manifest key of this state: s1., s2., ..."""
        return f"s{self.statement.index + 1}."

    @property
    def grids(self) -> dict[str, GridRecord]:
        """Every tensor bound to a name, as a grid drawing takes it."""
        return {name: grid_record(self.key + name, tensor) for name, tensor in self.statement.tensors.items()}

    @property
    def storages(self) -> dict[int, StorageLayout]:
        """Every storage those tensors view, by its identity in the run."""
        storages = self.statement.storages.items()
        return {ident: storage_layout(f"{self.key}storage{ident}", storage) for ident, storage in storages}

    @property
    def views(self) -> dict[str, ViewLayout]:
        """Each named tensor as a window on the storage it views."""
        storages = self.storages
        return {
            name: view_layout(self.key + name, name, name, tensor, storages[tensor.storage], tensor.storage)
            for name, tensor in self.statement.tensors.items()
            if tensor.storage in storages
        }


@dataclass(frozen=True)
class SnippetFacts:
    """A user's file: where it is, what ran, and its steps."""

    path: str
    run: SnippetRun
    steps: tuple[SnippetStep, ...]
    undrawn: tuple[str, ...] = ()  # what the clip leaves out, and why: said as notes

    @property
    def name(self) -> str:
        return scene_name(Path(self.path))

    @property
    def gpu_mode_key(self) -> str:
        return "gpu.mode"

    @property
    def gpu_mode(self) -> str:
        """Said on the frame when the code moved tensors to a GPU this machine does not have."""
        return "illustrated: no CUDA device" if self.run.illustrated_gpu else ""


def scene_name(path: Path) -> str:
    """The scene name of a file: its stem in kebab case (views_and_strides.py -> views-and-strides)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", path.stem).strip("-").lower() or "snippet"


def read_snippet(path: Path) -> str:
    """The file's text, or one line saying why it cannot be a lesson."""
    if not path.is_file():
        raise SnippetError(f"{path}: no such file; give the path of a Python file, e.g. examples/views.py")
    if path.stat().st_size > MAX_BYTES:
        raise SnippetError(f"{path}: {path.stat().st_size} bytes; a lesson snippet is at most {MAX_BYTES}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SnippetError(f"{path}: not UTF-8 (byte {error.start}); save the file as UTF-8") from None
    lines = len(text.splitlines())
    if lines > MAX_LINES:
        raise SnippetError(f"{path}: {lines} lines; a lesson snippet is at most {MAX_LINES}")
    return text


def snippet_lesson(path: Path, device: torch.device | str = "cpu") -> SnippetFacts:
    """Run the file on `device` and cut its run into steps: one per statement, or one per `# %%` cell."""
    source = read_snippet(path)
    run = run_snippet(source, device, filename=str(path), cwd=path.resolve().parent, timeout=MAX_SECONDS)
    has_cells = any(cell.title or index for index, cell in enumerate(run.cells)) and "%%" in source
    groups: list[tuple[str, list[StatementRecord]]] = []
    for statement in run.statements:
        if has_cells:
            if not groups or groups[-1][1][0].cell != statement.cell:
                groups.append((run.cells[statement.cell].title, []))
        else:
            groups.append(("", []))
        groups[-1][1].append(statement)
    # `import torch` and its kind are no step of their own: they join the step after them.
    for index in range(len(groups) - 2, -1, -1):
        if all(_is_import(statement) for statement in groups[index][1]):
            title, statements = groups.pop(index)
            groups[index] = (groups[index][0] or title, statements + groups[index][1])
    if len(groups) > MAX_STEPS:
        raise SnippetError(
            f"{path}: {len(groups)} steps; at most {MAX_STEPS} fit in a clip: group statements into # %% cells"
        )
    steps = []
    undrawn: list[str] = []
    for index, (title, statements) in enumerate(groups):
        first, last = statements[0].lines[0], statements[-1].lines[1]
        graph = _step_graph(run, statements, index, undrawn)
        doing = next((statement for statement in statements if not _is_import(statement)), statements[0])
        title = title or doing.source.splitlines()[0].strip()
        steps.append(SnippetStep(index, title, (first, last), tuple(statements), graph))
    return SnippetFacts(str(path), run, tuple(steps), tuple(undrawn))


def _is_import(statement: StatementRecord) -> bool:
    return statement.source.lstrip().startswith(("import ", "from "))


def _step_graph(
    run: SnippetRun, statements: list[StatementRecord], index: int, undrawn: list[str]
) -> TracedGraph | None:
    """The step's last backward pass as the graph drawing takes it; None, with a note in
    `undrawn`, when the graph cannot be drawn truthfully or legibly."""
    records = [graph for statement in statements for graph in statement.graphs]
    if not records:
        return None
    record = records[-1]
    line = statements[-1].lines[0] + 1
    if not record.edges:
        undrawn.append(f"line {line}: backward() on a leaf has no graph to draw")
        return None
    if not record.scalar:
        undrawn.append(f"line {line}: a backward pass through tensors of several elements: its graph is not drawn")
        return None
    # The leaf whose gradient the rest of the code reads first, else the first leaf.
    later = " ".join(statement.source for statement in run.statements if statement.index > statements[-1].index)
    read = [leaf for leaf in record.leaves if f"{leaf}.grad" in later]
    try:
        graph = recorded_graph(record, run.device, run.dtype, run.torch_version, read[0] if read else None)
    except ExpressionError as error:
        undrawn.append(f"line {line}: its graph is not drawn: {error}")
        return None
    return graph.with_prefix(f"s{index + 1}.")


def snippet_facts(
    path: str, device: str = "auto", expr: str | None = None, at: tuple[str, ...] = ()
) -> tuple[SnippetFacts, Manifest]:
    """The facts and the manifest of the file at `path`, for the CLI."""
    resolved, note = resolve_device(device)
    facts = snippet_lesson(Path(path), resolved)
    notes: tuple[str, ...] = (note,) if note else ()
    if facts.run.illustrated_gpu:
        notes += ("no CUDA device: the code's copies to the GPU are illustrated by copies on the CPU",)
    notes += tuple(f"{path}: {reason}" for reason in facts.undrawn)
    if facts.run.error:
        notes += (f"{path}: the code raised {facts.run.error} (shown as the last step)",)
    manifest = Manifest(
        scene=facts.name,
        torch=facts.run.torch_version,
        device=facts.run.device,
        dtype=facts.run.dtype,
        values=snippet_values(facts),
        prints=facts.run.prints,
        notes=notes,
        code=facts.run.source,
        error=facts.run.error,
        steps=tuple(_step_json(step) for step in facts.steps),
        graph=_graph_json(facts),
    )
    return facts, manifest


def snippet_values(facts: SnippetFacts) -> dict[str, Value]:
    """Every number a snippet's frames may draw, keyed by step: the manifest's flat values."""
    values: dict[str, Value] = {facts.gpu_mode_key: facts.gpu_mode} if facts.gpu_mode else {}
    for statement in facts.run.statements:
        state = MemoryState(statement)
        for grid in state.grids.values():
            values.update(grid.values_map())
        for layout in state.storages.values():
            values.update(layout.values_map())
        for view in state.views.values():
            values.update(view.values_map())
    for step in facts.steps:
        if step.graph is not None:
            values.update(graph_values(step.graph))
    return values


def _tensor_json(tensor: TensorRecord) -> dict[str, object]:
    return {
        "shape": list(tensor.shape),
        "stride": list(tensor.stride),
        "storage_offset": tensor.storage_offset,
        "dtype": tensor.dtype,
        "device": tensor.device,
        "contiguous": tensor.contiguous,
        "storage": tensor.storage,
        "values": list(tensor.values),
        "requires_grad": tensor.requires_grad,
        "grad": None if tensor.grad is None else list(tensor.grad),
        "grad_fn": tensor.grad_fn,
    }


def _step_json(step: SnippetStep) -> dict[str, object]:
    return {
        "title": step.title,
        "lines": [step.lines[0] + 1, step.lines[1] + 1],
        "prints": list(step.prints),
        "error": step.error,
        "tensors": {name: _tensor_json(tensor) for name, tensor in step.after.tensors.items()},
    }


def _graph_json(facts: SnippetFacts) -> dict[str, object] | None:
    """The last backward pass the snippet ran: every node's value and gradient, every edge's local derivative."""
    graphs = [step.graph for step in facts.steps if step.graph is not None]
    if not graphs:
        return None
    graph = graphs[-1]
    return {
        "nodes": [
            {"id": node.key, "name": node.torch_name, "value": node.value, "grad": node.grad} for node in graph.nodes
        ],
        "edges": [{"from": edge.source, "to": edge.target, "local": edge.local} for edge in graph.edges],
    }
