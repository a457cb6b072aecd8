"""The command line through Click's runner: listing, values, and one-line errors with status 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch
from click.testing import CliRunner

from seminar_anim.app.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_list_names_every_scene_with_a_description() -> None:
    code, out, _ = run("list")
    assert code == 0
    names = [line.split()[0] for line in out.splitlines()]
    assert names == [
        "data",
        "tensors",
        "memory",
        "indexing",
        "dtypes",
        "operations",
        "storage",
        "inplace",
        "devices",
        "serialization",
        "autograd-basics",
        "accumulation",
        "chain-rule",
        "autograd",
    ]  # seminar order
    assert "autograd         f = log(w*x + b)" in out


def test_help_describes_the_options() -> None:
    code, out, _ = run("render", "--help")
    assert code == 0
    for option in ("--quality", "--format", "--transparent", "--theme", "--device", "--expr", "--at", "--out"):
        assert option in out
    assert "[default: low]" in out


def test_values_json_is_the_manifest() -> None:
    code, out, _ = run("values", "autograd", "--device", "cpu", "--json")
    assert code == 0
    manifest = json.loads(out)
    assert set(manifest) >= {"scene", "torch", "device", "dtype", "values", "prints"}
    assert manifest["scene"] == "autograd"
    assert manifest["device"] == "cpu"
    assert manifest["dtype"] == "float32"
    values = manifest["values"]
    assert values["w.grad"] == torch.tensor(0.8).item()
    assert values["b.grad"] == torch.tensor(0.4).item()
    assert values["x.grad"] == torch.tensor(0.2).item()
    assert values["output"] == torch.log(torch.tensor(2.5)).item()
    assert (values["x"], values["w"], values["b"]) == (2.0, 0.5, 1.5)
    assert manifest["prints"] == ["tensor(0.8000)"]


def test_values_with_an_expression() -> None:
    code, out, _ = run("values", "autograd", "--device", "cpu", "--json", "--expr", "x*x + x", "--at", "x=3")
    assert code == 0
    manifest = json.loads(out)
    assert manifest["values"]["x.grad"] == 7.0
    assert manifest["prints"] == ["tensor(7.)"]


def test_values_as_a_table() -> None:
    code, out, _ = run("values", "autograd", "--device", "cpu")
    assert code == 0
    assert "w.grad" in out and "print -> tensor(0.8000)" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["values", "autogradd"], "unknown scene 'autogradd'; the scenes are: data, tensors, memory, indexing, dtypes"),
        (
            ["render", "nope"],
            "unknown scene 'nope'; the scenes are: data, tensors, memory, indexing, dtypes",
        ),
        (["values", "autograd", "--expr", "x.grad", "--at", "x=1"], "attribute access 'x.grad' is not allowed"),
        (["values", "autograd", "--expr", "log(x)", "--at", "x=-1"], "value of LogBackward0 is nan"),
        (["values", "autograd", "--expr", "w*x"], "no value for w, x"),
        (["values", "autograd", "--expr", "x+1", "--at", "x"], "--at 'x' is malformed"),
        (["values", "autograd", "--expr", "floor(x)", "--at", "x=1"], "unknown function 'floor'"),
    ],
)
def test_user_errors_are_one_line_with_status_2(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_cuda_without_cuda_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    code, _, err = run("values", "autograd", "--device", "cuda")
    assert code == 2
    assert "PyTorch sees no CUDA device" in err


def test_auto_falls_back_to_the_cpu_and_says_so_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    code, out, err = run("values", "autograd", "--json")
    assert code == 0
    assert json.loads(out)["device"] == "cpu"
    assert err.count("no CUDA device found") == 1


def test_the_installed_command_runs_without_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "seminar_anim", "values", "autograd", "--expr", "x.grad", "--at", "x=1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == "error: attribute access 'x.grad' is not allowed in an expression\n"
