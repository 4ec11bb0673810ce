"""A pricing evaluator: entitlement checks and price quotes for one catalog.

Standalone: it needs only the Python standard library. Its data is
immutable, so it is safe to share across threads.

    sub = Subscription(plan="pro", period="monthly", currency="USD",
                       quantities={"seats": 20}, addons={})
    check(sub, "seats", usage=19).has_access
    quote(sub, usage={"api-calls": 1_500_000}).total

Every answer is for one moment: pass ``now`` (a timezone-aware datetime) and a
subscription's ``started_at``, and a trial that has ended is treated as the
catalog says (downgraded to the default plan, or cancelled). Without ``now``,
a trial subscription is in its trial.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
)
from enum import Enum, StrEnum
from functools import lru_cache, partial
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, final

if TYPE_CHECKING:  # for type checkers only, so importing the module costs nothing more
    from collections.abc import Callable
    from typing import NotRequired, TypeAlias, TypedDict, TypeVar

    _R = TypeVar("_R")

    # The shapes of the catalog data (spec/evaluator.md), read only, as parsed:
    # objects are mappings, lists tuples, and prices Decimal.
    _Money: TypeAlias = Mapping[str, Decimal]  # currency -> amount
    _Price: TypeAlias = Mapping[str, _Money]  # billing period -> currency -> amount

    class _MoneyFormat(TypedDict):
        positive: tuple[str, str]
        negative: tuple[str, str]
        group: str
        decimal: str
        grouping: tuple[int, int]

    class _NumberFormat(TypedDict):
        group: str
        decimal: str
        grouping: tuple[int, int]

    class _Environment(TypedDict):
        name: str
        type: str

    class _Product(TypedDict):
        id: str
        name: str
        description: str
        currencies: tuple[str, ...]
        billing_periods: tuple[str, ...]
        trial_end: str
        rounding: str
        minor_units: Mapping[str, int]
        locale: str
        default_plan: str | None
        money_formats: Mapping[str, _MoneyFormat]
        number_format: _NumberFormat
        environment: NotRequired[_Environment]

    class _Feature(TypedDict):
        id: str
        name: str
        description: str
        group: str
        type: str
        unit: tuple[str, str] | None
        values: tuple[str, ...]
        meter: str | None

    class _Grant(TypedDict):
        """An entitlement of a plan or add-on; the generator leaves out empty fields."""

        type: str
        value: NotRequired[Decimal]
        values: NotRequired[tuple[str, ...]]
        limit: NotRequired[int]
        unlimited: NotRequired[bool]
        soft: NotRequired[bool]
        reset: NotRequired[str]
        reset_anchor: NotRequired[str]
        variable: NotRequired[bool]
        behavior: NotRequired[str]
        source: str

    class _Tier(TypedDict):
        up_to: int | None
        unit_price: _Price | None
        flat_price: _Price | None
        price: _Price | None

    class _ChargeData(TypedDict):
        feature: str
        model: str
        billing: str
        description: str
        included: int
        price: _Price | None
        unit_price: _Price | None
        block_size: int | None
        block_price: _Price | None
        rounding: str
        tiers: tuple[_Tier, ...]

    class _Trial(TypedDict):
        days: int | None
        months: int | None
        credits: _Money | None

    class _Plan(TypedDict):
        id: str
        name: str
        description: str
        status: str
        default: bool
        custom: bool
        extends: str | None
        ancestors: tuple[str, ...]
        billing_periods: tuple[str, ...]
        trial: _Trial | None
        price: _Price | None
        charges: tuple[_ChargeData, ...]
        entitlements: Mapping[str, _Grant]

    class _Addon(TypedDict):
        id: str
        name: str
        description: str
        status: str
        plans: tuple[str, ...]
        max_quantity: int
        requires: tuple[str, ...]
        excludes: tuple[str, ...]
        price: _Price | None
        entitlements: Mapping[str, _Grant]


__all__ = [
    "ADDONS",
    "CATALOG",
    "ENVIRONMENT",
    "FEATURES",
    "IS_PRODUCTION",
    "PLANS",
    "AddonNotCompatibleError",
    "AddonQuantityExceededError",
    "AddonRequirementMissingError",
    "Decision",
    "Entitlement",
    "FeatureNotInPlanError",
    "InvalidAmountError",
    "InvalidArgumentError",
    "InvalidMomentError",
    "InvalidQuantityError",
    "InvalidResetError",
    "Line",
    "NaiveDatetimeError",
    "Phase",
    "PlanArchivedError",
    "PlanNotQuotableError",
    "PricingError",
    "QuantityMissingError",
    "QuantityOutOfRangeError",
    "Quote",
    "Reason",
    "Subscription",
    "SubscriptionCancelledError",
    "TrialBudgetExceededError",
    "TrialNotOfferedError",
    "UnknownAddonError",
    "UnknownCurrencyError",
    "UnknownFeatureError",
    "UnknownPeriodError",
    "UnknownPlanError",
    "UsageLimitExceededError",
    "VariableEntitlementMissingError",
    "VariableEntitlementUnknownError",
    "allowed",
    "check",
    "entitlements",
    "format_money",
    "format_number",
    "phase",
    "quote",
    "reset_window",
    "round_money",
]

# -- data: begin. The catalog as JSON text, parsed on import or on first use --
# The sample catalog tests/cases/valid/acme-full, so that this file runs,
# and is tested, as it is. Refresh: python tests/refresh_runtime_sample.py
GENERATOR = "pricegen 0.1.0"
SOURCE_SHA256 = "bcdbe6410377cd94bc1170845e8041db534bdfe49dd122a77a74f15e22cb66db"
_PRODUCT_SOURCE = '{"id":"acme","name":"Acme Analytics","description":"","currencies":["USD","EUR"],"billing_periods":["monthly","annual"],"trial_end":"downgrade","rounding":"half_up","minor_units":{"USD":2,"EUR":2},"locale":"en_US","default_plan":"free","money_formats":{"USD":{"positive":["$",""],"negative":["-$",""],"group":",","decimal":".","grouping":[3,3]},"EUR":{"positive":["\\u20ac",""],"negative":["-\\u20ac",""],"group":",","decimal":".","grouping":[3,3]}},"number_format":{"group":",","decimal":".","grouping":[3,3]}}'  # noqa: E501
_FEATURES_SOURCE = '{"sso":{"id":"sso","name":"Single sign-on","description":"","group":"","type":"boolean","unit":null,"values":[],"meter":null},"data-retention":{"id":"data-retention","name":"Data retention","description":"","group":"","type":"config","unit":["day","days"],"values":[],"meter":null},"export-format":{"id":"export-format","name":"Export format","description":"","group":"","type":"enum","unit":null,"values":["csv","parquet"],"meter":null},"seats":{"id":"seats","name":"Seats","description":"","group":"","type":"metered","unit":["seat","seats"],"values":[],"meter":"fluctuating"},"api-calls":{"id":"api-calls","name":"API calls","description":"","group":"","type":"metered","unit":["call","calls"],"values":[],"meter":"incremental"}}'  # noqa: E501
_PLAN_SOURCES = {
    "free": '{"id":"free","name":"Free","description":"","status":"published","default":true,"custom":false,"extends":null,"ancestors":[],"billing_periods":["monthly","annual"],"trial":null,"price":null,"charges":[],"entitlements":{"data-retention":{"value":"7"},"export-format":{"values":["csv"]},"seats":{"limit":3},"api-calls":{"limit":1000,"reset":"month"}}}',  # noqa: E501
    "pro": '{"id":"pro","name":"Pro","description":"","status":"published","default":false,"custom":false,"extends":"free","ancestors":["free"],"billing_periods":["monthly","annual"],"trial":{"days":14,"months":null,"credits":null},"price":{"monthly":{"USD":"29","EUR":"27"},"annual":{"USD":"290","EUR":"270"}},"charges":[{"feature":"seats","model":"graduated","billing":"in_advance","description":"","included":0,"price":null,"unit_price":null,"block_size":null,"block_price":null,"rounding":"up","tiers":[{"up_to":5,"unit_price":{"monthly":{"USD":"20","EUR":"18"},"annual":{"USD":"200","EUR":"180"}},"flat_price":{"monthly":{"USD":"10","EUR":"9"},"annual":{"USD":"100","EUR":"90"}},"price":null},{"up_to":10,"unit_price":{"monthly":{"USD":"15","EUR":"14"},"annual":{"USD":"150","EUR":"140"}},"flat_price":null,"price":null},{"up_to":null,"unit_price":{"monthly":{"USD":"10","EUR":"9"},"annual":{"USD":"100","EUR":"90"}},"flat_price":null,"price":null}]},{"feature":"api-calls","model":"per_unit","billing":"in_arrears","description":"","included":100000,"price":null,"unit_price":{"monthly":{"USD":"0.0027","EUR":"0.0025"},"annual":{"USD":"0.0027","EUR":"0.0025"}},"block_size":null,"block_price":null,"rounding":"up","tiers":[]}],"entitlements":{"sso":{},"data-retention":{"value":"30"},"export-format":{"values":["csv","parquet"]},"seats":{"limit":3,"source":"free"},"api-calls":{"limit":100000,"soft":true,"reset":"month"}}}',  # noqa: E501
    "enterprise": '{"id":"enterprise","name":"Enterprise","description":"","status":"published","default":false,"custom":true,"extends":"pro","ancestors":["pro","free"],"billing_periods":["monthly","annual"],"trial":null,"price":null,"charges":[],"entitlements":{"sso":{"source":"pro"},"data-retention":{"variable":true},"export-format":{"values":["csv","parquet"],"source":"pro"},"seats":{"unlimited":true},"api-calls":{"unlimited":true,"reset":"month"}}}',  # noqa: E501
}
_ADDON_SOURCES = {
    "extra-seats": '{"id":"extra-seats","name":"10 extra seats","description":"","status":"published","plans":["pro"],"max_quantity":5,"requires":[],"excludes":[],"price":{"monthly":{"USD":"50","EUR":"45"},"annual":{"USD":"500","EUR":"450"}},"entitlements":{"seats":{"limit":10,"behavior":"increment"}}}',  # noqa: E501
}
# -- data: end ----------------------------------------------------------------
_PERIOD_NAMES = {"monthly": "monthly", "quarterly": "quarterly", "annual": "annual"}
CATALOG: Mapping[str, object]  # assembled on first use, see __getattr__


# -- errors ---------------------------------------------------------------------


@final  # what it says already; it lets type checkers narrow by type(rule) is Reason
class Reason(StrEnum):
    """Why access was denied: a closed set, stable across versions."""

    UNKNOWN_PLAN = "unknown_plan"
    UNKNOWN_FEATURE = "unknown_feature"
    NOT_IN_PLAN = "not_in_plan"
    USAGE_LIMIT_EXCEEDED = "usage_limit_exceeded"
    BUDGET_EXCEEDED = "budget_exceeded"
    PLAN_ARCHIVED = "plan_archived"
    ADDON_NOT_COMPATIBLE = "addon_not_compatible"
    ADDON_QUANTITY_EXCEEDED = "addon_quantity_exceeded"
    ADDON_REQUIREMENT_MISSING = "addon_requirement_missing"
    SUBSCRIPTION_CANCELLED = "subscription_cancelled"


class Phase(StrEnum):
    """Where a subscription is at a moment: the one input every answer reads."""

    TRIALING = "trialing"  # until the trial ends
    ACTIVE = "active"  # a paid subscription
    DOWNGRADED = "downgraded"  # after its trial, on the default plan
    CANCELLED = "cancelled"  # after its trial, with trial_end: cancel


class PricingError(ValueError):
    """Base of every error this module raises for bad arguments."""

    reason: Reason | None = None


class InvalidArgumentError(PricingError, TypeError):
    """An argument of the wrong type, e.g. quantities=None or trial="yes"."""


class UnknownPlanError(PricingError):
    reason = Reason.UNKNOWN_PLAN


class UnknownFeatureError(PricingError):
    reason = Reason.UNKNOWN_FEATURE


class UnknownAddonError(PricingError):
    reason = Reason.ADDON_NOT_COMPATIBLE


class UnknownCurrencyError(PricingError):
    pass


class UnknownPeriodError(PricingError):
    pass


class InvalidQuantityError(PricingError):
    pass


class QuantityMissingError(PricingError):
    pass


class QuantityOutOfRangeError(PricingError):
    pass


class AddonNotCompatibleError(PricingError):
    reason = Reason.ADDON_NOT_COMPATIBLE


class AddonQuantityExceededError(PricingError):
    reason = Reason.ADDON_QUANTITY_EXCEEDED


class AddonRequirementMissingError(PricingError):
    reason = Reason.ADDON_REQUIREMENT_MISSING


class PlanArchivedError(PricingError):
    reason = Reason.PLAN_ARCHIVED


class PlanNotQuotableError(PricingError):
    """Custom plans have no list price; draft plans are not sold yet."""


class VariableEntitlementMissingError(PricingError):
    pass


class VariableEntitlementUnknownError(PricingError):
    """A value for an entitlement that the plan does not leave variable."""


class FeatureNotInPlanError(PricingError):
    """quote() of usage that check() denies as not_in_plan."""

    reason = Reason.NOT_IN_PLAN


class UsageLimitExceededError(PricingError):
    """quote() of more usage than check() can allow in one billing period."""

    reason = Reason.USAGE_LIMIT_EXCEEDED


class TrialBudgetExceededError(PricingError):
    """quote() of trial usage that costs more than the trial's credits."""

    reason = Reason.BUDGET_EXCEEDED


