"""Terminal renderings of the evaluator's results: quotes and decisions.

Machine formats come from the results' own ``to_dict()`` (keys sorted,
money as decimal strings), so ``--json`` mirrors the module exactly.
"""

from __future__ import annotations

import json


def quote_json(quote) -> str:
    return json.dumps(quote.to_dict(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def decision_json(decision) -> str:
    return json.dumps(decision.to_dict(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def quote_text(quote, format_money) -> str:
    """An invoice-like table: description, quantity, amount; then the total."""
    rows = [(line.description, f"{line.quantity:,}", format_money(line.amount, quote.currency)) for line in quote.lines]
    total = format_money(quote.total, quote.currency)
    width = max([len(r[0]) for r in rows] + [5])
    qty = max([len(r[1]) for r in rows] + [3])
    amt = max([len(r[2]) for r in rows] + [len(total)])
    out = [f"Quote for plan {quote.plan}, {quote.period}, {quote.currency}"]
    out += [f"  {d:<{width}}  {q:>{qty}}  {a:>{amt}}" for d, q, a in rows]
    out.append(f"  {'Total':<{width}}  {'':>{qty}}  {total:>{amt}}")
    return "\n".join(out) + "\n"


def decision_text(decision) -> str:
    verdict = "allowed" if decision.has_access else f"denied ({decision.reason.value})"
    parts = [f"{decision.feature}: {verdict}"]
    if decision.unlimited:
        parts.append("unlimited")
    elif decision.limit is not None:
        parts.append(f"usage {decision.usage:,} + requested {decision.requested:,} of limit {decision.limit:,}")
        if decision.soft:
            parts.append("soft limit" + (", over the limit" if decision.over_limit else ""))
    if decision.value is not None:
        parts.append(f"value {decision.value}")
    if decision.values:
        parts.append("values " + ", ".join(decision.values))
    if decision.window_start is not None:
        parts.append(f"window {decision.window_start.isoformat()} to {decision.window_end.isoformat()}")
    return "; ".join(parts) + "\n"
