"""Staging folders that say whose they are, so a later run removes those a killed run left behind.

Every render stages its files in a hidden folder beside its outputs (and compiles Typst in a
private folder), then swaps them in. A run killed by SIGKILL cannot clean up; the next run
that stages in the same place removes every staging folder whose owner process is gone, and
never one of a live run: each folder holds its owner's process id and start time.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

OWNER_FILE = ".owner"
UNCLAIMED_SECONDS = 60.0  # a folder without an owner yet is being made; older than this, it is litter


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (from /proc), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _me() -> str:
    return f"{os.getpid()} {_start_time(os.getpid())}"


def _abandoned(folder: Path) -> bool:
    try:
        owner = (folder / OWNER_FILE).read_text(encoding="ascii").split()
    except OSError:
        try:
            return time.time() - folder.stat().st_mtime > UNCLAIMED_SECONDS
        except OSError:
            return False  # removed meanwhile
    if len(owner) != 2 or not owner[0].isdigit():
        return True
    return _start_time(int(owner[0])) != owner[1]


def sweep(parent: Path, prefix: str) -> None:
    """Remove the folders `parent/prefix*` whose owner process has exited."""
    try:
        candidates = [path for path in parent.iterdir() if path.name.startswith(prefix) and path.is_dir()]
    except OSError:
        return
    for folder in candidates:
        if _abandoned(folder):
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def staging_folder(parent: Path, prefix: str) -> Iterator[Path]:
    """A new folder `parent/prefix...` owned by this process, removed when the block ends;
    first, the ones of the same prefix that dead processes left are removed."""
    sweep(parent, prefix)
    with tempfile.TemporaryDirectory(prefix=prefix, dir=parent) as name:
        folder = Path(name)
        (folder / OWNER_FILE).write_text(_me(), encoding="ascii")
        yield folder
