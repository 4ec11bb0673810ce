"""Lint: pricing mistakes that compile fine, as rules over the resolved model.

Each rule is data (id, category, default severity, one-line purpose and an
example that triggers it) plus a check over the resolved :class:`Catalog`
that yields diagnostics placed at the model's ``loc`` fields, or deeper when
the sources have the key. ``pricegen lint`` also reports the compiler's own
warnings (such as ``PLAN_LIMIT_LOWERED``, a child plan lowering a limit it
inherits), so every warning can be configured in one place, and the same
configuration holds for ``validate``, ``generate`` and every other command
(the pipeline applies it, :func:`.run.configure`):

```yaml
lint:
  disable: [PLAN_DESCRIPTION_MISSING]
  severity: {PRICE_NO_ANNUAL_DISCOUNT: error, FEATURE_UNUSED: off}
```

and on the command line with ``--disable RULE`` and ``--severity RULE=LEVEL``,
which win over the catalog.

The rules are a registry (:mod:`.registry`) of checks over a
:class:`~.context.Context`: single-item rules in :mod:`.checks`, rules that
compare plans in :mod:`.ladder`. :mod:`.run` reads the configuration and
runs them.
"""

from .ladder import dominates
from .registry import CONFIGURABLE, LEVELS, LINT_BY_ID, LINT_RULES, LintRule
from .run import LintConfig, apply, catalog_config, config_problem, configure, lint

__all__ = [
    "CONFIGURABLE",
    "LEVELS",
    "LINT_BY_ID",
    "LINT_RULES",
    "LintConfig",
    "LintRule",
    "apply",
    "catalog_config",
    "config_problem",
    "configure",
    "dominates",
    "lint",
]
