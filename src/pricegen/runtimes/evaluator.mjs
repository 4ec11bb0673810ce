/**
 * A pricing evaluator: entitlement checks and price quotes for one catalog.
 *
 * Dependency-free ES module for Node 18+ and browsers; the JavaScript twin of
 * the generated Python module, held to the same answers by the conformance
 * suite (spec/conformance.md). Money is exact: a small decimal on BigInt,
 * never a JavaScript number. Moments are ISO 8601 strings (or Dates) to the
 * microsecond.
 *
 *   const sub = { plan: "pro", period: "monthly", currency: "USD",
 *                 quantities: { seats: 20 } };
 *   check(sub, "seats", { usage: 19 }).hasAccess;
 *   quote(sub, { usage: { "api-calls": 1500000 } }).total.toString();
 *
 * A subscription is a plain object, read (and frozen) on its first use.
 */

// -- data: begin. The catalog as JSON text, parsed on import ------------------
// The sample catalog tests/cases/valid/acme-full, so that this file runs,
// and is tested, as it is. Refresh: python tests/refresh_runtime_sample.py
export const GENERATOR = "pricegen 0.1.0";
export const SOURCE_SHA256 = "bcdbe6410377cd94bc1170845e8041db534bdfe49dd122a77a74f15e22cb66db";
const _PRODUCT_SOURCE = '{"id":"acme","name":"Acme Analytics","description":"","currencies":["USD","EUR"],"billing_periods":["monthly","annual"],"trial_end":"downgrade","rounding":"half_up","minor_units":{"USD":2,"EUR":2},"locale":"en_US","default_plan":"free","money_formats":{"USD":{"positive":["$",""],"negative":["-$",""],"group":",","decimal":".","grouping":[3,3]},"EUR":{"positive":["\\u20ac",""],"negative":["-\\u20ac",""],"group":",","decimal":".","grouping":[3,3]}},"number_format":{"group":",","decimal":".","grouping":[3,3]}}';
const _FEATURES_SOURCE = '{"sso":{"id":"sso","name":"Single sign-on","description":"","group":"","type":"boolean","unit":null,"values":[],"meter":null},"data-retention":{"id":"data-retention","name":"Data retention","description":"","group":"","type":"config","unit":["day","days"],"values":[],"meter":null},"export-format":{"id":"export-format","name":"Export format","description":"","group":"","type":"enum","unit":null,"values":["csv","parquet"],"meter":null},"seats":{"id":"seats","name":"Seats","description":"","group":"","type":"metered","unit":["seat","seats"],"values":[],"meter":"fluctuating"},"api-calls":{"id":"api-calls","name":"API calls","description":"","group":"","type":"metered","unit":["call","calls"],"values":[],"meter":"incremental"}}';
const _PLAN_SOURCES = '[{"id":"free","name":"Free","description":"","status":"published","default":true,"custom":false,"extends":null,"ancestors":[],"billing_periods":["monthly","annual"],"trial":null,"price":null,"charges":[],"entitlements":{"data-retention":{"value":"7"},"export-format":{"values":["csv"]},"seats":{"limit":3},"api-calls":{"limit":1000,"reset":"month"}}},{"id":"pro","name":"Pro","description":"","status":"published","default":false,"custom":false,"extends":"free","ancestors":["free"],"billing_periods":["monthly","annual"],"trial":{"days":14,"months":null,"credits":null},"price":{"monthly":{"USD":"29","EUR":"27"},"annual":{"USD":"290","EUR":"270"}},"charges":[{"feature":"seats","model":"graduated","billing":"in_advance","description":"","included":0,"price":null,"unit_price":null,"block_size":null,"block_price":null,"rounding":"up","tiers":[{"up_to":5,"unit_price":{"monthly":{"USD":"20","EUR":"18"},"annual":{"USD":"200","EUR":"180"}},"flat_price":{"monthly":{"USD":"10","EUR":"9"},"annual":{"USD":"100","EUR":"90"}},"price":null},{"up_to":10,"unit_price":{"monthly":{"USD":"15","EUR":"14"},"annual":{"USD":"150","EUR":"140"}},"flat_price":null,"price":null},{"up_to":null,"unit_price":{"monthly":{"USD":"10","EUR":"9"},"annual":{"USD":"100","EUR":"90"}},"flat_price":null,"price":null}]},{"feature":"api-calls","model":"per_unit","billing":"in_arrears","description":"","included":100000,"price":null,"unit_price":{"monthly":{"USD":"0.0027","EUR":"0.0025"},"annual":{"USD":"0.0027","EUR":"0.0025"}},"block_size":null,"block_price":null,"rounding":"up","tiers":[]}],"entitlements":{"sso":{},"data-retention":{"value":"30"},"export-format":{"values":["csv","parquet"]},"seats":{"limit":3,"source":"free"},"api-calls":{"limit":100000,"soft":true,"reset":"month"}}},{"id":"enterprise","name":"Enterprise","description":"","status":"published","default":false,"custom":true,"extends":"pro","ancestors":["pro","free"],"billing_periods":["monthly","annual"],"trial":null,"price":null,"charges":[],"entitlements":{"sso":{"source":"pro"},"data-retention":{"variable":true},"export-format":{"values":["csv","parquet"],"source":"pro"},"seats":{"unlimited":true},"api-calls":{"unlimited":true,"reset":"month"}}}]';
const _ADDON_SOURCES = '[{"id":"extra-seats","name":"10 extra seats","description":"","status":"published","plans":["pro"],"max_quantity":5,"requires":[],"excludes":[],"price":{"monthly":{"USD":"50","EUR":"45"},"annual":{"USD":"500","EUR":"450"}},"entitlements":{"seats":{"limit":10,"behavior":"increment"}}}]';
// -- data: end ----------------------------------------------------------------

const _PERIOD_NAMES = { monthly: "monthly", quarterly: "quarterly", annual: "annual" };

// -- errors -------------------------------------------------------------------

/** Why access was denied: a closed set, stable across versions. */
export const Reason = Object.freeze({
  UNKNOWN_PLAN: "unknown_plan",
  UNKNOWN_FEATURE: "unknown_feature",
  NOT_IN_PLAN: "not_in_plan",
  USAGE_LIMIT_EXCEEDED: "usage_limit_exceeded",
  BUDGET_EXCEEDED: "budget_exceeded",
  PLAN_ARCHIVED: "plan_archived",
  ADDON_NOT_COMPATIBLE: "addon_not_compatible",
  ADDON_QUANTITY_EXCEEDED: "addon_quantity_exceeded",
  ADDON_REQUIREMENT_MISSING: "addon_requirement_missing",
  SUBSCRIPTION_CANCELLED: "subscription_cancelled",
});

/** Where a subscription is at a moment: the one input every answer reads. */
export const Phase = Object.freeze({
  TRIALING: "trialing",
  ACTIVE: "active",
  DOWNGRADED: "downgraded",
  CANCELLED: "cancelled",
});

/** Base of every error this module throws for bad arguments. */
export class PricingError extends Error {}
PricingError.prototype.reason = null;

/** The error classes, named as in the Python module, with the same reasons. */
function _errorClass(name, reason = null, base = PricingError) {
  const cls = { [name]: class extends base {} }[name];
  Object.defineProperty(cls.prototype, "name", { value: name });
  Object.defineProperty(cls.prototype, "reason", { value: reason });
  return cls;
}
Object.defineProperty(PricingError.prototype, "name", { value: "PricingError" });

export const InvalidArgumentError = _errorClass("InvalidArgumentError");
export const UnknownPlanError = _errorClass("UnknownPlanError", Reason.UNKNOWN_PLAN);
export const UnknownFeatureError = _errorClass("UnknownFeatureError", Reason.UNKNOWN_FEATURE);
export const UnknownAddonError = _errorClass("UnknownAddonError", Reason.ADDON_NOT_COMPATIBLE);
export const UnknownCurrencyError = _errorClass("UnknownCurrencyError");
export const UnknownPeriodError = _errorClass("UnknownPeriodError");
export const InvalidQuantityError = _errorClass("InvalidQuantityError");
export const QuantityMissingError = _errorClass("QuantityMissingError");
export const QuantityOutOfRangeError = _errorClass("QuantityOutOfRangeError");
export const AddonNotCompatibleError = _errorClass(
  "AddonNotCompatibleError",
  Reason.ADDON_NOT_COMPATIBLE,
);
export const AddonQuantityExceededError = _errorClass(
  "AddonQuantityExceededError",
  Reason.ADDON_QUANTITY_EXCEEDED,
);
export const AddonRequirementMissingError = _errorClass(
  "AddonRequirementMissingError",
  Reason.ADDON_REQUIREMENT_MISSING,
);
export const PlanArchivedError = _errorClass("PlanArchivedError", Reason.PLAN_ARCHIVED);
export const PlanNotQuotableError = _errorClass("PlanNotQuotableError");
export const VariableEntitlementMissingError = _errorClass("VariableEntitlementMissingError");
export const VariableEntitlementUnknownError = _errorClass("VariableEntitlementUnknownError");
export const FeatureNotInPlanError = _errorClass("FeatureNotInPlanError", Reason.NOT_IN_PLAN);
export const UsageLimitExceededError = _errorClass(
  "UsageLimitExceededError",
  Reason.USAGE_LIMIT_EXCEEDED,
);
export const TrialBudgetExceededError = _errorClass(
  "TrialBudgetExceededError",
  Reason.BUDGET_EXCEEDED,
);
export const SubscriptionCancelledError = _errorClass(
  "SubscriptionCancelledError",
  Reason.SUBSCRIPTION_CANCELLED,
);
export const NaiveDatetimeError = _errorClass("NaiveDatetimeError");
export const InvalidMomentError = _errorClass("InvalidMomentError");
export const InvalidAmountError = _errorClass("InvalidAmountError");
export const TrialNotOfferedError = _errorClass("TrialNotOfferedError");
export const InvalidResetError = _errorClass("InvalidResetError");

/** A value as error messages show it: strings quoted, everything else as text. */
function _repr(value) {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Decimal) return `Decimal(${value})`;
  if (value instanceof Date) return `Date(${value.toISOString?.() ?? "invalid"})`;
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return String(value);
}

function _options(ids) {
  const names = [...ids].sort();
  return names.length ? names.map((n) => JSON.stringify(n)).join(", ") : "(none)";
}

/** An integer with thousands separators, as Python's f"{n:,}" writes it. */
function _commas(n) {
  const text = String(n);
  const sign = text.startsWith("-") ? "-" : "";
  return sign + _grouped(sign ? text.slice(1) : text, ",", [3, 3]);
}

// -- exact decimals -------------------------------------------------------------

const _TEN = 10n;
const _POWERS = [1n];
function _pow10(n) {
  while (_POWERS.length <= n) _POWERS.push(_POWERS[_POWERS.length - 1] * _TEN);
  return _POWERS[n];
}

