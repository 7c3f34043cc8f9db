"""`locwork segment` and `locwork stats`, run as a user would, on real files."""

from __future__ import annotations

import json

import pytest

from conftest import DEFAULT_DOC, msgfmt_statistics, shared_path

PO_FILES = ["glib.po.fr.po", "vim.src-po.fr.po", "shadow.po.fr.po", "shadow.man-po.fr.po",
            "django-5.2.19.humanize.fr.django.po", "django-5.2.19.conf-locale.fr.django.po"]


def test_help_lists_every_command(run_cli):
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("segment", "stats", "translate", "pretranslate", "routes", "models",
                    "score", "export"):
        assert command in result.out
    for command in ("segment", "stats", "translate", "pretranslate", "routes", "score", "export"):
        assert run_cli(command, "--help").returncode == 0


def test_segment_json(run_cli):
    result = run_cli("segment", str(DEFAULT_DOC), "--json")
    assert result.returncode == 0, result.err
    segments = json.loads(result.out)
    assert segments[0] == {"id": "p1.s1", "kind": "media", "text": "Logo", "paragraph": 0,
                           "level": None}
    assert {s["kind"] for s in segments} == {"media", "heading", "sentence"}
    assert all(set(s) >= {"id", "kind", "text", "paragraph"} for s in segments)
    quotes = [s["text"] for s in segments if s["paragraph"] == 9]
    assert len(quotes) == 2 and quotes[0].endswith("a déclaré Lavrov.")


def test_segment_reads_standard_input(run_cli):
    text = "M. Dupont est arrivé. « Vraiment\u00a0! » a-t-il dit. Il est parti."
    result = run_cli("segment", "-", "--json", input=text.encode("utf-8"))
    assert result.returncode == 0, result.err
    assert [s["text"] for s in json.loads(result.out)] == [
        "M. Dupont est arrivé.", "« Vraiment\u00a0! » a-t-il dit.", "Il est parti."]


def test_segment_plain_output(run_cli):
    result = run_cli("segment", str(DEFAULT_DOC))
    assert result.returncode == 0
    assert result.out.splitlines()[0] == "p1.s1\tmedia\tLogo"


@pytest.mark.parametrize("name", PO_FILES)
def test_stats_agree_with_msgfmt(run_cli, name):
    path = shared_path("data", "po", name)
    result = run_cli("stats", str(path), "--json")
    assert result.returncode == 0, result.err
    ours = json.loads(result.out)[0]
    assert {k: ours[k] for k in ("translated", "fuzzy", "untranslated")} == msgfmt_statistics(path)
    assert ours["obsolete"] >= 0 and ours["translated_words"] >= 0


def test_stats_table(run_cli):
    path = shared_path("data", "po", "shadow.po.fr.po")
    result = run_cli("stats", str(path))
    assert result.returncode == 0
    assert "translated" in result.out.splitlines()[0]
    assert str(path) in result.out


@pytest.mark.parametrize("command", ["segment", "stats"])
@pytest.mark.parametrize("make, message", [
    (lambda d: d / "missing.txt", "no such"),
    (lambda d: d, "is a "),
    (lambda d: (d / "bin.po").write_bytes(b"\x00\x01\xff\xfe" * 64) or d / "bin.po", ""),
    (lambda d: (d / "empty.po").write_bytes(b"") or d / "empty.po", ""),
])
def test_bad_files_get_one_line_errors(run_cli, tmp_path, command, make, message):
    path = make(tmp_path)
    result = run_cli(command, str(path))
    assert result.returncode == 1, (result.out, result.err)
    assert result.err.startswith("locwork: error: ")
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err


def test_unreadable_po_gets_one_line(run_cli, tmp_path):
    path = tmp_path / "broken.po"
    # polib silently drops this last entry: saving would lose it.
    path.write_text('msgid "a"\nmsgstr "b"\nmsgid "c\n', "utf-8")
    result = run_cli("stats", str(path))
    assert result.returncode == 1
    assert "broken.po" in result.err and len(result.err.strip().splitlines()) == 1


def test_usage_errors_exit_2(run_cli):
    assert run_cli("stats").returncode == 2
    assert run_cli("translate", "x.txt").returncode == 2  # --to is required


def test_cli_package_imports_light_and_without_a_cycle():
    """`locwork --help` stays fast: importing the CLI package pulls in no engine,
    catalog or memory module, and every command module imports on its own,
    before the main group (no cli <-> cli.tm cycle)."""
    import subprocess
    import sys

    heavy = ("polib", "sqlite3", "locwork.tm", "locwork.catalog", "locwork.pipeline",
             "locwork.engines.base", "argostranslate", "numpy", "sacrebleu")
    for first in ("locwork.cli.tm", "locwork.cli.export", "locwork.cli.score",
                  "locwork.cli.replace", "locwork.cli"):
        code = (f"import sys, importlib; importlib.import_module({first!r}); import locwork.cli; "
                f"print([m for m in {heavy!r} if m in sys.modules])")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=60)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "[]", (first, out.stdout)


def test_no_route_error_carries_no_exit_code():
    """The library says what went wrong; the CLI alone maps it to exit status 3."""
    from locwork.cli.common import EXIT_MISSING, exit_code
    from locwork.routing import NoRouteError

    assert not hasattr(NoRouteError("x"), "exit_code")
    assert exit_code(NoRouteError("x")) == EXIT_MISSING
