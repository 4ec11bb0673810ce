"""The npm tools pinned in tests/js/package-lock.json (axe-core, typescript, eslint).

``npm ci`` in tests/js installs them. Without them a test that needs one is
skipped on a developer's machine, as the README says, and fails under CI
(``CI`` set), where ``.ci/run`` installs them: a failed install can never
let those checks pass unrun.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

NODE_MODULES = Path(__file__).resolve().parent / "js" / "node_modules"


def npm_tool(relative: str) -> Path:
    """``tests/js/node_modules/<relative>``, or skip (fail under CI) when it is missing."""
    path = NODE_MODULES / relative
    if not path.is_file():
        message = f"{relative} is not installed: run `npm ci` in {NODE_MODULES.parent}"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path
