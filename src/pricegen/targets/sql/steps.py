"""The fixed steps of the rating query, as SQL text that sqlglot parses.

No catalog text is ever formatted into these strings: only the decimal
types and the rounding expression, which this module computes from
numbers. The catalog's data comes from the ``pricegen_*`` tables, and the
default currency from the ``:default_currency`` placeholder, which sqlglot
fills in as a literal.

The steps mirror the evaluator's ``quote()`` in its order of checks, so that
a subscription with several problems is refused for the one the evaluator
raises first: every check gives a candidate (rank, reason), and the lowest
rank wins. Ranks:

- 0: the subscription itself (no id, an id on several rows; then, in the
  evaluator's order: no plan, unknown plan, trial, custom, archived, draft,
  currency, period), decided by one CASE;
- 1: an unknown add-on; 100 + 8 × position: each add-on, in catalog order;
- 1,000,000 + 2 × position: add-ons' requires and excludes;
- 2,000,000: quantities of features not sold in advance;
  3,000,000 + 4 × position: in-advance quantities, in charge order;
- 4,000,000: usage that check() would deny (pricegen_feature_checks); among
  several features, the first by id (quote() reads usage in its order);
- 5,000,000 + 4 × position: each in-arrears charge line, in charge order;
- 6,000,000: trial usage beyond the trial's credits.

Ties within a rank go to the lower ``feature`` (usage only), then reason.

Arithmetic never sees a value it could overflow on: units are computed only
for quantities within the bound, add-on amounts only within max_quantity.
"""

from __future__ import annotations

from .sheets import MAX_UNITS


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

# Steps only one output needs; the others need every step before invoice_lines.
ONLY_FOR = {
    "usage_status": ("pricegen_grants", "pricegen_limits", "usage_status"),
    "invoices": ("invoices",),
}


def unneeded(outputs: tuple[str, ...] | None) -> set[str]:
    """The steps that none of ``outputs`` needs (None: all outputs, so none)."""
    if outputs is None:
        return set()
    return {step for output, only in ONLY_FOR.items() if output not in outputs for step in only}


