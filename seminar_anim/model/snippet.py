"""The snippet engine: run lesson code statement by statement, as Python would, and record what it did.

This is the only place that executes lesson code. A source is split into top-level
statements (and `# %%` cells); each runs in one fresh namespace with `torch` imported, and
after each the engine records what it printed and every tensor bound to a name. A
`.backward()` is recorded as the graph PyTorch built, with each edge's local derivative
asked of PyTorch itself. A trailing `# [name]` marks a line for the scene and is not shown.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import os
import re
import reprlib
import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from seminar_anim.errors import SnippetError
from seminar_anim.model.records import (
    Cell,
    Element,
    GraphEdgeRecord,
    GraphNodeRecord,
    GraphRecord,
    ObjectRecord,
    Printed,
    SnippetRun,
    StatementRecord,
    StorageRecord,
    TensorRecord,
    unravel,
)

MAX_ELEMENTS = 64  # elements recorded per tensor and per storage: beyond this a drawing elides
MAX_CALLS = 16  # tensors recorded per statement from calls whose result is bound to no name
MAX_REPR = 200  # characters kept of a plain value's repr
_PLAIN = (bool, int, float, complex, str, bytes, list, tuple, dict, set, type(None))
_MARKER = re.compile(r"\s*#\s*\[([A-Za-z_][\w-]*(?:\s*,\s*[A-Za-z_][\w-]*)*)\]\s*$")
_CELL = re.compile(r"^# ?%%(.*)$")


def split_source(source: str) -> tuple[tuple[str, ...], tuple[Cell, ...], tuple[tuple[str, int], ...]]:
    """The lines as shown (markers and cell headers removed), the cells, and each marker's line."""
    shown: list[str] = []
    cells: list[tuple[str, int]] = []
    marks: list[tuple[str, int]] = []
    for raw in source.splitlines():
        header = _CELL.match(raw)
        if header:
            cells.append((header.group(1).strip(), len(shown)))
            continue
        found = _MARKER.search(raw)
        if found:
            for name in found.group(1).split(","):
                marks.append((name.strip(), len(shown)))
            raw = raw[: found.start()]
        shown.append(raw.rstrip())
    if not cells or cells[0][1] > 0:
        cells.insert(0, ("", 0))
    spans = []
    for index, (title, first) in enumerate(cells):
        end = cells[index + 1][1] if index + 1 < len(cells) else len(shown)
        while end > first + 1 and not shown[end - 1].strip():
            end -= 1  # blank lines between cells belong to no cell
        if end > first:
            spans.append(Cell(title, (first, end - 1)))
    return tuple(shown), tuple(spans), tuple(marks)


def run_snippet(
    source: str,
    device: torch.device | str = "cpu",
    filename: str = "<lesson>",
    cwd: Path | None = None,
    timeout: float | None = None,
) -> SnippetRun:
    """Run `source` statement by statement on `device` and record every statement.

    On a device other than the CPU the tensors are made there: `torch.set_default_device`
    is then the shown code's first line, so the frame says so. An exception ends the run;
    its last line, as Python prints it, is the failing statement's `error`. A run still going
    after `timeout` seconds is stopped with a SnippetError.
    """
    where = torch.device(device)
    if where.type != "cpu":
        source = f"torch.set_default_device('{where.type}')\n{source}"
    code, cells, marks = split_source(source)
    shown = "\n".join(code) + "\n"
    try:
        tree = ast.parse(shown, filename=filename)
    except SyntaxError as wrong:
        raise SnippetError(f"{filename}:{wrong.lineno}:{wrong.offset}: {wrong.msg}") from None
    if not tree.body:
        raise SnippetError(f"{filename}: no statement to run")
    run = _Run(code, filename, illustrate_gpu=where.type != "cuda" and not torch.cuda.is_available())
    statements: list[StatementRecord] = []
    error: str | None = None
    with _torch_state(), _working_directory(cwd), _time_limit(timeout, filename, run), _quiet_stdout():
        for index, node in enumerate(tree.body):
            first, _last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
            cell = next(number for number, span in enumerate(cells) if span.lines[0] <= first <= span.lines[1])
            ends_cell = index + 1 == len(tree.body) or tree.body[index + 1].lineno - 1 > cells[cell].lines[1]
            record = run.statement(index, node, cell, ends_cell, marks)
            statements.append(record)
            if record.error is not None:
                error = record.error
                break
    return SnippetRun(
        code=code,
        cells=cells,
        statements=tuple(statements),
        device=str(torch.empty(0, device=where).device),
        torch_version=torch.__version__,
        error=error,
        marks=marks,
        illustrated_gpu=isinstance(run.gpu, _IllustratedGPU) and run.gpu.used,
    )


