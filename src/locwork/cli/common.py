"""What every ``locwork`` command shares: the group that turns errors into
exit codes, JSON output, progress bars and the parsing of language codes
and routes.

Exit codes live here and only here: library errors carry no exit code, the
CLI maps each kind of error to one (:func:`exit_code`). Only click and
light locwork modules are imported at module level (``locwork --help``
stays fast); the rest inside the functions.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from locwork.constants import LOCALES_DIR
from locwork.errors import LocworkError

EXIT_INPUT = 1  # a problem with the input or the set-up
EXIT_MISSING = 3  # nothing to do until something is installed (e.g. no route)


def exit_code(error: LocworkError) -> int:
    """The exit status for a library error: the CLI's mapping, not the error's."""
    from locwork.routing import NoRouteError

    return EXIT_MISSING if isinstance(error, NoRouteError) else EXIT_INPUT


class LocworkGroup(click.Group):
    """Turns LocworkError into one line on stderr and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LocworkError as error:
            click.echo(f"locwork: error: {error}", err=True)
            ctx.exit(exit_code(error))
        except KeyboardInterrupt:
            click.echo("locwork: interrupted", err=True)
            ctx.exit(130)


def emit_json(data: Any) -> None:
    """Print data as JSON on stdout (UTF-8, not ASCII-escaped)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


class _SilentBar:
    """What a disabled tqdm bar does (nothing), without importing tqdm (about 35 ms)."""

    def __init__(self, total: int) -> None:
        self.total = total

    def __enter__(self) -> "_SilentBar":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int = 1) -> None:
        return None

    def refresh(self) -> None:
        return None

    def close(self) -> None:
        return None


def progress_bar(total: int, label: str) -> Any:
    """A tqdm bar on stderr; silent when stderr is not a terminal."""
    if hasattr(sys.stderr, "isatty") and not sys.stderr.isatty():
        return _SilentBar(total)  # what tqdm's disable=None decides here
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="seg", file=sys.stderr, disable=None, leave=False, dynamic_ncols=True)


def lang_code(value: str) -> str:
    """A language code as typed (``ES``, ``es-ES``, ``pt_br``) in locwork's gettext spelling."""
    from locwork import langs

    return langs.normalize(value)


def split_langs(value: str) -> list[str]:
    """Comma-separated language codes, normalised (``ES`` → ``es``), without repeats."""
    langs = [lang_code(part) for part in value.split(",") if part.strip()]
    if not langs:
        raise click.BadParameter("give at least one language code, e.g. en,es")
    return list(dict.fromkeys(langs))


def normalize_route_spec(spec: str) -> str:
    """A pinned route with its language codes normalised (``FR-ES`` → ``fr-es``).

    A token that is not a language code is left for the route parser to report.
    """
    import re

    def fix(match: re.Match[str]) -> str:
        try:
            return lang_code(match.group(0))
        except LocworkError:
            return match.group(0)

    if ":" in spec:  # apertium:fr-es,bergamot:es-en: the engine names stay as typed
        return ",".join(
            part.split(":", 1)[0] + ":" + re.sub(r"[^\s\-:,>→]+", fix, part.split(":", 1)[1]) if ":" in part else part
            for part in spec.split(",")
        )
    return re.sub(r"[^\s\-:,>→]+", fix, spec)


def engine_lang(engines: Any, code: str) -> str:
    """The language the installed engines know for a locale (``es_ES`` → ``es``)."""
    from locwork.services import engine_language

    return engine_language(engines, code)


def parse_route_pins(values: tuple[str, ...], targets: list[str]) -> dict[str, str]:
    """--route LANG=SPEC or, with a single target, --route SPEC."""
    pins: dict[str, str] = {}
    for value in values:
        if "=" in value:
            lang, spec = value.split("=", 1)
            pins[lang_code(lang)] = normalize_route_spec(spec.strip())
        elif len(targets) == 1:
            pins[targets[0]] = normalize_route_spec(value.strip())
        else:
            raise click.BadParameter(f"{value!r}: with several targets, write --route LANG=ROUTE", param_hint="--route")
    return pins


def document_paths(source: Path) -> list[Path]:
    """A document, or every .txt/.md/.html document of a folder."""
    from locwork import document
    from locwork.html_import import HTML_SUFFIXES

    suffixes = (*document.SUPPORTED_SUFFIXES, *HTML_SUFFIXES)
    if source.is_dir():
        paths = sorted(p for p in source.iterdir() if p.suffix.lower() in suffixes and not p.name.startswith("."))
        if not paths:
            raise LocworkError(f"{source}: no .txt, .md or .html documents in this folder")
        return paths
    return [source]


def locales_option(help: str = "Folder of the catalogs.") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The ``--locales`` option (into ``locales_dir``) that every command reading catalogs takes."""
    return click.option(
        "--locales",
        "locales_dir",
        default=LOCALES_DIR,
        show_default=True,
        type=click.Path(path_type=Path),
        help=help,
    )
