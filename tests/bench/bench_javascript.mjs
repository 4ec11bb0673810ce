// The JavaScript evaluator against hand-written JavaScript doing the same job, same run.
// Run by tests/bench/bench_javascript.py, which generates the module of bench_evaluator.py's
// catalog and passes its path: node tests/bench/bench_javascript.mjs MODULE.mjs [ROUNDS]
// Prints JSON: per benchmark, the nanoseconds per call of each round, interleaved.
import { pathToFileURL } from "node:url";

const pricing = await import(pathToFileURL(process.argv[2]).href);
const rounds = Number(process.argv[3] || 15);

// -- hand-written baselines: the best plain code for one catalog ----------------------
const LIMITS = new Map([
  ["free", new Map([["seats", 3], ["api-calls", 1000]])],
  ["pro", new Map([["seats", null], ["api-calls", Infinity], ["sso", Infinity]])],
]);
const QUANTITY = new Map([["seats", "seats"]]); // the in-advance quantity is the limit

function handAllowed(sub, feature, usage, requested = 1) {
  let limit = LIMITS.get(sub.plan)?.get(feature);
  if (limit === undefined) return false;
  if (limit === null) limit = sub.quantities[QUANTITY.get(feature)];
  return usage + requested <= limit;
}

function handCheck(sub, feature, usage, requested = 1) {
  let limit = LIMITS.get(sub.plan)?.get(feature);
  if (limit === undefined) return Object.freeze({ feature, hasAccess: false, reason: "not_in_plan" });
  if (limit === null) limit = sub.quantities[QUANTITY.get(feature)];
  const hasAccess = usage + requested <= limit;
  return Object.freeze({
    feature,
    hasAccess,
    reason: hasAccess ? null : "usage_limit_exceeded",
    limit,
    usage,
    requested,
    remaining: usage < limit ? limit - usage : 0,
  });
}

// Exact money by hand: amounts as BigInt in ten-thousandths of a dollar, lines rounded
// half up to cents, the total as a decimal string.
const TIERS = [[5n, 200000n], [10n, 150000n], [null, 100000n]];
function cents(tenThousandths) {
  return (tenThousandths + 50n) / 100n; // half up, amounts are never negative
}
function handQuote(seats, calls) {
  const base = cents(290000n);
  let amount = 0n;
  let lower = 0n;
  for (const [upper, price] of TIERS) {
    if (seats <= lower) break;
    amount += ((upper === null || seats < upper ? seats : upper) - lower) * price;
    if (upper === null) break;
    lower = upper;
  }
  const seatLine = cents(amount);
  const callLine = cents((calls > 100000n ? calls - 100000n : 0n) * 27n);
  const total = base + seatLine + callLine;
  return `${total / 100n}.${String(total % 100n).padStart(2, "0")}`;
}

// -- the same answers first -----------------------------------------------------------
const sub = { plan: "pro", quantities: { seats: 20 } };
const usage = { "api-calls": 1500000 };
const expected = handQuote(20n, 1500000n);
if (pricing.quote(sub, { usage }).total.toString() !== expected) throw new Error("quote differs");
for (const u of [0, 19, 20, 25]) {
  if (pricing.allowed(sub, "seats", { usage: u }) !== handAllowed(sub, "seats", u)) throw new Error("allowed differs");
  if (pricing.check(sub, "seats", { usage: u }).hasAccess !== handCheck(sub, "seats", u).hasAccess) throw new Error("check differs");
}

let sink = 0;
const BENCHES = {
  allowed: {
    calls: 2000000,
    generated: (n) => { for (let i = 0; i < n; i++) sink += pricing.allowed(sub, "seats", { usage: i & 31 }) ? 1 : 0; },
    hand: (n) => { for (let i = 0; i < n; i++) sink += handAllowed(sub, "seats", i & 31) ? 1 : 0; },
  },
  check: {
    calls: 500000,
    generated: (n) => { for (let i = 0; i < n; i++) sink += pricing.check(sub, "seats", { usage: i & 31 }).hasAccess ? 1 : 0; },
    hand: (n) => { for (let i = 0; i < n; i++) sink += handCheck(sub, "seats", i & 31).hasAccess ? 1 : 0; },
  },
  quote: {
    calls: 100000,
    generated: (n) => { for (let i = 0; i < n; i++) sink += pricing.quote(sub, { usage }).total.toString().length; },
    hand: (n) => { for (let i = 0; i < n; i++) sink += handQuote(20n, 1500000n).length; },
  },
};

function time(fn, n) {
  const start = process.hrtime.bigint();
  fn(n);
  return Number(process.hrtime.bigint() - start) / n;
}

const results = {};
for (const [name, bench] of Object.entries(BENCHES)) {
  bench.generated(bench.calls / 10); // warm up both, so that both are optimized
  bench.hand(bench.calls / 10);
  results[name] = { generated: [], hand: [] };
}
for (let round = 0; round < rounds; round++) {
  for (const [name, bench] of Object.entries(BENCHES)) {
    const order = round % 2 ? ["hand", "generated"] : ["generated", "hand"];
    for (const side of order) results[name][side].push(time(bench[side], bench.calls));
  }
}
console.log(JSON.stringify({ results, sink: sink > 0, node: process.version }));
