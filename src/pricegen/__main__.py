"""``python -m pricegen``: the same command line as the ``pricegen`` script."""

from pricegen.cli import main

if __name__ == "__main__":
    main()
