"""The canonical model: what a catalog means, independent of how it was written.

Frozen dataclasses, tuples and ``Decimal``; no I/O, no YAML, no Jinja.
Maps are plain dicts in a decided order (declared currencies and periods,
catalog order of features, ladder order of plans) and are treated as
read-only. ``loc`` fields point back into the sources for diagnostics and
are left out of equality and of the canonical JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from typing import Any, TypeVar, overload

from .diagnostics import Location
from .jsontext import dump_json as dump_json  # re-exported: its callers import it here
from .money import Money, Price, text

NOWHERE = Location("<catalog>")
_T = TypeVar("_T")


def _loc() -> Location:
    return field(default=NOWHERE, compare=False, repr=False, metadata={"canonical": False})


@overload
def _if_set() -> None: ...
@overload
def _if_set(default_factory: Callable[[], _T]) -> _T: ...
def _if_set(default_factory: Callable[[], Any] | None = None) -> Any:
    """A field written to the canonical data only when it has a value.

    ``metadata`` and ``environment`` are new to the language; leaving them out
    when unset keeps every output of a catalog that does not use them as it was.
    """
    if default_factory is None:
        return field(default=None, metadata={"canonical": "if_set"})
    return field(default_factory=default_factory, metadata={"canonical": "if_set"})


@dataclass(frozen=True)
class Environment:
    """The environment a catalog was resolved for (``product.environments``)."""

    name: str
    type: str  # production | non-production

    @property
    def is_production(self) -> bool:
        return self.type == "production"


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    description: str
    currencies: tuple[str, ...]
    billing_periods: tuple[str, ...]
    trial_end: str
    rounding: str
    minor_units: dict[str, int]
    locale: str
    metadata: dict[str, str] = _if_set(dict)
    environment: Environment | None = _if_set()

    @property
    def default_currency(self) -> str:
        return self.currencies[0]


@dataclass(frozen=True)
class Feature:
    id: str
    name: str
    description: str
    group: str
    type: str  # boolean | config | enum | metered
    unit: tuple[str, str] | None  # (singular, plural)
    values: tuple[str, ...]  # enum features
    meter: str | None  # fluctuating | incremental, metered features
    metadata: dict[str, str] = _if_set(dict)
    loc: Location = _loc()


@dataclass(frozen=True)
class Entitlement:
    """One feature's grant. ``granted=False`` records an explicit removal."""

    feature: str
    type: str
    granted: bool = True
    value: Decimal | None = None  # config
    values: tuple[str, ...] = ()  # enum
    limit: int | None = None  # metered; None with unlimited=True means no limit
    unlimited: bool = False
    soft: bool = False
    reset: str | None = None
    reset_anchor: str = "subscription_start"
    variable: bool = False
    behavior: str | None = None  # add-ons: increment | override
    source: str = ""  # the plan or add-on that set this value
    loc: Location = _loc()


@dataclass(frozen=True)
class Tier:
    up_to: int | None
    unit_price: Price | None = None
    flat_price: Price | None = None
    price: Price | None = None  # stairstep


@dataclass(frozen=True)
class Charge:
    feature: str
    model: str  # flat | per_unit | package | graduated | volume | stairstep
    billing: str  # in_advance | in_arrears
    description: str = ""
    included: int = 0
    price: Price | None = None
    unit_price: Price | None = None
    block_size: int | None = None
    block_price: Price | None = None
    rounding: str = "up"
    tiers: tuple[Tier, ...] = ()


@dataclass(frozen=True)
class Trial:
    days: int | None = None
    months: int | None = None
    credits: Money | None = None


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    description: str
    status: str  # draft | published | archived
    default: bool
    custom: bool
    extends: str | None
    ancestors: tuple[str, ...]  # parent first, root last
    billing_periods: tuple[str, ...]
    trial: Trial | None
    price: Price | None
    charges: tuple[Charge, ...]
    entitlements: dict[str, Entitlement]  # effective, after inheritance
    metadata: dict[str, str] = _if_set(dict)
    loc: Location = _loc()

    @property
    def is_free(self) -> bool:
        return self.price is None and not self.charges and not self.custom


@dataclass(frozen=True)
class Addon:
    id: str
    name: str
    description: str
    status: str
    plans: tuple[str, ...]
    max_quantity: int
    requires: tuple[str, ...]
    excludes: tuple[str, ...]
    price: Price
    entitlements: dict[str, Entitlement]
    metadata: dict[str, str] = _if_set(dict)
    loc: Location = _loc()


@dataclass(frozen=True)
class Catalog:
    product: Product
    features: dict[str, Feature]  # catalog order
    plans: dict[str, Plan]  # ladder order: parents before children
    addons: dict[str, Addon]
    source_sha256: str


def to_data(value: object, shared: dict[int, object] | None = None) -> object:
    """Plain JSON-ready data: dataclasses to dicts, Decimal to decimal strings.

    Dispatched on the exact type, with each dataclass's fields looked up once:
    a large catalog has some 300,000 values, and is_dataclass() per value was
    most of the time building its canonical data took. With ``shared`` (a memo
    by object id, for one call over objects that all stay alive), a model
    object met twice, such as an entitlement a plan inherits from its parent,
    is turned into data once and its dict is reused: read-only data then.
    """
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    spec = _canonical_fields(kind)
    if spec is not None:
        if shared is None:
            return _fields_data(value, spec, None)
        found = shared.get(id(value))
        if found is None:
            found = shared[id(value)] = _fields_data(value, spec, shared)
        return found
    if isinstance(value, Decimal):
        return text(value)
    if isinstance(value, dict):
        return {str(k): to_data(v, shared) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_data(v, shared) for v in value]
    return value


def _fields_data(
    value: object, spec: tuple[tuple[str, bool], ...], shared: dict[int, object] | None
) -> dict[str, object]:
    """A dataclass's canonical fields, those written only when set left out when not."""
    return {
        name: to_data(getattr(value, name), shared)
        for name, if_set in spec
        if not if_set or getattr(value, name)
    }


_FIELDS: dict[type, tuple[tuple[str, bool], ...] | None] = {}


def _canonical_fields(cls: type) -> tuple[tuple[str, bool], ...] | None:
    """(name, written only when set) of each field of dataclass ``cls`` in the
    canonical data; None for any other type. Looked up once per class."""
    if cls in _FIELDS:
        return _FIELDS[cls]
    spec = None
    if is_dataclass(cls):
        spec = tuple(
            (f.name, f.metadata.get("canonical") == "if_set")
            for f in fields(cls)
            if f.metadata.get("canonical", True)
        )
    _FIELDS[cls] = spec
    return spec


def canonical_data(catalog: Catalog) -> dict[str, Any]:
    """The catalog as plain data. Key order is sorted on output, so the order
    of features, plans and add-ons is recorded explicitly in ``order``.

    Objects the model shares (inherited entitlements) are shared in the data
    too, so the data is read-only: a user copies what it changes."""
    data = to_data(catalog, {})
    data["order"] = {  # type: ignore[index]
        "features": list(catalog.features),
        "plans": list(catalog.plans),
        "addons": list(catalog.addons),
    }
    data["format"] = 1  # type: ignore[index]
    return data  # type: ignore[return-value]


def canonical_json(catalog: Catalog) -> str:
    return dump_json(canonical_data(catalog))
