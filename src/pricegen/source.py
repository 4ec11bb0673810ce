"""Load YAML catalog files into plain data that remembers where it came from.

PyYAML's constructors lose positions, keep the last of two duplicate keys,
turn ``0.1`` into a float and ``on`` into ``True``, and expand aliases
without bound. So this module builds values itself from the parser's event
stream (libyaml's C parser when present): every mapping and sequence records
the line and column of each entry, numbers become ``int`` or ``Decimal``
straight from the scalar's text, and only YAML 1.2 core booleans and nulls
are recognised. Depth and alias expansion are bounded while building, so a
hostile file fails fast instead of exhausting memory.

This module reads files and directories and keeps what each file is
(:class:`SourceFile`); the builder of values is :mod:`.yaml_build`, and the
diagnostics of YAML that cannot be read are :mod:`.yaml_errors`.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO, NamedTuple

import yaml

from .diagnostics import Diagnostic, Location, error
from .yaml_build import EVENT_LOADER, Builder, LoadError, PatchedMap, YamlList, YamlMap
from .yaml_errors import (
    decode,
    is_parser_depth_limit,
    own_depth_diagnostic,
    reader_diagnostic,
    syntax_diagnostic,
)

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_NODES = 200_000  # values in the whole catalog, aliases counted expanded
YAML_SUFFIXES = (".yaml", ".yml")

JsonPath = tuple[str | int, ...]  # keys and list indexes from a file's top, as $.a.b[0]


@dataclass(frozen=True)
class SourceFile:
    """One loaded file: its display path, its data, and a way back to positions."""

    path: str
    text: str
    data: object
    sha256: str
    name: str = ""  # relative to the catalog root: the same however the root is spelled

    @property
    def mapping(self) -> YamlMap:
        """The file's top-level map, for the stages after the schema check.

        The schemas require a map at the top, so anything else here is a bug
        in the stage that let the file through, not a problem with the input.
        """
        if not isinstance(self.data, YamlMap):
            raise TypeError(
                f"{self.path}: expected a schema-checked file with a map at its top, "
                f"not {type(self.data).__name__}"
            )
        return self.data

    def locate(self, json_path: JsonPath = (), *, key: bool = False) -> Location:
        """Position of the value at ``json_path`` (or of its key, with ``key``).

        Walks as deep as the path exists, so a missing child reports its parent.
        In data an overlay patched, a key follows the file that wrote it, a key
        the overlay removed is found at its ``null``, and a map both files wrote
        is found at the overlay when the overlay removed keys from it (what is
        wrong with it then is most likely what went missing). Entries and the
        product stay where the base file defines them, so that the model's
        ``loc`` of an entry always names the file that holds its data.
        """
        path, line, col = self.path, 1, 1
        node = self.data
        last = len(json_path) - 1
        for depth, step in enumerate(json_path):
            if isinstance(node, YamlMap) and isinstance(step, str) and step in node.marks:
                kline, kcol, vline, vcol = node.marks[step]
                child = node[step]
                if type(node) is PatchedMap:
                    path = node.origins.get(step, path)
                    if depth == last and type(child) is PatchedMap and child.removed:
                        merged = node.merged.get(step)
                        if merged is not None:
                            path, kline, kcol, vline, vcol = merged
                line, col = (kline, kcol) if key and depth == last else (vline, vcol)
                node = child
            elif isinstance(node, YamlList) and isinstance(step, int) and step < len(node):
                line, col = node.marks[step]
                node = node[step]
            elif type(node) is PatchedMap and isinstance(step, str) and step in node.removed:
                path, line, col = node.removed[step]
                break
            else:
                break
        return Location(path, line, col)


def parse_text(
    text: str, path: str, *, budget: list[int] | None = None
) -> tuple[object, list[Diagnostic]]:
    """Parse one document of YAML text into position-aware data.

    ``budget`` holds the number of values the catalog may still hold, in a
    one-item list that the files of a directory share and decrease.
    """
    builder = Builder(budget[0] if budget is not None else MAX_NODES, MAX_NODES)
    try:
        data = builder.build(iter(yaml.parse(text, Loader=EVENT_LOADER)))
        if budget is not None:
            budget[0] -= builder.nodes
        return data, []
    except (LoadError, yaml.YAMLError) as exc:
        return None, _with_ends(_unreadable(exc, text, path, budget), text, path)


def _with_ends(diagnostics: list[Diagnostic], text: str, path: str) -> list[Diagnostic]:
    """Where each diagnostic of a file that did not load ends: the file is in no
    build's sources, where JSON and SARIF output would otherwise look for it."""
    from .spans import with_ends

    return with_ends(diagnostics, [_Text(path, text)], reparse_limit=REPARSE_LIMIT)


