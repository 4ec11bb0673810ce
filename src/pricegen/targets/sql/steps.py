"""The fixed steps of the rating query, as SQL text that sqlglot parses.

No catalog text is ever formatted into these strings: only the decimal
types and the rounding expression, which this module computes from
numbers. The catalog's data comes from the ``pricegen_*`` tables, and the
default currency from the ``:default_currency`` placeholder, which sqlglot
fills in as a literal.

The steps are in three modules, by what they do: here the subscriptions and
the charge lines, and the list of every step in the order they run; in
:mod:`.step_refusals` the checks that refuse a subscription, ranked in the
evaluator's order; in :mod:`.step_outputs` the lines and the four outputs.

Arithmetic never sees a value it could overflow on: units are computed only
for quantities within the bound, add-on amounts only within max_quantity.
"""

from __future__ import annotations

from .sheets import MAX_UNITS
from .step_outputs import (
    ADDON_LINES,
    GRANTS,
    INVOICE_LINES,
    INVOICES,
    LIMITS,
    USAGE_STATUS,
    lines_sql,
)
from .step_refusals import ADDON_GRANTS, CANDIDATES, FEATURE_CHECKS, REJECTIONS


def round_money(x: str, rounding: str) -> str:
    """``x`` (>= 0) rounded to the currency's minor unit, with FLOOR and CEIL only.

    Dialects disagree on ROUND (half away from zero, half even, or by the
    type), so the modes are spelled out: ``factor`` is 10^minor units and
    ``unit`` its inverse, both columns of pricegen_currencies in scope.
    """
    y = f"(({x}) * factor)"
    if rounding == "down":
        whole = f"FLOOR({y})"
    elif rounding == "up":
        whole = f"CEIL({y})"
    elif rounding == "half_up":
        whole = f"FLOOR({y} + 0.5)"
    else:  # half_even: ties go to the even neighbour
        whole = (
            f"(FLOOR({y}) + CASE WHEN {y} - FLOOR({y}) > 0.5 OR ({y} - FLOOR({y}) = 0.5 "
            f"AND FLOOR({y}) % 2 = 1) THEN 1 ELSE 0 END)"
        )
    return f"({whole} * unit)"


def _bad(column: str) -> str:
    """1 when a quantity is no whole number of at least 0 (NULL, negative or fractional)."""
    return (
        f"MAX(CASE WHEN {column} IS NULL OR {column} < 0 OR {column} <> FLOOR({column}) "
        "THEN 1 ELSE 0 END)"
    )


# The steps several later ones read: pricegen rate makes them tables, computed once.
MATERIALIZED = {
    "pricegen_subscriptions",
    "pricegen_addon_rows",
    "pricegen_feature_rows",
    "pricegen_charge_amounts",
    "pricegen_trial_spend",
    "rejections",
    "invoice_lines",
    "pricegen_limits",
}


def step_queries(types: dict[str, str], rounding: str) -> list[tuple[str, str]]:
    """(view name, SQL) of every step after the catalog's tables, in order."""
    t = types
    rnd = lambda x: round_money(x, rounding)  # noqa: E731
    return [
        ("pricegen_subscriptions", _SUBSCRIPTIONS),
        ("pricegen_addon_rows", _addon_rows(t)),
        ("pricegen_feature_rows", _feature_rows(t)),
        ("pricegen_usage_rows", _USAGE_ROWS),
        ("pricegen_addon_grants", ADDON_GRANTS),
        ("pricegen_feature_checks", FEATURE_CHECKS),
        ("pricegen_charge_units", _charge_units(t)),
        ("pricegen_charge_amounts", _charge_amounts(t, rnd)),
        ("pricegen_trial_spend", _TRIAL_SPEND),
        ("pricegen_grants", GRANTS),
        ("pricegen_limits", LIMITS),
        ("pricegen_candidates", CANDIDATES),
        ("rejections", REJECTIONS),
        ("pricegen_addon_lines", ADDON_LINES),
        ("pricegen_lines", lines_sql(t, rnd)),
        ("invoice_lines", INVOICE_LINES.format(amount=t["amount"])),
        ("invoices", INVOICES),
        ("usage_status", USAGE_STATUS),
    ]


