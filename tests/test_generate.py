"""`pricegen generate`: the output set, CI mode, ownership, atomicity, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, invoke

from pricegen import compile_catalog, emit, swap
from pricegen.targets import render

EXAMPLES = sorted(p for p in (REPO / "examples").iterdir() if p.is_dir())


def catalog_of(example: Path) -> Path:
    return example / "pricing" if (example / "pricing").is_dir() else example / "pricing.yaml"


@pytest.fixture
def acme() -> Path:
    return REPO / "tests" / "cases" / "valid" / "acme-full" / "pricing.yaml"


def test_generate_writes_the_whole_set(acme, tmp_path):
    out = tmp_path / "out"
    result = invoke(["generate", str(acme), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    for expected in (
        "catalog.json",
        "pricing-table.md",
        "pricing-table.csv",
        "pricing.html",
        "docs/index.md",
        "docs/pricing-models.md",
        emit.MANIFEST,
    ):
        assert expected in names
    build = compile_catalog(acme)
    for plan in build.catalog.plans.values():
        if plan.status != "draft":
            assert f"docs/plans/{plan.id}.md" in names
    assert any(n.endswith("_pricing.py") for n in names)


def test_second_run_changes_nothing(acme, tmp_path):
    out = tmp_path / "out"
    invoke(["generate", str(acme), "-o", str(out)])
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    result = invoke(["generate", str(acme), "-o", str(out)])
    assert result.exit_code == 0
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    assert before == after  # same bytes, and not even rewritten
    assert "0 unchanged" not in result.stderr


def test_output_has_no_absolute_paths_or_timestamps(acme, tmp_path):
    out = tmp_path / "out"
    invoke(["generate", str(acme), "-o", str(out)])
    for file in out.rglob("*"):
        if file.is_file():
            text = file.read_text("utf-8")
            assert str(tmp_path) not in text and str(REPO) not in text, file
            assert text.endswith("\n") and not text.endswith("\n\n"), file
            assert "\r" not in text, file


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_render_is_deterministic(example):
    build = compile_catalog(catalog_of(example))
    assert build.ok, build.diagnostics
    assert render(build.catalog) == render(compile_catalog(catalog_of(example)).catalog)


def test_generated_files_say_so(acme, tmp_path):
    out = tmp_path / "out"
    invoke(["generate", str(acme), "-o", str(out)])
    sha = compile_catalog(acme).catalog.source_sha256
    for file in out.rglob("*"):
        if file.is_file() and file.name != emit.MANIFEST and file.suffix != ".csv":
            text = file.read_text("utf-8")
            assert "DO NOT EDIT" in text, file
            assert sha in text, file


# -- CI mode ------------------------------------------------------------------------


def test_check_on_fresh_output_passes(acme, tmp_path):
    out = tmp_path / "out"
    invoke(["generate", str(acme), "-o", str(out)])
    result = invoke(["generate", str(acme), "-o", str(out), "--check"])
    assert result.exit_code == 0, result.stderr


def test_check_reports_each_stale_missing_and_extra_file(acme, tmp_path):
    out = tmp_path / "out"
    invoke(["generate", str(acme), "-o", str(out)])
    (out / "pricing-table.md").write_text("stale\n", "utf-8")
    (out / "docs" / "index.md").unlink()
    manifest = json.loads((out / emit.MANIFEST).read_text("utf-8"))
    manifest["files"].append("docs/plans/retired.md")
    (out / emit.MANIFEST).write_text(json.dumps(manifest), "utf-8")
    (out / "docs" / "plans" / "retired.md").write_text("old plan\n", "utf-8")
    snapshot = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    result = invoke(["generate", str(acme), "-o", str(out), "--check"])
    assert result.exit_code == 1
    assert "would regenerate pricing-table.md" in result.stderr
    assert "would create docs/index.md" in result.stderr
    assert "would remove docs/plans/retired.md" in result.stderr
    assert snapshot == {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}  # wrote nothing


def test_diff_shows_a_unified_diff(acme, tmp_path):
    out = tmp_path / "out"
    invoke(["generate", str(acme), "-o", str(out)])
    original = (out / "pricing-table.md").read_text("utf-8")
    (out / "pricing-table.md").write_text(original.replace("Pricing", "Prices"), "utf-8")
    result = invoke(["generate", str(acme), "-o", str(out), "--check", "--diff"])
    assert result.exit_code == 1
    assert "--- a/pricing-table.md" in result.stdout and "+++ b/pricing-table.md" in result.stdout
    assert "-| **Prices**" in result.stdout and "+| **Pricing**" in result.stdout


def test_users_own_files_are_never_touched(acme, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "notes.md"
    mine.write_text("my notes\n", "utf-8")
    (out / "docs").mkdir()
    (out / "docs" / "extra.md").write_text("mine too\n", "utf-8")
    invoke(["generate", str(acme), "-o", str(out)])
    result = invoke(["generate", str(acme), "-o", str(out), "--check"])
    assert result.exit_code == 0, result.stderr  # a user's file is not "extra"
    invoke(["generate", str(acme), "-o", str(out)])
    assert mine.read_text("utf-8") == "my notes\n"
    assert (out / "docs" / "extra.md").read_text("utf-8") == "mine too\n"


def test_files_no_longer_produced_are_removed(acme, tmp_path):
    out = tmp_path / "out"
    invoke(["generate", str(acme), "-o", str(out)])
    build = compile_catalog(acme)
    module = next(p.name for p in out.iterdir() if p.name.endswith("_pricing.py"))
    result = invoke(["generate", str(acme), "-o", str(out), "--module", "renamed"])
    assert result.exit_code == 0
    assert not (out / module).exists()
    assert (out / "renamed.py").exists()
    assert build.ok


def test_failed_generate_leaves_previous_outputs(acme, tmp_path):
    out = tmp_path / "out"
    invoke(["generate", str(acme), "-o", str(out)])
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    broken = tmp_path / "broken.yaml"
    broken.write_text(acme.read_text("utf-8") + "\nplans: {dup: {name: X}}\n", "utf-8")
    result = invoke(["generate", str(broken), "-o", str(out)])
    assert result.exit_code == 3
    assert before == {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_write_error_half_way_leaves_each_file_whole(acme, tmp_path, monkeypatch):
    out = tmp_path / "out"
    invoke(["generate", str(acme), "-o", str(out)])
    build = compile_catalog(acme)
    files = render(build.catalog)
    changed = {
        name: text + "<!-- new -->\n" if name.endswith(".md") else text
        for name, text in files.items()
    }
    calls = {"n": 0}
    real_write = swap._stage_write

    def flaky_write(target, content):  # the disk fills up at the third new file
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real_write(target, content)

    monkeypatch.setattr(swap, "_stage_write", flaky_write)
    with pytest.raises(OSError):
        emit.write(out, changed)
    for name, text in files.items():
        current = (out / name).read_text("utf-8")
        assert current in (text, changed[name]), name  # old or new, never partial
    assert not list(out.rglob("*.tmp")), "temporary files are cleaned up"


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/passwd", "a/../../b", "", "a\\b"])
def test_emit_refuses_paths_outside_the_output(tmp_path, name):
    with pytest.raises(emit.UnsafePathError):
        emit.write(tmp_path / "out", {name: "x\n"})
    assert not (tmp_path / "escape.txt").exists()


@pytest.mark.parametrize("module", ["../evil", "os.path", "class", "Upper", "1abc"])
def test_bad_module_names_are_usage_errors(acme, tmp_path, module):
    result = invoke(["generate", str(acme), "-o", str(tmp_path / "out"), "--module", module])
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()
