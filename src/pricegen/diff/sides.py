"""Reading a side of ``pricegen diff``: a path in the working tree, or ``REV:PATH`` in git.

This is the package's one I/O edge. A git side is listed with ``git ls-tree``
and each file extracted with ``git show`` into a temporary directory, so the
working tree (and the index) is never touched. Symbolic links stay links,
so that a catalog that links inside its own tree resolves as it did then.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


class SideError(Exception):
    """A side that cannot be read; the message names the side ("old" or "new")."""

    def __init__(self, side: str, message: str, usage: bool = False) -> None:
        super().__init__(f"{side}: {message}")
        self.side = side
        self.usage = usage  # a bad argument (exit 2) rather than a missing catalog (exit 3)


@dataclass(frozen=True)
class SideSpec:
    """A catalog path in the working tree, or in a git revision (``rev`` set)."""

    path: str
    rev: str | None = None

    @property
    def label(self) -> str:
        return f"{self.rev}:{self.path}" if self.rev is not None else self.path


def parse_side(value: str) -> SideSpec:
    """``PATH`` when it exists, else ``REV:PATH`` as git writes it."""
    if Path(value).exists() or ":" not in value:
        return SideSpec(value)
    rev, _, path = value.partition(":")
    return SideSpec(path or ".", rev)


@contextmanager
def open_side(spec: SideSpec, side: str) -> Iterator[tuple[Path, str]]:
    """(path on disk, display name) of a side; a git side is extracted into a
    temporary directory."""
    if spec.rev is None:
        if not Path(spec.path).exists():
            raise SideError(
                side,
                f'"{spec.path}" does not exist; expected a catalog file or directory, or REV:PATH.',
                usage=True,  # a missing path is a usage error, as for every other command
            )
        yield Path(spec.path), spec.path
        return
    with tempfile.TemporaryDirectory(prefix="pricegen-diff-") as tmp:
        yield _extract(spec, side, Path(tmp)), spec.label


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise SideError("git", "git is not installed or not on PATH.", usage=True) from None


def _extract(spec: SideSpec, side: str, tmp: Path) -> Path:
    repo, rel = _locate(spec, side)
    assert spec.rev is not None  # a git side
    if (
        spec.rev.startswith("-")
        or _git(["rev-parse", "--verify", "--quiet", f"{spec.rev}^{{commit}}"], repo).returncode
    ):
        raise SideError(side, f'git revision "{spec.rev}" does not exist in {repo}.', usage=True)
    blobs = _blobs(spec, side, repo, rel)
    if len(blobs) == 1 and blobs[0][1] == rel:
        target = tmp / PurePosixPath(rel).name
        _write_blob(spec.rev, repo, blobs[0], target)
        return target
    root = tmp / "catalog"
    for mode, name in blobs:
        inner = PurePosixPath(name).relative_to(rel) if rel else PurePosixPath(name)
        _write_blob(spec.rev, repo, (mode, name), root / inner)
    return root


def _blobs(spec: SideSpec, side: str, repo: Path, rel: str) -> list[tuple[str, str]]:
    """(mode, path) of every file under ``rel`` in the revision; at least one."""
    assert spec.rev is not None  # a git side
    listing = _git(["ls-tree", "-r", "-z", spec.rev, "--", rel or "."], repo)
    if listing.returncode:
        raise SideError(
            side,
            f'cannot list "{rel}" in revision {spec.rev}: '
            + listing.stderr.decode(errors="replace").strip(),
        )
    entries = [e for e in listing.stdout.decode("utf-8", "surrogateescape").split("\0") if e]
    blobs = []
    for entry in entries:
        meta, _, name = entry.partition("\t")
        mode, kind, _ = meta.split(" ", 2)
        if kind == "blob":
            blobs.append((mode, name))
    if not blobs:
        raise SideError(side, f'"{rel or "."}" does not exist in revision {spec.rev}.')
    return blobs


def _locate(spec: SideSpec, side: str) -> tuple[Path, str]:
    """The repository holding ``spec.path`` and the path relative to its top."""
    absolute = Path(os.path.abspath(spec.path))
    existing = absolute
    while not existing.is_dir():
        existing = existing.parent
    top = _git(["rev-parse", "--show-toplevel"], existing)
    if top.returncode:
        raise SideError(side, f'"{spec.path}" is not inside a git repository.', usage=True)
    repo = Path(top.stdout.decode().strip())
    real = Path(os.path.realpath(existing)) / absolute.relative_to(existing)
    try:
        rel = real.relative_to(Path(os.path.realpath(repo)))
    except ValueError:
        raise SideError(
            side, f'"{spec.path}" is outside the repository {repo}.', usage=True
        ) from None
    return repo, "" if str(rel) == "." else rel.as_posix()


def _write_blob(rev: str, repo: Path, blob: tuple[str, str], target: Path) -> None:
    mode, name = blob
    shown = _git(["show", f"{rev}:{name}"], repo)
    if shown.returncode:
        raise SideError(
            "git", f"cannot read {rev}:{name}: {shown.stderr.decode(errors='replace').strip()}"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    if mode == "120000":  # a symbolic link: keep it one, so it resolves inside the tree
        os.symlink(shown.stdout.decode("utf-8", "surrogateescape"), target)
    else:
        target.write_bytes(shown.stdout)
