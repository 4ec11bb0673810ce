"""The evaluator's word: final answers are re-quoted by the generated evaluator.

The analysis computes with the model's arithmetic; the evaluator is what
customers are charged by. Asking it about the answer (its total, and
whether it meets each requirement) checks the analysis against the code
that ships.

A draft plan is sold only under ``--include-drafts``, and the evaluator
quotes a draft only for a subscription that already has it
(``existing=True``), which changes nothing else about the quote; so a
purchase on a draft is confirmed that way.
"""

from __future__ import annotations

from .purchase import Purchase
from .requirements import Requirement


def quote(module, purchase: Purchase, *, draft: bool = False):
    """Quote ``purchase`` with the generated evaluator (``runtime.load_evaluator``);
    ``draft``: its plan is a draft."""
    sub = subscription(module, purchase, draft=draft)
    return module.quote(sub, usage=dict(purchase.usage))


def subscription(module, purchase: Purchase, *, draft: bool = False):
    return module.Subscription(
        plan=purchase.plan,
        period=purchase.period,
        currency=purchase.currency,
        quantities=dict(purchase.quantities),
        addons=dict(purchase.addons),
        existing=draft,
    )


def meets(module, purchase: Purchase, requirement: Requirement, *, draft: bool = False) -> bool:
    """Does the evaluator agree that ``purchase`` meets ``requirement``?"""
    sub = subscription(module, purchase, draft=draft)
    if requirement.op == ">=" and isinstance(requirement.value, int):
        decision = module.check(sub, requirement.feature, usage=requirement.value - 1, requested=1)
        return decision.has_access
    ent = module.entitlements(sub).get(requirement.feature)
    if ent is None:
        return False
    if requirement.op == "=":
        return requirement.value in ent.values
    if requirement.op == ">=":
        return ent.value is not None and ent.value >= requirement.value
    return True


def confirm_answer(catalog, answer):
    """(quote, evaluator module) of the answer's best purchase, or (None, None).

    The evaluator must agree with the analysis on the total and on every
    requirement; if not, that is a bug in one of them, raised as such.
    """
    if answer is None or answer.best is None:
        return None, None
    from ..config import Config
    from ..runtime import load_evaluator

    module = load_evaluator(catalog, Config(include_drafts=True))
    draft = catalog.plans[answer.best.plan].status == "draft"
    result = quote(module, answer.best, draft=draft)
    unmet = [str(r) for r in answer.requirements if not meets(module, answer.best, r, draft=draft)]
    if result.total != answer.best.total or unmet:
        raise AssertionError(
            f"analysis and evaluator disagree on {answer.best}: total {result.total}, unmet {unmet}"
        )
    return result, module
