"""The report of ``pricegen analyze``: text for people, JSON for scripts.

``extremes`` is a list of ``(period, currency, cheapest, most expensive)``;
``answer`` is the cheapest purchase for the requirements, if any were
given, and ``quote`` the quote of it by the evaluator ``module``
(:func:`.confirm.confirm_answer`).
"""

from __future__ import annotations

from .. import present
from .purchase import Purchase


def purchase_text(p: Purchase) -> str:
    """ "pro + extra-seats ×2 (seats=40)": a plan, its add-ons, and what is not zero."""
    parts = [p.plan]
    parts += [f"{aid} ×{qty}" for aid, qty in p.addons]
    amounts = [f"{f}={q:,}" for f, q in (*p.quantities, *p.usage) if q]
    return " + ".join(parts) + (f" ({', '.join(amounts)})" if amounts else "")


def format_text(space, extremes, answer, quote, module) -> str:
    lines = _space_text(space) + [""] + _extremes_text(extremes)
    if answer is not None:
        lines += [""] + _answer_text(answer, quote, module)
    return "\n".join(lines) + "\n"


def _space_text(space) -> list[str]:
    lines = ["Configuration space (a plan, plus add-ons and their quantities):"]
    width = max([len(pid) for pid in space.per_plan] + [5])
    lines += [f"  {pid:<{width}}  {count:>,}" for pid, count in space.per_plan.items()]
    lines.append(
        f"  {'total':<{width}}  {space.total:>,} subscriptions; "
        f"{space.priced:,} counting each billing period and currency"
    )
    for pid, never in space.never_bought.items():
        if never:
            shown = ", ".join(never)
            lines.append(f"  {pid}: never bought (in no subscription): {shown}")
    return lines


def _extremes_text(extremes) -> list[str]:
    lines = [
        "Cheapest and most expensive "
        "(each in-advance quantity at 1 unless given, usage at 0 unless given):",
    ]
    for period, currency, low, high in extremes:
        if low is None:
            lines.append(f"  {period} {currency}: no plan with a list price")
            continue
        lines.append(
            f"  {period} {currency}: cheapest {purchase_text(low)}: {low.total}; "
            f"most expensive {purchase_text(high)}: {high.total}"
        )
    return lines


def _answer_text(answer, quote, module) -> list[str]:
    wanted = ", ".join(str(r) for r in answer.requirements)
    lines = [f"Cheapest purchase for {wanted} ({answer.period}, {answer.currency}):"]
    if answer.best is None:
        lines.append("  no subscription meets every requirement.")
        return lines
    lines.append(f"  {purchase_text(answer.best)}")
    lines += ["  " + line for line in present.quote_text(quote, module).splitlines()]
    others = [p for p in answer.per_plan if p is not answer.best]
    if others:
        lines.append(
            "  Best on other plans: " + "; ".join(f"{purchase_text(p)}: {p.total}" for p in others)
        )
    return lines


def to_json(space, extremes, answer, quote) -> dict:
    data = {
        "space": {
            "per_plan": space.per_plan,
            "total": space.total,
            "priced": space.priced,
            "never_bought": {pid: list(ids) for pid, ids in space.never_bought.items() if ids},
        },
        "extremes": [
            {
                "period": period,
                "currency": currency,
                "cheapest": low.to_dict() if low else None,
                "most_expensive": high.to_dict() if high else None,
            }
            for period, currency, low, high in extremes
        ],
    }
    if answer is not None:
        data["purchase"] = {
            "requirements": [str(r) for r in answer.requirements],
            "period": answer.period,
            "currency": answer.currency,
            "best": answer.best.to_dict() if answer.best else None,
            "quote": quote.to_dict() if quote is not None else None,
            "per_plan": [p.to_dict() for p in answer.per_plan],
        }
    return data
