"""What a catalog can sell: its configuration space, its extremes, the cheapest purchase.

A *subscription* here is a plan plus a set of add-ons, each bought between 1
and ``max_quantity`` times, that the evaluator accepts: every add-on is
compatible with the plan, its ``requires`` are bought too, and no two bought
add-ons exclude each other. Archived plans and add-ons sell to nobody new,
and drafts only count with ``include_drafts``. In-advance quantities (seats)
are unbounded, so they are not part of the count.

One engine answers every question: dynamic programming over the
requires/excludes graph of the add-ons (variable elimination in an order of
small width, one connected component at a time), so that counting is linear
in the number of add-ons for chains, trees, stars and exclusive groups
rather than 2^n. Values are combined in a semiring: big-int counts (+, ×),
or exact ``Decimal`` costs (min/max, +), optionally with how far the bought
add-ons cover a requirement. Every step is counted against a budget, so a
catalog too entangled to answer exactly stops with
:class:`AnalysisTooComplex` instead of running on. Add-ons in no valid
subscription are found by :mod:`.buyable`, which ``pricegen lint`` shares.

Money here is the model's own arithmetic, rounded per line exactly as the
generated evaluator rounds a quote, so that optimising the sum of lines
optimises the quote's total. Final answers are re-quoted by the evaluator.

The modules, from the ground up:

- :mod:`.arithmetic`: prices and charge amounts, rounded as the evaluator
  rounds; :mod:`.difference`: two charges compared over every quantity
  (also used by ``pricegen diff`` and ``pricegen lint``);
- :mod:`.buyable`: which add-ons can be bought at all, and why not;
  :mod:`.engine`: the dynamic programming; :mod:`.best`: the cheapest and
  dearest choice as a semiring; :mod:`.purchase`: what is sold and what a
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
from .buyable import Obstacle, excluded_by, obstacle, unbuyable
from .cheapest import Answer, cheapest_purchase
from .confirm import confirm_answer, meets, quote, subscription
from .counting import Space, addon_counts, configuration_space, count_addon_sets
from .difference import Difference, charge_difference
from .engine import AnalysisTooComplex, Budget, Ring, solve
from .extremes import extreme, extremes
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
    "AnalysisTooComplex",
    "Amounts",
    "Answer",
    "Budget",
    "Difference",
    "Obstacle",
    "Purchase",
    "Requirement",
    "RequirementError",
    "Ring",
    "Space",
    "addon_counts",
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
    "excluded_by",
    "extreme",
    "extremes",
    "format_text",
    "meets",
    "obstacle",
    "parse_requirement",
    "plan_lines",
    "price_of",
    "purchase_text",
    "quote",
    "round_line",
    "selling",
    "sold_addons",
    "solve",
    "sold_plans",
    "subscription",
    "tier_starts",
    "to_json",
    "unbuyable",
]
