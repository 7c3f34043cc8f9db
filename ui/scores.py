"""Scores: post-editing effort and quality estimates of the current document, per language.

Every figure comes from :mod:`locwork.score_report` (computed from the
catalogs on disk); this page only draws them. "Score now" stores the
per-segment scores (:func:`locwork.scoring.score_catalog`), "Estimate
quality" the estimates of unreviewed segments
(:func:`locwork.estimate.estimate_catalog`, with the app's engines), in
every language's catalog.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from locwork import score_report
from locwork.errors import LocworkError
from ui import common


@st.cache_data(show_spinner=False, max_entries=32)
def _report(locales: str, doc_name: str, versions: tuple) -> score_report.DocumentReport:
    return score_report.document_report(locales, doc_name)


def load_report(locales, doc_name: str) -> score_report.DocumentReport:
    """The report, recomputed when any of the document's catalogs changes."""
    paths = score_report.document_catalogs(locales, doc_name)
    versions = tuple((lang, common._mtime(path)) for lang, path in paths.items())
    return _report(str(locales), doc_name, versions)


def _segments(n: int) -> str:
    return f"{n} segment{'' if n == 1 else 's'}"


# ------------------------------------------------------------ actions


def actions(locales, doc_name: str) -> None:
    c1, c2, note = st.columns([1, 1.3, 4], vertical_alignment="center")
    score = c1.button("Score now", key="sc_score", type="primary", icon=":material/calculate:",
                      help="HTER, chrF and chrF++ of the raw MT against every reviewed segment, "
                           "stored in the catalogs (locwork-hter, locwork-chrf, locwork-chrfpp)")
    estimate = c2.button("Estimate quality", key="sc_estimate", icon=":material/insights:",
                         help="Reference-free estimate of every unreviewed machine segment "
                              "(round trip and a second route through the engines; locwork-qe)")
    note.caption("Scores are stored in every language's catalog of this document.")
    if score:
        with st.spinner("Scoring every language…"):
            try:
                done = score_report.score_document(locales, doc_name)
            except LocworkError as error:
                st.error(str(error))
            else:
                st.success("Scored " + ", ".join(
                    f"{d.lang} ({_segments(d.reviewed)} reviewed)"
                    for d in done))
    if estimate:
        estimate_languages(locales, doc_name)
    elif st.session_state.get("sc_cancel"):
        st.info("Estimate stopped. The languages it had finished keep their estimates; "
                "the others were left as they were.")


def estimate_languages(locales, doc_name: str) -> None:
    """Estimate each language in turn, with its own progress bar and a Cancel button.

    Each language's catalog is written when that language is done (atomically,
    under its lock). Cancel makes Streamlit stop this run at its next progress
    update, between two engine batches: finished languages keep their estimates,
    the others stay as they were.
    """
    from locwork import catalog, estimate

    st.button("Cancel", key="sc_cancel", icon=":material/cancel:",
              help="Stop after the current batch; finished languages keep their estimates")
    done = []
    for lang, path in score_report.document_catalogs(locales, doc_name).items():
        name = common.lang_name(lang)
        bar = st.progress(0.0, text=f"{name}: starting")
        try:
            # Up to three passes over the machine segments: round trip, second route, cross-engine.
            total = max(3 * catalog.stats(catalog.load(path)).machine, 1)
            seen = [0]

            def advance(n: int, bar=bar, name=name, seen=seen, total=total) -> None:
                seen[0] += n
                bar.progress(min(seen[0] / total, 1.0),
                             text=f"{name}: {min(100, round(100 * seen[0] / total))} %")

            with common.engines_session() as engines:
                report = estimate.estimate_catalog(path, engines, progress=advance)
        except LocworkError as error:
            bar.empty()
            st.error(f"{name}: {error}")
            continue
        bar.progress(1.0, text=f"{name}: {_segments(report.estimated)} estimated")
        done.append(report)
    if done:
        st.success("Estimated " + ", ".join(f"{d.lang} ({d.estimated})" for d in done))


# ------------------------------------------------------------- charts


def histogram_chart(bins: list[score_report.Bin], title: str, axis: str, colour: str):
    frame = pd.DataFrame([{"lo": b.lo, "hi": b.hi, "segments": b.count} for b in bins])
    return alt.Chart(frame, title=title, height=180).mark_bar(color=colour).encode(
        x=alt.X("lo:Q", bin="binned", title=axis, scale=alt.Scale(domain=[bins[0].lo, bins[-1].hi])),
        x2="hi:Q",
        y=alt.Y("segments:Q", title="segments", axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("lo:Q", title="from"), alt.Tooltip("hi:Q", title="to"), "segments:Q"],
    )


def distributions(report: score_report.DocumentReport) -> None:
    st.markdown("##### Distribution per segment")
    for summary in report.languages:
        st.markdown(f"**{common.lang_name(summary.lang)}**")
        left, right = st.columns(2)
        chrf = score_report.chrf_values(summary)
        if chrf:
            title = f"{summary.lang}: chrF of post-edit · {_segments(len(chrf))}"
            left.altair_chart(histogram_chart(score_report.chrf_histogram(summary), title,
                                              "chrF (raw MT vs reviewed text)", "#1d4ed8"),
                              width="stretch")
        else:
            left.caption("No post-edit score yet: review segments, then Score now.")
        qe = score_report.qe_values(summary)
        if qe:
            title = f"{summary.lang}: estimate of unreviewed · {_segments(len(qe))}"
            right.altair_chart(histogram_chart(score_report.qe_histogram(summary), title,
                                               "QE: expected chrF / 100 (higher is better)", "#c2410c"),
                               width="stretch")
        else:
            right.caption("No estimate for unreviewed segments: Estimate quality.")


