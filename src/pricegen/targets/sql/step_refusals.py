"""The rating query's steps that refuse a subscription, in the evaluator's order.

Each check gives a candidate (rank, reason) for a subscription, and the
lowest rank wins: a subscription with several problems is refused for the
one ``quote()`` raises first. Like every step, SQL text with no catalog text
in it (see :mod:`.steps`).

Ranks:

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
"""

from __future__ import annotations

from .sheets import MAX_UNITS

# The grants the valid add-ons bought add to each feature, as entitlements() combines
# them: overrides (the most generous wins), then increments of limit x quantity. The
# first grant (overrides first, then catalog order) sets the reset that caps usage.
ADDON_GRANTS = """
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
FEATURE_CHECKS = f"""
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


CANDIDATES = """
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

# The evaluator raises one error per subscription: the first, by rank.
REJECTIONS = """
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
