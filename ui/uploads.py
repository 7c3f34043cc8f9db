"""File uploaders whose bad files end in a one-line error, never a traceback.

Streamlit checks an upload's name itself when the uploader has ``type=``
(no NUL, an allowed extension), and raises ``StreamlitAPIException`` inside
its own run loop (comparing widget values, before any callback or page code
runs): the page shows a traceback that no page code can catch. So the
uploaders here have no ``type=``; the page reads its upload through
:func:`take`, which refuses a bad name (NUL, control or bidi-override
characters, folder parts: see :mod:`locwork.filenames`) with a
:class:`LocworkError`, and the page's own code checks the extension (with a
one-line error too). On a refusal the uploader gets a fresh key
(:func:`key`), which drops the bad file from the browser's uploader as well.
"""

from __future__ import annotations

import streamlit as st

from locwork.errors import LocworkError
from locwork.filenames import check_plain_name


def key(base: str) -> str:
    """The uploader's current widget key: ``base``, then ``base-1``, ``base-2``... after refusals."""
    n = st.session_state.get(f"_{base}_round", 0)
    return base if n == 0 else f"{base}-{n}"


def take(base: str):
    """The file in uploader ``base`` (an UploadedFile) or None; LocworkError for a bad name."""
    uploaded = st.session_state.get(key(base))
    if uploaded is None:
        return None
    try:
        check_plain_name(uploaded.name)
    except LocworkError:
        st.session_state[f"_{base}_round"] = st.session_state.get(f"_{base}_round", 0) + 1
        raise
    return uploaded
