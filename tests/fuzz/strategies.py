"""Hypothesis strategies for pricegen catalogs: valid ones, and ways to break them.

``catalogs()`` draws a *valid* catalog as plain data (dicts in author
order, ``Decimal`` amounts, text that may hold any character), built to
satisfy every rule of spec/language.md by construction: features of all
four types, plans in inheritance chains and trees, add-ons with
requirements and exclusions, every pricing model with tiers, several
currencies and billing periods, trials, custom and archived plans.
``to_yaml()`` writes such data as block-style YAML, the way people write
catalogs, so that text-level mutations (a broken indent, a duplicated
key) hit realistic places.

``mutations()`` draws one way to break a catalog; ``apply_mutation()``
applies it and returns the bytes of the broken file.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import strategies as st

CURRENCIES = ("USD", "EUR", "JPY", "KWD", "GBP", "CHF")
PERIODS = ("monthly", "quarterly", "annual")
RESETS = ("hour", "day", "week", "month", "year")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Windows device names cannot be file names (docs/plans/<id>.md); generate refuses them.
RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{i}" for p in ("com", "lpt") for i in range(1, 10)}

# Text that has broken generators before: markup, template syntax, formulas, quotes.
HOSTILE_TEXT = [
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "{{ 7*7 }} {% raw %} ${x} #{x}",
    '=HYPERLINK("http://evil")',
    "+1 -1 @SUM(A1) \t=cmd",
    "a | b || c",
    "line one\nline two\r\nthree",
    "quotes ''' \"\"\" \\ \\n \\x00",
    "\u2028separator\u2029 \u202eevil \ufeffbom",
    "]]> <!-- --> `code` *bold* [link](javascript:alert(3))",
    "'; DROP TABLE plans; --",
    "\x00\x01\x1b[31m\x7f\x85\x9f",
    "😀 ünïcödé 中文 עברית",
    "__import__('os').system('id')",
    "# heading",
    "1. list",
]


def _printable_text(max_size: int) -> st.SearchStrategy[str]:
    return st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=max_size)


def texts(max_size: int = 40) -> st.SearchStrategy[str]:
    """Display text: plain words, any Unicode, or a known troublemaker."""
    words = st.from_regex(r"[A-Z][a-z]{1,8}( [A-Za-z0-9]{1,8}){0,3}", fullmatch=True)
    hostile = [t for t in HOSTILE_TEXT if len(t) <= max_size]
    return st.one_of(words, words, st.sampled_from(hostile), _printable_text(max_size))


def ids(min_size: int, max_size: int) -> st.SearchStrategy[list[str]]:
    slug = st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True).filter(
        lambda s: s not in RESERVED
    )
    return st.lists(slug, min_size=min_size, max_size=max_size, unique=True)


# Amounts: cents and sub-cents, whole numbers, zero, and long exact ones below 10^30.
_ORDINARY = [
    st.integers(0, 1000).map(Decimal),
    st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=10, places=4, allow_nan=False, allow_infinity=False),
]
_SPECIAL = [st.just(Decimal("0.0027")), st.just(Decimal(0))]
amounts = st.one_of(*_ORDINARY, st.just(Decimal("123456789012345678901234567890")), *_SPECIAL)
# Without the 30-digit amount, which SQL cannot price at 10^15 units in DECIMAL(38).
everyday_amounts = st.one_of(*_ORDINARY, *_SPECIAL)


@dataclass(frozen=True)
class Text:
    """A string that is written as a quoted YAML decimal string ("29.00")."""

    value: str


def _amount_value(draw, amount: Decimal):
    """An amount as a plain number, or now and then as a quoted decimal string."""
    if draw(st.integers(0, 9)) == 0 and amount == amount.to_integral_value() and amount < 10**29:
        return Text(f"{amount:.2f}")
    return amount


_AMOUNTS = [amounts]  # the amounts strategy of the catalog being drawn (see catalogs())


def money(draw, currencies: tuple[str, ...]):
    """A money value: a bare amount when there is one currency, sometimes; else a map."""
    values = {c: _amount_value(draw, draw(_AMOUNTS[-1])) for c in currencies}
    if len(currencies) == 1 and draw(st.booleans()):
        return values[currencies[0]]
    return values


def price(draw, periods: tuple[str, ...], currencies: tuple[str, ...]):
    if len(periods) == 1 and draw(st.booleans()):
        return money(draw, currencies)
    return {p: money(draw, currencies) for p in periods}


# -- the catalog ----------------------------------------------------------------------


def catalogs(amounts: st.SearchStrategy[Decimal] = amounts) -> st.SearchStrategy[dict]:
    """Valid catalogs as plain data, in author order, with money drawn from ``amounts``.

    ``everyday_amounts`` leaves out the 30-digit amount, which SQL cannot price at
    10^15 units exactly (the differential test of the SQL target uses it).
    """
    return _catalogs(amounts)


@st.composite
def _catalogs(draw, amounts) -> dict:
    _AMOUNTS.append(amounts)
    try:
        return _catalog(draw)
    finally:
        _AMOUNTS.pop()


def _catalog(draw) -> dict:
    currencies = tuple(
        draw(st.lists(st.sampled_from(CURRENCIES), min_size=1, max_size=3, unique=True))
    )
    chosen = draw(st.sets(st.sampled_from(PERIODS), min_size=1))
    periods = tuple(p for p in PERIODS if p in chosen)
    product = {
        "id": draw(ids(1, 1))[0],
        "name": draw(texts()),
        "currencies": list(currencies),
        "billing_periods": list(periods),
    }
    if draw(st.booleans()):
        product["description"] = draw(texts(200))
    if draw(st.booleans()):
        product["trial_end"] = draw(st.sampled_from(["downgrade", "cancel"]))
    if draw(st.integers(0, 3)) == 0:
        product["rounding"] = draw(st.sampled_from(["half_up", "half_even", "down", "up"]))

    features = {}
    for fid in draw(ids(1, 6)):
        kind = draw(st.sampled_from(["boolean", "config", "enum", "metered"]))
        feature = {"name": draw(texts()), "type": kind}
        if draw(st.integers(0, 3)) == 0:
            feature["description"] = draw(texts(100))
        if draw(st.integers(0, 3)) == 0:
            feature["group"] = draw(texts(30))
        if kind == "enum":
            feature["values"] = draw(st.lists(texts(20), min_size=1, max_size=4, unique=True))
        if kind == "metered":
            feature["meter"] = draw(st.sampled_from(["fluctuating", "incremental"]))
        if kind in ("config", "metered") and draw(st.booleans()):
            feature["unit"] = draw(
                st.one_of(texts(20), st.lists(texts(20), min_size=2, max_size=2))
            )
        features[fid] = feature

    plan_ids = draw(ids(1, 5))
    plans: dict[str, dict] = {}
    default_id = plan_ids[0] if draw(st.booleans()) else None
    for index, pid in enumerate(plan_ids):
        plans[pid] = _plan(
            draw, pid, index, plan_ids, default_id, features, periods, currencies, plans
        )

    if default_id is None and any("trial" in plan for plan in plans.values()):
        product["trial_end"] = "cancel"  # a downgrade needs a default plan (TRIAL_END_NO_DEFAULT)

    addons = {}
    addon_ids = draw(ids(0, 5))
    graph = draw(addon_graphs(addon_ids))
    for aid in addon_ids:
        addons[aid] = _addon(draw, aid, graph[aid], plans, features, periods, currencies)

    catalog = {"pricegen": 1, "product": product, "features": features, "plans": plans}
    if addons or draw(st.booleans()):
        catalog["addons"] = addons
    return catalog


def _variables(plans: dict, pid: str | None) -> set[str]:
    """Features whose value a plan leaves to each subscription, inherited ones included."""
    if pid is None:
        return set()
    plan = plans[pid]
    own = plan.get("entitlements") or {}
    inherited = {f for f in _variables(plans, plan.get("extends")) if f not in own}
    return inherited | {f for f, v in own.items() if isinstance(v, dict) and v.get("variable")}


def _plan(draw, pid, index, plan_ids, default_id, features, periods, currencies, plans) -> dict:
    is_default = pid == default_id
    plan: dict = {"name": draw(texts())}
    if draw(st.integers(0, 3)) == 0:
        plan["description"] = draw(texts(200))
    if index and draw(st.booleans()):
        plan["extends"] = draw(st.sampled_from(plan_ids[:index]))  # an earlier plan: no cycle
    if is_default:
        plan["default"] = True
    else:
        status = draw(st.sampled_from(["published"] * 4 + ["draft", "archived"]))
        if status != "published" or draw(st.booleans()):
            plan["status"] = status
    custom = not is_default and draw(st.integers(0, 5)) == 0
    if custom:
        plan["custom"] = True
    own_periods = periods
    if len(periods) > 1 and draw(st.booleans()):
        chosen = draw(st.sets(st.sampled_from(periods), min_size=1))
        own_periods = tuple(p for p in periods if p in chosen)
        plan["billing_periods"] = list(own_periods)
    if not is_default and draw(st.integers(0, 3)) == 0:
        plan["trial"] = draw(
            st.sampled_from(
                [
                    {"days": draw(st.integers(1, 3650))},
                    {"months": draw(st.integers(1, 120))},
                    {"credits": money(draw, currencies)},
                    {"days": draw(st.integers(1, 60)), "credits": money(draw, currencies)},
                ]
            )
        )
    priced = not is_default and not custom
    if priced and draw(st.integers(0, 4)) > 0:
        plan["price"] = price(draw, own_periods, currencies)
    ents = {}
    for fid, feature in features.items():
        if draw(st.booleans()):
            ents[fid] = _entitlement(draw, feature, custom=custom, addon=False)
    if not custom:
        # Only custom plans set values per subscription, inherited ones included.
        for fid in sorted(_variables(plans, plan.get("extends"))):
            if fid not in ents:
                ents[fid] = _entitlement(draw, features[fid], custom=False, addon=False)
    if ents or draw(st.booleans()):
        plan["entitlements"] = ents
    metered = [fid for fid, f in features.items() if f["type"] == "metered"]
    if priced and metered and draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(metered), min_size=1, unique=True))
        plan["charges"] = {fid: _charge(draw, own_periods, currencies) for fid in chosen}
        inherited_variables = _variables(plans, plan.get("extends"))
        for fid in chosen:  # a plan cannot charge for what it removes (CHARGE_FEATURE_REMOVED)
            if ents.get(fid) is False and fid in inherited_variables:
                # dropping the override would inherit the custom parent's variable
                # (ENTITLEMENT_VARIABLE_NOT_CUSTOM): grant a fixed limit instead
                ents[fid] = draw(st.integers(0, 10**6))
            elif ents.get(fid) is False:
                del ents[fid]
    return plan


def _entitlement(draw, feature: dict, *, custom: bool, addon: bool):
    kind = feature["type"]
    if draw(st.integers(0, 9)) == 0:
        return False  # explicitly not granted
    if kind == "boolean":
        return draw(st.sampled_from([True, {"enabled": True}, {"enabled": False}]))
    if kind == "config":
        if custom and draw(st.integers(0, 2)) == 0:
            return {"variable": True}
        value = draw(st.one_of(st.integers(0, 10**6), amounts))
        return value if draw(st.booleans()) else {"value": value}
    if kind == "enum":
        values = draw(st.lists(st.sampled_from(feature["values"]), min_size=1, unique=True))
        return values if draw(st.booleans()) else {"values": values}
    if custom and draw(st.integers(0, 2)) == 0:
        return {"variable": True}
    limit = draw(st.one_of(st.integers(0, 10**6), st.just("unlimited"), st.just(10**15)))
    if not addon and draw(st.booleans()):
        return limit
    full: dict = {"limit": limit}
    if draw(st.booleans()):
        full["soft"] = draw(st.booleans())
    if draw(st.booleans()):
        reset = draw(st.sampled_from(RESETS))
        full["reset"] = reset
        if draw(st.booleans()):
            anchors = ["subscription_start", "calendar"] + (
                list(WEEKDAYS) if reset == "week" else []
            )
            full["reset_anchor"] = draw(st.sampled_from(anchors))
    if addon and draw(st.booleans()):
        full["behavior"] = draw(st.sampled_from(["increment", "override"]))
    return full


def _charge(draw, periods, currencies) -> dict:
    model = draw(
        st.sampled_from(["flat", "per_unit", "package", "graduated", "volume", "stairstep"])
    )
    charge: dict = {"model": model}
    if draw(st.booleans()):
        charge["billing"] = draw(st.sampled_from(["in_advance", "in_arrears"]))
    if draw(st.integers(0, 2)) == 0:
        charge["included"] = draw(st.one_of(st.integers(0, 1000), st.just(10**15)))
    if draw(st.integers(0, 4)) == 0:
        charge["description"] = draw(texts(100))
    if model == "flat":
        charge["price"] = price(draw, periods, currencies)
    elif model == "per_unit":
        charge["unit_price"] = price(draw, periods, currencies)
    elif model == "package":
        charge["block_size"] = draw(st.integers(1, 1000))
        charge["block_price"] = price(draw, periods, currencies)
        if draw(st.booleans()):
            charge["rounding"] = draw(st.sampled_from(["up", "down"]))
    else:
        count = draw(st.integers(1, 4))
        bounds = sorted(draw(st.sets(st.integers(1, 10**6), min_size=count, max_size=count)))
        tiers = []
        for i, bound in enumerate(bounds):
            tier: dict = {}
            last = i == count - 1
            if not last or (model == "stairstep" and draw(st.booleans())):
                tier["up_to"] = bound
            if model == "stairstep":
                tier["price"] = price(draw, periods, currencies)
            else:
                which = draw(st.sampled_from(["unit", "flat", "both"]))
                if which in ("unit", "both"):
                    tier["unit_price"] = price(draw, periods, currencies)
                if which in ("flat", "both"):
                    tier["flat_price"] = price(draw, periods, currencies)
            tiers.append(tier)
        charge["tiers"] = tiers
    return charge


def _addon(draw, aid, relations, plans, features, periods, currencies) -> dict:
    plan_ids = list(plans)
    compatible = draw(st.lists(st.sampled_from(plan_ids), min_size=1, unique=True))
    addon: dict = {"name": draw(texts()), "plans": compatible}
    if draw(st.integers(0, 3)) == 0:
        addon["description"] = draw(texts(100))
    if draw(st.integers(0, 5)) == 0:
        addon["status"] = draw(st.sampled_from(["draft", "archived", "published"]))
    if draw(st.booleans()):
        addon["max_quantity"] = draw(st.integers(1, 100))
    addon.update({field: ids for field, ids in relations.items() if ids})
    sold = set()
    for pid in compatible:
        sold.update(plans[pid].get("billing_periods", periods))
    addon_periods = tuple(p for p in PERIODS if p in sold)
    addon["price"] = price(draw, addon_periods, currencies)
    ents = {}
    for fid, feature in features.items():
        if draw(st.integers(0, 2)) == 0:
            ent = _entitlement(draw, feature, custom=False, addon=True)
            if isinstance(ent, dict) and _planned(plans, fid):
                # its window is the plan's (ADDON_RESET_MISMATCH otherwise)
                ent = {k: v for k, v in ent.items() if k not in ("reset", "reset_anchor")}
            ents[fid] = ent
    if ents:
        addon["entitlements"] = ents
    return addon


def _planned(plans: dict, fid: str) -> bool:
    """Whether any plan grants or charges for ``fid``."""
    return any(
        fid in (plan.get("entitlements") or {}) or fid in (plan.get("charges") or {})
        for plan in plans.values()
    )


# -- add-on graphs ---------------------------------------------------------------------

GRAPH_SHAPES = ("none", "chain", "tree", "star", "legs", "clique", "random")


@st.composite
def addon_graphs(draw, addon_ids: list[str]) -> dict[str, dict[str, list[str]]]:
    """``requires`` and ``excludes`` among ``addon_ids``, shaped as a chain, a tree,
    a star, a hub whose legs each have a leg of their own (the shape that once made
    analyze exponential), a clique (an exclusive group, or add-ons that all require
    each other), or random edges: ``{id: {"requires": [...], "excludes": [...]}}``.

    Each edge is a requirement (either way) or an exclusion; an add-on never
    requires one that excludes it, either way round (``ADDON_REQUIRES_CONFLICT``),
    but longer chains that make an add-on impossible to buy do occur.
    """
    graph = {a: {"requires": [], "excludes": []} for a in addon_ids}
    for a, b in _shape_edges(draw, addon_ids):
        kind = draw(st.sampled_from(["requires", "required-by", "excludes"]))
        if kind == "required-by":
            a, b = b, a
        if kind == "excludes":
            if b not in graph[a]["requires"] and a not in graph[b]["requires"]:
                graph[a]["excludes"].append(b)
        elif b not in graph[a]["excludes"] and a not in graph[b]["excludes"]:
            graph[a]["requires"].append(b)
    if draw(st.booleans()):
        _close_a_chain(draw, graph)
    for relations in graph.values():
        for field in relations:
            relations[field] = list(dict.fromkeys(relations[field]))
    return graph


def _close_a_chain(draw, graph: dict) -> None:
    """An exclusion between an add-on and one its requires reach only through others:
    valid, but nobody can buy the add-on (what ``ADDON_NEVER_BOUGHT`` is for)."""
    candidates = []
    for a in graph:
        reached, frontier = set(), list(graph[a]["requires"])
        while frontier:
            b = frontier.pop()
            if b not in reached and b != a:
                reached.add(b)
                frontier.extend(graph[b]["requires"])
        far = [b for b in sorted(reached) if b not in graph[a]["requires"]]
        far = [b for b in far if a not in graph[b]["requires"]]
        candidates += [(a, b) for b in far]
    if candidates:
        a, b = draw(st.sampled_from(candidates))
        graph[b]["excludes"].append(a)


def _shape_edges(draw, ids: list[str]) -> list[tuple[str, str]]:
    if len(ids) < 2:
        return []
    shape = draw(st.sampled_from(GRAPH_SHAPES))
    n = len(ids)
    if shape == "chain":
        return [(ids[i], ids[i - 1]) for i in range(1, n)]
    if shape == "tree":
        return [(ids[i], ids[draw(st.integers(0, i - 1))]) for i in range(1, n)]
    if shape == "star":
        return [(ids[0], other) for other in ids[1:]]
    if shape == "legs":
        legs = ids[1 : 1 + n // 2]
        feet = ids[1 + len(legs) :]
        return [(ids[0], leg) for leg in legs] + list(zip(legs, feet, strict=False))
    if shape == "clique":
        return [(ids[i], ids[j]) for i in range(n) for j in range(i)]
    if shape == "random":
        pairs = [(ids[i], ids[j]) for i in range(n) for j in range(i)]
        return draw(st.lists(st.sampled_from(pairs), max_size=2 * n, unique=True))
    return []


# -- writing YAML ---------------------------------------------------------------------

# Characters YAML allows unescaped in a double-quoted scalar (its c-printable set),
# less those YAML 1.1 (PyYAML) reads as line breaks (U+0085, U+2028, U+2029) and the
# byte-order mark: written raw, a line break inside quotes is folded into a space.
_UNSAFE = re.compile(
    '[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|["\\\\\u2028\u2029\ufeff]'
)


def _quote(text: str) -> str:
    def escape(match: re.Match) -> str:
        char = match.group()
        if char in '"\\':
            return "\\" + char
        code = ord(char)
        return (
            f"\\x{code:02x}"
            if code < 0x100
            else f"\\u{code:04x}"
            if code < 0x10000
            else f"\\U{code:08x}"
        )

    return '"' + _UNSAFE.sub(escape, text) + '"'


def scalar(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, Text):
        return json.dumps(value.value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    return _quote(str(value))


def _is_scalar(value) -> bool:
    return not isinstance(value, (dict, list))


def to_yaml(value, indent: int = 0) -> str:
    """Block-style YAML; flow style only for lists of scalars and empty collections."""
    pad = " " * indent
    lines = []
    for key, item in value.items():
        lines.append(f"{pad}{key}:{_after_key(item, indent)}")
    return "\n".join(lines) + ("\n" if indent == 0 else "")


def _after_key(item, indent: int) -> str:
    if isinstance(item, dict):
        return " {}" if not item else "\n" + to_yaml(item, indent + 2)
    if isinstance(item, list):
        if all(_is_scalar(v) for v in item):
            return " [" + ", ".join(scalar(v) for v in item) + "]"
        return "\n" + _block_list(item, indent + 2)
    return " " + scalar(item)


def _block_list(items: list, indent: int) -> str:
    pad = " " * indent
    lines = []
    for item in items:
        if isinstance(item, dict) and item:
            body = to_yaml(item, indent + 2)
            lines.append(pad + "- " + body[indent + 2 :])
        else:
            lines.append(pad + "- " + (scalar(item) if _is_scalar(item) else "{}"))
    return "\n".join(lines)


# -- breaking catalogs ----------------------------------------------------------------

MUTATIONS = (
    "delete_key",
    "wrong_type",
    "dangling_reference",
    "cycle",
    "duplicate_key",
    "broken_indent",
    "random_bytes",
    "truncate",
    "swap_lines",
    "control_key",
)

# Characters that must never reach a terminal raw: line breaks, escapes, bidi overrides.
CONTROL = "\n\r\t\x00\x07\x1b\x7f\x85\u2028\u2029\u202e\u2066"


@dataclass(frozen=True)
class Mutation:
    kind: str
    seed: int

    def __str__(self) -> str:
        return f"{self.kind}#{self.seed}"


def mutations() -> st.SearchStrategy[Mutation]:
    return st.builds(Mutation, st.sampled_from(MUTATIONS), st.integers(0, 2**32 - 1))


def _paths(value, prefix=()):
    """Every (path, value) in nested data, containers included."""
    yield prefix, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _parent(data, path):
    node = data
    for step in path[:-1]:
        node = node[step]
    return node


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


WRONG_VALUES = [
    None,
    True,
    False,
    0,
    -1,
    Decimal("-0.5"),
    "text",
    "",
    [],
    [1, "a"],
    {},
    {"x": 1},
    "unlimited",
    10**15,
]


def apply_mutation(catalog: dict, mutation: Mutation) -> bytes:
    """The catalog, broken as ``mutation`` says, as the bytes of a file."""
    rng = random.Random(mutation.seed)
    data = _copy(catalog)
    kind = mutation.kind
    if kind == "delete_key":
        keyed = [p for p, _ in _paths(data) if p and isinstance(p[-1], str)]
        path = rng.choice(keyed)
        del _parent(data, path)[path[-1]]
    elif kind == "wrong_type":
        path = rng.choice([p for p, _ in _paths(data) if p])
        _parent(data, path)[path[-1]] = _copy(rng.choice(WRONG_VALUES))
    elif kind == "dangling_reference":
        _dangle(data, rng)
    elif kind == "cycle":
        _cycle(data, rng)
    elif kind == "control_key":
        _control_key(data, rng)
    text = to_yaml(data)
    if kind == "duplicate_key":
        text = _duplicate_line(text, rng)
    elif kind == "broken_indent":
        text = _break_indent(text, rng)
    elif kind == "swap_lines":
        lines = text.split("\n")
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        text = "\n".join(lines)
    raw = text.encode("utf-8")
    if kind == "random_bytes":
        raw = _random_bytes(raw, rng)
    elif kind == "truncate":
        raw = raw[: rng.randrange(len(raw) + 1)]
    return raw


def _dangle(data: dict, rng: random.Random) -> None:
    plans, addons = data["plans"], data.get("addons") or {}
    choices = ["extends", "feature"] + (["addon_plan", "requires"] if addons else [])
    choice = rng.choice(choices)
    unknown = "nowhere-" + str(rng.randrange(1000))
    if choice == "extends":
        plans[rng.choice(list(plans))]["extends"] = unknown
    elif choice == "feature":
        plan = plans[rng.choice(list(plans))]
        plan.setdefault("entitlements", {})[unknown] = True
    elif choice == "addon_plan":
        addon = addons[rng.choice(list(addons))]
        addon["plans"] = [*addon["plans"], unknown]
    else:
        addon = addons[rng.choice(list(addons))]
        addon["requires"] = [*addon.get("requires", []), unknown]


def _control_key(data: dict, rng: random.Random) -> None:
    """A quoted key holding control characters, e.g. a forged diagnostic line, somewhere.

    to_yaml writes keys as they are, so the key is given in its quoted YAML form.
    """
    mappings = [p for p, v in _paths(data) if isinstance(v, dict)]
    target = _parent(data, (*rng.choice(mappings), None)) if mappings else data
    pieces = [rng.choice(CONTROL) for _ in range(rng.randint(1, 4))]
    text = "x" + "".join(pieces) + "forged.yaml:9:9: error: forged [SCHEMA]" + rng.choice(CONTROL)
    target[_quote(text)] = rng.choice([1, "v", True, None])


def _cycle(data: dict, rng: random.Random) -> None:
    plans = list(data["plans"])
    loop = rng.sample(plans, rng.randint(1, len(plans)))
    for here, there in zip(loop, loop[1:] + loop[:1], strict=True):
        data["plans"][here]["extends"] = there


def _duplicate_line(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    keyed = [i for i, line in enumerate(lines) if re.match(r"\s*[a-z_][a-z0-9_-]*:", line)]
    i = rng.choice(keyed)
    lines.insert(i + 1, lines[i])
    return "\n".join(lines)


def _break_indent(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    if rng.random() < 0.5 and lines[i].startswith(" "):
        lines[i] = lines[i][1:]
    else:
        lines[i] = " " * rng.choice([1, 3, 5]) + lines[i]
    return "\n".join(lines)


def _random_bytes(raw: bytes, rng: random.Random) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(data) + 1)
        what = rng.random()
        chunk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
        if what < 0.4:
            data[at:at] = chunk
        elif what < 0.8:
            data[at : at + len(chunk)] = chunk
        else:
            del data[at : at + rng.randint(1, 16)]
    return bytes(data)
