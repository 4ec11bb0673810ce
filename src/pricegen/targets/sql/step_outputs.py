"""The rating query's last steps: every line in quote()'s order, and the four outputs.

``invoice_lines`` and ``invoices`` keep only subscriptions that no refusal
step rejected; ``usage_status`` combines each priced subscription's grants
as ``entitlements()`` does. Like every step, SQL text with no catalog text in
it (see :mod:`.steps`).
"""

from __future__ import annotations

from .sheets import MAX_UNITS

# The add-ons bought, in catalog order, with what numbering their lines needs.
ADDON_LINES = """
SELECT r.*, c.factor, c.unit, p.charges
FROM pricegen_addon_rows AS r
JOIN pricegen_currencies AS c ON c.currency = r.currency
JOIN pricegen_plans AS p ON p.plan_key = r.plan_key
WHERE r.priced AND r.known AND r.bad = 0 AND r.quantity > 0
  AND r.quantity <= r.max_quantity
"""


def lines_sql(t: dict[str, str], rnd) -> str:
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


INVOICE_LINES = """
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

INVOICES = """
SELECT subscription_id, currency, SUM(amount) AS total
FROM invoice_lines
GROUP BY subscription_id, currency
"""


# The metered grants of each priced subscription, as entitlements() combines them: the
# plan's (or the quantity bought in advance, which replaces it: every in-advance charge
# of a priced subscription is a row of pricegen_charge_amounts), add-on overrides (the
# most generous wins), then add-on increments of limit x quantity. The plan's grants
# are found per plan, in the catalog's tables, so no step joins two large tables here.
GRANTS = """
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
LIMITS = """
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
USAGE_STATUS = """
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
