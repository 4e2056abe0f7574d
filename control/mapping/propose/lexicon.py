"""Words and concepts: how the proposer reads a field name like ``cust_ph_no`` or ``BillingPostalCode``.

A name is split into lower-case **words** (:func:`words`: ``camelCase``, ``snake_case``, dots, spaces and
digits all separate; ``__c`` and the ``custom_fields.`` prefix are dropped), abbreviations are expanded
(``ph`` → ``phone``, ``no``/``nbr``/``num`` → ``number``, ``addr`` → ``address``), and each word is mapped
to a **concept**: a synonym group of the field-service / CRM vocabulary (``zip``, ``postcode`` and
``postal`` are one concept; ``client``, ``customer`` and ``account`` another). Two names that share
concepts mean the same thing even when no letter is shared (``zip`` ↔ ``PostalCode``).

Clipped words are spelled out when one reading wins (``clnt`` → client, ``dpt`` → department, ``warr`` →
warranty; ``int`` stays: internal or intake). Beside reading names: vendor prefixes (``hs_``), second street
lines (``line2``) and how legible a name is.

The words themselves are data in :mod:`control.mapping.propose.vocabulary`. Object concepts
(:data:`OBJECT_CONCEPTS`) say which Salesforce object a resource name suggests.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from control.mapping.propose.vocabulary import (
    ABBREVIATIONS as _ABBREVIATIONS,
    ADDRESS_PARTS as _ADDRESS_PARTS,
    ADDRESS_QUALIFIERS,
    COMPOUNDS as _COMPOUNDS,
    EXTRA_VOCABULARY as _EXTRA_VOCABULARY,
    GROUPS as _GROUPS,
    OBJECT_CONCEPTS,
    PRIMARY_ADDRESS,
    STOP_WORDS,
)

__all__ = ["words", "concepts", "concept_of", "expand", "STOP_WORDS", "OBJECT_CONCEPTS", "phrase",
           "ADDRESS_QUALIFIERS", "PRIMARY_ADDRESS", "vendor_prefixes", "strip_prefix",
           "second_line", "second_line_stem", "legibility"]

_CONCEPT: dict[str, str] = {}
for _group in _GROUPS:
    for _word in _group:
        _CONCEPT.setdefault(_word, _group[0])

_SPLIT = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+|#")

_VOCABULARY: frozenset[str] = frozenset(
    {w for g in _GROUPS for part in g for w in part.split("_") if len(w) >= 2}
    | {w for pair in _ABBREVIATIONS.items() for w in pair if len(w) >= 3}
    | {w for w in STOP_WORDS if len(w) >= 2} | _EXTRA_VOCABULARY)
# words a clipped token may stand for (letters only, 3+), by first letter
_CLIP_TARGETS: dict[str, tuple[str, ...]] = {}
for _w in sorted({w for g in _GROUPS for part in g for w in part.split("_")} | set(_ABBREVIATIONS.values())
                 | _EXTRA_VOCABULARY):
    if not _w.isalpha() or len(_w) < 3 or _w in STOP_WORDS:
        continue
    _CLIP_TARGETS[_w[0]] = (*_CLIP_TARGETS.get(_w[0], ()), _w)


@lru_cache(maxsize=65536)
def _segment(token: str) -> tuple[str, ...]:
    """A glued lower-case token split into known words (fewest pieces), or the token itself."""
    if len(token) < 6 or token in _VOCABULARY or token in _ABBREVIATIONS:
        return (token,)
    best: list[tuple[str, ...] | None] = [()] + [None] * len(token)
    for end in range(1, len(token) + 1):
        for start in range(max(0, end - 16), end):
            piece = token[start:end]
            prefix = best[start]
            if prefix is not None and (piece in _VOCABULARY) and len(piece) >= 2:
                candidate = (*prefix, piece)
                if best[end] is None or len(candidate) < len(best[end]):  # type: ignore[arg-type]
                    best[end] = candidate
    found = best[len(token)]
    return found if found and len(found) > 1 else (token,)


_VOWELS = frozenset("aeiou")


@lru_cache(maxsize=65536)
def _unclip(token: str) -> str:
    """A clipped word spelled out, when the vocabulary has one best reading. Two kinds of clipping:

    * vowels dropped (no vowel after the first letter): the token is aligned with each word's consonant
      skeleton (``department`` → ``dprtmnt``); fewest skipped consonants, then the shortest rest, wins
      (``clnt`` → client, ``cty`` → city, ``dpt`` → department, ``src`` → source, ``cnt`` → count);
    * the end cut off (``warr`` → warranty, ``ind`` → industry): taken only when every word it could
      start means the same.

    Known words, digits and ties between different meanings stay as they are."""
    if len(token) < 2 or len(token) > 6 or not token.isalpha() or token in _VOCABULARY or token in _CONCEPT:
        return token
    candidates = _CLIP_TARGETS.get(token[0], ())
    if token[0] in _VOWELS and len({_meaning(w) for w in candidates if w.startswith(token)}) > 1:
        return token  # int: internal, intake… a cut-off word with several endings
    if not set(token[1:]) & _VOWELS:
        short = _skeleton(token)
        ranked = sorted((fit, word) for word in candidates if len(word) > len(token)
                        for fit in [_align(short, _skeleton(word))] if fit is not None)
        if not ranked:
            return token
        if len(ranked) > 1 and ranked[0][0] == ranked[1][0] and _meaning(ranked[0][1]) != _meaning(ranked[1][1]):
            return token
        return ranked[0][1]
    if len(token) < 3:
        return token
    starts = [word for word in candidates if len(word) >= len(token) + 3 and word.startswith(token)]
    if not starts or len({_meaning(w) for w in starts}) > 1:
        return token
    return min(starts, key=lambda w: (len(w), w))


def _meaning(word: str) -> str:
    return concept_of(_ABBREVIATIONS.get(word, word))


def _skeleton(word: str) -> str:
    """First letter and the consonants after it, doubled letters once: ``address`` → ``adrs``."""
    out = word[0]
    for ch in word[1:]:
        if ch not in _VOWELS and ch != out[-1]:
            out += ch
    return out


def _align(short: str, skeleton: str) -> tuple[int, int] | None:
    """Leftmost alignment of ``short`` inside ``skeleton``: (consonants skipped, consonants left over)."""
    at, skipped = 0, 0
    for ch in short:
        found = skeleton.find(ch, at)
        if found < 0:
            return None
        skipped += found - at
        at = found + 1
    return skipped, len(skeleton) - at


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[str, ...]:
    """Lower-case words of a field or object name, abbreviations expanded, stop words and digits dropped."""
    text = text.removeprefix("custom_fields.").removesuffix("__c").removesuffix("__r")
    out: list[str] = []
    for raw in _SPLIT.findall(text):
        if raw.isdigit():
            continue
        for piece in _segment(raw.lower()):
            if piece == "of":
                continue
            word = _ABBREVIATIONS.get(piece) or _unclip(piece)
            word = _ABBREVIATIONS.get(word, word)
            pair = (out[-1], word) if out else None
            if pair is not None and pair not in _COMPOUNDS and len(word) > 3 and word.endswith("s"):
                pair = (out[-1], word[:-1])  # work orders: a plural compound
            if pair is not None and pair in _COMPOUNDS:
                out[-1] = _COMPOUNDS[pair]
                continue
            out.append(word)
    return tuple(w for w in out if w not in STOP_WORDS)


def expand(text: str) -> str:
    """The words of ``text`` joined by spaces (what the string-similarity scorer compares)."""
    return " ".join(words(text))


def concept_of(word: str) -> str:
    """The concept a word stands for (itself when the lexicon does not know it); plural ``s`` folded."""
    found = _CONCEPT.get(word)
    if found is None and len(word) > 3 and word.endswith("s"):
        found = _CONCEPT.get(word[:-1])
    return found or (word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)


@lru_cache(maxsize=65536)
def concepts(text: str) -> frozenset[str]:
    """The set of concepts a name carries (``address`` only when nothing more precise is there)."""
    found = {concept_of(w) for w in words(text)}
    if "address" in found:  # the street, unless a more precise part of the address is named
        found.discard("address")
        if not found & _ADDRESS_PARTS:
            found.add("street")
    if "number" in found and found & ADDRESS_QUALIFIERS and "code" in words(text):
        found = (found - {"number"}) | {"zip"}  # "Billing Code": the postal code of that address
    return frozenset(found)


def phrase(text: str) -> str:
    """A readable label from a name: ``billing_address.postal_code`` → ``billing address postal code``."""
    parts = _SPLIT.findall(text.removeprefix("custom_fields.").removesuffix("__c"))
    return " ".join(p.lower() for p in parts if not p.isdigit()) or text


_LEADING = re.compile(r"^([A-Za-z]{1,3})[_ .-]+(?=\w)")


def vendor_prefixes(names: Iterable[str], *, at_least: int = 3) -> frozenset[str]:
    """Short leading tokens that are noise: a product's marker on its own fields (``hs_``, ``zd_``, ``fs_``),
    neither a word nor an abbreviation the lexicon knows, leading at least ``at_least`` of ``names``."""
    counts: dict[str, int] = {}
    for name in names:
        found = _LEADING.match(name)
        if found:
            token = found.group(1).lower()
            counts[token] = counts.get(token, 0) + 1
    return frozenset(t for t, n in counts.items() if n >= at_least and t not in _VOCABULARY
                     and t not in _ABBREVIATIONS and t not in _CONCEPT and t not in STOP_WORDS)


def strip_prefix(name: str, prefixes: frozenset[str]) -> str:
    """``name`` without a leading vendor prefix (when what is left still says something)."""
    found = _LEADING.match(name)
    if found and found.group(1).lower() in prefixes:
        return name[found.end():]
    return name


_SECOND_LINE = re.compile(r"(?:line|address|addr|adr|street|str)[\s_.-]*(?:2|two|ii)$", re.IGNORECASE)


def second_line(name: str) -> bool:
    """Whether a name is an address's second street line (``line2``, ``address_line_2``, ``Addr 2``)."""
    return bool(_SECOND_LINE.search(name.removeprefix("custom_fields.").rsplit(".", 1)[-1].strip()))


