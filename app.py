"""locwork's Streamlit app: a thin layer over the ``locwork`` package.

Run with ``make run`` (or ``streamlit run app.py -- --doc FILE``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import streamlit as st

from locwork import document
from locwork.errors import LocworkError

ROOT = Path(__file__).resolve().parent
CORPUS = ROOT / "corpus"
DEFAULT_DOC = CORPUS / "sommet-trump-poutine-annule.txt"


def default_document() -> Path:
    """The document named by ``-- --doc FILE`` on the command line, if any."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--doc", type=Path, default=DEFAULT_DOC)
    args, _ = parser.parse_known_args(sys.argv[1:])
    return args.doc if args.doc.is_absolute() else ROOT / args.doc


@st.cache_data(show_spinner=False)
def load_document(path: str, mtime: float) -> document.Document:
    """Segment once per file version (mtime is part of the cache key)."""
    return document.load(path)


def main() -> None:
    st.set_page_config(page_title="locwork", layout="wide")
    st.title("locwork")
    docs = sorted(p for p in CORPUS.iterdir() if p.suffix in document.SUPPORTED_SUFFIXES)
    default = default_document()
    index = docs.index(default) if default in docs else 0
    chosen = st.selectbox("Document", docs, index=index, format_func=lambda p: p.name)
    try:
        doc = load_document(str(chosen), chosen.stat().st_mtime)
    except LocworkError as error:
        st.error(str(error))
        return
    counts = {k: sum(1 for s in doc.segments if s.kind == k) for k in document.KINDS}
    st.caption(
        f"{len(doc.blocks)} blocks · {counts['heading']} headings · "
        f"{counts['sentence']} sentences · {counts['media']} media · {doc.encoding}"
    )
    for seg in doc.segments:
        if seg.kind == "heading":
            (st.header if seg.level == 1 else st.subheader)(seg.text)
        elif seg.kind == "media":
            st.info(f"[{seg.text}]", icon="🖼️")
        else:
            st.markdown(f"`{seg.id}` {seg.text}")


main()
