// The JavaScript runtime as it is, with its sample catalog (tests/cases/valid/acme-full).
// Every number here is worked out from that catalog's prices, not copied from output:
// Pro is $29 a month; seats are graduated (first 5 at $20 plus a $10 flat fee, next 5 at
// $15, the rest at $10); API calls are per unit at $0.0027 past 100,000 included; the
// extra-seats add-on is $50 and adds 10 seats. Run: node --test tests/js/runtime.test.mjs
import assert from "node:assert/strict";
import { test } from "node:test";
import * as m from "../../src/pricegen/runtimes/evaluator.mjs";

const D = (text) => m.Decimal.from(text);
const pro = (extra = {}) => ({ plan: "pro", quantities: { seats: 20 }, ...extra });

test("decimals keep their exponent and print as Python's format(d, 'f')", () => {
  assert.equal(D("2.70").toString(), "2.70");
  assert.equal(D("0.0027").times(50000n).toString(), "135.0000");
  assert.equal(D("1E+2").toString(), "100");
  assert.equal(D("-0.5").toString(), "-0.5");
  assert.equal(D(".5").add(D("1")).toString(), "1.5");
  assert.equal(D("123456789012345678901234567890").times(10n ** 30n).toString(), "123456789012345678901234567890" + "0".repeat(30));
});

test("quantize rounds as Python's decimal in each mode, ties and negatives included", () => {
  const cases = [
    ["2.675", "half_up", "2.68"], ["2.665", "half_even", "2.66"], ["2.675", "half_even", "2.68"],
    ["2.661", "up", "2.67"], ["2.669", "down", "2.66"], ["-2.675", "half_up", "-2.68"],
    ["-2.661", "up", "-2.67"], ["-2.669", "down", "-2.66"], ["2.6651", "half_even", "2.67"],
    ["7", "half_up", "7.00"], ["0.004", "half_up", "0.00"], ["0.005", "half_up", "0.01"],
  ];
  for (const [value, mode, expected] of cases) assert.equal(D(value).quantize(-2, mode).toString(), expected, `${value} ${mode}`);
});

test("money helpers take exact amounts only", () => {
  assert.equal(m.roundMoney("2.675", "USD").toString(), "2.68"); // the catalog rounds half up
  assert.equal(m.formatMoney(D("1234"), "USD"), "$1,234.00");
  assert.equal(m.formatMoney(D("0.00270"), "USD"), "$0.0027");
  assert.equal(m.formatMoney(-5n, "EUR"), "-\u20ac5.00");
  assert.throws(() => m.roundMoney(1.5, "USD"), m.InvalidArgumentError);
  assert.throws(() => m.roundMoney(Number.NaN, "USD"), m.InvalidArgumentError);
  assert.throws(() => m.roundMoney("NaN", "USD"), m.InvalidAmountError);
  assert.throws(() => m.roundMoney(10n ** 100n, "USD"), m.InvalidAmountError);
  assert.throws(() => m.roundMoney("1", "XXX"), m.UnknownCurrencyError);
  assert.equal(m.formatNumber(1234567), "1,234,567");
});

test("a quote of Pro with 20 seats and 150,000 calls, line by line", () => {
  const q = m.quote(pro(), { usage: { "api-calls": 150000 } });
  const amounts = Object.fromEntries(q.lines.map((l) => [l.item, l.amount.toString()]));
  // seats: 5 x 20 + 10 = 110, 5 x 15 = 75, 10 x 10 = 100; calls: 50,000 x 0.0027 = 135
  assert.deepEqual(amounts, { plan: "29.00", seats: "285.00", "api-calls": "135.00" });
  assert.equal(q.total.toString(), "449.00");
  assert.equal(q.lines[1].description, "20 seats: 5 \u00d7 $20.00 + $10.00; 5 \u00d7 $15.00; 10 \u00d7 $10.00");
  assert.equal(q.toDict().total, "449.00");
  assert.throws(() => { q.total = D("0"); }, TypeError); // results are immutable
  assert.throws(() => { q.lines[0].amount = D("0"); }, TypeError);
  assert.throws(() => q.lines.push(q.lines[0]), TypeError);
  assert.equal(JSON.parse(JSON.stringify(q)).total, "449.00");
});