class SubscriptionCancelledError(PricingError):
    """quote() of a subscription whose trial ended with trial_end: cancel."""

    reason = Reason.SUBSCRIPTION_CANCELLED


class NaiveDatetimeError(PricingError):
    pass


class InvalidMomentError(PricingError):
    """A moment that cannot be placed: out of range, before the start, or a
    trial's end asked for without its start."""


class InvalidAmountError(PricingError):
    """An amount of money that is not a finite number within range."""


class TrialNotOfferedError(PricingError):
    """A trial of a plan that has none."""


class InvalidResetError(PricingError):
    """reset_window() with a reset period or anchor the language does not have."""


# -- values ---------------------------------------------------------------------


def _plain(value: object) -> object:
    """to_dict() values: Decimal and datetime as strings, everything else as is."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(value[k]) for k in sorted(value)}
    return value


class _Plain:
    """Shared to_dict() for the frozen result types: sorted keys, plain values."""

    __slots__ = ()
    __dataclass_fields__: Mapping[str, object]

    def to_dict(self) -> dict[str, Any]:
        return {
            name: _plain(getattr(self, name))
            for name in sorted(self.__dataclass_fields__)
        }


@dataclass(frozen=True)
class Entitlement(_Plain):
    """One feature's effective grant for a subscription."""

    feature: str
    type: str
    limit: int | None = None
    unlimited: bool = False
    soft: bool = False
    value: Decimal | None = None
    values: tuple[str, ...] = ()
    reset: str | None = None
    reset_anchor: str = "subscription_start"
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision(_Plain):
    """The answer of check(): may this subscription use this feature now?

    ``phase`` is the subscription's phase at the check's moment (None when the
    subscription could not be placed, e.g. an unknown plan), and
    ``trial_ends_at`` the end of its trial when that is known.
    """

    feature: str
    has_access: bool
    reason: Reason | None
    limit: int | None
    unlimited: bool
    soft: bool
    over_limit: bool
    usage: int
    requested: int
    remaining: int | None
    value: Decimal | None
    values: tuple[str, ...]
    reset: str | None
    window_start: datetime | None
    window_end: datetime | None
    phase: Phase | None
    trial_ends_at: datetime | None


