"""Write src/pricegen/help/group-<width>.txt: ``pricegen --help`` as click renders it.

``pricegen --help`` prints these files without importing click (see
``pricegen.entry``). Run this after changing the group's options or
docstring, or adding a command; ``tests/test_entry.py`` fails until then.

    python tests/refresh_help.py
"""

from __future__ import annotations

from pathlib import Path

from pricegen.entry import HELP_WIDTHS, help_file, render_group_help


def main() -> None:
    for width in HELP_WIDTHS:
        path = Path(help_file(width))
        path.parent.mkdir(exist_ok=True)
        path.write_text(render_group_help(width), encoding="utf-8", newline="\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
