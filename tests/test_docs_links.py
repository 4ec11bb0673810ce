"""Relative links in the README and the spec resolve to files (and anchors) in this tree.

pricegen has no public URL yet, so its documentation links are relative
(see the README's "Links"); this keeps them from rotting.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO

LINK = re.compile(r"\]\(([^)\s]+)\)")
DOCS = [REPO / "README.md", REPO / "CHANGELOG.md", *sorted((REPO / "spec").glob("*.md"))]


def anchors(path: Path) -> set[str]:
    text = path.read_text("utf-8")
    explicit = set(re.findall(r'<a id="([^"]+)"></a>', text))
    headings = {
        re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in text.splitlines()
        if line.startswith("#")
    }
    return explicit | headings


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_relative_links_resolve(doc: Path):
    text = re.sub(r"```.*?```", "", doc.read_text("utf-8"), flags=re.S)  # not in code blocks
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # an absolute URL
        path, _, anchor = target.partition("#")
        resolved = (doc.parent / path) if path else doc
        assert resolved.exists(), f"{doc.name}: {target}"
        if anchor and resolved.suffix == ".md":
            assert anchor in anchors(resolved), f"{doc.name}: {target}"
