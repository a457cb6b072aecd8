"""Where tensors live: copies between CPU and GPU memory, and tensors saved to and loaded from files."""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import torch

from seminar_anim.lessons import lesson_source
from seminar_anim.model.device import on_device
from seminar_anim.model.listing import Listing
from seminar_anim.model.manifest import Value
from seminar_anim.model.records import SnippetRun
from seminar_anim.model.snippet import run_snippet, split_source

# The GPU side of `devices` is computed only on CUDA; on the CPU it is drawn as an illustration,
# and its values (under these keys) are CPU copies made to show the same shapes.
GPU_PREFIX = "gpu."
NEEDS_CUDA = "cuda"  # the marker of a lesson line whose output only a GPU can give


@dataclass(frozen=True)
class Placed:
    """One tensor of the `devices` lesson: its name, where it lives, and its one value."""

    key: str
    device: str  # as PyTorch reports it ("cpu", "cuda:0"), or "cuda" when illustrated
    value: float
    on_gpu: bool

    @property
    def manifest_key(self) -> str:
        return f"{GPU_PREFIX}{self.key}" if self.on_gpu else self.key

    @property
    def value_key(self) -> str:
        return f"{self.manifest_key}[0]"

    @property
    def device_key(self) -> str:
        return f"{self.manifest_key}.device"


@dataclass(frozen=True)
class DevicesFacts:
    """The `devices` lesson: the seed's GPU slide, computed on CUDA or illustrated without it."""

    run: SnippetRun  # on CUDA the lesson itself; without CUDA, its illustration on the CPU
    shown: tuple[str, ...]  # the lesson's lines as shown, on either
    tensors: dict[str, Placed]  # gpu_tensor, cpu_tensor, to_gpu, to_gpu_another, again_to_cpu
    real_gpu: bool  # computed on a CUDA device (else the GPU side is an illustration)
    gpu_name: str  # torch.cuda.get_device_name(), or "" when illustrated
    copies_differ: bool  # to_gpu and to_gpu_another live in different blocks
    mixed_error: str  # the error of cpu_tensor + to_gpu, or "" when illustrated
    dtype: str = "float32"

    @cached_property
    def listing(self) -> Listing:
        """The lesson's code; without CUDA only the lines that need no GPU print."""
        listing = self.run.listing()
        if self.real_gpu:
            return listing
        _, _, marks = split_source(lesson_source("devices"))
        gpu_lines = {line for name, line in marks if name == NEEDS_CUDA}
        kept = [
            (text, line)
            for text, line in zip(listing.prints, listing.print_lines, strict=True)
            if line not in gpu_lines
        ]
        return Listing(
            code=self.shown,
            prints=tuple(text for text, _ in kept),
            print_lines=tuple(line for _, line in kept),
            marks=listing.marks,
        )

    @property
    def prints(self) -> tuple[str, ...]:
        return self.listing.prints

    @property
    def code(self) -> str:
        """The lesson as shown: on CUDA what ran; without, the lesson whose illustration ran."""
        return "\n".join(self.shown) + "\n"

    @property
    def device(self) -> str:
        """Where the GPU side was computed: cuda:0, or the CPU of the illustration."""
        return self.tensors["gpu_tensor"].device if self.real_gpu else "cpu"

    @property
    def mode_key(self) -> str:
        return f"{GPU_PREFIX}mode"

    @property
    def mode(self) -> str:
        return "computed on CUDA" if self.real_gpu else "illustrated: no CUDA device"

    @property
    def name_key(self) -> str:
        return f"{GPU_PREFIX}name"


def illustration(source: str) -> str:
    """The lesson with every copy to or from the GPU made a CPU copy: same shapes and values, one device."""
    return source.replace("device='cuda'", "device='cpu'").replace(".cuda()", ".clone()").replace(".cpu()", ".clone()")


GPU_SIDE = ("gpu_tensor", "to_gpu", "to_gpu_another")


def devices_lesson(device: torch.device | str = "cpu") -> DevicesFacts:
    """The slide's five tensors; on CUDA real copies, pointers and the real mixed-device error."""
    where = torch.device(device)
    real = where.type == "cuda"
    source = lesson_source("devices")
    # The slide names its devices itself, so it runs on the CPU by default even with CUDA.
    run = run_snippet(source if real else illustration(source), "cpu")
    tensors = {}
    for key in (*GPU_SIDE[:1], "cpu_tensor", *GPU_SIDE[1:], "again_to_cpu"):
        record = run.tensor(key)
        on_gpu = key in GPU_SIDE
        shown = record.device if real or not on_gpu else "cuda"
        tensors[key] = Placed(key, shown, float(record.values[0]), on_gpu)
    to_gpu, another = run.tensor("to_gpu"), run.tensor("to_gpu_another")
    return DevicesFacts(
        run=run,
        shown=split_source(source)[0],
        tensors=tensors,
        real_gpu=real,
        gpu_name=torch.cuda.get_device_name(where) if real else "",
        copies_differ=to_gpu.storage != another.storage,
        mixed_error=run.error or "" if real else "",
    )


