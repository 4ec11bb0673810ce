"""pytest plugin: one snapshot test per pricing scenario.

Registered through the ``pytest11`` entry point, so it is active wherever
pricegen is installed. It does nothing until a test asks for one of its
fixtures: no catalog is compiled and no scenarios file is read before that,
so a project that does not configure it never notices it.

Configuration, in ``pyproject.toml`` (``[tool.pytest.ini_options]``),
``pytest.ini``, ``tox.ini`` or ``setup.cfg``::

    pricegen_catalog = "pricing"              # compile this catalog (file or directory)
    pricegen_scenarios = "scenarios.yaml"
    pricegen_env = "staging"                  # optional: an environment of the catalog
    # or test the generated evaluator instead of compiling the catalog:
    # pricegen_module = "generated/acme_pricing.py"   (a file, or an importable module name)

Paths are relative to the ini file's directory. ``--pricegen-catalog``,
``--pricegen-module``, ``--pricegen-scenarios`` and ``--pricegen-env``
override them, relative to the current directory;
``@pytest.mark.pricegen(catalog=..., module=..., scenarios=..., env=...)``
overrides them for one test, relative to its file.

The environment is the one the marker or ``--pricegen-env`` names, else
the one the scenarios file names (``environment:``), else ``pricegen_env``,
else the catalog's default. A scenarios file that names another environment
than the evaluator's is an error (spec/scenarios.md).

The test, one per scenario, with syrupy's ``snapshot``::

    def test_quote(pricing_scenario, snapshot):
        assert pricing_scenario.quote().to_dict() == snapshot

Each test is named after its scenario (``test_quote[pro-20-seats]``). The
catalog is compiled, and each scenarios file checked, once per session; a
problem in either fails collection with the diagnostics, never a traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pytest

if TYPE_CHECKING:
    from .diagnostics import Location

MARKER = "pricegen"
_CACHE = pytest.StashKey[dict]()
_T = TypeVar("_T")


# -- configuration ------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pricegen", "pricegen price-quote snapshots")
    group.addoption(
        "--pricegen-catalog",
        metavar="PATH",
        default=None,
        help="pricegen catalog (file or directory) to compile for pricing_scenario tests.",
    )
    group.addoption(
        "--pricegen-module",
        metavar="PATH_OR_NAME",
        default=None,
        help=(
            "Generated evaluator module (a .py file or a module name) to test instead of compiling."
        ),
    )
    group.addoption(
        "--pricegen-scenarios",
        metavar="PATH",
        default=None,
        help="pricegen scenarios file for pricing_scenario tests.",
    )
    group.addoption(
        "--pricegen-env",
        metavar="NAME",
        default=None,
        help="Environment of the catalog to compile (product.environments).",
    )
    parser.addini(
        "pricegen_catalog",
        "pricegen catalog (file or directory), relative to the ini file.",
        default="",
    )
    parser.addini(
        "pricegen_module",
        "Generated evaluator (.py file or module name) to test instead.",
        default="",
    )
    parser.addini(
        "pricegen_scenarios", "pricegen scenarios file, relative to the ini file.", default=""
    )
    parser.addini(
        "pricegen_env",
        "Environment of the catalog, for scenarios files that name none.",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "pricegen(catalog=None, module=None, scenarios=None, env=None): the pricegen catalog or "
        "evaluator module, scenarios file and environment of this test's pricing_scenario "
        "(paths relative to the test file).",
    )
    config.stash[_CACHE] = {}


class _Settings:
    """Where the catalog (or module) and the scenarios come from, as absolute paths,
    and the environment asked for: ``env`` explicitly (marker, command line),
    ``default_env`` for files that name none (the ini file)."""

    def __init__(
        self,
        catalog: Path | None,
        module: str | Path | None,
        scenarios: Path | None,
        env: str | None = None,
        default_env: str | None = None,
    ):
        self.catalog, self.module, self.scenarios = catalog, module, scenarios
        self.env, self.default_env = env, default_env

    @property
    def key(self) -> tuple:
        return (
            str(self.catalog),
            str(self.module),
            str(self.scenarios),
            self.env,
            self.default_env,
        )


def _settings(
    config: pytest.Config, marker: pytest.Mark | None = None, base: Path | None = None
) -> _Settings:
    ini_dir = config.inipath.parent if config.inipath else config.rootpath
    cwd = config.invocation_params.dir

    def value(name: str):
        if marker is not None and marker.kwargs.get(name):
            return marker.kwargs[name], base
        option = config.getoption(f"--pricegen-{name}")
        if option:
            return option, cwd
        ini = config.getini(f"pricegen_{name}")
        return (ini, ini_dir) if ini else (None, None)

    def path(name: str) -> Path | None:
        raw, root = value(name)
        if raw is None or root is None:
            return None
        return (root / os.path.expanduser(str(raw))).resolve()

    raw_module, module_root = value("module")
    module: str | Path | None = None
    if raw_module is not None:
        raw_module = str(raw_module)
        is_file = raw_module.endswith(".py") or "/" in raw_module or os.sep in raw_module
        assert module_root is not None  # value() gives a root with every value
        module = (module_root / raw_module).resolve() if is_file else raw_module
    explicit = (marker.kwargs.get("env") if marker is not None else None) or config.getoption(
        "--pricegen-env"
    )
    default = config.getini("pricegen_env") or None
    return _Settings(
        path("catalog"), module, path("scenarios"), str(explicit) if explicit else None, default
    )


_HOW_TO = (
    "configure pricegen in pyproject.toml:\n\n"
    "    [tool.pytest.ini_options]\n"
    '    pricegen_catalog = "pricing"\n'
    '    pricegen_scenarios = "scenarios.yaml"\n\n'
    "(or pass --pricegen-catalog and --pricegen-scenarios, or mark the test with "
    "@pytest.mark.pricegen(catalog=..., scenarios=...))"
)


# -- loading, once per session ------------------------------------------------------


class PricegenConfigError(Exception):
    """The plugin's configuration, the catalog or the scenarios file has problems."""


