"""Where a rate run writes before its outputs are moved in: a staging directory inside OUT.

The directory is inside the output directory, on its file system, so the
outputs move in by rename once all are written. A run killed outright
(SIGKILL, a lost machine) cannot remove its staging directory, so each run
removes the ones earlier runs left. To know that none of them belongs to a
run still going, a run holds an exclusive lock on the output directory
itself for as long as it runs (``flock`` on the directory's descriptor: the
kernel drops it when the process ends, however it ends), and a second run
into the same directory is refused rather than mixing its files with the
first's. Where there is no ``flock`` (Windows), runs are not locked and
leftovers are left alone, as any of them might be a live run's.

DuckDB's scratch directory, where it spills past its memory limit, is in the
system's temporary directory instead (it can grow to gigabytes, and need not
share the outputs' disk). A killed run leaves it too, so each run locks its
own the same way, and removes the ones no live run holds.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

PREFIX = ".pricegen-rate-"
SCRATCH_PREFIX = "pricegen-rate-"
# A scratch directory younger than this is never taken for a killed run's: between its
# creation and its lock, another run's clean-up could otherwise find it unlocked.
SCRATCH_GRACE = 10.0  # seconds


class BusyError(Exception):
    """Another run holds the output directory."""


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A fresh staging directory inside ``out``, removed afterwards, with ``out`` locked."""
    with _locked(out) as locked:
        if locked:
            remove_leftovers(out)
        stage = Path(tempfile.mkdtemp(prefix=PREFIX, dir=out))
        try:
            yield stage
        finally:
            shutil.rmtree(stage, ignore_errors=True)


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A fresh scratch directory in the system's temporary directory, held locked
    while the run lives and removed afterwards; killed runs' ones are removed first."""
    root = Path(tempfile.gettempdir())
    remove_dead_scratch(root)
    path = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=root))
    try:
        with _locked(path):
            yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def remove_dead_scratch(root: Path) -> None:
    """Remove the scratch directories in ``root`` that no live run holds: each run
    locks its own, and the kernel drops the lock when the run ends, however it ends.
    Only this user's directories, and none younger than SCRATCH_GRACE."""
    if fcntl is None:
        return
    for entry in root.glob(SCRATCH_PREFIX + "*"):
        try:
            info = entry.lstat()
        except OSError:
            continue
        if not entry.is_dir() or entry.is_symlink() or info.st_uid != os.getuid():
            continue
        if time.time() - info.st_mtime < SCRATCH_GRACE:
            continue
        try:
            with _locked(entry):
                shutil.rmtree(entry, ignore_errors=True)
        except (BusyError, OSError):
            continue  # a live run's, or gone already


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[bool]:
    """Hold an exclusive lock on ``out`` (True), or run unlocked where there are no locks."""
    if fcntl is None:
        yield False
        return
    fd = os.open(out, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BusyError(str(out)) from None
        yield True
    finally:
        os.close(fd)  # closing the descriptor drops the lock


def remove_leftovers(out: Path) -> None:
    """Remove the staging directories of earlier runs that were killed before their end."""
    for entry in out.iterdir():
        if entry.name.startswith(PREFIX) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
