"""Export: download buttons for every format, made by the same code as `locwork export`."""

from __future__ import annotations

import streamlit as st

from locwork import export, review
from locwork.errors import LocworkError
from ui import common


def page() -> None:
    st.markdown("#### Export")
    path, doc = common.current_document()
    if doc is None:
        st.info("Choose a document first.")
        return
    locales = common.project().locales
    langs = review.languages(locales, doc.name)
    if not langs:
        st.info("Nothing to export yet: translate the document first.")
        return
    approved_only = st.toggle(
        "Approved segments only", value=False, key="export_approved_only",
        help="Unapproved segments fall back to the French source (HTML) or are left out "
             "(XLIFF). MO and TMX always hold approved work only.",
    )
    for lang in langs:
        catalog_path = review.catalog_for(locales, lang, doc.name)
        st.markdown(f"**{common.lang_name(lang)}** · `{catalog_path.relative_to(common.project().root)}`")
        columns = st.columns(len(export.FORMATS) + 1)
        columns[0].download_button(
            "PO", catalog_path.read_bytes(), file_name=f"{doc.name}.{lang}.po",
            mime="text/x-gettext-translation", key=f"dl_{lang}_po", width="stretch")
        for column, (name, fmt) in zip(columns[1:], export.FORMATS.items()):
            try:
                data, filename, mime = export.render(
                    catalog_path, name, approved_only=approved_only or None, document=doc)
            except LocworkError as error:
                column.button(name.upper(), disabled=True, help=str(error),
                              key=f"dl_{lang}_{name}", width="stretch")
                continue
            column.download_button(name.upper(), data, file_name=filename, mime=mime,
                                   help=fmt.description, key=f"dl_{lang}_{name}", width="stretch")


page()