# The subscription as the evaluator reads it: defaults filled in, the first problem named.
# Two problems come before the evaluator's own, from the input table rather than the
# subscription: a row without an id, and an id on several rows (rating each would bill the
# id twice): neither is priced.
_SUBSCRIPTIONS = """
SELECT
  s.subscription_id,
  s.plan,
  s.plan_key,
  c.currency,
  s.period_sold AS period,
  s.trial,
  s.existing,
  c.factor,
  c.unit,
  pr.sheet,
  pr.price,
  CASE
    WHEN s.subscription_id IS NULL THEN 'MissingSubscriptionIdError'
    WHEN s.duplicate THEN 'DuplicateSubscriptionError'
    WHEN s.plan IS NULL THEN 'InvalidArgumentError'
    WHEN s.status IS NULL THEN 'UnknownPlanError'
    WHEN s.trial AND NOT s.has_trial THEN 'TrialNotOfferedError'
    WHEN s.custom THEN 'PlanNotQuotableError'
    WHEN s.status = 'archived' AND NOT s.existing THEN 'PlanArchivedError'
    WHEN s.status = 'draft' AND NOT s.existing THEN 'PlanNotQuotableError'
    WHEN c.currency IS NULL THEN 'UnknownCurrencyError'
    WHEN pp.period IS NULL THEN 'UnknownPeriodError'
  END AS problem
FROM (
  SELECT
    x.subscription_id,
    x.plan,
    COALESCE(x.currency, :default_currency) AS currency_asked,
    COALESCE(x.period, p.first_period) AS period_sold,
    COALESCE(x.trial, FALSE) AS trial,
    COALESCE(x.existing, FALSE) AS existing,
    p.plan_key,
    p.status,
    p.custom,
    p.has_trial,
    d.subscription_id IS NOT NULL AS duplicate
  FROM subscriptions AS x
  LEFT JOIN pricegen_plans AS p ON p.plan = x.plan
  LEFT JOIN (
    SELECT subscription_id FROM subscriptions GROUP BY subscription_id HAVING COUNT(*) > 1
  ) AS d ON d.subscription_id = x.subscription_id
) AS s
LEFT JOIN pricegen_currencies AS c ON c.currency = s.currency_asked
LEFT JOIN pricegen_plan_periods AS pp ON pp.plan = s.plan AND pp.period = s.period_sold
LEFT JOIN pricegen_plan_prices AS pr
  ON pr.plan = s.plan AND pr.period = s.period_sold AND pr.currency = c.currency
"""


def _feature_rows(t: dict[str, str]) -> str:
    """Quantities bought in advance and usage, each summed per subscription and feature,
    as one table (``advance`` says which): charges find theirs with one join."""
    return f"""
SELECT subscription_id, feature, TRUE AS advance,
  SUM(CAST(quantity AS {t["count"]})) AS quantity, {_bad("quantity")} AS bad
FROM subscription_quantities
GROUP BY subscription_id, feature
UNION ALL
SELECT subscription_id, feature, FALSE AS advance,
  SUM(CAST(quantity AS {t["count"]})) AS quantity, {_bad("quantity")} AS bad
FROM usage
GROUP BY subscription_id, feature
"""


# The usage of pricegen_feature_rows, which the limits of usage_status read.
_USAGE_ROWS = """
SELECT subscription_id, feature, quantity, bad
FROM pricegen_feature_rows
WHERE NOT advance
"""


def _addon_rows(t: dict[str, str]) -> str:
    return f"""
SELECT
  r.subscription_id,
  r.addon,
  r.quantity,
  r.bad,
  x.addon IS NOT NULL AS known,
  x.item,
  x.position,
  x.max_quantity,
  x.archived,
  ap.plan IS NOT NULL AS compatible,
  s.existing,
  s.period,
  s.currency,
  s.plan_key,
  s.problem IS NULL AS priced
FROM (
  SELECT
    subscription_id,
    addon,
    SUM(CAST(quantity AS {t["count"]})) AS quantity,
    {_bad("quantity")} AS bad
  FROM subscription_addons
  GROUP BY subscription_id, addon
) AS r
JOIN pricegen_subscriptions AS s ON s.subscription_id = r.subscription_id
LEFT JOIN pricegen_addons AS x ON x.addon = r.addon
LEFT JOIN pricegen_addon_plans AS ap ON ap.addon = r.addon AND ap.plan = s.plan
"""


