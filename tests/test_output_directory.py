"""A generate that cannot finish says why, exits non-zero, and changes nothing.

Reproductions of issue 12, items 7 and 8: an old output that cannot be
removed (``chattr +i``), and an output path that is not a directory.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, invoke
from test_file_safety import tree

from pricegen import emit, swap

ACME = REPO / "tests" / "cases" / "valid" / "acme-full" / "pricing.yaml"


def catalog(tmp_path: Path, name: str = "Acme Analytics") -> Path:
    path = tmp_path / "pricing.yaml"
    path.write_text(ACME.read_text("utf-8").replace("name: Acme Analytics", f"name: {name}"))
    return path


def chattr(flag: str, path: Path) -> bool:
    """Set or clear an inode flag; False where the machine cannot (not root, no chattr)."""
    if os.geteuid() != 0 or shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


@pytest.mark.parametrize("flag", ["+i", "+a"])
def test_an_old_output_that_cannot_be_removed_stops_generate_before_it_writes(tmp_path, flag):
    parent = tmp_path / "parent"
    parent.mkdir(mode=0o755)
    os.chmod(parent, 0o755)
    out = parent / "out"
    assert invoke(["generate", str(catalog(tmp_path)), "-o", str(out)]).exit_code == 0
    locked = out / "catalog.json"
    if not chattr(flag, locked):
        pytest.skip("needs root and chattr on a file system with inode flags")
    try:
        before = tree(parent)
        result = invoke(["generate", str(catalog(tmp_path, "Acme Two")), "-o", str(out)])
        assert result.exit_code == 2
        assert 'Cannot replace "catalog.json"' in result.stderr
        assert ("immutable" if flag == "+i" else "append-only") in result.stderr
        assert tree(parent) == before  # the old set whole, nothing beside it
        assert stat.S_IMODE(os.stat(parent).st_mode) == 0o755  # the user's parent untouched
    finally:
        chattr(flag.replace("+", "-"), locked)
    result = invoke(["generate", str(catalog(tmp_path, "Acme Two")), "-o", str(out)])
    assert result.exit_code == 0 and "Acme Two" in locked.read_text("utf-8")
    assert sorted(p.name for p in parent.iterdir()) == ["out"]


def test_removing_a_staged_tree_never_changes_a_directory_outside_it(tmp_path):
    parent = tmp_path / "parent"
    staged = parent / ".out.pricegen-new"
    (staged / "docs").mkdir(parents=True)
    (staged / "docs" / "x.md").write_text("x")
    os.chmod(staged / "docs", 0o500)  # read-only inside the tree: made writable to remove it
    os.chmod(parent, 0o755)
    swap._rmtree(staged)
    assert not staged.exists()
    assert stat.S_IMODE(os.stat(parent).st_mode) == 0o755


@pytest.mark.parametrize(
    ("out", "said"),
    [
        ("afile/out", '"{tmp}/afile", above the output directory, is a regular file'),
        ("afile", "The output directory is a regular file"),
        ("/dev/null", "The output directory is a device or special file"),
        ("/dev/null/x", '"/dev/null", above the output directory, is a device or special file'),
    ],
)
def test_an_output_path_that_is_not_a_directory_says_so(tmp_path, out, said):
    (tmp_path / "afile").write_text("mine\n")
    target = out if out.startswith("/") else str(tmp_path / out)
    for extra in ([], ["--check"]):
        result = invoke(["generate", str(ACME), "-o", target, *extra])
        assert result.exit_code == 2, result.stderr
        assert said.format(tmp=tmp_path) in result.stderr or "is a file" in result.stderr
        assert "manifest" not in result.stderr
    assert (tmp_path / "afile").read_text() == "mine\n"


@pytest.mark.parametrize("written", ["1.0", "1e0", "+1", "1.", "true"])
def test_the_format_version_is_the_whole_number_1_as_written(tmp_path, written):
    """Issue 12, item 9: 1.0, 1e0 and +1 equal 1 by value, and were taken for it."""
    path = tmp_path / "pricing.yaml"
    path.write_text(ACME.read_text("utf-8").replace("pricegen: 1", f"pricegen: {written}", 1))
    result = invoke(["validate", str(path)])
    assert result.exit_code == 3
    assert f"$.pricegen: {written} is not the format version" in result.stderr
    assert "[SCHEMA]" in result.stderr


def test_a_first_generate_never_overwrites_the_users_own_files(tmp_path):
    """Only files a manifest lists, or whose header says pricegen wrote them, are
    pricegen's to replace: a same-named file of the user's stops the run untouched."""
    out = tmp_path / "out"
    (out / "docs").mkdir(parents=True)
    (out / "docs" / "index.md").write_text("MY NOTES\n")
    (out / "catalog.json").write_bytes(b"\xff not even text\n")
    source = catalog(tmp_path)
    before = tree(tmp_path)
    result = invoke(["generate", str(source), "-o", str(out)])
    assert result.exit_code == 2, result.stderr
    assert 'Refusing to overwrite "catalog.json", "docs/index.md"' in result.stderr
    assert tree(tmp_path) == before
    # outputs whose manifest was lost still say what they are, so a new run replaces them
    (out / "docs" / "index.md").unlink()
    (out / "catalog.json").unlink()
    assert invoke(["generate", str(catalog(tmp_path)), "-o", str(out)]).exit_code == 0
    (out / ".pricegen-manifest.json").unlink()
    result = invoke(["generate", str(catalog(tmp_path, "Acme Two")), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "Acme Two" in (out / "catalog.json").read_text("utf-8")


@pytest.mark.parametrize(
    ("out", "said"),
    [
        ("pricing", 'is the catalog directory "{catalog}"'),
        ("pricing/generated", 'is inside the catalog directory "{catalog}"'),
        ("", "expected a directory, not an empty path"),
        (" ", "expected a directory, not an empty path"),
    ],
)
def test_outputs_never_go_into_the_catalog_or_an_empty_path(tmp_path, monkeypatch, out, said):
    monkeypatch.chdir(tmp_path)  # where an empty path would have put them
    sources = tmp_path / "pricing"
    sources.mkdir()
    shutil.copy(ACME, sources / "pricing.yaml")
    before = tree(tmp_path)
    for extra in ([], ["--check"]):
        result = invoke(["generate", str(sources), "-o", out, *extra])
        assert result.exit_code == 2, result.stderr
        assert said.format(catalog=sources) in result.stderr
    assert tree(tmp_path) == before


def test_outputs_never_go_into_the_file_systems_root(tmp_path):
    """Asked of the rule itself, so that a regression cannot write into / on a test machine."""
    problem = emit.output_directory_problem(Path("/"), str(ACME))
    assert problem is not None and "is the file system's root" in problem
    assert emit.output_directory_problem(tmp_path / "out", str(ACME)) is None
