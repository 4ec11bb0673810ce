"""`generate` writes only inside its output directory, and changes the whole set at once.

- Path traversal: whatever ids, module names or manifest entries a catalog
  or an output directory holds, nothing is written, read or removed outside
  the output directory, and nothing is written through a symbolic link or
  into a special file inside it.
- Atomicity: a process killed with SIGKILL at a random moment of
  ``generate`` leaves the output directory holding exactly the old set of
  outputs or exactly the new one (the user's files included), with no
  staging or temporary entry inside it. The next run cleans up whatever the
  killed one left beside it.

The kill tests run ``PRICEGEN_KILLS`` kills of a process writing the two
sets in a loop (default 60), half as many with the two-phase fallback, and
a sixth as many of the real ``generate`` command (compile and render
included); raise it by hand for a long run, e.g.
``PRICEGEN_KILLS=2000 pytest tests/test_file_safety.py -k kill -s``.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import REPO, invoke

from pricegen import compile_catalog, emit, swap
from pricegen.targets import render

ACME = REPO / "tests" / "cases" / "valid" / "acme-full" / "pricing.yaml"
KILLS = int(os.environ.get("PRICEGEN_KILLS", "60"))


# -- helpers ------------------------------------------------------------------------


def tree(root: Path) -> dict[str, object]:
    """Everything under ``root``: file bytes, directories, links and their targets."""
    result: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                result[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                result[rel] = ("dir",)
            else:
                result[rel] = ("file", path.read_bytes())
    return result


def add_user_files(out: Path) -> None:
    """A user's own things beside the outputs: files, an empty directory, a link."""
    (out / "docs").mkdir(parents=True, exist_ok=True)
    (out / "notes.md").write_text("my notes\n", "utf-8")
    (out / "docs" / "extra.md").write_text("mine too\n", "utf-8")
    (out / "mine" / "deep").mkdir(parents=True, exist_ok=True)
    (out / "mine" / "deep" / "data.bin").write_bytes(bytes(range(256)))
    (out / "empty").mkdir(exist_ok=True)
    os.symlink("notes.md", out / "latest")


