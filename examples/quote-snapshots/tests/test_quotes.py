"""Every scenario of ../scenarios.yaml, quoted and compared with its snapshot."""


def test_quote(pricing_scenario, snapshot):
    assert pricing_scenario.quote().to_dict() == snapshot
