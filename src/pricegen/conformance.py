"""Conformance vectors: cases whose expected answers come from the Python evaluator.

A vectors file (spec/conformance.md) lists cases for one catalog: a
subscription, a call with its arguments, and the expected result as
canonical JSON text (the call's ``to_dict()``) or the expected error class.
Every port of the evaluator (the JavaScript module, a third party's Go or
Java one) must reproduce each case byte for byte.

Arguments are language-neutral: whole numbers are strings of digits (so
that 10^30 survives any JSON parser), other decimals are decimal strings,
moments are ISO 8601 strings with a ``Z``. Cases are drawn at random from
the catalog with a fixed seed, so the same catalog gives the same file.
"""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import ModuleType
from typing import Any

FORMAT = "pricegen-conformance"
VERSION = 1
_WHOLE = re.compile(r"-?[0-9]+")
_BASE = datetime(2026, 1, 1, tzinfo=UTC)

# A case, a subscription or a call's arguments, as the vectors file holds them (JSON
# objects, spec/conformance.md); a plan as the generated module's PLANS holds it.
Case = dict[str, Any]
Data = dict[str, Any]


def dumps(value: object) -> str:
    """Canonical JSON: sorted keys, compact, non-ASCII as is (the JS ``dumps()``)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def number(text: str) -> int | Decimal:
    """A vector's number as Python takes it: digits are an int, anything else a Decimal."""
    return int(text) if _WHOLE.fullmatch(text) else Decimal(text)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


# -- running a case on the Python evaluator ------------------------------------------


def subscription(module: ModuleType, data: Data) -> Any:
    """The module's Subscription from a vector's subscription object (the module's
    own class, so its type is the generated module's, not known here)."""

    def numbers(name: str) -> dict[str, int | Decimal | str]:
        return {k: v if v == "unlimited" else number(v) for k, v in data.get(name, {}).items()}

    started = data.get("started_at")
    return module.Subscription(
        plan=data["plan"],
        period=data.get("period"),
        currency=data.get("currency"),
        quantities=numbers("quantities"),
        addons=numbers("addons"),
        variables=numbers("variables"),
        started_at=None if started is None else moment(started),
        existing=data.get("existing", False),
        trial=data.get("trial", False),
        trial_plan=data.get("trial_plan"),
    )


def expect(module: ModuleType, case: Case) -> dict[str, str]:
    """{"json": text} of the call's result, or {"error": class name} for a PricingError."""
    try:
        return {"json": dumps(_call(module, case))}
    except module.PricingError as error:
        return {"error": type(error).__name__}


def _call(module: ModuleType, case: Case) -> object:
    call, args = case["call"], case.get("args", {})
    now = moment(args["now"]) if args.get("now") else None
    if call == "reset_window":
        start, end = module.reset_window(
            args["reset"], args["anchor"], moment(args["started_at"]), moment(args["now"])
        )
        return [iso(start), iso(end)]
    sub = subscription(module, case["subscription"])
    if call in ("check", "allowed"):
        units = {k: number(args[k]) for k in ("usage", "requested") if k in args}
        function = module.check if call == "check" else module.allowed
        result = function(sub, args["feature"], now=now, **units)
        return result if call == "allowed" else result.to_dict()
    if call == "quote":
        usage = args.get("usage")
        usage = None if usage is None else {k: number(v) for k, v in usage.items()}
        return module.quote(sub, usage=usage, now=now).to_dict()
    if call == "entitlements":
        return {k: v.to_dict() for k, v in module.entitlements(sub, now=now).items()}
    if call == "phase":
        return module.phase(sub, now=now).value
    raise ValueError(f"unknown call {call!r}")


def with_expectations(module: ModuleType, cases: list[Case]) -> list[Case]:
    """Each case with its ``id`` (when missing) and its ``expect`` from the module."""
    done = []
    for index, case in enumerate(cases):
        # as the file will hold it: keys sorted, so that the mappings a port reads come in
        # the order the expectation was computed in (with two bad entries, the first wins)
        case = json.loads(dumps({"id": case.get("id", f"case-{index}"), **case}))
        done.append({**case, "expect": expect(module, case)})
    return done


def vectors(module: ModuleType, cases: list[Case], *, name: str) -> Data:
    """The vectors file for one catalog, as data (write it with :func:`dumps`).

    It names the environment the modules were generated for, as the modules'
    ``ENVIRONMENT`` and ``IS_PRODUCTION`` do, so a port is held to those too.
    """
    return {
        "format": FORMAT,
        "version": VERSION,
        "catalog": name,
        "generator": module.GENERATOR,
        "source_sha256": module.SOURCE_SHA256,
        "environment": module.ENVIRONMENT,
        "is_production": module.IS_PRODUCTION,
        "cases": with_expectations(module, cases),
    }


