"""The catalog ``pricegen init`` writes: the README's tour, valid and worth editing.

It is the catalog the README's command-line examples run on (tests/test_readme.py
holds the two equal and runs those commands on it).
"""

STARTER_CATALOG = """\
# yaml-language-server: $schema=./pricegen.schema.json
# A starter catalog: edit it, then run `pricegen validate` and `pricegen generate -o generated`.
pricegen: 1
product:
  id: acme
  name: Acme Analytics
  currencies: [USD, EUR]            # the first is the default
  billing_periods: [monthly, annual]

features:
  sso:       {name: Single sign-on, type: boolean}
  retention: {name: Data retention, type: config, unit: [day, days]}
  seats:     {name: Seats, type: metered, meter: fluctuating, unit: [seat, seats]}
  api-calls: {name: API calls, type: metered, unit: [call, calls]}

plans:
  free:
    name: Free
    default: true                   # the fallback plan
    entitlements:
      seats: 3                      # a hard limit
      api-calls: {limit: 1000, reset: month}
      retention: 7
  pro:
    name: Pro
    extends: free                   # everything in Free, plus...
    trial: {days: 14}
    price: {monthly: {USD: 29, EUR: 27}, annual: {USD: 290, EUR: 270}}
    entitlements:
      sso: true
      api-calls: {limit: 100000, reset: month, soft: true}
      retention: 30
    charges:
      seats:                        # bought in advance: the quantity becomes the limit
        model: graduated
        tiers:
          - {up_to: 5, unit_price: {monthly: {USD: 20, EUR: 18}, annual: {USD: 200, EUR: 180}}}
          - {unit_price: {monthly: {USD: 15, EUR: 14}, annual: {USD: 150, EUR: 140}}}
      api-calls:                    # pay as you go, beyond the included calls
        model: per_unit
        included: 100000
        unit_price: {monthly: {USD: 0.0027, EUR: 0.0025}, annual: {USD: 0.0027, EUR: 0.0025}}

addons:
  extra-seats:
    name: 10 extra seats
    plans: [pro]
    max_quantity: 5
    price: {monthly: {USD: 50, EUR: 45}, annual: {USD: 500, EUR: 450}}
    entitlements:
      seats: {limit: 10}            # adds 10 per add-on bought
"""
