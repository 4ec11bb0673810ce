"""Lint: pricing mistakes that compile fine, as rules over the resolved model.

Each rule is data (id, category, default severity, one-line purpose and an
example that triggers it) plus a check over the resolved :class:`Catalog`
that yields diagnostics placed at the model's ``loc`` fields, or deeper when
the sources have the key. ``pricegen lint`` also reports the compiler's own
warnings (such as ``PLAN_LIMIT_LOWERED``, a child plan lowering a limit it
inherits), so every warning can be configured in one place:

```yaml
lint:
  disable: [PLAN_DESCRIPTION_MISSING]
  severity: {PRICE_NO_ANNUAL_DISCOUNT: error, FEATURE_UNUSED: off}
```

and on the command line with ``--disable RULE`` and ``--severity RULE=LEVEL``,
which win over the catalog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from . import analyze
from .diagnostics import Diagnostic, Location, Severity, did_you_mean, error, warning
from .model import Addon, Catalog, Charge, Entitlement, Plan
from .money import text
from .rules import RULES
from .source import SourceFile

LEVELS = ("error", "warning", "off")


@dataclass(frozen=True)
class LintRule:
    id: str
    category: str
    severity: Severity
    purpose: str
    example: str  # catalog YAML that triggers the rule
    check: Callable[[_Context], Iterable[Diagnostic]] | None = field(
        default=None, compare=False, repr=False
    )


# -- where things are ------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    catalog: Catalog
    sources: dict[str, SourceFile]
    cache: dict = field(default_factory=dict, compare=False)

    def at(self, loc: Location, section: str, item: str, *path) -> Location:
        """The key of ``section.item.path`` in the file of ``loc``, or of its deepest
        existing parent."""
        source = self.sources.get(loc.path)
        return loc if source is None else source.locate((section, item, *path), key=True)

    def plan_at(self, plan: Plan, *path) -> Location:
        return self.at(plan.loc, "plans", plan.id, *path)

    def addon_at(self, addon: Addon, *path) -> Location:
        return self.at(addon.loc, "addons", addon.id, *path)

    @property
    def published(self) -> list[Plan]:
        return [p for p in self.catalog.plans.values() if p.status == "published"]


def _names(ids: Iterable[str]) -> str:
    return ", ".join(f'"{i}"' for i in ids)


# -- catalog ---------------------------------------------------------------------------


def _feature_unused(ctx: _Context) -> Iterator[Diagnostic]:
    used: set[str] = set()
    for plan in ctx.published:
        used.update(plan.entitlements)
        used.update(c.feature for c in plan.charges)
    for addon in ctx.catalog.addons.values():
        if addon.status == "published":
            used.update(e.feature for e in addon.entitlements.values() if e.granted)
    for feature in ctx.catalog.features.values():
        if feature.id not in used:
            yield warning(
                feature.loc,
                "FEATURE_UNUSED",
                f'Feature "{feature.id}" is in no published plan or add-on; expected it to be '
                "granted or charged somewhere, or removed.",
            )


def _addon_unsellable(ctx: _Context) -> Iterator[Diagnostic]:
    for addon in ctx.catalog.addons.values():
        if addon.status != "published":
            continue
        statuses = {
            pid: ctx.catalog.plans[pid].status for pid in addon.plans if pid in ctx.catalog.plans
        }
        if "published" not in statuses.values():
            shown = ", ".join(f'"{pid}" is {status}' for pid, status in statuses.items())
            yield warning(
                ctx.addon_at(addon, "plans"),
                "ADDON_UNSELLABLE",
                f'Add-on "{addon.id}" is compatible with no published plan ({shown}); '
                "expected at least one published plan in its plans.",
            )


# -- the ladder ------------------------------------------------------------------------


def _comparable(ctx: _Context) -> list[Plan]:
    return [p for p in ctx.published if not p.custom]


def _identical_and_dominated(ctx: _Context) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Both ladder comparisons come from one pass over the pairs of plans."""
    if "ladder" in ctx.cache:
        return ctx.cache["ladder"]
    plans = _comparable(ctx)
    identical, dominated, reported = [], [], set()
    for i, a in enumerate(plans):
        for b in plans[i + 1 :]:
            ab, ba = dominates(ctx.catalog, b, a), dominates(ctx.catalog, a, b)
            if ab and ba:
                identical.append(warning(ctx.plan_at(b), "PLAN_IDENTICAL", _identical(b, a)))
                continue
            for loser, winner, yes in ((a, b, ab), (b, a, ba)):
                if yes and loser.id not in reported:
                    reported.add(loser.id)
                    where = ctx.plan_at(loser)
                    dominated.append(warning(where, "PLAN_DOMINATED", _dominated(loser, winner)))
    ctx.cache["ladder"] = identical, dominated
    return identical, dominated


