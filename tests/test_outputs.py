"""Every output of every example, as a reviewable text snapshot (syrupy).

One snapshot file per output, named ``<example>--<path>.txt`` (or
``<example>--<environment>--<path>.txt`` for each environment of an example
that has them), so a change to a template shows up in review as a plain diff
of the files it touches.
The committed ``examples/*/generated/`` directories are checked separately
by ``pricegen generate --check`` in CI.
"""

from __future__ import annotations

import pytest
from conftest import REPO
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from pricegen.pipeline import compile_environments
from pricegen.targets import render


class TextSnapshot(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "txt"


def _catalog(example):
    return example / "pricing" if (example / "pricing").is_dir() else example / "pricing.yaml"


def _cases():
    """Each environment's outputs, for an example with environments."""
    for example in sorted(p for p in (REPO / "examples").iterdir() if p.is_dir()):
        builds = compile_environments(_catalog(example))
        if not builds.ok:
            continue  # test_valid reports broken examples
        for env, build in builds.builds.items():
            prefix = f"{example.name}--{env}" if env else example.name
            for name, text in render(build.catalog).items():
                yield pytest.param(text, id=f"{prefix}--{name.replace('/', '--')}")


@pytest.mark.parametrize("text", list(_cases()))
def test_output(text, snapshot):
    assert text == snapshot(extension_class=TextSnapshot)