def devices_values(facts: DevicesFacts) -> dict[str, Value]:
    values: dict[str, Value] = {
        facts.mode_key: facts.mode,
        facts.name_key: facts.gpu_name,
        f"{GPU_PREFIX}copies_differ": str(facts.copies_differ),
        f"{GPU_PREFIX}mixed_error": facts.mixed_error,
    }
    for placed in facts.tensors.values():
        values[placed.device_key] = placed.device
        values[placed.value_key] = placed.value
    return values


# File sizes include the pickled record, which names the device ('cpu' or 'cuda:0'): a few bytes
# differ between devices, so they live under this prefix; storage bytes do not differ.
PICKLE_PREFIX = "pickle."


@dataclass(frozen=True)
class SavedFile:
    """One file torch.save wrote: its size on disk and its zip archive's entries with their sizes."""

    key: str  # file name as the code writes it, e.g. "tensor.pth"
    size: int
    entries: tuple[tuple[str, int], ...]  # (name inside the archive, uncompressed bytes)

    @property
    def storage_bytes(self) -> int:
        """The bytes of the saved storage: the archive's data/0 entry."""
        return next(size for name, size in self.entries if name.endswith("/data/0"))

    @property
    def size_key(self) -> str:
        return f"{PICKLE_PREFIX}{self.key}.size"

    def entry_key(self, index: int) -> str:
        return f"{self.key}.entry[{index}]"

    def entry_size_key(self, index: int) -> str:
        return f"{PICKLE_PREFIX}{self.key}.entry[{index}].size"

    def values_map(self) -> dict[str, Value]:
        values: dict[str, Value] = {
            self.size_key: self.size,
            f"{PICKLE_PREFIX}{self.key}.overhead": self.size - self.storage_bytes,
            f"{self.key}.storage_bytes": self.storage_bytes,
        }
        for index, (name, size) in enumerate(self.entries):
            values[self.entry_key(index)] = name
            values[self.entry_size_key(index)] = size
        return values


@dataclass(frozen=True)
class SerializationFacts:
    """The `serialization` lesson: save, inspect and load a tensor; then the saved-view trap."""

    run: SnippetRun
    files: dict[str, SavedFile]  # tensor.pth, small.pth, clone.pth
    nbytes: int  # a's storage in bytes
    numel: int
    loaded_equal: bool
    loaded_view_storage: int  # bytes of the storage that torch.load gives the small view back

    @property
    def listing(self) -> Listing:
        return self.run.listing()

    @property
    def nbytes_key(self) -> str:
        return "a.nbytes"


def _saved(key: str, path: Path) -> SavedFile:
    with zipfile.ZipFile(path) as archive:
        entries = tuple((info.filename, info.file_size) for info in archive.infolist())
    return SavedFile(key, os.path.getsize(path), entries)


def serialization_lesson(device: torch.device | str = "cpu") -> SerializationFacts:
    """torch.save / torch.load in a temporary folder: sizes, archive entries, equality, the view trap."""
    with tempfile.TemporaryDirectory(prefix="seminar-anim-save-") as folder:
        where = Path(folder)
        run = run_snippet(lesson_source("serialization"), device, cwd=where)
        files = {key: _saved(key, where / key) for key in ("tensor.pth", "small.pth", "clone.pth")}
        loaded_view = torch.load(where / "small.pth")
    a = run.tensor("a")
    return SerializationFacts(
        run=run,
        files=files,
        nbytes=run.storage(a).nbytes,
        numel=a.numel,
        loaded_equal=run.printed("print_equal").text == "True",
        loaded_view_storage=loaded_view.untyped_storage().nbytes(),
    )


def serialization_values(facts: SerializationFacts) -> dict[str, Value]:
    values: dict[str, Value] = {
        facts.nbytes_key: facts.nbytes,
        "a.numel": facts.numel,
        "loaded_equal": str(facts.loaded_equal),
        "small.loaded_storage_bytes": facts.loaded_view_storage,
    }
    for saved in facts.files.values():
        values.update(saved.values_map())
    return values


devices_facts = on_device("devices", devices_lesson, devices_values)
serialization_facts = on_device("serialization", serialization_lesson, serialization_values)
