-- The "hand+checks" baseline of bench_rate.py: the tightest DuckDB query I could write by
-- hand for rate_catalog.yaml that also refuses what quote() refuses, with its reasons, as
-- rate's rejections table does (the plan, trial, currency and period; add-ons unknown,
-- incompatible, over their bound or of a bad quantity; quantities unknown, not sold in
-- advance, missing, bad or beyond 10^15; usage unknown, bad, beyond 10^15, of seats sold
-- in advance, of support not granted, beyond a hard limit; the first by the evaluator's
-- order, usage by feature id). Each input is read once and pivoted per subscription by
-- the catalog's own feature ids, which the general query cannot do (its steps hold no
-- catalog text). Quantities are BIGINT, as the bench's Parquet files have them.
-- The bench fills in the names of the four input tables (str.format).
CREATE OR REPLACE TEMP VIEW hc_sheet AS SELECT * FROM (VALUES
  ('team', 'monthly', 'USD', 29.00, 10, 12.00, 9.50, 10000, 0.0027, 100, 5.00, 49.00, 1000),
  ('team', 'monthly', 'EUR', 27.00, 10, 11.00, 8.75, 10000, 0.0025, 100, 4.50, 45.00, 1000),
  ('team', 'annual', 'USD', 290.00, 10, 120.00, 95.00, 10000, 0.0027, 100, 50.00, 490.00, 1000),
  ('team', 'annual', 'EUR', 270.00, 10, 110.00, 87.50, 10000, 0.0025, 100, 45.00, 450.00, 1000),
  ('business', 'monthly', 'USD', 99.00, 25, 18.00, 14.00, 100000, 0.0019, 500, 20.00, 49.00, 10000),
  ('business', 'monthly', 'EUR', 92.00, 25, 17.00, 13.00, 100000, 0.0018, 500, 18.00, 45.00, 10000),
  ('business', 'annual', 'USD', 990.00, 25, 180.00, 140.00, 100000, 0.0019, 500, 200.00, 490.00, 10000),
  ('business', 'annual', 'EUR', 920.00, 25, 170.00, 130.00, 100000, 0.0018, 500, 180.00, 450.00, 10000)
) AS t(plan, period, currency, base, seat_tier, seat_1, seat_2, included, call_price,
       block, block_price, support, storage_limit);
