"""The catalog ``pricegen init`` writes: small, valid, and worth editing."""

STARTER_CATALOG = """\
# yaml-language-server: $schema=./pricegen.schema.json
# A starter catalog: edit it, then run `pricegen validate` and `pricegen generate -o generated`.
pricegen: 1

product:
  id: my-product
  name: My Product
  currencies: [USD]
  billing_periods: [monthly, annual]

features:
  sso: {name: Single sign-on, type: boolean}
  seats: {name: Seats, type: metered, meter: fluctuating, unit: [seat, seats]}
  api-calls: {name: API calls, type: metered, unit: [call, calls]}

plans:
  free:
    name: Free
    description: For trying things out.
    default: true
    entitlements:
      seats: 2
      api-calls: {limit: 1000, reset: month}

  pro:
    name: Pro
    description: For growing teams.
    extends: free
    trial: {days: 14}
    price:
      monthly: 25
      annual: 250
    entitlements:
      sso: true
      seats: 20
      api-calls: {limit: 100000, reset: month}
"""
