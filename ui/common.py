"""What every page shares: the project, the current document, the engines, the reviewer.

No business logic here: documents, catalogs and saves are ``locwork``'s.
Session keys used across pages:

- ``doc_select``: file name of the current document (sidebar);
- ``doc_path``: its path, kept by :func:`follow_document`, which forgets the
  keys of :data:`DOCUMENT_STATE` when the document changes;
- ``reviewer``: the reviewer's name, asked once per session.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

import streamlit as st

from locwork import catalog, glossary as glossary_mod, langs, segment_overrides, workspace
from locwork.document import Document
from locwork.errors import LocworkError

APP_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DOC = "corpus/sommet-trump-poutine-annule.txt"
STATE_COLOURS = {"untranslated": "gray", "machine": "orange", "edited": "blue", "approved": "green"}
STATE_HEX = {"untranslated": "#6b7280", "machine": "#c2410c", "edited": "#1d4ed8",
             "approved": "#15803d"}
STATE_LABELS = {"untranslated": "untranslated", "machine": "machine", "edited": "edited",
                "approved": "approved"}


def project() -> workspace.Project:
    return workspace.project(APP_ROOT)


def command_line_doc() -> str | None:
    """The file named by ``streamlit run app.py -- --doc FILE``, if any."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--doc", default=None)
    args, _ = parser.parse_known_args(sys.argv[1:])
    return args.doc


def lang_name(code: str) -> str:
    try:
        return f"{langs.language(code).name} ({code})"
    except LocworkError:
        return code


def state_badge(state: str) -> str:
    """Markdown for a coloured state badge."""
    return f":{STATE_COLOURS.get(state, 'gray')}-badge[{STATE_LABELS.get(state, state)}]"


# ------------------------------------------------------------- documents


def _mtime(path: Path) -> tuple:
    """A file's identity and version: atomic saves change the inode, edits the mtime."""
    try:
        st_ = path.stat()
    except OSError:
        return ()
    return (st_.st_ino, st_.st_mtime_ns, st_.st_size)


# A resource, not data: st.cache_data unpickles the document on every read (about 4 ms for
# the article, on each run that reads it). Nothing changes a Document once it is loaded.
@st.cache_resource(show_spinner=False, max_entries=32)
def _load_document(path: str, mtime: tuple, overrides_mtime: tuple) -> Document:
    return workspace.load_document(path)


def load_document(path: Path) -> Document:
    """The document with its segmentation overrides (re-read when either file changes)."""
    return _load_document(str(path), _mtime(path), _mtime(segment_overrides.overrides_path(path)))


def document_choice() -> Path | None:
    """The sidebar's document selector; returns the chosen path.

    The choices are the documents of ``corpus/``, plus the file named by
    ``-- --doc FILE`` when it lives elsewhere (it is read in place).
    """
    proj = project()
    options = [p.name for p in proj.documents()]
    wanted = command_line_doc()
    if wanted:
        path = Path(wanted)
        path = path if path.is_absolute() else (Path.cwd() / path)
        inside = path.resolve().parent == proj.corpus.resolve()
        if not inside and path.is_file() and str(path.resolve()) not in options:
            options.append(str(path.resolve()))
        wanted = path.name if inside else str(path.resolve())
    if not options:
        st.sidebar.warning(f"No document in {proj.corpus}: upload one on the Document page.")
        return None
    if st.session_state.get("doc_select") not in options:
        # A link (?doc=) names the document more precisely than the server's --doc default.
        linked = st.query_params.get("doc")
        default = next((o for o in (linked, wanted, Path(DEFAULT_DOC).name) if o in options),
                       options[0])
        if linked and linked not in options:
            st.sidebar.warning(f"No document named {linked!r} in this project.")
        st.session_state["doc_select"] = default
    st.sidebar.selectbox("Document", options, key="doc_select",
                         format_func=lambda o: Path(o).name if "/" in o else o)
    choice = st.session_state["doc_select"]
    st.query_params["doc"] = choice  # every page's URL names its document
    return Path(choice) if "/" in choice else proj.corpus / choice


