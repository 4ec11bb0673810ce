"""Project settings: ``pricegen.toml``, or ``[tool.pricegen]`` in ``pyproject.toml``.

A team writes its catalog path, output directory, module name, locale and
the like once, instead of on every command line. Settings are found as ruff
finds its own: from the working directory upwards, the first directory with
a ``pricegen.toml`` (any content) or a ``pyproject.toml`` holding a
``[tool.pricegen]`` table wins, and files are never merged. In one
directory ``pricegen.toml`` wins over ``pyproject.toml``.

Settings only change defaults: a flag given on the command line always
wins. Paths in a settings file are relative to the file's directory.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import did_you_mean

PRICEGEN_TOML = "pricegen.toml"
PYPROJECT_TOML = "pyproject.toml"


@dataclass(frozen=True)
class Key:
    """One setting: its TOML type, the parameter it sets, the commands, and its meaning.

    ``commands`` None means every command that has the parameter.
    """

    name: str
    kind: type
    param: str
    purpose: str
    commands: tuple[str, ...] | None = None
    path: bool = False  # resolved against the settings file's directory


KEYS: tuple[Key, ...] = (
    Key("catalog", str, "catalog", "The catalog file or directory [default: pricing].", path=True),
    Key("out", str, "out", "generate's output directory (-o).", ("generate",), path=True),
    Key("module", str, "module", "generate's evaluator module name (--module).", ("generate",)),
    Key(
        "locale",
        str,
        "locale",
        "generate's locale for money in docs and tables (--locale).",
        ("generate",),
    ),
    Key(
        "include-drafts",
        bool,
        "include_drafts",
        "generate and analyze include draft plans (--include-drafts).",
        ("generate", "analyze"),
    ),
    Key("env", str, "env", "The environment (--env) of every command that has one."),
)
_BY_NAME = {key.name: key for key in KEYS}


class SettingsError(Exception):
    """A settings file that cannot be used; ``str()`` is the message for the user."""


@dataclass(frozen=True)
class Settings:
    """The settings in effect, and the file they came from (None: built-in defaults)."""

    values: dict[str, object] = field(default_factory=dict)
    origin: str | None = None  # e.g. "pyproject.toml [tool.pricegen]"

    def defaults_for(self, command: str) -> dict[str, object]:
        """Parameter name → default for one command, for click's ``default_map``.

        A command without the parameter never looks it up, so keys that apply
        to every command are given to every command.
        """
        found = {}
        for name, value in self.values.items():
            key = _BY_NAME[name]
            if key.commands is None or command in key.commands:
                found[key.param] = value
        return found


def discover(start: Path | None = None) -> Path | None:
    """The settings file that applies in ``start`` (the working directory), or None."""
    here = Path.cwd() if start is None else start
    for directory in (here, *here.parents):
        candidate = directory / PRICEGEN_TOML
        if candidate.is_file():
            return candidate
        candidate = directory / PYPROJECT_TOML
        if candidate.is_file() and _has_tool_table(candidate):
            return candidate
    return None


# Where pyproject.toml can begin pricegen's table: a [tool.pricegen...] header, even one
# left unclosed (parsing then reports it), a dotted tool.pricegen key, or a pricegen key
# under [tool]. Quoted spellings ("tool"."pricegen") are the rare rest.
_TOOL_TABLE = re.compile(
    r"^\s*\[\s*tool\s*\.\s*[\"']?pricegen\b"
    r"|^\s*tool\s*\.\s*[\"']?pricegen\b"
    r"|^\s*\[\s*tool\s*\][^\[]*^\s*[\"']?pricegen\b",
    re.MULTILINE,
)


def _has_tool_table(pyproject: Path) -> bool:
    """Whether pyproject.toml may hold [tool.pricegen]: a cheap text test before parsing,
    loose enough that a broken table is parsed, and so reported, not passed over."""
    try:
        text = pyproject.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return _TOOL_TABLE.search(text) is not None


def load(path: Path, *, relative_to: Path | None = None) -> Settings:
    """Read and check one settings file; raises SettingsError with a clear message."""
    import tomllib

    shown = _shown(path, relative_to)
    try:
        document = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise SettingsError(
            f"{shown}: error: {exc.strerror or exc}; expected a readable file."
        ) from None
    except UnicodeDecodeError:
        raise SettingsError(
            f"{shown}: error: The file is not UTF-8; expected UTF-8 TOML."
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(_syntax_message(shown, str(exc))) from None
    if path.name == PYPROJECT_TOML:
        table, where = document.get("tool", {}).get("pricegen", {}), "[tool.pricegen]"
    else:
        table, where = document, "pricegen.toml"
    origin = f"{shown} [tool.pricegen]" if path.name == PYPROJECT_TOML else shown
    if not isinstance(table, dict):
        raise SettingsError(f"{shown}: error: {where} is not a table; expected a table of keys.")
    base = _shown(path.parent, relative_to)
    return Settings(_checked(table, shown, base), origin)


def _shown(path: Path, relative_to: Path | None) -> str:
    """``path`` as the user would write it from ``relative_to`` (the working directory)."""
    here = Path.cwd() if relative_to is None else relative_to
    try:
        return os.path.relpath(path, here)
    except ValueError:  # another drive, on Windows
        return str(path)


def _syntax_message(shown: str, message: str) -> str:
    """tomllib says "Expected '=' ... (at line 3, column 5)"; put the place first."""
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        message = message[: match.start()]
        return f"{shown}:{match[1]}:{match[2]}: error: {message}; expected valid TOML."
    return f"{shown}: error: {message}; expected valid TOML."


def _checked(table: dict[str, object], shown: str, base: str) -> dict[str, object]:
    values: dict[str, object] = {}
    for name, value in table.items():
        key = _BY_NAME.get(name)
        if key is None:
            hint = did_you_mean(name, _BY_NAME, "settings")
            raise SettingsError(f'{shown}: error: Unknown setting "{name}"{hint}')
        if not isinstance(value, key.kind) or (key.kind is str and not value):
            wanted = "true or false" if key.kind is bool else "a non-empty string"
            raise SettingsError(
                f'{shown}: error: The setting "{name}" is {_toml_kind(value)}; expected {wanted}.'
            )
        values[name] = _resolved(value, base) if key.path else value
    return values


def _resolved(value: object, base: str) -> str:
    """A path from the settings file, as seen from the working directory."""
    text = str(value)
    if os.path.isabs(text) or base in ("", "."):
        return text
    return os.path.normpath(os.path.join(base, text))


def _toml_kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "an empty string" if not value else "a string"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def describe() -> str:
    """Every key and its purpose, one per line, for the help text and the docs."""
    width = max(len(key.name) for key in KEYS)
    return "\n".join(f"{key.name:<{width}}  {key.purpose}" for key in KEYS)
