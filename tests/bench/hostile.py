"""Hostile catalog files, shared by tests/test_limits.py and tests/bench/bench_limits.py.

Each builder writes one file (or directory) under ``root`` and returns its
path. Sizes are parameters, so the tests build small versions quickly and
the benchmark builds the full-size ones (a real 100 MB file, not a sparse
one).
"""

from __future__ import annotations

from pathlib import Path

HEADER = (
    "pricegen: 1\nproduct: {id: evil, name: Evil, currencies: [USD], billing_periods: [monthly]}\n"
)


def billion_laughs(root: Path, levels: int = 9) -> Path:
    """Nine levels of nine aliases each: 9^9 (387 million) nodes once expanded."""
    lines = [
        HEADER.rstrip("\n"),
        'lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ]
    for i in range(1, levels):
        lines.append(f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return _write(root / "billion-laughs.yaml", "\n".join(lines) + "\n")


def big_file(root: Path, size: int = 100 * 1024 * 1024, sparse: bool = False) -> Path:
    """A file of ``size`` bytes: real plan text repeated, or a sparse file (no blocks)."""
    path = root / "big.yaml"
    if sparse:
        with path.open("wb") as handle:
            handle.truncate(size)
        return path
    chunk = "".join(f"  p{i}: {{name: Plan {i}, price: {i}}}\n" for i in range(10_000)).encode()
    with path.open("wb") as handle:
        handle.write((HEADER + "plans:\n").encode())
        written = 0
        while written < size:
            part = chunk[: size - written]
            handle.write(part)
            written += len(part)
    return path


def deep_flow_list(root: Path, depth: int = 10_000) -> Path:
    return _write(root / "deep-flow-list.yaml", HEADER + "x: " + "[" * depth + "]" * depth + "\n")


def deep_flow_map(root: Path, depth: int = 10_000) -> Path:
    return _write(
        root / "deep-flow-map.yaml", HEADER + "x: " + "{a: " * depth + "1" + "}" * depth + "\n"
    )


def deep_block_list(root: Path, depth: int = 10_000) -> Path:
    """``- - - - 1`` on one line: block sequences nested ``depth`` deep in 20 KB."""
    return _write(root / "deep-block-list.yaml", HEADER + "x:\n" + "- " * depth + "1\n")


def deep_block_map(root: Path, depth: int = 10_000) -> Path:
    """A block mapping nest, one more space of indentation per level (about depth²/2 bytes)."""
    lines = [HEADER.rstrip("\n"), "x:"]
    lines += [" " * (i + 1) + f"k{i}:" for i in range(depth)]
    lines[-1] += " 1"
    return _write(root / "deep-block-map.yaml", "\n".join(lines) + "\n")


def many_tiers(root: Path, tiers: int = 101) -> Path:
    rows = [f"          - {{up_to: {i + 1}, unit_price: 1}}" for i in range(tiers - 1)]
    rows.append("          - {unit_price: 1}")
    text = (
        HEADER
        + "features: {seats: {name: Seats, type: metered, meter: fluctuating}}\n"
        + "plans:\n  pro:\n    name: Pro\n    charges:\n      seats:\n        model: graduated\n        tiers:\n"  # noqa: E501
        + "\n".join(rows)
        + "\n"
    )
    return _write(root / f"tiers-{tiers}.yaml", text)


def huge_number(root: Path, digits: int = 1_000_000) -> Path:
    return _write(
        root / "huge-number.yaml",
        HEADER + "plans: {pro: {name: Pro, price: " + "9" * digits + "}}\n",
    )


def huge_exponent(root: Path) -> Path:
    return _write(
        root / "huge-exponent.yaml", HEADER + "plans: {pro: {name: Pro, price: 1e999999999}}\n"
    )


def many_values(root: Path, count: int = 4_000_000) -> Path:
    """A flat flow list of small integers: the most values per byte (2 bytes each)."""
    return _write(root / "many-values.yaml", HEADER + "x: [" + "1," * (count - 1) + "1]\n")


def many_bad_features(root: Path, count: int = 99_000) -> Path:
    """A mapping of features that are all the wrong shape: one schema error each."""
    lines = [HEADER.rstrip("\n"), "features:"] + [f"  f{i}: 1" for i in range(count)]
    return _write(root / "many-bad-features.yaml", "\n".join(lines) + "\n")


def plan_chain(root: Path, plans: int = 1_000) -> Path:
    """Plans extending each other, the last at the bottom of a chain ``plans`` deep."""
    lines = [HEADER.rstrip("\n"), "features: {sso: {name: SSO, type: boolean}}", "plans:"]
    lines.append("  p0: {name: P0, default: true, entitlements: {sso: true}}")
    lines += [f"  p{i}: {{name: P{i}, extends: p{i - 1}, price: {i}}}" for i in range(1, plans)]
    return _write(root / f"chain-{plans}.yaml", "\n".join(lines) + "\n")


def plans_times_features(root: Path, plans: int = 500, features: int = 500) -> Path:
    """Every plan extends the first, which grants every feature: plans × features entitlements
    from a file of a few dozen kilobytes."""
    lines = [HEADER.rstrip("\n"), "features:"]
    lines += [f"  f{i}: {{name: F{i}, type: boolean}}" for i in range(features)]
    grants = ", ".join(f"f{i}: true" for i in range(features))
    lines += ["plans:", f"  p0: {{name: P0, default: true, entitlements: {{{grants}}}}}"]
    lines += [f"  p{i}: {{name: P{i}, extends: p0, price: {i}}}" for i in range(1, plans)]
    return _write(root / f"grid-{plans}x{features}.yaml", "\n".join(lines) + "\n")


def alias_fanout(root: Path, plans: int = 900, features: int = 300) -> Path:
    """Each plan grants every feature through one alias: small text, big expanded tree."""
    lines = [HEADER.rstrip("\n"), "features:"]
    lines += [f"  f{i}: {{name: F{i}, type: boolean}}" for i in range(features)]
    grants = ", ".join(f"f{i}: true" for i in range(features))
    lines += ["plans:", f"  p0: {{name: P0, price: 1, entitlements: &all {{{grants}}}}}"]
    lines += [f"  p{i}: {{name: P{i}, price: 1, entitlements: *all}}" for i in range(1, plans)]
    return _write(root / "alias-fanout.yaml", "\n".join(lines) + "\n")


def long_string(root: Path, size: int = 7 * 1024 * 1024) -> Path:
    return _write(
        root / "long-string.yaml", HEADER + 'plans: {pro: {name: "' + "x" * size + '"}}\n'
    )


def many_files(root: Path, count: int = 2_000) -> Path:
    """A catalog directory of many small plan files."""
    directory = root / "many-files"
    directory.mkdir()
    _write(directory / "product.yaml", HEADER + "features: {sso: {name: SSO, type: boolean}}\n")
    for i in range(count):
        _write(
            directory / f"plan-{i:05}.yaml",
            f"pricegen: 1\nplans: {{p{i}: {{name: P{i}, price: {i}}}}}\n",
        )
    return directory


def _write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path
