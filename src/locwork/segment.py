"""French sentence segmentation that a translator can trust.

Public API::

    split_sentences(paragraph: str) -> list[str]

Every returned sentence is an exact substring of the paragraph, in order, with
the surrounding whitespace stripped; nothing is normalised (no-break spaces
U+00A0 and U+202F, curly apostrophes, guillemets all stay as they are). Joining
the sentences with the whitespace that separated them gives the paragraph back.

Why pysbd, and what we add
--------------------------
The base is pysbd (``language="fr"``, ``clean=False``, ``char_span=True``), a
maintained port of the Pragmatic Segmenter, tested against its "Golden
Rules". It gives character offsets into the original text, is pure Python
(nothing to compile, no model to download, so it works offline everywhere)
and runs at a few thousand sentences per second. The alternatives:

* ICU's sentence BreakIterator (PyICU, ``fr@ss=standard``) is very fast but
  needs a compiled ICU, knows few French abbreviations (it splits ``art. 4``
  and ``J. K. Rowling``), cuts ``« Vraiment ! » a-t-il ajouté`` before the
  guillemet, and never splits after a period before a lowercase word.
* SRX rule files need an SRX engine (none is well kept on PyPI), and are a
  heap of regexes themselves.
* spaCy's ``fr_core_news_sm`` parser is more than 20 times slower and needs a
  model package.

(``bench/segmentation.py`` measures all four.) pysbd's French rules are thin:
a short abbreviation list, ASCII-only character classes, English habits,
and it never splits inside quotation marks. Instead of patching its internals
we take its sentence ends as *candidate boundaries*, add a few candidates
it cannot produce, and keep the candidates that pass the documented French
typography rules below. Each one is a general rule of French typography,
not a fix for one string.

Split rules: candidates that pysbd does not propose
    S1  Quotations. pysbd never splits inside quotation marks (« », “ ”, "),
        but French press quotations often run over several sentences. Inside
        any pysbd segment holding a quotation mark, ``. ! ? …`` (and closing
        quotes) followed by a space and a capital letter, or an opening quote
        or bracket and a capital letter, is a candidate.
    S2  The ellipsis character. pysbd splits after ``...`` before a capital
        but not after ``…`` (U+2026); both are treated alike.
    S3  A capital letter and a period. pysbd takes every ``X.`` for a name
        initial; it is proposed here and rule M5 decides (``30 F. Le reste``).
    S4  A spaced closing straight quote before an opening one. In ``monde. "
        "C'est``, a straight quote between spaces after ``. ! ? …``, followed
        by a straight quote glued to a capitalised word, closes the sentence
        (two opening quotes in a row do not occur), so the end of the first
        quote is a candidate; M2 keeps the quote with the sentence it closes.

Filter rules: candidates that are not boundaries
    M1  A boundary is followed by whitespace. This drops pysbd's cuts inside
        ``J.-L.``, ``49.3``, URLs (``https://example.org/a.b?c=d``), e-mail
        addresses (``jean.dupont@example.fr``) and file names.
    M2  Closing quotes and brackets belong to the sentence they close: the cut
        moves past ``»`` (and the no-break space before it), ``”``, ``)``,
        ``]`` and a closing straight quote (one that touches the
        punctuation, or, between spaces, one preceded by an odd number of
        straight quotes or followed by an opening straight quote glued to a
        word, as in S4). A cut after something that is not ``. ! ? …`` (a
        parenthesis or a quoted title) is dropped.
    M3  A sentence does not start with ``, ; : ! ?`` (``av. J.-C. !`` keeps
        its ``!``, which M4 and M5 do not look at); after ``! ? …``, a closing
        quote or an abbreviation it does not start with a lowercase word
        (looking past opening quotes and dashes). This keeps ``« Je pense
        que… », a déclaré Lavrov.``, ``« Vraiment ! » a-t-il ajouté.``,
        ``Hélas ! il était trop tard.`` and ``etc. et des fruits`` whole.
        After a plain period that ends an ordinary word, a lowercase start
        is still a boundary, as in pysbd: sentence-initial ``À`` is often
        typed ``à``.
    M4  Abbreviations. Titles and prepositive abbreviations (``MM.``,
        ``Mme.``, ``Dr.``, ``St.``, ``cf.``, ``c.-à-d.``, ``av.``, ``par
        ex.``...) never end a sentence. Reference abbreviations (``art.``, ``p.``, ``no.``,
        ``chap.``, ``t.``...) do not before a number, a Roman numeral or a
        legal reference (``art. L. 121-1``). Other abbreviations (``etc.``,
        ``env.``, ``oct.``, ``s.``...) do not before a lowercase word or a
        number, but do before a capitalised sentence (``etc. Ensuite``).
        Case names: a lowercase ``v.`` or ``c.`` (versus, contre) between
        two names never ends a sentence (``Roe v. Wade``, ``Roe c. Wade``,
        ``R. c. Jordan``, ``Canada (Procureur général) c. Bedford``). Between
        names means: the word before is capitalised or closes a bracket, and
        the word after is capitalised and may start a name (M5's test), so
        ``point c. Dupont`` and ``Roe v. Il`` still split. The test is
        case-sensitive: ``C.`` and ``V.`` are initials or units (M5:
        ``1° C. Les`` splits).
    M5  Initials. Capital letters with periods (``J.``, ``J.-L.``, ``J-C.``,
        ``S.N.C.F.``) before a capitalised word are a name's initials, not a
        sentence end (``J. K. Rowling``, ``Charles de G. Dupont``, ``M.
        Dupont``), unless the letter is a unit symbol after a number
        (``30 F.``), an opening quote follows, or the next word never starts
        a name: a pronoun, determiner or conjunction (``Il``, ``Les``,
        ``Mais``, ``C’est``), or ``Le``/``La``/``De`` before a lowercase word
        (``l’axe Z. La vitesse``, but ``J.-M. Le Pen``).
    M6  A number alone at the start of the paragraph is a list marker
        (``1. Introduction``).

Long paragraphs go to pysbd in chunks of a few thousand characters, cut at
boundaries these rules accept, because some of pysbd's steps take time
quadratic in the length of their input. pysbd's own offset lookup (a new
regex per sentence, searched from the start) is replaced by a linear one.
"""

