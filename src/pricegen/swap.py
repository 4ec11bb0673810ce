"""Replace an output directory's contents all at once, surviving a kill at any moment.

:mod:`pricegen.emit` decides what to write (names, ownership, the manifest,
the plan); this module carries a plan out. Its strategy (a staging tree
swapped in with ``renameat2(RENAME_EXCHANGE)``, a journalled two-phase rename
where the exchange is missing, files replaced one by one where hard links
are not possible) is described in emit's docstring, which users read first.
Stdlib only. emit imports it inside the functions that touch the disk (write,
plan, which rolls an interrupted swap forward, current_plan), not at import:
this module imports emit's names, so the two load in that order.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from .emit import FILE_MODE, MANIFEST, Plan, UnsafePathError, safe_relative

# Inode flags (linux/fs.h): a file so marked cannot be replaced or removed, even by root.
_FS_IOC_GETFLAGS = 0x80086601
_FS_IMMUTABLE_FL, _FS_APPEND_FL = 0x10, 0x20


def check_replaceable(out: Path, changes: Plan) -> None:
    """UnsafePathError, before anything is written, for an old file that cannot be replaced.

    The swap leaves the old set to be removed after the new one is in place;
    a file that cannot be removed (immutable, append-only, or in a directory
    this process may not write) would leave a half-removed tree behind.
    """
    for name in changes.update + changes.delete:
        path = out / name
        for target in (path, *[out / p for p in PurePosixPath(name).parents if p.parts]):
            problem = _unremovable(target)
            if problem:
                raise UnsafePathError(
                    f'Cannot replace "{name}": {problem}; nothing was written '
                    "(clear the flag or fix the permissions, then generate again)."
                )
        if not os.access(path.parent, os.W_OK | os.X_OK):
            raise UnsafePathError(
                f'Cannot replace "{name}": its directory is not writable; nothing was written.'
            )


def _unremovable(path: Path) -> str | None:
    """Why ``path`` cannot be removed or renamed, as far as its inode flags tell."""
    try:
        import array
        import fcntl
    except ImportError:  # pragma: no cover - not Linux-like
        return None
    try:
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
    except OSError:
        return None  # unreadable: the write itself will say what is wrong
    try:
        flags = array.array("i", [0])
        fcntl.ioctl(fd, _FS_IOC_GETFLAGS, flags, True)
    except OSError:
        return None  # the file system keeps no such flags
    finally:
        os.close(fd)
    shown = "it" if path.is_file() else f'the directory "{path.name}"'
    if flags[0] & _FS_IMMUTABLE_FL:
        return f"{shown} is immutable (chattr +i)"
    if flags[0] & _FS_APPEND_FL:
        return f"{shown} is append-only (chattr +a)"
    return None


def real_path(out: Path) -> Path:
    """The output directory with symbolic links resolved: the user named it, so it is followed."""
    return Path(os.path.realpath(out))


def sibling_names(out: Path) -> tuple[Path, Path, Path]:
    """(staging, old tree, journal): siblings of the output directory."""
    base = f".{out.name}.pricegen-"
    return out.parent / (base + "new"), out.parent / (base + "old"), out.parent / (base + "journal")


def cwd_inside(out: Path) -> bool:
    """Swapping the directory the process stands in would leave it in a deleted tree."""
    try:
        cwd = Path(os.path.realpath(os.getcwd()))
    except OSError:
        return False
    return cwd == out or out in cwd.parents


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """An exclusive lock on the parent directory: one generate per output at a time."""
    try:
        import fcntl

        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except (ImportError, OSError):
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class _NoSwap(Exception):
    """The staging tree cannot be built here (no hard links); write in place instead."""


def swap_write(out: Path, files: dict[str, str], changes: Plan) -> bool:
    """Build the new tree beside ``out`` and swap it in; False when not possible here."""
    stage, old, journal = sibling_names(out)
    _rmtree(stage)
    exists = os.path.lexists(out)
    try:
        os.mkdir(stage)
    except OSError:
        return False  # e.g. the parent is not writable, but the output directory is
    swapped = False
    try:
        skip = set(changes.create) | set(changes.update) | set(changes.delete)
        if exists:
            _mirror(out, stage, "", skip)
        written = []
        for name in changes.create + changes.update:
            written.append(stage / safe_relative(name))
            _stage_write(written[-1], files[name])
        for name in changes.delete:
            _prune_empty_dirs(stage, PurePosixPath(name).parent)
        _sync_tree(stage, written)
        if not exists:
            os.rename(stage, out)
            swapped = True
        elif _exchange(stage, out):
            swapped = True
        else:
            _two_phase(out, stage, old, journal)
            swapped = True
        _fsync_dir(out.parent)
    except _NoSwap:
        _rmtree(stage)
        return False
    except BaseException:
        if not swapped and (not exists or os.path.lexists(out)):
            _rmtree(stage)  # else a journaled swap is half done: the next run rolls it forward
        raise
    _rmtree(stage)  # the old tree, after an exchange
    if os.path.lexists(stage):  # check_replaceable missed a reason; say so, never exit 0
        raise OSError(
            errno.EPERM,
            "the new outputs are in place, but the old ones could not all be removed "
            f"from {stage.name} beside the output directory; remove it by hand",
            str(stage),
        )
    return True


def _stage_write(target: Path, content: str) -> None:
    """Write a new file of the private staging tree; _sync_tree() flushes them all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(
        target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), FILE_MODE
    )
    with os.fdopen(fd, "wb") as handle:
        handle.write(content.encode("utf-8"))


