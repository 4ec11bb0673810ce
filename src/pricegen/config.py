"""Options for rendering, with every default in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass

MODULE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,63}")


@dataclass(frozen=True)
class Config:
    """How outputs are rendered. ``module=None`` means ``<product id>_pricing``."""

    module: str | None = None
    include_drafts: bool = False
    locale: str | None = None  # None: the product's locale

    def module_name(self, product_id: str) -> str:
        return self.module or product_id.replace("-", "_") + "_pricing"


def module_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be the evaluator's module name, or None."""
    if not MODULE_NAME.fullmatch(name):
        return (
            f'"{name}" is not a valid module name; expected lowercase letters, digits and '
            "underscores, starting with a letter or underscore."
        )
    import keyword

    if keyword.iskeyword(name):
        return f'"{name}" is a Python keyword; expected another module name.'
    return None


def locale_problem(name: str) -> str | None:
    """Why Babel has no data for ``name``, or None."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError, TypeError):
        return f'"{name}" is not a known locale; expected one such as en_US or de_DE.'
    return None
