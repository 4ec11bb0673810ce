"""What every command shares: the catalog argument, settings, verbosity, colour, reporting.

``cli.py`` and ``cli_review.py`` declare the commands; the conventions they
follow (those of black and ruff) live here once:

- ``CATALOG`` may be ``-``, standard input, named by ``--stdin-filename``;
- ``[tool.pricegen]`` or ``pricegen.toml`` sets defaults, flags win;
- ``-q`` prints diagnostics and nothing else, ``-v`` says more;
- colour only on a terminal, off with ``NO_COLOR``, on with ``FORCE_COLOR``;
- a bug exits 123 with a "please report" message, never 1 (stale outputs).
"""

from __future__ import annotations

import functools
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from . import __version__
from .diagnostics import FORMATTERS, Diagnostic, summary

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from .pipeline import Build, Builds

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_CATALOG = 0, 1, 2, 3
EXIT_INTERNAL = 123  # as black: a bug in pricegen, never a verdict about the input
DEFAULT_CATALOG = "pricing"
STDIN = "-"
STDIN_DISPLAY = "<stdin>"

_VERBOSITY = "pricegen.verbosity"
_VERBOSITY_SET_BY = "pricegen.verbosity_set_by"
_STDIN_NAME = "pricegen.stdin_filename"
_SETTINGS = "pricegen.settings"

F = TypeVar("F", bound=Callable[..., Any])


# -- the catalog argument ----------------------------------------------------------


class CatalogPath(click.ParamType):  # type: ignore[type-arg]  # generic in some click versions
    """An existing file or directory, or ``-`` for standard input."""

    name = "catalog"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(os.fspath(value))
        if text == STDIN or Path(text).exists():
            return text
        origin = ""
        if ctx is not None and param is not None and param.name is not None:
            if ctx.get_parameter_source(param.name) is ParameterSource.DEFAULT_MAP:
                origin = f" (the catalog setting in {settings_origin(ctx)})"
        self.fail(f"Path '{text}' does not exist{origin}.", param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(incomplete, type="file")]


def _remember_stdin_name(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.meta[_STDIN_NAME] = value


def catalog_argument(command: F) -> F:
    """``[CATALOG]`` (a path, or ``-`` for standard input) and ``--stdin-filename``."""
    command = click.option(
        "--stdin-filename",
        metavar="PATH",
        default=None,
        expose_value=False,
        callback=_remember_stdin_name,
        help="With CATALOG '-': the name to show in diagnostics, e.g. pricing.yaml.",
    )(command)
    return click.argument("catalog", default=DEFAULT_CATALOG, type=CatalogPath())(command)


def catalog_label(catalog: str) -> str:
    """The catalog as diagnostics name it: its path, or the --stdin-filename for ``-``."""
    name = click.get_current_context().meta.get(_STDIN_NAME)
    if catalog == STDIN:
        return name or STDIN_DISPLAY
    if name is not None:
        raise click.UsageError(
            "--stdin-filename names a catalog read from standard input; give '-' as CATALOG."
        )
    return catalog


def compile_input(catalog: str, *, strict: bool = False, **options: Any) -> Build:
    """Compile CATALOG (one environment), reading standard input for ``-``.

    ``options`` go to compile_catalog (``env``, ``lint_overrides``); -v says
    what was read; an environment the catalog does not declare is a usage
    error (exit 2).
    """
    from .pipeline import compile_catalog

    build: Build = _compiled_input(compile_catalog, catalog, strict, options)
    return build


def compile_inputs(catalog: str, *, strict: bool = False, **options: Any) -> Builds:
    """compile_input for every environment of CATALOG (or the one ``env`` names)."""
    from .pipeline import compile_environments

    builds: Builds = _compiled_input(compile_environments, catalog, strict, options)
    return builds


def _compiled_input(
    compile_with: Callable[..., Any], catalog: str, strict: bool, options: dict[str, Any]
) -> Any:
    from .pipeline import UnknownEnvironmentError

    label = catalog_label(catalog)
    ctx = click.get_current_context()
    detail(f"settings: {settings_origin(ctx) if _SETTINGS in ctx.meta else 'none'}")
    started = time.perf_counter()
    try:
        if catalog == STDIN:
            stream = getattr(sys.stdin, "buffer", None)
            if stream is None:
                raise click.UsageError("CATALOG is '-' but there is no standard input to read.")
            result = compile_with(label, strict=strict, display=label, stream=stream, **options)
        else:
            result = compile_with(catalog, strict=strict, **options)
    except UnknownEnvironmentError as exc:
        raise click.BadParameter(str(exc), param_hint="--env") from None
    files = len(result.sources)
    detail(f"{label}: compiled {files} file{'s' if files != 1 else ''} in {_ms(started)}.")
    return result


def _ms(started: float) -> str:
    return f"{(time.perf_counter() - started) * 1000:.1f} ms"


# -- verbosity ---------------------------------------------------------------------


def _set_verbosity(level: int) -> Callable[[click.Context, click.Parameter, bool], None]:
    def callback(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if not value:
            return
        current = ctx.meta.get(_VERBOSITY, 0)
        if current and current != level and ctx.meta.get(_VERBOSITY_SET_BY) is ctx:
            raise click.UsageError("--quiet and --verbose exclude each other; give one.")
        ctx.meta[_VERBOSITY] = level
        ctx.meta[_VERBOSITY_SET_BY] = ctx  # the same command line level

    return callback


def verbosity_options(command: F) -> F:
    """``-q/--quiet`` and ``-v/--verbose``, on the group and on every command."""
    command = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        callback=_set_verbosity(1),
        help="Also say which settings, files and timings were used.",
    )(command)
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_set_verbosity(-1),
        help="Print diagnostics and results only: no summaries or progress.",
    )(command)


