"""Every output of every example, as a reviewable text snapshot (syrupy).

One snapshot file per output, named ``<example>--<path>.txt``, so a change
to a template shows up in review as a plain diff of the files it touches.
The committed ``examples/*/generated/`` directories are checked separately
by ``pricegen generate --check`` in CI.
"""

from __future__ import annotations

import pytest
from conftest import REPO
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from pricegen import compile_catalog
from pricegen.targets import render


class TextSnapshot(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "txt"


def _catalog(example):
    return example / "pricing" if (example / "pricing").is_dir() else example / "pricing.yaml"


def _cases():
    for example in sorted(p for p in (REPO / "examples").iterdir() if p.is_dir()):
        build = compile_catalog(_catalog(example))
        if not build.ok:
            continue  # test_valid reports broken examples
        for name, text in render(build.catalog).items():
            yield pytest.param(text, id=f"{example.name}--{name.replace('/', '--')}")


@pytest.mark.parametrize("text", list(_cases()))
def test_output(text, snapshot):
    assert text == snapshot(extension_class=TextSnapshot)
