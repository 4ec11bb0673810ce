// A TypeScript service using the generated evaluator of tests/cases/valid/acme-full.
// tests/test_javascript.py generates acme_pricing.mjs and acme_pricing.d.mts beside a copy
// of this file and runs `tsc --noEmit`: the right uses must type-check, and each line
// marked @ts-expect-error must be an error (tsc fails when one is not).
import {
  allowed,
  check,
  Decimal,
  ENVIRONMENT,
  entitlements,
  formatMoney,
  IS_PRODUCTION,
  PricingError,
  quote,
  Reason,
  resetWindow,
  type Subscription,
  UsageLimitExceededError,
} from "./acme_pricing.mjs";

const sub: Subscription = {
  plan: "pro",
  period: "monthly",
  currency: "USD",
  quantities: { seats: 20 },
  addons: { "extra-seats": 1n },
  startedAt: new Date("2026-01-01T00:00:00Z"),
};

export function canInvite(used: number): boolean {
  return allowed(sub, "seats", { usage: used });
}

export function seatsLeft(): string {
  const decision = check(sub, "seats", { usage: 12, now: "2026-01-10T00:00:00Z" });
  if (!decision.hasAccess && decision.reason === Reason.USAGE_LIMIT_EXCEEDED) return "none";
  return decision.remaining === null ? "unlimited" : String(decision.remaining);
}

export function invoice(calls: bigint): { total: string; lines: string[] } {
  try {
    const q = quote(sub, { usage: { "api-calls": calls } });
    const total: Decimal = q.total;
    return { total: formatMoney(total, q.currency), lines: q.lines.map((l) => `${l.item}: ${l.amount}`) };
  } catch (error) {
    if (error instanceof UsageLimitExceededError) return { total: "over the limit", lines: [] };
    if (error instanceof PricingError) throw new Error(`${error.name}: ${error.message}`);
    throw error;
  }
}

export const retention: string | undefined = entitlements(sub)["data-retention"]?.value?.toString();
export const window: [string, string] = resetWindow("month", "calendar", "2026-01-15T00:00:00Z", new Date());
export const asDict: string = quote(sub).toDict().total;
export const banner: string | null = IS_PRODUCTION ? null : `Test environment: ${ENVIRONMENT ?? "unnamed"}`;

// @ts-expect-error: money is a Decimal, never a JavaScript number
export const wrong: number = quote(sub).total;
// @ts-expect-error: a subscription needs a plan
check({ period: "monthly" }, "seats");
// @ts-expect-error: options are named, e.g. {usage: 5}
allowed(sub, "seats", 5);
// @ts-expect-error: hasAccess is a boolean
export const flag: string = check(sub, "sso").hasAccess;
// @ts-expect-error: ENVIRONMENT is null for a catalog without environments
export const envName: string = ENVIRONMENT;
