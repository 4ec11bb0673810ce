"""Stage eight: put rendered files on disk, or compare them with what is there.

The output directory is owned through a manifest: pricegen removes only
files that it wrote before and no longer produces, so a user's own files
beside the outputs are never touched. Every write goes to a temporary file
in the same directory and is renamed into place, so a failure half-way
leaves each file either old or new, never truncated.
"""

from __future__ import annotations

import difflib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MANIFEST = ".pricegen-manifest.json"


def _file_mode() -> int:
    """What open() would give a new file: 0o666 less the process umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


FILE_MODE = _file_mode()


class UnsafePathError(ValueError):
    """A rendered file name would land outside the output directory."""


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


def safe_relative(name: str) -> PurePosixPath:
    """Refuse absolute paths, '..', empty parts and names that are not plain text."""
    path = PurePosixPath(name)
    if (
        path.is_absolute()
        or not path.parts
        or any(part in ("", ".", "..") or "\\" in part or "\0" in part for part in path.parts)
    ):
        raise UnsafePathError(f'Refusing to write "{name}": expected a path inside the output directory.')
    return path


def with_manifest(files: dict[str, str]) -> dict[str, str]:
    """The rendered files plus the manifest that records them as pricegen's own."""
    names = sorted(files)
    manifest = json.dumps({"files": names, "generator": "pricegen"}, indent=2) + "\n"
    return {**files, MANIFEST: manifest}


def previous_files(out: Path) -> list[str]:
    """Names the last run wrote, from its manifest; unreadable means none."""
    try:
        data = json.loads((out / MANIFEST).read_text("utf-8"))
        names = data.get("files", [])
        return [n for n in names if isinstance(n, str) and _is_safe(n)]
    except (OSError, ValueError, AttributeError):
        return []


def _is_safe(name: str) -> bool:
    try:
        safe_relative(name)
        return True
    except UnsafePathError:
        return False


def plan(out: Path, files: dict[str, str]) -> Plan:
    result = Plan()
    for name in sorted(files):
        target = out / safe_relative(name)
        current = _read(target)
        if current is None:
            result.create.append(name)
        elif current != files[name]:
            result.update.append(name)
        else:
            result.unchanged.append(name)
    for name in sorted(set(previous_files(out)) - set(files)):
        if (out / name).is_file():
            result.delete.append(name)
    return result


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def write(out: Path, files: dict[str, str]) -> Plan:
    """Write what changed, remove what is no longer produced, manifest last."""
    files = with_manifest(files)
    changes = plan(out, files)
    for name in changes.create + changes.update:
        if name != MANIFEST:
            atomic_write(out / safe_relative(name), files[name])
    for name in changes.delete:
        (out / name).unlink(missing_ok=True)
        _prune_empty_dirs(out, PurePosixPath(name).parent)
    if MANIFEST in changes.create + changes.update:
        atomic_write(out / MANIFEST, files[MANIFEST])
    return changes


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


def check_messages(changes: Plan) -> list[str]:
    """black-style lines: what a write would do."""
    lines = [f"would create {n}" for n in changes.create]
    lines += [f"would regenerate {n}" for n in changes.update]
    lines += [f"would remove {n}" for n in changes.delete]
    return lines


def unified_diff(out: Path, files: dict[str, str], changes: Plan) -> str:
    chunks = []
    for name in changes.create + changes.update + changes.delete:
        old = _read(out / name) or ""
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
        parts.append(f"{changed} file{'s' if changed != 1 else ''} {verb}{'written' if not check else 'regenerated'}")
    if changes.delete:
        n = len(changes.delete)
        parts.append(f"{n} file{'s' if n != 1 else ''} {verb}removed")
    n = len(changes.unchanged)
    parts.append(f"{n} unchanged")
    return ", ".join(parts) + "."
