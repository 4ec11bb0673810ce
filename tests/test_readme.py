"""The README's examples run as written: its tour is what ``pricegen init`` writes, and
every command of "The command line" works on that catalog in a new directory.

A new user copies these lines in order; an example that only worked on another catalog
(the starter once sold no EUR and no seats) fails here rather than for them.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from conftest import REPO, invoke

from pricegen.starter import STARTER_CATALOG

README = (REPO / "README.md").read_text("utf-8")


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end >= 0 else len(README)]


def fenced(text: str, language: str) -> str:
    return text.split(f"```{language}\n", 1)[1].split("```", 1)[0]


def commands(block: str) -> list[list[str]]:
    """Each command of a shell block: continuation lines joined, comments dropped."""
    joined = block.replace("\\\n", " ")
    return [shlex.split(line, comments=True) for line in joined.splitlines() if line.strip()]


def test_the_tour_is_the_starter_catalog():
    tour = fenced(section("A tour of the language"), "yaml").splitlines(keepends=True)
    starter = STARTER_CATALOG.splitlines(keepends=True)
    assert tour[0] == "# yaml-language-server: $schema=../spec/pricegen.schema.json\n"
    assert starter[0] == "# yaml-language-server: $schema=./pricegen.schema.json\n"
    assert starter[1].startswith("# A starter catalog")
    assert tour[1:] == starter[2:]


COMMANDS = commands(fenced(section("The command line"), "sh"))


def test_the_command_line_block_starts_from_init():
    assert COMMANDS[0][:2] == ["pricegen", "init"] and len(COMMANDS) >= 8


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("readme")


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv[1:3]))
def test_every_command_line_example_works_on_the_starter(project, monkeypatch, argv):
    """In order, in one directory, as a new user runs them after ``pricegen init``."""
    monkeypatch.chdir(project)
    assert argv[0] == "pricegen"
    result = invoke(argv[1:])
    assert result.exit_code == 0, f"{shlex.join(argv)}\n{result.stdout}\n{result.stderr}"