# Session keys that belong to the current document: the open segment, the
# editor's base text, a pending conflict, other routes' outputs, the table's
# pick. Widgets of the Document page carry the document in their keys.
# Drafts are not here: each is keyed by its catalog, segment and source, and the drafts bar
# leads back to them in whichever document they were typed.
DOCUMENT_STATE = ("seg", "conflict")


def follow_document(path: Path | None) -> None:
    """Record the current document; when it changed, forget what belonged to the previous one.

    A segment id such as ``p3.s1`` names a different sentence in another
    document: nothing chosen, typed or computed for one may reach the other.
    """
    current = str(path) if path else ""
    previous = st.session_state.get("doc_path")
    # A deliberate jump to a segment of another document (the drafts bar) names its segment.
    target = st.session_state.pop("switch_to", None)
    if previous and previous != current and target and target[0] == st.session_state.get("doc_select"):
        st.session_state.pop("conflict", None)
        st.session_state["seg"] = target[1]
    elif previous and previous != current:
        for key in DOCUMENT_STATE:
            st.session_state.pop(key, None)
        if "seg" in st.query_params:
            del st.query_params["seg"]
    st.session_state["doc_path"] = current


def current_document() -> tuple[Path, Document] | tuple[None, None]:
    path = st.session_state.get("doc_path")
    if not path:
        return None, None
    try:
        return Path(path), load_document(Path(path))
    except LocworkError as error:
        st.error(str(error))
        return None, None


# -------------------------------------------------------------- reviewer


def reviewer_box() -> None:
    """Ask for the reviewer's name once per session (kept in the URL across reloads)."""
    if "reviewer" not in st.session_state:
        st.session_state["reviewer"] = st.query_params.get("reviewer", "")
    st.sidebar.text_input("Your name (recorded with every edit)", key="reviewer",
                          placeholder="e.g. Ana García")
    name = st.session_state.get("reviewer", "").strip()
    if name:
        st.query_params["reviewer"] = name
    elif "reviewer" in st.query_params:
        del st.query_params["reviewer"]


def reviewer() -> str:
    return " ".join(st.session_state.get("reviewer", "").split())


# --------------------------------------------------------------- engines


@st.cache_resource(show_spinner=False)
def _engines():
    from locwork.engines.registry import Engines

    return Engines(), threading.RLock()


class engines_session:
    """``with engines_session() as engines:`` the app's shared engines, one user at a time."""

    def __enter__(self):
        self.engines, self.lock = _engines()
        self.lock.acquire()
        return self.engines

    def __exit__(self, *exc) -> None:
        self.lock.release()


# -------------------------------------------------------------- glossary


def glossary():
    """``glossary.csv`` at the project root, if there is one."""
    path = project().root / "glossary.csv"
    if not path.is_file():
        return None
    try:
        return _load_glossary(str(path), _mtime(path))
    except LocworkError as error:
        st.warning(str(error))
        return None


@st.cache_data(show_spinner=False)
def _load_glossary(path: str, mtime: tuple):
    return glossary_mod.load(path)


def memory_matches(source: str, lang: str) -> list:
    """The memory's matches for a source, once per version of the memory file.

    The review screen asks twice per run (the best-match shortcut and the
    Memory tab); the database and its write-ahead log change with every
    approval, so their identities key the cache.
    """
    from locwork import tm

    locales = project().locales
    path = tm.default_path(locales)
    return _memory_matches(str(locales), source, lang, _mtime(path),
                           _mtime(path.with_name(path.name + "-wal")))


@st.cache_data(show_spinner=False, max_entries=256)
def _memory_matches(locales: str, source: str, lang: str, *versions: tuple) -> list:
    from locwork import review

    return review.memory_matches(Path(locales), source, lang)


def catalog_stats(path: Path):
    return _catalog_stats(str(path), _mtime(path))


@st.cache_data(show_spinner=False, max_entries=64)
def _catalog_stats(path: str, mtime: tuple):
    return catalog.stats(catalog.load(path))