test("add-ons are priced and raise the limit they add to", () => {
  const sub = pro({ addons: { "extra-seats": 2 } });
  const q = m.quote(sub);
  assert.equal(q.lines.find((l) => l.item === "addon:extra-seats").amount.toString(), "100.00");
  assert.equal(m.entitlements(sub).seats.limit, 40); // 20 bought + 2 x 10
  assert.throws(() => m.quote(pro({ addons: { "extra-seats": 6 } })), m.AddonQuantityExceededError);
  assert.equal(m.check(pro({ addons: { nope: 1 } }), "seats").reason, "addon_not_compatible");
});

test("check and allowed agree at the limit, with numbers and BigInts", () => {
  const sub = pro();
  assert.equal(m.check(sub, "seats", { usage: 19 }).hasAccess, true);
  const over = m.check(sub, "seats", { usage: 20 });
  assert.equal(over.hasAccess, false);
  assert.equal(over.reason, m.Reason.USAGE_LIMIT_EXCEEDED);
  assert.equal(over.remaining, 0);
  for (const usage of [0, 19, 20, 21, 19n, 20n]) {
    assert.equal(m.allowed(sub, "seats", { usage }), m.check(sub, "seats", { usage }).hasAccess);
  }
  assert.equal(m.allowed(sub, "api-calls", { usage: 10 ** 15 }), true); // a soft limit
  assert.equal(m.check(sub, "nope").reason, "unknown_feature");
  assert.equal(m.allowed({ plan: "gone" }, "seats"), false);
});

test("counts beyond 2^53 are BigInts in and out", () => {
  const sub = { plan: "enterprise", variables: { "data-retention": 10n ** 20n } };
  const d = m.check(sub, "data-retention");
  assert.equal(d.value.toString(), "100000000000000000000");
  const big = m.check(pro(), "api-calls", { usage: 10n ** 29n });
  assert.equal(big.usage, 10n ** 29n);
  assert.equal(m.dumps(big.toDict()).includes('"usage":100000000000000000000000000000'), true);
});

test("bad numbers are refused with the Python module's classes, never NaN", () => {
  const refused = [
    [1.5, m.InvalidQuantityError], [Number.NaN, m.InvalidQuantityError], [Infinity, m.InvalidQuantityError],
    [2 ** 53, m.InvalidQuantityError], ["5", m.InvalidQuantityError], [true, m.InvalidQuantityError],
    [-1, m.InvalidQuantityError], [-1n, m.InvalidQuantityError], [10n ** 30n + 1n, m.QuantityOutOfRangeError],
    [D("2.5"), m.InvalidQuantityError],
  ];
  for (const [usage, error] of refused) {
    assert.throws(() => m.check(pro(), "seats", { usage }), error, String(usage));
    assert.throws(() => m.allowed(pro(), "seats", { usage }), error, String(usage));
    assert.throws(() => m.quote({ plan: "pro", quantities: { seats: usage } }), error, String(usage));
  }
  assert.equal(m.check(pro(), "seats", { usage: D("19") }).hasAccess, true); // a whole Decimal
  assert.throws(() => m.quote({ plan: "pro" }), m.QuantityMissingError);
  assert.throws(() => m.quote(pro(), { usage: { seats: 1 } }), m.InvalidQuantityError);
});

