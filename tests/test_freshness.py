"""generate and generate --check skip rendering only when the outputs are provably current."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pricegen import emit, freshness, targets
from tests.conftest import invoke

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "saas-seats" / "pricing.yaml"


@pytest.fixture
def generated(tmp_path: Path) -> tuple[Path, Path]:
    catalog = tmp_path / "pricing.yaml"
    shutil.copy(EXAMPLE, catalog)
    out = tmp_path / "out"
    assert invoke(["generate", str(catalog), "-o", str(out)]).exit_code == 0
    return catalog, out


@pytest.fixture
def render_calls(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Counts renders, while rendering as usual."""
    calls: list[object] = []
    real = targets.render

    def counted(*args: object, **kwargs: object) -> dict[str, str]:
        calls.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(targets, "render", counted)
    return calls


def manifest(out: Path) -> dict[str, object]:
    return json.loads((out / emit.MANIFEST).read_text("utf-8"))


@pytest.mark.parametrize("flags", [[], ["--check"], ["--check", "--diff"]])
def test_current_outputs_are_not_rendered_again(generated, render_calls, flags):
    catalog, out = generated
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    result = invoke(["generate", str(catalog), "-o", str(out), *flags])
    assert result.exit_code == 0, result.stderr
    assert render_calls == []
    assert result.stderr.endswith(f"{len(before)} unchanged.\n")
    assert result.stdout == ""  # --diff: nothing differs
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


def test_an_output_edited_by_hand_is_stale(generated, render_calls):
    catalog, out = generated
    table = out / "pricing-table.md"
    table.write_text(table.read_text("utf-8") + "edited\n", "utf-8")
    result = invoke(["generate", str(catalog), "-o", str(out), "--check"])
    assert result.exit_code == 1
    assert "would regenerate pricing-table.md" in result.stderr
    assert len(render_calls) == 1


def test_a_removed_output_is_stale(generated, render_calls):
    catalog, out = generated
    (out / "pricing.html").unlink()
    result = invoke(["generate", str(catalog), "-o", str(out), "--check"])
    assert result.exit_code == 1 and "would create pricing.html" in result.stderr


@pytest.mark.parametrize(
    "change",
    [
        ["--locale", "de_DE"],
        ["--include-drafts"],
        ["--module", "other_pricing"],
    ],
    ids=["locale", "drafts", "module"],
)
def test_other_options_render_again(generated, render_calls, change):
    catalog, out = generated
    invoke(["generate", str(catalog), "-o", str(out), "--check", *change])
    assert len(render_calls) == 1


def test_a_changed_catalog_renders_again(generated, render_calls):
    catalog, out = generated
    catalog.write_text(catalog.read_text("utf-8") + "\n# a comment\n", "utf-8")
    result = invoke(["generate", str(catalog), "-o", str(out), "--check"])
    assert len(render_calls) == 1
    # a comment changes the source digest that every output names, so they are stale
    assert result.exit_code == 1


def test_another_generator_renders_again_and_its_key_alone_is_not_stale(
    generated, render_calls, monkeypatch
):
    """An edited or upgraded pricegen never trusts outputs by their key; when its
    outputs are the same bytes, --check passes and generate records the new key."""
    catalog, out = generated
    old_key = manifest(out)["render_key"]
    monkeypatch.setattr(freshness, "code_digest", lambda: "another generator")
    checked = invoke(["generate", str(catalog), "-o", str(out), "--check"])
    assert checked.exit_code == 0, checked.stderr
    assert len(render_calls) == 1
    written = invoke(["generate", str(catalog), "-o", str(out)])
    assert written.exit_code == 0 and written.stderr.startswith("1 file written")
    assert manifest(out)["render_key"] not in (old_key, None)
    invoke(["generate", str(catalog), "-o", str(out)])
    assert len(render_calls) == 2  # the refreshed key lets the third run skip


def test_a_forged_digest_only_costs_a_render(generated, render_calls):
    """A manifest that claims the outputs are current is checked against their bytes."""
    catalog, out = generated
    record = manifest(out)
    record["outputs_sha256"] = "0" * 64
    (out / emit.MANIFEST).write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    result = invoke(["generate", str(catalog), "-o", str(out), "--check"])
    assert len(render_calls) == 1 and result.exit_code == 1
    assert "would regenerate .pricegen-manifest.json" in result.stderr


def test_env_all_and_one_environment_have_different_keys(tmp_path):
    config = freshness.Config()
    one = freshness.render_key({"production": "d"}, config, "production")
    every = freshness.render_key({"production": "d"}, config, "all")
    assert one != every
    assert freshness.render_key({None: "d"}, config, None) == freshness.render_key(
        {None: "d"}, config, "all"
    )  # a catalog without environments: --env all writes the same files
