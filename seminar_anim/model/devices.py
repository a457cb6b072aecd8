"""Where tensors live: copies between CPU and GPU memory, and tensors saved to and loaded from files."""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import torch

from seminar_anim.model.device import on_device
from seminar_anim.model.listing import Listing, Transcript
from seminar_anim.model.manifest import Value

# The GPU side of `devices` is computed only on CUDA; on the CPU it is drawn as an illustration,
# and its values (under these keys) are CPU copies made to show the same shapes.
GPU_PREFIX = "gpu."


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


@dataclass(frozen=True)
class DevicesFacts:
    """The `devices` lesson: the seed's GPU slide, computed on CUDA or illustrated without it."""

    listing: Listing
    tensors: dict[str, Placed]  # gpu_tensor, cpu_tensor, to_gpu, to_gpu_another, again_to_cpu
    real_gpu: bool  # computed on a CUDA device (else the GPU side is an illustration)
    gpu_name: str  # torch.cuda.get_device_name(), or "" when illustrated
    copies_differ: bool  # to_gpu and to_gpu_another live in different blocks
    mixed_error: str  # the RuntimeError of cpu_tensor + to_gpu, or "" when illustrated
    device: str
    torch_version: str
    dtype: str = "float32"

    @property
    def prints(self) -> tuple[str, ...]:
        return self.listing.prints


def devices_lesson(device: torch.device | str = "cpu") -> DevicesFacts:
    """The slide's five tensors; on CUDA real copies, pointers and the real mixed-device error."""
    where = torch.device(device)
    real = where.type == "cuda"
    # Without CUDA the GPU side is made of CPU clones: same values, drawn as an illustration.
    gpu = where if real else torch.device("cpu")
    run = Transcript("cpu")  # the slide names its devices itself
    run.line("gpu_tensor = torch.zeros(1, device='cuda')", "gpu_tensor")
    gpu_tensor = torch.zeros(1, device=gpu)
    run.line("cpu_tensor = torch.zeros(1)", "cpu_tensor")
    cpu_tensor = torch.zeros(1)
    line = run.line("print(gpu_tensor.device, cpu_tensor.device)", "print_devices")
    if real:
        run.printed(line, gpu_tensor.device, cpu_tensor.device)
    run.line("to_gpu = cpu_tensor.to(device='cuda')  # copy", "to_gpu")
    to_gpu = cpu_tensor.to(device=gpu) if real else cpu_tensor.clone()
    run.line("to_gpu_another = cpu_tensor.cuda()", "to_gpu_another")
    to_gpu_another = cpu_tensor.cuda() if real else cpu_tensor.clone()
    copies_differ = to_gpu.data_ptr() != to_gpu_another.data_ptr()
    run.line("first = to_gpu.data_ptr()  # where it lives", "first")
    line = run.line("print(first == to_gpu_another.data_ptr())", "print_same")
    if real:
        run.printed(line, not copies_differ)
    run.line("again_to_cpu = to_gpu.cpu()  # a copy back", "again_to_cpu")
    again_to_cpu = to_gpu.cpu() if real else to_gpu.clone()
    run.printed(run.line("print(again_to_cpu.device)", "print_back"), again_to_cpu.device)
    line = run.line("cpu_tensor + to_gpu  # two devices: an error", "mixed")
    error = ""
    if real:
        try:
            cpu_tensor + to_gpu
        except RuntimeError as raised:
            error = str(raised)
        run.printed(line, f"RuntimeError: {error}" if error else cpu_tensor + to_gpu)
    tensors = {
        key: Placed(key, str(tensor.device) if real or not on_gpu else "cuda", float(tensor.item()), on_gpu)
        for key, tensor, on_gpu in (
            ("gpu_tensor", gpu_tensor, True),
            ("cpu_tensor", cpu_tensor, False),
            ("to_gpu", to_gpu, True),
            ("to_gpu_another", to_gpu_another, True),
            ("again_to_cpu", again_to_cpu, False),
        )
    }
    return DevicesFacts(
        listing=run.listing(),
        tensors=tensors,
        real_gpu=real,
        gpu_name=torch.cuda.get_device_name(gpu) if real else "",
        copies_differ=copies_differ,
        mixed_error=error,
        device=str(gpu_tensor.device),
        torch_version=torch.__version__,
    )


def devices_values(facts: DevicesFacts) -> dict[str, Value]:
    values: dict[str, Value] = {
        f"{GPU_PREFIX}mode": "computed on CUDA" if facts.real_gpu else "illustrated: no CUDA device",
        f"{GPU_PREFIX}name": facts.gpu_name,
        f"{GPU_PREFIX}copies_differ": str(facts.copies_differ),
        f"{GPU_PREFIX}mixed_error": facts.mixed_error,
    }
    for placed in facts.tensors.values():
        values[f"{placed.manifest_key}.device"] = placed.device
        values[f"{placed.manifest_key}[0]"] = placed.value
    return values


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