def _identical(plan: Plan, same: Plan) -> str:
    return (
        f'Plan "{plan.id}" gives the same as "{same.id}" for the same price in every '
        "period and currency; expected plans that differ, or one of them archived."
    )


def _dominated(loser: Plan, winner: Plan) -> str:
    return (
        f'Plan "{loser.id}" gives no more than "{winner.id}" and costs at least as much in '
        "every period and currency, so nobody should buy it; expected it to give more or "
        "cost less."
    )


def _plan_identical(ctx: _Context) -> list[Diagnostic]:
    return _identical_and_dominated(ctx)[0]


def _plan_dominated(ctx: _Context) -> list[Diagnostic]:
    return _identical_and_dominated(ctx)[1]


def dominates(catalog: Catalog, b: Plan, a: Plan) -> bool:
    """Does ``b`` give at least what ``a`` gives, for no more money, whatever is bought?"""
    if not set(a.billing_periods) <= set(b.billing_periods):
        return False
    addons_a = [x for x in catalog.addons.values() if a.id in x.plans and x.status == "published"]
    if any(b.id not in x.plans for x in addons_a):
        return False
    matched = _gives_at_least(b, a)
    if matched is None:
        return False
    return all(
        _never_dearer(catalog, b, a, matched, period, currency)
        for period in a.billing_periods
        for currency in catalog.product.currencies
    )


def _advance(plan: Plan) -> dict[str, Charge]:
    return {c.feature: c for c in plan.charges if c.billing == "in_advance"}


def _arrears(plan: Plan) -> dict[str, Charge]:
    return {c.feature: c for c in plan.charges if c.billing == "in_arrears"}


def _gives_at_least(b: Plan, a: Plan) -> dict[str, int] | None:
    """None unless ``b`` grants at least ``a``'s grants; else the in-advance
    quantities ``b`` must buy to match ``a``'s fixed limits."""
    bought_a, bought_b = _advance(a), _advance(b)
    matched: dict[str, int] = {}
    for fid in {*a.entitlements, *bought_a}:
        ea, eb = a.entitlements.get(fid), b.entitlements.get(fid)
        if fid in bought_a:
            if fid not in bought_b and not (eb is not None and eb.unlimited):
                return None
            continue
        if fid in bought_b:  # b buys what a grants outright: it must buy a's limit
            if ea.unlimited or ea.limit is None or ea.soft:
                return None
            matched[fid] = ea.limit
            continue
        if eb is None or not _ent_at_least(eb, ea):
            return None
    return matched


def _ent_at_least(b: Entitlement, a: Entitlement) -> bool:
    if a.variable or b.variable:
        return False
    if a.type == "enum":
        return set(a.values) <= set(b.values)
    if a.type == "config":
        return a.value is None or (b.value is not None and b.value >= a.value)
    if a.type == "metered":
        if b.unlimited:
            return True
        if a.unlimited or a.reset != b.reset or (a.soft and not b.soft):
            return False
        return (b.limit or 0) >= (a.limit or 0)
    return True


def _usage_bound(plan: Plan, fid: str, period: str) -> int | None:
    """The most ``plan`` lets a customer use of ``fid`` in one billing period, if it says."""
    ent = plan.entitlements.get(fid)
    if ent is None:
        return 0
    if ent.unlimited or ent.soft or ent.limit is None:
        return None
    return (
        ent.limit
        if ent.reset in (None, {"monthly": "month", "annual": "year"}.get(period))
        else None
    )