class _UnknownEnvironment(PricegenConfigError):
    """The environment to compile is not one the catalog declares."""

    def __init__(self, message: str, cause) -> None:
        super().__init__(message)
        self.cause = cause


def _shown(config: pytest.Config, path: Path) -> str:
    """A path as the user would type it from where pytest was started."""
    try:
        return os.path.relpath(path, config.invocation_params.dir)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


def _evaluator(config: pytest.Config, settings: _Settings, env: str | None = None):
    """The evaluator module: imported, or compiled from the catalog for ``env`` (cached)."""
    cache = config.stash[_CACHE]
    key = ("evaluator", str(settings.module), str(settings.catalog), env)
    if key not in cache:
        try:
            cache[key] = (_load_evaluator(config, settings, env), None)
        except PricegenConfigError as exc:
            cache[key] = (None, exc)
    module, problem = cache[key]
    if problem is not None:
        raise problem
    return module


def _load_evaluator(config: pytest.Config, settings: _Settings, env: str | None):
    if settings.module is not None:
        module = _import_evaluator(config, settings.module)
        _check_module_environment(module, settings)
        return module
    if settings.catalog is None:
        raise PricegenConfigError(f"pricegen: no catalog to quote; {_HOW_TO}")
    if not settings.catalog.exists():
        raise PricegenConfigError(
            f"pricegen: the catalog {_shown(config, settings.catalog)} does not exist; "
            "expected a catalog file or directory (pricegen_catalog)."
        )
    from .config import Config
    from .diagnostics import format_text, summary
    from .pipeline import UnknownEnvironmentError, compile_catalog
    from .runtime import load_evaluator

    try:
        build = compile_catalog(settings.catalog, display=_shown(config, settings.catalog), env=env)
    except UnknownEnvironmentError as exc:
        raise _UnknownEnvironment(f"pricegen: {exc} (pricegen_env, --pricegen-env)", exc) from None
    if not build.ok:
        text = format_text(build.diagnostics) + summary(build.diagnostics)
        raise PricegenConfigError(f"pricegen: the catalog has errors:\n{text}")
    return load_evaluator(build.checked_catalog(), Config(include_drafts=True))