CREATE OR REPLACE TABLE hc_subs AS
WITH q AS (
  SELECT subscription_id,
    SUM(CASE WHEN feature = 'seats' THEN quantity END) AS seats,
    MAX(CASE WHEN feature = 'seats' THEN 1 ELSE 0 END) AS has_seats,
    MAX(CASE WHEN feature = 'seats' AND (quantity IS NULL OR quantity < 0
      OR quantity <> FLOOR(quantity)) THEN 1 ELSE 0 END) AS seats_bad,
    MAX(CASE WHEN feature IN ('api-calls', 'storage', 'support') THEN 1 ELSE 0 END) AS unsold,
    MAX(CASE WHEN feature IN ('seats', 'api-calls', 'storage', 'support') THEN 0 ELSE 1 END)
      AS unknown
  FROM {subscription_quantities} GROUP BY subscription_id
), u AS (
  SELECT subscription_id,
    SUM(CASE WHEN feature = 'api-calls' THEN quantity END) AS calls,
    MAX(CASE WHEN feature = 'api-calls' AND (quantity IS NULL OR quantity < 0
      OR quantity <> FLOOR(quantity)) THEN 1 ELSE 0 END) AS calls_bad,
    SUM(CASE WHEN feature = 'seats' THEN quantity END) AS seats,
    MAX(CASE WHEN feature = 'seats' AND (quantity IS NULL OR quantity < 0
      OR quantity <> FLOOR(quantity)) THEN 1 ELSE 0 END) AS seats_bad,
    SUM(CASE WHEN feature = 'storage' THEN quantity END) AS storage,
    MAX(CASE WHEN feature = 'storage' AND (quantity IS NULL OR quantity < 0
      OR quantity <> FLOOR(quantity)) THEN 1 ELSE 0 END) AS storage_bad,
    SUM(CASE WHEN feature = 'support' THEN quantity END) AS support,
    MAX(CASE WHEN feature = 'support' AND (quantity IS NULL OR quantity < 0
      OR quantity <> FLOOR(quantity)) THEN 1 ELSE 0 END) AS support_bad,
    MIN(CASE WHEN feature IN ('seats', 'api-calls', 'storage', 'support') THEN NULL
      ELSE COALESCE(feature, '') END) AS unknown
  FROM {usage} GROUP BY subscription_id
), a AS (
  SELECT subscription_id,
    SUM(CASE WHEN addon = 'priority-support' THEN quantity END) AS n,
    MAX(CASE WHEN addon = 'priority-support' THEN 1 ELSE 0 END) AS has_n,
    MAX(CASE WHEN addon = 'priority-support' AND (quantity IS NULL OR quantity < 0
      OR quantity <> FLOOR(quantity)) THEN 1 ELSE 0 END) AS bad,
    MAX(CASE WHEN addon = 'priority-support' THEN 0 ELSE 1 END) AS unknown
  FROM {subscription_addons} GROUP BY subscription_id
), s AS (
  SELECT x.subscription_id, x.plan, x.trial,
    COALESCE(x.currency, 'USD') AS currency, COALESCE(x.period, 'monthly') AS period,
    q.seats, COALESCE(q.has_seats, 0) AS has_seats, q.seats_bad, q.unsold, q.unknown AS q_unknown,
    COALESCE(u.calls, 0) AS calls, u.calls_bad, u.seats AS u_seats, u.seats_bad AS u_seats_bad,
    COALESCE(u.storage, 0) AS storage, u.storage_bad, u.support AS u_support,
    u.support_bad AS u_support_bad, u.unknown AS u_unknown,
    COALESCE(a.n, 0) AS support_n, a.has_n, a.bad AS a_bad, a.unknown AS a_unknown
  FROM {subscriptions} AS x
  LEFT JOIN q ON q.subscription_id = x.subscription_id
  LEFT JOIN u ON u.subscription_id = x.subscription_id
  LEFT JOIN a ON a.subscription_id = x.subscription_id
), checked AS (
  SELECT s.*,
    -- the reason each feature's usage is refused for (NULL: taken)
    CASE WHEN s.calls_bad = 1 THEN 'InvalidQuantityError'
      WHEN s.calls > 1000000000000000 THEN 'QuantityOutOfRangeError'
      WHEN s.plan = 'free' AND s.calls > 1000 * CASE WHEN s.period = 'annual' THEN 13 ELSE 2 END
      THEN 'UsageLimitExceededError' END AS r_calls,
    CASE WHEN s.u_seats_bad = 1 THEN 'InvalidQuantityError'
      WHEN s.u_seats > 1000000000000000 THEN 'QuantityOutOfRangeError'
      WHEN COALESCE(s.u_seats, 0) = 0 THEN NULL
      WHEN s.plan <> 'free' THEN 'InvalidQuantityError'
      WHEN s.u_seats > 3 THEN 'UsageLimitExceededError' END AS r_seats,
    CASE WHEN s.storage_bad = 1 THEN 'InvalidQuantityError'
      WHEN s.storage > 1000000000000000 THEN 'QuantityOutOfRangeError'
      WHEN s.storage > CASE s.plan WHEN 'free' THEN 10 WHEN 'team' THEN 1000 ELSE 10000 END
      THEN 'UsageLimitExceededError' END AS r_storage,
    CASE WHEN s.u_support_bad = 1 THEN 'InvalidQuantityError'
      WHEN s.u_support > 1000000000000000 THEN 'QuantityOutOfRangeError'
      WHEN s.u_support > 0 AND NOT (s.has_n = 1 AND s.a_bad = 0 AND s.support_n BETWEEN 1 AND 1)
      THEN 'FeatureNotInPlanError' END AS r_support
  FROM s
)
SELECT c.subscription_id, c.currency, c.plan, c.period, c.seats, c.calls, c.storage,
  c.support_n,
  CASE
    WHEN c.plan IS NULL THEN 'InvalidArgumentError'
    WHEN c.plan NOT IN ('free', 'team', 'business') THEN 'UnknownPlanError'
    WHEN c.trial THEN 'TrialNotOfferedError'
    WHEN c.currency NOT IN ('USD', 'EUR') THEN 'UnknownCurrencyError'
    WHEN c.period NOT IN ('monthly', 'annual') THEN 'UnknownPeriodError'
    WHEN c.a_unknown = 1 THEN 'UnknownAddonError'
    WHEN c.has_n = 1 AND c.a_bad = 1 THEN 'InvalidQuantityError'
    WHEN c.has_n = 1 AND c.support_n <> 0 AND c.plan = 'free' THEN 'AddonNotCompatibleError'
    WHEN c.has_n = 1 AND c.support_n > 1 THEN 'AddonQuantityExceededError'
    WHEN c.q_unknown = 1 THEN 'UnknownFeatureError'
    WHEN c.unsold = 1 OR (c.plan = 'free' AND c.has_seats = 1) THEN 'InvalidQuantityError'
    WHEN c.seats_bad = 1 THEN 'InvalidQuantityError'
    WHEN c.seats > 1000000000000000 THEN 'QuantityOutOfRangeError'
    WHEN c.plan <> 'free' AND c.has_seats = 0 THEN 'QuantityMissingError'
    -- usage: the first refused feature by id (an unknown one may sort anywhere)
    WHEN c.u_unknown < 'api-calls' THEN 'UnknownFeatureError'
    WHEN c.r_calls IS NOT NULL THEN c.r_calls
    WHEN c.u_unknown < 'seats' THEN 'UnknownFeatureError'
    WHEN c.r_seats IS NOT NULL THEN c.r_seats
    WHEN c.u_unknown < 'storage' THEN 'UnknownFeatureError'
    WHEN c.r_storage IS NOT NULL THEN c.r_storage
    WHEN c.u_unknown < 'support' THEN 'UnknownFeatureError'
    WHEN c.r_support IS NOT NULL THEN c.r_support
    WHEN c.u_unknown IS NOT NULL THEN 'UnknownFeatureError'
  END AS reason
