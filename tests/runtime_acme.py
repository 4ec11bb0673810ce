"""The catalog the evaluator's semantic tests share (test_runtime*.py), and its helpers.

Every number the tests expect is worked out by hand from this catalog and
the rules, in a comment next to the assertion.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from evaluator_support import compile_text

from pricegen.runtime import load_evaluator

CATALOG = """\
pricegen: 1
product:
  id: acme
  name: Acme Analytics
  currencies: [USD, EUR]
  billing_periods: [monthly, annual]

features:
  sso: {name: Single sign-on, type: boolean}
  audit: {name: Audit log, type: boolean}
  data-retention: {name: Data retention, type: config, unit: [day, days]}
  export-format: {name: Export format, type: enum, values: [csv, parquet, xlsx]}
  seats: {name: Seats, type: metered, meter: fluctuating, unit: [seat, seats]}
  projects: {name: Projects, type: metered, meter: fluctuating, unit: [project, projects]}
  api-calls: {name: API calls, type: metered, meter: incremental, unit: [call, calls]}
  storage: {name: Storage, type: metered, meter: fluctuating, unit: GB}
  sandboxes: {name: Sandboxes, type: metered, meter: fluctuating}

plans:
  free:
    name: Free
    default: true
    entitlements:
      seats: 3
      projects: 2
      api-calls: {limit: 1000, reset: month}
      data-retention: 7
      export-format: [csv]
  pro:
    name: Pro
    extends: free
    trial: {days: 14}
    price:
      monthly: {USD: 29, EUR: 27}
      annual: {USD: 290, EUR: 270}
    entitlements:
      sso: true
      projects: 10
      api-calls: {limit: 100000, reset: month, soft: true}
      data-retention: 30
      export-format: [csv, parquet]
    charges:
      seats:
        model: graduated
        billing: in_advance
        tiers:
          - up_to: 5
            unit_price: {monthly: {USD: 20, EUR: 18}, annual: {USD: 200, EUR: 180}}
            flat_price: {monthly: {USD: 10, EUR: 9}, annual: {USD: 100, EUR: 90}}
          - up_to: 10
            unit_price: {monthly: {USD: 15, EUR: 14}, annual: {USD: 150, EUR: 140}}
          - unit_price: {monthly: {USD: 10, EUR: 9}, annual: {USD: 100, EUR: 90}}
      api-calls:
        model: per_unit
        billing: in_arrears
        included: 100000
        unit_price: {monthly: {USD: 0.0027, EUR: 0.0025}, annual: {USD: 0.0027, EUR: 0.0025}}
  enterprise:
    name: Enterprise
    extends: pro
    custom: true
    entitlements:
      seats: unlimited
      api-calls: {limit: unlimited, reset: month}
      data-retention: {variable: true}
      projects: {variable: true}
  legacy:
    name: Legacy
    extends: free
    status: archived
    billing_periods: [monthly]
    price: {USD: 9, EUR: 8}
    entitlements:
      projects: 5
    charges:
      storage:
        model: stairstep
        billing: in_arrears
        tiers:
          - {up_to: 10, price: {USD: 0, EUR: 0}}
          - {up_to: 100, price: {USD: 5, EUR: 4}}
  payg:
    name: Pay as you go
    extends: free
    trial: {credits: {USD: 30, EUR: 27}}
    entitlements:
      api-calls: {limit: unlimited, reset: month}
    charges:
      api-calls:
        model: per_unit
        unit_price: {monthly: {USD: 0.01, EUR: 0.009}, annual: {USD: 0.01, EUR: 0.009}}
  beta:
    name: Beta
    extends: pro
    status: draft

addons:
  extra-seats:
    name: 10 extra seats
    plans: [pro]
    max_quantity: 5
    price: {monthly: {USD: 50, EUR: 45}, annual: {USD: 500, EUR: 450}}
    entitlements:
      seats: {limit: 10}
  more-projects:
    name: 5 more projects
    plans: [pro]
    max_quantity: 3
    price: {monthly: {USD: 5, EUR: 4}, annual: {USD: 50, EUR: 40}}
    entitlements:
      projects: {limit: 5}
  projects-50:
    name: 50 projects
    plans: [pro]
    price: {monthly: {USD: 20, EUR: 18}, annual: {USD: 200, EUR: 180}}
    entitlements:
      projects: {limit: 50, behavior: override}
  projects-80:
    name: 80 projects
    plans: [pro]
    price: {monthly: {USD: 30, EUR: 27}, annual: {USD: 300, EUR: 270}}
    entitlements:
      projects: {limit: 80, behavior: override}
  security:
    name: Security pack
    plans: [free, pro]
    price: {monthly: {USD: 15, EUR: 14}, annual: {USD: 150, EUR: 140}}
    entitlements:
      sso: true
      data-retention: 90
  audit-log:
    name: Audit log
    plans: [free, pro]
    requires: [security]
    price: {monthly: {USD: 5, EUR: 4}, annual: {USD: 50, EUR: 40}}
    entitlements:
      audit: true
  exports:
    name: Excel export
    plans: [free, pro, payg]
    excludes: [sandbox-pack]
    price: {monthly: {USD: 3, EUR: 3}, annual: {USD: 30, EUR: 30}}
    entitlements:
      export-format: [xlsx]
  sandbox-pack:
    name: Sandboxes
    plans: [free, pro]
    max_quantity: 4
    excludes: [exports]
    price: {monthly: {USD: 2, EUR: 2}, annual: {USD: 20, EUR: 20}}
    entitlements:
      sandboxes: {limit: 2}
      data-retention: {value: 5, behavior: increment}
  old-pack:
    name: Old sandbox pack
    status: archived
    plans: [pro]
    price: {monthly: {USD: 1, EUR: 1}, annual: {USD: 10, EUR: 10}}
    entitlements:
      sandboxes: {limit: 1}
"""

UTC2 = timezone(timedelta(hours=2))


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


IN_ADVANCE = {"pro": "seats", "beta": "seats"}  # the plans of CATALOG that sell seats


def sub(pricing, plan="pro", **kwargs):
    """A subscription; one that must buy seats in advance buys one unless told otherwise."""
    if plan in IN_ADVANCE and "quantities" not in kwargs:
        kwargs["quantities"] = {IN_ADVANCE[plan]: 1}
    return pricing.Subscription(plan=plan, **kwargs)


# The two fixtures of every test_runtime*.py module: import them by these names, and
# tests take them as ``catalog`` and ``pricing``.
@pytest.fixture(scope="module", name="catalog")
def acme_catalog(tmp_path_factory):
    """CATALOG, compiled once per test module."""
    return compile_text(CATALOG, tmp_path_factory.mktemp("acme"))


@pytest.fixture(scope="module", name="pricing")
def acme_pricing(catalog):
    """The evaluator generated from it, loaded once per test module."""
    return load_evaluator(catalog)