REPARSE_LIMIT = 1_000_000  # characters: a larger file's load error spans one character


class _Text(NamedTuple):
    path: str
    text: str


def _unreadable(
    exc: LoadError | yaml.YAMLError, text: str, path: str, budget: list[int] | None
) -> list[Diagnostic]:
    """The diagnostic of a text that could not be loaded."""
    if isinstance(exc, LoadError):
        if exc.rule == "YAML_NODE_LIMIT" and budget is not None:
            budget[0] = -1  # spent: the files after this one are not read
        return [error(Location(path, exc.line, exc.col), exc.rule, exc.message)]
    if isinstance(exc, yaml.MarkedYAMLError):
        if is_parser_depth_limit(exc):
            return [own_depth_diagnostic(exc, text, path)]
        return [syntax_diagnostic(exc, text, path)]
    if isinstance(exc, yaml.reader.ReaderError):
        return [reader_diagnostic(text, path)]
    # pragma: no cover - e.g. a reader error without a mark
    return [error(Location(path), "YAML_SYNTAX", f"{exc}; expected well-formed YAML.")]


def load_file(
    file: Path, display: str, *, regular_only: bool = False, budget: list[int] | None = None
) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Read, decode and parse one file; never raises for bad content.

    ``regular_only`` is for files found in a catalog directory: a broken
    symlink or a named pipe there is reported, never silently skipped or
    read (a pipe would block). A path named explicitly is read whatever it
    is, so ``/dev/stdin`` works, but never more than ``MAX_FILE_BYTES``.
    """
    try:
        problem = _not_regular(file) if regular_only else None
        if problem:
            return None, [error(Location(display), "FILE_UNREADABLE", problem)]
        size = file.stat().st_size
        with file.open("rb") as handle:
            raw = b"" if size > MAX_FILE_BYTES else handle.read(MAX_FILE_BYTES + 1)
        if max(size, len(raw)) > MAX_FILE_BYTES:
            shown = (
                f"{size:,} bytes"
                if size > MAX_FILE_BYTES
                else f"more than {MAX_FILE_BYTES:,} bytes"
            )
            message = (
                f"The file is {shown}; expected at most {MAX_FILE_BYTES:,} bytes "
                "(split the catalog over several files)."
            )
            return None, [error(Location(display), "FILE_TOO_LARGE", message)]
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, [
            error(Location(display), "FILE_UNREADABLE", f"{reason}; expected a readable file.")
        ]
    return load_bytes(raw, display, budget=budget)


def load_bytes(
    raw: bytes, display: str, *, budget: list[int] | None = None
) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Decode and parse one file's bytes, already read (from a file or standard input)."""
    text, problem = decode(raw, display)
    if problem or text is None:
        return None, [problem] if problem else []
    data, diagnostics = parse_text(text, display, budget=budget)
    if diagnostics:
        return None, diagnostics
    if data is None:
        message = "The file has no content; expected a catalog starting with 'pricegen: 1'."
        return None, [error(Location(display), "YAML_EMPTY", message)]
    digest = hashlib.sha256(raw).hexdigest()
    return SourceFile(display, text, data, digest), []