def _never_dearer(catalog, b: Plan, a: Plan, matched: dict, period: str, currency: str) -> bool:
    """min over every quantity and usage of cost(a) - cost(b) ≥ 0; the terms are separable."""
    base_a = analyze.price_of(a.price, period, currency)
    base_b = analyze.price_of(b.price, period, currency)
    if base_a is None or base_b is None:
        return False
    total = base_a - base_b
    adv_a, adv_b, arr_a, arr_b = _advance(a), _advance(b), _arrears(a), _arrears(b)
    for fid, q in matched.items():
        amount = analyze.charge_amount(adv_b[fid], q, period, currency)
        if amount is None:
            return False
        total -= amount
        adv_b = {k: v for k, v in adv_b.items() if k != fid}
    for fid in {*adv_a, *adv_b}:
        if (fid in arr_a) or (fid in arr_b):
            return False
        diff = analyze.charge_difference(adv_a.get(fid), adv_b.get(fid), period, currency)
        if diff.refused_at is not None:
            return False
        total += diff.lowest
    for fid in {*arr_a, *arr_b}:
        upper = _usage_bound(a, fid, period)
        diff = analyze.charge_difference(arr_a.get(fid), arr_b.get(fid), period, currency, upper)
        if diff.refused_at is not None:
            return False
        total += diff.lowest
    return total >= 0


def _price_inversion(ctx: _Context) -> Iterator[Diagnostic]:
    catalog = ctx.catalog
    for plan in _comparable(ctx):
        parent = _priced_ancestor(catalog, plan)
        if parent is None:
            continue
        for period in plan.billing_periods:
            if period not in parent.billing_periods:
                continue
            cheaper = []
            for currency in catalog.product.currencies:
                child = _entry(catalog, plan, period, currency)
                above = _entry(catalog, parent, period, currency)
                if child is not None and above is not None and child < above:
                    cheaper.append(f"{currency} {text(child)} < {text(above)}")
            if cheaper:
                yield warning(
                    ctx.plan_at(plan, "price", period) if plan.price else ctx.plan_at(plan),
                    "PLAN_PRICE_INVERSION",
                    f'Plan "{plan.id}" extends "{parent.id}" but costs less {period} '
                    f"({'; '.join(cheaper)}, at 1 unit of each quantity and no usage); "
                    "expected a plan to cost at least what the plan it extends costs.",
                )


def _priced_ancestor(catalog: Catalog, plan: Plan) -> Plan | None:
    for pid in plan.ancestors:
        ancestor = catalog.plans[pid]
        if ancestor.status == "published" and not ancestor.custom:
            return ancestor
    return None


def _entry(catalog: Catalog, plan: Plan, period: str, currency: str) -> Decimal | None:
    quantities = {c.feature: 1 for c in plan.charges if c.billing == "in_advance"}
    return analyze.plan_lines(catalog, plan, period, currency, quantities, {})


# -- prices ----------------------------------------------------------------------------


def _price_fields(plan_or_addon) -> Iterator[tuple[tuple, object]]:
    """(path, price) of every price an item states, for locating and comparing."""
    yield ("price",), plan_or_addon.price
    for charge in getattr(plan_or_addon, "charges", ()):
        base = ("charges", charge.feature)
        for name in ("price", "unit_price", "block_price"):
            yield (*base, name), getattr(charge, name)
        for i, tier in enumerate(charge.tiers):
            for name in ("unit_price", "flat_price", "price"):
                yield (*base, "tiers", i, name), getattr(tier, name)