from __future__ import annotations

import re

import pysbd
from pysbd.utils import TextSpan

__all__ = ["split_sentences"]

# ------------------------------------------------------------ vocabulary

# M4: abbreviations that never end a sentence. Titles are compared with their
# case (``Me`` is Maître, ``me`` a pronoun); the others lowercased.
_TITLES = frozenset(
    "MM Mme Mmes Mlle Mlles Me Mgr Dr Drs Pr Prof St Ste Sts Stes Vve "
    "Gal Gén Cdt Cne Lt Col Sgt".split()
)
_PREPOSITIVE = frozenset(
    "cf c.-à-d c-à-d p.ex p.-ex i.e e.g vs av apr bd boul".split()
)
# M4: versus/contre in case names (``Roe v. Wade``), compared with their case.
_VERSUS = frozenset("v c".split())
# M4: reference abbreviations: no sentence end before a number or a Roman
# numeral (article, page, number, volume, tome, chapter, figure, alinéa...).
_NUMBER = frozenset(
    "art arts p pp n no nos vol t chap ch fig tab éd al sect ann livr fasc "
    "coll réf tél env min max".split()
)
# M4: abbreviations that may end a sentence before a capital, but not before
# a lowercase word or a number.
_GENERAL = _NUMBER | frozenset(
    "etc hab sq sqq ibid id op cit loc suiv sup inf adj adv fém masc sing pl "
    "qqch qqn resp dép approx dir trad cie ets janv févr fév avr juil sept "
    "oct nov déc kg km cm mm ml h mn s ss ex".split()
)
# M5: words that start sentences but are never part of a person's name
# (pronouns, articles, demonstratives, conjunctions, common adverbs and
# prepositions; name particles such as Le, La, De, Du are not in the list).
_NOT_NAMES = frozenset(
    "Il Ils Elle Elles On Nous Vous Je Tu Ce Cet Cette Ces Ceci Cela Ça "
    "Un Une Les Des Mais Et Ou Donc Or Car Puis Alors Ainsi Cependant "
    "Pourtant Enfin Ensuite Depuis Selon Dans Pour Par Sur Avec Sans Après "
    "Avant Quand Lorsque Si Qui Que Quel Quelle Quels Quelles".split()
)
# ... and their elided forms (``J’ai``, ``C’est``, ``N’oublions``...).
_NOT_NAMES_ELIDED = frozenset("J C N S Qu Jusqu Lorsqu Puisqu".split())
# Articles that are also name particles (``J.-M. Le Pen``): before a
# lowercase word they start a sentence (``l’axe Z. La vitesse...``).
_ARTICLES = frozenset("Le La L De Du D".split())
# M5: single capital letters that are unit symbols after a number
# (francs, watts, volts, amperes, kelvins, newtons, teslas, litres, grams).
_UNIT_LETTERS = frozenset("A F G K L N T V W")

