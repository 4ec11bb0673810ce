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
next ``generate``. When nothing changed, nothing is touched at all. The
machinery of the swap is :mod:`pricegen.swap`; this module decides what is
written.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import stat
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
    # updates of files pricegen did not write: no manifest lists them, no header claims them
    foreign: list[str] = field(default_factory=list)

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
    from . import swap
    from .freshness import current_outputs

    real = swap.real_path(Path(out))
    if any(os.path.lexists(p) for p in swap.sibling_names(real)):
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


def output_directory_problem(out: Path, catalog: str) -> str | None:
    """Why ``out`` cannot be where a catalog's outputs go, or None.

    Not the file system's root, and not the catalog directory or a directory
    inside it: outputs mixed into the sources are neither one nor the other.
    """
    real = Path(os.path.realpath(out))
    if real == Path(real.anchor):
        return "is the file system's root; expected a directory of its own, such as generated/."
    if catalog != "-" and os.path.isdir(catalog):
        source = Path(os.path.realpath(catalog))
        if real == source or source in real.parents:
            where = "is" if real == source else "is inside"
            return (
                f'{where} the catalog directory "{catalog}"; expected a directory outside the '
                "catalog's sources, such as generated/ beside it."
            )
    return None


def plan(out: Path, files: dict[str, str], *, refresh_key: bool = False) -> Plan:
    """Compare ``files`` with the output directory; reads only, never writes.

    An output set left half-swapped by a killed run is rolled forward first,
    so that what is compared is a complete set. A manifest that differs only
    in its render key is current (the outputs are), unless ``refresh_key``.
    """
    from . import swap  # stdlib only, and only when the disk is touched

    out = Path(out)
    check_output_directory(out)
    swap.roll_forward(swap.real_path(out))
    targets = {name: _owned_path(out, safe_relative(name), strict=True) for name in sorted(files)}
    result = Plan()
    owned = set(previous_files(out))
    for name, target in targets.items():
        assert target is not None  # strict: an unsafe path raised instead
        current = _read(target)
        if current is None and not os.path.lexists(target):
            result.create.append(name)
        elif current != files[name] and (
            refresh_key
            or name != MANIFEST
            or current is None
            or not _differs_in_key_only(current, files[name])
        ):
            result.update.append(name)
            if name not in owned and name != MANIFEST and not _claims_pricegen(current):
                result.foreign.append(name)
        else:
            result.unchanged.append(name)
    for name in sorted(owned - set(files)):
        path = _owned_path(out, PurePosixPath(name), strict=False)
        if path is not None and _is_regular(path):
            result.delete.append(name)
    return result


GENERATED_MARK = "generated by pricegen"  # in every output's header but the CSV's


def _claims_pricegen(text: str | None) -> bool:
    """Whether a file's first lines say pricegen wrote it (a lost manifest's outputs)."""
    return text is not None and GENERATED_MARK in text[:1024]


def refuse_foreign(changes: Plan) -> None:
    """UnsafePathError when writing would replace files that are not pricegen's.

    A first generate into a directory that already holds, say, the user's own
    docs/index.md must not overwrite it: only files a manifest lists, or
    whose header says pricegen generated them, are pricegen's to replace.
    """
    if not changes.foreign:
        return
    from .diagnostics import quoted_first  # the error path only

    them = "it" if len(changes.foreign) == 1 else "them"
    raise UnsafePathError(
        f"Refusing to overwrite {quoted_first(changes.foreign)}: pricegen did not write "
        f"{them} (no manifest lists {them}, and no header says so); "
        "expected an empty output directory or one pricegen made "
        "(move them away, or choose another output directory)."
    )


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


# -- writing --------------------------------------------------------------------------


def write(out: Path, files: dict[str, str], render_key: str | None = None) -> Plan:
    """Make the output directory hold ``files`` (plus the manifest), all at once."""
    from . import swap

    files = with_manifest(files, render_key)
    for name in files:
        safe_relative(name)  # every name is checked before anything is touched
    out = Path(out)
    real = swap.real_path(out)
    stage, old, journal = swap.sibling_names(real)
    if not any(os.path.lexists(p) for p in (stage, old, journal)):
        changes = plan(out, files, refresh_key=True)
        if not changes.changed:
            return changes  # nothing at all is written, so mtimes stay
    real.parent.mkdir(parents=True, exist_ok=True)
    with swap.locked(real.parent):
        swap.recover(real)
        changes = plan(out, files, refresh_key=True)
        refuse_foreign(changes)
        if changes.changed:
            swap.check_replaceable(real, changes)
        if changes.changed and (swap.cwd_inside(real) or not swap.swap_write(real, files, changes)):
            swap.write_in_place(real, files, changes)
    return changes


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
