"""The terminal quote table: columns line up by display width, not by len()."""

from __future__ import annotations

from evaluator_support import load_text
from wcwidth import wcswidth

from pricegen import present

CATALOG = """\
pricegen: 1
product: {id: acme, name: Acme, currencies: [JPY], billing_periods: [monthly]}
features:
  seats: {name: 席, type: metered, meter: fluctuating, unit: [席, 席]}
  api-calls: {name: ＡＰＩ呼び出し, type: metered, unit: [回, 回]}
plans:
  pro:
    name: プロ
    price: 3000
    charges:
      seats: {model: per_unit, unit_price: 1200}
      api-calls: {model: per_unit, unit_price: 2}
addons:
  extra: {name: 追加ストレージ, plans: [pro], max_quantity: 3, price: 500}
"""


def test_cjk_and_full_width_names_keep_the_columns_aligned(tmp_path):
    module = load_text(CATALOG, tmp_path)
    sub = module.Subscription(plan="pro", quantities={"seats": 12}, addons={"extra": 2})
    quote = module.quote(sub, usage={"api-calls": 1500})
    text = present.quote_text(quote, module)
    rows = text.splitlines()[1:]
    assert len(rows) == 5  # plan, seats, api-calls, add-on, total
    # every row ends at the same terminal column: amounts are right-aligned
    assert len({wcswidth(row) for row in rows}) == 1, text
    # and the quantity column ends at the same column on each line item
    heads = [row.rsplit(" ", 1)[0].rstrip() for row in rows[:-1]]
    assert [head.rsplit(" ", 1)[1] for head in heads] == ["1", "12", "1,500", "2"]
    assert len({wcswidth(head) for head in heads}) == 1, text
    # 3,000 + 12 × 1,200 + 1,500 × 2 + 2 × 500 = 21,400 yen
    assert rows[-1].endswith("¥21,400")


def test_display_width_counts_wide_characters_twice_and_marks_not_at_all():
    assert present.display_width("Pro") == 3
    assert present.display_width("プロ") == 4
    assert present.display_width("Ｐｒｏ") == 6
    assert present.display_width("e\u0301") == 1  # e + combining acute
    assert present.display_width("a\x07b") == 2  # a control character takes no column
