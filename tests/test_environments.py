"""Environments: overlays patch the base catalog, and every command takes --env.

The valid case ``tests/cases/valid/overlays`` makes every kind of patch; its
resolved values are read here environment by environment, each worked out
from its base value and its overlay by hand. Invalid overlays have their own
cases under ``tests/cases/invalid/OVERLAY_*``; the positions of diagnostics
the later stages report about overlay values are checked below.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CASES, REPO, invoke

from pricegen import emit
from pricegen.config import Config
from pricegen.environments import UnknownEnvironmentError
from pricegen.model import canonical_data
from pricegen.pipeline import compile_catalog, compile_environments
from pricegen.runtime import load_evaluator
from pricegen.targets import render

OVERLAYS = CASES / "valid" / "overlays" / "pricing"
EXAMPLE = REPO / "examples" / "environments" / "pricing"
WITHOUT = [
    REPO / "examples" / "saas-seats" / "pricing.yaml",
    REPO / "examples" / "split-catalog" / "pricing",
    CASES / "valid" / "acme-full" / "pricing.yaml",
]


def builds(path=OVERLAYS):
    result = compile_environments(path)
    assert result.ok, result.diagnostics
    return {name: build.catalog for name, build in result.builds.items()}


# -- the merge: maps key by key, scalars and lists replace, null removes ---------------


def test_every_environment_is_compiled_in_declared_order():
    assert list(builds()) == ["development", "qa", "production"]
    assert compile_catalog(OVERLAYS).catalog.product.environment.name == "production"


def test_maps_merge_key_by_key_and_scalars_replace():
    dev, prod = builds()["development"], builds()["production"]
    # product: name replaced; metadata merged (its only key replaced)
    assert (prod.product.name, dev.product.name) == ("Relaybox", "Relaybox (development)")
    assert dev.product.metadata == {"billing_account": "acct_test"}
    # price: monthly USD 20 -> 1; monthly EUR 18 and the annual prices stay
    assert prod.plans["pro"].price["monthly"] == {"USD": Decimal(20), "EUR": Decimal(18)}
    assert dev.plans["pro"].price == {
        "monthly": {"USD": Decimal(1), "EUR": Decimal(18)},
        "annual": {"USD": Decimal(200), "EUR": Decimal(180)},
    }
    # metadata: price_id replaced, tax_code kept
    assert dev.plans["pro"].metadata == {"price_id": "price_test_pro", "tax_code": "txcd_10103001"}
    # an entitlement's map: limit 50000 -> 100000, soft removed (so false), reset kept
    emails = dev.plans["pro"].entitlements["emails"]
    assert (emails.limit, emails.soft, emails.reset) == (100000, False, "month")
    assert prod.plans["pro"].entitlements["emails"].soft is True
    # a shorthand scalar replaced by another: 5 domains -> unlimited
    assert dev.plans["pro"].entitlements["domains"].unlimited
    assert prod.plans["pro"].entitlements["domains"].limit == 5
    # a charge's map: included 50000 -> 10000, its unit price kept
    assert [c.included for c in dev.plans["pro"].charges] == [10000]
    assert dev.plans["pro"].charges[0].unit_price == prod.plans["pro"].charges[0].unit_price


def test_lists_replace_and_null_removes_a_key_or_an_entry():
    dev, prod = builds()["development"], builds()["production"]
    assert prod.addons["extra-domains"].plans == ("pro",)
    assert dev.addons["extra-domains"].plans == ("pro", "sandbox")
    assert prod.plans["pro"].trial.days == 14 and dev.plans["pro"].trial is None
    assert prod.features["webhooks"].metadata == {"flag": "webhooks_v2"}
    assert dev.features["webhooks"].metadata == {}
    assert list(prod.addons) == ["dedicated-ip", "extra-domains"]
    assert list(dev.addons) == ["extra-domains"]


def test_a_non_production_overlay_adds_entries_after_the_base_ones():
    dev, prod = builds()["development"], builds()["production"]
    assert list(dev.plans) == ["free", "pro", "sandbox"] and "sandbox" not in prod.plans
    sandbox = dev.plans["sandbox"]
    assert sandbox.extends == "free" and sandbox.trial.days == 1
    assert sandbox.entitlements["domains"].limit == 1  # inherited from Free
    assert sandbox.loc.path.endswith("environments/development.yaml")


def test_an_environment_without_an_overlay_is_the_base_catalog():
    qa, prod = builds()["qa"], builds()["production"]
    assert qa.product.environment.name == "qa" and not qa.product.environment.is_production
    qa_data, prod_data = canonical_data(qa), canonical_data(prod)
    # production's overlay only sets one add-on's metadata
    assert prod_data["addons"]["extra-domains"].pop("metadata") == {
        "price_id": "price_live_domains"
    }
    assert "metadata" not in qa_data["addons"]["extra-domains"]
    qa_data["product"].pop("environment"), prod_data["product"].pop("environment")
    qa_data.pop("source_sha256"), prod_data.pop("source_sha256")
    assert qa_data == prod_data


def test_each_environment_digest_covers_the_base_and_its_own_overlay():
    digests = {n: c.source_sha256 for n, c in builds().items()}
    assert len(set(digests.values())) == 3


# -- a catalog without environments is as it was --------------------------------------


@pytest.mark.parametrize("catalog", WITHOUT, ids=lambda p: p.parent.name)
def test_a_catalog_without_environments_compiles_as_before(catalog):
    build = compile_catalog(catalog)
    every = compile_environments(catalog)
    assert list(every.builds) == [None] and every.diagnostics == build.diagnostics
    assert every.builds[None].catalog == build.catalog
    files = render(build.catalog)
    catalog_json = json.loads(files["catalog.json"])
    assert "environment" not in catalog_json["product"]
    assert "metadata" not in json.dumps(catalog_json)
    module = load_evaluator(build.catalog)
    assert module.ENVIRONMENT is None and module.IS_PRODUCTION is True
    assert "environment" not in module.CATALOG["product"]
    assert 'class="test-environment"' not in files["pricing.html"]


@pytest.mark.parametrize("catalog", WITHOUT, ids=lambda p: p.parent.name)
def test_env_all_on_a_catalog_without_environments_writes_what_generate_writes(catalog, tmp_path):
    plain, every = tmp_path / "plain", tmp_path / "every"
    assert invoke(["generate", str(catalog), "-o", str(plain)]).exit_code == 0
    assert invoke(["generate", str(catalog), "-o", str(every), "--env", "all"]).exit_code == 0
    assert _tree(plain) == _tree(every)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# -- positions: what the later stages say about an overlay's values --------------------

BASE_PRODUCT = """\
pricegen: 1
product:
  id: queuebird
  name: Queuebird Jobs
  currencies: [USD, EUR]
  billing_periods: [monthly]
  environments:
    staging: {type: non-production}
    production: {type: production}
