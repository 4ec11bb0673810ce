"""What a change to the catalog means for customers: ``pricegen diff``.

The core is pure: two resolved catalogs in, an ordered list of
:class:`Change` out, product first, then plan by plan (ladder order), then
add-ons and features. Every change has a class:

- ``breaking``: worse for someone who already subscribes: a price raised, a
  limit lowered, an entitlement removed, a currency or period dropped, add-on
  compatibility narrowed, a published plan deleted rather than archived;
- ``customer-visible``: a customer can see it, but nobody already
  subscribed is worse off: a price lowered, a new plan, a plan archived;
- ``internal``: wording, and anything about drafts, which have no subscribers.

Only plans and add-ons that can have subscribers (published or archived)
have breaking changes. Quote impact runs the generated evaluators of both
sides on reference subscriptions. Reading a side from git is the one I/O
edge here (:func:`open_side`), through ``git ls-tree`` and ``git show``;
the working tree is never touched.

The modules follow the command's flow:

- :mod:`.sides`: read each side, from a path or a git revision;
- :mod:`.compare`: catalog × catalog, which hands plans to :mod:`.plans`
  and add-ons to :mod:`.addons`; both use :mod:`.prices` (prices, charges,
  tiers) and :mod:`.entitlements`; every change is a :mod:`.changes` value;
- :mod:`.impact`: reference quotes on both sides' evaluators;
- :mod:`.formats`: the report as text, Markdown or JSON.
"""

from .changes import (
    BREAKING,
    CLASSES,
    INTERNAL,
    SUBSCRIBED,
    VISIBLE,
    Change,
    counts,
    fails,
    percent,
)
from .compare import diff
from .entitlements import describe
from .formats import FORMATS, Report, format_json, format_markdown, format_text
from .impact import Impact, Reference, quote_impact, reference_points, references
from .sides import SideError, SideSpec, open_side, parse_side

__all__ = [
    "BREAKING",
    "CLASSES",
    "FORMATS",
    "INTERNAL",
    "SUBSCRIBED",
    "VISIBLE",
    "Change",
    "Impact",
    "Reference",
    "Report",
    "SideError",
    "SideSpec",
    "counts",
    "describe",
    "diff",
    "fails",
    "format_json",
    "format_markdown",
    "format_text",
    "open_side",
    "parse_side",
    "percent",
    "quote_impact",
    "reference_points",
    "references",
]