def dotted(path: tuple) -> str:
    """("charges", "seats", "tiers", 0, "unit_price") -> charges.seats.tiers[0].unit_price"""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def _no_annual_discount(ctx: _Context) -> Iterator[Diagnostic]:
    items = [(p, ctx.plan_at, "Plan") for p in ctx.catalog.plans.values() if p.status != "archived"]
    items += [
        (a, ctx.addon_at, "Add-on") for a in ctx.catalog.addons.values() if a.status != "archived"
    ]
    for item, at, noun in items:
        for path, price in _price_fields(item):
            if not price or "monthly" not in price or "annual" not in price:
                continue
            flat = [
                f"{c} {text(price['annual'][c])} ≥ 12 × {text(m)}"
                for c, m in price["monthly"].items()
                if m > 0 and c in price["annual"] and price["annual"][c] >= 12 * m
            ]
            if flat:
                where = dotted(path)
                yield warning(
                    at(item, *path, "annual"),
                    "PRICE_NO_ANNUAL_DISCOUNT",
                    f'{noun} "{item.id}" {where}: the annual price is at least 12 × the monthly '
                    f"price ({'; '.join(flat)}); expected a discount for paying a year ahead.",
                )


def _tier_rising(ctx: _Context) -> Iterator[Diagnostic]:
    for plan in ctx.catalog.plans.values():
        for charge in plan.charges:
            if charge.model not in ("graduated", "volume"):
                continue
            for i in range(1, len(charge.tiers)):
                lower, upper = charge.tiers[i - 1].unit_price, charge.tiers[i].unit_price
                rises = [
                    f"{period} {c} {text(lower[period][c])} → {text(v)}"
                    for period, money in (upper or {}).items()
                    for c, v in money.items()
                    if lower and v > lower.get(period, {}).get(c, v)
                ]
                if rises:
                    yield warning(
                        ctx.plan_at(plan, "charges", charge.feature, "tiers", i, "unit_price"),
                        "TIER_PRICE_RISING",
                        f'Plan "{plan.id}" charges more per unit of "{charge.feature}" in '
                        f"tier {i + 1} than in tier {i} ({'; '.join(rises)}); expected unit "
                        "prices that fall or stay as volume grows.",
                    )


def _free_by_omission(ctx: _Context) -> Iterator[Diagnostic]:
    for plan in ctx.catalog.plans.values():
        if plan.is_free and not plan.default and plan.status != "archived":
            yield warning(
                ctx.plan_at(plan),
                "PLAN_FREE_BY_OMISSION",
                f'Plan "{plan.id}" has neither price nor charges, so it is free by omission; '
                "expected a price, or an explicit price of 0 if it is meant to be free.",
            )


def _description_missing(ctx: _Context) -> Iterator[Diagnostic]:
    for plan in ctx.published:
        if not plan.description.strip():
            yield warning(
                ctx.plan_at(plan),
                "PLAN_DESCRIPTION_MISSING",
                f'Published plan "{plan.id}" has no description; expected one sentence for the '
                "pricing page and the docs.",
            )


# -- the registry ----------------------------------------------------------------------

_W = Severity.WARNING