def _check_module_environment(module, settings: _Settings) -> None:
    """A generated module is for one environment; asking for another is a mistake."""
    wanted = settings.env or settings.default_env
    actual = getattr(module, "ENVIRONMENT", None)
    if wanted is not None and wanted != actual:
        shown = f'"{actual}"' if actual is not None else "a catalog without environments"
        raise PricegenConfigError(
            f"pricegen: the evaluator module {getattr(module, '__file__', module)} is generated "
            f'for {shown}, not "{wanted}"; expected the module of "{wanted}" '
            "(pricegen generate --env), or no pricegen_env."
        )


def _import_evaluator(config: pytest.Config, module: str | Path):
    if isinstance(module, Path):
        if not module.is_file():
            raise PricegenConfigError(
                f"pricegen: the evaluator module {_shown(config, module)} does not exist; "
                "expected the .py file `pricegen generate` wrote (pricegen_module)."
            )
        loaded = _import_file(module)
    else:
        try:
            loaded = importlib.import_module(module)
        except ImportError as exc:
            raise PricegenConfigError(
                f"pricegen: cannot import the evaluator module {module!r} ({exc}); "
                "expected a module generated by `pricegen generate` on sys.path, "
                "or a path to its .py file."
            ) from None
    missing = [
        n for n in ("CATALOG", "Subscription", "quote", "PricingError") if not hasattr(loaded, n)
    ]
    if missing:
        raise PricegenConfigError(
            f"pricegen: {getattr(loaded, '__file__', module)} is not a pricegen evaluator "
            f"(it has no {', '.join(missing)}); expected a module generated by `pricegen generate`."
        )
    return loaded


def _import_file(path: Path):
    """Import a generated evaluator from its file, under its own name when that is free."""
    name = path.stem
    existing = sys.modules.get(name)
    if existing is not None and Path(getattr(existing, "__file__", "") or "").resolve() == path:
        return existing
    if existing is not None or not name.isidentifier():
        name = f"_pricegen_evaluator_{abs(hash(str(path))):x}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None  # a .py file path always has both
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while classes are built
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise PricegenConfigError(
            f"pricegen: importing {path} failed: {type(exc).__name__}: {exc}; "
            "expected a module generated by `pricegen generate` (regenerate it)."
        ) from None
    return module


def _suite(config: pytest.Config, settings: _Settings):
    """(module, scenarios) for these settings; raises PricegenConfigError with diagnostics."""
    cache = config.stash[_CACHE]
    key = ("suite", settings.key)
    if key not in cache:
        try:
            cache[key] = (_load_suite(config, settings), None)
        except PricegenConfigError as exc:
            cache[key] = (None, exc)
    suite, problem = cache[key]
    if problem is not None:
        raise problem
    return suite


def _load_suite(config: pytest.Config, settings: _Settings):
    scenarios_path = settings.scenarios
    if scenarios_path is None:
        raise PricegenConfigError(f"pricegen: no scenarios file; {_HOW_TO}")
    if not scenarios_path.is_file():
        raise PricegenConfigError(
            f"pricegen: the scenarios file {_shown(config, scenarios_path)} does not exist; "
            "expected a scenarios file (pricegen_scenarios)."
        )
    from .diagnostics import format_text, has_errors, summary
    from .scenarios import load

    shown = _shown(config, scenarios_path)
    env, where = _environment(settings, scenarios_path, shown)
    try:
        module = _evaluator(config, settings, env)
    except _UnknownEnvironment as exc:
        if where is None:
            raise
        from .scenarios.suite import undeclared_message

        text = f"{where}: error: {undeclared_message(exc.cause)} [SCENARIO_ENVIRONMENT_MISMATCH]"
        raise PricegenConfigError(
            f"pricegen: the scenarios file has errors:\n{text}\n1 error"
        ) from None
    scenarios, diagnostics = load(scenarios_path, module.CATALOG, shown)
    if has_errors(diagnostics):
        text = format_text(diagnostics) + summary(diagnostics)
        raise PricegenConfigError(f"pricegen: the scenarios file has errors:\n{text}")
    return module, [PricingScenario(s, module) for s in scenarios]