@dataclass(frozen=True)
class Line(_Plain):
    """One line item of a quote; ``amount`` is rounded to the currency's minor unit."""

    item: str
    description: str
    quantity: int
    amount: Decimal

    def __getstate__(self) -> dict[str, object]:
        """Pickle and copy the four fields, the description formatted."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


class _Description:
    """Line.description of a charge line, formatted on first read and then kept.

    Most quotes are only totalled, and formatting explanations took most of
    quote()'s time. A line built by quote() holds its charge under "_describe",
    which words the line from its quantity; Line(...) itself stores the text as
    usual.
    """

    def __get__(self, line: Line | None, owner: type | None = None) -> str:
        fields: dict[str, Any] = {} if line is None else line.__dict__
        charge = fields.get("_describe")
        if charge is None:  # another thread formatted it, or a line without fields
            if "description" in fields:
                return str(fields["description"])
            raise AttributeError("description")
        fields["description"] = description = charge.describe(fields["quantity"])
        fields.pop("_describe", None)
        return str(description)


Line.description = _Description()  # type: ignore[assignment]


@dataclass(frozen=True)
class Quote(_Plain):
    """What a subscription costs for one period, in the phase it is in."""

    currency: str
    period: str
    plan: str
    lines: tuple[Line, ...]
    total: Decimal
    phase: Phase
    trial_ends_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        data = _Plain.to_dict(self)
        data["lines"] = [line.to_dict() for line in self.lines]
        return data


_new, _set = object.__new__, object.__setattr__


def _record(cls: type[_R], fields: dict[str, Any]) -> _R:
    """A Decision, Line or Quote made from its complete field dict, skipping __init__.

    A frozen dataclass's __init__ sets each field through object.__setattr__,
    which was most of the time check() and quote() took. Equality, hashing,
    repr() and pickling only read the fields, so the object is the same.
    """
    record = _new(cls)
    _set(record, "__dict__", fields)
    return record


def _replace(ent: Entitlement, **changes: object) -> Entitlement:
    """dataclasses.replace() for an Entitlement, without __init__ (see _record)."""
    return _record(Entitlement, {**ent.__dict__, **changes})


def _fields_setter(cls: type) -> Callable[[object, dict[str, Any]], None]:
    """The setter of ``cls`` instances' __dict__, to call directly on the hot paths.

    object.__setattr__(obj, "__dict__", fields) finds this same descriptor on every
    call and packs its arguments in a tuple first: a tenth of what making a Line took.
    """
    setter: Callable[[object, dict[str, Any]], None] = cls.__dict__["__dict__"].__set__
    return setter


_set_line, _set_quote = _fields_setter(Line), _fields_setter(Quote)
_set_decision = _fields_setter(Decision)


def _line(item: str, description: str, quantity: int, amount: Decimal) -> Line:
    fields: dict[str, Any] = {
        "item": item,
        "description": description,
        "quantity": quantity,
    }
    fields["amount"] = amount
    return _record(Line, fields)


_MAPPINGS = ("quantities", "addons", "variables")
_NOTHING: Mapping[str, Any] = MappingProxyType({})  # every empty mapping argument
# Subscription()'s plan when none is given: an InvalidArgumentError, not a TypeError
_NO_PLAN: Any = type("_NoPlan", (), {"__repr__": lambda self: "no plan"})()


@dataclass(frozen=True, init=False)
class Subscription:
    """A customer's subscription: what was bought, and since when.

    ``quantities`` are in-advance quantities (seats bought); ``addons`` maps
    add-on id to quantity; ``variables`` sets variable entitlements of custom
    plans; ``existing`` marks a subscription made before its plan was
    archived; ``trial`` means the plan is being trialled; ``trial_plan`` is
    another plan trialled alongside this one (the most generous value wins).
    Types are checked here; what the ids and numbers mean, on first use.
    """

    plan: str
    period: str | None = None
    currency: str | None = None
    quantities: Mapping[str, int] = field(default_factory=lambda: _NOTHING)
    addons: Mapping[str, int] = field(default_factory=lambda: _NOTHING)
    variables: Mapping[str, object] = field(default_factory=lambda: _NOTHING)
    started_at: datetime | None = None
    existing: bool = False
    trial: bool = False
    trial_plan: str | None = None
    _cache: dict[Any, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __init__(
        self,
        plan: str = _NO_PLAN,
        period: str | None = None,
        currency: str | None = None,
        quantities: Mapping[str, int] = _NOTHING,
        addons: Mapping[str, int] = _NOTHING,
        variables: Mapping[str, object] = _NOTHING,
        started_at: datetime | None = None,
        existing: bool = False,
        trial: bool = False,
        trial_plan: str | None = None,
        **unknown: object,
    ) -> None:
        """Check the types and set every field at once: a new subscription per request
        is the common case, so this is as lean as the checks allow. A missing plan or
        a misspelt field is an InvalidArgumentError, as every bad argument is."""
        if unknown:
            _unknown_fields(unknown)
        if type(plan) is not str:
            _text_argument(plan, "plan", optional=False)
        if period is not None and type(period) is not str:
            _text_argument(period, "period", optional=True)
        if currency is not None and type(currency) is not str:
            _text_argument(currency, "currency", optional=True)
        if trial_plan is not None and type(trial_plan) is not str:
            _text_argument(trial_plan, "trial_plan", optional=True)
        # True and False are bool's only instances: two identity tests each, no call
        if (existing is not False and existing is not True) or (
            trial is not False and trial is not True
        ):
            name, value = (
                ("existing", existing)
                if type(existing) is not bool
                else ("trial", trial)
            )
            raise InvalidArgumentError(f"{name} must be True or False, got {value!r}.")
        if started_at is not None:
            _moment(started_at, "started_at")
        fields = _DEFAULT_FIELDS.copy()  # a copy costs half of a dict display's inserts
        fields["plan"], fields["_cache"] = plan, {}
        if period is not None or currency is not None:
            fields["period"], fields["currency"] = period, currency
        if quantities is not _NOTHING:
            fields["quantities"] = _id_map(quantities, "quantities")
        if addons is not _NOTHING:
            fields["addons"] = _id_map(addons, "addons")
        if variables is not _NOTHING:
            fields["variables"] = _id_map(variables, "variables")
        if started_at is not None or existing or trial or trial_plan is not None:
            fields["started_at"], fields["existing"] = started_at, existing
            fields["trial"], fields["trial_plan"] = trial, trial_plan
        _set_subscription(self, fields)

    def __hash__(self) -> int:
        """Equal subscriptions hash alike, so they can key a cache or a set."""
        return hash(
            tuple(
                frozenset(value.items()) if type(value) is MappingProxyType else value
                for name, value in self.__dict__.items()
                if name != "_cache"
            )
        )

    def __getstate__(self) -> dict[str, object]:
        """Pickle and copy the fields, with plain dicts and without the cache."""
        state = {
            name: value for name, value in self.__dict__.items() if name != "_cache"
        }
        for name in _MAPPINGS:
            state[name] = dict(self.__dict__[name])
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        fields = dict(state)
        for name in _MAPPINGS:
            fields[name] = _id_map(fields[name], name)
        fields["_cache"] = {}
        _set(self, "__dict__", fields)


_set_subscription = _fields_setter(Subscription)
# Subscription's fields in order, with their defaults: __init__ copies this and sets
# what was given, and _cache (a new dict per subscription) is always set.
_DEFAULT_FIELDS: dict[str, Any] = {
    "plan": None,
    "period": None,
    "currency": None,
    "quantities": _NOTHING,
    "addons": _NOTHING,
    "variables": _NOTHING,
    "started_at": None,
    "existing": False,
    "trial": False,
    "trial_plan": None,
    "_cache": None,
}


def _unknown_fields(unknown: dict[str, object]) -> None:
    names = ", ".join(sorted(unknown))
    fields = ", ".join(name for name in _DEFAULT_FIELDS if name != "_cache")
    noun = "field" if len(unknown) == 1 else "fields"
    raise InvalidArgumentError(
        f"Subscription has no {noun} {names}; expected only {fields}."
    )


def _text_argument(value: object, name: str, *, optional: bool) -> None:
    if value is _NO_PLAN:
        raise InvalidArgumentError(
            "Subscription needs a plan; expected plan='<plan id>'."
        )
    if not (isinstance(value, str) or (optional and value is None)):
        expected = "an id (a string) or None" if optional else "an id (a string)"
        raise InvalidArgumentError(f"{name} must be {expected}, got {value!r}.")


def _id_map(value: object, name: str) -> Mapping[str, Any]:
    """A read-only copy of a mapping argument whose keys are ids and values hashable."""
    if type(value) is dict and value:  # the common case: whole numbers by id
        for key in value:  # by key: no items view and no pair per item
            if type(key) is not str or type(value[key]) is not int:
                break
        else:
            return MappingProxyType(value.copy())
    if value is _NOTHING:
        return _NOTHING
    if type(value) is not dict:
        if not isinstance(value, Mapping):
            raise InvalidArgumentError(
                f"{name} must be a mapping of id to number, e.g. {{'seats': 5}}; "
                f"got {value!r}."
            )
        value = dict(value)
    if not value:
        return _NOTHING
    try:
        "".join(value)  # every key a string, in one C call
        hash(tuple(value.values()))  # every value hashable, so the subscription is too
    except TypeError:
        _explain_id_map(value, name)
    return MappingProxyType(value.copy())


def _explain_id_map(value: dict[Any, Any], name: str) -> None:
    for key, item in value.items():
        if not isinstance(key, str):
            raise InvalidArgumentError(
                f"{name} keys must be ids (strings), got {key!r}."
            )
        try:
            hash(item)
        except TypeError:
            raise InvalidArgumentError(
                f"{name}[{key!r}] must be a number, got {item!r}."
            ) from None


# -- catalog access -------------------------------------------------------------


def _frozen(value: object) -> Any:
    """Deep read-only copy of parsed JSON: dicts to mapping proxies, lists to tuples."""
    if isinstance(value, dict):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def _money(value: Any) -> Any:
    """Decimal strings of a price or money map, as Decimal."""
    if value is None:
        return None
    if isinstance(value, str):
        return Decimal(value)
    return MappingProxyType({k: _money(v) for k, v in value.items()})


class _LazyCatalogSection(Mapping[str, Any]):
    """A read-only mapping parsed entry by entry on first use, so import stays fast."""

    def __init__(
        self, sources: dict[str, str], build: Callable[[str, dict[str, Any]], Any]
    ) -> None:
        self._sources = sources
        self._build = build
        self._parsed: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        try:
            return self._parsed[key]
        except KeyError:
            value = self._build(key, _package_data(key, self._sources[key]))
            self._parsed[key] = value  # idempotent, so a race only parses twice
            return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)

    def __contains__(self, key: object) -> bool:
        return key in self._sources


_ENTITLEMENT_FIELDS = (
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
)


def _package_data(package_id: str, text: str) -> dict[str, Any]:
    """A plan's or add-on's JSON, with what the generator left out as implied put back.

    That is each entitlement's type (its feature's), its reset anchor (the
    subscription start unless it says otherwise) and its source (the package
    itself unless inherited), in the catalog's field order.
    """
    data: dict[str, Any] = json.loads(text)
    for fid, ent in data["entitlements"].items():
        ent.setdefault("type", FEATURES[fid]["type"])
        ent.setdefault("reset_anchor", "subscription_start")
        ent.setdefault("source", package_id)
        ordered = {k: ent[k] for k in _ENTITLEMENT_FIELDS if k in ent}
        data["entitlements"][fid] = ordered
    return data


def _build_package(package_id: str, data: dict[str, Any]) -> Any:
    data["price"] = _money(data.get("price"))
    if data.get("trial") and data["trial"].get("credits"):
        data["trial"]["credits"] = _money(data["trial"]["credits"])
    for charge in data.get("charges", ()):
        for key in ("price", "unit_price", "block_price"):
            charge[key] = _money(charge.get(key))
        for tier in charge["tiers"]:
            for key in ("unit_price", "flat_price", "price"):
                tier[key] = _money(tier.get(key))
    for ent in data["entitlements"].values():
        if ent.get("value") is not None:
            ent["value"] = Decimal(ent["value"])
    return _frozen(data)


PLANS: Mapping[str, _Plan] = _LazyCatalogSection(_PLAN_SOURCES, _build_package)
ADDONS: Mapping[str, _Addon] = _LazyCatalogSection(_ADDON_SOURCES, _build_package)


def __getattr__(name: str) -> Mapping[str, object]:
    """CATALOG is assembled on first use: most services never need all of it."""
    if name == "CATALOG":
        catalog: Mapping[str, object] = _frozen(
            {
                "product": json.loads(_PRODUCT_SOURCE),
                "features": {k: dict(v) for k, v in FEATURES.items()},
                "plans": {k: _package_data(k, v) for k, v in _PLAN_SOURCES.items()},
                "addons": {k: _package_data(k, v) for k, v in _ADDON_SOURCES.items()},
            }
        )
        globals()["CATALOG"] = catalog
        return catalog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _plan(plan_id: str) -> _Plan:
    if not isinstance(plan_id, str) or plan_id not in PLANS:
        raise UnknownPlanError(
            f"Unknown plan {plan_id!r}; expected one of {_options(PLANS)}."
        )
    return PLANS[plan_id]


def _addon(addon_id: str) -> _Addon:
    if not isinstance(addon_id, str) or addon_id not in ADDONS:
        raise UnknownAddonError(
            f"Unknown add-on {addon_id!r}; expected one of {_options(ADDONS)}."
        )
    return ADDONS[addon_id]


def _feature(feature_id: str) -> _Feature:
    if not isinstance(feature_id, str) or feature_id not in FEATURES:
        raise UnknownFeatureError(
            f"Unknown feature {feature_id!r}; expected one of {_options(FEATURES)}."
        )
    return FEATURES[feature_id]


def _options(ids: Iterable[str]) -> str:
    names = sorted(ids)
    return ", ".join(repr(n) for n in names) if names else "(none)"


_MAX_UNITS = 10**30  # keeps products with 100-digit prices exact in _MONEY


def _whole(value: object, what: str) -> int:
    """A whole number of units: no bool, float, fraction, negative or absurd size."""
    if type(value) is int and 0 <= value <= _MAX_UNITS:  # the common case, first
        return value
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise InvalidQuantityError(f"{what} must be a whole number, got {value!r}.")
    if isinstance(value, Decimal) and not (
        value.is_finite() and value == value.to_integral_value()
    ):
        raise InvalidQuantityError(f"{what} must be a whole number, got {value}.")
    if value < 0:
        raise InvalidQuantityError(f"{what} must be at least 0, got {value}.")
    if value > _MAX_UNITS:
        raise QuantityOutOfRangeError(
            f"{what} must be at most {_MAX_UNITS:,}, got {value:,}."
        )
    return int(value)


# -- phases: where a subscription is at a moment -----------------------------------


def _not_a_subscription(value: object) -> InvalidArgumentError:
    """The error for a call given something other than a Subscription."""
    example = f"Subscription(plan={next(iter(PLANS), 'pro')!r})"
    return InvalidArgumentError(
        f"sub must be a Subscription, such as {example}; got {value!r}."
    )


def phase(sub: Subscription, now: datetime | None = None) -> Phase:
    """The subscription's phase at ``now``: what entitlements(), check(),
    allowed() and quote() all answer from.

    A trial runs from ``started_at`` for its days or months (the earlier of
    the two, months clamped to the month's end) and then ends as
    ``product.trial_end`` says: downgraded to the default plan, or cancelled.
    Without ``now``, a trial subscription is trialing.
    """
    return _state(sub, now).phase


class _State:
    """A subscription in one phase, with the answers that depend on it cached.

    ``effective`` is the subscription whose plan applies: the subscription
    itself, its downgrade to the default plan, or None when cancelled.
    ``with_trial_plan`` says whether the plan trialled alongside still counts.
    """

    __slots__ = (
        "phase",
        "trial_ends_at",
        "effective",
        "with_trial_plan",
        "rules",
        "most",
        "windows",
        "usage",
        "quoting",
    )

    def __init__(
        self,
        phase: Phase,
        trial_ends_at: datetime | None,
        effective: Subscription | None,
        with_trial_plan: bool,
    ) -> None:
        self.phase, self.trial_ends_at = phase, trial_ends_at
        self.effective, self.with_trial_plan = effective, with_trial_plan
        self.rules: dict[str, Any] = {}  # feature -> check() rule or Reason
        self.most: dict[str, int | None] = {}  # feature -> allowed() bound
        self.windows: dict[str, tuple[datetime, datetime]] = {}  # feature -> window
        self.usage: dict[str, Any] = {}  # feature -> how quote() takes its usage
        self.quoting: _Quoting | None = None  # what quote() starts from, see _quoting


def _state(sub: Subscription, now: datetime | None) -> _State:
    """The cached _State of ``sub`` at ``now``; an error for a moment it can't place."""
    try:
        cache = sub._cache
    except AttributeError:
        raise _not_a_subscription(sub) from None
    if now is None:
        state = cache.get("state")
        if state is None:
            state = cache["state"] = _new_state(sub, None)
        return state
    # a UTC datetime is the common moment, and always within range
    moment = now if type(now) is datetime and now.tzinfo is UTC else _moment(now, "now")
    if sub.started_at is not None and moment < sub.started_at:
        raise InvalidMomentError(
            f"now ({_iso(moment)}) is before the subscription started "
            f"({_iso(sub.started_at)}); expected a moment after started_at."
        )
    if not sub.trial and sub.trial_plan is None:
        return _state(sub, None)  # the same in every moment
    key = _phase_key(sub, moment)
    state = cache.get(key)
    if state is None:
        state = cache[key] = _new_state(sub, moment)
    return state


def _phase_key(sub: Subscription, moment: datetime) -> tuple[str, bool, bool]:
    trial_over = sub.trial and _trial_over(sub, sub.plan, moment)
    side_over = sub.trial_plan is not None and _trial_over(sub, sub.trial_plan, moment)
    return ("state", trial_over, side_over)


def _new_state(sub: Subscription, moment: datetime | None) -> _State:
    if not sub.trial:
        side = sub.trial_plan is not None and (
            moment is None or not _trial_over(sub, sub.trial_plan, moment)
        )
        return _State(Phase.ACTIVE, None, sub, side)
    ends = _trial_end(sub, sub.plan)
    side = sub.trial_plan is not None and (
        moment is None or not _trial_over(sub, sub.trial_plan, moment)
    )
    if moment is None or not _trial_over(sub, sub.plan, moment):
        return _State(Phase.TRIALING, ends, sub, side)
    if _PRODUCT["trial_end"] == "cancel":
        return _State(Phase.CANCELLED, ends, None, False)
    return _State(Phase.DOWNGRADED, ends, _downgraded(sub), False)


def _trial_over(sub: Subscription, plan_id: str, moment: datetime) -> bool:
    """Whether the trial of ``plan_id`` has ended by ``moment``; budgets never end."""
    ends = _trial_end(sub, plan_id)
    if ends is None and _trial_has_length(plan_id):
        raise InvalidMomentError(
            f"The trial of {plan_id!r} lasts a number of days or months; expected "
            "started_at on the subscription to tell whether it has ended."
        )
    return ends is not None and moment >= ends


def _trial_has_length(plan_id: str) -> bool:
    trial = _offers_trial(plan_id, _plan(plan_id))
    return bool(trial["days"] or trial["months"])


def _trial_end(sub: Subscription, plan_id: str) -> datetime | None:
    """started_at plus the trial's days or months, whichever is earlier; cached."""
    key = ("trial_end", plan_id)
    if key in sub._cache:
        return sub._cache[key]  # type: ignore[no-any-return]
    trial = _offers_trial(plan_id, _plan(plan_id))
    ends: datetime | None = None
    if sub.started_at is not None and _trial_has_length(plan_id):
        started = _moment(sub.started_at, "started_at")
        ends_by: list[datetime] = []
        days, months = trial["days"], trial["months"]
        try:
            if days:
                ends_by.append(started + timedelta(days=days))
            if months:
                ends_by.append(_add_months(started, months))
        except (OverflowError, ValueError):
            raise InvalidMomentError(
                f"The trial of {plan_id!r} started at {_iso(started)} would end after "
                "the year 9999; expected an earlier started_at."
            ) from None
        ends = min(ends_by)
    sub._cache[key] = ends
    return ends


def _downgraded(sub: Subscription) -> Subscription:
    """The subscription after its trial: the default plan, without what was bought.

    Add-ons, quantities and variables belong to the trialled plan and end with
    its trial; period and currency carry over where the default plan has them.
    """
    cached = sub._cache.get("downgraded")
    if cached is None:
        default_id = _PRODUCT["default_plan"]
        assert default_id is not None  # rule TRIAL_END_NO_DEFAULT: a trial ends on one
        default = _plan(default_id)
        period = sub.period if sub.period in default["billing_periods"] else None
        cached = Subscription(
            plan=default_id,
            period=period,
            currency=sub.currency,
            started_at=sub.started_at,
        )
        sub._cache["downgraded"] = cached
    return cached


def _iso(moment: datetime) -> str:
    return str(_plain(moment))


# -- entitlements ---------------------------------------------------------------

_NO_ENTITLEMENTS: Mapping[str, Entitlement] = MappingProxyType({})


def entitlements(
    sub: Subscription, now: datetime | None = None
) -> Mapping[str, Entitlement]:
    """The effective entitlements of a subscription at ``now``, by feature id.

    In catalog order; none once a trial has ended in cancellation. Computed
    once per Subscription object and phase, and cached on it.
    """
    return _state_entitlements(_state(sub, now))


def _state_entitlements(state: _State) -> Mapping[str, Entitlement]:
    sub = state.effective
    if sub is None:
        return _NO_ENTITLEMENTS
    key = ("entitlements", state.with_trial_plan)
    cached = sub._cache.get(key)
    if cached is None:
        cached = MappingProxyType(_compute_entitlements(sub, state.with_trial_plan))
        sub._cache[key] = cached
    return cached


def _validated(
    sub: Subscription,
) -> tuple[_Plan, dict[str, int], list[_Chosen], dict[str, Entitlement]]:
    """(plan, in-advance quantities, add-ons, variable grants) of a valid subscription.

    Every check of what the subscription's ids and numbers mean happens here,
    once, whichever function is called first; the result is cached on it.
    """
    cached = sub._cache.get("valid")
    if cached is None:
        plan = _plan(sub.plan)
        simple = not (sub.trial or sub.addons or sub.variables or sub.trial_plan)
        quantities = _plain_quantities(sub, plan) if simple else None
        if quantities is not None:  # the common subscription, checked in one pass
            cached = sub._cache["valid"] = (plan, quantities, _NO_ADDONS, _NO_GRANTS)
            return cached
        if sub.trial:
            _offers_trial(sub.plan, plan)
        addons = _validated_addons(sub, plan)
        variables = _variables(sub, plan)
        quantities = _quantities(sub, plan)
        if sub.trial_plan is not None:
            _offers_trial(sub.trial_plan, _plan(sub.trial_plan))
        cached = sub._cache["valid"] = (plan, quantities, addons, variables)
    return cached


def _compute_entitlements(
    sub: Subscription, with_trial_plan: bool
) -> dict[str, Entitlement]:
    plan, quantities, addons, variables = _validated(sub)
    grants = dict(_package_grants("plan", plan))
    grants.update(variables)
    for fid, quantity in quantities.items():  # the quantity bought becomes the limit
        base = grants.get(fid) or _grant(fid, {"type": "metered", "source": sub.plan})
        grants[fid] = _replace(
            base, limit=quantity, unlimited=False, sources=("quantity",)
        )
    _apply_addons(addons, grants)
    if with_trial_plan and sub.trial_plan is not None:
        trial = _plan(sub.trial_plan)
        for fid, other in _package_grants("plan", trial).items():
            if not trial["entitlements"][fid].get("variable"):
                grants[fid] = _more_generous(grants.get(fid), other)
    return {fid: grants[fid] for fid in FEATURES if fid in grants}


def _offers_trial(plan_id: str, plan: _Plan) -> _Trial:
    trial = plan["trial"]
    if not trial:
        raise TrialNotOfferedError(
            f"Plan {plan_id!r} has no trial; expected a plan that offers one."
        )
    return trial


_NO_ADDONS: list[_Chosen] = []  # shared, never changed
_NO_GRANTS: dict[str, Entitlement] = {}


def _plain_quantities(sub: Subscription, plan: _Plan) -> dict[str, int] | None:
    """The quantities of a subscription that bought only its in-advance units, when each
    is a whole number in range; None to let _quantities() say what is wrong."""
    advance, variable = _plan_facts(plan)
    bought = sub.quantities
    if variable or len(bought) != len(advance):
        return None
    for fid, charge in advance.items():
        quantity = bought.get(fid)
        if type(quantity) is not int or not 0 <= quantity <= _MAX_UNITS:
            return None
        if charge["model"] == "stairstep" and _stairstep_bound(charge) is not None:
            return None  # bounded: _quantities() checks it with its message
    return dict(bought)


_FACTS: dict[str, tuple[dict[str, _ChargeData], tuple[str, ...]]] = {}  # plan id ->


def _plan_facts(plan: _Plan) -> tuple[dict[str, _ChargeData], tuple[str, ...]]:
    """(in-advance charges by feature, variable entitlements): read once per plan.

    Validating a subscription then costs what it bought, not the plan's size.
    """
    facts = _FACTS.get(plan["id"])
    if facts is None:
        charges = plan["charges"]
        advance = {c["feature"]: c for c in charges if c["billing"] == "in_advance"}
        ents = plan["entitlements"].items()
        variable = tuple(fid for fid, ent in ents if ent.get("variable"))
        facts = _FACTS[plan["id"]] = (advance, variable)  # idempotent under a race
    return facts


def _variables(sub: Subscription, plan: _Plan) -> dict[str, Entitlement]:
    """The grants of a custom plan's variable entitlements, from sub.variables."""
    variable = _plan_facts(plan)[1]
    if not variable and not sub.variables:
        return {}
    for fid in sub.variables:
        if fid not in variable:
            raise VariableEntitlementUnknownError(
                f"Plan {sub.plan!r} does not set {fid!r} per subscription; expected "
                f"variables for {_options(variable)}."
            )
    grants = _package_grants("plan", plan)
    return {fid: _variable(sub, fid, grants[fid]) for fid in variable}


def _variable(sub: Subscription, fid: str, grant: Entitlement) -> Entitlement:
    if fid not in sub.variables:
        raise VariableEntitlementMissingError(
            f"Plan {sub.plan!r} sets {fid!r} per subscription; "
            f"expected variables={{{fid!r}: ...}}."
        )
    raw = sub.variables[fid]
    what = f"Variable entitlement {fid!r}"
    if grant.type == "metered":
        if raw == "unlimited":
            return _replace(
                grant, limit=None, unlimited=True, sources=("subscription",)
            )
        limit = _whole(raw, what)
        return _replace(grant, limit=limit, unlimited=False, sources=("subscription",))
    if (
        isinstance(raw, bool)
        or not isinstance(raw, int | Decimal)
        or not Decimal(raw).is_finite()
        or raw < 0
    ):
        raise InvalidQuantityError(
            f"{what} must be a number of at least 0, got {raw!r}."
        )
    if raw > _MAX_UNITS:
        raise QuantityOutOfRangeError(
            f"{what} must be at most {_MAX_UNITS:,}, got {raw:,}."
        )
    return _replace(grant, value=Decimal(raw), sources=("subscription",))


def _quantities(sub: Subscription, plan: _Plan) -> dict[str, int]:
    """The in-advance quantities: one for each in-advance charge, each within range."""
    sold = _plan_facts(plan)[0]
    for fid in sub.quantities:
        if fid not in sold:
            _feature(fid)  # an unknown id is an UnknownFeatureError
            expected = (
                f"quantities for {_options(sold)}"
                if sold
                else "no quantities, as it sells nothing in advance"
            )
            raise InvalidQuantityError(
                f"Plan {sub.plan!r} does not sell {fid!r} in advance; "
                f"expected {expected}."
            )
    quantities: dict[str, int] = {}
    for fid, charge in sold.items():
        if fid not in sub.quantities:
            raise QuantityMissingError(
                f"Plan {sub.plan!r} sells {fid!r} in advance; "
                f"expected quantities={{{fid!r}: ...}}."
            )
        quantity = _whole(sub.quantities[fid], f"Quantity of {fid!r}")
        _within_stairstep(charge, quantity)
        quantities[fid] = quantity
    return quantities


def _stairstep_bound(charge: _ChargeData) -> int | None:
    """The most units a charge can price: a bounded stairstep's last tier + included."""
    last = charge["tiers"][-1]["up_to"] if charge["model"] == "stairstep" else None
    return None if last is None else int(charge["included"] + last)


def _within_stairstep(charge: _ChargeData, quantity: int) -> None:
    bound = _stairstep_bound(charge)
    if bound is not None and quantity > bound:
        last = charge["tiers"][-1]["up_to"]
        included = f"{charge['included']:,} included and " if charge["included"] else ""
        raise QuantityOutOfRangeError(
            f"{quantity:,} units of {charge['feature']!r} exceed the last stairstep "
            "tier; "
            f"expected at most {bound:,} ({included}up to {last:,} in the last tier)."
        )


# ("plan" or "addon", id) -> {feature: Entitlement}; bounded by the catalog
_GRANTS: dict[tuple[str, str], dict[str, Entitlement]] = {}


def _package_grants(kind: str, package: _Plan | _Addon) -> dict[str, Entitlement]:
    """The Entitlement of each grant of a plan or add-on: built once, then shared."""
    key = (kind, package["id"])
    grants = _GRANTS.get(key)
    if grants is None:
        entitlements = package["entitlements"].items()
        grants = {fid: _grant(fid, ent) for fid, ent in entitlements}
        _GRANTS[key] = grants  # idempotent, so a race only builds twice
    return grants


def _grant(fid: str, ent: _Grant) -> Entitlement:
    return Entitlement(
        feature=fid,
        type=ent["type"],
        limit=ent.get("limit"),
        unlimited=bool(ent.get("unlimited")),
        soft=bool(ent.get("soft")),
        value=ent.get("value"),
        values=tuple(ent.get("values") or ()),
        reset=ent.get("reset"),
        reset_anchor=ent.get("reset_anchor") or "subscription_start",
        sources=(ent["source"],),
    )


def _validated_addons(sub: Subscription, plan: _Plan) -> list[_Chosen]:
    """(id, add-on, quantity) of the add-ons bought, in catalog order."""
    if not sub.addons:
        return []
    chosen: list[_Chosen] = []
    for addon_id in sub.addons:
        _addon(addon_id)
    for addon_id in ADDONS:
        if addon_id not in sub.addons:
            continue
        quantity = sub.addons[addon_id]
        addon = ADDONS[addon_id]
        count = _whole(quantity, f"Quantity of add-on {addon_id!r}")
        if count == 0:
            continue
        if sub.plan not in addon["plans"]:
            raise AddonNotCompatibleError(
                f"Add-on {addon_id!r} cannot be used with plan {sub.plan!r}; "
                f"it is compatible with {_options(addon['plans'])}."
            )
        if count > addon["max_quantity"]:
            raise AddonQuantityExceededError(
                f"Add-on {addon_id!r} may be bought at most "
                f"{addon['max_quantity']} times, got {count}."
            )
        if addon["status"] == "archived" and not sub.existing:
            raise PlanArchivedError(
                f"Add-on {addon_id!r} is archived and sells to no new customer; "
                "pass existing=True for a subscription that already has it."
            )
        chosen.append((addon_id, addon, count))
    _check_addon_relations(sub, chosen)
    return chosen


def _check_addon_relations(sub: Subscription, chosen: list[_Chosen]) -> None:
    present = {addon_id for addon_id, _, _ in chosen}
    for addon_id, addon, _ in chosen:
        missing = [r for r in addon["requires"] if r not in present]
        if missing:
            raise AddonRequirementMissingError(
                f"Add-on {addon_id!r} requires {_options(missing)}; "
                "add it to the subscription."
            )
        clash = [x for x in addon["excludes"] if x in present]
        if clash:
            raise AddonNotCompatibleError(
                f"Add-on {addon_id!r} cannot be combined with {_options(clash)}."
            )


def _apply_addons(chosen: list[_Chosen], grants: dict[str, Entitlement]) -> None:
    """Overrides first (the highest wins), then increments of limit x quantity."""
    for behavior in ("override", "increment"):
        for _addon_id, addon, count in chosen:
            extras = _package_grants("addon", addon)
            for fid, ent in addon["entitlements"].items():
                if _behavior(ent) != behavior:
                    continue
                grants[fid] = _combine(grants.get(fid), extras[fid], behavior, count)


def _behavior(ent: _Grant) -> str:
    """Metered grants increment by default; other types take the most generous value."""
    return ent.get("behavior") or (
        "increment" if ent["type"] == "metered" else "override"
    )


def _combine(
    base: Entitlement | None, extra: Entitlement, behavior: str, count: int
) -> Entitlement:
    if base is None:
        if behavior == "increment" and extra.type == "metered" and not extra.unlimited:
            return _replace(extra, limit=(extra.limit or 0) * count)
        if behavior == "increment" and extra.type == "config":
            return _replace(extra, value=_mul(extra.value or _ZERO, count))
        return extra
    if behavior == "override" or extra.type in ("boolean", "enum"):
        return _more_generous(base, extra)
    if extra.type == "metered":
        if base.unlimited or extra.unlimited:
            return _replace(
                base, limit=None, unlimited=True, sources=base.sources + extra.sources
            )
        limit = (base.limit or 0) + (extra.limit or 0) * count
        return _replace(
            base,
            limit=limit,
            soft=base.soft or extra.soft,
            sources=base.sources + extra.sources,
        )
    value = _add(base.value or _ZERO, _mul(extra.value or _ZERO, count))
    return _replace(base, value=value, sources=base.sources + extra.sources)


def _more_generous(a: Entitlement | None, b: Entitlement) -> Entitlement:
    """Unlimited beats a limit, a higher limit or value a lower one; enums unite."""
    if a is None:
        return b
    sources = a.sources + tuple(s for s in b.sources if s not in a.sources)
    if a.type == "enum":
        values = a.values + tuple(v for v in b.values if v not in a.values)
        return _replace(a, values=values, sources=sources)
    if a.type == "metered":
        if a.unlimited or b.unlimited:
            return _replace(
                a, limit=None, unlimited=True, soft=a.soft or b.soft, sources=sources
            )
        return _replace(
            a,
            limit=max(a.limit or 0, b.limit or 0),
            soft=a.soft or b.soft,
            sources=sources,
        )
    if a.type == "config":
        value = max(a.value or Decimal(0), b.value or Decimal(0))
        return _replace(a, value=value, sources=sources)
    return _replace(a, sources=sources)


# -- checks ---------------------------------------------------------------------


def check(
    sub: Subscription,
    feature: str,
    usage: int = 0,
    requested: int = 1,
    now: datetime | None = None,
) -> Decision:
    """May ``sub`` use ``requested`` more units of ``feature``, having used ``usage``?

    has_access = granted and (unlimited or soft or usage + requested <= limit),
    in the subscription's phase at ``now``. Problems with the subscription
    itself (an unknown plan, an incompatible add-on) deny with their reason
    rather than raise: a check fails closed.
    """
    if type(usage) is not int or not 0 <= usage <= _MAX_UNITS:
        usage = _whole(usage, "usage")
    if type(requested) is not int or not 0 <= requested <= _MAX_UNITS:
        requested = _whole(requested, "requested")
    if type(feature) is not str:
        raise InvalidArgumentError(
            f"feature must be a feature id (a string), got {feature!r}."
        )
    try:
        state = _state(sub, now)
    except PricingError as exc:
        if exc.reason is None:
            raise
        return _denied(feature, exc.reason, usage, requested, None)
    try:
        rule = state.rules[feature]
    except KeyError:
        rule = _check_rule(state, feature)
    if type(rule) is Reason:
        return _denied(feature, rule, usage, requested, state)
    ent, template, limit, budget = rule
    fields = template.copy()
    fields["usage"], fields["requested"] = usage, requested
    if limit is not None:
        fields["remaining"] = limit - usage if usage < limit else 0
        if usage + requested > limit:
            fields["over_limit"] = True
            if not ent.soft:
                fields["has_access"] = False
                fields["reason"] = Reason.USAGE_LIMIT_EXCEEDED
    if (
        budget is not None
        and fields["has_access"]
        and _over_budget(budget, usage + requested)
    ):
        fields["has_access"] = False
        fields["reason"] = Reason.BUDGET_EXCEEDED
    if ent.reset is not None and now is not None and sub.started_at is not None:
        fields["window_start"], fields["window_end"] = _window(
            state, ent, sub.started_at, now
        )
    decision = _new(Decision)  # _record(), inlined: this is the hot path
    _set_decision(decision, fields)
    return decision


def _window(
    state: _State, ent: Entitlement, started_at: datetime, now: datetime
) -> tuple[datetime, datetime]:
    """The usage window at ``now``, kept per feature until ``now`` leaves it."""
    window = state.windows.get(ent.feature)
    if window is None or not window[0] <= now < window[1]:
        window = reset_window(ent.reset or "", ent.reset_anchor, started_at, now)
        state.windows[ent.feature] = window
    return window


def allowed(
    sub: Subscription,
    feature: str,
    usage: int = 0,
    requested: int = 1,
    now: datetime | None = None,
) -> bool:
    """``check(sub, feature, usage, requested, now).has_access``, for hot paths.

    The same answer without building a Decision: per subscription and phase,
    each feature's rule is reduced once to the most units it allows in total
    (-1 when denied, _ALWAYS without a hard limit). Anything that needs more
    (a trial budget, bad arguments) goes through check().
    """
    if (
        now is None
        and type(usage) is int is type(requested)
        and 0 <= usage <= _MAX_UNITS >= requested >= 0
    ):
        try:
            most: int | None = sub._cache["state"].most[feature]
        except (KeyError, TypeError, AttributeError):  # not a Subscription: _state says
            most = _most_allowed(sub, feature)
        if most is not None:
            return usage + requested <= most
    return check(sub, feature, usage, requested, now).has_access


_ALWAYS = 2 * _MAX_UNITS  # more than any valid usage + requested


def _most_allowed(sub: Subscription, feature: object) -> int | None:
    """allowed()'s rule: the most units in total, or None when only check() can tell."""
    if type(feature) is not str:
        return None  # check() says what is wrong
    try:
        state = _state(sub, None)
    except PricingError as exc:
        if exc.reason is None:
            raise
        return -1  # not cached: a subscription that cannot be placed has no state
    rule: Reason | _Rule = state.rules.get(feature) or _check_rule(state, feature)
    most: int | None
    if type(rule) is Reason:
        most = -1
    else:
        ent, _, limit, budget = rule
        most = (
            None
            if budget is not None
            else _ALWAYS
            if limit is None or ent.soft
            else limit
        )
    if feature in FEATURES:  # the set of wrong names is open
        state.most[feature] = most
    return most


def _check_rule(state: _State, feature: str) -> Reason | _Rule:
    """What check() decides on in this state, or the Reason it denies; cached.

    A rule is (entitlement, the Decision fields of a grant within its limit,
    the limit that usage is held to or None, the trial budget or None).
    """
    if feature not in FEATURES:
        return Reason.UNKNOWN_FEATURE  # not cached: the set of wrong names is open
    sub = state.effective
    try:
        if sub is None:
            rule: Reason | _Rule = Reason.SUBSCRIPTION_CANCELLED
        elif _plan(sub.plan)["status"] == "archived" and not sub.existing:
            rule = Reason.PLAN_ARCHIVED
        else:
            ent = _state_entitlements(state).get(feature)
            rule = Reason.NOT_IN_PLAN if ent is None else _rule(state, sub, ent)
    except PricingError as exc:
        if exc.reason is None:
            raise
        rule = exc.reason
    state.rules[feature] = rule
    return rule


def _rule(state: _State, sub: Subscription, ent: Entitlement) -> _Rule:
    metered = ent.type == "metered"
    limit = (ent.limit or 0) if metered and not ent.unlimited else None
    template: dict[str, Any] = {
        "feature": ent.feature,
        "has_access": True,
        "reason": None,
        "limit": ent.limit,
        "unlimited": ent.unlimited,
        "soft": ent.soft,
        "over_limit": False,
        "usage": 0,
        "requested": 0,
        "remaining": None,
        "value": ent.value,
        "values": ent.values,
        "reset": ent.reset,
        "window_start": None,
        "window_end": None,
        "phase": state.phase,
        "trial_ends_at": state.trial_ends_at,
    }
    budget = _trial_budget(state, ent.feature) if metered else None
    return ent, template, limit, budget


def _denied(
    feature: str, reason: Reason, usage: int, requested: int, state: _State | None
) -> Decision:
    return Decision(
        feature=feature,
        has_access=False,
        reason=reason,
        limit=None,
        unlimited=False,
        soft=False,
        over_limit=False,
        usage=usage,
        requested=requested,
        remaining=None,
        value=None,
        values=(),
        reset=None,
        window_start=None,
        window_end=None,
        phase=None if state is None else state.phase,
        trial_ends_at=None if state is None else state.trial_ends_at,
    )


def _trial_budget(state: _State, feature: str) -> _Budget | None:
    """(pay-as-you-go charge, credits) when a trial's budget covers ``feature``."""
    sub = state.effective
    if state.phase is not Phase.TRIALING or sub is None:
        return None
    plan = _plan(sub.plan)
    trial = plan["trial"]
    credits = trial["credits"] if trial else None
    if not credits:
        return None
    currency, _, _, _, _, charges = _sheet(sub, plan)
    for charge in charges:
        if charge.feature == feature and not charge.in_advance:
            return charge, credits[currency]
    return None


def _over_budget(budget: _Budget, units: int) -> bool:
    """Whether ``units`` of usage would cost more than the credits, as quote() bills it.

    The line's rounded amount is compared, so check() and quote() draw the
    line at the same cent.
    """
    charge, credits = budget
    billable = max(units - charge.included, 0)
    return bool(_round(charge.price(billable), charge.quantum) > credits)


# -- money ----------------------------------------------------------------------

_ZERO = Decimal(0)
_ROUNDING = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "up": ROUND_UP,
    "down": ROUND_DOWN,
}