features:
  jobs: {name: Jobs, type: metered, unit: [job, jobs]}
  workers: {name: Workers, type: metered, meter: fluctuating, unit: [worker, workers]}
"""
BASE_PLANS = """\
pricegen: 1
plans:
  free:
    name: Free
    default: true
    entitlements:
      jobs: {limit: 10000, reset: month}
  pro:
    name: Pro
    extends: free
    trial: {days: 14}
    price: {USD: 39, EUR: 36}
    entitlements:
      jobs: {limit: 1000000, reset: month}
"""


def catalog_with(tmp_path: Path, staging: str) -> Path:
    root = tmp_path / "pricing"
    (root / "environments").mkdir(parents=True)
    (root / "product.yaml").write_text(BASE_PRODUCT, "utf-8")
    (root / "plans.yaml").write_text(BASE_PLANS, "utf-8")
    overlay = "pricegen: 1\nenvironment: staging\n" + staging
    (root / "environments" / "staging.yaml").write_text(overlay, "utf-8")
    return root


# (overlay after its two first lines, rule, line and column in the overlay, words of the message)
POSITIONS = [
    ("plans:\n  pro:\n    trail: {days: 1}\n", "SCHEMA", 5, 5, 'did you mean "trial"?'),
    ("plans:\n  pro:\n    price: {USD: -1}\n", "SCHEMA", 5, 18, "expected at least 0"),
    ("plans:\n  pro:\n    name: null\n", "SCHEMA", 5, 5, "which the overlay removes"),
    ("plans:\n  pro:\n    trial: {days: null}\n", "TRIAL_EMPTY", 5, 5, "neither a duration"),
    ("plans:\n  pro:\n    price: {EUR: null}\n", "PRICE_MISSING", 5, 12, 'in "EUR"'),
    (
        "plans:\n  pro:\n    entitlements:\n      wokers: 3\n",
        "FEATURE_UNKNOWN",
        6,
        7,
        'did you mean "workers"?',
    ),
    ("plans:\n  pro:\n    default: true\n", "PLAN_DEFAULT_MULTIPLE", 5, 14, "already is"),
    (
        "add:\n  plans:\n    team:\n      name: Team\n      extends: por\n",
        "PLAN_EXTENDS_UNKNOWN",
        7,
        16,
        'did you mean "pro"?',
    ),
    ("add:\n  plans:\n    pro:\n      name: Pro again\n", "ID_DUPLICATE", 5, 5, "defined twice"),
]


@pytest.mark.parametrize(
    "overlay, rule, line, col, words", POSITIONS, ids=[p[1] for p in POSITIONS]
)
def test_diagnostics_about_overlay_values_point_into_the_overlay(
    tmp_path, overlay, rule, line, col, words
):
    root = catalog_with(tmp_path, overlay)
    result = compile_environments(root, display="pricing")
    errors = [d for d in result.diagnostics if d.is_error]
    assert [(d.rule, d.path, d.line, d.col) for d in errors] == [
        (rule, "pricing/environments/staging.yaml", line, col)
    ], result.diagnostics
    assert words in errors[0].message
    assert not errors[0].message.startswith("In environment")  # its own overlay says so
    assert result.builds["production"].ok  # only staging is broken


def test_a_warning_about_an_overlay_value_points_into_the_overlay(tmp_path):
    root = catalog_with(tmp_path, "plans:\n  pro:\n    entitlements:\n      jobs: 500\n")
    result = compile_environments(root, display="pricing")
    assert result.ok
    (warning,) = result.diagnostics
    assert (warning.rule, warning.path, warning.line) == (
        "PLAN_LIMIT_LOWERED",
        "pricing/environments/staging.yaml",
        6,
    )


def test_a_base_problem_found_in_one_environment_names_it(tmp_path):
    """Staging sells annually too, so the base's monthly-only prices are incomplete there."""
    root = catalog_with(tmp_path, "product:\n  billing_periods: [monthly, annual]\n")
    result = compile_environments(root, display="pricing")
    assert result.builds["production"].ok and not result.builds["staging"].ok
    messages = [(d.path, d.rule, d.message) for d in result.diagnostics]
    assert messages and all(p == "pricing/plans.yaml" for p, _, _ in messages)
    assert all(m.startswith('In environment "staging": ') for _, _, m in messages)
    assert {r for _, r, _ in messages} == {"PRICE_PERIOD_AMBIGUOUS"}


