"""Shell completion, as the README documents it: click's, through the pricegen script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("pricegen")


def complete(words: str, shell: str = "bash") -> list[str]:
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = {
        **os.environ,
        "COMP_WORDS": words,
        "COMP_CWORD": str(cword),
        "_PRICEGEN_COMPLETE": f"{shell}_complete",
    }
    done = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "_pricegen_completion()"), ("zsh", "#compdef pricegen"), ("fish", "complete")],
)
def test_each_shell_gets_a_script(shell, marker):
    env = {**os.environ, "_PRICEGEN_COMPLETE": f"{shell}_source"}
    done = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True)
    assert done.returncode == 0 and marker in done.stdout


def test_commands_complete():
    assert complete("pricegen va") == ["plain,validate"]
    assert "plain,generate" in complete("pricegen ")


def test_output_formats_complete():
    assert complete("pricegen diff --output-format ") == [
        "plain,json",
        "plain,markdown",
        "plain,text",
    ]


def test_a_catalog_completes_as_a_file():
    assert complete("pricegen validate pri") == ["file,pri"]
