"""The ``pricegen`` script and ``python -m pricegen``: quick answers first, then click.

``pricegen --version`` and ``pricegen --help`` are what people and scripts
run to see whether pricegen is there, and they should cost about what
starting Python costs. Importing click alone costs more than that, so these
two are answered here from plain data: the version, and the group's help as
click renders it at the usual widths (``help/group-<width>.txt``: 78 for
pipes and 80-column terminals, 98 for terminals of 100 columns or more),
written by ``python tests/refresh_help.py`` and held equal to click's
rendering by ``tests/test_entry.py``. Any other command line, and the help
at any other width, goes to the click group in ``cli.py``.

``python -m pricegen`` comes here too (``__main__.py``), with its own
program name: click writes that name into the usage line, so its help is
click's, not the stored text.
"""

from __future__ import annotations

import os
import sys

PROG = "pricegen"


def main(argv: list[str] | None = None, prog: str = PROG) -> None:
    """Run ``pricegen ARGS``; never returns (exits with the command's code)."""
    args = sys.argv[1:] if argv is None else argv
    quick = quick_answer(args, prog)
    if quick is not None:
        sys.stdout.write(quick)
        sys.stdout.flush()
        sys.exit(0)
    _collect_less_often()
    from .cli import main as group

    group.main(args=args, prog_name=prog)


# Allocations between young collections (CPython's default is 700), and young and
# middle collections between older ones (10 and 10).
COLLECTOR_THRESHOLDS = (100_000, 50, 100)


def _collect_less_often() -> None:
    """Run the cyclic garbage collector less often in this one command's process.

    A compile and its render build some millions of objects that live until
    the command ends (the YAML data, the model, the outputs' parts) and make
    few cycles. At the default thresholds the collector rescans them over and
    over: about a fifth of a large ``generate``. Reference counting still
    frees everything that is not a cycle at once, so peak memory is the same.
    Only the command's own process: a program that imports pricegen keeps
    its own settings.
    """
    import gc  # built in: costs nothing to import

    gc.set_threshold(*COLLECTOR_THRESHOLDS)


def quick_answer(args: list[str], prog: str = PROG) -> str | None:
    """The output of ``pricegen --version`` or ``--help`` without click, or None.

    The stored help names ``pricegen``; under another program name click renders it.
    """
    if args == ["--version"]:
        from . import __version__

        return f"{PROG}, version {__version__}\n"
    if args in (["--help"], ["-h"]) and prog == PROG:
        try:
            with open(help_file(help_width()), encoding="utf-8") as handle:
                return handle.read()
        except OSError:
            return None  # a width without a stored text: click renders it
    return None


def help_file(width: int) -> str:
    return os.path.join(os.path.dirname(__file__), "help", f"group-{width}.txt")


HELP_WIDTHS = (78, 98)  # the widths with a stored text


def help_width() -> int:
    """The width click formats help at: the terminal's, between 50 and 100 columns less 2.

    click asks ``shutil.get_terminal_size()``; this is the same rule (COLUMNS
    first, then the terminal of standard output, else 80) without importing
    shutil, which costs more than the rest of this module.
    """
    return max(min(_terminal_columns(), 100) - 2, 50)


def _terminal_columns() -> int:
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def render_group_help(width: int) -> str:
    """The group's help as click prints it for ``pricegen --help`` at ``width``."""
    import click

    from .cli import main as group

    ctx = click.Context(group, info_name=PROG, terminal_width=width, **group.context_settings)
    return group.get_help(ctx) + "\n"
