"""Every diagnostic rule pricegen can report, documented as data.

``pricegen rules`` prints this table, ``spec/language.md`` links to it, and a
test checks that each rule has a case under ``tests/cases/invalid/<RULE>/``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .diagnostics import Severity


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    severity: Severity
    purpose: str


_E, _W = Severity.ERROR, Severity.WARNING

RULES: tuple[Rule, ...] = (
    # Reading files
    Rule("CATALOG_NOT_FOUND", "file", _E, "The catalog path must exist."),
    Rule("CATALOG_EMPTY", "file", _E, "A catalog directory must hold at least one YAML file."),
    Rule("FILE_UNREADABLE", "file", _E, "Every catalog file must be readable."),
    Rule(
        "FILE_TOO_LARGE",
        "file",
        _E,
        "A catalog file is at most 8 MiB, so hostile input fails fast.",
    ),
    Rule("YAML_ENCODING", "yaml", _E, "Files are UTF-8."),
    Rule("YAML_EMPTY", "yaml", _E, "A catalog file is not empty."),
    Rule("YAML_SYNTAX", "yaml", _E, "A catalog file is well-formed YAML."),
    Rule("YAML_TAB", "yaml", _E, "Indentation uses spaces, never tabs."),
    Rule(
        "YAML_DUPLICATE_KEY",
        "yaml",
        _E,
        "A key appears once per mapping; YAML would keep the last silently.",
    ),
    Rule("YAML_MULTIPLE_DOCUMENTS", "yaml", _E, "A catalog file holds one YAML document."),
    Rule("YAML_DEPTH_LIMIT", "yaml", _E, "Nesting stays within 64 levels."),
    Rule(
        "YAML_ALIAS_LIMIT",
        "yaml",
        _E,
        "Aliases expand to at most 100,000 nodes (no billion laughs).",
    ),
    Rule(
        "YAML_NODE_LIMIT", "yaml", _E, "A catalog holds at most 200,000 values, aliases expanded."
    ),
    Rule("YAML_TAG_UNSUPPORTED", "yaml", _E, "No explicit YAML tags other than !!str."),
    Rule("YAML_KEY_NOT_STRING", "yaml", _E, "Mapping keys are plain text."),
    Rule(
        "YAML_MERGE_KEY",
        "yaml",
        _E,
        "Merge keys (<<) are not supported; they hide what a plan contains.",
    ),
    Rule("YAML_NUMBER_NOT_FINITE", "yaml", _E, "Numbers are finite: no .inf or .nan."),
    Rule(
        "YAML_NUMBER_AMBIGUOUS",
        "yaml",
        _E,
        "Numbers read the same in YAML 1.1 and 1.2: no 010, 0x10 or 1_000.",
    ),
    Rule(
        "YAML_NUMBER_OUT_OF_RANGE",
        "yaml",
        _E,
        "Numbers are at most 100 characters, with exponents within ±20, "
        "so each is exact and cheap.",
    ),
    # Shape
    Rule("SCHEMA", "schema", _E, "Each file matches the JSON Schema (spec/pricegen.schema.json)."),
    # The catalog as a whole
    Rule("PRODUCT_MISSING", "catalog", _E, "Exactly one file declares the product."),
    Rule("PRODUCT_DUPLICATE", "catalog", _E, "Only one file declares the product."),
    Rule(
        "CATALOG_TOO_LARGE",
        "catalog",
        _E,
        "At most 5,000 features and 5,000 plans and add-ons, 100,000 of their combinations, "
        "and extends chains 50 deep.",
    ),
    Rule("ID_DUPLICATE", "catalog", _E, "An id is defined once across all files."),
    Rule("CURRENCY_UNKNOWN", "catalog", _E, "Currencies are ISO 4217 codes."),
    # References
    Rule("FEATURE_UNKNOWN", "reference", _E, "Entitlements and charges name declared features."),
    Rule("PLAN_UNKNOWN", "reference", _E, "Add-ons name declared plans."),
    Rule("PLAN_EXTENDS_UNKNOWN", "reference", _E, "A plan extends a declared plan."),
    Rule("ADDON_UNKNOWN", "reference", _E, "Add-on requires/excludes name declared add-ons."),
    Rule("PLAN_EXTENDS_CYCLE", "reference", _E, "Plan inheritance has no cycle."),
    # Values
    Rule(
        "ENTITLEMENT_TYPE_MISMATCH", "value", _E, "An entitlement's value fits its feature's type."
    ),
    Rule("ENUM_VALUE_UNKNOWN", "value", _E, "Enum entitlements name values the feature declares."),
    Rule("ENTITLEMENT_BEHAVIOR_ON_PLAN", "value", _E, "Only add-on entitlements have a behavior."),
    Rule(
        "ENTITLEMENT_VARIABLE_NOT_CUSTOM",
        "value",
        _E,
        "Only custom plans have variable entitlements.",
    ),
    Rule(
        "RESET_ANCHOR_INVALID",
        "value",
        _E,
        "Weekday anchors go with weekly resets; resets go with metered features.",
    ),
    Rule("CHARGE_FEATURE_NOT_METERED", "value", _E, "Charges are on metered features."),
    Rule("CHARGE_FIELD_UNUSED", "value", _E, "A charge sets only the fields its model uses."),
    Rule("TIERS_NOT_ASCENDING", "value", _E, "Tier bounds strictly ascend."),
    Rule(
        "TIERS_LAST_BOUNDED", "value", _E, "The last tier is open (no up_to), except in stairstep."
    ),
    Rule("TIERS_OPEN_NOT_LAST", "value", _E, "Only the last tier may omit up_to."),
    Rule("TIER_PRICE_MISSING", "value", _E, "Each tier has the price fields its model needs."),
    Rule(
        "PRICE_MISSING",
        "value",
        _E,
        "Every billable thing has a price for each currency and period it sells in.",
    ),
    Rule("PRICE_CURRENCY_UNDECLARED", "value", _E, "Prices use only the product's currencies."),
    Rule("PRICE_PERIOD_UNDECLARED", "value", _E, "Prices use only the periods their plan sells."),
    Rule(
        "PRICE_PERIOD_AMBIGUOUS",
        "value",
        _E,
        "A price without periods needs a product with one billing period.",
    ),
    Rule("PLAN_DEFAULT_MULTIPLE", "value", _E, "At most one plan is the default."),
    Rule("PLAN_DEFAULT_UNAVAILABLE", "value", _E, "The default plan is published and not custom."),
    Rule("PLAN_DEFAULT_NOT_FREE", "value", _E, "The default (fallback) plan has no price."),
    Rule("PLAN_CUSTOM_PRICED", "value", _E, "A custom (contact sales) plan has no list price."),
    Rule("ADDON_NO_PLAN", "value", _E, "An add-on is compatible with at least one plan."),
    Rule(
        "ADDON_REQUIRES_CONFLICT",
        "value",
        _E,
        "An add-on neither requires itself nor an add-on it excludes (either way round).",
    ),
    Rule(
        "TRIAL_EMPTY", "value", _E, "A trial has a duration (days or months) or a budget (credits)."
    ),
    Rule(
        "BILLING_PERIOD_UNDECLARED", "value", _E, "A plan sells only the product's billing periods."
    ),
    Rule(
        "TRIAL_END_NO_DEFAULT",
        "value",
        _E,
        "Trials that end in a downgrade have a default plan to downgrade to.",
    ),
    Rule(
        "CHARGE_FEATURE_REMOVED",
        "value",
        _E,
        "A plan does not charge for a feature it removes (feature: false).",
    ),
    Rule(
        "ADDON_RESET_MISMATCH",
        "value",
        _E,
        "An add-on's grant resets like the plan's grant of the same feature, on every plan "
        "it works with.",
    ),
    # Environments and overlays; see spec/language.md, Environments
    Rule(
        "OVERLAY_SCHEMA",
        "environment",
        _E,
        "An overlay file matches its JSON Schema (overlay.schema.json).",
    ),
    Rule(
        "ENVIRONMENT_PRODUCTION_MULTIPLE",
        "environment",
        _E,
        "At most one environment is production.",
    ),
    Rule(
        "OVERLAY_ENVIRONMENT_UNKNOWN",
        "environment",
        _E,
        "An overlay names an environment the product declares.",
    ),
    Rule("OVERLAY_DUPLICATE", "environment", _E, "An environment has at most one overlay file."),
    Rule(
        "OVERLAY_ADD_IN_PRODUCTION",
        "environment",
        _E,
        "Only overlays of non-production environments add entries.",
    ),
    Rule(
        "OVERLAY_ID_UNKNOWN", "environment", _E, "An overlay patches ids the base catalog defines."
    ),
    Rule(
        "OVERLAY_REMOVE_MISSING",
        "environment",
        _E,
        "A null in an overlay removes a key the base catalog has.",
    ),
    # Inheritance warnings
    Rule(
        "PLAN_LIMIT_LOWERED", "inheritance", _W, "A child plan does not lower a limit it inherits."
    ),
    Rule(
        "PLAN_FEATURE_DROPPED",
        "inheritance",
        _W,
        "A child plan does not drop a feature it inherits.",
    ),
    # pricegen analyze; see spec/review.md and spec/limits.md
    Rule(
        "ANALYZE_TOO_COMPLEX",
        "analyze",
        _E,
        "analyze answers within its bounds of work and memory (spec/limits.md), "
        "or stops and says which it met.",
    ),
    # Scenarios files (pricegen quote --scenarios, the pytest plugin); see spec/scenarios.md
    Rule(
        "SCENARIO_SCHEMA",
        "scenarios",
        _E,
        "A scenarios file matches its JSON Schema (scenarios.schema.json).",
    ),
    Rule(
        "SCENARIO_NAME_DUPLICATE",
        "scenarios",
        _E,
        "Scenario names, written or generated by a matrix, are unique.",
    ),
    Rule(
        "SCENARIO_PLAN_MISSING",
        "scenarios",
        _E,
        "Every scenario names a plan, itself or through defaults.",
    ),
    Rule("SCENARIO_PLAN_UNKNOWN", "scenarios", _E, "Scenarios name plans the catalog declares."),
    Rule(
        "SCENARIO_PLAN_NOT_QUOTABLE",
        "scenarios",
        _E,
        "Scenarios quote plans with a list price that sell to new customers (or set existing).",
    ),
    Rule(
        "SCENARIO_PERIOD_NOT_SOLD",
        "scenarios",
        _E,
        "A scenario's billing period is one its plan sells.",
    ),
    Rule("SCENARIO_CURRENCY_UNKNOWN", "scenarios", _E, "Scenarios use the product's currencies."),
    Rule(
        "SCENARIO_FEATURE_UNKNOWN",
        "scenarios",
        _E,
        "Quantities and usage name features the catalog declares.",
    ),
    Rule(
        "SCENARIO_FEATURE_NOT_METERED",
        "scenarios",
        _E,
        "Quantities and usage are given for metered features.",
    ),
    Rule(
        "SCENARIO_QUANTITY_MISSING",
        "scenarios",
        _E,
        "A scenario gives a quantity for each feature its plan sells in advance.",
    ),
    Rule(
        "SCENARIO_QUANTITY_NOT_SOLD",
        "scenarios",
        _E,
        "A scenario's own quantities name features its plan sells in advance.",
    ),
    Rule("SCENARIO_ADDON_UNKNOWN", "scenarios", _E, "Scenarios name add-ons the catalog declares."),
    Rule(
        "SCENARIO_ADDON_NOT_COMPATIBLE",
        "scenarios",
        _E,
        "A scenario's add-ons are compatible with its plan.",
    ),
    Rule(
        "SCENARIO_TRIAL_NONE", "scenarios", _E, "Only plans that offer a trial are quoted in trial."
    ),
    Rule(
        "SCENARIO_ENVIRONMENT_MISMATCH",
        "scenarios",
        _E,
        "A scenarios file's environment is the one its evaluator was generated for.",
    ),
)

# The SQL target (pricegen sql, pricegen rate, sql/rating.sql); see spec/sql.md. The rule
# is the target's, not the language's: the catalog is valid, and every other output is
# written; only SQL's DECIMAL(38) cannot price it exactly.
RULES += (
    Rule(
        "SQL_DECIMAL_OVERFLOW",
        "sql",
        _E,
        "Every price, line and total fits SQL's DECIMAL(38) at 10^15 units, so SQL rates exactly.",
    ),
)

BY_ID = {rule.id: rule for rule in RULES}


def purpose(rule_id: str) -> str:
    return BY_ID[rule_id].purpose