def test_a_problem_of_every_environment_is_reported_once_as_it_is(tmp_path):
    root = catalog_with(tmp_path, "plans:\n  pro:\n    trial: {days: 1}\n")
    (root / "plans.yaml").write_text(BASE_PLANS.replace("extends: free", "extends: fre"), "utf-8")
    result = compile_environments(root, display="pricing")
    (problem,) = result.diagnostics
    assert problem.rule == "PLAN_EXTENDS_UNKNOWN" and problem.message.startswith('Plan "pro"')


def test_an_unknown_environment_is_refused_with_a_hint():
    with pytest.raises(UnknownEnvironmentError, match='did you mean "development"'):
        compile_catalog(OVERLAYS, env="developmnet")
    with pytest.raises(UnknownEnvironmentError, match="declares no environments"):
        compile_catalog(WITHOUT[0], env="staging")


# -- the command line --------------------------------------------------------------------


def test_validate_checks_every_environment_in_one_line(monkeypatch):
    monkeypatch.chdir(OVERLAYS.parent)
    result = invoke(["validate", "pricing"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "pricing: ok (development: 3 plans, 3 features, 1 add-on; "
        "qa: 2 plans, 3 features, 2 add-ons; production: 2 plans, 3 features, 2 add-ons).\n"
    )
    one = invoke(["validate", "pricing", "--env", "development"])
    assert one.stderr == "pricing: ok (development: 3 plans, 3 features, 1 add-on).\n"


def test_validate_fails_ci_for_an_overlay_that_breaks_one_environment(tmp_path, monkeypatch):
    catalog_with(tmp_path, "plans:\n  pro:\n    trial: {days: null}\n")
    monkeypatch.chdir(tmp_path)
    result = invoke(["validate", "pricing", "--error-format", "github"])
    assert result.exit_code == 3
    assert result.stdout.startswith(
        "::error file=pricing/environments/staging.yaml,line=5,col=5,title=TRIAL_EMPTY::"
    )
    assert invoke(["validate", "pricing", "--env", "production"]).exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "{catalog}", "--env", "stagin"],
        ["generate", "{catalog}", "-o", "{out}", "--env", "stagin"],
        ["quote", "{catalog}", "--plan", "team", "--env", "stagin"],
        ["check", "{catalog}", "--plan", "team", "--feature", "seats", "--env", "stagin"],
        ["lint", "{catalog}", "--env", "stagin"],
        ["analyze", "{catalog}", "--env", "stagin"],
        ["sql", "{catalog}", "--env", "stagin"],
        ["rate", "{catalog}", "--subscriptions", "{out}.csv", "-o", "{out}", "--env", "stagin"],
    ],
    ids=lambda a: a[0],
)
def test_every_command_refuses_an_unknown_environment_as_a_usage_error(args, tmp_path):
    args = [a.format(catalog=EXAMPLE, out=tmp_path / "out") for a in args]
    result = invoke(args)
    assert result.exit_code == 2, result.output
    assert 'Invalid value for --env: "stagin" is not an environment of the catalog; ' in (
        result.stderr
    )
    assert 'did you mean "staging"?' in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["quote", "check", "lint", "analyze", "sql"])