@dataclass(frozen=True)
class SerializationFacts:
    """The `serialization` lesson: save, inspect and load a tensor; then the saved-view trap."""

    listing: Listing
    files: dict[str, SavedFile]  # tensor.pth, small.pth, clone.pth
    nbytes: int  # a's storage in bytes
    numel: int
    loaded_equal: bool
    loaded_view_storage: int  # bytes of the storage that torch.load gives the small view back
    device: str
    torch_version: str
    dtype: str

    @property
    def prints(self) -> tuple[str, ...]:
        return self.listing.prints


def _saved(key: str, path: Path) -> SavedFile:
    with zipfile.ZipFile(path) as archive:
        entries = tuple((info.filename, info.file_size) for info in archive.infolist())
    return SavedFile(key, os.path.getsize(path), entries)


def serialization_lesson(device: torch.device | str = "cpu") -> SerializationFacts:
    """torch.save / torch.load in a temporary folder: sizes, archive entries, equality, the view trap."""
    run = Transcript(str(torch.device(device)))
    with tempfile.TemporaryDirectory(prefix="seminar-anim-save-") as folder:
        where = Path(folder)
        run.line("import os, zipfile")
        run.line("a = torch.arange(1000.)  # 1000 float32s", "a")
        a = torch.arange(1000.0, device=run.device)
        run.line("torch.save(a, 'tensor.pth')", "save")
        torch.save(a, where / "tensor.pth")
        run.printed(
            run.line("print(os.path.getsize('tensor.pth'))", "print_size"), os.path.getsize(where / "tensor.pth")
        )
        run.line("names = zipfile.ZipFile('tensor.pth').namelist()", "names")
        run.line("b = torch.load('tensor.pth')", "load")
        b = torch.load(where / "tensor.pth")
        loaded_equal = torch.equal(a, b)
        run.printed(run.line("print(torch.equal(a, b))", "print_equal"), loaded_equal)
        run.line("small = a[:2]  # a view: 2 elements", "small")
        small = a[:2]
        run.line("torch.save(small, 'small.pth')", "save_small")
        torch.save(small, where / "small.pth")
        run.printed(
            run.line("print(os.path.getsize('small.pth'))", "print_small"), os.path.getsize(where / "small.pth")
        )
        run.line("torch.save(small.clone(), 'clone.pth')", "save_clone")
        torch.save(small.clone(), where / "clone.pth")
        run.printed(
            run.line("print(os.path.getsize('clone.pth'))", "print_clone"), os.path.getsize(where / "clone.pth")
        )
        files = {key: _saved(key, where / key) for key in ("tensor.pth", "small.pth", "clone.pth")}
        loaded_view = torch.load(where / "small.pth")
    return SerializationFacts(
        listing=run.listing(),
        files=files,
        nbytes=a.untyped_storage().nbytes(),
        numel=a.numel(),
        loaded_equal=loaded_equal,
        loaded_view_storage=loaded_view.untyped_storage().nbytes(),
        device=str(a.device),
        torch_version=torch.__version__,
        dtype=str(a.dtype).removeprefix("torch."),
    )


# File sizes include the pickled record, which names the device ('cpu' or 'cuda:0'): a few bytes
# differ between devices, so they live under this prefix; storage bytes do not differ.
PICKLE_PREFIX = "pickle."


def serialization_values(facts: SerializationFacts) -> dict[str, Value]:
    values: dict[str, Value] = {
        "a.nbytes": facts.nbytes,
        "a.numel": facts.numel,
        "loaded_equal": str(facts.loaded_equal),
        "small.loaded_storage_bytes": facts.loaded_view_storage,
    }
    for saved in facts.files.values():
        values[f"{PICKLE_PREFIX}{saved.key}.size"] = saved.size
        values[f"{PICKLE_PREFIX}{saved.key}.overhead"] = saved.size - saved.storage_bytes
        values[f"{saved.key}.storage_bytes"] = saved.storage_bytes
        for index, (name, size) in enumerate(saved.entries):
            values[f"{saved.key}.entry[{index}]"] = name
            values[f"{PICKLE_PREFIX}{saved.key}.entry[{index}].size"] = size
    return values


devices_facts = on_device("devices", devices_lesson, devices_values)
serialization_facts = on_device("serialization", serialization_lesson, serialization_values)