# ------------------------------------------------------------- patterns

_UPPER = r"[^\W\d_a-zß-öø-ÿœæ]"  # a letter that is not lowercase (approx.)
_CLOSERS = r"(?:\s?[»›]|[”’\")\]])*"
_NEXT_STARTS = r"(?=\s+(?:[«“\"(\[]\s?)?" + _UPPER + ")"
_QUOTE_CHARS = re.compile(r"[«»“”\"]")
# S1: sentence punctuation (+ closers) before a capital, inside quotations.
_S1 = re.compile(r"[.!?…]+" + _CLOSERS + _NEXT_STARTS)
# S2: the ellipsis character before a capital.
_S2 = re.compile(r"…" + _CLOSERS + _NEXT_STARTS)
# S3: a lone capital letter and a period before a capital.
_S3 = re.compile(r"(?<![^\s(«“\"'’-])[A-ZÀ-ÖØ-Þ]\." + _NEXT_STARTS)
# S4 and M2: an opening straight quote glued to a word, after whitespace.
_GLUED_OPENER = re.compile(r"\s+\"(?=\w)")
# S4: a spaced straight quote after sentence punctuation, then an opening one.
_S4 = re.compile(r"[.!?…]\s\"(?=\s+\"" + _UPPER + ")")

# M2: closing quotes and brackets (a straight quote closes when it is
# followed by a space, punctuation or the end).
_CLOSER_RUN = re.compile(r"(?:\s?[»›]|[”’)\]]|\"(?=[\s.,;:!?)\]]|$))+")
_SPACED_QUOTE = re.compile(r"\s\"(?=\s|$)")
_TRAILING = "»›”’\")]"
_INITIALS = re.compile(r"(?:[A-ZÀ-ÖØ-Þ](?:\.-?|-))*[A-ZÀ-ÖØ-Þ]")
# A number, a Roman numeral or a legal reference (``L. 121-1``, ``R 12``).
_REFERENCE = re.compile(r"\d|[IVXLCDM]+\b|[A-Z]\.?\s?\d")
_WORD = re.compile(r"([^\s,;:.!?…»”)’']+)([’']?)\s*(\w?)")
_FIRST_LETTER = re.compile(r"[\s«“\"'‘(\[—–-]*(\w?)")
_TOKEN_SEP = frozenset("([{«“\"'’‘/")
_OPENING = ("«", "“", "\"", "(", "[")

_CHUNK = 4000  # characters given to pysbd at once (see _chunks)


