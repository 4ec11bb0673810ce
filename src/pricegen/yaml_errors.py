"""Diagnostics for YAML that cannot be read: bad UTF-8, syntax, the parser's limits.

Each problem libyaml or PyYAML reports becomes one ``YAML_*`` diagnostic at
the place an author would look (a tab, an unclosed bracket or quote, the
first bad byte), in the catalog's words rather than the parser's.
"""

from __future__ import annotations

import re
import sys

import yaml

from .diagnostics import Diagnostic, Location, error
from .yaml_build import DEPTH_MESSAGE, EVENT_LOADER, Builder, LoadError


def decode(raw: bytes, path: str) -> tuple[str | None, Diagnostic | None]:
    """Strict UTF-8, with the position of the first bad byte."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        # Editors count characters, not bytes; the line before the bad byte is valid UTF-8.
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8")) + 1
        message = (
            f"Byte 0x{raw[exc.start]:02x} is not valid UTF-8; "
            "expected the file to be saved as UTF-8."
        )
        return None, error(Location(path, line, col), "YAML_ENCODING", message)


def _char_at(text: str, line: int, col: int) -> str:
    lines = text.split("\n", line)
    if line - 1 < len(lines) and col - 1 < len(lines[line - 1]):
        return lines[line - 1][col - 1]
    return ""


def _within(text: str, line: int, col: int) -> tuple[int, int]:
    """A parser mark moved back into the text: at the end of the stream it can point past it."""
    lines = text.split("\n")
    if line <= len(lines):
        return line, col
    return len(lines), len(lines[-1]) + 1


def _unclosed(context: str, problem: str) -> bool:
    flow = context.startswith("while parsing a flow") and problem.startswith(
        "did not find expected"
    )
    quote = context.startswith("while scanning a quoted") and "found unexpected" in problem
    return flow or quote


def syntax_diagnostic(exc: yaml.MarkedYAMLError, text: str, path: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, col = _within(text, *((mark.line + 1, mark.column + 1) if mark else (1, 1)))
    problem = (exc.problem or "invalid YAML").strip()
    if "'\\t'" in problem or _char_at(text, line, col) == "\t":
        return error(
            Location(path, line, col),
            "YAML_TAB",
            "A tab character is used for indentation; expected spaces.",
        )
    context = (exc.context or "").strip()
    start = exc.context_mark
    opened = f"line {start.line + 1}, column {start.column + 1}" if start is not None else ""
    if start is not None and _unclosed(context, problem):
        # An unclosed bracket or quote: the parser notices late, the author needs the opening.
        what = context.split(" a ", 1)[1].replace("quoted scalar", "quoted value")
        closing = (
            problem.split("did not find expected ", 1)[-1]
            if "did not find" in problem
            else "a closing quote"
        )
        at_end = "end of stream" in problem or (line, col) == _within(text, 10**9, 1)
        until = "the end of the file" if at_end else f"line {line}, column {col}"
        message = f"This {what} is not closed before {until}; expected {closing}."
        # a flow node's mark can be the end of the text; keep it inside the file
        opening = _within(text, start.line + 1, start.column + 1)
        return error(Location(path, *opening), "YAML_SYNTAX", message)
    if start is not None and problem == "could not find expected ':'":
        message = "This line has no ':' after its key; expected 'key: value', or a '- ' list item."
        key = _within(text, start.line + 1, start.column + 1)
        return error(Location(path, *key), "YAML_SYNTAX", message)
    if start is not None and problem == "did not find expected key" and "block mapping" in context:
        message = (
            f"This line does not continue the mapping that starts at {opened}; "
            "expected a key indented like its other keys."
        )
        return error(Location(path, line, col), "YAML_SYNTAX", message)
    if start is not None and problem == "did not find expected '-' indicator":
        message = (
            f"This line does not continue the list that starts at {opened}; "
            "expected an item starting with '-' indented like its other items."
        )
        return error(Location(path, line, col), "YAML_SYNTAX", message)
    if problem == "mapping values are not allowed in this context":
        message = (
            "A ': ' appears inside a plain value; expected the value quoted, "
            "or the key on its own, correctly indented line."
        )
        return error(Location(path, line, col), "YAML_SYNTAX", message)
    if problem.startswith("found character that cannot start any token"):
        char = _char_at(text, line, col)
        message = f"'{char}' cannot start a plain value; expected the value quoted."
        return error(Location(path, line, col), "YAML_SYNTAX", message)
    if context and start is not None:
        context = f" {context} that starts at {opened}"
    elif context:
        context = f" {context}"
    problem = problem[0].upper() + problem[1:]
    message = f"{problem}{context}; expected well-formed YAML."
    return error(Location(path, line, col), "YAML_SYNTAX", message)


# Characters YAML does not allow anywhere in a stream (YAML 1.2, section 5.1).
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def reader_diagnostic(text: str, path: str) -> Diagnostic:
    """A character YAML refuses; the reader's own position is bytes or characters by parser."""
    found = _NOT_PRINTABLE.search(text)
    if found is None:  # pragma: no cover - the reader only fails on such a character
        return error(
            Location(path), "YAML_SYNTAX", "The file is not readable as YAML; expected text."
        )
    before = text[: found.start()]
    line = before.count("\n") + 1
    col = found.start() - (before.rfind("\n") + 1) + 1
    message = (
        f"Control character U+{ord(found.group()):04X} is not allowed in YAML; "
        "expected printable text."
    )
    return error(Location(path, line, col), "YAML_SYNTAX", message)


def is_parser_depth_limit(exc: yaml.MarkedYAMLError) -> bool:
    """libyaml 0.2.6 and later stop at 1,000 levels of their own, before pricegen sees a node.

    Its scanner holds back a flow collection's tokens until it knows whether
    the collection is a key, so ``[[[[...`` fails inside libyaml before the
    builder meets level 65.
    """
    return (exc.problem or "").strip() == "exceeded maximum nesting depth"


def own_depth_diagnostic(exc: yaml.MarkedYAMLError, text: str, path: str) -> Diagnostic:
    """The diagnostic pricegen's own bound gives, whatever libyaml's version.

    The text before libyaml's mark holds its 1,000 open levels and no more, so
    building it reaches level 65 (or an earlier problem) exactly as a libyaml
    without the bound does. The catalog gets the same rule and position with
    every PyYAML release.
    """
    mark = exc.problem_mark
    end = mark.index if mark is not None else 0
    if 0 < end < len(text):
        try:
            unbounded = Builder(sys.maxsize, sys.maxsize)  # only the depth is in question
            unbounded.build(iter(yaml.parse(text[:end], Loader=EVENT_LOADER)))
        except LoadError as inner:
            return error(Location(path, inner.line, inner.col), inner.rule, inner.message)
        except yaml.MarkedYAMLError as inner:
            if not is_parser_depth_limit(inner) and inner.problem_mark is not None:
                if inner.problem_mark.index < end - 1:
                    return syntax_diagnostic(inner, text, path)
        except yaml.YAMLError:
            pass
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return error(Location(path, line, col), "YAML_DEPTH_LIMIT", DEPTH_MESSAGE)
