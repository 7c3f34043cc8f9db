"""Keep names, URLs and glossary terms intact across every hop of a route.

Protected spans are replaced by placeholders before a hop and put back
after the last one. Placeholders look like ``Zx1``: short capitalised
nonsense that Apertium passes through as an unknown word and that the
Bergamot/Marian models copy as a name (both checked in the tests). Glossary
terms come back as the target language's forced translation.

Names are protected *on demand*, without a name list: they travel through
every hop as words, so a sentence that keeps its names gets exactly the
unprotected translation (Apertium puts "a Kyoto" into "em Kyoto", a
placeholder would have left "a Zx1"). After a rule-based hop, a name of the
French source that the hop translated as a common word ("Pierre" →
"Piedra", "Rubio" → "Loiro", "Taco Bell" → "Mancho Bell") sends that
sentence through the hop again with the name as a placeholder
(:func:`keep_names`); a name in the hop's dictionary ("Moscou" → "Moscú")
is its allowed form. After a neural hop (Bergamot, Argos), which translates
a name it sees ("Roma" → "Rome"), a sentence that lost a name of several
words of the source ("Marco Rubio" → "Mr Rubio") is translated again with
that name as a placeholder (:func:`neural_hop`). Measured on newstest2013
by bench/measure_quality.py, with and without protection (see the README).

Around every hop, :func:`guard` checks that each placeholder came through;
a text that lost one is translated again piece by piece between its
placeholders, so a URL, a printf placeholder or a literal ``<`` can never
be dropped or changed by a model.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from locwork.engines.base import Hypothesis
from locwork.glossary import Glossary

#: Engines that translate with a neural model (they see names as words).
NEURAL_ENGINES = frozenset({"bergamot", "argos"})

URL = re.compile(r"\b(?:https?://|ftp://|www\.)[^\s<>«»\"]+[^\s<>«»\".,;:!?)\]’']")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
PLACEHOLDER = re.compile(r"\bZx(\d+)\b")
# Software strings: printf (%s, %1$d, %(name)s), Python/ICU braces ({0},
# {name}), markup tags and character entities must come back byte for byte,
# or msgfmt --check (and the program) fails.
PRINTF = re.compile(r"%(?:\d+\$|\([^)]+\))?[-+ 0#']*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlLqjzt]*[diouxXeEfFgGcrsaAp%]")
BRACE = re.compile(r"\{[^{}\s]*\}")
TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
ENTITY = re.compile(r"&(?:[A-Za-z][\w.]*|#\d+|#x[0-9A-Fa-f]+);")
# Literal symbols of software strings that the neural models rewrite or drop
# (Bergamot en→pt turns "<" into "-" and drops "#", "~", "\\"), and an
# autolink "<https://...>" as one span.
AUTOLINK = re.compile(r"<(?:https?|ftp|mailto):[^\s<>]+>")
SYMBOLS = re.compile(r"[<>#~\\|^`@$*\[\]]+")
# Inline markup of documents (Markdown and HTML): the delimiters become
# placeholders and the words between them are translated; inline code is
# kept whole. ``<b>gras</b>`` → ``Zx1 gras Zx2`` (spaced, so that the engines
# see the word; the spaces go again on the way back).
MD_CODE = re.compile(r"`[^`\n]+`")
MD_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+(?:\s+\"[^\"]*\")?)\)")
MD_EMPHASIS = re.compile(
    r"(?<![\w*\\])(\*\*|\*)(?=\S)([^*\n]+?)(?<=\S)\1(?![\w*])"
    r"|(?<![\w\\])(__|_)(?=\S)([^_\n]+?)(?<=\S)\3(?!\w)"
)
UPPER = "A-ZÀ-ÖØ-ÞŒ"
WORD = rf"[{UPPER}][\w’'-]*\w"
# "Marco Rubio", "Elmendorf-Richardson", "Rus’ de Kiev" is not one (lowercase
# particle inside): particles would let sentences glue onto names.
NAME = re.compile(rf"(?<![\w-]){WORD}(?:[ \u00a0]{WORD})*(?![\w-])")


@dataclass
class Masked:
    """A text with placeholders and what each placeholder stands for."""

    text: str
    slots: dict[str, str] = field(default_factory=dict)
    #: Markup tokens glued to a word in the source ("l", "r" or "lr" side).
    glued: dict[str, str] = field(default_factory=dict)

    def add(self, original: str, restored: str | None = None) -> str:
        numbers = [int(t[2:]) for t in self.slots]
        token = f"Zx{max(numbers, default=0) + 1}"
        self.slots[token] = restored if restored is not None else original
        return token


def _replace_spans(masked: Masked, spans: list[tuple[int, int, str]],
                   spaced: frozenset[tuple[int, int]] = frozenset()) -> None:
    """Replace non-overlapping (start, end, restored) spans, left to right.

    A ``spaced`` span glued to a word gets a space on that side (the engines
    then see the word); :func:`unmask` takes it away again.
    """
    spans = sorted(spans, key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if kept and span[0] < kept[-1][1]:
            continue  # overlaps an earlier, longer-or-equal match
        kept.append(span)
    text = masked.text
    pieces, last = [], 0
    for start, end, restored in kept:
        pieces.append(text[last:start])
        token = masked.add(text[start:end], restored)
        if (start, end) in spaced:
            left = start > 0 and text[start - 1].isalnum()
            right = end < len(text) and text[end].isalnum()
            masked.glued[token] = ("l" if left else "") + ("r" if right else "")
            token = (" " if left else "") + token + (" " if right else "")
        pieces.append(token)
        last = end
    pieces.append(text[last:])
    masked.text = "".join(pieces)


def markup_spans(text: str) -> list[tuple[int, int]]:
    """Inline markup delimiters: HTML tags, Markdown emphasis, link and code.

    Each pattern runs only on a text holding the character it starts with
    (most sentences hold none: the scans were a third of masking's cost).
    """
    spans = [m.span() for pattern, mark in ((TAG, "<"), (ENTITY, "&"), (MD_CODE, "`")) if mark in text
             for m in pattern.finditer(text)]
    for m in MD_LINK.finditer(text) if "[" in text else ():
        spans += [(m.start(), m.start(1)), (m.end(1), m.end())]
    for m in MD_EMPHASIS.finditer(text) if "*" in text or "_" in text else ():
        first, second = (1, 2) if m.group(1) else (3, 4)
        spans += [(m.start(first), m.end(first)), (m.end(second), m.end())]
    return spans


def mask(
    text: str, glossary: Glossary | None = None, target: str = "", software: bool = False,
    markup: bool = True,
) -> Masked:
    """Protect URLs, e-mail addresses, glossary terms and inline markup of a source text.

    With ``software``, also printf and brace placeholders and literal symbols.
    """
    masked = Masked(text)
    marks = markup_spans(text) if markup or software else []
    spans: list[tuple[int, int, str]] = [(s, e, text[s:e]) for s, e in marks]
    if software:
        for pattern in (AUTOLINK, PRINTF, BRACE, SYMBOLS):
            spans += [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]
    if glossary is not None and target:
        spans += [(s, e, term.rendering()) for s, e, term in glossary.find(text, target)]
    if "://" in text or "www." in text:
        spans += [(m.start(), m.end(), m.group(0)) for m in URL.finditer(text)]
    if "@" in text:
        spans += [(m.start(), m.end(), m.group(0)) for m in EMAIL.finditer(text)]
    # Longest first at equal start, so a glossary term containing a URL wins.
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    _replace_spans(masked, spans, frozenset(marks))
    return masked


def name_runs(text: str, first: bool = True) -> list[str]:
    """Capitalised runs of words of ``text`` that may be names.

    Acronyms (OTAN, UE) and placeholders split runs: dictionaries translate
    acronyms (NATO, EU). A sentence's first word is capitalised for being
    first, not for being a name: alone or short ("La", "Les") it is left
    out, also after an opening quote or dash; without ``first``, always.
    """
    runs = []
    for match in NAME.finditer(text):
        parts: list[list[str]] = [[]]
        for word in _NAME_SPACE.split(match.group(0)):
            if word.isupper() or ("Zx" in word and _TOKEN_IN_WORD.search(word)):  # glued: "Zx1hereZx2"
                parts.append([])
            else:
                parts[-1].append(word)
        head = parts[0]
        if head and SENTENCE_START.search(text[:match.start()]) and (
                not first or len(head) == 1 or len(head[0]) <= 3):
            parts[0] = head[1:]
        runs += [" ".join(p) for p in parts if p]
    return runs


_NAME_SPACE = re.compile(r"[ \u00a0]")
#: What a name of several words holds: a capitalised word, a space, a capital.
_TWO_WORDS = re.compile(rf"{WORD}[ \u00a0][{UPPER}]")
_TOKEN_IN_WORD = re.compile(r"Zx\d")
SENTENCE_START = re.compile(r"(?:^|[.!?…:])[^\w]*$")


def _has(name: str, text: str) -> bool:
    """``name`` is in ``text`` as whole words: ``(?<![\\w-])name(?![\\w-])``, without a regex.

    Compiling one pattern per name cost more than the rest of name checking
    (700 names in newstest: 0.1 s); str.find and two character tests do not.
    """
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        if (at == 0 or not _word_char(text[at - 1])) and (end == len(text) or not _word_char(text[end])):
            return True
        at = text.find(name, at + 1)
    return False


def _word_char(ch: str) -> bool:
    """``[\\w-]`` of a str pattern: what ``re`` counts as a word character, or a hyphen."""
    return ch.isalnum() or ch == "_" or ch == "-"


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


def names_translated_as_words(translate: "Translate", texts: Sequence[str],
                              outputs: Sequence[str]) -> list[list[str]]:
    """Per text, the names of the input that the hop translated as common words.

    A name of several words is lost when the output kept one of its words
    and, after it, put another one's translation as a common word,
    capitalised: "Pierre Rouge" → "Pierre Rojo", "Marco Rubio" → "Marco
    Loiro" (rubio, blond), "Wall Street Journal" → "Wall Street Diari".
    Allowed forms, measured on newstest (keeping them cost far more chrF than
    it saved): a name the hop translates as a whole ("Moscou" → "Moscú"), a
    capitalised common noun alone ("l'État" → "el Estado"), a French head
    noun before a name ("Centre Brennan" → "Centro Brennan", "Musée Ralli"),
    and a sentence's first word ("Avec Bitcoin" → "Con Bitcoin").
    """
    # Only runs of several words count: a text without two capitalised words
    # in a row (most) has none, and is not scanned for names at all.
    runs = [[r for r in name_runs(t, first=False) if " " in r] if _TWO_WORDS.search(t) else [] for t in texts]
    missing = sorted({w for rs, out in zip(runs, outputs) for r in rs for w in r.split(" ")
                      if not _has(w, out)})
    if not missing:
        return [[] for _ in texts]
    as_word = {w: _capitalised(o[0].text.strip()) if o else ""
               for w, o in zip(missing, translate([w.lower() for w in missing]))}

    def lost(name: str, out: str) -> str:
        """The name from its first kept word on, if lost; else ""."""
        words = name.split(" ")
        kept = [_has(w, out) for w in words]
        if any(any(kept[:j]) and not kept[j] and as_word.get(w) not in (None, "", w)
               and _has(as_word[w], out) for j, w in enumerate(words)):
            return " ".join(words[kept.index(True):])  # "Egypte Sophie Pommier": not Egypte
        return ""

    return [[n for n in (lost(r, out) for r in rs) if n] for rs, out in zip(runs, outputs)]


def _retry_with_names_masked(translate: "Translate", texts: Sequence[str],
                             outputs: list[list[Hypothesis]], lost: Sequence[Sequence[str]]
                             ) -> list[list[Hypothesis]]:
    """Translate again the texts that lost names, those names as placeholders.

    The placeholders are numbered above the text's own and written back as
    the names right after the hop, so the next hop sees words again. A retry
    whose output lost a placeholder is dropped (the first pass stands).
    """
    retry = [i for i, names in enumerate(lost) if names]
    if not retry:
        return outputs
    masked, slots = [], []
    for i in retry:
        text, tokens = texts[i], {}
        number = max((int(t[2:]) for t in tokens_in(text)), default=0)
        for name in sorted(lost[i], key=len, reverse=True):
            number += 1
            token = f"Zx{number}"
            text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", token, text)
            tokens[token] = name
        masked.append(text)
        slots.append(tokens)
    for i, text, tokens, out in zip(retry, masked, slots, translate(masked)):
        # Taken only when the model translated the whole sentence and kept every
        # placeholder: a piece-by-piece rebuild (guard's fallback) loses the
        # sentence's context, its n-best and its score, so the first pass stands.
        if out and sorted(tokens_in(text)) == sorted(tokens_in(out[0].text)):
            outputs[i] = [Hypothesis(_write_back(h.text, tokens), h.score) for h in out]
    return outputs


def _write_back(text: str, tokens: dict[str, str]) -> str:
    for token in sorted(tokens, key=len, reverse=True):
        text = re.sub(rf"{token}(?!\d)", lambda _m, name=tokens[token]: name, text)
    return text


def keep_names(translate: "Translate", texts: Sequence[str], outputs: list[list[Hypothesis]],
               masks: Sequence[Masked]) -> list[list[Hypothesis]]:
    """After a rule-based hop: protection on demand.

    Names travel as words, so a text whose output kept its names is the
    unprotected output exactly; only a text that lost a name of its French
    source that the hop translated as a common word
    (:func:`names_translated_as_words`) is translated again with that name
    as a placeholder. A pivot language's own words ("Casa Blanca" →
    "Casa Branca") are no source name.
    """
    lost = names_translated_as_words(translate, texts, [o[0].text if o else "" for o in outputs])
    lost = [[r for r in names if _has(r, m.text)] for names, m in zip(lost, masks)]
    return _retry_with_names_masked(translate, texts, outputs, lost)


def neural_hop(translate: "Translate", texts: Sequence[str],
               masks: Sequence[Masked]) -> list[list[Hypothesis]]:
    """A neural hop: names as words (the model translates "Roma" → "Rome"),
    placeholders guarded.

    A text whose translation lost a word of a name of several words that
    the French source has ("Marco Rubio" → "Mr Rubio") is translated again
    with that name as a placeholder. A pivot language's form ("Estados
    Unidos") is no source name: the model should translate it; a name moved
    in the sentence ("l'Egypte Sophie Pommier" → "Egypte expert Sophie
    Pommier") or transliterated ("Nikolaïev" → "Nikolaev") is kept.
    """
    outputs = guard(translate, texts)
    lost = [[r for r in name_runs(text) if " " in r and _has(r, m.text)
             and not _words_kept(r, out[0].text if out else "")]
            for text, m, out in zip(texts, masks, outputs)]
    return _retry_with_names_masked(translate, texts, outputs, lost)


def _words_kept(name: str, output: str) -> bool:
    """Each word of the name is in the output, or a close spelling of it."""
    words = re.findall(r"[\w'’-]+", output)
    return all(_has(w, output) or difflib.get_close_matches(w, words, n=1, cutoff=0.85)
               for w in name.split(" "))


def tokens_in(text: str) -> list[str]:
    """The placeholders of a text, in order."""
    return re.findall(r"Zx\d+", text)  # glued ones too: "Zx1hereZx2"


Translate = Callable[[list[str]], list[list[Hypothesis]]]


def guard(translate: Translate, texts: Sequence[str]) -> list[list[Hypothesis]]:
    """Translate ``texts``; one whose best output lost a placeholder (or
    gained one) is translated again piece by piece between its placeholders.

    The pieces lose the context of the whole sentence, so this is only the
    fallback for the few texts a model mangled; their n-best is the one
    rebuilt text.
    """
    outputs = translate(list(texts))
    bad = [i for i, (text, out) in enumerate(zip(texts, outputs))
           if _tokens_differ(text, out[0].text if out else "")]
    if not bad:
        return outputs
    pieces = {i: re.split(r"(\s*Zx\d+\s*)", texts[i]) for i in bad}
    todo = sorted({p for parts in pieces.values() for p in parts[0::2] if p.strip()})
    done = dict(zip(todo, (o[0].text if o else "" for o in translate(todo)))) if todo else {}
    for i, parts in pieces.items():
        rebuilt = "".join(done.get(p, p) if k % 2 == 0 else p for k, p in enumerate(parts))
        outputs[i] = [Hypothesis(rebuilt, None)]
    return outputs


def _tokens_differ(text: str, output: str) -> bool:
    """The output lost or gained a placeholder (texts without any: no regex run)."""
    if "Zx" not in text and "Zx" not in output:
        return False
    return sorted(tokens_in(text)) != sorted(tokens_in(output))


def unmask(text: str, masked: Masked) -> tuple[str, list[str]]:
    """Put protected spans back; return the text and the spans the MT lost.

    Tokens are replaced longest first and without word boundaries, since a
    placeholder may be glued to text (``<b>Yes</b>`` → ``Zx1YesZx2``).
    """
    if not masked.slots:
        return text, []
    for token, glue in masked.glued.items():  # the spaces mask() added
        if "l" in glue:
            text = re.sub(rf"[ \u00a0]*{token}(?!\d)", token, text)
        if "r" in glue:
            text = re.sub(rf"{token}(?!\d)[ \u00a0]*", token, text)
    tokens = sorted(masked.slots, key=len, reverse=True)
    pattern = re.compile("(?:" + "|".join(re.escape(t) for t in tokens) + r")(?!\d)")
    seen: set[str] = set()

    def restore(match: re.Match[str]) -> str:
        seen.add(match.group(0))
        return masked.slots[match.group(0)]

    restored = pattern.sub(restore, text)
    lost = [value for token, value in masked.slots.items() if token not in seen]
    return restored, lost