def _known_currency(currency: str) -> str:
    if not isinstance(currency, str) or currency not in _QUANTA:
        raise UnknownCurrencyError(
            f"Unknown currency {currency!r}; "
            f"expected one of {_options(_PRODUCT['currencies'])}."
        )
    return currency


_MAX_AMOUNT = Decimal(10) ** 100  # a line is at most a 30-digit price x 10^30 units


def _amount(amount: object) -> Decimal:
    """An amount of money as Decimal: an int or a finite Decimal within range."""
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
        raise InvalidArgumentError(
            f"An amount must be a Decimal or an int, got {amount!r}; "
            "expected e.g. Decimal('12.50')."
        )
    value = Decimal(amount)
    if not value.is_finite() or value.copy_abs() >= _MAX_AMOUNT:
        raise InvalidAmountError(
            f"An amount must be a finite number below 10^100 in size, got {amount}."
        )
    return value


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round a line item to the currency's minor unit, as the catalog says."""
    quantum = _QUANTA[_known_currency(currency)]
    return _round(_amount(amount), quantum)


def format_money(amount: Decimal, currency: str) -> str:
    """Locale-formatted money (CLDR patterns baked in at generation), e.g. $1,234.00.

    Shows at least the currency's minor unit, and more digits when a unit
    price has them ($0.0027). Affixes, symbols and grouping are the locale's
    (en_IN groups 12,34,567.00; de_DE writes 1.234,00 $).
    """
    amount = _amount(amount)
    form = _PRODUCT["money_formats"][_known_currency(currency)]
    # copy_abs() and normalize(_MONEY): abs() and normalize() round in the current
    # context, 28 digits by default, which would show 30-digit amounts wrongly.
    digits = max(
        _PRODUCT["minor_units"][currency],
        -amount.normalize(_MONEY).as_tuple().exponent,  # type: ignore[operator]
    )
    whole, _, fraction = f"{amount.copy_abs():.{digits}f}".partition(".")
    body = _grouped(whole, form["group"], form["grouping"])
    if fraction:
        body += form["decimal"] + fraction
    prefix, suffix = form["negative"] if amount < 0 else form["positive"]
    return f"{prefix}{body}{suffix}"


