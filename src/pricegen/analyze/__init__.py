"""What a catalog can sell: its configuration space, its extremes, the cheapest purchase.

A *subscription* here is a plan plus a set of add-ons, each bought between 1
and ``max_quantity`` times, that the evaluator accepts: every add-on is
compatible with the plan, its ``requires`` are bought too, and no two bought
add-ons exclude each other. Archived plans and add-ons sell to nobody new,
and drafts only count with ``include_drafts``. In-advance quantities (seats)
are unbounded, so they are not part of the count.

One engine answers every question: a sweep over the add-ons in an order
that follows the requires/excludes graph. Deciding an add-on (in or out)
only ever constrains the undecided ones by *forcing* them in or out, so the
state of the sweep is the pair of forced sets, plus, when a requirement is
searched, how far the bought add-ons cover it (capped at the threshold). For
chains, trees and groups of mutually exclusive add-ons the forced sets stay
tiny, and unrelated add-ons never appear in the same set, so counting is
linear in the number of add-ons rather than 2^n. Values are combined in a
semiring: big-int counts (+, ×), or exact ``Decimal`` costs (min/max, +).

Money here is the model's own arithmetic, rounded per line exactly as the
generated evaluator rounds a quote, so that optimising the sum of lines
optimises the quote's total. Final answers are re-quoted by the evaluator.

The modules, from the ground up:

- :mod:`.arithmetic`: prices and charge amounts, rounded as the evaluator
  rounds; :mod:`.difference`: two charges compared over every quantity
  (also used by ``pricegen diff`` and ``pricegen lint``);
- :mod:`.engine`: the sweep; :mod:`.purchase`: what is sold and what a
  purchase costs;
- the questions: :mod:`.counting` (configuration space), :mod:`.extremes`
  (cheapest and most expensive), :mod:`.cheapest` (the cheapest purchase
  meeting :mod:`.requirements`, through :mod:`.needs`);
- :mod:`.confirm`: the generated evaluator's word on an answer;
  :mod:`.report`: the answers as text or JSON.
"""

from .arithmetic import (
    ZERO,
    breakpoints,
    ceil_div,
    charge_amount,
    price_of,
    round_line,
    tier_starts,
)
from .cheapest import Answer, cheapest_purchase
from .confirm import confirm_answer, meets, quote, subscription
from .counting import Space, configuration_space, count_addon_sets
from .difference import Difference, charge_difference
from .engine import Choices, State, sweep
from .extremes import extreme
from .purchase import (
    Amounts,
    Purchase,
    addon_line,
    plan_lines,
    selling,
    sold_addons,
    sold_plans,
)
from .report import format_text, purchase_text, to_json
from .requirements import Requirement, RequirementError, behavior, parse_requirement

__all__ = [
    "ZERO",
    "Amounts",
    "Answer",
    "Choices",
    "Difference",
    "Purchase",
    "Requirement",
    "RequirementError",
    "Space",
    "State",
    "addon_line",
    "behavior",
    "breakpoints",
    "ceil_div",
    "charge_amount",
    "charge_difference",
    "cheapest_purchase",
    "configuration_space",
    "confirm_answer",
    "count_addon_sets",
    "extreme",
    "format_text",
    "meets",
    "parse_requirement",
    "plan_lines",
    "price_of",
    "purchase_text",
    "quote",
    "round_line",
    "selling",
    "sold_addons",
    "sold_plans",
    "subscription",
    "sweep",
    "tier_starts",
    "to_json",
]