class _Segmenter(pysbd.Segmenter):
    """pysbd's French segmenter with linear-time character offsets.

    pysbd locates each sentence with a freshly compiled regex searched from
    the start of the text; ``str.find`` from the previous end gives the same
    offsets in linear time. A sentence that cannot be found (pysbd altered
    it) is skipped: we only lose a candidate boundary.
    """

    def sentences_with_char_spans(self, sentences):
        text = self.original_text
        spans, cursor = [], 0
        for sent in sentences:
            start = text.find(sent, cursor)
            if start < 0:
                continue
            end = start + len(sent)
            while end < len(text) and text[end].isspace():
                end += 1
            spans.append(TextSpan(text[start:end], start, end))
            cursor = end
        return spans


# ---------------------------------------------------------------- rules


def _token_before(text: str, end: int) -> str:
    """The word that ends at ``end`` (exclusive), without opening quotes."""
    start = end
    while start > 0 and not (text[start - 1] in _TOKEN_SEP
                             or text[start - 1].isspace()):
        start -= 1
    return text[start:end]


def _skip_space_back(text: str, pos: int) -> int:
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    return pos


def _digit_before(text: str, pos: int) -> bool:
    """Is the last non-space character before ``pos`` a digit?"""
    pos = _skip_space_back(text, pos)
    return pos > 0 and text[pos - 1].isdigit()


def _extend_over_closers(text: str, cut: int) -> tuple[int, bool]:
    """M2: move the cut over closing quotes/brackets; say whether it moved.

    A straight quote between spaces (``mourir. " Mais``) closes when an odd
    number of straight quotes precede it, or when an opening straight quote
    glued to a word follows it (``monde. " "C'est``, rule S4).
    """
    moved = False
    while True:
        m = _CLOSER_RUN.match(text, cut)
        if m and m.end() > cut:
            cut, moved = m.end(), True
            continue
        m = _SPACED_QUOTE.match(text, cut)
        if m and (text.count('"', 0, cut) % 2 == 1
                  or _GLUED_OPENER.match(text, m.end())):
            cut, moved = m.end(), True
            continue
        return cut, moved


def _starts_name(text: str, pos: int) -> bool:
    """M5: may the word at ``pos`` follow a name initial?"""
    m = _WORD.match(text, pos)
    if m is None:
        return False
    word, apostrophe, after = m.groups()
    if apostrophe:
        return word not in _NOT_NAMES_ELIDED
    if word in _NOT_NAMES:
        return False
    if word in _ARTICLES and after.islower():
        return False
    return True


def _between_names(text: str, start: int, nxt: int) -> bool:
    """M4: does a name end before ``start`` and may one start at ``nxt``?"""
    before = _token_before(text, _skip_space_back(text, start))
    if not before or not (before[0].isupper() or before[-1] in ")]"):
        return False
    return _FIRST_LETTER.match(text, nxt).group(1).isupper() and _starts_name(text, nxt)


def _is_boundary(text: str, cut: int, crossed: bool) -> bool:
    """Decide whether a candidate cut (already past its closers) is one."""
    n = len(text)
    # M1: a boundary is followed by whitespace, then more text.
    if cut >= n or not text[cut].isspace():
        return False
    nxt = cut + 1
    while nxt < n and text[nxt].isspace():
        nxt += 1
    if nxt >= n:
        return False
    first = text[nxt]
    # Case of the next word, past opening quotes and dashes.
    lower = _FIRST_LETTER.match(text, nxt).group(1).islower()

    # The sentence-final punctuation, before the closers.
    end = cut
    while end > 0 and (text[end - 1] in _TRAILING or text[end - 1].isspace()):
        end -= 1
    if end == 0 or text[end - 1] not in ".!?…":
        return False  # e.g. pysbd's cut after "(…)" or a quoted title
    ellipsis = text[end - 1] == "…" or text.endswith("...", 0, end)

    # M3: what follows is a continuation, not a new sentence.
    if first in ",;:!?":
        return False
    if ellipsis or text[end - 1] in "!?":
        return not lower

    # A single period: is the word before it an abbreviation (M4, M5)?
    token = _token_before(text, end - 1)
    low = token.lower()
    initials = bool(token) and _INITIALS.fullmatch(token) is not None
    start = end - 1 - len(token)  # where the token starts
    if token in _TITLES or low in _PREPOSITIVE:
        return False
    if token in _VERSUS and not lower and _between_names(text, start, nxt):
        return False  # "Roe v. Wade"
    if low == "ex" and _token_before(text, _skip_space_back(text, start)).lower() == "par":
        return False  # "par ex." (but "son ex. Elle" ends a sentence)
    if low in _NUMBER and _REFERENCE.match(text, nxt):
        return False
    if low in _GENERAL and first.isdigit():
        return False
    if lower:
        # After an ordinary word a lowercase start is still a boundary, as
        # in pysbd (sentence-initial "À" is often typed "à").
        return not (crossed or initials or low in _GENERAL)
    if initials:
        if token in _UNIT_LETTERS and _digit_before(text, start):
            return True  # a unit after a number: "30 F."
        if first.isdigit():
            return False  # a reference: "art. L. 121-1"
        if text.startswith(_OPENING, nxt):
            return True
        return not _starts_name(text, nxt)
    # M6: a number alone at the start of the paragraph is a list marker.
    if token.isdigit() and (start == 0 or (start < 16 and text[:start].isspace())):
        return False
    return True