def format_number(n: int) -> str:
    """A count as line descriptions write it, grouped in the catalog's locale: 1,000."""
    form = _PRODUCT["number_format"]
    sign, digits = ("-", str(-n)) if n < 0 else ("", str(n))
    return sign + _grouped(digits, form["group"], form["grouping"])


_num = format_number  # short, for the many counts in line descriptions


def _grouped(digits: str, group: str, sizes: tuple[int, int]) -> str:
    """Digits grouped from the right: ``sizes[0]``, then ``sizes[1]`` (India: 3;2)."""
    size = sizes[0]
    if len(digits) <= size:
        return digits
    parts = [digits[-size:]]
    digits = digits[:-size]
    size = sizes[1]
    while len(digits) > size:
        parts.append(digits[-size:])
        digits = digits[:-size]
    parts.append(digits)
    return group.join(reversed(parts))


@lru_cache(maxsize=1024)
def _money_text(amount: Decimal, currency: str) -> str:
    """format_money(), remembered: line descriptions repeat the catalog's prices."""
    return format_money(amount, currency)


# -- pricing models -------------------------------------------------------------


class _Charge:
    """One charge of a price sheet, with its prices chosen and money texts formatted.

    ``amount`` and ``explain`` are functions of billable units: the unrounded
    amount, and the explanation a line item shows. ``amount`` computes with
    _MONEY's own methods (exact, whatever the caller's decimal context);
    ``explain`` only formats counts. Only a flat fee is charged for 0 billable
    units. ``unit`` is a per-unit charge's price, which _charge_line and quote()
    multiply by themselves: calling ``amount``, a partial(), cost a third of that line.
    """

    __slots__ = (
        "feature",
        "in_advance",
        "included",
        "flat",
        "quantum",
        "amount",
        "explain",
        "lines",
        "unit",
    )

    def __init__(
        self,
        charge: _ChargeData,
        quantum: Decimal,
        amount: Callable[[int], Decimal],
        explain: Callable[[int], str],
        unit: Decimal | None = None,
    ) -> None:
        self.feature: str = charge["feature"]
        self.in_advance: bool = charge["billing"] == "in_advance"
        self.included: int = charge["included"]
        self.flat = charge["model"] == "flat"
        self.quantum = quantum
        self.amount, self.explain, self.unit = amount, explain, unit
        self.lines: dict[
            int, Line
        ] = {}  # in-advance lines by quantity, see _bought_line

    def price(self, billable: int) -> Decimal:
        return self.amount(billable) if billable or self.flat else _ZERO

    def explanation(self, billable: int) -> str:
        return self.explain(billable) if billable or self.flat else "nothing billable"

    def describe(self, quantity: int) -> str:
        """The description of this charge's line for ``quantity`` units."""
        included = self.included
        billable = quantity - included if quantity > included else 0
        return _charge_text(self, quantity, billable)