test("subscriptions are plain objects, frozen on first use; typos are errors", () => {
  const sub = pro();
  m.check(sub, "seats");
  assert.ok(Object.isFrozen(sub) && Object.isFrozen(sub.quantities));
  assert.throws(() => m.check({ plan: "pro", started_at: "2026-01-01T00:00:00Z" }, "seats"), m.InvalidArgumentError);
  assert.throws(() => m.check(pro(), "seats", { usgae: 1 }), m.InvalidArgumentError);
  assert.throws(() => m.check({ plan: 5 }, "seats"), m.InvalidArgumentError);
  assert.throws(() => m.check({ plan: "pro", trial: "yes" }, "seats"), m.InvalidArgumentError);
  assert.throws(() => m.check({ plan: "pro", quantities: [] }, "seats"), m.InvalidArgumentError);
  assert.throws(() => m.check(pro(), 5), m.InvalidArgumentError);
  // each call names itself: allowed() checks its options before it asks check()
  assert.throws(() => m.allowed(pro(), "seats", 29), /^InvalidArgumentError: allowed\(\) takes an options object/);
  assert.throws(() => m.allowed(pro(), "seats", { usgae: 1 }), /allowed\(\) has no option "usgae"/);
  assert.ok(Object.isFrozen(m.subscription({ plan: "free" })));
  const e = new m.UnknownPlanError("x");
  assert.ok(e instanceof m.PricingError && e instanceof Error);
  assert.equal(e.name, "UnknownPlanError");
  assert.equal(e.reason, "unknown_plan");
});

test("moments: ISO strings to the microsecond, offsets, Dates; refusals mirror Python's", () => {
  const sub = pro({ trial: true, startedAt: "2026-01-01T00:00:00.000001+02:00" });
  // 14 days after 2025-12-31T22:00:00.000001Z
  assert.equal(m.check(sub, "seats").trialEndsAt, "2026-01-14T22:00:00.000001Z");
  assert.equal(m.phase(sub, { now: "2026-01-14T22:00:00Z" }), "trialing");
  assert.equal(m.phase(sub, { now: new Date("2026-01-14T22:00:00.001Z") }), "downgraded");
  assert.throws(() => m.phase(sub, { now: "2026-01-20T00:00:00" }), m.NaiveDatetimeError);
  assert.throws(() => m.phase(sub, { now: "soon" }), m.NaiveDatetimeError);
  assert.throws(() => m.phase(sub, { now: 1767225600000 }), m.NaiveDatetimeError);
  assert.throws(() => m.phase(sub, { now: new Date(Number.NaN) }), m.NaiveDatetimeError);
  assert.throws(() => m.phase(sub, { now: new Date("+010000-01-01T00:00:00Z") }), m.InvalidMomentError);
  assert.throws(() => m.phase(sub, { now: "9999-12-31T23:00:00-05:00" }), m.InvalidMomentError);
  assert.throws(() => m.phase(sub, { now: "2025-01-01T00:00:00Z" }), m.InvalidMomentError); // before the start
  assert.throws(() => m.phase(pro({ trial: true }), { now: "2026-01-01T00:00:00Z" }), m.InvalidMomentError);
  const late = pro({ trial: true, startedAt: "9999-12-30T00:00:00Z" });
  assert.throws(() => m.phase(late, { now: "9999-12-31T00:00:00Z" }), m.InvalidMomentError);
});