def test_commands_that_compile_one_environment_refuse_all(command):
    extra = {"quote": ["--plan", "team"], "check": ["--plan", "team", "--feature", "seats"]}
    result = invoke([command, str(EXAMPLE), *extra.get(command, []), "--env", "all"])
    assert result.exit_code == 2 and '"all" means every environment' in result.stderr


def test_quote_prices_the_environment_asked_for(monkeypatch):
    monkeypatch.chdir(OVERLAYS.parent)
    args = ["quote", "pricing", "--plan", "pro", "--usage", "emails=60000", "--json"]
    production = json.loads(invoke(args).stdout)
    development = json.loads(invoke([*args, "--env", "development"]).stdout)
    # production: $20 base; 50,000 included, 10,000 x $0.001 = $10
    assert [line["amount"] for line in production["lines"]] == ["20.00", "10.00"]
    assert production["total"] == "30.00"
    # development: $1 base; 10,000 included, 50,000 x $0.001 = $50
    assert [line["amount"] for line in development["lines"]] == ["1.00", "50.00"]
    assert development["total"] == "51.00"


def test_check_decides_in_the_environment_asked_for(monkeypatch):
    monkeypatch.chdir(OVERLAYS.parent)
    args = ["check", "pricing", "--plan", "pro", "--feature", "domains", "--usage", "100"]
    production = json.loads(invoke([*args, "--json"]).stdout)
    development = json.loads(invoke([*args, "--json", "--env", "development"]).stdout)
    assert (production["has_access"], production["reason"], production["limit"]) == (
        False,
        "usage_limit_exceeded",
        5,
    )
    assert (development["has_access"], development["unlimited"]) == (True, True)


def test_quote_knows_a_plan_only_one_environment_adds(monkeypatch):
    monkeypatch.chdir(OVERLAYS.parent)
    added = invoke(["quote", "pricing", "--plan", "sandbox", "--env", "development", "--json"])
    assert json.loads(added.stdout)["total"] == "5.00"
    missing = invoke(["quote", "pricing", "--plan", "sandbox"])
    assert missing.exit_code == 3 and "UnknownPlanError" in missing.stderr


def test_lint_and_analyze_read_the_environment_asked_for(monkeypatch):
    monkeypatch.chdir(OVERLAYS.parent)
    space = json.loads(invoke(["analyze", "pricing", "--json"]).stdout)
    dev_space = json.loads(invoke(["analyze", "pricing", "--json", "--env", "development"]).stdout)
    assert space != dev_space
    assert "sandbox" in json.dumps(dev_space) and "sandbox" not in json.dumps(space)
    lint = invoke(["lint", "pricing", "--env", "development", "--error-format", "json"])
    assert lint.exit_code == 0 and isinstance(json.loads(lint.stdout), list)