def _environment(
    settings: _Settings, scenarios: Path, shown: str
) -> tuple[str | None, Location | None]:
    """(environment to compile, where the scenarios file names it or None): the one
    asked for explicitly, else the scenarios file's, else the ini file's."""
    if settings.env is not None or settings.module is not None:
        return settings.env or settings.default_env, None
    from .scenarios.suite import file_environment

    named = file_environment(scenarios, shown)
    if named is not None and named.name:
        return named.name, named.where
    return settings.default_env, None


# -- the scenarios as tests ---------------------------------------------------------


class PricingScenario:
    """One scenario bound to its evaluator: the value of the ``pricing_scenario`` fixture."""

    def __init__(self, scenario, module) -> None:
        self.scenario = scenario
        self.module = module

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def description(self) -> str:
        return self.scenario.description

    def subscription(self):
        """The evaluator's ``Subscription`` for this scenario."""
        return self.scenario.subscription(self.module)

    @property
    def usage(self) -> dict:
        return dict(self.scenario.usage)

    def quote(self):
        """The scenario's ``Quote``; a refusal fails the test with the evaluator's message.

        For scenarios that are meant to be refused, snapshot :meth:`result`.
        """
        __tracebackhide__ = True
        try:
            return self.scenario.quote(self.module)
        except self.module.PricingError as exc:
            refusal = f"{exc} [{type(exc).__name__}]"
        loc = self.scenario.loc  # failing outside the except block: no chained traceback
        pytest.fail(
            f'pricegen scenario "{self.name}" ({loc.path}:{loc.line}:{loc.col}) '
            f"was refused: {refusal}",
            pytrace=False,
        )

    def result(self) -> dict:
        """``quote().to_dict()``, or ``{"error": ..., "message": ...}`` when it is refused."""
        try:
            return self.scenario.quote(self.module).to_dict()
        except self.module.PricingError as exc:
            return {"error": type(exc).__name__, "message": str(exc)}

    def __repr__(self) -> str:
        return f"<PricingScenario {self.name}>"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "pricing_scenario" not in metafunc.fixturenames or not _ours(metafunc):
        return
    marker = metafunc.definition.get_closest_marker(MARKER)
    settings = _settings(metafunc.config, marker, Path(metafunc.definition.path).parent)
    _module, scenarios = _or_fail(lambda: _suite(metafunc.config, settings))
    metafunc.parametrize("pricing_scenario", scenarios, ids=[s.name for s in scenarios])


def _ours(metafunc: pytest.Metafunc) -> bool:
    """Whether ``pricing_scenario`` is this plugin's fixture, not a project's own of that name."""
    defs = getattr(metafunc, "_arg2fixturedefs", {}).get("pricing_scenario")
    if not defs:
        return True
    func = getattr(defs[-1], "func", None)
    return getattr(func, "__module__", __name__) == __name__


@pytest.fixture
def pricing_scenario():
    """One scenario of the scenarios file; tests taking it run once per scenario."""
    pytest.fail(  # pragma: no cover - pytest_generate_tests parametrizes it first
        f"pricegen: pricing_scenario was not parametrized; {_HOW_TO}", pytrace=False
    )


@pytest.fixture(scope="session")
def pricing_scenarios(pytestconfig) -> list[PricingScenario]:
    """Every scenario of the configured scenarios file, in file order."""
    return _or_fail(lambda: _suite(pytestconfig, _settings(pytestconfig)))[1]


@pytest.fixture(scope="session")
def pricing_evaluator(pytestconfig):
    """The configured evaluator module: compiled from the catalog, or imported."""
    settings = _settings(pytestconfig)
    env = settings.env or settings.default_env
    return _or_fail(lambda: _evaluator(pytestconfig, settings, env))


def _or_fail(call: Callable[[], _T]) -> _T:
    """``call()``, or a failure that says what is wrong with the configuration, once.

    Failing outside the ``except`` block: inside it, pytest reports the failure as
    raised while handling the PricegenConfigError, and prints both messages.
    """
    try:
        return call()
    except PricegenConfigError as exc:
        message = str(exc)
    pytest.fail(message, pytrace=False)