test("reset windows: calendar months clamp, weeks start on their anchor day", () => {
  assert.deepEqual(m.resetWindow("month", "subscription_start", "2026-01-31T10:00:00Z", "2026-03-01T00:00:00Z"),
    ["2026-02-28T10:00:00Z", "2026-03-31T10:00:00Z"]);
  assert.deepEqual(m.resetWindow("month", "calendar", "2026-01-31T10:00:00Z", "2026-03-01T00:00:00.5Z"),
    ["2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"]);
  // 2026-01-01 is a Thursday; the Monday before is 2025-12-29
  assert.deepEqual(m.resetWindow("week", "monday", "2026-01-01T12:00:00Z", "2026-01-02T00:00:00Z"),
    ["2025-12-29T00:00:00Z", "2026-01-05T00:00:00Z"]);
  assert.deepEqual(m.resetWindow("year", "calendar", "2024-02-29T00:00:00Z", "2025-06-01T00:00:00Z"),
    ["2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"]);
  assert.throws(() => m.resetWindow("fortnight", "calendar", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"), m.InvalidResetError);
  assert.throws(() => m.resetWindow("day", "someday", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"), m.InvalidResetError);
  assert.throws(() => m.resetWindow("year", "calendar", "9999-01-01T00:00:00Z", "9999-06-01T00:00:00Z"), m.InvalidMomentError);
});

test("a check carries its usage window with now and startedAt", () => {
  const sub = { plan: "free", startedAt: "2026-01-15T08:00:00Z" };
  const d = m.check(sub, "api-calls", { usage: 999, now: "2026-02-20T00:00:00Z" });
  assert.equal(d.windowStart, "2026-02-15T08:00:00Z");
  assert.equal(d.windowEnd, "2026-03-15T08:00:00Z");
  assert.equal(d.hasAccess, true); // 999 + 1 <= 1,000
  assert.equal(m.check(sub, "api-calls", { usage: 1000 }).hasAccess, false);
});

test("trials waive the base price and end in the default plan", () => {
  const sub = pro({ trial: true, startedAt: "2026-01-01T00:00:00Z" });
  const during = m.quote(sub, { now: "2026-01-10T00:00:00Z" });
  assert.equal(during.lines[0].description, "Pro (monthly), trial: $29.00 waived");
  assert.equal(during.total.toString(), "285.00");
  const after = m.quote(sub, { now: "2026-01-15T00:00:00Z" });
  assert.equal(after.plan, "free");
  assert.equal(after.phase, "downgraded");
  assert.equal(after.total.toString(), "0.00");
  assert.equal(m.check(sub, "seats", { usage: 3, now: "2026-01-15T00:00:00Z" }).hasAccess, false); // free: 3
});

test("custom plans are not quoted; their variables are required and checked", () => {
  assert.throws(() => m.quote({ plan: "enterprise", variables: { "data-retention": 90 } }), m.PlanNotQuotableError);
  assert.throws(() => m.entitlements({ plan: "enterprise" }), m.VariableEntitlementMissingError);
  assert.throws(() => m.entitlements({ plan: "enterprise", variables: { "data-retention": 1.5 } }), m.InvalidQuantityError);
  assert.throws(() => m.entitlements({ plan: "free", variables: { seats: 1 } }), m.VariableEntitlementUnknownError);
  const e = m.entitlements({ plan: "enterprise", variables: { "data-retention": D("365.25") } });
  assert.equal(e["data-retention"].value.toString(), "365.25");
  assert.deepEqual(e["data-retention"].sources, ["subscription"]);
});

test("the catalog is read-only data; counts are numbers (BigInt beyond 2^53)", () => {
  assert.ok(Object.isFrozen(m.CATALOG.plans.pro.entitlements));
  assert.equal(m.PLANS.pro.price.monthly.USD, "29");
  assert.deepEqual(Object.keys(m.FEATURES), ["sso", "data-retention", "export-format", "seats", "api-calls"]);
  assert.equal(m.PLANS.free.entitlements.seats.limit, 3);
  assert.match(m.SOURCE_SHA256, /^[0-9a-f]{64}$/);
});

test("a catalog without environments serves customers: no environment, production", () => {
  assert.equal(m.ENVIRONMENT, null);
  assert.equal(m.IS_PRODUCTION, true);
  assert.equal("environment" in m.CATALOG.product, false);
});

test("dumps() writes Python's canonical JSON", () => {
  assert.equal(m.dumps({ b: [1, "\u00e9\n"], a: null, c: 10n ** 30n }), '{"a":null,"b":[1,"\u00e9\\n"],"c":1000000000000000000000000000000}');
  assert.throws(() => m.dumps(1.5), m.InvalidArgumentError);
});