def _charge_units(t: dict[str, str]) -> str:
    """Each charge of each priced subscription's plan, with its quantity and billable
    units: read once, by pricegen_charge_amounts, so it stays a view."""
    return f"""
SELECT
  b.*,
  (b.blocked - b.blocked % b.block) // b.block AS units
FROM (
SELECT
  q.*,
  CASE
    WHEN NOT q.missing AND q.bad = 0 AND q.quantity <= {MAX_UNITS}
    THEN CAST(q.billable AS BIGINT) + q.block_add
  END AS blocked
FROM (
  SELECT
    s.subscription_id,
    s.plan_key,
    s.sheet,
    s.currency,
    s.trial,
    s.factor,
    s.unit,
    ch.feature,
    ch.position,
    ch.in_advance,
    ch.block,
    ch.block_add,
    CASE WHEN ch.in_advance THEN r.quantity ELSE COALESCE(r.quantity, 0) END AS quantity,
    ch.in_advance AND r.subscription_id IS NULL AS missing,
    COALESCE(r.bad, 0) AS bad,
    CASE
      WHEN ch.in_advance THEN GREATEST(r.quantity - ch.included, 0)
      ELSE GREATEST(COALESCE(r.quantity, 0) - ch.included, 0)
    END AS billable
  FROM pricegen_subscriptions AS s
  JOIN pricegen_charges AS ch ON ch.plan_key = s.plan_key
  LEFT JOIN pricegen_feature_rows AS r
    ON r.subscription_id = s.subscription_id
    AND r.feature = ch.feature
    AND r.advance = ch.in_advance
  WHERE s.problem IS NULL
) AS q
) AS b
"""


def _charge_amounts(t: dict[str, str], rnd) -> str:
    """Each charge line: its amount (the one tier its units fall in, rounded once) and
    the reason quote() would refuse it for, if any. Only what later steps read is kept:
    this table has a row per charge of every priced subscription."""
    exact = (
        f"CAST(tr.base + CAST(u.units - tr.tier_offset AS {t['units']}) * tr.unit_price"
        f" AS {t['line']})"
    )
    return f"""
SELECT
  u.subscription_id,
  u.plan_key,
  u.sheet,
  u.currency,
  u.trial,
  u.feature,
  u.position,
  u.in_advance,
  u.quantity,
  u.missing,
  CASE
    WHEN u.missing THEN 'QuantityMissingError'
    WHEN u.bad = 1 THEN 'InvalidQuantityError'
    WHEN u.quantity > {MAX_UNITS} THEN 'QuantityOutOfRangeError'
    WHEN u.units > 0 AND tr.sheet IS NULL THEN 'QuantityOutOfRangeError'
  END AS reason,
  CAST({rnd(f"COALESCE({exact}, 0)")} AS {t["amount"]}) AS amount
FROM pricegen_charge_units AS u
LEFT JOIN pricegen_tiers AS tr
  ON tr.sheet = u.sheet
  AND tr.position = u.position
  AND u.units > tr.tier_from
  AND (tr.tier_to IS NULL OR u.units <= tr.tier_to)
"""


# What a trial's in-arrears lines cost, against its credits: quote() credits that much
# (one line), or refuses usage beyond the budget (TrialBudgetExceededError). Each line is
# rounded already, so their sum is a whole number of minor units.
_TRIAL_SPEND = """
SELECT a.subscription_id, a.currency, p.charges, b.budget, SUM(a.amount) AS spent
FROM pricegen_charge_amounts AS a
JOIN pricegen_plans AS p ON p.plan_key = a.plan_key
JOIN pricegen_trial_credits AS b ON b.sheet = a.sheet
WHERE a.trial AND NOT a.in_advance
GROUP BY a.subscription_id, a.currency, p.charges, b.budget
"""
