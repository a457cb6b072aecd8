"""GPU check: every scene's values on CUDA and on the CPU, through the CLI, compared and summarised,
then the `devices` scene rendered on CUDA at low quality.

Run on a machine with CUDA: python scripts/check_cuda.py   (exit status 0 when all agree)
Numbers must agree to the 4 decimals the frames show. Skipped, since they differ by device by
nature: absolute addresses (`address.*`), the GPU side of `devices` (`gpu.*`, illustrated on
the CPU) and file sizes that include the pickled device name (`pickle.*`). Printed lines may
differ only in the device PyTorch names on CUDA.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import time
from typing import Any

from seminar_anim.model.devices import GPU_PREFIX, PICKLE_PREFIX
from seminar_anim.output.cache import ADDRESS_PREFIX

CLI = [sys.executable, "-m", "seminar_anim"]
Json = dict[str, Any]
# What only the device changes in a print: a tensor's suffix, a storage's device field.
DEVICE_DEPENDENT = (ADDRESS_PREFIX, GPU_PREFIX, PICKLE_PREFIX)
DEVICE_SUFFIX = re.compile(r", device='cuda:\d+'")
STORAGE_DEVICE = re.compile(r"device=cuda:\d+")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, check=False)


def values(scene: str, device: str) -> tuple[Json, float]:
    started = time.monotonic()
    result = cli("values", scene, "--device", device, "--json")
    if result.returncode != 0:
        raise SystemExit(f"{scene} on {device} failed: {result.stderr.strip()}")
    return json.loads(result.stdout), time.monotonic() - started


def differences(cpu: Json, cuda: Json) -> list[str]:
    found = []
    for key, expected in cpu["values"].items():
        if key.startswith(DEVICE_DEPENDENT):
            continue
        actual = cuda["values"].get(key)
        if isinstance(expected, float) and isinstance(actual, float):
            if round(expected, 4) != round(actual, 4) and not math.isclose(expected, actual, abs_tol=5e-5):
                found.append(f"{key}: cpu {expected} cuda {actual}")
        elif expected != actual:
            found.append(f"{key}: cpu {expected!r} cuda {actual!r}")
    cpu_prints = list(cpu["prints"])
    cuda_prints = [STORAGE_DEVICE.sub("device=cpu", DEVICE_SUFFIX.sub("", line)) for line in cuda["prints"]]
    illustrated = cpu["values"].get("gpu.mode") != cuda["values"].get("gpu.mode")  # devices: CPU can't run them
    if cpu_prints != cuda_prints and not illustrated:
        found.append(f"prints: cpu {cpu_prints} cuda {list(cuda['prints'])}")
    return found


def main() -> int:
    scenes = [line.split()[0] for line in cli("list").stdout.splitlines() if line.strip()]
    failed = 0
    for scene in scenes:
        cpu, cpu_seconds = values(scene, "cpu")
        cuda, cuda_seconds = values(scene, "cuda")
        auto, _ = values(scene, "auto")
        problems = differences(cpu, cuda)
        if not str(cuda["device"]).startswith("cuda") or auto["device"] != cuda["device"]:
            problems.append(f"devices: cuda run on {cuda['device']}, auto run on {auto['device']}")
        failed += bool(problems)
        verdict = "agree" if not problems else "DIFFER"
        print(
            f"{scene}: {len(cpu['values'])} values, cpu and {cuda['device']} {verdict} at display precision "
            f"(values: cpu {cpu_seconds:.1f} s, cuda {cuda_seconds:.1f} s; torch {cuda['torch']})"
        )
        for line in cuda["prints"]:
            print(f"  cuda print -> {line}")
        for problem in problems:
            print(f"  {problem}")
    print(f"{len(scenes) - failed}/{len(scenes)} scenes agree")
    return (1 if failed else 0) | render_devices()


def render_devices() -> int:
    """Render `devices` on CUDA at low quality and say where it went (needs Manim set up)."""
    started = time.monotonic()
    result = cli("render", "devices", "--device", "cuda", "--quality", "low", "--force", "--out", "media/cuda-check")
    seconds = time.monotonic() - started
    if result.returncode != 0:
        print(f"devices render on CUDA FAILED after {seconds:.1f} s: {result.stderr.strip()[-500:]}")
        return 1
    print(f"devices rendered on CUDA in {seconds:.1f} s: {result.stdout.split()[0] if result.stdout else '?'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