def _pysbd_cuts(text: str, offset: int, out: set[int]) -> None:
    """Candidates from pysbd, plus S1 inside segments holding quotes."""
    segmenter = _Segmenter(language="fr", clean=False, char_span=True)
    for span in segmenter.segment(text):
        sent = span.sent.rstrip()
        if not sent:
            continue
        out.add(offset + span.start + len(sent))
        if _QUOTE_CHARS.search(sent):
            base = offset + span.start
            out.update(base + m.end() for m in _S1.finditer(sent))


def _chunks(text: str) -> list[tuple[int, int]]:
    """Cut a long paragraph, at accepted boundaries, into pieces for pysbd.

    Some of pysbd's steps are quadratic in the length of their input; a
    paragraph of a whole book must not take minutes.
    """
    if len(text) <= _CHUNK:
        return [(0, len(text))]
    pieces, start = [], 0
    for m in _S1.finditer(text):
        if m.end() - start < _CHUNK:
            continue
        cut, crossed = _extend_over_closers(text, m.end())
        if _is_boundary(text, cut, crossed):
            pieces.append((start, cut))
            start = cut
    pieces.append((start, len(text)))
    return pieces


_ANY_END = re.compile(r"[.!?…]\S*\s+\S")


def _boundaries(text: str) -> list[int]:
    candidates: set[int] = set()
    for start, end in _chunks(text):
        candidates.add(end)
        _pysbd_cuts(text[start:end], start, candidates)
    if "…" in text:
        candidates.update(m.end() for m in _S2.finditer(text))
    candidates.update(m.end() for m in _S3.finditer(text))
    if '"' in text:
        candidates.update(m.end() for m in _S4.finditer(text))
    cuts = set()
    for cand in candidates:
        cut, crossed = _extend_over_closers(text, cand)
        if _is_boundary(text, cut, crossed):
            cuts.add(cut)
    return sorted(cuts)


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph (no blank lines inside) into sentences.

    Returns exact substrings of ``paragraph``, in order, stripped of the
    surrounding whitespace; only whitespace lies between two sentences, so
    joining them with it gives the paragraph back. Characters are never
    normalised (no-break spaces stay). Thread-safe.
    """
    if not paragraph or paragraph.isspace():
        return []
    if not _ANY_END.search(paragraph.strip()):
        # Every boundary follows sentence punctuation and whitespace (rule
        # M1): without both, the paragraph is one sentence. This skips pysbd
        # for most headings and one-sentence paragraphs.
        return [paragraph.strip()]
    sentences = []
    start = 0
    for cut in _boundaries(paragraph) + [len(paragraph)]:
        sent = paragraph[start:cut].strip()
        if sent:
            sentences.append(sent)
        start = cut
    return sentences