class _OutOfTime(BaseException):
    """Raised into the running code when its time is up; a BaseException, so `except Exception` lets it by."""


@contextmanager
def _time_limit(seconds: float | None, filename: str, run: _Run) -> Iterator[None]:
    """Stop the code after `seconds` of wall time (in the main thread, where signals arrive)."""
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)  # and again every 0.5 s, should the code catch it
    try:
        yield
    except _OutOfTime:
        line = run.line + 1
        raise SnippetError(
            f"{filename}:{line}: still running after {seconds:g} s; seminar-anim stops a snippet at {seconds:g} s "
            "(make it do less, e.g. smaller tensors or fewer loop passes)"
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _working_directory(cwd: Path | None) -> Iterator[None]:
    """Run in `cwd`, with its modules importable, as `python FILE` runs in the file's folder."""
    if cwd is None:
        yield
        return
    before = os.getcwd()
    os.chdir(cwd)
    sys.path.insert(0, str(cwd))
    try:
        yield
    finally:
        os.chdir(before)
        if str(cwd) in sys.path:
            sys.path.remove(str(cwd))


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Output that bypasses print (sys.stdout.write) is not the lesson's printed output, and must not
    reach the command's own stdout (its --json)."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


@contextmanager
def _torch_state() -> Iterator[None]:
    """What the code may set for the whole process is put back afterwards: the default device and
    dtype, gradient mode, the random state, and the working directory."""
    dtype, grad, rng, folder = torch.get_default_dtype(), torch.is_grad_enabled(), torch.get_rng_state(), os.getcwd()
    try:
        yield
    finally:
        torch.set_default_device(None)
        torch.set_default_dtype(dtype)
        torch.set_grad_enabled(grad)
        torch.set_rng_state(rng)
        os.chdir(folder)


class _Run:
    """One run's namespace, its print, and the bookkeeping that turns tensors into records."""

    def __init__(self, code: tuple[str, ...], filename: str, illustrate_gpu: bool = False) -> None:
        self.code = code
        self.source = "\n".join(code)
        self.filename = filename
        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins, "torch": torch}
        if not filename.startswith("<"):
            self.namespace["__file__"] = filename
        self.namespace["print"] = self._print
        self.printed: list[Printed] = []
        self.graphs: list[GraphRecord] = []
        self.storage_ids: dict[object, int] = {}  # data_ptr of a storage's start -> its ident
        self.arguments: tuple[str, ...] = ()
        self.results = _Results()
        self.gpu = _IllustratedGPU() if illustrate_gpu else contextlib.nullcontext()
        self.in_backward = False
        self.open_line = False  # the last print ended without a newline
        self.undrawn: list[str] = []
        self.line = 0  # the first line of the statement running now, 0-based
        # Every storage seen is held until the run ends, so no new storage can reuse its address
        # and be taken for it.
        self.kept: list[Any] = []

    def statement(
        self, index: int, node: ast.stmt, cell: int, ends_cell: bool, marks: tuple[tuple[str, int], ...]
    ) -> StatementRecord:
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        self.line = first
        self.printed, self.graphs = [], []
        self.open_line = False
        self.results.calls = []
        self.arguments = _print_arguments(node, self.source)
        display: str | None = None
        error: str | None = None
        bare = ends_cell and isinstance(node, ast.Expr) and not _is_print_call(node)
        try:
            # Warnings go where Python sends them, to stderr: recorded here, never printed output.
            with self.results, self.gpu, _recording_backward(self), warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                if bare:
                    assert isinstance(node, ast.Expr)
                    value = eval(compile(ast.Expression(node.value), self.filename, "eval"), self.namespace)
                    display = None if value is None else repr(value)
                else:
                    module = ast.Module(body=[node], type_ignores=[])
                    exec(compile(module, self.filename, "exec"), self.namespace)
        except (KeyboardInterrupt, _OutOfTime):
            raise
        except BaseException as raised:  # SystemExit too: the code called exit(); it ends the run
            error = traceback.format_exception_only(type(raised), raised)[-1].strip()
        calls = tuple(self.tensor_record(name, tensor) for name, tensor in self.results.calls[:MAX_CALLS])
        tensors, storages = self.named_tensors()
        objects = self.named_objects()
        return StatementRecord(
            index=index,
            lines=(first, last),
            cell=cell,
            source="\n".join(self.code[first : last + 1]),
            marks=tuple(name for name, line in marks if first <= line <= last),
            prints=tuple(self.printed),
            display=display,
            error=error,
            tensors=tensors,
            storages=storages,
            objects=objects,
            calls=calls,
            graphs=tuple(self.graphs),
            warnings=tuple(f"{type(warning.message).__name__}: {warning.message}" for warning in caught),
        )

    def _print(
        self, *values: object, sep: str | None = " ", end: str | None = "\n", file: Any = None, flush: bool = False
    ) -> None:
        """Python's print, recorded: the text is exactly what print writes, less its `end`."""
        if file is not None and file not in (sys.stdout, sys.stderr):
            builtins.print(*values, sep=sep, end=end, file=file, flush=flush)
            return
        buffer = io.StringIO()
        builtins.print(*values, sep=sep, end="", file=buffer)
        caller = sys._getframe(1)
        line = caller.f_lineno - 1 if caller.f_code.co_filename == self.filename else -1
        arguments = self.arguments if len(self.arguments) == len(values) else ()
        with self.results.aside():
            tensors = tuple(
                self.tensor_record("", value) if isinstance(value, torch.Tensor) else None for value in values
            )
        self.results.calls = [call for call in self.results.calls if not any(call[1] is value for value in values)]
        text = buffer.getvalue() + ("" if end in (None, "\n") else end.rstrip("\n"))
        words = tuple(str(value) for value in values)
        if self.printed and self.open_line:
            # The last print left its line open (end=''): this one goes on the same line, as in a terminal.
            last = self.printed.pop()
            text, line, arguments = last.text + text, last.line, ()
            words, tensors = last.values + words, last.tensors + tensors
        self.open_line = end is not None and not end.endswith("\n")
        self.printed.append(Printed(text=text, line=line, arguments=arguments, values=words, tensors=tensors))

    def named_tensors(self) -> tuple[dict[str, TensorRecord], dict[int, StorageRecord]]:
        """Every tensor bound to a name (and every parameter of a bound module), with the storages they view."""
        found: dict[str, torch.Tensor] = {}
        for name, value in list(self.namespace.items()):
            if name.startswith("__") or name in ("torch", "print"):
                continue
            if isinstance(value, torch.Tensor):
                found[name] = value
            elif isinstance(value, torch.nn.Module):
                for parameter, weights in value.named_parameters():
                    found[f"{name}.{parameter}"] = weights
        tensors = {name: self.tensor_record(name, tensor) for name, tensor in found.items()}
        storages: dict[int, StorageRecord] = {}
        for tensor in (tensor for tensor in found.values() if _has_data(tensor)):
            record = self.storage_record(tensor)
            storages[record.ident] = record
        return tensors, storages

    def named_objects(self) -> dict[str, ObjectRecord]:
        """Every plain value bound to a name: numbers, strings, and lists, tuples and dicts of them."""
        found: dict[str, ObjectRecord] = {}
        for name, value in self.namespace.items():
            if name.startswith("__") or not isinstance(value, _PLAIN):
                continue
            items = value if isinstance(value, list | tuple) else ()
            found[name] = ObjectRecord(
                name=name,
                type=type(value).__name__,
                repr=_safe_repr(value),
                size=sys.getsizeof(value),
                items=tuple((_safe_repr(item), sys.getsizeof(item)) for item in items[:MAX_ELEMENTS]),
            )
        return found

    def device_of(self, tensor: torch.Tensor) -> str:
        """Where the tensor lives: cuda:0 for a tensor of the GPU illustration."""
        if isinstance(self.gpu, _IllustratedGPU) and self.gpu.is_gpu(tensor):
            return "cuda:0"
        return str(tensor.device)

    def storage_ident(self, tensor: torch.Tensor) -> int:
        storage = tensor.untyped_storage()
        # An empty storage has no address (0): each is a storage of its own.
        start: object = storage.data_ptr() or ("empty", id(tensor))
        if start not in self.storage_ids:
            self.storage_ids[start] = len(self.storage_ids) + 1
            self.kept.append(storage)
        return self.storage_ids[start]

    def storage_record(self, tensor: torch.Tensor) -> StorageRecord:
        storage = tensor.untyped_storage()
        size = storage.nbytes() // tensor.element_size()
        start = storage.data_ptr()
        flat = torch.empty(0, dtype=tensor.dtype, device=tensor.device).set_(storage, 0, (size,), (1,))
        return StorageRecord(
            ident=self.storage_ident(tensor),
            nbytes=storage.nbytes(),
            element_size=tensor.element_size(),
            dtype=_dtype(tensor),
            device=self.device_of(tensor),
            values=_elements(flat.detach()[:MAX_ELEMENTS]),
            offsets=tuple(flat[index].data_ptr() - start for index in range(min(size, MAX_ELEMENTS))),
            address=start,
            # Past the cap, the last element still comes from the storage itself, for the drawing's end.
            last=None if size <= MAX_ELEMENTS else (_elements(flat.detach()[-1:])[0], flat[-1].data_ptr() - start),
        )

    def tensor_record(self, name: str, tensor: torch.Tensor) -> TensorRecord:
        if not _has_data(tensor):
            return _dataless_record(name, tensor)
        start = tensor.untyped_storage().data_ptr()
        shown = min(tensor.numel(), MAX_ELEMENTS)
        positions = [unravel(index, tuple(tensor.shape)) for index in range(shown)]
        size = tensor.element_size()
        elements = tuple((tensor[position].data_ptr() - start) // size for position in positions)
        flat = tensor.detach().reshape(-1)[:MAX_ELEMENTS]
        grad = tensor.grad if tensor.is_leaf else None
        return TensorRecord(
            name=name,
            shape=tuple(tensor.shape),
            stride=tuple(tensor.stride()),
            storage_offset=int(tensor.storage_offset()),
            dtype=_dtype(tensor),
            device=self.device_of(tensor),
            contiguous=tensor.is_contiguous(),
            element_size=size,
            storage=self.storage_ident(tensor),
            byte_offset=tensor.data_ptr() - start,
            values=_elements(flat),
            elements=elements,
            numel=tensor.numel(),
            requires_grad=tensor.requires_grad,
            grad=None if grad is None else _elements(grad.detach().reshape(-1)[:MAX_ELEMENTS]),
            grad_fn=None if tensor.grad_fn is None else type(tensor.grad_fn).__name__,
            last=None if tensor.numel() <= MAX_ELEMENTS else _elements(tensor.detach().reshape(-1)[-1:])[0],
        )


_REPR = reprlib.Repr()
_REPR.maxlist = _REPR.maxtuple = MAX_ELEMENTS
_REPR.maxstring = _REPR.maxother = MAX_REPR


def _safe_repr(value: object) -> str:
    """The repr of a plain value, shortened for long lists, never raising."""
    try:
        return _REPR.repr(value)[:MAX_REPR]
    except Exception:
        return f"<{type(value).__name__}>"


def _has_data(tensor: torch.Tensor) -> bool:
    """A dense tensor with elements in memory: not sparse, not a meta tensor without data."""
    if type(tensor) not in (torch.Tensor, torch.nn.Parameter) or tensor.layout != torch.strided:
        return False
    return not (tensor.is_meta or tensor.is_quantized or tensor.is_nested)


def _dataless_record(name: str, tensor: torch.Tensor) -> TensorRecord:
    """What can be said of a tensor whose elements cannot be read: its shape, dtype and device."""
    return TensorRecord(
        name=name,
        shape=tuple(tensor.shape),
        stride=tuple(tensor.stride()) if tensor.layout == torch.strided else (),
        storage_offset=0,
        dtype=_dtype(tensor),
        device=str(tensor.device),
        contiguous=tensor.layout == torch.strided and tensor.is_contiguous(),
        element_size=tensor.element_size(),
        storage=0,
        byte_offset=0,
        values=(),
        elements=(),
        numel=tensor.numel(),
        requires_grad=tensor.requires_grad,
        grad=None,
        grad_fn=None if tensor.grad_fn is None else type(tensor.grad_fn).__name__,
    )


def _print_arguments(node: ast.stmt, source: str) -> tuple[str, ...]:
    """The source of each positional argument of a statement that is one print call."""
    if not _is_print_call(node):
        return ()
    assert isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
    return tuple(ast.get_source_segment(source, argument) or "" for argument in node.value.args)


def _is_print_call(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id == "print"
    )


def _dtype(tensor: torch.Tensor) -> str:
    return str(tensor.dtype).removeprefix("torch.")


def _elements(flat: torch.Tensor) -> tuple[Element, ...]:
    """Elements as plain numbers; bools and complex numbers as the text Python prints for them."""
    return tuple(str(value) if isinstance(value, bool | complex) else value for value in flat.cpu().tolist())


def _argument(part: object, names: dict[int, str]) -> float | str | None:
    """A call's argument as a graph node keeps it: None for a tensor that carries a gradient (an
    input node), the name of a named tensor that does not, else its number (NaN when not one)."""
    if isinstance(part, torch.Tensor):
        if part.requires_grad:
            return None
        if id(part) in names:
            return names[id(part)]
        return float(part.detach().reshape(-1)[0]) if part.numel() == 1 else float("nan")
    if isinstance(part, bool) or not isinstance(part, int | float):
        return float("nan")
    return float(part)


class _IllustratedGPU(TorchFunctionMode):
    """Without CUDA, moves to the GPU run as copies on the CPU, marked as GPU tensors: an illustration.

    `.cuda()`, `.to('cuda')` and `device='cuda'` make marked CPU copies; `.cpu()` of a marked
    tensor copies it back; an operation on marked and unmarked tensors fails as PyTorch fails
    on two devices; `.device` of a marked tensor says cuda:0. Records show marked tensors on
    cuda:0, and the run says it was illustrated.
    """

    def __init__(self) -> None:
        super().__init__()
        self.marked: dict[int, torch.Tensor] = {}  # id -> the tensor, held so its id stays its own
        self.used = False

    def is_gpu(self, tensor: torch.Tensor) -> bool:
        return id(tensor) in self.marked

    def _mark(self, result: Any) -> Any:
        if isinstance(result, torch.Tensor):
            self.marked[id(result)] = result
            self.used = True
        return result

    def __torch_function__(self, func: Callable[..., Any], types: Any, args: Any = (), kwargs: Any = None) -> Any:
        kwargs = dict(kwargs or {})
        name = getattr(func, "__name__", "")
        attribute = getattr(getattr(func, "__self__", None), "__name__", "") if name == "__get__" else ""
        if attribute in ("device", "is_cuda") and self.is_gpu(args[0]):
            return torch.device("cuda", 0) if attribute == "device" else True
        if name == "cuda" and isinstance(args[0], torch.Tensor):
            return self._mark(args[0].detach().clone().requires_grad_(args[0].requires_grad))
        to_gpu = _is_cuda(kwargs.get("device")) or (name == "to" and any(_is_cuda(part) for part in args[1:]))
        if to_gpu:
            if "device" in kwargs:
                kwargs["device"] = "cpu"
            args = tuple("cpu" if _is_cuda(part) else part for part in args)
            result = func(*args, **kwargs)
            if name == "to" and result is args[0]:
                result = result.clone()
            return self._mark(result)
        back = name == "cpu" or (name == "to" and any(_is_cpu(part) for part in (*args[1:], kwargs.get("device"))))
        if back and isinstance(args[0], torch.Tensor) and self.is_gpu(args[0]):
            return args[0].clone()  # a copy back into CPU memory
        tensors = [part for part in args if isinstance(part, torch.Tensor)]
        on_gpu = [tensor for tensor in tensors if self.is_gpu(tensor)]
        on_cpu = [tensor for tensor in tensors if not self.is_gpu(tensor) and _dims(tensor) > 0]
        if on_gpu and on_cpu and not name.startswith("_") and name not in ("clone", "detach"):
            raise RuntimeError(
                "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu! "
                "(illustrated: no CUDA device here)"
            )
        result = func(*args, **kwargs)
        if on_gpu and not name.startswith("__"):
            self._mark(result)
        return result


def _dims(tensor: torch.Tensor) -> int:
    try:
        return tensor.dim()
    except (ValueError, RuntimeError):  # an uninitialised (lazy) parameter has none yet
        return 0


def _is_cuda(part: object) -> bool:
    return (isinstance(part, str) and part.startswith("cuda")) or (
        isinstance(part, torch.device) and part.type == "cuda"
    )


def _is_cpu(part: object) -> bool:
    return (isinstance(part, str) and part == "cpu") or (isinstance(part, torch.device) and part.type == "cpu")


class _Results(TorchFunctionMode):
    """Remembers the tensor each autograd node produced, and the call that made it.

    PyTorch keeps no forward values on its graph; the node's own result, held here, is the
    value a drawing shows, and the call's plain-number arguments its constants.
    """

    def __init__(self) -> None:
        super().__init__()
        self.made: dict[Any, tuple[str, tuple[Any, ...], torch.Tensor]] = {}
        self.calls: list[tuple[str, torch.Tensor]] = []  # tensors the statement's own calls returned
        self.depth = 0

    @contextmanager
    def aside(self) -> Iterator[None]:
        """The engine's own torch calls while it records: not the statement's calls."""
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def __torch_function__(self, func: Callable[..., Any], types: Any, args: Any = (), kwargs: Any = None) -> Any:
        self.depth += 1
        try:
            result = func(*args, **(kwargs or {}))
        finally:
            self.depth -= 1
        if self.depth == 0 and isinstance(result, torch.Tensor):
            self.calls.append((getattr(func, "__name__", str(func)).strip("_"), result))
        if isinstance(result, torch.Tensor) and result.grad_fn is not None and result.grad_fn not in self.made:
            name = getattr(func, "__name__", str(func)).strip("_")
            # The value as made: an in-place op later must not change what the graph shows.
            value = result.detach().clone() if result.numel() <= MAX_ELEMENTS else result
            self.made[result.grad_fn] = (name, tuple(args), value)
        return result


@contextmanager
def _recording_backward(run: _Run) -> Iterator[None]:
    """While a statement runs, `Tensor.backward` first records the graph it is about to walk."""
    original = torch.Tensor.backward

    def backward(tensor: torch.Tensor, *args: Any, **kwargs: Any) -> Any:
        if run.in_backward:  # the torch-function mode hands the same call back once more
            return original(tensor, *args, **kwargs)
        run.in_backward = True
        try:
            return _recorded(tensor, *args, **kwargs)
        finally:
            run.in_backward = False

    def _recorded(tensor: torch.Tensor, *args: Any, **kwargs: Any) -> Any:
        # What the engine cannot record, it leaves undrawn: its own failure is never the code's.
        try:
            graph: _GraphRecorder | None = _GraphRecorder(tensor, run.results.made)
        except Exception:
            graph = None
        result = original(tensor, *args, **kwargs)
        if graph is not None:
            names = {name: id(value) for name, value in run.namespace.items() if isinstance(value, torch.Tensor)}
            try:
                run.graphs.append(graph.record(_root_source(run), names))
            except Exception:
                run.undrawn.append("a backward pass the engine could not record")
        return result

    torch.Tensor.backward = backward  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        torch.Tensor.backward = original  # type: ignore[method-assign]


def _root_source(run: _Run) -> str:
    """The name backward was called on, read from the calling line (`y.backward()` -> "y")."""
    frame: Any = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename != run.filename:
        frame = frame.f_back
    if frame is None:
        return ""
    found = re.search(r"([\w.]+)\.backward\(", run.code[frame.f_lineno - 1])
    return found.group(1) if found else ""


class _GraphRecorder:
    """The graph under `output`, walked before backward frees it, with a hook on every node for its gradient."""

    def __init__(self, output: torch.Tensor, made: dict[Any, tuple[str, tuple[Any, ...], torch.Tensor]]) -> None:
        self.order: list[Any] = []  # autograd nodes, inputs first
        self.grads: dict[Any, float] = {}
        self.locals: dict[Any, tuple[Any, ...]] = {}
        self.made = made
        self.output = output
        self._walk(output.grad_fn, set())
        with torch.no_grad():
            for node in self.order:
                if type(node).__name__ != "AccumulateGrad":
                    self.locals[node] = self._locals(node)
        for node in self.order:
            node.register_prehook(self._hook(node))

    def _locals(self, node: Any) -> tuple[Any, ...]:
        """The node applied to an upstream gradient of ones: its local derivative for each input.

        A node PyTorch cannot apply so (or one made outside the run) gets NaN, drawn as such."""
        unknown = tuple(torch.tensor(float("nan")) for _ in node.next_functions)
        if node not in self.made:
            return unknown
        try:
            local = node(torch.ones_like(self.made[node][2]))
        except RuntimeError:
            return unknown
        found = (local,) if isinstance(local, torch.Tensor) else tuple(local)
        return tuple(torch.tensor(float("nan")) if part is None else part for part in found)

    def _walk(self, root: Any, seen: set[int]) -> None:
        """Every node under `root`, inputs before the nodes they feed (without recursion: graphs can be deep)."""
        stack: list[tuple[Any, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            if node is None:
                continue
            if done:
                self.order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((function, False) for function, _ in reversed(node.next_functions))

    def _hook(self, node: Any) -> Callable[[Any], None]:
        def hook(grad_outputs: Any) -> None:
            if grad_outputs and isinstance(grad_outputs[0], torch.Tensor) and not grad_outputs[0].is_complex():
                self.grads[node] = float(grad_outputs[0].sum())

        return hook

    def record(self, root: str, names: dict[str, int]) -> GraphRecord:
        """The walked graph as plain records: leaves in the order the code named them, then the
        operations in the order they ran. `names` maps each variable to its tensor's id()."""
        by_id = {tensor_id: name for name, tensor_id in names.items()}
        created = {node: index for index, node in enumerate(self.made)}
        leaves = [node for node in self.order if type(node).__name__ == "AccumulateGrad"]
        order = list(names)
        leaves.sort(
            key=lambda node: order.index(by_id[id(node.variable)]) if id(node.variable) in by_id else len(order)
        )
        ops = sorted((node for node in self.order if node not in leaves), key=lambda node: created.get(node, 0))
        ident = {id(node): number for number, node in enumerate([*leaves, *ops])}
        nodes: list[GraphNodeRecord] = []
        edges: list[GraphEdgeRecord] = []
        for node in leaves:
            leaf = node.variable
            value = float(leaf.detach().sum())
            name = by_id.get(id(leaf), f"leaf{ident[id(node)]}")
            grad = self.grads.get(node, 0.0)
            nodes.append(GraphNodeRecord(ident[id(node)], name, "leaf", "", (), value, grad, repr(leaf.grad)))
        for node in ops:
            function, raw, result = self.made.get(node, ("", (), torch.tensor(float("nan"))))
            arguments = tuple(_argument(part, by_id) for part in raw)
            number = ident[id(node)]
            grad = self.grads.get(node, 0.0)
            value = float(result.detach().sum())
            nodes.append(
                GraphNodeRecord(number, type(node).__name__, "op", function, arguments, value, grad, repr(result.grad))
            )
            # Each entry of next_functions is one tensor argument of the call, in order.
            tensor_slots = [slot for slot, part in enumerate(raw) if isinstance(part, torch.Tensor)]
            for index, ((source, _), local) in enumerate(zip(node.next_functions, self.locals[node], strict=False)):
                if source is not None:
                    slot = tensor_slots[index] if len(tensor_slots) == len(node.next_functions) else index
                    edges.append(GraphEdgeRecord(ident[id(source)], number, slot, float(local.sum())))
        sizes = [node.variable.numel() for node in leaves] + [
            self.made[node][2].numel() for node in ops if node in self.made
        ]
        scalar = len(sizes) == len(leaves) + len(ops) and all(size == 1 for size in sizes)
        return GraphRecord(root=root, nodes=tuple(nodes), edges=tuple(edges), scalar=scalar)