def step_queries(types: dict[str, str], rounding: str) -> list[tuple[str, str]]:
    """(view name, SQL) of every step after the catalog's tables, in order."""
    t = types
    rnd = lambda x: round_money(x, rounding)  # noqa: E731
    return [
        ("pricegen_subscriptions", _SUBSCRIPTIONS),
        ("pricegen_addon_rows", _addon_rows(t)),
        ("pricegen_feature_rows", _feature_rows(t)),
        ("pricegen_quantity_rows", _rows_of(True)),
        ("pricegen_usage_rows", _rows_of(False)),
        ("pricegen_addon_grants", _ADDON_GRANTS),
        ("pricegen_feature_checks", _FEATURE_CHECKS),
        ("pricegen_charge_units", _charge_units(t)),
        ("pricegen_charge_amounts", _charge_amounts(t, rnd)),
        ("pricegen_trial_spend", _TRIAL_SPEND),
        ("pricegen_candidates", _CANDIDATES),
        ("rejections", _REJECTIONS),
        ("pricegen_addon_lines", _ADDON_LINES),
        ("pricegen_lines", _lines(t, rnd)),
        ("invoice_lines", _INVOICE_LINES.format(amount=t["amount"])),
        ("invoices", _INVOICES),
        ("pricegen_grants", _GRANTS),
        ("pricegen_limits", _LIMITS),
        ("usage_status", _USAGE_STATUS),
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


def _rows_of(advance: bool) -> str:
    """The quantities (``advance``) or the usage of pricegen_feature_rows."""
    return f"""
SELECT subscription_id, feature, quantity, bad
FROM pricegen_feature_rows
WHERE {"" if advance else "NOT "}advance
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


# The grants the valid add-ons bought add to each feature, as entitlements() combines
# them: overrides (the most generous wins), then increments of limit x quantity. The
# first grant (overrides first, then catalog order) sets the reset that caps usage.
_ADDON_GRANTS = """
SELECT
  subscription_id,
  feature,
  MAX(CASE WHEN override THEN lim END) AS override_lim,
  SUM(CASE WHEN NOT override THEN lim * quantity END) AS increment_lim,
  MAX(CASE WHEN unlimited THEN 1 ELSE 0 END) = 1 AS unlimited,
  MAX(CASE WHEN soft THEN 1 ELSE 0 END) = 1 AS soft,
  MAX(CASE WHEN n = 1 THEN reset_key END) AS reset_key
FROM (
  SELECT
    a.subscription_id,
    x.feature,
    x.override,
    CAST(x.lim AS DECIMAL(38, 0)) AS lim,
    a.quantity,
    x.unlimited,
    x.soft,
    x.reset_key,
    ROW_NUMBER() OVER (
      PARTITION BY a.subscription_id, x.feature
      ORDER BY CASE WHEN x.override THEN 0 ELSE 1 END, x.position
    ) AS n
  FROM pricegen_addon_rows AS a
  JOIN pricegen_addon_limits AS x ON x.addon = a.addon
  WHERE a.known AND a.bad = 0 AND a.quantity > 0 AND a.quantity <= a.max_quantity
) AS g
GROUP BY subscription_id, feature
"""

# Each summed quantity and usage row, checked in one pass over pricegen_feature_rows.
# Quantities (q): a feature unknown, or not sold in advance, or no whole number, or
# beyond 10^15. Usage (u), as quote() takes it: what check() would deny is refused,
# never billed. In the evaluator's order: an unknown feature, a quantity no whole number
# or beyond 10^15, then (only for usage above 0) a feature sold in advance, one the
# subscription's plan and add-ons do not grant, usage beyond a hard limit in one billing
# period (the limit times the usage windows a period can touch), beyond a bounded
# stairstep. Only subscriptions without a problem of their own: theirs ranks first.
_FEATURE_CHECKS = f"""
SELECT subscription_id, rank, feature, reason
FROM (
SELECT
  r.subscription_id,
  CASE
    WHEN NOT r.advance THEN 4000000
    WHEN f.feature IS NULL THEN 2000000
    WHEN ch.feature IS NULL OR NOT ch.in_advance THEN 2000001
    ELSE 3000000 + 4 * ch.position
  END AS rank,
  CASE WHEN r.advance THEN '' ELSE COALESCE(r.feature, '') END AS feature,
  CASE
    WHEN f.feature IS NULL THEN 'UnknownFeatureError'
    WHEN r.advance AND (ch.feature IS NULL OR NOT ch.in_advance) THEN 'InvalidQuantityError'
    WHEN r.bad = 1 THEN 'InvalidQuantityError'
    WHEN r.quantity > {MAX_UNITS} THEN 'QuantityOutOfRangeError'
    WHEN r.advance OR r.quantity = 0 THEN NULL
    WHEN ch.in_advance THEN 'InvalidQuantityError'
    WHEN pg.feature IS NULL AND ag.feature IS NULL THEN 'FeatureNotInPlanError'
    WHEN f.metered
      AND NOT (COALESCE(pg.unlimited, FALSE) OR COALESCE(ag.unlimited, FALSE))
      AND NOT (COALESCE(pg.soft, FALSE) OR COALESCE(ag.soft, FALSE))
      AND r.quantity > (
        COALESCE(
          CASE
            WHEN pg.feature IS NULL THEN ag.override_lim
            WHEN ag.override_lim IS NULL THEN CAST(pg.lim AS DECIMAL(38, 0))
            WHEN ag.override_lim > pg.lim THEN ag.override_lim
            ELSE CAST(pg.lim AS DECIMAL(38, 0))
          END,
          0
        ) + COALESCE(ag.increment_lim, 0)
      ) * w.windows
    THEN 'UsageLimitExceededError'
    WHEN ch.most IS NOT NULL AND r.quantity > ch.most THEN 'QuantityOutOfRangeError'
  END AS reason
FROM pricegen_feature_rows AS r
JOIN pricegen_subscriptions AS s ON s.subscription_id = r.subscription_id
LEFT JOIN pricegen_features AS f ON f.feature = r.feature
LEFT JOIN pricegen_charges AS ch ON ch.plan_key = s.plan_key AND ch.feature = r.feature
LEFT JOIN pricegen_plan_limits AS pg ON pg.plan = s.plan AND pg.feature = r.feature
LEFT JOIN pricegen_addon_grants AS ag
  ON ag.subscription_id = r.subscription_id AND ag.feature = r.feature
LEFT JOIN pricegen_reset_windows AS w
  ON w.reset_key = COALESCE(pg.reset_key, ag.reset_key) AND w.period = s.period
WHERE s.problem IS NULL
) AS checked
WHERE reason IS NOT NULL
"""


_CANDIDATES = """
SELECT * FROM (
SELECT subscription_id, 0 AS rank, '' AS feature, problem AS reason
FROM pricegen_subscriptions
WHERE problem IS NOT NULL
UNION ALL
SELECT
  subscription_id,
  CASE WHEN NOT known THEN 1 ELSE 100 + 8 * position END AS rank,
  '' AS feature,
  CASE
    WHEN NOT known THEN 'UnknownAddonError'
    WHEN bad = 1 THEN 'InvalidQuantityError'
    WHEN quantity = 0 THEN NULL
    WHEN NOT compatible THEN 'AddonNotCompatibleError'
    WHEN quantity > max_quantity THEN 'AddonQuantityExceededError'
    WHEN archived AND NOT existing THEN 'PlanArchivedError'
  END AS reason
FROM pricegen_addon_rows
UNION ALL
SELECT c.subscription_id, 1000000 + 2 * c.position AS rank, '' AS feature,
  'AddonRequirementMissingError'
FROM pricegen_addon_rows AS c
JOIN pricegen_addon_requires AS r ON r.addon = c.addon
LEFT JOIN pricegen_addon_rows AS o
  ON o.subscription_id = c.subscription_id AND o.addon = r.required AND o.quantity > 0
WHERE c.known AND c.quantity > 0 AND o.addon IS NULL
UNION ALL
SELECT c.subscription_id, 1000001 + 2 * c.position AS rank, '' AS feature,
  'AddonNotCompatibleError'
FROM pricegen_addon_rows AS c
JOIN pricegen_addon_excludes AS e ON e.addon = c.addon
JOIN pricegen_addon_rows AS o
  ON o.subscription_id = c.subscription_id AND o.addon = e.excluded AND o.quantity > 0
WHERE c.known AND c.quantity > 0
UNION ALL
SELECT subscription_id, rank, feature, reason
FROM pricegen_feature_checks
UNION ALL
SELECT
  subscription_id,
  CASE WHEN in_advance THEN 3000001 ELSE 5000000 END + 4 * position AS rank,
  '' AS feature,
  reason
FROM pricegen_charge_amounts
WHERE reason IS NOT NULL
UNION ALL
SELECT subscription_id, 6000000 AS rank, '' AS feature, 'TrialBudgetExceededError' AS reason
FROM pricegen_trial_spend
WHERE spent > budget
) AS candidates
WHERE reason IS NOT NULL
"""

# The add-ons bought, in catalog order, with what numbering their lines needs.
_ADDON_LINES = """
SELECT r.*, c.factor, c.unit, p.charges
FROM pricegen_addon_rows AS r
JOIN pricegen_currencies AS c ON c.currency = r.currency
JOIN pricegen_plans AS p ON p.plan_key = r.plan_key
WHERE r.priced AND r.known AND r.bad = 0 AND r.quantity > 0
  AND r.quantity <= r.max_quantity
"""

# The evaluator raises one error per subscription: the first, by rank.
_REJECTIONS = """
SELECT subscription_id, reason
FROM (
  SELECT
    subscription_id,
    reason,
    ROW_NUMBER() OVER (PARTITION BY subscription_id ORDER BY rank, feature, reason) AS n
  FROM pricegen_candidates
) AS ranked
WHERE n = 1
"""


def _lines(t: dict[str, str], rnd) -> str:
    """Every line of every subscription, rejected ones included, numbered as quote() orders
    them: the plan, each charge of the plan, the add-ons bought in catalog order, credits.
    Only the add-on lines need a window to be numbered; the others are known."""
    return f"""
SELECT s.subscription_id, 1 AS line, 'plan' AS item, 1 AS quantity,
  CASE WHEN s.trial THEN 0 ELSE {rnd("s.price")} END AS amount, s.currency
FROM pricegen_subscriptions AS s
WHERE s.problem IS NULL
UNION ALL
SELECT subscription_id, 2 + position, feature,
  CASE WHEN quantity <= {MAX_UNITS} THEN quantity END, amount, currency
FROM pricegen_charge_amounts
UNION ALL
SELECT a.subscription_id,
  1 + a.charges + ROW_NUMBER() OVER (PARTITION BY a.subscription_id ORDER BY a.position),
  a.item, a.quantity,
  {rnd(f"CAST(p.price * CAST(a.quantity AS {t['units']}) AS {t['line']})")}, a.currency
FROM pricegen_addon_lines AS a
JOIN pricegen_addon_prices AS p
  ON p.addon = a.addon AND p.period = a.period AND p.currency = a.currency
UNION ALL
SELECT c.subscription_id,
  2 + c.charges + COALESCE((
    SELECT COUNT(*) FROM pricegen_addon_lines AS n WHERE n.subscription_id = c.subscription_id
  ), 0),
  'trial-credits', 1, -c.spent, c.currency
FROM pricegen_trial_spend AS c
WHERE c.spent <> 0
"""


_INVOICE_LINES = """
SELECT
  l.subscription_id,
  CAST(l.line AS BIGINT) AS line,
  l.item,
  CAST(l.quantity AS BIGINT) AS quantity,
  CAST(l.amount AS {amount}) AS amount,
  l.currency
FROM pricegen_lines AS l
LEFT JOIN rejections AS r ON r.subscription_id = l.subscription_id
WHERE r.subscription_id IS NULL
"""

_INVOICES = """
SELECT subscription_id, currency, SUM(amount) AS total
FROM invoice_lines
GROUP BY subscription_id, currency
"""


# The metered grants of each priced subscription, as entitlements() combines them: the
# plan's (or the quantity bought in advance, which replaces it: every in-advance charge
# of a priced subscription is a row of pricegen_charge_amounts), add-on overrides (the
# most generous wins), then add-on increments of limit x quantity. The plan's grants
# are found per plan, in the catalog's tables, so no step joins two large tables here.
_GRANTS = """
SELECT s.subscription_id, g.feature, g.stage, g.lim, g.unlimited, g.soft
FROM pricegen_subscriptions AS s
JOIN (
  SELECT l.plan, l.feature, 0 AS stage, CAST(l.lim AS DECIMAL(38, 0)) AS lim, l.unlimited,
    l.soft
  FROM pricegen_plan_limits AS l
  JOIN pricegen_plans AS p ON p.plan = l.plan
  LEFT JOIN pricegen_charges AS ch
    ON ch.plan_key = p.plan_key AND ch.feature = l.feature AND ch.in_advance
  WHERE l.metered AND ch.feature IS NULL
) AS g ON g.plan = s.plan
WHERE s.problem IS NULL
UNION ALL
SELECT q.subscription_id, q.feature, 0, q.quantity, FALSE, COALESCE(l.soft, FALSE)
FROM pricegen_charge_amounts AS q
JOIN pricegen_plans AS p ON p.plan_key = q.plan_key
LEFT JOIN pricegen_plan_limits AS l ON l.plan = p.plan AND l.feature = q.feature
WHERE q.in_advance AND NOT q.missing
UNION ALL
SELECT
  a.subscription_id,
  x.feature,
  CASE WHEN x.override THEN 1 ELSE 2 END,
  CASE WHEN x.override THEN x.lim ELSE x.lim * a.quantity END,
  x.unlimited,
  x.soft
FROM pricegen_addon_rows AS a
JOIN pricegen_addon_limits AS x ON x.addon = a.addon AND x.metered
WHERE a.known AND a.bad = 0 AND a.quantity > 0 AND a.quantity <= a.max_quantity
"""

# Each finite metered limit: the grants of a subscription and feature combined, with
# the usage measured (stage 3; NULL when it is no whole number), in one aggregate
# rather than a join of every limit with every usage row.
_LIMITS = """
SELECT
  subscription_id,
  feature,
  COALESCE(MAX(CASE WHEN stage < 2 THEN lim END), 0)
    + COALESCE(SUM(CASE WHEN stage = 2 THEN lim END), 0) AS lim,
  CASE WHEN MAX(CASE WHEN stage = 3 THEN 1 ELSE 0 END) = 0 THEN 0
    ELSE MAX(CASE WHEN stage = 3 THEN lim END)
  END AS used,
  MAX(CASE WHEN soft THEN 1 ELSE 0 END) = 1 AS soft
FROM (
  SELECT subscription_id, feature, stage, lim, unlimited, soft
  FROM pricegen_grants
  UNION ALL
  SELECT subscription_id, feature, 3, CASE WHEN bad = 0 THEN quantity END, FALSE, FALSE
  FROM pricegen_usage_rows
) AS g
GROUP BY subscription_id, feature
HAVING MAX(CASE WHEN stage < 3 THEN 1 ELSE 0 END) = 1
  AND MAX(CASE WHEN unlimited THEN 1 ELSE 0 END) = 0
"""

# check(sub, feature, usage, requested=0) for each finite metered limit of a priced
# subscription: how much is left, and whether usage is over it.
_USAGE_STATUS = """
SELECT
  e.subscription_id,
  e.feature,
  CAST(e.lim AS BIGINT) AS "limit",
  CAST(e.used AS BIGINT) AS usage,
  CAST(GREATEST(e.lim - e.used, 0) AS BIGINT) AS remaining,
  e.used > e.lim AS over_limit,
  e.soft
FROM pricegen_limits AS e
LEFT JOIN rejections AS r ON r.subscription_id = e.subscription_id
WHERE r.subscription_id IS NULL
"""