def verbosity() -> int:
    """-1 quiet, 0 normal, 1 verbose."""
    ctx = click.get_current_context(silent=True)
    return 0 if ctx is None else int(ctx.meta.get(_VERBOSITY, 0))


def info(message: str, *, color: bool | None = None) -> None:
    """A message for people on standard error (summaries, progress); -q drops it."""
    if verbosity() >= 0:
        click.echo(message, err=True, color=color)


def detail(message: str) -> None:
    """Only with -v: which settings, files and timings were used."""
    if verbosity() > 0:
        click.echo(message, err=True)


# -- output formats ----------------------------------------------------------------

_ALIASES_USED = "pricegen.output_aliases"
REMOVED_IN = "0.3.0"  # deprecated spellings are kept for one release (0.2.0)


def output_format_option(
    choices: Sequence[str], aliases: dict[str, str], help_text: str
) -> Callable[[F], F]:
    """``--output-format`` (one spelling on every command) and deprecated old spellings.

    ``aliases`` maps an old flag (``--json``, or ``--format`` which takes a
    value) to the format it means, or to "" for a flag that takes the format
    as its value. An old spelling still works, with a warning on stderr, and
    the command sees ``output_format`` either way.
    """

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            kwargs["output_format"] = _with_aliases(kwargs["output_format"])
            return command(*args, **kwargs)

        decorated: Callable[..., Any] = wrapper
        for flag, meaning in aliases.items():
            decorated = _alias_option(flag, meaning, choices)(decorated)
        return click.option(  # type: ignore[return-value]
            "--output-format",
            "output_format",
            type=click.Choice(list(choices)),
            default=None,
            help=f"{help_text} [default: text]",
        )(decorated)

    return decorate


