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
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

PREFIX = ".pricegen-rate-"


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