if TYPE_CHECKING:  # what the evaluator computes once and keeps, for type checkers
    _Chosen: TypeAlias = tuple[str, _Addon, int]  # an add-on bought, and how many
    _TierPrice: TypeAlias = tuple[int | None, Decimal, Decimal, str]  # see _tier()
    _Budget: TypeAlias = tuple[_Charge, Decimal]  # see _trial_budget()
    _Rule: TypeAlias = tuple[Entitlement, dict[str, Any], int | None, _Budget | None]
    _Usage: TypeAlias = tuple[int, Reason | str | None, int | None, _ChargeData | None]
    _Sheet: TypeAlias = tuple[str, str, Decimal, Line, Line, tuple[_Charge, ...]]
    _Hole: TypeAlias = tuple[int, _Charge]  # an in-arrears charge and its line's place
    _Priced: TypeAlias = tuple[
        str, str, Decimal, list[Line | None], tuple[_Hole, ...], Decimal, Decimal | None
    ]  # see _priced_subscription()
    # a state's quote fields (lines and total to set), line template, its holes,
    # rounding quantum, trial credits and billing period: see _quoting()
    _Quoting: TypeAlias = tuple[
        dict[str, Any],
        list[Line | None],
        tuple[_Hole, ...],
        Decimal,
        Decimal | None,
        str,
    ]


def _price_of(price: _Price | None, period: str, currency: str) -> Decimal:
    assert price is not None  # the schema requires every price a charge's model reads
    return price[period][currency]


def _compile_charge(charge: _ChargeData, period: str, currency: str) -> _Charge:
    model = charge["model"]
    if model == "flat":
        price = _price_of(charge["price"], period, currency)
        text = f"flat {_money_text(price, currency)}"
        return _Charge(charge, _QUANTA[currency], lambda q: price, lambda q: text)
    if model == "per_unit":
        unit = _price_of(charge["unit_price"], period, currency)
        each = f" × {_money_text(unit, currency)}"
        return _Charge(
            charge,
            _QUANTA[currency],
            partial(_mul, unit),
            lambda q: f"{_num(q)}{each}",
            unit,
        )
    if model == "package":
        return _package(charge, period, currency)
    if model == "stairstep":
        return _stairstep(charge, period, currency)
    tiers = tuple(_tier(tier, period, currency) for tier in charge["tiers"])
    if model == "graduated":
        amount, explain = _graduated, _graduated_text
    else:
        amount, explain = _volume, _volume_text
    return _Charge(
        charge, _QUANTA[currency], partial(amount, tiers), partial(explain, tiers)
    )


