"""Knowing that the outputs are current without rendering them again.

The outputs are a pure function of the catalog's sources, pricegen's own
code, the libraries that shape text (Babel's locale data, Jinja) and the
options. The manifest records a digest of all of those, the *render key*,
and one digest of every output's bytes. When a later ``generate`` (or
``generate --check``) computes the same key, and the files on disk still
hash to the recorded digest, rendering would write the same bytes: it is
skipped, and the command costs about what ``validate`` does.

The key covers pricegen's code itself, not only its version number, so an
edited checkout never trusts outputs an older generator wrote. A manifest
whose files are current but whose key is older is not stale (``--check``
passes); ``generate`` refreshes its key.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path, PurePosixPath

from . import __version__
from .config import Config
from .environments import ALL

# Libraries whose version can change an output's bytes.
TEXT_LIBRARIES = ("babel", "jinja2", "sqlglot")
_PACKAGE = Path(__file__).resolve().parent


def render_key(sources: dict[str | None, str], config: Config, env: str | None) -> str:
    """The digest of everything the outputs depend on.

    ``sources`` maps each environment rendered (None for a catalog without
    environments) to its catalog's source digest, overlays included. With
    ``--env all`` each environment's files are under its name: another layout.
    """
    per_environment = env == ALL and None not in sources
    record = {
        "pricegen": __version__,
        "code": code_digest(),
        "libraries": library_versions(),
        "sources": {name or "": digest for name, digest in sources.items()},
        "options": {
            "module": config.module,
            "include_drafts": config.include_drafts,
            "locale": config.locale,
            "layout": "per-environment" if per_environment else "one",
        },
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


@cache
def code_digest() -> str:
    """One digest of pricegen's installed files: its modules, runtimes and templates."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@cache
def library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in TEXT_LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "absent"
    return versions


def current_outputs(out: Path, manifest: dict[str, object], key: str) -> list[str] | None:
    """The names of the outputs when ``manifest`` shows they are what ``key`` renders.

    None whenever anything differs or cannot be read: the caller then renders
    and compares as usual, so a wrong None costs time, never correctness.
    """
    from .emit import outputs_digest, read_owned

    names = manifest.get("files")
    recorded = manifest.get("outputs_sha256")
    if manifest.get("render_key") != key or not isinstance(recorded, str):
        return None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return None
    contents: dict[str, bytes] = {}
    for name in names:
        content = read_owned(out, PurePosixPath(name))
        if content is None:
            return None
        contents[name] = content
    return sorted(names) if outputs_digest(contents) == recorded else None
