// Types of the generated pricing evaluator (spec/javascript.md).

/** A whole number of units: a safe integer, or a BigInt for more (at most 10^30). */
export type Units = number | bigint | Decimal;
/** A count in a result: a number when it is a safe integer, else a BigInt. */
export type Count = number | bigint;
/** A moment: an ISO 8601 string with Z or an offset (microseconds kept), or a Date. */
export type Moment = string | Date;
/** A moment in a result: ISO 8601 in UTC with a Z, e.g. "2026-01-15T00:00:00Z". */
export type Instant = string;

export type ReasonValue =
  | "unknown_plan"
  | "unknown_feature"
  | "not_in_plan"
  | "usage_limit_exceeded"
  | "budget_exceeded"
  | "plan_archived"
  | "addon_not_compatible"
  | "addon_quantity_exceeded"
  | "addon_requirement_missing"
  | "subscription_cancelled";
export type PhaseValue = "trialing" | "active" | "downgraded" | "cancelled";

export declare const Reason: Readonly<{
  UNKNOWN_PLAN: "unknown_plan";
  UNKNOWN_FEATURE: "unknown_feature";
  NOT_IN_PLAN: "not_in_plan";
  USAGE_LIMIT_EXCEEDED: "usage_limit_exceeded";
  BUDGET_EXCEEDED: "budget_exceeded";
  PLAN_ARCHIVED: "plan_archived";
  ADDON_NOT_COMPATIBLE: "addon_not_compatible";
  ADDON_QUANTITY_EXCEEDED: "addon_quantity_exceeded";
  ADDON_REQUIREMENT_MISSING: "addon_requirement_missing";
  SUBSCRIPTION_CANCELLED: "subscription_cancelled";
}>;
export declare const Phase: Readonly<{
  TRIALING: "trialing";
  ACTIVE: "active";
  DOWNGRADED: "downgraded";
  CANCELLED: "cancelled";
}>;

/** An exact decimal: coefficient × 10^exponent. Money is never a JavaScript number. */
export declare class Decimal {
  constructor(coefficient: bigint, exponent: number);
  readonly coefficient: bigint;
  readonly exponent: number;
  static from(value: string | bigint | number | Decimal): Decimal;
  isZero(): boolean;
  compare(other: Decimal): -1 | 0 | 1;
  equals(other: unknown): boolean;
  add(other: Decimal): Decimal;
  times(units: bigint): Decimal;
  negate(): Decimal;
  abs(): Decimal;
  quantize(exponent: number, rounding: "half_up" | "half_even" | "up" | "down"): Decimal;
  /** Plain notation, as Python's format(value, "f"): "2.70". */
  toString(): string;
  toJSON(): string;
}

/** What a customer bought, and since when. Read, and frozen, on first use. */
export interface Subscription {
  plan: string;
  period?: string | null;
  currency?: string | null;
  quantities?: Readonly<Record<string, Units>>;
  addons?: Readonly<Record<string, Units>>;
  variables?: Readonly<Record<string, Units | "unlimited">>;
  startedAt?: Moment | null;
  existing?: boolean;
  trial?: boolean;
  trialPlan?: string | null;
}

export interface CheckOptions {
  usage?: Units;
  requested?: Units;
  now?: Moment | null;
}
export interface QuoteOptions {
  usage?: Readonly<Record<string, Units>> | null;
  now?: Moment | null;
}
export interface MomentOptions {
  now?: Moment | null;
}

export interface EntitlementDict {
  feature: string;
  limit: Count | null;
  reset: string | null;
  reset_anchor: string;
  soft: boolean;
  sources: string[];
  type: string;
  unlimited: boolean;
  value: string | null;
  values: string[];
}
export declare class Entitlement {
  readonly feature: string;
  readonly type: "boolean" | "config" | "enum" | "metered";
  readonly limit: Count | null;
  readonly unlimited: boolean;
  readonly soft: boolean;
  readonly value: Decimal | null;
  readonly values: readonly string[];
  readonly reset: string | null;
  readonly resetAnchor: string;
  readonly sources: readonly string[];
  toDict(): EntitlementDict;
}

export interface DecisionDict {
  feature: string;
  has_access: boolean;
  limit: Count | null;
  over_limit: boolean;
  phase: PhaseValue | null;
  reason: ReasonValue | null;
  remaining: Count | null;
  requested: Count;
  reset: string | null;
  soft: boolean;
  trial_ends_at: Instant | null;
  unlimited: boolean;
  usage: Count;
  value: string | null;
  values: string[];
  window_end: Instant | null;
  window_start: Instant | null;
}
export declare class Decision {
  readonly feature: string;
  readonly hasAccess: boolean;
  readonly reason: ReasonValue | null;
  readonly limit: Count | null;
  readonly unlimited: boolean;
  readonly soft: boolean;
  readonly overLimit: boolean;
  readonly usage: Count;
  readonly requested: Count;
  readonly remaining: Count | null;
  readonly value: Decimal | null;
  readonly values: readonly string[];
  readonly reset: string | null;
  readonly windowStart: Instant | null;
  readonly windowEnd: Instant | null;
  readonly phase: PhaseValue | null;
  readonly trialEndsAt: Instant | null;
  toDict(): DecisionDict;
}