def _package(charge: _ChargeData, period: str, currency: str) -> _Charge:
    size, up = charge["block_size"], charge["rounding"] == "up"
    assert size is not None  # the schema requires a package charge's block_size
    price = _price_of(charge["block_price"], period, currency)
    each = f" of {_num(size)} × {_money_text(price, currency)}"

    def blocks(q: int) -> int:
        return -(-q // size) if up else q // size

    def explain(q: int) -> str:
        n = blocks(q)
        return f"{_num(n)} {'block' if n == 1 else 'blocks'}{each}"

    return _Charge(charge, _QUANTA[currency], lambda q: _mul(price, blocks(q)), explain)


def _tier(tier: _Tier, period: str, currency: str) -> _TierPrice:
    """(up_to, unit price, flat fee, explanation after the unit count)."""
    unit, flat = _ZERO, _ZERO
    if tier["unit_price"]:
        unit = _price_of(tier["unit_price"], period, currency)
    if tier["flat_price"]:
        flat = _price_of(tier["flat_price"], period, currency)
    text = f" × {_money_text(unit, currency)}"
    if flat:
        text += f" + {_money_text(flat, currency)}"
    return tier["up_to"], unit, flat, text


def _slices(
    tiers: tuple[_TierPrice, ...], q: int
) -> list[tuple[int, Decimal, Decimal, str]]:
    """Graduated: (units, unit price, flat fee, text) of each tier that q reaches.

    Each tier charges the units inside it, plus its flat fee once reached.
    """
    slices: list[tuple[int, Decimal, Decimal, str]] = []
    lower = 0
    for upper, unit, flat, text in tiers:
        if q <= lower:
            break
        units = (q if upper is None or q < upper else upper) - lower
        slices.append((units, unit, flat, text))
        if upper is None:
            break
        lower = upper
    return slices


def _graduated(tiers: tuple[_TierPrice, ...], q: int) -> Decimal:
    """Each tier charges the units inside it, plus its flat fee once reached."""
    total, lower = _ZERO, 0
    for upper, unit, flat, _ in tiers:
        if q <= lower:
            break
        units = (q if upper is None or q < upper else upper) - lower
        total = _add(total, _add(_mul(unit, units), flat))
        if upper is None:
            break
        lower = upper
    return total


def _graduated_text(tiers: tuple[_TierPrice, ...], q: int) -> str:
    return "; ".join([f"{_num(n)}{text}" for n, _, _, text in _slices(tiers, q)])


def _reached(tiers: tuple[_TierPrice, ...], q: int) -> _TierPrice:
    """Volume: the tier q falls in; every unit is at its price, plus its flat fee."""
    for tier in tiers:
        if tier[0] is None or q <= tier[0]:
            return tier
    raise AssertionError("a volume charge ends with an open tier")


def _volume(tiers: tuple[_TierPrice, ...], q: int) -> Decimal:
    _, unit, flat, _ = _reached(tiers, q)
    return _add(_mul(unit, q), flat)


def _volume_text(tiers: tuple[_TierPrice, ...], q: int) -> str:
    return f"{_num(q)}{_reached(tiers, q)[3]}"


def _stairstep(charge: _ChargeData, period: str, currency: str) -> _Charge:
    steps: list[tuple[int | None, Decimal, str]] = []
    for tier in charge["tiers"]:
        price, upper = _price_of(tier["price"], period, currency), tier["up_to"]
        bound = f"up to {_num(upper)}" if upper is not None else "open tier"
        steps.append((upper, price, f"tier {bound}: {_money_text(price, currency)}"))

    def step(q: int) -> tuple[Decimal, str]:
        for upper, price, text in steps:
            if upper is None or q <= upper:
                return price, text
        raise AssertionError(
            "quantities are held to the last stairstep tier before pricing"
        )

    return _Charge(
        charge, _QUANTA[currency], lambda q: step(q)[0], lambda q: step(q)[1]
    )


# -- quotes ---------------------------------------------------------------------


def _currency(sub: Subscription) -> str:
    return _known_currency(
        _PRODUCT["currencies"][0] if sub.currency is None else sub.currency
    )


def _period(sub: Subscription, plan: _Plan) -> str:
    period = plan["billing_periods"][0] if sub.period is None else sub.period
    if period not in plan["billing_periods"]:
        raise UnknownPeriodError(
            f"Plan {sub.plan!r} is not sold {period!r}; expected one of "
            f"{_options(plan['billing_periods'])}."
        )
    return str(period)


_SHEETS: dict[tuple[str, str | None, str | None], _Sheet] = {}  # -> _sheet()


def _sheet(sub: Subscription, plan: _Plan) -> _Sheet:
    """The plan's price sheet in the subscription's period and currency.

    Compiled once and shared: (currency, period, rounding quantum, base line,
    trial base line, charges). The catalog bounds how many there are.
    """
    given = (sub.plan, sub.period, sub.currency)  # None for the defaults
    if given in _SHEETS:
        return _SHEETS[given]
    currency, period = _currency(sub), _period(sub, plan)
    key = (sub.plan, period, currency)
    if key in _SHEETS:
        _SHEETS[given] = _SHEETS[key]  # bounded: ids are checked above
        return _SHEETS[key]
    price = _price_of(plan["price"], period, currency) if plan["price"] else _ZERO
    label = f"{plan['name']} ({_PERIOD_NAMES[period]})"
    base = _line("plan", label, 1, round_money(price, currency))
    waived = f"{label}, trial: {_money_text(price, currency)} waived"
    trial = _line("plan", waived, 1, round_money(_ZERO, currency)) if price else base
    charges = tuple(_compile_charge(c, period, currency) for c in plan["charges"])
    sheet = (currency, period, _QUANTA[currency], base, trial, charges)
    _SHEETS[key] = _SHEETS[given] = sheet  # idempotent, so a race only compiles twice
    return sheet


def _count(n: int, fid: str) -> str:
    """A count of the feature's units: "1 seat", "20 seats", "3 × Projects"."""
    unit = FEATURES[fid]["unit"]
    if not unit:
        return f"{_num(n)} × {FEATURES[fid]['name']}"
    return f"{_num(n)} {unit[0] if n == 1 else unit[1]}"


def quote(
    sub: Subscription,
    usage: Mapping[str, int] | None = None,
    now: datetime | None = None,
) -> Quote:
    """What ``sub`` costs for one period in one currency, line by line, at ``now``.

    ``usage`` is the usage of in-arrears features measured in the period.
    Usage that check() would deny is refused, never billed: a feature outside
    the plan, more than a hard limit allows in one period, or trial usage
    that costs more than the trial's credits.
    """
    if now is None:
        try:
            cache = sub._cache
        except AttributeError:
            raise _not_a_subscription(sub) from None
        state = cache.get("quoting") or _quote_state(sub)
    else:
        state = _state(sub, now)
    start, template, holes, quantum, credits, period = state.quoting or _quoting(
        sub, state
    )
    # A usage dict is taken as it is when each key is a feature whose rule this state
    # knows and each value whole units within it; anything else goes to _measured().
    if type(usage) is dict:
        measured: Mapping[str, int] = usage
        rules = state.usage
        for fid in usage:  # by key: no items view and no pair per feature
            how, units = rules.get(fid), usage[fid]  # how: None for no rule (yet)
            if (
                how is None
                or type(fid) is not str
                or type(units) is not int
                or not 0 <= units <= how[0]
            ):
                measured = _measured(state, usage, period)
                break
    else:
        measured = _measured(state, usage, period)
    fields = start.copy()  # a copy costs half of a dict display's inserts
    if holes:  # in-arrears charges: the rest is priced already
        lines, spent = template.copy(), _ZERO
        for index, charge in holes:
            quantity, unit = measured.get(charge.feature, 0), charge.unit
            if unit is None or quantity <= charge.included:
                line = lines[index] = _charge_line(charge, quantity, quantum)
                amount = line.__dict__["amount"]
            else:  # per unit past the allowance: _charge_line() written out (hot path)
                amount = _round(_mul(unit, quantity - charge.included), quantum)
                line = lines[index] = _new(Line)
                _set_line(
                    line,
                    {
                        "item": charge.feature,
                        "quantity": quantity,
                        "amount": amount,
                        "_describe": charge,
                    },
                )
            # every amount has the currency's exponent, so 0 + amount is amount itself
            spent = _add(spent, amount) if spent else amount
        if spent:  # and total + 0 is total: a Decimal operation fewer
            fields["total"] = total = _add(fields["total"], spent)
            if credits is not None:
                credit = _credit_line(credits, spent, fields["currency"])
                lines.append(credit)
                fields["total"] = _add(total, credit.__dict__["amount"])
        fields["lines"] = tuple(lines)
    result = _new(Quote)  # _record(), inlined: this is the hot path
    _set_quote(result, fields)
    return result


_QUOTE_STATES: dict[tuple[Any, ...], _State] = {}  # bounded: see _quote_state


def _quote_state(sub: Subscription) -> _State:
    """The state quote() prices ``sub`` in without a moment, for a subscription not
    placed before: a new Subscription per request is the common case.

    A plain subscription (no add-ons, variables, trial or side trial) is active in
    every moment, and equal ones answer alike, so they share one state, checked
    and priced once per purchase. It is kept on ``sub`` apart from check()'s
    state, since check() keeps usage windows there, which depend on
    ``started_at``, and the key leaves that out.
    """
    key = _priced_key(sub)
    if key is None or sub.trial:
        state = _state(sub, None)
    else:
        state = _QUOTE_STATES.get(key) or _shared_state(sub, key)
    sub._cache["quoting"] = state
    return state


def _shared_state(sub: Subscription, key: tuple[Any, ...]) -> _State:
    twin = _twin(sub)
    state = _new_state(twin, None)  # active: a plain subscription has no trial
    _quoting(twin, state, _priced_subscription(twin, key))  # the one that prices
    return _remember(_QUOTE_STATES, key, state)


def _twin(sub: Subscription) -> Subscription:
    """An equal Subscription with a cache of its own, for a state all equal ones share.

    The state must not hold ``sub`` itself: ``sub`` keeps the state in its
    cache, and the pair would be a reference cycle, left to the garbage
    collector once the memo lets go of it. A new Subscription per request would
    then leave one such cycle per purchase, and collecting them costs more
    than pricing them.
    """
    twin = _new(Subscription)
    fields = sub.__dict__.copy()  # the mappings are read-only views: shared safely
    fields["_cache"] = {}
    _set_subscription(twin, fields)
    return twin


def _quoting(
    sub: Subscription, state: _State, priced: _Priced | None = None
) -> _Quoting:
    """What every quote of ``state`` starts from, kept on the state: the Quote's
    fields but its lines and total, and the priced parts of the subscription the
    state bills (``priced``, else see _priced_subscription). A cancelled
    subscription is refused.

    A quote then copies the fields and sets what usage changes, rather than
    reading seven fields from two places into a new dict.
    """
    priced_sub = state.effective
    if priced_sub is None:
        ended = state.trial_ends_at
        assert ended is not None  # only a trial that has ended cancels
        raise SubscriptionCancelledError(
            f"The trial of {sub.plan!r} ended at {_iso(ended)} and the "
            "subscription was cancelled (product.trial_end: cancel); nothing is billed."
        )
    parts: _Priced = (
        priced
        or priced_sub._cache.get("quote")
        or _priced_subscription(priced_sub, _priced_key(priced_sub))
    )
    currency, period, quantum, template, holes, fixed, credits = parts
    start = {
        "currency": currency,
        "period": period,
        "plan": priced_sub.plan,
        "lines": () if holes else tuple(template),  # no holes: every quote's lines
        "total": fixed,
        "phase": state.phase,
        "trial_ends_at": state.trial_ends_at,
    }
    quoting = state.quoting = (start, template, holes, quantum, credits, period)
    return quoting


def _priced_subscription(sub: Subscription, key: tuple[Any, ...] | None) -> _Priced:
    """Everything quote() needs that depends on the subscription alone; cached on it.

    Checking the subscription (plan, currency, period, add-ons, variables,
    quantities) happens here, once. So does pricing every line that does not
    depend on usage: the base fee, the in-advance charges and the add-ons. A
    quote then prices only its in-arrears charges: (currency, period, rounding
    quantum, the lines with a hole for each in-arrears charge, those charges
    with their places, the sum of the lines priced here, the trial's credits).
    ``key`` is _priced_key(sub), which the caller has at hand.
    """
    priced = _PRICED.get(key) if key is not None else None
    if priced is not None:  # an equal subscription was checked and priced before
        sub._cache["quote"] = priced
        return priced
    plan = _plan(sub.plan)
    _check_quotable(sub, plan)
    currency, period, quantum, base, trial, charges = _sheet(sub, plan)
    _, bought, addons, _ = _validated(sub)
    template: list[Line | None] = [trial if sub.trial else base]
    usage_charges: list[_Hole] = []
    for charge in charges:
        if charge.in_advance:
            template.append(_bought_line(charge, bought[charge.feature], quantum))
        else:
            usage_charges.append((len(template), charge))
            template.append(None)
    for addon_id, addon, count in addons:
        template.append(_addon_line(addon_id, addon, count, period, currency))
    fixed = _ZERO
    for line in template:
        if line is not None:
            fixed = _add(fixed, line.__dict__["amount"])
    credits = None
    if sub.trial and plan["trial"] and plan["trial"]["credits"]:
        credits = plan["trial"]["credits"].get(currency)
    priced = (currency, period, quantum, template, tuple(usage_charges), fixed, credits)
    sub._cache["quote"] = priced
    if key is not None:  # quote() copies the template, so sharing it is safe
        _remember(_PRICED, key, priced)
    return priced


_PRICED: dict[tuple[Any, ...], _Priced] = {}  # bounded: see _priced_subscription


def _priced_key(sub: Subscription) -> tuple[Any, ...] | None:
    """What decides a plain subscription's priced parts, or None to price it alone.

    A new Subscription per request is the common case, and most buy the same
    few things: those that share plan, period, currency, flags and whole-number
    quantities share one checked, priced result. Only int quantities qualify,
    since 20.0 == 20 would otherwise skip the check that refuses 20.0.
    """
    if sub.addons or sub.variables or sub.trial_plan is not None:
        return None
    bought = tuple(sub.quantities.items())
    for _, value in bought:
        if type(value) is not int:
            return None
    return (sub.plan, sub.period, sub.currency, sub.existing, sub.trial, bought)


def _check_quotable(sub: Subscription, plan: _Plan) -> None:
    if plan["custom"]:
        raise PlanNotQuotableError(
            f"Plan {sub.plan!r} is a custom plan with no list price; "
            "contact sales for a quote."
        )
    if plan["status"] == "archived" and not sub.existing:
        raise PlanArchivedError(
            f"Plan {sub.plan!r} is archived and sells to no new customer; "
            "pass existing=True for a subscription made before it was archived."
        )
    if plan["status"] == "draft" and not sub.existing:
        raise PlanNotQuotableError(f"Plan {sub.plan!r} is a draft and is not sold yet.")


_NO_USAGE: dict[str, int] = {}


def _measured(state: _State, usage: object, period: str) -> dict[str, int]:
    """The usage argument, checked as check() would: what quote() may bill.

    quote() takes the common argument as it is without a call here: a dict of
    feature ids whose rules its state knows, to whole numbers within them.
    Anything else comes here, to be refused with what is wrong, or made exact
    ints (a rule is looked up the first time its feature is seen).
    """
    if usage is None:
        return _NO_USAGE
    if type(usage) is not dict and not isinstance(usage, Mapping):
        raise InvalidArgumentError(
            "usage must be a mapping of feature id to units, e.g. "
            f"{{'api-calls': 1200}}; got {usage!r}."
        )
    measured: dict[str, int] = {}
    for fid, units in usage.items():
        if type(fid) is not str:
            raise InvalidArgumentError(
                f"usage keys must be feature ids (strings), got {fid!r}."
            )
        how = state.usage.get(fid) or _usage_rule(state, fid, period)
        if type(units) is not int or not 0 <= units <= _MAX_UNITS:
            units = _whole(units, f"Usage of {fid!r}")
        if units > how[0]:
            _refuse_usage(state, fid, units, how)
        measured[fid] = units
    return measured


_USAGE: dict[tuple[str, str, str], _Usage] = {}  # (plan, period, feature) -> rule


def _usage_rule(state: _State, fid: str, period: str) -> _Usage:
    """How quote() takes usage of ``fid`` in this state; cached on the state.

    (the most units taken without a closer look, the refusal, the cap, the
    charge). The cap is the most usage check() can allow in one billing
    period: a hard limit times the usage windows one period can touch.
    Usage of a feature the subscription's add-ons, variables and trial plan
    leave alone follows the plan's own grant, so its rule is the plan's.
    """
    sub = state.effective
    assert sub is not None  # quote() refuses a cancelled subscription first
    if not sub.addons and not sub.variables and sub.trial_plan is None:
        how = _USAGE.get((sub.plan, period, fid))  # the common case: the plan decides
        if how is not None:
            state.usage[fid] = how
            return how
    _feature(fid)  # an unknown id is an UnknownFeatureError, never cached
    plan = _plan(sub.plan)
    if _touched(sub, fid):
        how = _state_usage_rule(state, plan, fid, period)
    else:
        key = (sub.plan, period, fid)
        how = _USAGE.get(key) or _USAGE.setdefault(
            key, _plan_usage_rule(plan, fid, period)
        )
    state.usage[fid] = how
    return how


def _touched(sub: Subscription, fid: str) -> bool:
    """Whether anything but the plan decides ``fid``'s grant for this subscription."""
    if sub.trial_plan is not None or fid in sub.variables:
        return True
    return any(fid in _addon(addon_id)["entitlements"] for addon_id in sub.addons)


def _charge_of(plan: _Plan, fid: str) -> _ChargeData | None:
    return next((c for c in plan["charges"] if c["feature"] == fid), None)


def _plan_usage_rule(plan: _Plan, fid: str, period: str) -> _Usage:
    charge = _charge_of(plan, fid)
    if charge is not None and charge["billing"] == "in_advance":
        return (0, "in_advance", None, charge)
    return _usage_of(_package_grants("plan", plan).get(fid), charge, period)


def _state_usage_rule(state: _State, plan: _Plan, fid: str, period: str) -> _Usage:
    charge = _charge_of(plan, fid)
    if charge is not None and charge["billing"] == "in_advance":
        return (0, "in_advance", None, charge)
    rule: Reason | _Rule = state.rules.get(fid) or _check_rule(state, fid)
    if type(rule) is Reason:
        return (0, rule, None, charge)
    return _usage_of(rule[0], charge, period)


def _usage_of(
    ent: Entitlement | None, charge: _ChargeData | None, period: str
) -> _Usage:
    if ent is None:
        return (0, Reason.NOT_IN_PLAN, None, charge)
    cap: int | None = None
    if ent.type == "metered" and not ent.unlimited and not ent.soft:
        cap = (ent.limit or 0) * _windows_per_period(
            ent.reset, ent.reset_anchor, period
        )
    bound = _stairstep_bound(charge) if charge is not None else None
    # the most usage taken unchecked: never above _MAX_UNITS, which _whole() refuses
    bounds = [b for b in (cap, bound, _MAX_UNITS) if b is not None]
    return (min(bounds), None, cap, charge)


def _refuse_usage(state: _State, fid: str, units: int, how: _Usage) -> None:
    """Refuse usage that check() would deny; quote() bills only what it allows."""
    _, refusal, cap, charge = how
    plan_id = state.effective.plan if state.effective is not None else "?"
    if refusal == "in_advance":
        raise InvalidQuantityError(
            f"Plan {plan_id!r} sells {fid!r} in advance; expected it in the "
            f"subscription's quantities, not in usage (got {units:,})."
        )
    if refusal is not None:  # a valid subscription's only refusal: not_in_plan
        raise FeatureNotInPlanError(
            f"Usage of {fid!r} ({units:,}) is denied by check() ({refusal}); "
            f"expected no usage of a feature that plan {plan_id!r} does not include."
        )
    if cap is not None and units > cap:
        raise UsageLimitExceededError(
            f"{units:,} units of {fid!r} exceed what its hard limit allows in one "
            f"billing period; expected at most {cap:,}."
        )
    if charge is not None:  # without a charge, only a limit caps usage
        _within_stairstep(charge, units)


_PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}
_PERIOD_MOST_HOURS = {"monthly": 31 * 24, "quarterly": 92 * 24, "annual": 366 * 24}
_RESET_HOURS = {"hour": 1, "day": 24, "week": 7 * 24}


