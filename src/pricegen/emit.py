"""Stage eight: put rendered files on disk, or compare them with what is there.

Ownership. The output directory is owned through a manifest: pricegen
removes only files that it wrote before and no longer produces, so a
user's own files beside the outputs are never touched. Names come from
the catalog (plan ids, the module name), so every name is checked to be a
plain relative path, and nothing is ever read, written or removed through
a symbolic link or a special file inside the output directory.

Atomicity. The whole output set changes at once, so that a reader (or a
process killed at any moment) sees either the old set or the new one:

1. The complete new tree is built in a sibling staging directory,
   ``.<out>.pricegen-new``: new and changed files are written there, and
   everything else in the output directory (the user's files, unchanged
   outputs) is hard-linked, so no byte of a user's file is copied or
   changed, and unchanged outputs keep their inode and mtime.
2. The staging directory and the output directory are swapped in one
   ``renameat2(RENAME_EXCHANGE)`` system call (Linux 3.15, glibc 2.28).
3. The old tree, now at the staging path, is removed.

Where the exchange is not available, a two-phase rename with a journal
(``.<out>.pricegen-journal``) is used instead, and the next run (or
``--check``) rolls an interrupted swap forward. Where hard links are not
possible (another file system, a file system without links), or the
current directory is inside the output directory, files are replaced one
by one, each atomically. Leftovers of a killed run are removed by the
next ``generate``. When nothing changed, nothing is touched at all.
"""

from __future__ import annotations

import contextlib
import ctypes
import difflib
import errno
import hashlib
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MANIFEST = ".pricegen-manifest.json"
MAX_MANIFEST_BYTES = 8 * 1024 * 1024

# Windows device names: never a file name, whatever the extension (con.md is CON).
_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{i}" for p in ("com", "lpt") for i in range(1, 10)}


def _file_mode() -> int:
    """What open() would give a new file: 0o666 less the process umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


FILE_MODE = _file_mode()


class UnsafePathError(ValueError):
    """A rendered file name would land outside the output directory, or in a place
    pricegen must not write through (a symbolic link, a special file)."""


@dataclass(frozen=True)
class Plan:
    """What writing ``files`` into a directory would change."""

    create: list[str] = field(default_factory=list)
    update: list[str] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.create or self.update or self.delete)


# -- names ----------------------------------------------------------------------------


def safe_relative(name: str) -> PurePosixPath:
    """A plain relative path inside the output directory, or UnsafePathError.

    Refused: absolute paths, ``..``, ``.`` and empty parts, backslashes and
    drive letters, control characters, hidden parts (``.git/hooks``;
    only the manifest itself starts with a dot), Windows device names and
    names ending in a dot or a space.
    """
    problem = _name_problem(name)
    if problem:
        raise UnsafePathError(
            f'Refusing to write "{_shown(name)}": {problem}; '
            "expected a path inside the output directory."
        )
    return PurePosixPath(name)


def _name_problem(name: str) -> str | None:
    if not isinstance(name, str) or not name:
        return "the name is empty"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "the name holds a control character"
    if "\\" in name or ":" in name:
        return "the name holds a backslash or a colon"
    if name.startswith("/"):
        return "the path is absolute"
    parts = name.split("/")
    for part in parts:
        if part in ("", ".", ".."):
            return f'the path has a "{part or "//"}" part'
        if part.startswith(".") and name != MANIFEST:
            return f'"{part}" is a hidden name'
        if part.endswith((".", " ")) or part.split(".")[0].lower() in _RESERVED:
            return f'"{part}" is a reserved file name'
    return None


def _shown(name: object) -> str:
    return json.dumps(name)[1:-1] if isinstance(name, str) else repr(name)


def with_manifest(files: dict[str, str], render_key: str | None = None) -> dict[str, str]:
    """The rendered files plus the manifest that records them as pricegen's own.

    It also records one digest of the outputs' bytes and, when given, the
    render key they came from (see freshness.py), so that a later run can
    tell they are current without rendering them.
    """
    if MANIFEST in files:
        raise UnsafePathError(
            f'Refusing to write "{MANIFEST}": the name is reserved for the manifest.'
        )
    record: dict[str, object] = {"files": sorted(files), "generator": "pricegen"}
    record["outputs_sha256"] = outputs_digest({n: t.encode("utf-8") for n, t in files.items()})
    if render_key is not None:
        record["render_key"] = render_key
    return {**files, MANIFEST: json.dumps(record, indent=2) + "\n"}


def outputs_digest(files: dict[str, bytes]) -> str:
    """One digest of every output's name and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(files):
        content = files[name]
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def read_manifest(out: Path) -> dict[str, object] | None:
    """The last run's manifest; unreadable, oversized or hostile means None."""
    path = out / MANIFEST
    try:
        if not _is_regular(path) or path.stat().st_size > MAX_MANIFEST_BYTES:
            return None
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def previous_files(out: Path) -> list[str]:
    """Names the last run wrote, from its manifest; unreadable or hostile means none."""
    names = (read_manifest(out) or {}).get("files", [])
    if not isinstance(names, list):
        return []
    return [n for n in names if isinstance(n, str) and _is_safe(n)]


