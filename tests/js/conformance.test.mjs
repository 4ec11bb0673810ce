// The conformance suite under Node: every case of every vectors file, byte for byte.
//
//   PRICEGEN_CONFORMANCE=manifest.json node --test tests/js/conformance.test.mjs
//
// The manifest lists {"name", "module", "vectors"}: a generated .mjs evaluator and the
// vectors file (spec/conformance.md) written for the same catalog by `pricegen conformance`.
// Each case's result, as dumps(result.toDict()), must equal the expected JSON text, or the
// call must throw the expected error class; the module's ENVIRONMENT and IS_PRODUCTION must
// be the file's environment and is_production.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

const manifestPath = process.env.PRICEGEN_CONFORMANCE;
if (!manifestPath) throw new Error("set PRICEGEN_CONFORMANCE to a manifest of vectors files");
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const base = dirname(resolve(manifestPath));

const WHOLE = /^-?[0-9]+$/;

/** A vector's number as JavaScript takes it; odd cases pass every whole number as a BigInt. */
function number(m, text, big) {
  if (text === "unlimited") return text;
  if (!WHOLE.test(text)) return m.Decimal.from(text);
  const n = BigInt(text);
  return !big && n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

function numbers(m, map, big) {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, number(m, v, big)]));
}

function subscription(m, data, big) {
  const sub = { plan: data.plan };
  const names = { started_at: "startedAt", trial_plan: "trialPlan" };
  for (const [key, value] of Object.entries(data)) {
    if (key === "plan") continue;
    sub[names[key] ?? key] = ["quantities", "addons", "variables"].includes(key) ? numbers(m, value, big) : value;
  }
  return sub;
}

function run(m, c, big) {
  const args = c.args ?? {};
  const now = args.now ?? undefined;
  if (c.call === "reset_window") return m.resetWindow(args.reset, args.anchor, args.started_at, args.now);
  const sub = subscription(m, c.subscription, big);
  if (c.call === "check" || c.call === "allowed") {
    const options = {};
    for (const key of ["usage", "requested"]) if (key in args) options[key] = number(m, args[key], big);
    if (now !== undefined) options.now = now;
    return c.call === "check" ? m.check(sub, args.feature, options).toDict() : m.allowed(sub, args.feature, options);
  }
  if (c.call === "quote") {
    const options = {};
    if (args.usage !== undefined && args.usage !== null) options.usage = numbers(m, args.usage, big);
    if (now !== undefined) options.now = now;
    return m.quote(sub, options).toDict();
  }
  if (c.call === "entitlements") {
    const ents = m.entitlements(sub, now === undefined ? undefined : { now });
    return Object.fromEntries(Object.entries(ents).map(([k, v]) => [k, v.toDict()]));
  }
  if (c.call === "phase") return m.phase(sub, now === undefined ? undefined : { now });
  throw new Error(`unknown call ${c.call}`);
}

function outcome(m, c, big) {
  try {
    return { json: m.dumps(run(m, c, big)) };
  } catch (error) {
    if (error instanceof m.PricingError) return { error: error.name };
    return { crash: String(error && error.stack) };
  }
}

for (const entry of manifest) {
  test(`conformance: ${entry.name}`, async () => {
    const m = await import(pathToFileURL(resolve(base, entry.module)).href);
    const vectors = JSON.parse(readFileSync(resolve(base, entry.vectors), "utf8"));
    assert.equal(vectors.format, "pricegen-conformance");
    assert.equal(vectors.source_sha256, m.SOURCE_SHA256, "vectors and module from one catalog");
    assert.equal(m.ENVIRONMENT, vectors.environment, "the environment it was generated for");
    assert.equal(m.IS_PRODUCTION, vectors.is_production, "whether that environment is production");
    const failures = [];
    vectors.cases.forEach((c, index) => {
      const got = outcome(m, c, index % 2 === 1);
      if (JSON.stringify(got) !== JSON.stringify(c.expect)) failures.push({ id: c.id, case: c, got });
    });
    assert.ok(vectors.cases.length > 0, "no cases");
    if (failures.length) {
      const shown = failures.slice(0, 5).map((f) => JSON.stringify(f, null, 1)).join("\n");
      assert.fail(`${failures.length} of ${vectors.cases.length} cases differ; the first:\n${shown}`);
    }
  });
}
