"""Keep names, URLs and glossary terms intact across every hop of a route.

Protected spans are replaced by placeholders before a hop and put back
after the last one. Placeholders look like ``Zx1``: short capitalised
nonsense that Apertium passes through as an unknown word and that the
Bergamot/Marian models copy as a name (both checked in the tests). Glossary
terms come back as the target language's forced translation.

Names are found without a name list, by what the engines do: a capitalised
sequence (not an acronym) that a hop *copied unchanged* from its input to
its output is a name the engine chose not to translate ("Marco Rubio",
"Sergueï Lavrov"). It is frozen from then on, so a later hop cannot turn
"Rubio" into "Loiro" (Portuguese for blond) and then "Blond". Names the
first hop *did* translate with its own dictionary ("Poutine" → "Putin",
"Moscou" → "Moscú") are left to the next hops, which know them too.

Frozen names are *released* (written back as words) just before a neural
hop (Bergamot, Argos): a neural model translates a name it sees ("Roma" →
"Rome", "Tíbet" → "Tibet") and keeps the sentence fluent, while every
placeholder it is given is one more it may drop. A sentence whose
translation lost a released name of several words ("Marco Rubio" → "Mr
Rubio") is translated again with its names as placeholders
(:func:`neural_hop`). Measured on newstest2013 by bench/measure_quality.py,
with and without protection (see the README).

Around every hop, :func:`guard` checks that each placeholder came through;
a text that lost one is translated again piece by piece between its
placeholders, so a URL, a printf placeholder or a literal ``<`` can never
be dropped or changed by a model.
"""

from __future__ import annotations

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
    #: Tokens that stand for names a hop copied (see :func:`freeze`).
    names: set[str] = field(default_factory=set)
    #: Name tokens written back as words before a neural hop.
    released: set[str] = field(default_factory=set)
    #: Markup tokens glued to a word in the source ("l", "r" or "lr" side).
    glued: dict[str, str] = field(default_factory=dict)

    def add(self, original: str, restored: str | None = None) -> str:
        numbers = [int(t[2:]) for t in (*self.slots, *self.released)]
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
    """Inline markup delimiters: HTML tags, Markdown emphasis, link and code."""
    spans = [m.span() for pattern in (TAG, ENTITY, MD_CODE) for m in pattern.finditer(text)]
    for m in MD_LINK.finditer(text):
        spans += [(m.start(), m.start(1)), (m.end(1), m.end())]
    for m in MD_EMPHASIS.finditer(text):
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
    spans += [(m.start(), m.end(), m.group(0)) for m in URL.finditer(text)]
    spans += [(m.start(), m.end(), m.group(0)) for m in EMAIL.finditer(text)]
    # Longest first at equal start, so a glossary term containing a URL wins.
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    _replace_spans(masked, spans, frozenset(marks))
    return masked


def copied_names(before: str, after: str) -> list[str]:
    """Capitalised sequences of ``after`` that appear verbatim in ``before``.

    Acronyms (OTAN, UE) split sequences and are left out: dictionaries
    translate them (NATO, EU). At the start of a sentence a short first
    word (La, El, Le) is capitalised for being first, not for being a name.
    """
    names = []
    for match in NAME.finditer(after):
        words = re.split(r"[ \u00a0]", match.group(0))
        runs: list[list[str]] = [[]]
        for word in words:
            if word.isupper() or re.search(r"Zx\d", word):  # glued: "Zx1hereZx2"
                runs.append([])
            else:
                runs[-1].append(word)
        if match.start() == 0 and runs[0] and (len(runs[0]) == 1 or len(runs[0][0]) <= 3):
            runs[0] = runs[0][1:]
        plain = before.replace("\u00a0", " ")
        for run in runs:
            for name in _copied_subruns(run, plain):
                # One word cut from a longer name ("Casa" of "Casa Branca")
                # counts only if it stands alone in the input as well.
                if " " in name or len(run) == 1 or name in _whole_runs(plain):
                    names.append(name)
    return names


def _whole_runs(text: str) -> set[str]:
    return {m.group(0) for m in NAME.finditer(text)}


def _copied_subruns(run: list[str], before: str) -> list[str]:
    """Longest contiguous pieces of a run of words found verbatim in ``before``.

    "Estado Marco Rubio" (Spanish output) yields "Marco Rubio" when the
    French input said "État Marco Rubio".
    """
    found, start = [], 0
    while start < len(run):
        for end in range(len(run), start, -1):
            name = " ".join(run[start:end])
            if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", before):
                found.append(name)
                start = end
                break
        else:
            start += 1
    return found


def freeze(masked: Masked, translated: str, before: str) -> str:
    """Replace names the hop copied by placeholders, for the next hops."""
    names = sorted(set(copied_names(before, translated)), key=len, reverse=True)
    if not names:
        return translated
    pattern = re.compile(
        rf"(?<![\w-])(?:{'|'.join(re.escape(n) for n in names)})(?![\w-])"
    )
    tokens: dict[str, str] = {}

    def substitute(match: re.Match[str]) -> str:
        name = match.group(0)
        if name not in tokens:
            tokens[name] = masked.add(name)
            masked.names.add(tokens[name])
        return tokens[name]

    return pattern.sub(substitute, translated)


def release_names(masked: Masked, text: str) -> str:
    """Write the frozen names of ``text`` back as words, for a neural hop."""
    tokens = sorted(masked.names, key=len, reverse=True)
    if not tokens:
        return text
    pattern = re.compile(rf"(?:{'|'.join(re.escape(t) for t in tokens)})(?!\d)")
    text = pattern.sub(lambda m: masked.slots[m.group(0)], text)
    for token in tokens:
        masked.released.add(token)
        del masked.slots[token]
    masked.names.clear()
    return text


def neural_hop(translate: "Translate", texts: Sequence[str],
               masks: Sequence[Masked]) -> list[list[Hypothesis]]:
    """A neural hop: names released, placeholders guarded.

    A text whose translation lost a released name of several words that
    the source has ("Marco Rubio" → "Mr Rubio") is translated again with
    its names kept as placeholders, the way they came through the
    rule-based hops. A pivot language's form ("Estados Unidos") is no
    source name: the model should translate it.
    """
    saved = [(dict(m.slots), set(m.names), set(m.released)) for m in masks]
    outputs = guard(translate, [release_names(m, t) for m, t in zip(masks, texts)])
    retry = [i for i, out in enumerate(outputs)
             if any(_lost_source_name(saved[i][0][t], masks[i].text, out[0].text) for t in saved[i][1])]
    if retry:
        again = guard(translate, [texts[i] for i in retry])
        for i, out in zip(retry, again):
            masks[i].slots, masks[i].names, masks[i].released = saved[i]
            outputs[i] = out
    return outputs


def _lost_source_name(name: str, source: str, output: str) -> bool:
    return bool(re.search(r"[ \u00a0]", name)) and name in source and name not in output


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
           if sorted(tokens_in(text)) != sorted(tokens_in(out[0].text if out else ""))]
    if not bad:
        return outputs
    pieces = {i: re.split(r"(\s*Zx\d+\s*)", texts[i]) for i in bad}
    todo = sorted({p for parts in pieces.values() for p in parts[0::2] if p.strip()})
    done = dict(zip(todo, (o[0].text if o else "" for o in translate(todo)))) if todo else {}
    for i, parts in pieces.items():
        rebuilt = "".join(done.get(p, p) if k % 2 == 0 else p for k, p in enumerate(parts))
        outputs[i] = [Hypothesis(rebuilt, None)]
    return outputs


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