const _DECIMAL_TEXT = /^([+-]?)(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d{1,4}))?$/;

/**
 * An exact decimal: ``coefficient \u00d7 10^exponent`` with a BigInt coefficient.
 *
 * Like Python's Decimal it keeps its exponent, so "2.70" stays "2.70": every
 * amount prints as the Python module prints it (format(value, "f")).
 */
export class Decimal {
  #c;
  #e;

  constructor(coefficient, exponent) {
    if (typeof coefficient !== "bigint" || !Number.isSafeInteger(exponent)) {
      throw new InvalidArgumentError(
        "new Decimal(coefficient, exponent) takes a BigInt and a whole number; " +
          'use Decimal.from("12.50") for text.',
      );
    }
    this.#c = coefficient;
    this.#e = exponent;
  }

  /** The BigInt coefficient: the value is coefficient x 10^exponent. */
  get coefficient() {
    return this.#c;
  }

  get exponent() {
    return this.#e;
  }

  /** A Decimal from a decimal string ("12.50"), a BigInt, a safe integer or a Decimal. */
  static from(value) {
    if (value instanceof Decimal) return value;
    if (typeof value === "bigint") return new Decimal(value, 0);
    if (typeof value === "number" && Number.isSafeInteger(value)) {
      return new Decimal(BigInt(value), 0);
    }
    if (typeof value === "string") {
      const match = _DECIMAL_TEXT.exec(value);
      if (match) {
        const [whole, fraction = ""] = match[2].split(".");
        const digits = BigInt((whole || "0") + fraction);
        const exponent = Number(match[3] || 0) - fraction.length;
        return new Decimal(match[1] === "-" ? -digits : digits, exponent);
      }
      if (/^[+-]?(nan|snan|inf|infinity)$/i.test(value.trim())) {
        throw new InvalidAmountError(
          `An amount must be a finite number below 10^100 in size, got ${value}.`,
        );
      }
    }
    throw new InvalidArgumentError(
      `A decimal must be a decimal string, a BigInt or a safe integer, got ${_repr(value)}; ` +
        'expected e.g. "12.50".',
    );
  }

  isZero() {
    return this.#c === 0n;
  }