# -- generate ----------------------------------------------------------------------------


def test_generate_one_environment(tmp_path):
    out = tmp_path / "generated" / "staging"
    result = invoke(["generate", str(EXAMPLE), "--env", "staging", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    data = json.loads((out / "catalog.json").read_text("utf-8"))
    assert data["product"]["environment"] == {"name": "staging", "type": "non-production"}
    assert data["plans"]["team-2027"]["status"] == "published"
    assert data["plans"]["team-2027"]["metadata"] == {
        "stripe_price_annual": "price_test_T27A",
        "stripe_price_monthly": "price_test_T27M",
    }
    assert 'class="test-environment"' in (out / "pricing.html").read_text("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated"]


def test_generate_all_writes_each_environment_into_its_own_directory(tmp_path):
    out = tmp_path / "generated"
    result = invoke(["generate", str(EXAMPLE), "--env", "all", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        emit.MANIFEST,
        "development",
        "production",
        "staging",
    ]
    for name in ("development", "staging", "production"):
        files = render(compile_catalog(EXAMPLE, env=name).catalog)
        assert _tree(out / name) == {k: v.encode() for k, v in files.items()}
    owned = json.loads((out / emit.MANIFEST).read_text("utf-8"))["files"]
    assert "staging/catalog.json" in owned and "production/ledgerly_pricing.py" in owned
    again = invoke(["generate", str(EXAMPLE), "--env", "all", "-o", str(out), "--check"])
    assert again.exit_code == 0 and again.stderr.endswith(" unchanged.\n")


def test_check_names_only_the_stale_environment(tmp_path):
    catalog = tmp_path / "pricing"
    shutil.copytree(EXAMPLE, catalog)
    out = tmp_path / "generated"
    assert invoke(["generate", str(catalog), "--env", "all", "-o", str(out)]).exit_code == 0
    staging = catalog / "environments" / "staging.yaml"
    staging.write_text(staging.read_text("utf-8").replace("price_test_T27M", "price_test_T27X"))
    result = invoke(["generate", str(catalog), "--env", "all", "-o", str(out), "--check"])
    assert result.exit_code == 1
    stale = [line for line in result.stderr.splitlines() if line.startswith("would ")]
    assert stale.pop(0) == "would regenerate .pricegen-manifest.json"  # it holds their digest
    assert stale and all(line.startswith("would regenerate staging/") for line in stale)
    assert "would regenerate staging/catalog.json" in stale


def test_a_failed_generate_all_leaves_every_environment_as_it_was(tmp_path):
    catalog = tmp_path / "pricing"
    shutil.copytree(EXAMPLE, catalog)
    out = tmp_path / "generated"
    assert invoke(["generate", str(catalog), "--env", "all", "-o", str(out)]).exit_code == 0
    before = _tree(tmp_path)
    overlay = catalog / "environments" / "development.yaml"
    overlay.write_text(overlay.read_text("utf-8").replace("days: 1", "days: 0"))
    result = invoke(["generate", str(catalog), "--env", "all", "-o", str(out)])
    assert result.exit_code == 3
    assert "pricing/environments/development.yaml" in result.stderr
    after = _tree(tmp_path)
    (
        after.pop("pricing/environments/development.yaml"),
        before.pop("pricing/environments/development.yaml"),
    )
    assert after == before


# -- what the outputs say about their environment ------------------------------------------


@pytest.mark.parametrize(
    "name, production", [("development", False), ("staging", False), ("production", True)]
)
def test_the_generated_module_records_its_environment(name, production):
    catalog = compile_catalog(EXAMPLE, env=name).catalog
    module = load_evaluator(catalog, Config())
    assert (module.ENVIRONMENT, module.IS_PRODUCTION) == (name, production)
    assert module.CATALOG["product"]["environment"]["name"] == name
    page = render(catalog)["pricing.html"]
    banner = f"Test environment: {name}. This is not the live pricing."
    assert (banner in page) is not production


def test_metadata_reaches_the_evaluator_untouched():
    module = load_evaluator(compile_catalog(OVERLAYS, env="development").catalog)
    assert dict(module.PLANS["pro"]["metadata"]) == {
        "price_id": "price_test_pro",
        "tax_code": "txcd_10103001",
    }
    assert dict(module.CATALOG["product"]["metadata"]) == {"billing_account": "acct_test"}
    assert "metadata" not in module.FEATURES["webhooks"]  # removed in development
    live = load_evaluator(compile_catalog(OVERLAYS).catalog)
    assert dict(live.ADDONS["extra-domains"]["metadata"]) == {"price_id": "price_live_domains"}
    assert dict(live.FEATURES["webhooks"]["metadata"]) == {"flag": "webhooks_v2"}


def test_metadata_is_text_only(tmp_path):
    text = BASE_PLANS.replace("    trial: {days: 14}\n", "    metadata: {price_id: 42}\n")
    root = catalog_with(tmp_path, "")
    (root / "plans.yaml").write_text(text, "utf-8")
    (problem,) = compile_catalog(root, display="pricing").diagnostics
    assert problem.rule == "SCHEMA" and problem.message.endswith("expected text, got 42.")


def test_an_entry_stays_where_the_base_defines_it(tmp_path):
    """Its loc names the file that holds its data, so lint finds deeper keys there."""
    catalog = tmp_path / "pricing"
    shutil.copytree(EXAMPLE, catalog)
    overlay = catalog / "environments" / "development.yaml"
    overlay.write_text(overlay.read_text("utf-8") + "    description: null\n", "utf-8")
    plan = compile_catalog(catalog, env="development", display="pricing").catalog.plans
    assert plan["team-2027"].loc.path == "pricing/plans.yaml"
    result = invoke(["lint", str(catalog), "--env", "development", "--error-format", "json"])
    (finding,) = json.loads(result.stdout)
    assert finding["rule"] == "PLAN_DESCRIPTION_MISSING"
    assert finding["path"].endswith("pricing/plans.yaml") and finding["line"] > 1


def test_a_catalog_of_overlays_only_says_where_the_base_is(tmp_path):
    overlay = tmp_path / "staging.yaml"
    overlay.write_text("pricegen: 1\nenvironment: staging\n", "utf-8")
    (problem,) = compile_catalog(overlay, display="staging.yaml").diagnostics
    assert (problem.rule, problem.path, problem.line) == ("PRODUCT_MISSING", "staging.yaml", 2)
    assert "holds only overlays" in problem.message


def test_without_a_production_environment_the_first_is_the_default():
    catalog = CASES / "valid" / "environments-single-file" / "pricing.yaml"
    default = compile_catalog(catalog).catalog
    assert default.product.environment.name == "sandbox"
    module = load_evaluator(default)
    assert (module.ENVIRONMENT, module.IS_PRODUCTION) == ("sandbox", False)
    assert list(compile_environments(catalog).builds) == ["sandbox", "preview"]


def test_an_overlay_writes_its_format_version_as_1(tmp_path):
    root = catalog_with(tmp_path, "")
    (root / "environments" / "staging.yaml").write_text("pricegen: 1.0\nenvironment: staging\n")
    (problem,) = compile_catalog(root, display="pricing").diagnostics
    assert (problem.rule, problem.path, problem.line) == (
        "OVERLAY_SCHEMA",
        "pricing/environments/staging.yaml",
        1,
    )


def test_env_on_a_catalog_without_environments_is_a_usage_error():
    result = invoke(["quote", str(WITHOUT[0]), "--plan", "free", "--env", "staging"])
    assert result.exit_code == 2
    assert 'The catalog declares no environments, so there is no "staging"' in result.stderr


def test_the_rating_sql_is_the_environment_asked_for():
    """sql --env, as generate --env writes it: the staging catalog publishes team-2027."""
    staging = invoke(["sql", str(EXAMPLE), "--env", "staging"])
    production = invoke(["sql", str(EXAMPLE)])
    assert staging.exit_code == 0 and production.exit_code == 0, staging.stderr
    assert "'team-2027'" in staging.stdout and "'team-2027'" not in production.stdout
    assert (
        staging.stdout.split("\n", 5)[5]
        == (
            (EXAMPLE.parent / "generated" / "staging" / "sql" / "rating.sql")
            .read_text("utf-8")
            .split("\n", 5)[5]
        )
    )
