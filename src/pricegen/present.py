"""Terminal renderings of the evaluator's results: quotes and decisions.

Machine formats come from the results' own ``to_dict()`` (keys sorted,
money as decimal strings), so ``--json`` mirrors the module exactly.
"""

from __future__ import annotations

from wcwidth import wcswidth, wcwidth

from .escape import one_line
from .jsontext import dump_json


def quote_json(quote) -> str:
    return dump_json(quote.to_dict())


def decision_json(decision) -> str:
    return dump_json(decision.to_dict())


def display_width(text: str) -> int:
    """Terminal columns of ``text``: CJK and full-width characters take two, marks none."""
    width = wcswidth(text)
    if width >= 0:
        return width
    return sum(max(wcwidth(char), 0) for char in text)  # control characters take none


def _left(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _right(text: str, width: int) -> str:
    return " " * (width - display_width(text)) + text


def quote_text(quote, module) -> str:
    """An invoice-like table: description, quantity, amount; then the total.

    ``module`` is the evaluator that made the quote: counts and money are
    written as it writes them, in the catalog's locale. Columns are aligned
    by display width, so names in CJK or full-width characters line up.
    """
    rows = [
        (
            one_line(line.description),
            module.format_number(line.quantity),
            module.format_money(line.amount, quote.currency),
        )
        for line in quote.lines
    ]
    total = module.format_money(quote.total, quote.currency)
    width = max([display_width(r[0]) for r in rows] + [5])
    qty = max([display_width(r[1]) for r in rows] + [3])
    amt = max([display_width(r[2]) for r in rows] + [display_width(total)])
    out = [
        f"Quote for plan {one_line(quote.plan)}, {quote.period}, {quote.currency}{_phase(quote)}"
    ]
    out += [f"  {_left(d, width)}  {_right(q, qty)}  {_right(a, amt)}" for d, q, a in rows]
    out.append(f"  {_left('Total', width)}  {' ' * qty}  {_right(total, amt)}")
    return "\n".join(out) + "\n"


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")  # as to_dict() writes it


def _phase(result) -> str:
    """ ", trialing until ..." for a result outside the plain active phase."""
    if result.phase is None or result.phase == "active":
        return ""
    ends = result.trial_ends_at
    until = f" (trial ended {_iso(ends)})" if ends is not None else ""
    if result.phase == "trialing":
        until = f" until {_iso(ends)}" if ends is not None else ""
    return f", {result.phase}{until}"


def decision_text(decision, module) -> str:
    """One line for a person; counts written as ``module`` (the evaluator) writes them."""
    number = module.format_number
    verdict = "allowed" if decision.has_access else f"denied ({decision.reason.value})"
    parts = [f"{one_line(decision.feature)}: {verdict}{_phase(decision)}"]
    if decision.unlimited:
        parts.append("unlimited")
    elif decision.limit is not None:
        parts.append(
            f"usage {number(decision.usage)} + requested {number(decision.requested)} "
            f"of limit {number(decision.limit)}"
        )
        if decision.soft:
            parts.append("soft limit" + (", over the limit" if decision.over_limit else ""))
    if decision.value is not None:
        parts.append(f"value {decision.value}")
    if decision.values:
        parts.append("values " + ", ".join(one_line(v) for v in decision.values))
    if decision.window_start is not None:
        parts.append(
            f"window {decision.window_start.isoformat()} to {decision.window_end.isoformat()}"
        )
    return "; ".join(parts) + "\n"


def quote_markdown(quote, module) -> str:
    """A quote as a Markdown table: item, quantity, amount; then the total in bold."""
    from .render.tables import md_inline

    money = module.format_money
    rows = ["| Item | Quantity | Amount |", "|---|---:|---:|"]
    for line in quote.lines:
        amount = md_inline(money(line.amount, quote.currency))
        quantity = md_inline(module.format_number(line.quantity))
        rows.append(f"| {md_inline(line.description)} | {quantity} | {amount} |")
    rows.append(f"| **Total** | | **{md_inline(money(quote.total, quote.currency))}** |")
    return "\n".join(rows) + "\n"


# -- scenarios: many quotes at once (pricegen quote --scenarios) ----------------------
#
# Each outcome has ``scenario`` (name, description, plan, period, currency),
# and either ``quote`` or ``error`` (a PricingError the evaluator raised).


def _refusal(outcome) -> str:
    return f"{outcome.error} [{type(outcome.error).__name__}]"


def scenarios_text(outcomes, module) -> str:
    """Every scenario's invoice-like table, under a '== name' heading."""
    blocks = []
    for outcome in outcomes:
        scenario = outcome.scenario
        about = f": {one_line(scenario.description)}" if scenario.description else ""
        head = f"== {one_line(scenario.name)}{about}"
        if outcome.ok:
            body = quote_text(outcome.quote, module)
        else:
            body = f"error: {_refusal(outcome)}\n"
        blocks.append(f"{head}\n{body}")
    return "\n".join(blocks)


def scenarios_json(outcomes) -> str:
    """{"scenarios": [...]}: each scenario's inputs and its quote's to_dict(), or its error."""
    payload = {"scenarios": [outcome.to_dict() for outcome in outcomes]}
    return dump_json(payload)


def scenarios_markdown(outcomes, module) -> str:
    """A summary table of totals, then each quote's lines in a collapsed section.

    Made for a pull-request comment: the totals are visible at a glance and
    the line items are one click away.
    """
    from .render.tables import md_inline

    out = [
        "### Price quotes",
        "",
        "| Scenario | Plan | Period | Currency | Total |",
        "|---|---|---|---|---:|",
    ]
    for outcome in outcomes:
        s = outcome.scenario
        if outcome.ok:
            total = md_inline(module.format_money(outcome.quote.total, outcome.quote.currency))
        else:
            total = f"refused: `{type(outcome.error).__name__}`"
        out.append(f"| `{s.name}` | {md_inline(s.plan)} | {s.period} | {s.currency} | {total} |")
    for outcome in outcomes:
        s = outcome.scenario
        if outcome.ok:
            total = md_inline(module.format_money(outcome.quote.total, outcome.quote.currency))
            summary = f"<code>{s.name}</code>: {total}"
        else:
            summary = f"<code>{s.name}</code>: refused"
        out += ["", "<details>", f"<summary>{summary}</summary>", ""]
        if s.description:
            out += [md_inline(s.description), ""]
        if outcome.ok:
            out.append(quote_markdown(outcome.quote, module).rstrip("\n"))
        else:
            out.append(f"Refused: {md_inline(_refusal(outcome))}")
        out += ["", "</details>"]
    return "\n".join(out) + "\n"
