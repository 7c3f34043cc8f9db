"""Language metadata: English names and gettext ``Plural-Forms``.

The plural rules are the ones gettext itself ships (``msginit`` and the
gettext manual's "Plural forms" table), which follow CLDR except where
the gettext tradition differs on purpose (e.g. French keeps the
two-form ``n > 1`` rule, not CLDR's extra "many" form for millions).

Codes are gettext locale names: ``ll`` or ``ll_CC`` (``pt_BR``), optionally
with a script or ``@modifier`` (``sr@latin``).  ``pt-BR`` and ``pt_br`` are
accepted and normalised to ``pt_BR``, and three-letter spellings of a
language that has a two-letter code (Apertium's ``fra``, ``oci``) to that
code (``fr``, ``oc``); ``frp`` has none and stays ``frp``.  A code that does not look like a
language code at all raises :class:`LocworkError`; a well-formed code that
is not in the table falls back to its base language (``fr_CA`` → ``fr``)
and, failing that, to the two-form ``(n != 1)`` rule with a logged warning.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Iterable

from locwork.errors import LocworkError

log = logging.getLogger(__name__)

DEFAULT_PLURAL_FORMS = "nplurals=2; plural=(n != 1);"

_ONE = "nplurals=2; plural=(n != 1);"
_GT1 = "nplurals=2; plural=(n > 1);"
_NONE = "nplurals=1; plural=0;"
_SLAVIC_EAST = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)
_WEST_SLAVIC = "nplurals=3; plural=(n==1 ? 0 : (n>=2 && n<=4) ? 1 : 2);"


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    plural_forms: str


_TABLE: dict[str, tuple[str, str]] = {
    # Romance languages and French's neighbours (the Apertium pairs).
    "fr": ("French", _GT1),
    "frp": ("Arpitan", _GT1),
    "oc": ("Occitan", _GT1),
    "es": ("Spanish", _ONE),
    "ca": ("Catalan", _ONE),
    "gl": ("Galician", _ONE),
    "pt": ("Portuguese", _ONE),
    "pt_BR": ("Portuguese (Brazil)", _GT1),
    "it": ("Italian", _ONE),
    "ro": ("Romanian", "nplurals=3; plural=(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2);"),
    "eo": ("Esperanto", _ONE),
    "br": ("Breton", _GT1),
    "eu": ("Basque", _ONE),
    # Germanic.
    "en": ("English", _ONE),
    "de": ("German", _ONE),
    "nl": ("Dutch", _ONE),
    "da": ("Danish", _ONE),
    "sv": ("Swedish", _ONE),
    "nb": ("Norwegian Bokmål", _ONE),
    "nn": ("Norwegian Nynorsk", _ONE),
    # Slavic.
    "ru": ("Russian", _SLAVIC_EAST),
    "uk": ("Ukrainian", _SLAVIC_EAST),
    "be": ("Belarusian", _SLAVIC_EAST),
    "sr": ("Serbian", _SLAVIC_EAST),
    "hr": ("Croatian", _SLAVIC_EAST),
    "pl": ("Polish", "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"),
    "cs": ("Czech", _WEST_SLAVIC),
    "sk": ("Slovak", _WEST_SLAVIC),
    "sl": ("Slovenian", "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);"),
    # Others.
    "el": ("Greek", _ONE),
    "fi": ("Finnish", _ONE),
    "hu": ("Hungarian", _ONE),
    "et": ("Estonian", _ONE),
    "tr": ("Turkish", _ONE),
    "he": ("Hebrew", _ONE),
    "ar": ("Arabic", "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
                     "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"),
    "ja": ("Japanese", _NONE),
    "zh": ("Chinese", _NONE),
    "zh_CN": ("Chinese (China)", _NONE),
    "zh_TW": ("Chinese (Taiwan)", _NONE),
    "ko": ("Korean", _NONE),
    "vi": ("Vietnamese", _NONE),
    "id": ("Indonesian", _NONE),
}

# ISO 639-2/3 spellings (Apertium's "fra", "oci"...) of the languages above:
# gettext names a locale with the two-letter code whenever there is one.
_ALIASES = {
    "fra": "fr", "fre": "fr", "oci": "oc", "spa": "es", "cat": "ca", "glg": "gl", "por": "pt",
    "ita": "it", "ron": "ro", "rum": "ro", "epo": "eo", "bre": "br", "eus": "eu", "baq": "eu",
    "eng": "en", "deu": "de", "ger": "de", "nld": "nl", "dut": "nl", "dan": "da", "swe": "sv",
    "nob": "nb", "nno": "nn", "rus": "ru", "ukr": "uk", "bel": "be", "srp": "sr", "hrv": "hr",
    "pol": "pl", "ces": "cs", "cze": "cs", "slk": "sk", "slo": "sk", "slv": "sl", "ell": "el",
    "gre": "el", "fin": "fi", "hun": "hu", "est": "et", "tur": "tr", "heb": "he", "ara": "ar",
    "jpn": "ja", "zho": "zh", "chi": "zh", "kor": "ko", "vie": "vi", "ind": "id",
}

# ll, lll; then _CC / _NNN (region), _Scrp (script), @modifier; '-' accepted for '_'.
_CODE = re.compile(
    r"^(?P<lang>[A-Za-z]{2,3})"
    r"(?:[_-](?P<script>[A-Za-z]{4}))?"
    r"(?:[_-](?P<region>[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:\.(?P<charset>[A-Za-z0-9_-]+))?"
    r"(?:@(?P<modifier>[A-Za-z0-9]+))?$"
)


def normalize(lang: str) -> str:
    """The gettext spelling of ``lang`` (``pt-br`` → ``pt_BR``); LocworkError if malformed."""
    if not isinstance(lang, str):
        raise LocworkError(f"invalid language code {lang!r}: expected a string such as 'fr' or 'pt_BR'")
    match = _CODE.match(lang.strip())
    if not match:
        raise LocworkError(
            f"invalid language code {lang!r}: expected an ISO 639 code such as 'fr', 'frp' or 'pt_BR'"
        )
    code = match["lang"].lower()
    code = _ALIASES.get(code, code)
    if match["script"]:
        code += "_" + match["script"].title()
    if match["region"]:
        code += "_" + match["region"].upper()
    if match["modifier"]:
        code += "@" + match["modifier"].lower()
    return code


def _lookup(lang: str) -> tuple[str, tuple[str, str] | None]:
    code = normalize(lang)
    if code in _TABLE:
        return code, _TABLE[code]
    base = code.split("@")[0]
    if base in _TABLE:
        return code, _TABLE[base]
    parts = base.split("_")
    for n in range(len(parts) - 1, 0, -1):
        candidate = "_".join(parts[:n])
        if candidate in _TABLE:
            return code, _TABLE[candidate]
    return code, None


def is_known(lang: str) -> bool:
    """Whether ``lang`` (or its base language) is in the table."""
    return _lookup(lang)[1] is not None


def language(lang: str) -> Language:
    """Name and plural rule of ``lang`` (defaults for a well-formed unknown code)."""
    code, found = _lookup(lang)
    if found is None:
        log.warning("unknown language %r: assuming two plural forms (%s)", code, DEFAULT_PLURAL_FORMS)
        return Language(code, code, DEFAULT_PLURAL_FORMS)
    name, forms = found
    if code not in _TABLE and "_" in code and not name.endswith(")"):
        region = code.split("@")[0].split("_", 1)[1]
        name = f"{name} ({region})"
    return Language(code, name, forms)


def plural_forms(lang: str) -> str:
    """The gettext ``Plural-Forms`` header value for ``lang``."""
    return language(lang).plural_forms


def nplurals(lang: str) -> int:
    """How many plural forms ``lang`` has."""
    return int(re.search(r"nplurals\s*=\s*(\d+)", plural_forms(lang)).group(1))  # type: ignore[union-attr]


def language_name(lang: str) -> str:
    """The English name of ``lang`` (the code itself for an unknown language)."""
    return language(lang).name


def known_languages() -> list[str]:
    """Every code in the table."""
    return sorted(_TABLE)


def base_language(code: str) -> str:
    """The language part of a locale code: ``es_ES`` → ``es``, ``sr@latin`` → ``sr``."""
    return code.split("@")[0].split(".")[0].split("_")[0]


def engine_language(code: str, available: Iterable[str]) -> str:
    """The language engines should translate into (or from) for the locale ``code``.

    The code itself when an engine knows it (``pt_BR`` if a model is for
    Brazilian Portuguese), else its base language (``es_ES`` → ``es``):
    engines translate languages, catalogs are named by locale, as gettext
    names them (``locales/es_ES/``).
    """
    known = set(available)
    if code in known:
        return code
    base = base_language(code)
    return base if base in known else code