def read_owned(out: Path, rel: PurePosixPath) -> bytes | None:
    """The bytes of an output pricegen owns, or None when it is not a safe regular file."""
    if not _is_safe(rel.as_posix()):
        return None
    path = _owned_path(out, rel, strict=False)
    if path is None or not _is_regular(path):
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def current_plan(out: Path, render_key: str) -> Plan | None:
    """Every output unchanged, known without rendering; None when that cannot be shown."""
    from .freshness import current_outputs

    real = _real(Path(out))
    if any(os.path.lexists(p) for p in _names(real)):
        return None  # a killed run's leftovers: the usual path recovers them
    manifest = read_manifest(Path(out))
    names = current_outputs(Path(out), manifest, render_key) if manifest else None
    return None if names is None else Plan(unchanged=sorted([*names, MANIFEST]))


def _differs_in_key_only(current: str, new: str) -> bool:
    """Two manifests that record the same outputs, from different render keys."""
    try:
        old_record, new_record = json.loads(current), json.loads(new)
    except ValueError:
        return False
    if not isinstance(old_record, dict) or not isinstance(new_record, dict):
        return False
    old_record.pop("render_key", None)
    new_record.pop("render_key", None)
    return bool(old_record == new_record)


def _is_safe(name: str) -> bool:
    return _name_problem(name) is None


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _owned_path(out: Path, rel: PurePosixPath, *, strict: bool) -> Path | None:
    """``out/rel`` when nothing on the way is a symlink or a special file.

    Parents must be real directories (or not exist yet) and the file itself a
    regular file (or not exist). With ``strict``, anything else is an
    UnsafePathError; without, it is None (the path is not pricegen's).
    """
    current = out
    for index, part in enumerate(rel.parts):
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            return out / rel
        except NotADirectoryError:  # pragma: no cover - a parent was checked to be a directory
            mode = 0
        last = index == len(rel.parts) - 1
        fine = stat.S_ISREG(mode) if last else stat.S_ISDIR(mode)
        if not fine:
            if not strict:
                return None
            kind = _kind(mode)
            shown = PurePosixPath(*rel.parts[: index + 1]).as_posix()
            expected = "a regular file" if last else "a directory"
            raise UnsafePathError(
                f'Refusing to write "{rel.as_posix()}": "{shown}" in the output directory '
                f"is {kind}; "
                f"expected {expected} (move it away, or choose another output directory)."
            )
    return out / rel


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISREG(mode):
        return "a regular file"
    return "a device or special file"


# -- planning -------------------------------------------------------------------------


def check_output_directory(out: Path) -> None:
    """UnsafePathError unless ``out`` is a directory, or can be made as one.

    Says what is wrong with the path itself (a file where the directory
    should be, a device, a file above it) before anything inside it is looked at.
    """
    out = Path(out)
    for path in (out, *out.parents):
        try:
            mode = os.stat(path).st_mode  # the user named it: links are followed
        except FileNotFoundError:
            continue
        except NotADirectoryError:
            continue  # a parent is not a directory: found further up
        if stat.S_ISDIR(mode):
            return
        what = "The output directory" if path == out else f'"{path}", above the output directory,'
        raise UnsafePathError(
            f"{what} is {_kind(mode)}, not a directory; expected a directory "
            "(or a path where one can be made)."
        )


def plan(out: Path, files: dict[str, str], *, refresh_key: bool = False) -> Plan:
    """Compare ``files`` with the output directory; reads only, never writes.

    An output set left half-swapped by a killed run is rolled forward first,
    so that what is compared is a complete set. A manifest that differs only
    in its render key is current (the outputs are), unless ``refresh_key``.
    """
    out = Path(out)
    check_output_directory(out)
    _roll_forward(_real(out))
    targets = {name: _owned_path(out, safe_relative(name), strict=True) for name in sorted(files)}
    result = Plan()
    for name, target in targets.items():
        assert target is not None  # strict: an unsafe path raised instead
        current = _read(target)
        if current is None:
            result.create.append(name)
        elif current != files[name] and (
            refresh_key or name != MANIFEST or not _differs_in_key_only(current, files[name])
        ):
            result.update.append(name)
        else:
            result.unchanged.append(name)
    for name in sorted(set(previous_files(out)) - set(files)):
        path = _owned_path(out, PurePosixPath(name), strict=False)
        if path is not None and _is_regular(path):
            result.delete.append(name)
    return result


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


# -- writing --------------------------------------------------------------------------