def two_catalog_versions(tmp_path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The rendered outputs of an old and a new catalog that differ in several files."""
    old_text = ACME.read_text("utf-8")
    new_text = (
        old_text.replace("monthly: {USD: 29, EUR: 27}", "monthly: {USD: 31, EUR: 29}")
        .replace("name: Pro\n", "name: Pro Plus\n")
        .replace(
            "addons:\n",
            "  team:\n    name: Team\n    extends: pro\n"
            "    price: {monthly: {USD: 99, EUR: 90}, annual: {USD: 990, EUR: 900}}\n"
            "addons:\n",
            1,
        )
    )
    assert new_text != old_text
    versions = []
    for name, text in (("old.yaml", old_text), ("new.yaml", new_text)):
        path = tmp_path / name
        path.write_text(text, "utf-8")
        build = compile_catalog(path)
        assert build.ok, build.diagnostics
        versions.append(render(build.catalog))
    old, new = versions
    assert set(new) - set(old), "the new version adds a file"
    assert any(old[n] != new[n] for n in set(old) & set(new))
    return old, new


def expected_set(tmp_path: Path, name: str, files: dict[str, str]) -> dict[str, object]:
    out = tmp_path / "expected" / name
    out.mkdir(parents=True)
    add_user_files(out)
    emit.write(out, files)
    return tree(out)


def expected_command_set(tmp_path: Path, name: str) -> dict[str, object]:
    """What ``pricegen generate`` leaves: its manifest also records the render key."""
    out = tmp_path / "expected-command" / name
    out.mkdir(parents=True)
    add_user_files(out)
    command = [sys.executable, "-m", "pricegen", "generate", str(tmp_path / f"{name}.yaml")]
    subprocess.run([*command, "-o", str(out)], check=True, capture_output=True)
    return tree(out)


# -- names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../escape.txt",
        "/etc/passwd",
        "a/../../b",
        "docs/./x.md",
        "docs//x.md",
        "",
        "a\\b",
        "C:/x",
        "x\0y",
        "x\ny.md",
        ".git/hooks/pre-commit",
        ".github/workflows/ci.yml",
        "docs/plans/con.md",
        "docs/plans/NUL",
        "lpt1.txt",
        "trailing.",
        "trailing ",
        emit.MANIFEST + "/x",
    ],
)
def test_unsafe_names_are_refused_before_anything_is_written(tmp_path, name):
    out = tmp_path / "out"
    with pytest.raises(emit.UnsafePathError):
        emit.write(out, {"ok.md": "fine\n", name: "x\n"})
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_rendered_manifest_name_is_refused(tmp_path):
    with pytest.raises(emit.UnsafePathError):
        emit.write(tmp_path / "out", {emit.MANIFEST: "{}\n"})


HOSTILE_IDS = [
    "../evil",
    "/etc/evil",
    "a/b",
    "x\n",
    "..",
    ".git",
    "Evil",
    "a\\b",
    "a b",
    "\u202eevil",
    "é",
]


@pytest.mark.parametrize("hostile", HOSTILE_IDS, ids=repr)
@pytest.mark.parametrize("where", ["plan", "addon", "product"])
def test_hostile_ids_never_reach_the_disk(tmp_path, hostile, where):
    source = ACME.read_text("utf-8")
    quoted = json.dumps(hostile)
    if where == "plan":
        text = source.replace("\n  enterprise:\n", f"\n  {quoted}:\n", 1)
    elif where == "addon":
        text = source.replace("\n  extra-seats:\n", f"\n  {quoted}:\n", 1)
    else:
        text = source.replace("  id: acme\n", f"  id: {quoted}\n", 1)
    assert text != source
    work = tmp_path / "work"
    work.mkdir()
    (work / "pricing.yaml").write_text(text, "utf-8")
    out = work / "out"
    result = invoke(["generate", str(work / "pricing.yaml"), "-o", str(out)])
    assert result.exit_code == 3, result.stderr
    assert "[SCHEMA]" in result.stderr
    assert sorted(p.name for p in work.iterdir()) == ["pricing.yaml"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]


def test_a_reserved_plan_id_is_a_clear_error(tmp_path):
    """``con`` is a valid id, but docs/plans/con.md cannot exist on Windows."""
    catalog = tmp_path / "pricing.yaml"
    catalog.write_text(
        ACME.read_text("utf-8").replace("\n  enterprise:\n", "\n  con:\n", 1), "utf-8"
    )
    out = tmp_path / "out"
    result = invoke(["generate", str(catalog), "-o", str(out)])
    assert result.exit_code == 2
    assert "docs/plans/con.md" in result.stderr and "reserved" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("module", ["../evil", "/tmp/evil", "a/b", "con", ".hidden", "x\n"])
def test_hostile_module_names_are_usage_errors(tmp_path, module):
    result = invoke(["generate", str(ACME), "-o", str(tmp_path / "out"), "--module", module])
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# -- the output directory's own contents ----------------------------------------------


def test_a_symlinked_directory_inside_the_output_is_never_written_through(tmp_path):
    out = tmp_path / "out"
    invoke(["generate", str(ACME), "-o", str(out)])
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "plans").mkdir(parents=True)
    (elsewhere / "plans" / "pro.md").write_text("not yours\n", "utf-8")
    before = tree(elsewhere)
    import shutil

    shutil.rmtree(out / "docs")
    os.symlink(elsewhere, out / "docs")
    for args in ([], ["--check"], ["--check", "--diff"]):
        result = invoke(["generate", str(ACME), "-o", str(out), *args])
        assert result.exit_code == 2, result.stderr
        assert "symbolic link" in result.stderr
        assert "not yours" not in result.stdout  # --diff never reads through the link
    assert tree(elsewhere) == before


def test_a_symlink_at_an_output_path_is_refused(tmp_path):
    out = tmp_path / "out"
    invoke(["generate", str(ACME), "-o", str(out)])
    secret = tmp_path / "secret.txt"
    secret.write_text("secret\n", "utf-8")
    (out / "catalog.json").unlink()
    os.symlink(secret, out / "catalog.json")
    result = invoke(["generate", str(ACME), "-o", str(out), "--check", "--diff"])
    assert result.exit_code == 2 and "secret" not in result.stdout
    result = invoke(["generate", str(ACME), "-o", str(out)])
    assert result.exit_code == 2
    assert secret.read_text("utf-8") == "secret\n"


def test_a_named_pipe_at_an_output_path_does_not_hang(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "catalog.json")
    started = time.monotonic()
    result = invoke(["generate", str(ACME), "-o", str(out)])
    assert result.exit_code == 2 and "named pipe" in result.stderr
    assert time.monotonic() - started < 30


def test_a_tampered_manifest_removes_nothing_outside(tmp_path):
    out = tmp_path / "out"
    invoke(["generate", str(ACME), "-o", str(out)])
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", "utf-8")
    inside_link = out / "link.md"
    os.symlink(victim, inside_link)
    manifest = json.loads((out / emit.MANIFEST).read_text("utf-8"))
    manifest["files"] += [
        "../victim.txt",
        str(victim),
        "docs/../../victim.txt",
        "link.md",
        ".git/config",
    ]
    (out / emit.MANIFEST).write_text(json.dumps(manifest), "utf-8")
    result = invoke(["generate", str(ACME), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert victim.read_text("utf-8") == "keep me\n"
    assert inside_link.is_symlink()


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 100_000,
        b"\xff\xfe",
        b'{"files": {"a": 1}}',
        b'{"files": [1, null, {"x": 2}]}',
        b"[]",
        b"null",
    ],
    ids=["deep", "binary", "map", "mixed", "list", "null"],
)
def test_a_broken_manifest_is_ignored(tmp_path, content):
    out = tmp_path / "out"
    out.mkdir()
    (out / emit.MANIFEST).write_bytes(content)
    result = invoke(["generate", str(ACME), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert json.loads((out / emit.MANIFEST).read_text("utf-8"))["generator"] == "pricegen"


def test_an_unwritable_output_is_a_clear_error(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        result = invoke(["generate", str(ACME), "-o", str(parent / "out")])
        assert result.exit_code == 2 and "error" in result.stderr
    finally:
        parent.chmod(0o700)


def test_the_output_directory_may_be_a_symlink(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "notes.md").write_text("mine\n", "utf-8")
    link = tmp_path / "out"
    os.symlink(real, link)
    result = invoke(["generate", str(ACME), "-o", str(link)])
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and (real / "catalog.json").is_file()
    assert (real / "notes.md").read_text("utf-8") == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "real"]


# -- the set changes at once ----------------------------------------------------------


def test_a_changed_set_keeps_user_files_and_unchanged_outputs(tmp_path):
    old, new = two_catalog_versions(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    add_user_files(out)
    emit.write(out, old)
    inodes = {p: p.stat().st_ino for p in out.rglob("*") if p.is_file() and not p.is_symlink()}
    emit.write(out, new)
    assert tree(out) == expected_set(tmp_path, "new", new)
    for path in (out / "notes.md", out / "docs" / "extra.md", out / "mine" / "deep" / "data.bin"):
        assert path.stat().st_ino == inodes[path]  # the same file, never copied
    # Every output names the catalog's digest, so change one file by hand to see the others kept.
    edited = {**new, "pricing-table.md": new["pricing-table.md"] + "\n"}
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    emit.write(out, edited)
    rewritten = {out / "pricing-table.md", out / emit.MANIFEST}  # it records every digest
    for path, identity in before.items():
        if path not in rewritten:
            assert (path.stat().st_ino, path.stat().st_mtime_ns) == identity, path
    assert (out / "pricing-table.md").read_text("utf-8") == edited["pricing-table.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["expected", "new.yaml", "old.yaml", "out"]


def test_removed_outputs_leave_no_empty_directories(tmp_path):
    old, new = two_catalog_versions(tmp_path)
    out = tmp_path / "out"
    emit.write(out, new)
    emit.write(out, {k: v for k, v in old.items() if not k.startswith("docs/addons/")})
    assert not (out / "docs" / "addons").exists()


_CHILD = textwrap.dedent(
    """
    import json, sys
    from pricegen import emit, swap
    if sys.argv[3] == "two-phase":
        swap._renameat2 = False
    sets = json.loads(open(sys.argv[1], encoding="utf-8").read())
    out = sys.argv[2]
    print("ready", flush=True)
    while True:
        emit.write(out, sets["new"])
        emit.write(out, sets["old"])
    """
)


def _kill_runs(tmp_path: Path, kills: int, mode: str) -> dict[str, int]:
    old, new = two_catalog_versions(tmp_path)
    expected = {
        "old": expected_set(tmp_path, "old", old),
        "new": expected_set(tmp_path, "new", new),
    }
    sets = tmp_path / "sets.json"
    sets.write_text(json.dumps({"old": old, "new": new}), "utf-8")
    child = tmp_path / "child.py"
    child.write_text(_CHILD, "utf-8")
    work = tmp_path / "work"
    work.mkdir()
    out = work / "out"
    out.mkdir()
    add_user_files(out)
    emit.write(out, old)
    rng = random.Random(int(os.environ.get("PRICEGEN_KILL_SEED", "20260101")))
    outcomes = {"old": 0, "new": 0, "missing, rolled forward": 0, "leftovers beside": 0}
    for _ in range(kills):
        process = subprocess.Popen(
            [sys.executable, str(child), str(sets), str(out), mode],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdout.readline() == b"ready\n", process.stderr.read().decode()
        time.sleep(rng.uniform(0, 0.08))
        process.kill()  # SIGKILL: no cleanup handler runs
        process.wait()
        process.stdout.close()
        process.stderr.close()
        if len(list(work.iterdir())) > 1:
            outcomes["leftovers beside"] += 1  # killed in the middle of a write
        if not os.path.lexists(out):
            # Only the two-phase fallback has a moment without the directory; its journal says so.
            assert mode == "two-phase"
            assert (work / ".out.pricegen-journal").exists()
            emit.plan(out, new)  # the next run, or --check, rolls it forward
            outcomes["missing, rolled forward"] += 1
        found = tree(out)
        if found == expected["old"]:
            outcomes["old"] += 1
        elif found == expected["new"]:
            outcomes["new"] += 1
        else:
            extra = sorted(set(found) ^ set(expected["old"]) ^ set(expected["new"]))
            pytest.fail(f"after a kill the output is neither the old nor the new set: {extra[:10]}")
    emit.write(out, new)  # the next run cleans up whatever the killed ones left
    assert tree(out) == expected["new"]
    assert sorted(p.name for p in work.iterdir()) == ["out"], sorted(p.name for p in work.iterdir())
    return outcomes


@pytest.mark.skipif(sys.platform != "linux", reason="SIGKILL and renameat2 are tested on Linux")
def test_kill_9_leaves_the_old_or_the_new_set(tmp_path):
    outcomes = _kill_runs(tmp_path, KILLS, "exchange")
    print(f"\nkill -9 (exchange): {KILLS} kills: {outcomes}")
    assert outcomes["old"] + outcomes["new"] == KILLS


@pytest.mark.skipif(sys.platform != "linux", reason="SIGKILL is tested on Linux")
def test_kill_9_with_the_two_phase_fallback_recovers(tmp_path):
    kills = max(KILLS // 2, 1)
    outcomes = _kill_runs(tmp_path, kills, "two-phase")
    print(f"\nkill -9 (two-phase): {kills} kills: {outcomes}")
    assert outcomes["old"] + outcomes["new"] == kills


def test_an_interrupted_two_phase_swap_is_rolled_forward(tmp_path):
    """Between its two renames the fallback has no output directory; the journal rolls forward."""
    old, new = two_catalog_versions(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    add_user_files(out)
    emit.write(out, old)
    expected_new = expected_set(tmp_path, "new", new)
    sets = tmp_path / "sets.json"
    sets.write_text(json.dumps({"new": new}), "utf-8")
    child = textwrap.dedent(
        """
        import json, os, signal, sys
        from pricegen import emit, swap
        swap._renameat2 = False
        real_rename, calls = os.rename, []
        def rename(src, dst):
            calls.append(src)
            if len(calls) == 2:
                os.kill(os.getpid(), signal.SIGKILL)  # dies between the two renames
            real_rename(src, dst)
        os.rename = rename
        emit.write(sys.argv[2], json.loads(open(sys.argv[1], encoding="utf-8").read())["new"])
        """
    )
    done = subprocess.run([sys.executable, "-c", child, str(sets), str(out)], check=False)
    assert done.returncode == -9
    assert not out.exists() and (tmp_path / ".out.pricegen-journal").exists()
    result = invoke(["generate", str(tmp_path / "new.yaml"), "-o", str(out), "--check"])
    assert result.exit_code == 0, result.stderr  # --check rolled the new set forward first
    assert tree(out) == expected_new
    emit.write(out, new)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_an_interrupt_between_the_renames_puts_the_old_set_back(tmp_path, monkeypatch):
    old, new = two_catalog_versions(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    add_user_files(out)
    emit.write(out, old)
    expected_old = tree(out)
    monkeypatch.setattr(swap, "_renameat2", False)
    real_rename, calls = os.rename, []

    def interrupted(src, dst):
        calls.append(src)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", interrupted)
    with pytest.raises(KeyboardInterrupt):
        emit.write(out, new)
    monkeypatch.setattr(os, "rename", real_rename)
    assert tree(out) == expected_old
    emit.write(out, new)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


_CLI_CHILD = textwrap.dedent(
    """
    import sys
    from pricegen.cli import main
    old, new, out = sys.argv[1:4]
    print("ready", flush=True)
    while True:
        for catalog in (new, old):
            try:
                main(["generate", catalog, "-o", out], standalone_mode=False)
            except SystemExit:
                pass
    """
)


@pytest.mark.skipif(sys.platform != "linux", reason="SIGKILL is tested on Linux")
def test_kill_9_during_the_generate_command(tmp_path):
    """The whole command, compile and render included, killed at random moments."""
    kills = max(KILLS // 6, 1)
    old, new = two_catalog_versions(tmp_path)
    expected = {name: expected_command_set(tmp_path, name) for name in ("old", "new")}
    work = tmp_path / "work"
    out = work / "out"
    out.mkdir(parents=True)
    add_user_files(out)
    command = [sys.executable, "-m", "pricegen", "generate", str(tmp_path / "old.yaml")]
    subprocess.run([*command, "-o", str(out)], check=True, capture_output=True)
    rng = random.Random(int(os.environ.get("PRICEGEN_KILL_SEED", "20260101")))
    outcomes = {"old": 0, "new": 0}
    for _ in range(kills):
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _CLI_CHILD,
                str(tmp_path / "old.yaml"),
                str(tmp_path / "new.yaml"),
                str(out),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert process.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0, 1.0))  # one generate takes some 0.2-0.5 s here
        process.kill()
        process.wait()
        process.stdout.close()
        found = tree(out)
        assert found in (expected["old"], expected["new"]), "neither the old nor the new set"
        outcomes["old" if found == expected["old"] else "new"] += 1
    print(f"\nkill -9 (generate command): {kills} kills: {outcomes}")
    emit.write(out, new)
    assert sorted(p.name for p in work.iterdir()) == ["out"]


def test_unusual_modes_in_the_output_are_kept(tmp_path):
    """A read-only directory of the user's survives the swap, mode and contents."""
    out = tmp_path / "out"
    out.mkdir()
    locked = out / "locked"
    locked.mkdir()
    (locked / "keep.txt").write_text("keep\n", "utf-8")
    locked.chmod(0o555)
    try:
        result = invoke(["generate", str(ACME), "-o", str(out)])
        assert result.exit_code == 0, result.stderr
        assert (locked / "keep.txt").read_text("utf-8") == "keep\n"
        assert locked.stat().st_mode & 0o777 == 0o555
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    finally:
        locked.chmod(0o755)
