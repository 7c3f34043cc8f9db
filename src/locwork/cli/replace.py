"""``locwork replace``: search and replace in translations, previewed before it writes.

Registered on the main group in ``locwork.cli``; the work is
:mod:`locwork.search`'s, which the review screen calls too.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

STATE_NAMES = ["machine", "edited", "approved"]  # locwork.catalog.State, less untranslated


@click.command("replace")
@click.argument("catalogs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--find", "find", required=True, help="The text to find in the translations.")
@click.option(
    "--with",
    "replacement",
    required=True,
    help="What to put in its place (with --regex, \\1 or \\g<name> refer to groups).",
)
@click.option("--regex", is_flag=True, help="FIND is a Python regular expression.")
@click.option("-i", "--ignore-case", is_flag=True, help="Match FIND whatever its case.")
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(STATE_NAMES),
    help="Only entries in this review state (repeatable). Default: every state.",
)
@click.option("--apply", "apply", is_flag=True, help="Write the changes. Without it, only the preview is shown.")
@click.option(
    "--reviewer",
    envvar="LOCWORK_REVIEWER",
    help="Your name, recorded with each change (or $LOCWORK_REVIEWER). Needed with --apply.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
def replace(
    catalogs: tuple[Path, ...],
    find: str,
    replacement: str,
    regex: bool,
    ignore_case: bool,
    states: tuple[str, ...],
    apply: bool,
    reviewer: str | None,
    as_json: bool,
) -> None:
    """Replace text in the translations of PO catalogs: a preview first, then --apply.

    The preview lists every segment that would change, old and new, and the
    count. --apply writes exactly that, under each catalog's lock; machine
    output becomes "edited", approved texts stay approved, and every change
    is recorded with the reviewer in the entry and the history.
    """
    from locwork import catalog, search
    from locwork.errors import LocworkError

    if apply and not (reviewer or "").strip():
        raise LocworkError("--apply records who changed the text: give --reviewer NAME (or set LOCWORK_REVIEWER)")
    report = []
    memory_problems = []
    for path in catalogs:
        changes = search.plan_replace(
            catalog.load(path), find, replacement, regex=regex, ignore_case=ignore_case, states=states
        )
        if apply and changes:
            changes, memory = search.apply_replace(path, changes, reviewer or "")
            if memory:
                memory_problems.append(f"{path}: {memory}")
        report.append({"file": str(path), "changes": [c.to_dict() for c in changes]})
    segments = sum(len(r["changes"]) for r in report)
    occurrences = sum(c["occurrences"] for r in report for c in r["changes"])
    if as_json:
        click.echo(
            json.dumps(
                {"applied": apply, "segments": segments, "occurrences": occurrences, "files": report},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for item in report:
            for change in item["changes"]:
                click.echo(f"{item['file']}:{change['segment']} [{change['state']}]")
                click.echo(f"  - {change['old']}")
                click.echo(f"  + {change['new']}")
        verb = "changed" if apply else "would change"
        files = sum(1 for r in report if r["changes"])
        click.echo(
            f"{segments} segment{'s' * (segments != 1)} {verb} ({occurrences} "
            f"occurrence{'s' * (occurrences != 1)}, {files} of {len(catalogs)} "
            f"catalog{'s' * (len(catalogs) != 1)})"
            + ("" if apply or not segments else "; run again with --apply to write")
        )
    for problem in memory_problems:
        click.echo(problem, err=True)