def _windows_per_period(reset: str | None, anchor: str, period: str) -> int:
    """The most usage windows one billing period can touch.

    Billing periods start at the subscription's start. Monthly and yearly
    windows anchored there line up with them; calendar windows can cut a
    period in two; hours, days and weeks are counted over its longest length.
    """
    if reset is None:
        return 1
    if reset in ("month", "year"):
        months = 12 if reset == "year" else 1
        windows = max(_PERIOD_MONTHS[period] // months, 1)
        return windows if anchor == "subscription_start" else windows + 1
    return -(-_PERIOD_MOST_HOURS[period] // _RESET_HOURS[reset]) + 1


_MEMO_SIZE = 4096  # entries each memo keeps before it starts afresh: purchases repeat


def _remember(memo: dict[Any, _R], key: object, value: _R) -> _R:
    """Store ``value`` in a bounded memo: emptied when full, so memory stays bounded
    whatever callers buy, and the purchases that repeat are soon back in it."""
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


def _bought_line(charge: _Charge, quantity: int, quantum: Decimal) -> Line:
    """An in-advance charge's line for a quantity: a value, so one object serves every
    subscription that bought that quantity (the description is formatted once, too)."""
    lines = charge.lines
    line = lines.get(quantity)
    if line is None:
        line = _remember(lines, quantity, _charge_line(charge, quantity, quantum))
    return line


def _charge_line(charge: _Charge, quantity: int, quantum: Decimal) -> Line:
    """The line of one charge; its description is formatted on first read.

    quote() writes out the per-unit case past the allowance itself: a change
    here is a change there (tests/test_runtime_results.py holds the two equal).
    """
    included = charge.included
    billable = quantity - included if quantity > included else 0
    if not billable:
        amount = charge.amount(0) if charge.flat else _ZERO
    elif charge.unit is not None:  # per unit: the product, without a partial's call
        amount = _mul(charge.unit, billable)
    else:
        amount = charge.amount(billable)
    line = _new(Line)  # _record(), inlined: this is the hot path
    _set_line(
        line,
        {
            "item": charge.feature,
            "quantity": quantity,
            "amount": _round(amount, quantum),
            "_describe": charge,
        },
    )
    return line


def _charge_text(charge: _Charge, quantity: int, billable: int) -> str:
    what = _count(quantity, charge.feature)
    if charge.included:
        what += f" ({_num(charge.included)} included, {_num(billable)} billable)"
    return f"{what}: {charge.explanation(billable)}"  # counts and money texts only


_ADDON_LINES: dict[tuple[str, int, str, str], Line] = {}  # bounded: see _addon_line


def _addon_line(
    addon_id: str, addon: _Addon, count: int, period: str, currency: str
) -> Line:
    """An add-on's line: price x quantity, a value shared by every subscription."""
    key = (addon_id, count, period, currency)
    line = _ADDON_LINES.get(key)
    if line is None:
        line = _remember(
            _ADDON_LINES, key, _new_addon_line(addon_id, addon, count, period, currency)
        )
    return line


def _new_addon_line(
    addon_id: str, addon: _Addon, count: int, period: str, currency: str
) -> Line:
    unit = _price_of(addon["price"], period, currency) if addon["price"] else _ZERO
    text = f"{addon['name']}: {_num(count)} × {_money_text(unit, currency)}"
    amount = round_money(_mul(unit, count), currency)
    return _line(f"addon:{addon_id}", text, count, amount)


def _credit_line(budget: Decimal, spent: Decimal, currency: str) -> Line:
    """A credits trial pays for in-arrears (pay-as-you-go) lines, up to its budget.

    Usage that costs more than the budget is refused, as check() denies it.
    """
    if spent > budget:
        over = format_money(_MONEY.subtract(spent, budget), currency)
        raise TrialBudgetExceededError(
            f"Trial usage costs {format_money(spent, currency)}, {over} more than the "
            f"trial's credits of {format_money(budget, currency)}; "
            "expected usage within them."
        )
    text = f"Trial credits (budget {_money_text(budget, currency)})"
    return _line("trial-credits", text, 1, round_money(spent.copy_negate(), currency))


# -- reset windows --------------------------------------------------------------

_WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
_FIXED = {
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
}


def _moment(moment: object, name: str) -> datetime:
    """A timezone-aware datetime, in UTC: the only kind of moment evaluated."""
    if not isinstance(moment, datetime):
        raise NaiveDatetimeError(f"{name} must be a datetime, got {moment!r}.")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NaiveDatetimeError(
            f"{name} must be timezone-aware, e.g. datetime(..., tzinfo=UTC); "
            f"got {moment}."
        )
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise InvalidMomentError(
            f"{name} ({moment.isoformat()}) falls outside the years 1 to 9999 in UTC; "
            "expected a moment within them."
        ) from None


def _days_in_month(year: int, month: int) -> int:
    """calendar.monthrange without importing calendar (and locale) at startup."""
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def _add_months(anchor: datetime, months: int) -> datetime:
    """``months`` later at the same day and time, clamped to the month's end."""
    index = anchor.month - 1 + months
    year, month = anchor.year + index // 12, index % 12 + 1
    day = min(anchor.day, _days_in_month(year, month))
    return anchor.replace(year=year, month=month, day=day)


def _fixed_start(reset: str, anchor: str, started: datetime) -> datetime:
    """The first boundary of a fixed-length period (hour, day, week)."""
    if anchor == "subscription_start":
        return started
    midnight = started.replace(hour=0, minute=0, second=0, microsecond=0)
    if reset == "hour":
        return started.replace(minute=0, second=0, microsecond=0)
    if reset == "day":
        return midnight
    weekday = 0 if anchor == "calendar" else _WEEKDAYS.index(anchor)
    return midnight - timedelta(days=(started.weekday() - weekday) % 7)


def reset_window(
    reset: str, anchor: str, started_at: datetime, now: datetime
) -> tuple[datetime, datetime]:
    """The usage window [start, end) containing ``now``; ``end`` is the next reset.

    Times are in UTC. Calendar anchors align to UTC boundaries (the top of
    the hour, midnight, Monday, the 1st, January 1st); a weekday anchor
    aligns weekly resets to that day's midnight. A calendar window may start
    before the subscription did. A moment before ``started_at``, or a window
    that would end after the year 9999, is an InvalidMomentError.
    """
    if reset not in _FIXED and reset not in ("month", "year"):
        raise InvalidResetError(
            f"Unknown reset {reset!r}; expected hour, day, week, month or year."
        )
    if anchor not in ("subscription_start", "calendar", *_WEEKDAYS):
        raise InvalidResetError(
            f"Unknown reset anchor {anchor!r}; expected subscription_start, "
            "calendar or a weekday."
        )
    started, moment = _moment(started_at, "started_at"), _moment(now, "now")
    if moment < started:
        raise InvalidMomentError(
            f"now ({_iso(moment)}) is before started_at ({_iso(started)}); "
            "expected a moment after the subscription started."
        )
    try:
        if reset in _FIXED:
            return _fixed_window(reset, anchor, started, moment)
        return _month_window(reset, anchor, started, moment)
    except (OverflowError, ValueError):  # datetime beyond the year 9999
        raise InvalidMomentError(
            f"The {reset} usage window at {_iso(moment)} would end after the year "
            "9999; "
            "expected an earlier moment."
        ) from None


def _fixed_window(
    reset: str, anchor: str, started: datetime, now: datetime
) -> tuple[datetime, datetime]:
    step = _FIXED[reset]
    first = _fixed_start(reset, anchor, started)
    start = first + step * ((now - first) // step)
    return start, start + step


def _month_window(
    reset: str, anchor: str, started: datetime, now: datetime
) -> tuple[datetime, datetime]:
    months = 12 if reset == "year" else 1
    if anchor == "calendar":
        first = started.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        if reset == "year":
            first = first.replace(month=1)
    else:
        first = started
    elapsed = (now.year - first.year) * 12 + now.month - first.month
    count = max(elapsed // months, 0)
    while count > 0 and _add_months(first, count * months) > now:
        count -= 1
    while _add_months(first, (count + 1) * months) <= now:
        count += 1
    return _add_months(first, count * months), _add_months(first, (count + 1) * months)


_PRODUCT: _Product = _frozen(json.loads(_PRODUCT_SOURCE))
FEATURES: Mapping[str, _Feature] = _frozen(json.loads(_FEATURES_SOURCE))
_QUANTA = {c: Decimal(1).scaleb(-d) for c, d in _PRODUCT["minor_units"].items()}
# The one decimal context of money: prices have at most 100 digits and
# quantities at most 31, so 200 digits keep every product and sum exact, and
# only rounding a line item uses the catalog's rounding. Arithmetic always names
# it (its methods below), never the thread's context: the caller's never applies.
_MONEY = Context(prec=200, rounding=_ROUNDING[_PRODUCT["rounding"]])
_mul, _add, _round = _MONEY.multiply, _MONEY.add, _MONEY.quantize
# The environment this module was generated for (product.environments): its
# name, or None for a catalog without environments, which serves customers.
_ENVIRONMENT = _PRODUCT.get("environment")
ENVIRONMENT: str | None = None if _ENVIRONMENT is None else _ENVIRONMENT["name"]
IS_PRODUCTION: bool = _ENVIRONMENT is None or _ENVIRONMENT["type"] == "production"
