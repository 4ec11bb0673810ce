"""``python -m pricegen``: the same command line as the ``pricegen`` script.

Through ``entry.main``, as the script, so it gets the same quick answers and
collector settings; click names the program ``python -m pricegen``.
"""

from pricegen.entry import main

if __name__ == "__main__":
    main(prog="python -m pricegen")
