"""devices and serialization against independent PyTorch runs; --device everywhere; no GPU needed."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
import torch
from click.testing import CliRunner

from seminar_anim.app.cli import _settled, main
from seminar_anim.app.options import LessonOptions
from seminar_anim.model.devices import serialization_lesson
from tests.conftest import clean_capture, scene_themes, values_json


def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def no_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without CUDA, whatever this one has."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


@pytest.mark.usefixtures("no_cuda")
@pytest.mark.parametrize("scene", ["devices", "serialization", "tensors"])
def test_cuda_without_a_gpu_is_one_clear_line_and_status_2(scene: str) -> None:
    result = invoke("values", scene, "--device", "cuda")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --device cuda was asked for, but PyTorch sees no CUDA device here")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.usefixtures("no_cuda")
def test_auto_falls_back_to_the_cpu_and_says_so_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert _settled(LessonOptions(device="auto")).device == "cpu"
    assert capsys.readouterr().err == "note: no CUDA device found: computing on the CPU\n"
    assert _settled(LessonOptions(device="cpu")).device == "cpu"
    assert capsys.readouterr().err == ""


@pytest.mark.usefixtures("no_cuda")
def test_devices_without_cuda_says_its_gpu_side_is_illustrated() -> None:
    manifest = values_json("devices")
    values = manifest["values"]
    assert values["gpu.mode"] == "illustrated: no CUDA device"
    assert values["cpu_tensor.device"] == values["again_to_cpu.device"] == "cpu"
    assert values["gpu.to_gpu.device"] == "cuda"
    # Only what really ran on the CPU is printed: again_to_cpu.device.
    assert manifest["prints"] == ["cpu"]
    assert values["gpu.mixed_error"] == ""


def test_serialization_sizes_match_an_independent_save(tmp_path: Path) -> None:
    values = values_json("serialization")["values"]
    a = torch.arange(1000.0)
    for name, tensor in (("tensor.pth", a), ("small.pth", a[:2]), ("clone.pth", a[:2].clone())):
        torch.save(tensor, tmp_path / name)
        assert values[f"pickle.{name}.size"] == os.path.getsize(tmp_path / name)
        names = zipfile.ZipFile(tmp_path / name).namelist()
        assert [values[f"{name}.entry[{index}]"] for index in range(len(names))] == names
    # The saved view carries the whole storage; the clone only its two elements.
    assert values["small.pth.storage_bytes"] == values["a.nbytes"] == a.untyped_storage().nbytes() == 4000
    assert values["pickle.small.pth.size"] == values["a.nbytes"] + values["pickle.small.pth.overhead"]
    assert values["clone.pth.storage_bytes"] == 2 * a.element_size()
    assert values["pickle.clone.pth.size"] * 3 < values["pickle.small.pth.size"]
    assert values["small.loaded_storage_bytes"] == 4000 and values["loaded_equal"] == "True"


def test_serialization_leaves_no_files_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    serialization_lesson("cpu")
    assert list(tmp_path.iterdir()) == []


STEPS = {
    "devices": ["code", "devices", "copy", "back", "one-device"],
    "serialization": ["code", "save", "archive", "view", "clone"],
}


@pytest.mark.parametrize(("scene", "theme"), scene_themes(sorted(STEPS)))
def test_device_frames_draw_the_manifest_cleanly(scene: str, theme: str) -> None:
    _, captures = clean_capture(scene, theme, STEPS[scene])
    drawn = {text.key for text in captures[-1].texts}
    if scene == "devices":
        assert "gpu.mode" in drawn  # says on screen whether the GPU side was computed or illustrated
        assert {"cpu_tensor.device", "again_to_cpu.device"} <= drawn
    else:
        assert {"pickle.tensor.pth.size", "pickle.small.pth.size", "pickle.clone.pth.size"} <= drawn