def write(out: Path, files: dict[str, str], render_key: str | None = None) -> Plan:
    """Make the output directory hold ``files`` (plus the manifest), all at once."""
    files = with_manifest(files, render_key)
    for name in files:
        safe_relative(name)  # every name is checked before anything is touched
    out = Path(out)
    real = _real(out)
    stage, old, journal = _names(real)
    if not any(os.path.lexists(p) for p in (stage, old, journal)):
        changes = plan(out, files, refresh_key=True)
        if not changes.changed:
            return changes  # nothing at all is written, so mtimes stay
    real.parent.mkdir(parents=True, exist_ok=True)
    with _locked(real.parent):
        _recover(real)
        changes = plan(out, files, refresh_key=True)
        if changes.changed:
            _check_replaceable(real, changes)
        if changes.changed and (_cwd_inside(real) or not _swap_write(real, files, changes)):
            _write_in_place(real, files, changes)
    return changes


# Inode flags (linux/fs.h): a file so marked cannot be replaced or removed, even by root.
_FS_IOC_GETFLAGS = 0x80086601
_FS_IMMUTABLE_FL, _FS_APPEND_FL = 0x10, 0x20


def _check_replaceable(out: Path, changes: Plan) -> None:
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


def _real(out: Path) -> Path:
    """The output directory with symbolic links resolved: the user named it, so it is followed."""
    return Path(os.path.realpath(out))


def _names(out: Path) -> tuple[Path, Path, Path]:
    """(staging, old tree, journal): siblings of the output directory."""
    base = f".{out.name}.pricegen-"
    return out.parent / (base + "new"), out.parent / (base + "old"), out.parent / (base + "journal")


def _cwd_inside(out: Path) -> bool:
    """Swapping the directory the process stands in would leave it in a deleted tree."""
    try:
        cwd = Path(os.path.realpath(os.getcwd()))
    except OSError:
        return False
    return cwd == out or out in cwd.parents


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
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


def _swap_write(out: Path, files: dict[str, str], changes: Plan) -> bool:
    """Build the new tree beside ``out`` and swap it in; False when not possible here."""
    stage, old, journal = _names(out)
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
    if os.path.lexists(stage):  # _check_replaceable missed a reason; say so, never exit 0
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
        try:
            function = ctypes.CDLL(None, use_errno=True).syncfs
            function.argtypes = [ctypes.c_int]
            function.restype = ctypes.c_int
            _syncfs = function
        except (AttributeError, OSError, TypeError):
            _syncfs = False
    return None if isinstance(_syncfs, bool) else _syncfs


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
        try:
            function = ctypes.CDLL(None, use_errno=True).renameat2
            function.argtypes = [
                ctypes.c_int,
                ctypes.c_char_p,
                ctypes.c_int,
                ctypes.c_char_p,
                ctypes.c_uint,
            ]
            function.restype = ctypes.c_int
            _renameat2 = function
        except (AttributeError, OSError, TypeError):
            _renameat2 = False
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


def _roll_forward(out: Path) -> None:
    """Finish a two-phase swap that was interrupted between its renames."""
    stage, _old, journal = _names(out)
    if os.path.lexists(journal) and not os.path.lexists(out) and os.path.isdir(stage):
        with contextlib.suppress(OSError):
            os.rename(stage, out)


def _recover(out: Path) -> None:
    """Roll an interrupted swap forward, then remove what a killed run left behind."""
    _roll_forward(out)
    _remove_leftovers(out)


def _remove_leftovers(out: Path) -> None:
    stage, old, journal = _names(out)
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


def _write_in_place(out: Path, files: dict[str, str], changes: Plan) -> None:
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


# -- reporting ------------------------------------------------------------------------


def check_messages(changes: Plan) -> list[str]:
    """black-style lines: what a write would do."""
    lines = [f"would create {n}" for n in changes.create]
    lines += [f"would regenerate {n}" for n in changes.update]
    lines += [f"would remove {n}" for n in changes.delete]
    return lines


def unified_diff(out: Path, files: dict[str, str], changes: Plan) -> str:
    chunks: list[str] = []
    for name in changes.create + changes.update + changes.delete:
        path = _owned_path(Path(out), PurePosixPath(name), strict=False)
        old = (_read(path) if path is not None else None) or ""
        new = files.get(name, "")
        chunks.extend(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                fromfile=f"a/{name}",
                tofile=f"b/{name}",
            )
        )
    return "".join(line if line.endswith("\n") else line + "\n" for line in chunks)


def summary(changes: Plan, *, check: bool) -> str:
    verb = "would be " if check else ""
    changed = len(changes.create) + len(changes.update)
    parts = []
    if changed:
        done = "written" if not check else "regenerated"
        parts.append(f"{changed} file{'s' if changed != 1 else ''} {verb}{done}")
    if changes.delete:
        n = len(changes.delete)
        parts.append(f"{n} file{'s' if n != 1 else ''} {verb}removed")
    n = len(changes.unchanged)
    parts.append(f"{n} unchanged")
    return ", ".join(parts) + "."
