"""The price calculator of pricing.html: its form, and the evaluator that runs it.

The page embeds the generated JavaScript evaluator and asks it for a quote
of the chosen plan with the quantities and expected usage typed in, in the
page's period and currency. The form is rendered here, as markup through
Jinja's autoescaping; the module goes in as script text, which is safe
because its catalog data is escaped (no ``<``, ``>`` or ``&`` in it), and
:func:`script_text` refuses any text that could end the element.
"""

from __future__ import annotations

import re

from ..model import Catalog, Plan

_UNSAFE_IN_SCRIPT = re.compile(r"</script|<!--|<script", re.IGNORECASE)


def script_text(text: str) -> str:
    """Text for an inline <script>: refused if it could close the element or open a comment."""
    if _UNSAFE_IN_SCRIPT.search(text):
        raise ValueError("script text would end its <script> element")
    return text


def calculator_plans(catalog: Catalog, plans: list[Plan]) -> list[dict]:
    """The plans a visitor can price: sold (published) and not custom, with their inputs."""
    return [
        {"id": plan.id, "name": plan.name, "inputs": _inputs(catalog, plan)}
        for plan in plans
        if plan.status == "published" and not plan.custom
    ]


def _inputs(catalog: Catalog, plan: Plan) -> list[dict]:
    inputs = []
    for charge in plan.charges:
        feature = catalog.features[charge.feature]
        units = feature.unit[1] if feature.unit else "units"
        if charge.billing == "in_advance":
            label, kind, default = f"{feature.name}: {units} bought in advance", "quantity", 1
        else:
            label, kind, default = f"{feature.name}: {units} expected per period", "usage", 0
        inputs.append({"kind": kind, "id": charge.feature, "label": label, "default": default})
    for addon in catalog.addons.values():
        if plan.id in addon.plans and addon.status == "published":
            label = f"{addon.name}: add-ons bought (up to {addon.max_quantity:,})"
            inputs.append({"kind": "addon", "id": addon.id, "label": label, "default": 0})
    return inputs
