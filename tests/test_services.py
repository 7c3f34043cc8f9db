"""The service layer the CLI and the app both call: models listing and route choice.

Run on the real engines installed here (Apertium, Bergamot; argos with no
package), and on a really broken argos: argostranslate creates its folders
when it is first imported, so an $ARGOS_PACKAGES_DIR under a file makes it
fail with NotADirectoryError (before the service layer, `locwork models list`
died there with a traceback while the app listed the other engines).
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import LOCWORK
from locwork import review, services
from locwork.engines.registry import Engines
from locwork.routing import NoRouteError, Route


def locwork(*args: str, cwd, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LOCWORK, *args], capture_output=True, text=True, cwd=cwd,
                          env=dict(os.environ, PYTHONIOENCODING="utf-8", **env), timeout=300)


@pytest.fixture(scope="module")
def apertium():
    with Engines(["apertium"]) as engines:
        yield engines


def test_one_broken_engine_is_one_line_and_the_others_are_listed(tmp_path):
    (tmp_path / "a-file").write_text("not a folder", "utf-8")
    broken = {"ARGOS_PACKAGES_DIR": str(tmp_path / "a-file" / "packages")}
    result = locwork("models", "list", cwd=tmp_path, **broken)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("argos") and "unavailable" in lines[0]
    assert "Not a directory" in lines[0]
    listed = {line.split()[0] for line in result.stdout.splitlines()}
    assert "apertium" in listed and "argos" not in listed
    as_json = json.loads(locwork("models", "list", "--json", cwd=tmp_path, **broken).stdout)
    assert set(as_json["unavailable"]) == {"argos"}
    assert {row["engine"] for row in as_json["models"]} >= {"apertium"}
    # The router leaves the broken engine out too, instead of dying with it.
    routes = locwork("routes", "--to", "es", "--json", cwd=tmp_path, **broken)
    assert routes.returncode == 0, routes.stderr
    assert json.loads(routes.stdout)[0]["languages"][-1] == "es"


def test_cli_and_app_list_the_same_models(tmp_path, apertium):
    listing = services.list_models(apertium)
    assert listing.problems == {}
    fr_es = [r for r in listing.rows if (r.src, r.tgt) == ("fr", "es")]
    assert len(fr_es) == 1 and fr_es[0].version.startswith("apertium-fr-es ")
    assert review.installed_models(apertium) == (listing.rows, listing.problems)
    cli = json.loads(locwork("models", "list", "--json", cwd=tmp_path).stdout)
    apertium_rows = [row for row in cli["models"] if row["engine"] == "apertium"]
    assert apertium_rows == [row.to_dict() for row in listing.rows]


def test_choose_routes_pins_engines_and_locales(apertium):
    chosen = services.choose_routes(apertium, "fr", ["es", "ca_ES"])
    assert chosen["es"].languages[0] == "fr" and chosen["es"].tgt == "es"
    assert chosen["ca_ES"].tgt == "ca"  # a locale goes to the engines' language
    pinned = services.choose_routes(apertium, "fr", ["es"], pins={"es": "fr-ca-es"})
    assert pinned["es"].languages == ["fr", "ca", "es"]
    route = chosen["es"]
    assert services.choose_routes(apertium, "fr", ["es"], pins={"es": route})["es"] is route
    assert isinstance(route, Route)
    with pytest.raises(NoRouteError, match="no route from fr to ja"):
        services.choose_routes(apertium, "fr", ["es", "ja"])