def _alias_option(
    flag: str, meaning: str, choices: Sequence[str]
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def remember(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        if value is None or value is False:
            return
        chosen = value if meaning == "" else meaning
        shown = f"{flag} {value}" if meaning == "" else flag
        click.echo(
            f"pricegen: warning: {shown} is deprecated and goes in pricegen {REMOVED_IN}; "
            f"use --output-format {chosen}.",
            err=True,
        )
        ctx.meta.setdefault(_ALIASES_USED, []).append((shown, chosen))

    if meaning == "":
        return click.option(
            flag,
            type=click.Choice(list(choices)),
            default=None,
            hidden=True,
            expose_value=False,
            callback=remember,
        )
    return click.option(flag, is_flag=True, hidden=True, expose_value=False, callback=remember)


def _with_aliases(output_format: str | None) -> str:
    used = click.get_current_context().meta.get(_ALIASES_USED, [])
    chosen = {value for _flag, value in used}
    if output_format is not None:
        chosen.add(output_format)
    if len(chosen) > 1:
        spelled = [flag for flag, _value in used] + (
            [f"--output-format {output_format}"] if output_format is not None else []
        )
        raise click.UsageError(f"{' and '.join(spelled)} ask for different formats; give one.")
    return chosen.pop() if chosen else "text"


# -- colour ------------------------------------------------------------------------


def color_enabled(stream: IO[str] | None = None) -> bool:
    """Colour on a terminal; ``NO_COLOR`` turns it off, ``FORCE_COLOR`` on (NO_COLOR wins)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    target = stream if stream is not None else sys.stderr
    isatty = getattr(target, "isatty", None)
    return bool(isatty and isatty())


_ROLES: dict[str, dict[str, Any]] = {
    "path": {"bold": True},
    "error": {"fg": "red", "bold": True},
    "warning": {"fg": "yellow", "bold": True},
    "rule": {"dim": True},
    "ok": {"fg": "green"},
}


def painter(color: bool) -> Callable[[str, str], str]:
    """A function that styles text by role ("error", "path", ...), or leaves it plain."""
    if not color:
        return lambda text, _role: text
    return lambda text, role: click.style(text, **_ROLES[role])


# -- reporting diagnostics -----------------------------------------------------------


def report(
    diagnostics: Sequence[Diagnostic], error_format: str, sources: Iterable[Any] = ()
) -> None:
    """Print diagnostics: text on stderr (with a summary), machine formats on stdout.

    Machine formats get each diagnostic's end position from the sources.
    """
    if error_format == "text":
        if diagnostics:
            color = color_enabled(sys.stderr)
            paint = painter(color)
            from .diagnostics import format_text

            click.echo(format_text(diagnostics, paint=paint), err=True, nl=False, color=color)
            info(summary(list(diagnostics)))
        return
    from .spans import with_ends

    click.echo(FORMATTERS[error_format](with_ends(diagnostics, sources)), nl=False)


def ok_line(text: str) -> None:
    """The last line of a clean run, green on a terminal; -q drops it."""
    color = color_enabled(sys.stderr)
    info(painter(color)(text, "ok"), color=color)


# -- settings ----------------------------------------------------------------------


def apply_settings(ctx: click.Context, config: str | None, no_config: bool) -> None:
    """Load the settings file into ``ctx.default_map`` so flags still win."""
    from . import settings

    if no_config:
        detail("settings: none (--no-config)")
        return
    path = Path(config) if config is not None else settings.discover()
    if path is None:
        detail("settings: none found (pricegen.toml or [tool.pricegen] in pyproject.toml)")
        return
    try:
        loaded = settings.load(path)
    except settings.SettingsError as exc:
        click.echo(str(exc), err=True)
        ctx.exit(EXIT_USAGE)
    ctx.meta[_SETTINGS] = loaded
    group = ctx.command
    assert isinstance(group, click.Group)
    ctx.default_map = {name: loaded.defaults_for(name) for name in group.list_commands(ctx)}


def settings_origin(ctx: click.Context) -> str:
    loaded = ctx.meta.get(_SETTINGS)
    return loaded.origin if loaded is not None else "the settings"


def from_settings(name: str) -> bool:
    """Whether parameter ``name`` of the current command came from the settings file."""
    ctx = click.get_current_context()
    return ctx.get_parameter_source(name) is ParameterSource.DEFAULT_MAP


class OutputDirectoryType(click.Path):
    """A directory path for -o; an empty one (which would mean the current
    directory without saying so) is refused."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("expected a directory, not an empty path.", param, ctx)
        return super().convert(value, param, ctx)


OUTPUT_DIRECTORY = OutputDirectoryType(file_okay=False, path_type=Path)


def bad_setting(name: str, flag: str, problem: str) -> click.BadParameter:
    """A BadParameter that names the settings file when the value came from it."""
    ctx = click.get_current_context()
    if from_settings(name):
        hint = f"{flag} (from {settings_origin(ctx)})"
    else:
        hint = flag
    return click.BadParameter(problem, param_hint=hint)


# -- internal errors ---------------------------------------------------------------


class PricegenGroup(click.Group):
    """The command group: commands imported on first use; a bug exits 123 with a report.

    Lazy commands (``add_lazy_command``) are imported only when run, listed
    or completed, so ``pricegen validate`` does not import the review
    commands' cores.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, str] = {}  # command name -> "module:attribute"

    def add_lazy_command(self, name: str, target: str) -> None:
        self.lazy[name] = target

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            import importlib

            module, _, attribute = self.lazy[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except (KeyboardInterrupt, EOFError):
            raise
        except OSError as exc:
            import errno

            if exc.errno == errno.EPIPE:
                raise  # click's main() closes quietly when the reader went away
            internal_error(exc)
        except Exception as exc:
            internal_error(exc)


def internal_error(exc: BaseException) -> None:
    """Say that this is pricegen's bug, show the traceback for the report, exit 123."""
    lines = traceback.format_exception(exc)
    click.echo(
        f"pricegen: internal error: {type(exc).__name__}: {exc}\n"
        f"This is a bug in pricegen {__version__}, not a problem with your input. "
        "Please report it, with the command you ran, the traceback below and, "
        "if you can share it, the catalog.\n",
        err=True,
    )
    click.echo("".join(lines), err=True, nl=False)
    sys.exit(EXIT_INTERNAL)
