"""The lint rules: data (id, category, default severity, purpose, example) plus a check.

Rules are data so that ``pricegen rules``, ``pricegen lint --list-rules``,
the tests (one catalog per rule under ``tests/cases/lint/``) and the
configuration all read one list. The compiler's warnings (``pricegen.rules``)
are configurable here too; its errors are not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, Severity
from ..rules import RULES
from .addons import addon_dominated, addon_identical, adds_nothing, never_bought
from .checks import (
    addon_unsellable,
    description_missing,
    feature_unused,
    free_by_omission,
    no_annual_discount,
    price_finer_than_minor_unit,
    tier_rising,
)
from .context import Context
from .ladder import plan_dominated, plan_identical, price_inversion

LEVELS = ("error", "warning", "off")


@dataclass(frozen=True)
class LintRule:
    """One rule; ``check`` is None for a rule the configuration itself reports."""

    id: str
    category: str
    severity: Severity
    purpose: str
    example: str  # catalog YAML that triggers the rule
    check: Callable[[Context], Iterable[Diagnostic]] | None = field(
        default=None, compare=False, repr=False
    )


_W = Severity.WARNING

LINT_RULES: tuple[LintRule, ...] = (
    LintRule(
        "FEATURE_UNUSED", "catalog", _W,
        "A feature is granted or charged by a published plan or add-on.",
        "features: {sso: {name: SSO, type: boolean}}  # and no published plan or add-on grants sso",
        feature_unused,
    ),
    LintRule(
        "ADDON_UNSELLABLE", "catalog", _W,
        "A published add-on is compatible with at least one published plan.",
        "addons: {extra: {name: Extra, plans: [classic], price: 5}}  # classic is archived",
        addon_unsellable,
    ),
    LintRule(
        "ADDON_NEVER_BOUGHT", "addons", _W,
        "A published add-on is in some valid subscription: its requires can all be bought "
        "together with one of its plans.",
        "addons: {a: {name: A, plans: [pro], price: 5, requires: [b]},"
        " b: {name: B, plans: [pro], price: 5, requires: [c]},"
        " c: {name: C, plans: [pro], price: 5, excludes: [a]}}",
        never_bought,
    ),
    LintRule(
        "ADDON_IDENTICAL", "addons", _W,
        "No two published add-ons give the same with the same plans for the same price.",
        "addons: {sso: {name: SSO, plans: [pro], price: 9, entitlements: {sso: true}},"
        " saml: {name: SAML, plans: [pro], price: 9, entitlements: {sso: true}}}",
        addon_identical,
    ),
    LintRule(
        "ADDON_DOMINATED", "addons", _W,
        "No published add-on gives no more than another sold with the same plans and costs "
        "at least as much everywhere.",
        "addons: {small: {name: S, plans: [pro], price: 9, entitlements: {seats: {limit: 5}}},"
        " big: {name: B, plans: [pro], price: 8, entitlements: {seats: {limit: 10}}}}",
        addon_dominated,
    ),
    LintRule(
        "ADDON_ADDS_NOTHING", "addons", _W,
        "An add-on improves each plan it is sold with: some grant is more generous than "
        "the plan's own.",
        "plans: {pro: {name: Pro, price: 29, entitlements: {sso: true}}}, "
        "addons: {sso-pack: {name: SSO, plans: [pro], price: 9, entitlements: {sso: true}}}",
        adds_nothing,
    ),
    LintRule(
        "PLAN_IDENTICAL", "ladder", _W,
        "No two published plans give the same for the same price.",
        "plans: {a: {name: A, price: 9, entitlements: {seats: 5}},"
        " b: {name: B, price: 9, entitlements: {seats: 5}}}",
        plan_identical,
    ),
    LintRule(
        "PLAN_DOMINATED", "ladder", _W,
        "No published plan gives no more than another and costs at least as much everywhere.",
        "plans: {a: {name: A, price: 20, entitlements: {seats: 5}},"
        " b: {name: B, price: 10, entitlements: {seats: 10}}}",
        plan_dominated,
    ),
    LintRule(
        "PLAN_PRICE_INVERSION", "ladder", _W,
        "A plan costs at least what the plan it extends costs.",
        "plans: {pro: {name: Pro, price: 29}, team: {name: Team, extends: pro, price: 19}}",
        price_inversion,
    ),
    LintRule(
        "PRICE_NO_ANNUAL_DISCOUNT", "price", _W,
        "An annual price is less than 12 × the monthly price.",
        "price: {monthly: 10, annual: 120}",
        no_annual_discount,
    ),
    LintRule(
        "PRICE_FINER_THAN_MINOR_UNIT", "price", _W,
        "An amount billed as written (a plan's price, a flat charge, a tier's flat fee, a "
        "stairstep's price, a once-only add-on) fits the currency's minor unit.",
        "price: {monthly: {USD: 25.001}}  # every quote bills USD 25.00",
        price_finer_than_minor_unit,
    ),
    LintRule(
        "TIER_PRICE_RISING", "price", _W,
        "Per-unit tier prices do not rise with volume.",
        "tiers: [{up_to: 10, unit_price: 5}, {unit_price: 6}]",
        tier_rising,
    ),
    LintRule(
        "PLAN_FREE_BY_OMISSION", "price", _W,
        "A plan other than the default states its price, even when it is 0.",
        "plans: {team: {name: Team, entitlements: {sso: true}}}  # no price or charges",
        free_by_omission,
    ),
    LintRule(
        "PLAN_DESCRIPTION_MISSING", "docs", _W,
        "A published plan has a description.",
        "plans: {pro: {name: Pro, price: 29}}  # no description",
        description_missing,
    ),
    LintRule(
        "LINT_CONFIG_INVALID", "config", Severity.ERROR,
        "The lint section names rules that exist and can be configured.",
        "lint: {disable: [NO_SUCH_RULE]}",
        None,
    ),
)  # fmt: skip

LINT_BY_ID = {rule.id: rule for rule in LINT_RULES}
# The compiler's warnings are configurable here too; its errors are not.
CONFIGURABLE = {r.id for r in LINT_RULES if r.check is not None} | {
    r.id for r in RULES if r.severity is Severity.WARNING
}