LINT_RULES: tuple[LintRule, ...] = (
    LintRule(
        "FEATURE_UNUSED", "catalog", _W,
        "A feature is granted or charged by a published plan or add-on.",
        "features: {sso: {name: SSO, type: boolean}}  # and no published plan or add-on grants sso",
        _feature_unused,
    ),
    LintRule(
        "ADDON_UNSELLABLE", "catalog", _W,
        "A published add-on is compatible with at least one published plan.",
        "addons: {extra: {name: Extra, plans: [classic], price: 5}}  # classic is archived",
        _addon_unsellable,
    ),
    LintRule(
        "PLAN_IDENTICAL", "ladder", _W,
        "No two published plans give the same for the same price.",
        "plans: {a: {name: A, price: 9, entitlements: {seats: 5}},"
        " b: {name: B, price: 9, entitlements: {seats: 5}}}",
        _plan_identical,
    ),
    LintRule(
        "PLAN_DOMINATED", "ladder", _W,
        "No published plan gives no more than another and costs at least as much everywhere.",
        "plans: {a: {name: A, price: 20, entitlements: {seats: 5}},"
        " b: {name: B, price: 10, entitlements: {seats: 10}}}",
        _plan_dominated,
    ),
    LintRule(
        "PLAN_PRICE_INVERSION", "ladder", _W,
        "A plan costs at least what the plan it extends costs.",
        "plans: {pro: {name: Pro, price: 29}, team: {name: Team, extends: pro, price: 19}}",
        _price_inversion,
    ),
    LintRule(
        "PRICE_NO_ANNUAL_DISCOUNT", "price", _W,
        "An annual price is less than 12 × the monthly price.",
        "price: {monthly: 10, annual: 120}",
        _no_annual_discount,
    ),
    LintRule(
        "TIER_PRICE_RISING", "price", _W,
        "Per-unit tier prices do not rise with volume.",
        "tiers: [{up_to: 10, unit_price: 5}, {unit_price: 6}]",
        _tier_rising,
    ),
    LintRule(
        "PLAN_FREE_BY_OMISSION", "price", _W,
        "A plan other than the default states its price, even when it is 0.",
        "plans: {team: {name: Team, entitlements: {sso: true}}}  # no price or charges",
        _free_by_omission,
    ),
    LintRule(
        "PLAN_DESCRIPTION_MISSING", "docs", _W,
        "A published plan has a description.",
        "plans: {pro: {name: Pro, price: 29}}  # no description",
        _description_missing,
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


# -- configuration ---------------------------------------------------------------------


@dataclass(frozen=True)
class LintConfig:
    """Severity overrides by rule id: ``error``, ``warning`` or ``off``."""

    levels: dict[str, str] = field(default_factory=dict)

    def merged(self, other: dict[str, str]) -> LintConfig:
        return LintConfig({**self.levels, **other})


def config_problem(rule_id: str) -> str | None:
    """Why ``rule_id`` cannot be configured, or None."""
    if rule_id in CONFIGURABLE:
        return None
    if any(r.id == rule_id for r in RULES) or rule_id == "LINT_CONFIG_INVALID":
        return f'"{rule_id}" is an error, not a warning, and cannot be configured.'
    return f'Unknown lint rule "{rule_id}"{did_you_mean(rule_id, CONFIGURABLE, "rules")}'


def _sentence(problem: str) -> str:
    return problem if problem.endswith((".", "?")) else problem + "."


def catalog_config(sources: Iterable[SourceFile]) -> tuple[LintConfig, list[Diagnostic]]:
    """The ``lint:`` sections of every file, in path order (a later file wins)."""
    levels: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for source in sources:
        section = source.data.get("lint") if isinstance(source.data, dict) else None
        if not section:
            continue
        for i, rule_id in enumerate(section.get("disable") or ()):
            _configure(source, ("lint", "disable", i), rule_id, "off", levels, problems)
        for rule_id, level in (section.get("severity") or {}).items():
            _configure(source, ("lint", "severity", rule_id), rule_id, level, levels, problems)
    return LintConfig(levels), problems


def _configure(source, path, rule_id, level, levels, problems) -> None:
    problem = config_problem(rule_id)
    if problem:
        problems.append(
            error(source.locate(path, key=True), "LINT_CONFIG_INVALID", _sentence(problem))
        )
    else:
        levels[rule_id] = level


def apply(diagnostics: Iterable[Diagnostic], config: LintConfig) -> list[Diagnostic]:
    """Drop what is off and set severities; errors of the compiler stay as they are."""
    result = []
    for d in diagnostics:
        level = config.levels.get(d.rule) if d.rule in CONFIGURABLE else None
        if level == "off":
            continue
        if level is not None:
            d = Diagnostic(d.path, d.line, d.col, d.rule, d.message, Severity(level))
        result.append(d)
    return result


# -- running ---------------------------------------------------------------------------


def lint(
    catalog: Catalog,
    sources: Iterable[SourceFile] = (),
    compile_warnings: Iterable[Diagnostic] = (),
    overrides: dict[str, str] | None = None,
) -> list[Diagnostic]:
    """Every finding for ``catalog``, configured by its ``lint:`` sections and ``overrides``."""
    sources = list(sources)
    config, problems = catalog_config(sources)
    config = config.merged(overrides or {})
    ctx = _Context(catalog, {s.path: s for s in sources})
    findings = list(compile_warnings)
    for rule in LINT_RULES:
        if rule.check is not None and config.levels.get(rule.id) != "off":
            findings.extend(rule.check(ctx))
    return problems + apply(findings, config)