# -- drawing cases from a catalog ------------------------------------------------------


def random_cases(module: ModuleType, *, count: int = 200, seed: int = 0) -> list[Case]:
    """``count`` subscriptions drawn from the catalog, each with every kind of call.

    Mostly valid subscriptions (every in-advance quantity, compatible add-ons,
    every variable), with a share of broken ones (an unknown id, a missing or
    out-of-range quantity, too many add-ons, a moment before the start), at
    moments before, inside and after trials and usage windows.
    """
    rng = random.Random(f"{module.SOURCE_SHA256}:{seed}")
    cases: list[Case] = []
    for index in range(count):
        drawn = _Draw(module, rng)
        sub, now = drawn.subscription(), drawn.now()
        for case in drawn.calls(sub, now):
            cases.append({"id": f"random-{index}-{case.pop('name')}", **case})
    return cases


class _Draw:
    """One random subscription of a catalog and the calls made on it."""

    def __init__(self, module: ModuleType, rng: random.Random) -> None:
        self.module, self.rng = module, rng
        self.plans = list(module.PLANS)
        self.features = list(module.FEATURES)
        self.product = module.CATALOG["product"]
        self.started: datetime | None = None

    def units(self, near: int | None = None) -> str:
        rng = self.rng
        choices = [0, 1, rng.randint(2, 40), rng.randint(0, 5000), 10**15]
        if near is not None:
            choices += [near - 1, near, near + 1, near * 2] * 2
        if rng.random() < 0.03:
            choices = [10**30, 10**30 + 1, -1]
        return str(max(rng.choice(choices), 0) if rng.random() < 0.98 else rng.choice(choices))

    def subscription(self) -> Data:
        rng, module = self.rng, self.module
        plan_id = rng.choice(self.plans) if self.plans and rng.random() < 0.97 else "no-such-plan"
        plan = module.PLANS.get(plan_id) if plan_id in module.PLANS else None
        sub: dict[str, Any] = {"plan": plan_id}
        if plan is not None:
            self._prices(sub, plan)
            self._quantities(sub, plan)
            self._addons(sub, plan_id)
            self._variables(sub, plan)
            if plan["trial"] and rng.random() < 0.6:
                sub["trial"] = True
            others = [p for p in self.plans if module.PLANS[p]["trial"] and p != plan_id]
            if others and rng.random() < 0.1:
                sub["trial_plan"] = rng.choice(others)
            if plan["status"] != "published" and rng.random() < 0.5:
                sub["existing"] = True
        if rng.random() < 0.8:
            offset = timedelta(days=rng.randint(0, 900), seconds=rng.randint(0, 86399))
            micro = rng.choice([0, 0, rng.randint(1, 999_999)])
            self.started = _BASE + offset + timedelta(microseconds=micro)
            sub["started_at"] = iso(self.started)
        return sub

    def _prices(self, sub: Data, plan: Data) -> None:
        rng = self.rng
        periods, currencies = list(plan["billing_periods"]), list(self.product["currencies"])
        if rng.random() < 0.7:
            sub["period"] = rng.choice(periods + (["quarterly", ""] if rng.random() < 0.1 else []))
        if rng.random() < 0.7:
            sub["currency"] = rng.choice(currencies + (["XXX"] if rng.random() < 0.05 else []))

    def _quantities(self, sub: Data, plan: Data) -> None:
        quantities: dict[str, str] = {}
        for charge in plan["charges"]:
            if charge["billing"] != "in_advance" or self.rng.random() < 0.03:
                continue
            bounds = [t["up_to"] for t in charge["tiers"] if t["up_to"] is not None]
            near = self.rng.choice(bounds) + charge["included"] if bounds else None
            quantities[charge["feature"]] = self.units(near)
        if self.rng.random() < 0.03 and self.features:
            quantities[self.rng.choice(self.features)] = "1"
        if quantities:
            sub["quantities"] = quantities

    def _addons(self, sub: Data, plan_id: str) -> None:
        rng, module = self.rng, self.module
        fitting = [a for a in module.ADDONS if plan_id in module.ADDONS[a]["plans"]]
        pool = fitting if rng.random() < 0.9 else list(module.ADDONS) + ["no-such-addon"]
        chosen: dict[str, str] = {}
        for addon_id in rng.sample(pool, k=min(len(pool), rng.randint(0, 3))):
            most = module.ADDONS[addon_id]["max_quantity"] if addon_id in module.ADDONS else 1
            chosen[addon_id] = str(rng.choice([1, most, rng.randint(0, most), most + 1]))
        for addon_id in list(chosen):  # mostly with what they require
            for required in (
                module.ADDONS[addon_id]["requires"] if addon_id in module.ADDONS else ()
            ):
                if rng.random() < 0.9:
                    chosen.setdefault(required, "1")
        if chosen:
            sub["addons"] = chosen

    def _variables(self, sub: Data, plan: Data) -> None:
        rng = self.rng
        variables: dict[str, str] = {}
        for fid, ent in plan["entitlements"].items():
            if not ent.get("variable") or rng.random() < 0.03:
                continue
            if ent["type"] == "metered":
                variables[fid] = rng.choice(["unlimited", self.units()])
            else:
                variables[fid] = rng.choice(["30", "0", "1.5", "365.25", "-1"])
        if variables:
            sub["variables"] = variables

    def now(self) -> str | None:
        rng = self.rng
        if rng.random() < 0.25:
            return None
        start = self.started or _BASE
        days = rng.choice([0, 1, 7, 13, 14, 15, 30, 31, 45, 60, 365, 400, rng.randint(0, 800)])
        moment_ = start + timedelta(days=days, seconds=rng.randint(-3600, 3600))
        return iso(max(moment_, start) if rng.random() < 0.97 else start - timedelta(days=1))

    def calls(self, sub: Data, now: str | None) -> list[Case]:
        rng = self.rng
        cases: list[Case] = []
        at: dict[str, str] = {} if now is None else {"now": now}
        limits = self._limits(sub, now)
        for fid in rng.sample(self.features, k=min(len(self.features), 4)) + ["no-such-feature"]:
            args = {"feature": fid, "usage": self.units(limits.get(fid)), **at}
            if rng.random() < 0.5:
                args["requested"] = rng.choice(["0", "1", "5"])
            cases.append(
                {"name": f"check-{fid}", "call": "check", "subscription": sub, "args": args}
            )
            cases.append(
                {"name": f"allowed-{fid}", "call": "allowed", "subscription": sub, "args": args}
            )
        cases.append(
            {
                "name": "quote",
                "call": "quote",
                "subscription": sub,
                "args": self._usage(sub, limits, at),
            }
        )
        cases.append(
            {"name": "entitlements", "call": "entitlements", "subscription": sub, "args": at}
        )
        cases.append({"name": "phase", "call": "phase", "subscription": sub, "args": at})
        if rng.random() < 0.3:
            cases.append(self._reset_window())
        return cases

    def _reset_window(self) -> Case:
        rng = self.rng
        start = self.started or _BASE
        later = start + timedelta(days=rng.randint(0, 800), seconds=rng.randint(0, 86399))
        anchors = ["subscription_start", "calendar", "monday", "sunday"]
        args = {
            "reset": rng.choice(["hour", "day", "week", "month", "year"]),
            "anchor": rng.choice(anchors),
            "started_at": iso(start),
            "now": iso(later if rng.random() < 0.95 else start - timedelta(hours=1)),
        }
        return {"name": "reset-window", "call": "reset_window", "args": args}

    def _limits(self, sub: Data, now: str | None) -> dict[str, int]:
        """The limits the subscription has, to draw usage around them."""
        try:
            module_sub = subscription(self.module, sub)
            ents = self.module.entitlements(module_sub, now=None if now is None else moment(now))
        except self.module.PricingError:
            return {}
        return {f: e.limit for f, e in ents.items() if e.limit is not None}

    def _usage(self, sub: Data, limits: dict[str, int], at: dict[str, str]) -> Data:
        rng, module = self.rng, self.module
        usage: dict[str, str] = {}
        plan = module.PLANS.get(sub["plan"]) if sub["plan"] in module.PLANS else None
        if plan is not None:
            for charge in plan["charges"]:
                if charge["billing"] == "in_arrears" and rng.random() < 0.9:
                    usage[charge["feature"]] = self.units(limits.get(charge["feature"]))
        if rng.random() < 0.15 and self.features:
            fid = rng.choice(self.features)
            usage[fid] = self.units(limits.get(fid))
        return {"usage": usage, **at} if usage or rng.random() < 0.5 else dict(at)