def second_line_stem(name: str) -> str:
    """A street-line name without its line number, lower case: ``Ship Address 2`` → ``ship address``."""
    stem = re.sub(r"(?i)[\s_.-]*(?:line)?[\s_.-]*(?:1|2|one|two|ii|i)$", "", name.rsplit(".", 1)[-1].strip())
    return stem.lower()


@lru_cache(maxsize=65536)
def legibility(text: str) -> float:
    """The share of a name's tokens that read as words: known to the lexicon (words, abbreviations, clips it
    can spell out) or plain words (a vowel, four letters or more). ``Gate Code`` → 1.0, ``tsk_nts`` → 1.0
    (task notes), ``x7_qz`` → 0.0. A name the lexicon cannot read is weak evidence that no field fits."""
    tokens = [t.lower() for t in _SPLIT.findall(text.removeprefix("custom_fields.").removesuffix("__c"))
              if not t.isdigit()]
    if not tokens:
        return 0.0
    known = 0
    for token in tokens:
        spelled = _ABBREVIATIONS.get(token) or _unclip(token)
        if token in STOP_WORDS:
            continue
        if token in _VOCABULARY or token in _CONCEPT or token in _ABBREVIATIONS or spelled != token or (
                len(token) >= 4 and set(token) & _VOWELS):
            known += 1
    return known / len(tokens)
