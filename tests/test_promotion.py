"""Promotion as a review: ``pricegen diff CATALOG --env FROM --to-env TO``.

The old side is the environment promoted to, the new side the one promoted:
the same change classes and quote impact as a diff between revisions, worded
for the customers of the target environment. The reports of the example
(examples/environments) are snapshots; the facts in them are also asserted
from the example's overlays.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import REPO, invoke
from test_diff import Repo

EXAMPLE = REPO / "examples" / "environments"


@pytest.fixture
def in_example(monkeypatch):
    monkeypatch.chdir(EXAMPLE)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_promoting_staging_to_production(in_example, fmt, snapshot):
    result = invoke(
        ["diff", "pricing", "--env", "staging", "--to-env", "production", "--format", fmt]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == snapshot


def test_what_production_customers_get_from_staging(in_example):
    args = ["diff", "pricing", "--env", "staging", "--to-env", "production", "--format", "json"]
    report = json.loads(invoke(args).stdout)
    assert report["old"] == "pricing (production)" and report["new"] == "pricing (staging)"
    assert report["promotion"] == {"from": "staging", "to": "production"}
    # the staging overlay archives team and publishes team-2027; metadata is not compared
    assert [(c["id"], c["kind"], c["old"], c["new"], c["class"]) for c in report["changes"]] == [
        ("team", "status", "published", "archived", "customer-visible"),
        ("team-2027", "status", "draft", "published", "customer-visible"),
    ]
    assert not any(q["changed"] for q in report["quotes"])  # no price differs


def test_promoting_development_to_staging(in_example, snapshot):
    result = invoke(["diff", "pricing", "--env", "development", "--to-env", "staging"])
    assert result.exit_code == 0
    assert "What staging customers get if development is promoted to staging:" in result.stdout
    # development's one-day trials: 14 days -> 1 day on both plans it sells
    assert result.stdout.count("Trial: 14 days → 1 day (new customers only).") == 2
    assert result.stdout == snapshot


def test_fail_on_works_for_promotions(in_example):
    args = ["diff", "pricing", "--env", "staging", "--to-env", "production"]
    assert invoke([*args, "--fail-on", "customer-visible"]).exit_code == 1
    assert invoke([*args, "--fail-on", "breaking"]).exit_code == 0


def test_promotion_against_a_revision(tmp_path, monkeypatch, snapshot):
    """Production as committed at HEAD, against staging in the working tree."""
    repo = Repo(tmp_path / "repo")
    shutil.copytree(EXAMPLE / "pricing", repo.root / "pricing")
    repo.commit("the catalog")
    plans = repo.root / "pricing" / "plans.yaml"
    text = plans.read_text("utf-8")
    assert text.count("monthly: {USD: 29, EUR: 27}") == 1
    plans.write_text(text.replace("monthly: {USD: 29, EUR: 27}", "monthly: {USD: 31, EUR: 27}"))
    monkeypatch.chdir(repo.root)
    before = repo.state()

    args = ["diff", "pricing", "--against", "HEAD", "--env", "staging", "--to-env", "production"]
    result = invoke(args)

    assert result.exit_code == 0, result.stderr
    assert repo.state() == before  # git was read, never written
    assert result.stdout.startswith("pricegen diff HEAD:pricing (production) → pricing (staging)\n")
    # team-2027 at its base price (seats=1, 5 included): $29 at HEAD, $31 now: +6.9%
    assert "  team-2027 monthly USD [seats=1]: 29.00 → 31.00 (+6.9%)" in result.stdout
    assert result.stdout == snapshot


def test_two_catalogs_in_one_environment(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(EXAMPLE / "pricing", old)
    shutil.copytree(EXAMPLE / "pricing", new)
    overlay = new / "environments" / "development.yaml"
    overlay.write_text(overlay.read_text("utf-8").replace("days: 1", "days: 2"))
    same = invoke(["diff", str(old), str(new), "--env", "staging", "--format", "json"])
    changed = invoke(["diff", str(old), str(new), "--env", "development", "--format", "json"])
    assert json.loads(same.stdout)["changes"] == []
    kinds = [
        (c["id"], c["kind"], c["old"], c["new"]) for c in json.loads(changed.stdout)["changes"]
    ]
    assert kinds == [
        ("team", "trial", "1 day", "2 days"),
        ("team-2027", "trial", "1 day", "2 days"),
    ]


@pytest.mark.parametrize(
    "args, words",
    [
        (["--to-env", "production"], "expected --env too"),
        (["--env", "staging", "--to-env", "staging"], "nothing to compare"),
        (["--env", "staging", "--to-env", "prodction"], '--to-env: "prodction" is not'),
        (["--env", "stagin", "--to-env", "production"], 'did you mean "staging"?'),
    ],
)
def test_promotion_usage_errors(in_example, args, words):
    result = invoke(["diff", "pricing", *args])
    assert result.exit_code == 2 and words in result.stderr, result.output
    assert result.stdout == ""