def comparison(report: score_report.DocumentReport) -> None:
    st.markdown("##### Languages compared")
    rows = score_report.comparison(report.languages)
    if not rows:
        st.caption("Nothing to compare yet.")
        return
    frame = pd.DataFrame(rows)
    metrics = list(score_report.COMPARISON)
    chart = alt.Chart(frame, title="MT vs post-edit, approval and estimate", height=260).mark_bar().encode(
        x=alt.X("metric:N", sort=metrics, title=None, axis=alt.Axis(labelAngle=0, labelLimit=160)),
        xOffset=alt.XOffset("lang:N"),
        y=alt.Y("value:Q", title="score / %"),
        color=alt.Color("lang:N", title="language"),
        tooltip=["lang:N", "metric:N", alt.Tooltip("value:Q", format=".1f")],
    )
    st.altair_chart(chart, width="stretch")
    table = pd.DataFrame([{
        "language": s.lang, "segments": s.segments, "approved": s.approved,
        "reviewed": s.reviewed, "chrF": s.corpus_chrf, "TER": s.corpus_ter,
        "approved %": s.approved_pct, "unchanged %": s.approved_unchanged_pct,
        "mean HTER": s.mean_hter, "estimated": s.estimated, "mean QE": s.mean_qe,
    } for s in report.languages])
    st.dataframe(table, key="sc_languages", hide_index=True, column_config={
        "chrF": st.column_config.NumberColumn(format="%.1f", help="Corpus chrF, raw MT vs the reviewed text"),
        "TER": st.column_config.NumberColumn(format="%.1f", help="Corpus TER, raw MT vs the reviewed text"),
        "approved %": st.column_config.NumberColumn(format="%.1f"),
        "unchanged %": st.column_config.NumberColumn(
            format="%.1f", help="Approved segments left as the MT wrote them"),
        "mean HTER": st.column_config.NumberColumn(format="%.1f"),
        "mean QE": st.column_config.NumberColumn(format="%.2f"),
    })


def effort(report: score_report.DocumentReport) -> None:
    st.markdown("##### Largest post-editing effort")
    n = st.number_input("Segments", 1, 200, 10, key="sc_top_n", width=140)
    top = score_report.top_effort(report.segments, int(n))
    if not top:
        st.caption("No scored segment yet: review segments, then Score now.")
        return
    st.dataframe(pd.DataFrame([{
        "lang": s.lang, "id": s.id, "HTER": s.hter, "chrF": s.chrf, "reviewer": s.reviewer,
        "state": s.state, "source": s.source, "MT": s.mt, "final": s.target,
    } for s in top]), key="sc_top", hide_index=True, column_config={
        "HTER": st.column_config.NumberColumn(format="%.1f", width=60),
        "chrF": st.column_config.NumberColumn(format="%.1f", width=60),
        "source": st.column_config.TextColumn(width="medium"),
        "MT": st.column_config.TextColumn(width="medium"),
        "final": st.column_config.TextColumn(width="medium"),
    })


def reviewers(report: score_report.DocumentReport) -> None:
    st.markdown("##### Reviewers")
    totals = score_report.reviewer_totals(report.segments)
    if not totals:
        st.caption("Nobody has reviewed a segment yet.")
        return
    st.dataframe(pd.DataFrame([{
        "reviewer": t.reviewer, "approved": t.approved, "edited": t.edited,
        "mean HTER": t.mean_hter, "scored": t.scored, "languages": ", ".join(t.languages),
    } for t in totals]), key="sc_reviewers", hide_index=True, column_config={
        "mean HTER": st.column_config.NumberColumn(format="%.1f"),
        "scored": st.column_config.NumberColumn(help="Segments with a stored HTER"),
    })
    st.caption("A segment counts for whoever changed it last (locwork-reviewer).")


# --------------------------------------------------------------- page


def page() -> None:
    st.markdown("#### Scores")
    path, doc = common.current_document()
    if doc is None:
        st.info("Choose a document first.")
        return
    locales = common.project().locales
    if not score_report.document_languages(locales, doc.name):
        st.info("Nothing to score yet: translate the document first.")
        st.page_link("ui/translate.py", label="Translate", icon=":material/translate:")
        return
    actions(locales, doc.name)
    try:
        report = load_report(locales, doc.name)
    except LocworkError as error:
        st.error(str(error))
        return
    stale = {s.lang: s.stale for s in report.languages if s.stale}
    if stale:
        st.warning("Reviewed segments without up-to-date scores: " + ", ".join(
            f"{lang} {n}" for lang, n in stale.items()) + ". Press Score now.",
            icon=":material/update:")
    comparison(report)
    distributions(report)
    effort(report)
    reviewers(report)


page()