export interface LineDict {
  amount: string;
  description: string;
  item: string;
  quantity: Count;
}
export declare class Line {
  readonly item: string;
  readonly description: string;
  readonly quantity: Count;
  readonly amount: Decimal;
  toDict(): LineDict;
}

export interface QuoteDict {
  currency: string;
  lines: LineDict[];
  period: string;
  phase: PhaseValue;
  plan: string;
  total: string;
  trial_ends_at: Instant | null;
}
export declare class Quote {
  readonly currency: string;
  readonly period: string;
  readonly plan: string;
  readonly lines: readonly Line[];
  readonly total: Decimal;
  readonly phase: PhaseValue;
  readonly trialEndsAt: Instant | null;
  toDict(): QuoteDict;
}

export declare function subscription<T extends Subscription>(fields: T): Readonly<T>;
export declare function phase(sub: Subscription, options?: MomentOptions): PhaseValue;
export declare function entitlements(
  sub: Subscription,
  options?: MomentOptions,
): Readonly<Record<string, Entitlement>>;
export declare function check(sub: Subscription, feature: string, options?: CheckOptions): Decision;
export declare function allowed(sub: Subscription, feature: string, options?: CheckOptions): boolean;
export declare function quote(sub: Subscription, options?: QuoteOptions): Quote;
export declare function resetWindow(
  reset: "hour" | "day" | "week" | "month" | "year",
  anchor: string,
  startedAt: Moment,
  now: Moment,
): [Instant, Instant];
export declare function roundMoney(amount: Decimal | string | bigint | number, currency: string): Decimal;
export declare function formatMoney(amount: Decimal | string | bigint | number, currency: string): string;
export declare function formatNumber(n: number | bigint): string;
/** Canonical JSON of a toDict() value: Python's json.dumps(sort_keys=True, compact). */
export declare function dumps(value: unknown): string;

type Json = null | boolean | number | bigint | string | readonly Json[] | { readonly [key: string]: Json };
/** The resolved catalog as read-only data (money as decimal strings). */
export declare const CATALOG: {
  readonly product: { readonly [key: string]: Json };
  readonly features: { readonly [id: string]: { readonly [key: string]: Json } };
  readonly plans: { readonly [id: string]: { readonly [key: string]: Json } };
  readonly addons: { readonly [id: string]: { readonly [key: string]: Json } };
};
export declare const FEATURES: (typeof CATALOG)["features"];
export declare const PLANS: (typeof CATALOG)["plans"];
export declare const ADDONS: (typeof CATALOG)["addons"];
export declare const GENERATOR: string;
export declare const SOURCE_SHA256: string;
/** The environment the module was generated for (product.environments), or null without any. */
export declare const ENVIRONMENT: string | null;
/** Whether the module serves customers: the production environment, or no environments at all. */
export declare const IS_PRODUCTION: boolean;

/** Base of every error the module throws for bad arguments; ``reason`` as in Python. */
export declare class PricingError extends Error {
  readonly reason: ReasonValue | null;
}
export declare class InvalidArgumentError extends PricingError {}
export declare class UnknownPlanError extends PricingError {}
export declare class UnknownFeatureError extends PricingError {}
export declare class UnknownAddonError extends PricingError {}
export declare class UnknownCurrencyError extends PricingError {}
export declare class UnknownPeriodError extends PricingError {}
export declare class InvalidQuantityError extends PricingError {}
export declare class QuantityMissingError extends PricingError {}
export declare class QuantityOutOfRangeError extends PricingError {}
export declare class AddonNotCompatibleError extends PricingError {}
export declare class AddonQuantityExceededError extends PricingError {}
export declare class AddonRequirementMissingError extends PricingError {}
export declare class PlanArchivedError extends PricingError {}
export declare class PlanNotQuotableError extends PricingError {}
export declare class VariableEntitlementMissingError extends PricingError {}
export declare class VariableEntitlementUnknownError extends PricingError {}
export declare class FeatureNotInPlanError extends PricingError {}
export declare class UsageLimitExceededError extends PricingError {}
export declare class TrialBudgetExceededError extends PricingError {}
export declare class SubscriptionCancelledError extends PricingError {}
export declare class NaiveDatetimeError extends PricingError {}
export declare class InvalidMomentError extends PricingError {}
export declare class InvalidAmountError extends PricingError {}
export declare class TrialNotOfferedError extends PricingError {}
export declare class InvalidResetError extends PricingError {}
