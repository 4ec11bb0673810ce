"""Every rule's documentation: where it is explained, and what it says, for tools.

The compiler's rules are documented in ``spec/language.md`` (the Rules
table), the lint rules in ``spec/review.md``; each table row carries an
anchor named after the rule id in lowercase. pricegen has no public home
page yet, so links are relative to the root of pricegen's source tree (and
its source distribution), where those files are; a test checks that every
link's file and anchor exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .diagnostics import Severity

LANGUAGE_DOC = "spec/language.md"
REVIEW_DOC = "spec/review.md"


@dataclass(frozen=True)
class RuleDoc:
    id: str
    category: str
    severity: Severity
    purpose: str
    doc: str  # a link relative to pricegen's source tree, with the rule's anchor


def anchor(rule_id: str) -> str:
    return rule_id.lower()


@cache
def rule_docs() -> dict[str, RuleDoc]:
    """The compiler's rules, then the lint rules, by id."""
    from .lint.registry import LINT_RULES
    from .rules import RULES

    docs = {
        r.id: RuleDoc(r.id, r.category, r.severity, r.purpose, f"{LANGUAGE_DOC}#{anchor(r.id)}")
        for r in RULES
    }
    for r in LINT_RULES:
        category = f"lint/{r.category}"
        link = f"{REVIEW_DOC}#{anchor(r.id)}"
        docs.setdefault(r.id, RuleDoc(r.id, category, r.severity, r.purpose, link))
    return docs


def doc_link(rule_id: str) -> str | None:
    """Where ``rule_id`` is documented, or None for an id no registry holds."""
    found = rule_docs().get(rule_id)
    return found.doc if found is not None else None