  /** -1, 0 or 1 as this is below, equal to or above ``other``. */
  compare(other) {
    const a = this.#c;
    const b = other.#c;
    const e = Math.min(this.#e, other.#e);
    const x = this.#e === e ? a : a * _pow10(this.#e - e);
    const y = other.#e === e ? b : b * _pow10(other.#e - e);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  equals(other) {
    return other instanceof Decimal && this.compare(other) === 0;
  }

  add(other) {
    if (this.#e === other.#e) return new Decimal(this.#c + other.#c, this.#e);
    const e = Math.min(this.#e, other.#e);
    const x = this.#c * _pow10(this.#e - e);
    const y = other.#c * _pow10(other.#e - e);
    return new Decimal(x + y, e);
  }

  /** This times a whole number of units (a BigInt): exact, exponent kept. */
  times(units) {
    return new Decimal(this.#c * units, this.#e);
  }

  negate() {
    return new Decimal(-this.#c, this.#e);
  }

  abs() {
    return this.#c < 0n ? this.negate() : this;
  }

  /** Rounded to ``exponent`` (e.g. -2 for cents) with a rounding mode of the language. */
  quantize(exponent, rounding) {
    if (this.#e >= exponent) {
      return new Decimal(this.#c * _pow10(this.#e - exponent), exponent);
    }
    const divisor = _pow10(exponent - this.#e);
    const negative = this.#c < 0n;
    const size = negative ? -this.#c : this.#c;
    let quotient = size / divisor;
    const rest = size % divisor;
    if (rest !== 0n) {
      const twice = rest * 2n;
      if (
        rounding === "up" ||
        (rounding === "half_up" && twice >= divisor) ||
        (rounding === "half_even" && (twice > divisor || (twice === divisor && quotient % 2n)))
      ) {
        quotient += 1n;
      }
    }
    return new Decimal(negative ? -quotient : quotient, exponent);
  }

  /** The exponent of the shortest spelling (trailing zeros dropped); 0 for zero. */
  normalExponent() {
    if (this.#c === 0n) return 0;
    let c = this.#c;
    let e = this.#e;
    while (c % _TEN === 0n) {
      c /= _TEN;
      e += 1;
    }
    return e;
  }

  /** Plain notation with the exponent's digits: Python's format(value, "f"). */
  toString() {
    return this.toFixedDigits(Math.max(-this.#e, 0));
  }

  /** Plain notation with exactly ``digits`` fraction digits; never rounds (callers pad). */
  toFixedDigits(digits) {
    const negative = this.#c < 0n;
    let coefficient = negative ? -this.#c : this.#c;
    const exponent = this.#e;
    if (exponent > -digits) {
      coefficient *= _pow10(exponent + digits);
    } else if (exponent < -digits) {
      coefficient /= _pow10(-digits - exponent); // only trailing zeros go (see formatMoney)
    }
    let text = coefficient.toString();
    if (digits > 0) {
      text = text.padStart(digits + 1, "0");
      text = `${text.slice(0, -digits)}.${text.slice(-digits)}`;
    }
    return negative ? `-${text}` : text;
  }

  toJSON() {
    return this.toString();
  }

  [Symbol.for("nodejs.util.inspect.custom")]() {
    return `Decimal("${this.toString()}")`;
  }
}

const _ZERO = new Decimal(0n, 0);

function _orZero(value) {
  return value === null || value.isZero() ? _ZERO : value;
}

function _maxDecimal(a, b) {
  return b.compare(a) > 0 ? b : a; // the first of equals, as Python's max()
}

// -- numbers from callers -------------------------------------------------------

const _MAX_UNITS = 10n ** 30n; // keeps products with 100-digit prices exact
const _MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A BigInt as results carry it: a number when exact, else the BigInt. */
function _pub(n) {
  return n <= _MAX_SAFE && n >= -_MAX_SAFE ? Number(n) : n;
}

/** A whole number of units as a BigInt: no boolean, fraction, unsafe number or absurd size. */
function _whole(value, what) {
  let n;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) {
      throw new InvalidQuantityError(`${what} must be a whole number, got ${_repr(value)}.`);
    }
    if (value < 0) throw new InvalidQuantityError(`${what} must be at least 0, got ${value}.`);
    if (!Number.isSafeInteger(value)) {
      throw new InvalidQuantityError(
        `${what} must be a safe integer (at most 2^53 - 1) or a BigInt, got ${value}; ` +
          "a larger number is not exact in JavaScript.",
      );
    }
    n = BigInt(value);
  } else if (typeof value === "bigint") {
    n = value;
  } else if (value instanceof Decimal) {
    const whole = value.quantize(0, "down");
    if (whole.compare(value) !== 0) {
      throw new InvalidQuantityError(`${what} must be a whole number, got ${value}.`);
    }
    n = whole.coefficient;
  } else {
    throw new InvalidQuantityError(`${what} must be a whole number, got ${_repr(value)}.`);
  }
  if (n < 0n) throw new InvalidQuantityError(`${what} must be at least 0, got ${n}.`);
  if (n > _MAX_UNITS) {
    throw new QuantityOutOfRangeError(
      `${what} must be at most ${_commas(_MAX_UNITS)}, got ${_commas(n)}.`,
    );
  }
  return n;
}

/** The fast form of _whole() for the common case, a small number. */
function _units(value, what) {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0
    ? BigInt(value)
    : _whole(value, what);
}

// -- moments --------------------------------------------------------------------

const _US_PER_DAY = 86400000000n;
const _MIN_US = -62135596800000000n; // 0001-01-01T00:00:00Z
const _MAX_US = 253402300799999999n; // 9999-12-31T23:59:59.999999Z

/** Days since 1970-01-01 of a proleptic Gregorian date. */
function _daysFromCivil(year, month, day) {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month, day] of a count of days since 1970-01-01. */
function _civilFromDays(days) {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function _daysInMonth(year, month) {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** An instant in UTC to the microsecond (BigInt since 1970), in the years 1 to 9999. */
class _Moment {
  /** @param {bigint} us */
  constructor(us) {
    this.us = us;
    this._iso = null;
  }

  get days() {
    let d = this.us / _US_PER_DAY;
    if (this.us % _US_PER_DAY < 0n) d -= 1n;
    return Number(d);
  }

  /** Microseconds since midnight. */
  get time() {
    const rest = this.us % _US_PER_DAY;
    return rest < 0n ? rest + _US_PER_DAY : rest;
  }

  get iso() {
    if (this._iso === null) {
      const [year, month, day] = _civilFromDays(this.days);
      const time = Number(this.time);
      const micro = time % 1000000;
      const seconds = Math.floor(time / 1000000);
      const pad = (n, w = 2) => String(n).padStart(w, "0");
      const hms = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
      const fraction = micro ? `.${pad(micro, 6)}` : "";
      this._iso = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${hms}${fraction}Z`;
    }
    return this._iso;
  }
}

/** A moment from parts, or null when it falls outside the years 1 to 9999. */
function _placed(us) {
  return us < _MIN_US || us > _MAX_US ? null : new _Moment(us);
}

function _fromCivil(year, month, day, time) {
  return BigInt(_daysFromCivil(year, month, day)) * _US_PER_DAY + time;
}

const _ISO_MOMENT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/** A moment from a caller: an ISO 8601 string with its offset, or a Date. */
function _moment(value, name) {
  if (value instanceof _Moment) return value;
  let us;
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new NaiveDatetimeError(`${name} must be a valid Date, got an invalid one.`);
    us = BigInt(ms) * 1000n;
  } else if (typeof value === "string") {
    us = _parseIso(value, name);
  } else {
    throw new NaiveDatetimeError(
      `${name} must be an ISO 8601 moment with its offset (e.g. "2026-01-01T00:00:00Z") ` +
        `or a Date, got ${_repr(value)}.`,
    );
  }
  const moment = _placed(us);
  if (moment === null) {
    throw new InvalidMomentError(
      `${name} (${typeof value === "string" ? value : "a Date"}) falls outside the years 1 to ` +
        "9999 in UTC; expected a moment within them.",
    );
  }
  return moment;
}

function _parseIso(text, name) {
  const m = _ISO_MOMENT.exec(text);
  const fail = (why) => {
    throw new NaiveDatetimeError(`${name} must be ${why}, e.g. "2026-01-01T00:00:00Z"; got ${_repr(text)}.`);
  };
  if (!m) fail("an ISO 8601 moment");
  if (!m[8] && !m[9]) fail("timezone-aware: an ISO 8601 moment with Z or an offset");
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const second = Number(m[6] || 0);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) fail("a valid moment");
  if (year < 1) {
    throw new InvalidMomentError(`${name} (${text}) falls outside the years 1 to 9999; expected a moment within them.`);
  }
  if (day < 1 || day > _daysInMonth(year, month)) fail("a valid date");
  const micro = Number((m[7] || "").padEnd(6, "0"));
  let offset = 0;
  if (m[9]) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 23 || om > 59) fail("a moment with a valid offset");
    offset = (m[9] === "-" ? -1 : 1) * (oh * 60 + om) * 60;
  }
  const time = BigInt(((hour * 60 + minute) * 60 + second - offset) * 1000000 + micro);
  return _fromCivil(year, month, day, 0n) + time;
}

const _tooLate = (what) => new InvalidMomentError(what);

/** ``months`` later at the same day and time, clamped to the month's end; null past 9999. */
function _addMonths(anchor, months) {
  const [year, month, day] = _civilFromDays(anchor.days);
  const index = month - 1 + months;
  const y = year + Math.floor(index / 12);
  const mo = (index % 12) + 1;
  if (y > 9999) return null;
  return _placed(_fromCivil(y, mo, Math.min(day, _daysInMonth(y, mo)), anchor.time));
}

// -- catalog --------------------------------------------------------------------

const _INTEGER_FIELDS = new Set(["limit", "included", "up_to", "block_size", "max_quantity"]);

function _deepFreeze(value) {
  if (value && typeof value === "object") {
    for (const item of Object.values(value)) _deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** Integers beyond 2^53 reach the data as decimal strings; as BigInt here. */
function _bigIntegers(value) {
  if (Array.isArray(value)) return value.map(_bigIntegers);
  if (value && typeof value === "object") {
    const out = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = _INTEGER_FIELDS.has(key) && typeof item === "string" ? BigInt(item) : _bigIntegers(item);
    }
    return out;
  }
  return value;
}

const _ENTITLEMENT_FIELDS = [
  "type",
  "value",
  "values",
  "limit",
  "unlimited",
  "soft",
  "reset",
  "reset_anchor",
  "variable",
  "behavior",
  "source",
];

const _PRODUCT = _deepFreeze(JSON.parse(_PRODUCT_SOURCE));
const _FEATURE_DATA = JSON.parse(_FEATURES_SOURCE);

/** A plan's or add-on's data with what the generator left out as implied put back. */
function _packageData(data) {
  for (const [fid, ent] of Object.entries(data.entitlements)) {
    ent.type ??= _FEATURE_DATA[fid].type;
    ent.reset_anchor ??= "subscription_start";
    ent.source ??= data.id;
    const ordered = {};
    for (const key of _ENTITLEMENT_FIELDS) if (key in ent) ordered[key] = ent[key];
    data.entitlements[fid] = ordered;
  }
  return _bigIntegers(data);
}

function _byId(list) {
  const out = {};
  for (const item of list) out[item.id] = item;
  return out;
}

/** The resolved catalog as read-only data: money as decimal strings, as in catalog.json. */
export const CATALOG = _deepFreeze({
  product: _PRODUCT,
  features: _FEATURE_DATA,
  plans: _byId(JSON.parse(_PLAN_SOURCES).map(_packageData)),
  addons: _byId(JSON.parse(_ADDON_SOURCES).map(_packageData)),
});
export const FEATURES = CATALOG.features;
export const PLANS = CATALOG.plans;
export const ADDONS = CATALOG.addons;

// The environment this module was generated for (product.environments): its
// name, or null for a catalog without environments, which serves customers.
const _ENVIRONMENT = _PRODUCT.environment ?? {};
/** The environment's name (product.environments), or null for a catalog without any. */
export const ENVIRONMENT = _ENVIRONMENT.name ?? null;
/** Whether this module serves customers: production, or a catalog without environments. */
export const IS_PRODUCTION = (_ENVIRONMENT.type ?? "production") === "production";

function _moneyMap(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return Decimal.from(value);
  const out = {};
  for (const [key, item] of Object.entries(value)) out[key] = _moneyMap(item);
  return out;
}

/** A package with its money as Decimal, for the evaluator's own use. */
function _compiledPackage(data) {
  const charges = (data.charges || []).map((charge) => ({
    ...charge,
    price: _moneyMap(charge.price),
    unit_price: _moneyMap(charge.unit_price),
    block_price: _moneyMap(charge.block_price),
    included: BigInt(charge.included),
    block_size: charge.block_size === null ? null : BigInt(charge.block_size),
    tiers: charge.tiers.map((tier) => ({
      up_to: tier.up_to === null ? null : BigInt(tier.up_to),
      unit_price: _moneyMap(tier.unit_price),
      flat_price: _moneyMap(tier.flat_price),
      price: _moneyMap(tier.price),
    })),
  }));
  const entitlements = {};
  for (const [fid, ent] of Object.entries(data.entitlements)) {
    entitlements[fid] = {
      ...ent,
      limit: ent.limit === undefined || ent.limit === null ? null : BigInt(ent.limit),
      value: ent.value === undefined || ent.value === null ? null : Decimal.from(ent.value),
    };
  }
  let trial = data.trial;
  if (trial && trial.credits) trial = { ...trial, credits: _moneyMap(trial.credits) };
  return {
    ...data,
    price: _moneyMap(data.price),
    trial,
    charges,
    entitlements,
    max_quantity: data.max_quantity === undefined ? undefined : BigInt(data.max_quantity),
  };
}

const _PLANS = new Map(Object.entries(PLANS).map(([k, v]) => [k, _compiledPackage(v)]));
const _ADDONS = new Map(Object.entries(ADDONS).map(([k, v]) => [k, _compiledPackage(v)]));
const _FEATURES = new Map(Object.entries(FEATURES));
const _QUANTA = new Map(Object.entries(_PRODUCT.minor_units).map(([c, d]) => [c, -d]));
const _ROUNDING = _PRODUCT.rounding;

function _plan(planId) {
  const plan = typeof planId === "string" ? _PLANS.get(planId) : undefined;
  if (plan === undefined) {
    throw new UnknownPlanError(`Unknown plan ${_repr(planId)}; expected one of ${_options(_PLANS.keys())}.`);
  }
  return plan;
}

function _addon(addonId) {
  const addon = typeof addonId === "string" ? _ADDONS.get(addonId) : undefined;
  if (addon === undefined) {
    throw new UnknownAddonError(`Unknown add-on ${_repr(addonId)}; expected one of ${_options(_ADDONS.keys())}.`);
  }
  return addon;
}

function _feature(featureId) {
  const feature = typeof featureId === "string" ? _FEATURES.get(featureId) : undefined;
  if (feature === undefined) {
    throw new UnknownFeatureError(
      `Unknown feature ${_repr(featureId)}; expected one of ${_options(_FEATURES.keys())}.`,
    );
  }
  return feature;
}

// -- results --------------------------------------------------------------------

function _plain(value) {
  if (value instanceof Decimal) return value.toString();
  if (value instanceof _Moment) return value.iso;
  if (Array.isArray(value)) return value.map(_plain);
  return value;
}

/** One feature's effective grant for a subscription. */
export class Entitlement {
  constructor(fields) {
    this.feature = fields.feature;
    this.type = fields.type;
    this._limit = fields.limit; // BigInt or null
    this.limit = fields.limit === null ? null : _pub(fields.limit);
    this.unlimited = fields.unlimited;
    this.soft = fields.soft;
    this.value = fields.value;
    this.values = fields.values;
    this.reset = fields.reset;
    this.resetAnchor = fields.resetAnchor;
    this.sources = fields.sources;
    Object.defineProperty(this, "_limit", { enumerable: false });
    Object.freeze(this);
  }

  _fields() {
    return {
      feature: this.feature,
      type: this.type,
      limit: this._limit,
      unlimited: this.unlimited,
      soft: this.soft,
      value: this.value,
      values: this.values,
      reset: this.reset,
      resetAnchor: this.resetAnchor,
      sources: this.sources,
    };
  }

  /** The Python to_dict(): snake_case keys, the value as a decimal string. */
  toDict() {
    return {
      feature: this.feature,
      limit: this.limit,
      reset: this.reset,
      reset_anchor: this.resetAnchor,
      soft: this.soft,
      sources: [...this.sources],
      type: this.type,
      unlimited: this.unlimited,
      value: _plain(this.value),
      values: [...this.values],
    };
  }
}

function _replace(ent, changes) {
  return new Entitlement({ ...ent._fields(), ...changes });
}

const _INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * Results hold their fields privately and show them through getters: immutable like
 * the Python module's frozen dataclasses, without the cost of Object.freeze per call.
 */
function _fieldGetters(cls, names) {
  for (const name of names) {
    Object.defineProperty(cls.prototype, name, {
      get() {
        return this._fields()[name];
      },
      enumerable: true,
      configurable: false,
    });
  }
  cls.prototype.toJSON = function toJSON() {
    return Object.fromEntries(Object.keys(this._fields()).map((name) => [name, this[name]]));
  };
  cls.prototype[_INSPECT] = function inspect(depth, options, inspect) {
    return `${cls.name} ${inspect(this.toJSON(), options)}`;
  };
}

/** The answer of check(): may this subscription use this feature now? */
export class Decision {
  #f;

  constructor(fields) {
    this.#f = { ...fields };
  }

  static _of(fields) {
    const decision = new Decision(_NO_FIELDS);
    decision.#f = fields; // check()'s own fresh object: no copy needed
    return decision;
  }

  _fields() {
    return this.#f;
  }

  toDict() {
    const f = this.#f;
    return {
      feature: f.feature,
      has_access: f.hasAccess,
      limit: f.limit,
      over_limit: f.overLimit,
      phase: f.phase,
      reason: f.reason,
      remaining: f.remaining,
      requested: f.requested,
      reset: f.reset,
      soft: f.soft,
      trial_ends_at: f.trialEndsAt,
      unlimited: f.unlimited,
      usage: f.usage,
      value: _plain(f.value),
      values: [...f.values],
      window_end: f.windowEnd,
      window_start: f.windowStart,
    };
  }
}
const _NO_FIELDS = Object.freeze({});
_fieldGetters(Decision, [
  "feature",
  "hasAccess",
  "reason",
  "limit",
  "unlimited",
  "soft",
  "overLimit",
  "usage",
  "requested",
  "remaining",
  "value",
  "values",
  "reset",
  "windowStart",
  "windowEnd",
  "phase",
  "trialEndsAt",
]);

/** One line item of a quote; ``amount`` is rounded to the currency's minor unit. */
export class Line {
  #item;
  #description;
  #describe; // formats the description on first read
  #quantity;
  #amount;

  constructor(item, description, quantity, amount, describe = null) {
    this.#item = item;
    this.#description = description;
    this.#describe = describe;
    this.#quantity = quantity;
    this.#amount = amount;
  }

  get item() {
    return this.#item;
  }

  get quantity() {
    return this.#quantity;
  }

  get amount() {
    return this.#amount;
  }

  get description() {
    if (this.#describe !== null) {
      this.#description = this.#describe();
      this.#describe = null;
    }
    return this.#description;
  }

  _fields() {
    return { item: this.item, description: this.description, quantity: this.quantity, amount: this.amount };
  }

  toDict() {
    return {
      amount: this.#amount.toString(),
      description: this.description,
      item: this.#item,
      quantity: this.#quantity,
    };
  }
}
_fieldGetters(Line, []);
Line.prototype.toJSON = function toJSON() {
  return this._fields();
};

/** What a subscription costs for one period, in the phase it is in. */
export class Quote {
  #f;

  constructor(currency, period, plan, lines, total, phase, trialEndsAt) {
    this.#f = { currency, period, plan, lines, total, phase, trialEndsAt };
  }

  _fields() {
    return this.#f;
  }

  toDict() {
    const f = this.#f;
    return {
      currency: f.currency,
      lines: f.lines.map((line) => line.toDict()),
      period: f.period,
      phase: f.phase,
      plan: f.plan,
      total: f.total.toString(),
      trial_ends_at: f.trialEndsAt,
    };
  }
}
_fieldGetters(Quote, ["currency", "period", "plan", "total", "phase", "trialEndsAt"]);
Object.defineProperty(Quote.prototype, "lines", {
  get() {
    return Object.freeze(this._fields().lines); // frozen on first read, not on every quote
  },
  enumerable: true,
});

/**
 * JSON text of a toDict() value, byte for byte as Python writes
 * ``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``:
 * sorted keys, BigInts as plain digits. The conformance suite compares this text.
 */
export function dumps(value) {
  if (value === null || value === undefined) return "null";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new InvalidArgumentError(`dumps() writes whole numbers only, got ${value}.`);
    }
    return String(value);
  }
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (value instanceof Decimal) return JSON.stringify(value.toString());
  if (Array.isArray(value)) return `[${value.map(dumps).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${dumps(value[k])}`).join(",")}}`;
}

// -- subscriptions ----------------------------------------------------------------

const _SUBSCRIPTION_FIELDS = new Set([
  "plan",
  "period",
  "currency",
  "quantities",
  "addons",
  "variables",
  "startedAt",
  "existing",
  "trial",
  "trialPlan",
]);

/** A subscription as the evaluator reads it, with its answers cached. */
class _Sub {
  constructor(plan, period, currency, quantities, addons, variables, startedAt, existing, trial, trialPlan) {
    this.plan = plan;
    this.period = period;
    this.currency = currency;
    this.quantities = quantities; // Map id -> value as given
    this.addons = addons;
    this.variables = variables;
    this.startedAt = startedAt; // _Moment or null
    this.existing = existing;
    this.trial = trial;
    this.trialPlan = trialPlan;
    this.cache = new Map();
    this.state = null; // the state without a moment
  }
}

const _SUBS = new WeakMap();

function _text(value, name, optional) {
  if (typeof value === "string") return value;
  if (optional && (value === undefined || value === null)) return null;
  const expected = optional ? "an id (a string), null or left out" : "an id (a string)";
  throw new InvalidArgumentError(`${name} must be ${expected}, got ${_repr(value)}.`);
}

function _flag(value, name) {
  if (value === undefined) return false;
  if (typeof value !== "boolean") {
    throw new InvalidArgumentError(`${name} must be true or false, got ${_repr(value)}.`);
  }
  return value;
}

function _isPlainObject(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function _idMap(value, name) {
  if (value === undefined) return new Map();
  if (!_isPlainObject(value) || Object.getOwnPropertySymbols(value).length) {
    throw new InvalidArgumentError(
      `${name} must be a plain object of id to number, e.g. {seats: 5}; got ${_repr(value)}.`,
    );
  }
  return new Map(Object.entries(value));
}

/** The subscription object's reading, made (and the object frozen) on its first use. */
function _sub(value) {
  const known = value !== null && typeof value === "object" ? _SUBS.get(value) : undefined;
  if (known !== undefined) return known;
  if (!_isPlainObject(value)) {
    throw new InvalidArgumentError(
      `A subscription must be a plain object such as {plan: "pro"}, got ${_repr(value)}.`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!_SUBSCRIPTION_FIELDS.has(key)) {
      throw new InvalidArgumentError(
        `A subscription has no field ${_repr(key)}; expected ${_options(_SUBSCRIPTION_FIELDS)}.`,
      );
    }
  }
  const sub = new _Sub(
    _text(value.plan, "plan", false),
    _text(value.period, "period", true),
    _text(value.currency, "currency", true),
    _idMap(value.quantities, "quantities"),
    _idMap(value.addons, "addons"),
    _idMap(value.variables, "variables"),
    value.startedAt === undefined || value.startedAt === null ? null : _moment(value.startedAt, "startedAt"),
    _flag(value.existing, "existing"),
    _flag(value.trial, "trial"),
    _text(value.trialPlan, "trialPlan", true),
  );
  for (const name of ["quantities", "addons", "variables"]) {
    if (value[name] !== undefined) Object.freeze(value[name]);
  }
  Object.freeze(value);
  _SUBS.set(value, sub);
  return sub;
}

/** A frozen copy of a subscription, checked now rather than on first use. */
export function subscription(fields) {
  if (!_isPlainObject(fields)) _sub(fields); // throws the usual error
  const copy = { ...fields };
  for (const name of ["quantities", "addons", "variables"]) {
    if (_isPlainObject(copy[name])) copy[name] = { ...copy[name] };
  }
  _sub(copy);
  return copy;
}

const _OPTION_NAMES = {
  check: new Set(["usage", "requested", "now"]),
  quote: new Set(["usage", "now"]),
  moment: new Set(["now"]),
};

function _optionsOf(options, kind, call) {
  if (options === undefined || options === null) return _NO_OPTIONS;
  if (!_isPlainObject(options)) {
    throw new InvalidArgumentError(`${call}() takes an options object, got ${_repr(options)}.`);
  }
  const names = _OPTION_NAMES[kind];
  for (const key in options) {
    if (!names.has(key)) {
      throw new InvalidArgumentError(`${call}() has no option ${_repr(key)}; expected ${_options(names)}.`);
    }
  }
  return options;
}
const _NO_OPTIONS = Object.freeze({});

// -- phases -----------------------------------------------------------------------

/** A subscription in one phase, with the answers that depend on it cached. */
class _State {
  constructor(phase, trialEndsAt, effective, withTrialPlan) {
    this.phase = phase;
    this.trialEndsAt = trialEndsAt; // _Moment or null
    this.trialEndsIso = trialEndsAt === null ? null : trialEndsAt.iso;
    this.effective = effective; // _Sub, or null when cancelled
    this.withTrialPlan = withTrialPlan;
    this.rules = new Map(); // feature -> rule or Reason
    this.most = new Map(); // feature -> allowed() bound
    this.windows = new Map(); // feature -> [start, end]
    this.usage = new Map(); // feature -> how quote() takes its usage
  }
}

/** The subscription's phase at ``now``: what every other call answers from. */
export function phase(subscription, options) {
  const sub = _sub(subscription);
  return _state(sub, _optionsOf(options, "moment", "phase").now).phase;
}

function _state(sub, now) {
  if (now === undefined || now === null) {
    if (sub.state === null) sub.state = _newState(sub, null);
    return sub.state;
  }
  const moment = _moment(now, "now");
  if (sub.startedAt !== null && moment.us < sub.startedAt.us) {
    throw new InvalidMomentError(
      `now (${moment.iso}) is before the subscription started (${sub.startedAt.iso}); ` +
        "expected a moment after startedAt.",
    );
  }
  if (!sub.trial && sub.trialPlan === null) return _state(sub, null);
  const trialOver = sub.trial && _trialOver(sub, sub.plan, moment);
  const sideOver = sub.trialPlan !== null && _trialOver(sub, sub.trialPlan, moment);
  const key = `state:${trialOver}:${sideOver}`;
  let state = sub.cache.get(key);
  if (state === undefined) {
    state = _newState(sub, moment);
    sub.cache.set(key, state);
  }
  return state;
}

function _newState(sub, moment) {
  const side = sub.trialPlan !== null && (moment === null || !_trialOver(sub, sub.trialPlan, moment));
  if (!sub.trial) return new _State(Phase.ACTIVE, null, sub, side);
  const ends = _trialEnd(sub, sub.plan);
  if (moment === null || !_trialOver(sub, sub.plan, moment)) {
    return new _State(Phase.TRIALING, ends, sub, side);
  }
  if (_PRODUCT.trial_end === "cancel") return new _State(Phase.CANCELLED, ends, null, false);
  return new _State(Phase.DOWNGRADED, ends, _downgraded(sub), false);
}

function _trialOver(sub, planId, moment) {
  const ends = _trialEnd(sub, planId);
  if (ends === null && _trialHasLength(planId)) {
    throw new InvalidMomentError(
      `The trial of ${_repr(planId)} lasts a number of days or months; expected startedAt on ` +
        "the subscription to tell whether it has ended.",
    );
  }
  return ends !== null && moment.us >= ends.us;
}

function _trialHasLength(planId) {
  const trial = _offersTrial(planId, _plan(planId)).trial;
  return Boolean(trial.days || trial.months);
}

function _trialEnd(sub, planId) {
  const key = `trial_end:${planId}`;
  if (sub.cache.has(key)) return sub.cache.get(key);
  const trial = _offersTrial(planId, _plan(planId)).trial;
  let ends = null;
  if (sub.startedAt !== null && _trialHasLength(planId)) {
    const started = sub.startedAt;
    const endsBy = [];
    const late = () =>
      _tooLate(
        `The trial of ${_repr(planId)} started at ${started.iso} would end after the year 9999; ` +
          "expected an earlier startedAt.",
      );
    if (trial.days) {
      const end = _placed(started.us + BigInt(trial.days) * _US_PER_DAY);
      if (end === null) throw late();
      endsBy.push(end);
    }
    if (trial.months) {
      const end = _addMonths(started, trial.months);
      if (end === null) throw late();
      endsBy.push(end);
    }
    ends = endsBy.reduce((a, b) => (b.us < a.us ? b : a));
  }
  sub.cache.set(key, ends);
  return ends;
}

function _downgraded(sub) {
  let cached = sub.cache.get("downgraded");
  if (cached === undefined) {
    const defaultId = _PRODUCT.default_plan;
    const fallback = _plan(defaultId);
    const period = fallback.billing_periods.includes(sub.period) ? sub.period : null;
    cached = new _Sub(defaultId, period, sub.currency, new Map(), new Map(), new Map(), sub.startedAt, false, false, null);
    sub.cache.set("downgraded", cached);
  }
  return cached;
}

// -- entitlements -----------------------------------------------------------------

const _NO_ENTITLEMENTS = Object.freeze(Object.create(null));

/** The effective entitlements at ``now``, by feature id, in catalog order. */
export function entitlements(subscription, options) {
  const sub = _sub(subscription);
  return _stateEntitlements(_state(sub, _optionsOf(options, "moment", "entitlements").now));
}

function _stateEntitlements(state) {
  const sub = state.effective;
  if (sub === null) return _NO_ENTITLEMENTS;
  const key = `entitlements:${state.withTrialPlan}`;
  let cached = sub.cache.get(key);
  if (cached === undefined) {
    cached = Object.freeze(_computeEntitlements(sub, state.withTrialPlan));
    sub.cache.set(key, cached);
  }
  return cached;
}

function _validated(sub) {
  let cached = sub.cache.get("valid");
  if (cached === undefined) {
    const plan = _plan(sub.plan);
    if (sub.trial) _offersTrial(sub.plan, plan);
    const addons = _validatedAddons(sub);
    const variables = _variables(sub, plan);
    const quantities = _quantities(sub, plan);
    if (sub.trialPlan !== null) _offersTrial(sub.trialPlan, _plan(sub.trialPlan));
    cached = { plan, quantities, addons, variables };
    sub.cache.set("valid", cached);
  }
  return cached;
}

function _computeEntitlements(sub, withTrialPlan) {
  const { plan, quantities, addons, variables } = _validated(sub);
  const grants = new Map(_packageGrants("plan", plan));
  for (const [fid, grant] of variables) grants.set(fid, grant);
  for (const [fid, quantity] of quantities) {
    const base = grants.get(fid) || _grant(fid, { type: "metered", source: sub.plan });
    grants.set(fid, _replace(base, { limit: quantity, unlimited: false, sources: ["quantity"] }));
  }
  _applyAddons(addons, grants);
  if (withTrialPlan && sub.trialPlan !== null) {
    const trial = _plan(sub.trialPlan);
    for (const [fid, other] of _packageGrants("plan", trial)) {
      if (!trial.entitlements[fid].variable) grants.set(fid, _moreGenerous(grants.get(fid), other));
    }
  }
  const result = Object.create(null);
  for (const fid of _FEATURES.keys()) if (grants.has(fid)) result[fid] = grants.get(fid);
  return result;
}

function _offersTrial(planId, plan) {
  if (!plan.trial) {
    throw new TrialNotOfferedError(`Plan ${_repr(planId)} has no trial; expected a plan that offers one.`);
  }
  return plan;
}

function _variables(sub, plan) {
  const variable = Object.entries(plan.entitlements)
    .filter(([, ent]) => ent.variable)
    .map(([fid]) => fid);
  for (const fid of sub.variables.keys()) {
    if (!variable.includes(fid)) {
      throw new VariableEntitlementUnknownError(
        `Plan ${_repr(sub.plan)} does not set ${_repr(fid)} per subscription; expected ` +
          `variables for ${_options(variable)}.`,
      );
    }
  }
  const grants = _packageGrants("plan", plan);
  return new Map(variable.map((fid) => [fid, _variable(sub, fid, grants.get(fid))]));
}

function _variable(sub, fid, grant) {
  if (!sub.variables.has(fid)) {
    throw new VariableEntitlementMissingError(
      `Plan ${_repr(sub.plan)} sets ${_repr(fid)} per subscription; expected variables: {${_repr(fid)}: ...}.`,
    );
  }
  const raw = sub.variables.get(fid);
  const what = `Variable entitlement ${_repr(fid)}`;
  if (grant.type === "metered") {
    if (raw === "unlimited") {
      return _replace(grant, { limit: null, unlimited: true, sources: ["subscription"] });
    }
    return _replace(grant, { limit: _whole(raw, what), unlimited: false, sources: ["subscription"] });
  }
  let value = null;
  if (typeof raw === "bigint") value = new Decimal(raw, 0);
  else if (typeof raw === "number" && Number.isSafeInteger(raw)) value = new Decimal(BigInt(raw), 0);
  else if (raw instanceof Decimal) value = raw;
  if (value === null || value.coefficient < 0n) {
    throw new InvalidQuantityError(
      `${what} must be a number of at least 0 (a safe integer, a BigInt or a Decimal), got ${_repr(raw)}.`,
    );
  }
  if (value.compare(new Decimal(_MAX_UNITS, 0)) > 0) {
    throw new QuantityOutOfRangeError(`${what} must be at most ${_commas(_MAX_UNITS)}, got ${value}.`);
  }
  return _replace(grant, { value, sources: ["subscription"] });
}

function _quantities(sub, plan) {
  const sold = new Map(plan.charges.filter((c) => c.billing === "in_advance").map((c) => [c.feature, c]));
  for (const fid of sub.quantities.keys()) {
    if (!sold.has(fid)) {
      _feature(fid);
      const expected = sold.size
        ? `quantities for ${_options(sold.keys())}`
        : "no quantities, as it sells nothing in advance";
      throw new InvalidQuantityError(
        `Plan ${_repr(sub.plan)} does not sell ${_repr(fid)} in advance; expected ${expected}.`,
      );
    }
  }
  const quantities = new Map();
  for (const [fid, charge] of sold) {
    if (!sub.quantities.has(fid)) {
      throw new QuantityMissingError(
        `Plan ${_repr(sub.plan)} sells ${_repr(fid)} in advance; expected quantities: {${_repr(fid)}: ...}.`,
      );
    }
    const quantity = _whole(sub.quantities.get(fid), `Quantity of ${_repr(fid)}`);
    _withinStairstep(charge, quantity);
    quantities.set(fid, quantity);
  }
  return quantities;
}

function _stairstepBound(charge) {
  if (charge.model !== "stairstep") return null;
  const last = charge.tiers[charge.tiers.length - 1];
  return last.up_to === null ? null : charge.included + last.up_to;
}

function _withinStairstep(charge, quantity) {
  const bound = _stairstepBound(charge);
  if (bound !== null && quantity > bound) {
    const last = charge.tiers[charge.tiers.length - 1].up_to;
    const included = charge.included ? `${_commas(charge.included)} included and ` : "";
    throw new QuantityOutOfRangeError(
      `${_commas(quantity)} units of ${_repr(charge.feature)} exceed the last stairstep tier; ` +
        `expected at most ${_commas(bound)} (${included}up to ${_commas(last)} in the last tier).`,
    );
  }
}

const _GRANTS = new Map(); // "plan:id" or "addon:id" -> Map feature -> Entitlement

function _packageGrants(kind, pkg) {
  const key = `${kind}:${pkg.id}`;
  let grants = _GRANTS.get(key);
  if (grants === undefined) {
    grants = new Map(Object.entries(pkg.entitlements).map(([fid, ent]) => [fid, _grant(fid, ent)]));
    _GRANTS.set(key, grants);
  }
  return grants;
}

function _grant(fid, ent) {
  return new Entitlement({
    feature: fid,
    type: ent.type,
    limit: ent.limit ?? null,
    unlimited: Boolean(ent.unlimited),
    soft: Boolean(ent.soft),
    value: ent.value ?? null,
    values: Object.freeze([...(ent.values || [])]),
    reset: ent.reset ?? null,
    resetAnchor: ent.reset_anchor || "subscription_start",
    sources: Object.freeze([ent.source]),
  });
}

function _validatedAddons(sub) {
  if (sub.addons.size === 0) return [];
  for (const addonId of sub.addons.keys()) _addon(addonId);
  const chosen = [];
  for (const [addonId, addon] of _ADDONS) {
    if (!sub.addons.has(addonId)) continue;
    const count = _whole(sub.addons.get(addonId), `Quantity of add-on ${_repr(addonId)}`);
    if (count === 0n) continue;
    if (!addon.plans.includes(sub.plan)) {
      throw new AddonNotCompatibleError(
        `Add-on ${_repr(addonId)} cannot be used with plan ${_repr(sub.plan)}; it is compatible ` +
          `with ${_options(addon.plans)}.`,
      );
    }
    if (count > addon.max_quantity) {
      throw new AddonQuantityExceededError(
        `Add-on ${_repr(addonId)} may be bought at most ${addon.max_quantity} times, got ${count}.`,
      );
    }
    if (addon.status === "archived" && !sub.existing) {
      throw new PlanArchivedError(
        `Add-on ${_repr(addonId)} is archived and sells to no new customer; pass existing: true ` +
          "for a subscription that already has it.",
      );
    }
    chosen.push([addonId, addon, count]);
  }
  const present = new Set(chosen.map(([addonId]) => addonId));
  for (const [addonId, addon] of chosen) {
    const missing = addon.requires.filter((r) => !present.has(r));
    if (missing.length) {
      throw new AddonRequirementMissingError(
        `Add-on ${_repr(addonId)} requires ${_options(missing)}; add it to the subscription.`,
      );
    }
    const clash = addon.excludes.filter((x) => present.has(x));
    if (clash.length) {
      throw new AddonNotCompatibleError(`Add-on ${_repr(addonId)} cannot be combined with ${_options(clash)}.`);
    }
  }
  return chosen;
}

function _applyAddons(chosen, grants) {
  for (const behavior of ["override", "increment"]) {
    for (const [, addon, count] of chosen) {
      const extras = _packageGrants("addon", addon);
      for (const [fid, ent] of Object.entries(addon.entitlements)) {
        if (_behavior(ent) !== behavior) continue;
        grants.set(fid, _combine(grants.get(fid), extras.get(fid), behavior, count));
      }
    }
  }
}

function _behavior(ent) {
  return ent.behavior || (ent.type === "metered" ? "increment" : "override");
}

function _combine(base, extra, behavior, count) {
  if (base === undefined) {
    if (behavior === "increment" && extra.type === "metered" && !extra.unlimited) {
      return _replace(extra, { limit: extra._limit * count });
    }
    if (behavior === "increment" && extra.type === "config") {
      return _replace(extra, { value: _orZero(extra.value).times(count) });
    }
    return extra;
  }
  if (behavior === "override" || extra.type === "boolean" || extra.type === "enum") {
    return _moreGenerous(base, extra);
  }
  const sources = Object.freeze([...base.sources, ...extra.sources]);
  if (extra.type === "metered") {
    if (base.unlimited || extra.unlimited) {
      return _replace(base, { limit: null, unlimited: true, sources });
    }
    const limit = (base._limit ?? 0n) + extra._limit * count;
    return _replace(base, { limit, soft: base.soft || extra.soft, sources });
  }
  const value = _orZero(base.value).add(_orZero(extra.value).times(count));
  return _replace(base, { value, sources });
}

function _moreGenerous(a, b) {
  if (a === undefined) return b;
  const sources = Object.freeze([...a.sources, ...b.sources.filter((s) => !a.sources.includes(s))]);
  if (a.type === "enum") {
    const values = Object.freeze([...a.values, ...b.values.filter((v) => !a.values.includes(v))]);
    return _replace(a, { values, sources });
  }
  if (a.type === "metered") {
    const soft = a.soft || b.soft;
    if (a.unlimited || b.unlimited) return _replace(a, { limit: null, unlimited: true, soft, sources });
    const x = a._limit ?? 0n;
    const y = b._limit ?? 0n;
    return _replace(a, { limit: y > x ? y : x, soft, sources });
  }
  if (a.type === "config") {
    return _replace(a, { value: _maxDecimal(_orZero(a.value), _orZero(b.value)), sources });
  }
  return _replace(a, { sources });
}

// -- checks -----------------------------------------------------------------------

/** A check() rule: the entitlement, the limit usage is held to, the trial budget. */
class _Rule {
  constructor(state, ent, budget) {
    this.ent = ent;
    this.metered = ent.type === "metered";
    this.limit = this.metered && !ent.unlimited ? (ent._limit ?? 0n) : null;
    this.budget = budget;
    this.phase = state.phase;
    this.trialEndsAt = state.trialEndsIso;
  }
}

/**
 * May the subscription use ``requested`` more units of ``feature``, having used ``usage``?
 *
 * hasAccess = granted and (unlimited or soft or usage + requested <= limit), in the
 * subscription's phase at ``now``. Options: {usage = 0, requested = 1, now}.
 */
export function check(subscription, feature, options) {
  const sub = _sub(subscription);
  const opts = _optionsOf(options, "check", "check");
  const usage = opts.usage === undefined ? 0n : _units(opts.usage, "usage");
  const requested = opts.requested === undefined ? 1n : _units(opts.requested, "requested");
  if (typeof feature !== "string") {
    throw new InvalidArgumentError(`feature must be a feature id (a string), got ${_repr(feature)}.`);
  }
  const now = opts.now === undefined || opts.now === null ? null : _moment(opts.now, "now");
  let state;
  try {
    state = _state(sub, now);
  } catch (error) {
    if (error instanceof PricingError && error.reason !== null) {
      return _denied(feature, error.reason, usage, requested, null);
    }
    throw error;
  }
  const rule = state.rules.get(feature) ?? _checkRule(state, feature);
  if (typeof rule === "string") return _denied(feature, rule, usage, requested, state);
  const ent = rule.ent;
  let hasAccess = true;
  let reason = null;
  let overLimit = false;
  let remaining = null;
  if (rule.limit !== null) {
    remaining = _pub(usage < rule.limit ? rule.limit - usage : 0n);
    if (usage + requested > rule.limit) {
      overLimit = true;
      if (!ent.soft) {
        hasAccess = false;
        reason = Reason.USAGE_LIMIT_EXCEEDED;
      }
    }
  }
  if (rule.budget !== null && hasAccess && _overBudget(rule.budget, usage + requested)) {
    hasAccess = false;
    reason = Reason.BUDGET_EXCEEDED;
  }
  let windowStart = null;
  let windowEnd = null;
  if (ent.reset !== null && now !== null && sub.startedAt !== null) {
    [windowStart, windowEnd] = _window(state, ent, sub.startedAt, now);
  }
  return Decision._of({
    feature: ent.feature,
    hasAccess,
    reason,
    limit: ent.limit,
    unlimited: ent.unlimited,
    soft: ent.soft,
    overLimit,
    usage: _pub(usage),
    requested: _pub(requested),
    remaining,
    value: ent.value,
    values: ent.values,
    reset: ent.reset,
    windowStart: windowStart === null ? null : windowStart.iso,
    windowEnd: windowEnd === null ? null : windowEnd.iso,
    phase: rule.phase,
    trialEndsAt: rule.trialEndsAt,
  });
}

function _window(state, ent, startedAt, now) {
  let window = state.windows.get(ent.feature);
  if (window === undefined || !(window[0].us <= now.us && now.us < window[1].us)) {
    window = _resetWindow(ent.reset || "", ent.resetAnchor, startedAt, now);
    state.windows.set(ent.feature, window);
  }
  return window;
}

const _ALWAYS = 2n * _MAX_UNITS; // more than any valid usage + requested

/**
 * ``check(sub, feature, options).hasAccess``, for hot paths: without a moment, each
 * feature's rule is reduced once to the most units it allows in total.
 */
export function allowed(subscription, feature, options) {
  let usage = 0;
  let requested = 1;
  if (options !== undefined) {
    if (options === null || options.constructor !== Object) return _allowedSlow(subscription, feature, options);
    for (const key in options) {
      if (key !== "usage" && key !== "requested") return _allowedSlow(subscription, feature, options);
    }
    if (options.usage !== undefined) usage = options.usage;
    if (options.requested !== undefined) requested = options.requested;
  }
  if (typeof usage === "number" && typeof requested === "number") {
    const total = usage + requested;
    if (usage >= 0 && requested >= 0 && Number.isSafeInteger(total) && Number.isSafeInteger(usage) && Number.isSafeInteger(requested)) {
      const sub = _SUBS.get(subscription);
      let most = sub !== undefined && sub.state !== null ? sub.state.most.get(feature) : undefined;
      if (most === undefined) most = _mostAllowed(_sub(subscription), feature);
      if (most !== null) return total <= most;
    }
  }
  return _allowedSlow(subscription, feature, options);
}

function _allowedSlow(subscription, feature, options) {
  _optionsOf(options, "check", "allowed"); // a bad options object is named as allowed()'s
  return check(subscription, feature, options)._fields().hasAccess;
}

function _mostAllowed(sub, feature) {
  if (typeof feature !== "string") return null;
  let state;
  try {
    state = _state(sub, null);
  } catch (error) {
    if (error instanceof PricingError && error.reason !== null) return -1;
    throw error;
  }
  const rule = state.rules.get(feature) ?? _checkRule(state, feature);
  let most;
  if (typeof rule === "string") most = -1;
  else if (rule.budget !== null) most = null;
  else if (rule.limit === null || rule.ent.soft) most = _ALWAYS;
  else most = rule.limit <= _MAX_SAFE ? Number(rule.limit) : rule.limit;
  if (_FEATURES.has(feature)) state.most.set(feature, most);
  return most;
}

function _checkRule(state, feature) {
  if (!_FEATURES.has(feature)) return Reason.UNKNOWN_FEATURE;
  const sub = state.effective;
  let rule;
  try {
    if (sub === null) rule = Reason.SUBSCRIPTION_CANCELLED;
    else if (_plan(sub.plan).status === "archived" && !sub.existing) rule = Reason.PLAN_ARCHIVED;
    else {
      const ent = _stateEntitlements(state)[feature];
      if (ent === undefined) rule = Reason.NOT_IN_PLAN;
      else rule = new _Rule(state, ent, ent.type === "metered" ? _trialBudget(state, feature) : null);
    }
  } catch (error) {
    if (!(error instanceof PricingError) || error.reason === null) throw error;
    rule = error.reason;
  }
  state.rules.set(feature, rule);
  return rule;
}

function _denied(feature, reason, usage, requested, state) {
  return Decision._of({
    feature,
    hasAccess: false,
    reason,
    limit: null,
    unlimited: false,
    soft: false,
    overLimit: false,
    usage: _pub(usage),
    requested: _pub(requested),
    remaining: null,
    value: null,
    values: [],
    reset: null,
    windowStart: null,
    windowEnd: null,
    phase: state === null ? null : state.phase,
    trialEndsAt: state === null ? null : state.trialEndsIso,
  });
}

function _trialBudget(state, feature) {
  const sub = state.effective;
  if (state.phase !== Phase.TRIALING || sub === null) return null;
  const plan = _plan(sub.plan);
  const credits = plan.trial ? plan.trial.credits : null;
  if (!credits) return null;
  const sheet = _sheet(sub, plan);
  for (const charge of sheet.charges) {
    if (charge.feature === feature && !charge.inAdvance) return [charge, credits[sheet.currency]];
  }
  return null;
}

function _overBudget([charge, credits], units) {
  const billable = units > charge.included ? units - charge.included : 0n;
  return charge.rounded(billable).compare(credits) > 0;
}

// -- money ------------------------------------------------------------------------

function _knownCurrency(currency) {
  if (typeof currency !== "string" || !_QUANTA.has(currency)) {
    throw new UnknownCurrencyError(
      `Unknown currency ${_repr(currency)}; expected one of ${_options(_PRODUCT.currencies)}.`,
    );
  }
  return currency;
}

const _MAX_AMOUNT = new Decimal(1n, 100);

function _amount(amount) {
  let value;
  if (amount instanceof Decimal) value = amount;
  else if (typeof amount === "bigint") value = new Decimal(amount, 0);
  else if (typeof amount === "number" && Number.isSafeInteger(amount)) value = new Decimal(BigInt(amount), 0);
  else if (typeof amount === "string") value = Decimal.from(amount);
  else {
    throw new InvalidArgumentError(
      `An amount must be a Decimal, a decimal string, a BigInt or a safe integer, got ${_repr(amount)}; ` +
        'expected e.g. "12.50".',
    );
  }
  if (value.abs().compare(_MAX_AMOUNT) >= 0) {
    throw new InvalidAmountError(`An amount must be a finite number below 10^100 in size, got ${value}.`);
  }
  return value;
}

/** An amount rounded to the currency's minor unit, as the catalog rounds. */
export function roundMoney(amount, currency) {
  const quantum = _QUANTA.get(_knownCurrency(currency));
  return _amount(amount).quantize(quantum, _ROUNDING);
}

/** Money for people, in the catalog's locale (patterns baked in at generation): $1,234.00. */
export function formatMoney(amount, currency) {
  const value = _amount(amount);
  const form = _PRODUCT.money_formats[_knownCurrency(currency)];
  const digits = Math.max(_PRODUCT.minor_units[currency], -value.normalExponent());
  const [whole, fraction] = value.abs().toFixedDigits(digits).split(".");
  let body = _grouped(whole, form.group, form.grouping);
  if (fraction) body += form.decimal + fraction;
  const [prefix, suffix] = form[value.coefficient < 0n ? "negative" : "positive"];
  return `${prefix}${body}${suffix}`;
}

/** A count as line descriptions write it, grouped in the catalog's locale: 1,000. */
export function formatNumber(n) {
  if (typeof n !== "bigint" && !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`formatNumber() takes a whole number, got ${_repr(n)}.`);
  }
  const form = _PRODUCT.number_format;
  const text = String(n);
  const [sign, digits] = text.startsWith("-") ? ["-", text.slice(1)] : ["", text];
  return sign + _grouped(digits, form.group, form.grouping);
}

const _num = formatNumber;

function _grouped(digits, group, sizes) {
  let size = sizes[0];
  if (digits.length <= size) return digits;
  const parts = [digits.slice(-size)];
  let rest = digits.slice(0, -size);
  size = sizes[1];
  while (rest.length > size) {
    parts.push(rest.slice(-size));
    rest = rest.slice(0, -size);
  }
  parts.push(rest);
  return parts.reverse().join(group);
}

const _MONEY_TEXTS = new Map();

function _moneyText(amount, currency) {
  const key = `${currency}:${amount.coefficient}:${amount.exponent}`;
  let text = _MONEY_TEXTS.get(key);
  if (text === undefined) {
    text = formatMoney(amount, currency);
    if (_MONEY_TEXTS.size < 1024) _MONEY_TEXTS.set(key, text);
  }
  return text;
}

// -- pricing models ---------------------------------------------------------------

/**
 * One charge of a price sheet, its prices chosen and money texts formatted.
 *
 * Every price of the charge is scaled to one exponent (the smallest of its prices
 * and the currency's minor unit), so an amount is a BigInt coefficient at that
 * exponent: exact, as Python's 200-digit context is, and rounded once per line.
 * ``amount`` and ``explain`` are functions of billable units; only a flat fee is
 * charged for 0 billable units.
 */
class _Charge {
  constructor(charge, quantum, exponent, amount, explain) {
    this.feature = charge.feature;
    this.inAdvance = charge.billing === "in_advance";
    this.included = charge.included;
    this.flat = charge.model === "flat";
    this.quantum = quantum;
    this.exponent = exponent;
    this.amount = amount; // billable units -> BigInt coefficient at this.exponent
    this.explain = explain;
    this.bound = _stairstepBound(charge);
  }

  /** The unrounded amount, as a Decimal. */
  price(billable) {
    return billable || this.flat ? new Decimal(this.amount(billable), this.exponent) : _ZERO;
  }

  /** The amount rounded to the currency's minor unit, as a line bills it. */
  rounded(billable) {
    if (!(billable || this.flat)) return _zeroAt(this.quantum);
    return new Decimal(_rescale(this.amount(billable), this.exponent, this.quantum), this.quantum);
  }

  explanation(billable) {
    return billable || this.flat ? this.explain(billable) : "nothing billable";
  }
}

const _ZEROS = new Map();
function _zeroAt(exponent) {
  let zero = _ZEROS.get(exponent);
  if (zero === undefined) _ZEROS.set(exponent, (zero = new Decimal(0n, exponent)));
  return zero;
}

/** A coefficient at ``from`` as the coefficient at ``to``, rounded as the catalog rounds. */
function _rescale(coefficient, from, to) {
  if (from >= to) return coefficient * _pow10(from - to);
  if (coefficient < 0n) return new Decimal(coefficient, from).quantize(to, _ROUNDING).coefficient;
  const divisor = _pow10(to - from);
  const quotient = coefficient / divisor;
  const rest = coefficient - quotient * divisor;
  if (rest === 0n || _ROUNDING === "down") return quotient;
  const twice = rest * 2n;
  if (_ROUNDING === "up" || twice > divisor || (twice === divisor && (_ROUNDING === "half_up" || quotient % 2n))) {
    return quotient + 1n;
  }
  return quotient;
}

function _priceOf(price, period, currency) {
  return price[period][currency];
}

/** The smallest exponent of the charge's prices in this period and currency, and the quantum's. */
function _chargeExponent(prices, quantum) {
  return prices.reduce((e, price) => Math.min(e, price.exponent), quantum);
}

function _at(price, exponent) {
  return price.coefficient * _pow10(price.exponent - exponent);
}

function _compileCharge(charge, period, currency) {
  const quantum = _QUANTA.get(currency);
  const model = charge.model;
  if (model === "flat") {
    const price = _priceOf(charge.price, period, currency);
    const text = `flat ${_moneyText(price, currency)}`;
    const e = _chargeExponent([price], quantum);
    const c = _at(price, e);
    return new _Charge(charge, quantum, e, () => c, () => text);
  }
  if (model === "per_unit") {
    const unit = _priceOf(charge.unit_price, period, currency);
    const each = ` \u00d7 ${_moneyText(unit, currency)}`;
    const e = _chargeExponent([unit], quantum);
    const c = _at(unit, e);
    return new _Charge(charge, quantum, e, (q) => c * q, (q) => `${_num(q)}${each}`);
  }
  if (model === "package") return _package(charge, period, currency, quantum);
  if (model === "stairstep") return _stairstep(charge, period, currency, quantum);
  const tiers = charge.tiers.map((tier) => _tier(tier, period, currency));
  const e = _chargeExponent(tiers.flatMap((t) => [t.unit, t.flat]), quantum);
  for (const tier of tiers) {
    tier.unitAt = _at(tier.unit, e);
    tier.flatAt = _at(tier.flat, e);
  }
  if (model === "graduated") {
    return new _Charge(charge, quantum, e, (q) => _graduated(tiers, q), (q) => _graduatedText(tiers, q));
  }
  const volume = (q) => {
    const tier = _reached(tiers, q);
    return tier.unitAt * q + tier.flatAt;
  };
  return new _Charge(charge, quantum, e, volume, (q) => `${_num(q)}${_reached(tiers, q).text}`);
}

function _package(charge, period, currency, quantum) {
  const size = charge.block_size;
  const up = charge.rounding === "up";
  const price = _priceOf(charge.block_price, period, currency);
  const each = ` of ${_num(size)} \u00d7 ${_moneyText(price, currency)}`;
  const blocks = (/** @type {bigint} */ q) => (up ? (q + size - 1n) / size : q / size);
  const explain = (q) => {
    const n = blocks(q);
    return `${_num(n)} ${n === 1n ? "block" : "blocks"}${each}`;
  };
  const e = _chargeExponent([price], quantum);
  const c = _at(price, e);
  return new _Charge(charge, quantum, e, (q) => c * blocks(q), explain);
}

function _tier(tier, period, currency) {
  const unit = tier.unit_price ? _priceOf(tier.unit_price, period, currency) : _ZERO;
  const flat = tier.flat_price ? _priceOf(tier.flat_price, period, currency) : _ZERO;
  let text = ` \u00d7 ${_moneyText(unit, currency)}`;
  if (!flat.isZero()) text += ` + ${_moneyText(flat, currency)}`;
  return { upper: tier.up_to, unit, flat, text, unitAt: 0n, flatAt: 0n };
}

/** Graduated: each tier charges the units inside it, plus its flat fee once reached. */
function _graduated(tiers, q) {
  let total = 0n;
  let lower = 0n;
  for (const tier of tiers) {
    if (q <= lower) break;
    const upper = tier.upper;
    total += ((upper === null || q < upper ? q : upper) - lower) * tier.unitAt + tier.flatAt;
    if (upper === null) break;
    lower = upper;
  }
  return total;
}

function _graduatedText(tiers, q) {
  const parts = [];
  let lower = 0n;
  for (const tier of tiers) {
    if (q <= lower) break;
    const upper = tier.upper;
    parts.push(`${_num((upper === null || q < upper ? q : upper) - lower)}${tier.text}`);
    if (upper === null) break;
    lower = upper;
  }
  return parts.join("; ");
}

function _reached(tiers, q) {
  for (const tier of tiers) if (tier.upper === null || q <= tier.upper) return tier;
  throw new Error("a volume charge ends with an open tier");
}

function _stairstep(charge, period, currency, quantum) {
  const prices = charge.tiers.map((tier) => _priceOf(tier.price, period, currency));
  const e = _chargeExponent(prices, quantum);
  const steps = charge.tiers.map((tier, i) => {
    const bound = tier.up_to !== null ? `up to ${_num(tier.up_to)}` : "open tier";
    const text = `tier ${bound}: ${_moneyText(prices[i], currency)}`;
    return { upper: tier.up_to, price: _at(prices[i], e), text };
  });
  const step = (q) => {
    for (const s of steps) if (s.upper === null || q <= s.upper) return s;
    throw new Error("quantities are held to the last stairstep tier before pricing");
  };
  return new _Charge(charge, quantum, e, (q) => step(q).price, (q) => step(q).text);
}

// -- quotes -----------------------------------------------------------------------

function _currency(sub) {
  return _knownCurrency(sub.currency === null ? _PRODUCT.currencies[0] : sub.currency);
}

function _period(sub, plan) {
  const period = sub.period === null ? plan.billing_periods[0] : sub.period;
  if (!plan.billing_periods.includes(period)) {
    throw new UnknownPeriodError(
      `Plan ${_repr(sub.plan)} is not sold ${_repr(period)}; expected one of ${_options(plan.billing_periods)}.`,
    );
  }
  return period;
}

const _SHEETS = new Map();

function _sheet(sub, plan) {
  const currency = _currency(sub);
  const period = _period(sub, plan);
  const key = `${sub.plan}\u0000${period}\u0000${currency}`;
  let sheet = _SHEETS.get(key);
  if (sheet !== undefined) return sheet;
  const quantum = _QUANTA.get(currency);
  const price = plan.price ? _priceOf(plan.price, period, currency) : _ZERO;
  const label = `${plan.name} (${_PERIOD_NAMES[period]})`;
  const base = new Line("plan", label, 1, price.quantize(quantum, _ROUNDING));
  const waived = `${label}, trial: ${_moneyText(price, currency)} waived`;
  const trial = price.isZero() ? base : new Line("plan", waived, 1, _ZERO.quantize(quantum, _ROUNDING));
  const charges = plan.charges.map((c) => _compileCharge(c, period, currency));
  sheet = { currency, period, quantum, base, trial, charges };
  _SHEETS.set(key, sheet);
  return sheet;
}

function _count(n, fid) {
  const feature = _FEATURES.get(fid);
  if (!feature.unit) return `${_num(n)} \u00d7 ${feature.name}`;
  return `${_num(n)} ${n === 1n ? feature.unit[0] : feature.unit[1]}`;
}

/**
 * What the subscription costs for one period, line by line, at ``now``.
 * Options: {usage: {feature: units}, now}. Usage that check() would deny is refused.
 */
export function quote(subscription, options) {
  const sub = _sub(subscription);
  const opts = _optionsOf(options, "quote", "quote");
  const state = _state(sub, opts.now);
  const pricedSub = state.effective;
  if (pricedSub === null) {
    throw new SubscriptionCancelledError(
      `The trial of ${_repr(sub.plan)} ended at ${state.trialEndsIso} and the subscription was ` +
        "cancelled (product.trial_end: cancel); nothing is billed.",
    );
  }
  const priced = pricedSub.cache.get("quote") || _pricedSubscription(pricedSub);
  const measured = _measured(state, opts.usage, priced.period);
  const lines = [priced.base];
  for (const charge of priced.charges) {
    const quantity = charge.inAdvance ? priced.bought.get(charge.feature) : (measured.get(charge.feature) ?? 0n);
    lines.push(_chargeLine(charge, quantity));
  }
  for (const line of priced.addonLines) lines.push(line);
  if (priced.credits !== null) {
    for (const line of _creditLines(priced.credits, priced.charges, lines, priced.currency)) lines.push(line);
  }
  // every line is rounded to the currency's minor unit: the total adds coefficients
  let sum = 0n;
  for (const line of lines) sum += line.amount.coefficient;
  const total = new Decimal(sum, priced.quantum);
  return new Quote(priced.currency, priced.period, pricedSub.plan, lines, total, state.phase, state.trialEndsIso);
}

function _pricedSubscription(sub) {
  const plan = _plan(sub.plan);
  _checkQuotable(sub, plan);
  const sheet = _sheet(sub, plan);
  const { quantities, addons } = _validated(sub);
  const addonLines = addons.map(([addonId, addon, count]) =>
    _addonLine(addonId, addon, count, sheet.period, sheet.currency),
  );
  let credits = null;
  if (sub.trial && plan.trial && plan.trial.credits) credits = plan.trial.credits[sheet.currency] ?? null;
  const priced = {
    currency: sheet.currency,
    period: sheet.period,
    quantum: sheet.quantum,
    base: sub.trial ? sheet.trial : sheet.base,
    charges: sheet.charges,
    addonLines,
    credits,
    bought: quantities,
  };
  sub.cache.set("quote", priced);
  return priced;
}

function _checkQuotable(sub, plan) {
  if (plan.custom) {
    throw new PlanNotQuotableError(
      `Plan ${_repr(sub.plan)} is a custom plan with no list price; contact sales for a quote.`,
    );
  }
  if (plan.status === "archived" && !sub.existing) {
    throw new PlanArchivedError(
      `Plan ${_repr(sub.plan)} is archived and sells to no new customer; pass existing: true for a ` +
        "subscription made before it was archived.",
    );
  }
  if (plan.status === "draft" && !sub.existing) {
    throw new PlanNotQuotableError(`Plan ${_repr(sub.plan)} is a draft and is not sold yet.`);
  }
}

const _NO_USAGE = new Map();

function _measured(state, usage, period) {
  if (usage === undefined || usage === null) return _NO_USAGE;
  if (!_isPlainObject(usage)) {
    throw new InvalidArgumentError(
      `usage must be a plain object of feature id to units, e.g. {"api-calls": 1200}; got ${_repr(usage)}.`,
    );
  }
  const measured = new Map();
  for (const fid of Object.keys(usage)) {
    const given = usage[fid];
    const how = state.usage.get(fid) || _usageRule(state, fid, period);
    const units =
      typeof given === "number" && Number.isSafeInteger(given) && given >= 0
        ? BigInt(given)
        : _whole(given, `Usage of ${_repr(fid)}`);
    if (units) _billableUsage(state, fid, units, how);
    measured.set(fid, units);
  }
  return measured;
}

function _usageRule(state, fid, period) {
  _feature(fid);
  const sub = state.effective;
  const plan = _plan(sub.plan);
  const charge = plan.charges.find((c) => c.feature === fid) ?? null;
  let how;
  if (charge !== null && charge.billing === "in_advance") {
    how = { refusal: "in_advance", cap: null, charge, bound: null };
  } else {
    const rule = state.rules.get(fid) ?? _checkRule(state, fid);
    if (typeof rule === "string") how = { refusal: rule, cap: null, charge, bound: null };
    else {
      const hard = rule.limit !== null && !rule.ent.soft;
      const cap = hard ? rule.limit * _windowsPerPeriod(rule.ent.reset, rule.ent.resetAnchor, period) : null;
      how = { refusal: null, cap, charge, bound: charge === null ? null : _stairstepBound(charge) };
    }
  }
  state.usage.set(fid, how);
  return how;
}

function _billableUsage(state, fid, units, how) {
  const planId = state.effective !== null ? state.effective.plan : "?";
  if (how.refusal === "in_advance") {
    throw new InvalidQuantityError(
      `Plan ${_repr(planId)} sells ${_repr(fid)} in advance; expected it in the subscription's ` +
        `quantities, not in usage (got ${_commas(units)}).`,
    );
  }
  if (how.refusal !== null) {
    throw new FeatureNotInPlanError(
      `Usage of ${_repr(fid)} (${_commas(units)}) is denied by check() (${how.refusal}); expected no ` +
        `usage of a feature that plan ${_repr(planId)} does not include.`,
    );
  }
  if (how.cap !== null && units > how.cap) {
    throw new UsageLimitExceededError(
      `${_commas(units)} units of ${_repr(fid)} exceed what its hard limit allows in one billing ` +
        `period; expected at most ${_commas(how.cap)}.`,
    );
  }
  if (how.bound !== null && units > how.bound) _withinStairstep(how.charge, units);
}

const _PERIOD_MONTHS = { monthly: 1, quarterly: 3, annual: 12 };
const _PERIOD_MOST_HOURS = { monthly: 31 * 24, quarterly: 92 * 24, annual: 366 * 24 };
const _RESET_HOURS = { hour: 1, day: 24, week: 7 * 24 };

/** The most usage windows one billing period can touch (a BigInt). */
function _windowsPerPeriod(reset, anchor, period) {
  if (reset === null) return 1n;
  if (reset === "month" || reset === "year") {
    const months = reset === "year" ? 12 : 1;
    const windows = Math.max(Math.floor(_PERIOD_MONTHS[period] / months), 1);
    return BigInt(anchor === "subscription_start" ? windows : windows + 1);
  }
  return BigInt(Math.ceil(_PERIOD_MOST_HOURS[period] / _RESET_HOURS[reset]) + 1);
}

function _chargeLine(charge, quantity) {
  const billable = quantity > charge.included ? quantity - charge.included : 0n;
  const amount = charge.rounded(billable);
  return new Line(charge.feature, null, _pub(quantity), amount, () => _chargeText(charge, quantity, billable));
}

function _chargeText(charge, quantity, billable) {
  let what = _count(quantity, charge.feature);
  if (charge.included) what += ` (${_num(charge.included)} included, ${_num(billable)} billable)`;
  return `${what}: ${charge.explanation(billable)}`;
}

function _addonLine(addonId, addon, count, period, currency) {
  const unit = addon.price ? _priceOf(addon.price, period, currency) : _ZERO;
  const text = `${addon.name}: ${_num(count)} \u00d7 ${_moneyText(unit, currency)}`;
  const amount = unit.times(count).quantize(_QUANTA.get(currency), _ROUNDING);
  return new Line(`addon:${addonId}`, text, _pub(count), amount);
}

function _creditLines(budget, charges, lines, currency) {
  const usage = new Set(charges.filter((c) => !c.inAdvance).map((c) => c.feature));
  let spent = _ZERO;
  for (const line of lines) if (usage.has(line.item)) spent = spent.add(line.amount);
  if (spent.compare(budget) > 0) {
    const over = formatMoney(spent.add(budget.negate()), currency);
    throw new TrialBudgetExceededError(
      `Trial usage costs ${formatMoney(spent, currency)}, ${over} more than the trial's credits of ` +
        `${formatMoney(budget, currency)}; expected usage within them.`,
    );
  }
  if (spent.isZero()) return [];
  const text = `Trial credits (budget ${_moneyText(budget, currency)})`;
  return [new Line("trial-credits", text, 1, spent.negate().quantize(_QUANTA.get(currency), _ROUNDING))];
}

// -- reset windows ----------------------------------------------------------------

const _WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const _FIXED = { hour: 3600000000n, day: _US_PER_DAY, week: 7n * _US_PER_DAY };
const _ANCHORS = new Set(["subscription_start", "calendar", ..._WEEKDAYS]);

/**
 * The usage window [start, end) containing ``now``, as two ISO 8601 strings in UTC.
 * ``startedAt`` and ``now`` are ISO 8601 strings with an offset, or Dates.
 */
export function resetWindow(reset, anchor, startedAt, now) {
  if (!Object.hasOwn(_FIXED, reset) && reset !== "month" && reset !== "year") {
    throw new InvalidResetError(`Unknown reset ${_repr(reset)}; expected hour, day, week, month or year.`);
  }
  if (!_ANCHORS.has(anchor)) {
    throw new InvalidResetError(
      `Unknown reset anchor ${_repr(anchor)}; expected subscription_start, calendar or a weekday.`,
    );
  }
  const [start, end] = _resetWindow(reset, anchor, _moment(startedAt, "startedAt"), _moment(now, "now"));
  return [start.iso, end.iso];
}

function _resetWindow(reset, anchor, started, moment) {
  if (moment.us < started.us) {
    throw new InvalidMomentError(
      `now (${moment.iso}) is before startedAt (${started.iso}); expected a moment after the ` +
        "subscription started.",
    );
  }
  const window = Object.hasOwn(_FIXED, reset)
    ? _fixedWindow(reset, anchor, started, moment)
    : _monthWindow(reset, anchor, started, moment);
  if (window === null) {
    throw new InvalidMomentError(
      `The ${reset} usage window at ${moment.iso} would end after the year 9999; expected an earlier moment.`,
    );
  }
  return window;
}

/** @param {string} reset @param {string} anchor @param {_Moment} started */
function _fixedStart(reset, anchor, started) {
  if (anchor === "subscription_start") return started.us;
  const midnight = started.us - started.time;
  if (reset === "hour") return started.us - (started.time % _FIXED.hour);
  if (reset === "day") return midnight;
  const weekday = anchor === "calendar" ? 0 : _WEEKDAYS.indexOf(anchor);
  const startedWeekday = (((started.days + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  return midnight - BigInt((((startedWeekday - weekday) % 7) + 7) % 7) * _US_PER_DAY;
}

function _fixedWindow(reset, anchor, started, now) {
  const step = _FIXED[reset];
  const first = _fixedStart(reset, anchor, started);
  if (first < _MIN_US) return null;
  const start = first + step * ((now.us - first) / step);
  const end = _placed(start + step);
  return end === null ? null : [new _Moment(start), end];
}

function _monthWindow(reset, anchor, started, now) {
  const months = reset === "year" ? 12 : 1;
  let first = started;
  if (anchor === "calendar") {
    const [year, month] = _civilFromDays(started.days);
    first = new _Moment(_fromCivil(year, reset === "year" ? 1 : month, 1, 0n));
  }
  const [fy, fm] = _civilFromDays(first.days);
  const [ny, nm] = _civilFromDays(now.days);
  const elapsed = (ny - fy) * 12 + nm - fm;
  let count = Math.max(Math.floor(elapsed / months), 0);
  const at = (n) => _addMonths(first, n * months);
  while (count > 0 && at(count) !== null && at(count).us > now.us) count -= 1;
  for (;;) {
    const next = at(count + 1);
    if (next === null) return null;
    if (next.us > now.us) return [at(count), next];
    count += 1;
  }
}