def _sync_tree(stage: Path, written: list[Path]) -> None:
    """Flush the staged tree to disk once before it is swapped in.

    One syncfs(2) of the staging directory's file system replaces an fsync
    per file, which made writing a large catalog's outputs slow and erratic.
    Where syncfs is missing, each written file and directory is synced.
    """
    syncfs = _syncfs_function()
    fd = os.open(stage, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        if syncfs is not None and syncfs(fd) == 0:
            return
    finally:
        os.close(fd)
    for path in written:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for directory in {path.parent for path in written} | {stage}:
        _fsync_dir(directory)


_syncfs: Callable[[int], int] | bool | None = None  # None: not looked up yet


def _syncfs_function() -> Callable[[int], int] | None:
    global _syncfs
    if _syncfs is None:
        _syncfs = _libc_function("syncfs", [ctypes.c_int])
    return None if isinstance(_syncfs, bool) else _syncfs


def _libc_function(name: str, argtypes: list[Any]) -> Callable[..., int] | bool:
    """The C library's ``name``, returning an int and setting errno; False where this
    system has none (looked up once by each caller, which keeps the answer)."""
    try:
        function = getattr(ctypes.CDLL(None, use_errno=True), name)
        function.argtypes = argtypes
        function.restype = ctypes.c_int
    except (AttributeError, OSError, TypeError):
        return False
    return function  # type: ignore[no-any-return]


def _mirror(src: Path, dst: Path, prefix: str, skip: set[str]) -> None:
    """Recreate ``src`` under ``dst``: directories made, every other entry hard-linked.

    Symbolic links are linked as links (never followed); ``skip`` names the
    files that are written anew or removed.
    """
    modes = []
    try:
        entries = list(os.scandir(src))
    except PermissionError as exc:  # a directory of the user's that cannot be listed
        raise _NoSwap from exc
    for entry in entries:
        rel = prefix + entry.name
        target = dst / entry.name
        if entry.is_dir(follow_symlinks=False):
            os.mkdir(target)
            _mirror(Path(entry.path), target, rel + "/", skip)
            modes.append((target, stat.S_IMODE(entry.stat(follow_symlinks=False).st_mode)))
        elif rel not in skip:
            try:
                os.link(entry.path, target, follow_symlinks=False)
            except OSError as exc:
                if exc.errno in (
                    errno.EXDEV,
                    errno.EPERM,
                    errno.EMLINK,
                    errno.ENOTSUP,
                    errno.EOPNOTSUPP,
                    errno.EACCES,
                ):
                    raise _NoSwap from exc
                raise
    for target, mode in modes:
        os.chmod(target, mode)
    if not prefix:
        os.chmod(dst, stat.S_IMODE(os.stat(src).st_mode))


# renameat2(2) flags and the "current directory" file descriptor.
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_renameat2: Callable[..., int] | bool | None = None  # None: not looked up yet


def _renameat2_function() -> Callable[..., int] | bool:
    global _renameat2
    if _renameat2 is None:
        _renameat2 = _libc_function(
            "renameat2",
            [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint],
        )
    return _renameat2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False when the system cannot (then nothing happened)."""
    function = _renameat2_function()
    if isinstance(function, bool):  # False: the system has no renameat2
        return False
    if function(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _two_phase(out: Path, stage: Path, old: Path, journal: Path) -> None:
    """Without an atomic exchange: out → old, stage → out, journaled for recovery.

    Between the two renames the output directory does not exist; the journal
    says the staged tree is complete, so the next run rolls it forward.
    """
    _rmtree(old)
    # Its existence is the record (the staged tree is complete), so it is written in place.
    fd = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.write(fd, (json.dumps({"staged": stage.name, "old": old.name}) + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    _fsync_dir(out.parent)
    os.rename(out, old)
    try:
        os.rename(stage, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.rename(old, out)  # put the old set back; failing that, the journal rolls forward
            journal.unlink()
        raise
    _fsync_dir(out.parent)
    journal.unlink()
    _rmtree(old)


def roll_forward(out: Path) -> None:
    """Finish a two-phase swap that was interrupted between its renames."""
    stage, _old, journal = sibling_names(out)
    if os.path.lexists(journal) and not os.path.lexists(out) and os.path.isdir(stage):
        with contextlib.suppress(OSError):
            os.rename(stage, out)


def recover(out: Path) -> None:
    """Roll an interrupted swap forward, then remove what a killed run left behind."""
    roll_forward(out)
    _remove_leftovers(out)


def _remove_leftovers(out: Path) -> None:
    stage, old, journal = sibling_names(out)
    if not os.path.lexists(out):
        return  # the journal and staged tree are all there is; keep them
    for path in (stage, old):
        _rmtree(path)
    with contextlib.suppress(FileNotFoundError):
        journal.unlink()


def _rmtree(path: Path) -> None:
    if os.path.islink(path):
        os.unlink(path)
    elif os.path.lexists(path):
        force = _rmtree_inside(Path(path))
        if sys.version_info >= (3, 12):
            shutil.rmtree(path, onexc=force)
        else:
            shutil.rmtree(path, onerror=force)


def _rmtree_inside(root: Path) -> Callable[[Callable[[str], object], str, object], None]:
    """rmtree's second chance inside ``root``: make a read-only directory there writable,
    then retry. Never a directory outside ``root``: the user's parent stays as it was."""

    def force(function: Callable[[str], object], path: str, _exc: object) -> None:
        parent = Path(os.path.dirname(path))
        if parent != root and root not in parent.parents:
            return
        with contextlib.suppress(OSError):
            os.chmod(parent, 0o700)
            function(path)

    return force


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_in_place(out: Path, files: dict[str, str], changes: Plan) -> None:
    """Without hard links: each file replaced atomically, removals, manifest last."""
    for name in changes.create + changes.update:
        if name != MANIFEST:
            atomic_write(out / safe_relative(name), files[name])
    for name in changes.delete:
        (out / name).unlink(missing_ok=True)
        _prune_empty_dirs(out, PurePosixPath(name).parent)
    if MANIFEST in changes.create + changes.update:
        atomic_write(out / MANIFEST, files[MANIFEST])


def _prune_empty_dirs(out: Path, rel: PurePosixPath) -> None:
    while rel.parts:
        directory = out / rel
        try:
            directory.rmdir()
        except OSError:
            return
        rel = rel.parent


def atomic_write(target: Path, content: str) -> None:
    """Write to a temporary sibling, flush it to disk, then rename it over the target."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, FILE_MODE)  # mkstemp makes 0600 files; outputs are ordinary files
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