def load_stream(stream: BinaryIO, display: str) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Load a one-file catalog from a stream (standard input), as ``load`` loads a file.

    The file's name for the source digest is the last part of ``display``,
    so ``pricegen generate - --stdin-filename pricing.yaml < pricing.yaml``
    writes the very bytes ``pricegen generate pricing.yaml`` writes.
    """
    try:
        raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return [], [error(Location(display), "FILE_UNREADABLE", f"{reason}; expected a catalog.")]
    if len(raw) > MAX_FILE_BYTES:
        message = (
            f"The input is more than {MAX_FILE_BYTES:,} bytes; expected at most "
            f"{MAX_FILE_BYTES:,} bytes (split the catalog over several files)."
        )
        return [], [error(Location(display), "FILE_TOO_LARGE", message)]
    source, diagnostics = load_bytes(raw, display, budget=[MAX_NODES])
    if source is None:
        return [], diagnostics
    return [replace(source, name=display.replace("\\", "/").rsplit("/", 1)[-1])], diagnostics


def _not_regular(file: Path) -> str | None:
    """Why a file found in a catalog directory cannot be read as one, or None."""
    if file.is_symlink() and not file.exists():
        return (
            f'The symbolic link points to "{os.readlink(file)}", which does not exist; '
            "expected a readable file."
        )
    mode = file.stat().st_mode
    if stat.S_ISREG(mode):
        return None
    kind = (
        "a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    )
    return f"The path is {kind}, not a regular file; expected a catalog file."


def discover(root: Path) -> list[Path]:
    """The catalog's files: the path itself, or every YAML file under a directory.

    Anything with a YAML suffix that is not a directory counts, so that a
    broken symlink is reported rather than silently leaving plans out.
    """
    if not root.is_dir():
        return [root]
    found = [
        p
        for p in root.rglob("*")
        if p.suffix.lower() in YAML_SUFFIXES  # pricing.YAML too, as on a case-blind disk
        and not p.is_dir()
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def display_path(file: Path, root: Path, root_display: str) -> str:
    if file == root:
        return root_display
    rel = file.relative_to(root).as_posix()
    return f"{root_display.rstrip('/')}/{rel}" if root_display not in ("", ".") else rel


def load(root: Path, root_display: str | None = None) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Load a catalog file or directory; stage one of the pipeline."""
    shown = root_display if root_display is not None else root.as_posix()
    if not root.exists():
        return [], [
            error(
                Location(shown),
                "CATALOG_NOT_FOUND",
                "No such file or directory; expected a catalog file or directory.",
            )
        ]
    files = discover(root)
    if not files:
        message = "The directory holds no .yaml or .yml files; expected at least one catalog file."
        return [], [error(Location(shown), "CATALOG_EMPTY", message)]
    sources, diagnostics = [], []
    budget = [MAX_NODES]  # shared: a directory of many files is one catalog
    for file in files:
        if budget[0] < 0:
            break  # one YAML_NODE_LIMIT is enough; the rest would repeat it
        shown_file = display_path(file, root, shown)
        source, problems = load_file(file, shown_file, regular_only=file != root, budget=budget)
        diagnostics.extend(problems)
        if source is not None:
            name = file.name if file == root else file.relative_to(root).as_posix()
            sources.append(replace(source, name=name))
    return sources, diagnostics


def combined_sha256(sources: list[SourceFile]) -> str:
    """One digest over root-relative names and contents, for generated-file headers.

    Names are relative to the catalog root, so the digest (and every output
    that carries it) does not depend on the directory the command ran from.
    """
    digest = hashlib.sha256()
    for source in sorted(sources, key=lambda s: s.name or s.path):
        name = source.name or source.path
        digest.update(name.encode("utf-8") + b"\0" + source.sha256.encode() + b"\0")
    return digest.hexdigest()
