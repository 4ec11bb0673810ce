"""Text helpers that the targets share: wording, money, tables, the page, templates.

Nothing here decides which files exist; the targets in ``pricegen.targets``
do, and ``pricegen.targets.render`` renders them all.
"""