FROM checked AS c;
CREATE OR REPLACE TABLE hc_rejections AS
SELECT subscription_id, reason FROM hc_subs WHERE reason IS NOT NULL;
CREATE OR REPLACE TABLE hc_lines AS
WITH s AS (
  SELECT h.subscription_id, h.currency, h.seats, h.calls, h.storage, h.support_n, sheet.*
  FROM hc_subs AS h JOIN hc_sheet AS sheet USING (plan, period, currency)
  WHERE h.reason IS NULL
)
SELECT subscription_id, 1 AS line, 'plan' AS item, 1 AS quantity, base AS amount, currency
FROM s
UNION ALL
SELECT subscription_id, 2, 'seats', seats,
  ROUND(LEAST(seats, seat_tier) * seat_1 + GREATEST(seats - seat_tier, 0) * seat_2, 2),
  currency
FROM s
UNION ALL
SELECT subscription_id, 3, 'api-calls', calls,
  ROUND(GREATEST(calls - included, 0) * call_price, 2), currency
FROM s
UNION ALL
SELECT subscription_id, 4, 'storage', storage,
  ROUND((storage + block - 1) // block * block_price, 2), currency
FROM s
UNION ALL
SELECT subscription_id, 5, 'addon:priority-support', support_n, support_n * support, currency
FROM s WHERE support_n > 0
UNION ALL
SELECT subscription_id, 1, 'plan', 1, 0.00, currency
FROM hc_subs WHERE reason IS NULL AND plan = 'free';
CREATE OR REPLACE TABLE hc_invoices AS
SELECT subscription_id, currency, SUM(amount) AS total FROM hc_lines GROUP BY ALL;
