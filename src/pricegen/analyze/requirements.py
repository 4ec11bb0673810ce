"""Requirements as users write them: ``sso``, ``seats>=40``, ``export-format=parquet``.

A requirement is parsed against the catalog, so that it can be checked
before any search: an unknown feature gets "did you mean", an enum value
must be one the feature has, and a metered threshold must be whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..model import Catalog, Entitlement

_REQUIREMENT = re.compile(r"\s*([a-z][a-z0-9_-]*)\s*(?:(>=|=)\s*(\S.*?))?\s*")
_NUMBER = re.compile(r"[0-9][0-9_]*(\.[0-9]+)?")


@dataclass(frozen=True)
class Requirement:
    """``sso`` (granted), ``seats>=40`` (a limit or value of at least 40), ``export=parquet``."""

    feature: str
    op: str  # has | >= | =
    value: object = None  # int for metered, Decimal for config, str for enum

    def __str__(self) -> str:
        if self.op == "has":
            return self.feature
        shown = f"{self.value:,}" if isinstance(self.value, int) else str(self.value)
        return f"{self.feature}{self.op}{shown}"


class RequirementError(ValueError):
    """A requirement that does not parse or does not fit its feature."""


def parse_requirement(text: str, catalog: Catalog) -> Requirement:
    match = _REQUIREMENT.fullmatch(text)
    if not match:
        raise RequirementError(
            f'"{text}" is not a requirement; expected FEATURE, FEATURE>=N or FEATURE=VALUE, '
            "e.g. sso, seats>=40, export-format=parquet."
        )
    fid, op, raw = match.group(1), match.group(2) or "has", match.group(3)
    feature = catalog.features.get(fid)
    if feature is None:
        from ..diagnostics import did_you_mean

        raise RequirementError(
            f'Unknown feature "{fid}" in "{text}"{did_you_mean(fid, catalog.features, "features")}'
        )
    if op == "has":
        return Requirement(fid, ">=", 1) if feature.type == "metered" else Requirement(fid, "has")
    if feature.type == "enum":
        if op != "=" or raw not in feature.values:
            options = ", ".join(f"{fid}={v}" for v in feature.values)
            raise RequirementError(
                f'"{text}" does not name a value of enum feature "{fid}"; '
                f"expected one of {options}."
            )
        return Requirement(fid, "=", raw)
    if feature.type == "boolean":
        raise RequirementError(f'"{fid}" is a boolean feature; require it as "{fid}" alone.')
    return _at_least(text, fid, op, raw, feature.type)


def _at_least(text: str, fid: str, op: str, raw: str, feature_type: str) -> Requirement:
    """A threshold on a metered feature (whole, at least 1) or a config value."""
    if op != ">=" or not _NUMBER.fullmatch(raw):
        raise RequirementError(f'"{text}" needs a number; expected {fid}>=N, e.g. {fid}>=40.')
    number = Decimal(raw.replace("_", ""))
    if feature_type == "metered":
        if number != number.to_integral_value() or number < 1:
            raise RequirementError(f'"{text}" needs a whole number of at least 1.')
        return Requirement(fid, ">=", int(number))
    return Requirement(fid, ">=", number)


def behavior(ent: Entitlement) -> str:
    """How an add-on grant combines, as the evaluator does: metered grants
    increment by default, other types take the most generous value."""
    return ent.behavior or ("increment" if ent.type == "metered" else "override")
