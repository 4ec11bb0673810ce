"""The report of ``pricegen diff`` as text, Markdown (for a pull request) or JSON.

Changes are grouped by what they belong to (the product, a plan, an add-on,
a feature) in the order :func:`~pricegen.diff.compare.diff` found them;
quote impact lists only the reference quotes that changed. A promotion (one
environment's catalog compared with the environment it would be promoted
to) is the same report, worded for the customers of the target environment.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import dump_json
from ..money import text
from .changes import BREAKING, CLASSES, Change, counts, percent
from .impact import Impact


@dataclass(frozen=True)
class Report:
    old: str  # how each side was named on the command line
    new: str
    changes: list[Change]
    impacts: list[Impact]
    promotion: tuple[str, str] | None = None  # (environment promoted, environment promoted to)

    def to_dict(self) -> dict:
        data = {
            "old": self.old,
            "new": self.new,
            "summary": counts(self.changes),
            "changes": [c.to_dict() for c in self.changes],
            "quotes": [i.to_dict() for i in self.impacts],
        }
        if self.promotion is not None:
            data["promotion"] = {"from": self.promotion[0], "to": self.promotion[1]}
        return data

    @property
    def framing(self) -> str | None:
        """The question a promotion answers, or None for a diff between revisions."""
        if self.promotion is None:
            return None
        source, target = self.promotion
        return f"What {target} customers get if {source} is promoted to {target}"


def _summary(changes: list[Change]) -> str:
    n = counts(changes)
    return ", ".join(f"{n[k]} {k}" for k in CLASSES)


def _groups(changes: list[Change]) -> list[tuple[str, list[Change]]]:
    groups: dict[tuple[str, str], list[Change]] = {}
    for change in changes:
        groups.setdefault((change.scope, change.id), []).append(change)
    return [(_heading(scope, id), items) for (scope, id), items in groups.items()]


def _heading(scope: str, id: str) -> str:
    return {"product": "Product", "plan": "Plan", "addon": "Add-on", "feature": "Feature"}[
        scope
    ] + f' "{id}"'


def _delta(i: Impact) -> str:
    return percent(i.old, i.new) if i.old is not None and i.new is not None else ""


# -- text ------------------------------------------------------------------------------


def _impact_text(i: Impact) -> str:
    def side(amount, error):
        return "refused" if amount is None else text(amount)

    delta = _delta(i)
    return f"{side(i.old, i.old_error)} → {side(i.new, i.new_error)}" + (
        f" ({delta})" if delta else ""
    )


def format_text(report: Report) -> str:
    lines = [f"pricegen diff {report.old} → {report.new}"]
    if report.framing:
        lines.append(f"{report.framing}:")
    lines.append(_summary(report.changes))
    if not report.changes:
        lines.append("No changes." if not report.promotion else "No changes: nothing to promote.")
    width = max(len(k) for k in CLASSES)
    for heading, items in _groups(report.changes):
        lines += ["", heading]
        lines += [f"  {c.klass:<{width}}  {c.message}" for c in items]
    changed = [i for i in report.impacts if i.changed]
    if report.impacts:
        whose = f" on {report.promotion[1]} customers" if report.promotion else ""
        total = len(report.impacts)
        lines += ["", f"Quote impact{whose}: {len(changed)} of {total} reference quotes changed"]
        for i in changed:
            lines.append(f"  {i.plan} {i.period} {i.currency} [{i.reference}]: {_impact_text(i)}")
    return "\n".join(lines) + "\n"


# -- Markdown --------------------------------------------------------------------------


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def format_markdown(report: Report) -> str:
    n = counts(report.changes)
    title = "Pricing changes"
    if report.promotion:
        title = f"Promoting {report.promotion[0]} to {report.promotion[1]}"
    lines = [
        f"### {title}",
        "",
        *([f"{report.framing}.", ""] if report.framing else []),
        f"`{_cell(report.old)}` → `{_cell(report.new)}`: "
        + ", ".join(
            (f"**{n[k]} {k}**" if k == BREAKING and n[k] else f"{n[k]} {k}") for k in CLASSES
        ),
    ]
    if not report.changes:
        lines += ["", "No changes." if not report.promotion else "No changes: nothing to promote."]
    for heading, items in _groups(report.changes):
        lines += ["", f"#### {heading}", "", "| Class | Change |", "|---|---|"]
        lines += [
            f"| {'**breaking**' if c.klass == BREAKING else c.klass} | {_cell(c.message)} |"
            for c in items
        ]
    whose = f" on {report.promotion[1]} customers" if report.promotion else ""
    return "\n".join(lines + _impact_markdown(report.impacts, whose)) + "\n"


def _impact_markdown(impacts: list[Impact], whose: str = "") -> list[str]:
    if not impacts:
        return []
    changed = [i for i in impacts if i.changed]
    lines = [
        "",
        f"#### Quote impact{whose} ({len(changed)} of {len(impacts)} reference quotes changed)",
    ]
    if changed:
        lines += [
            "",
            "| Plan | Period | Currency | Subscription | Old | New | Change |",
            "|---|---|---|---|--:|--:|--:|",
        ]
        for i in changed:
            lines.append(
                f"| {i.plan} | {i.period} | {i.currency} | {_cell(i.reference)} | "
                f"{_cell(text(i.old) if i.old is not None else 'refused')} | "
                f"{_cell(text(i.new) if i.new is not None else 'refused')} | {_delta(i)} |"
            )
    return lines


# -- JSON ------------------------------------------------------------------------------


def format_json(report: Report) -> str:
    return dump_json(report.to_dict())


FORMATS = {"text": format_text, "markdown": format_markdown, "json": format_json}
