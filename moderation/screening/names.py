"""Names of people in free text, by rules and gazetteers of names.

No statistical model: every span can be explained to a moderator ("a title
and a capitalised word", "a given name of Faker's lists", "the word after 'my
therapist'"). The evidence, strongest first:

- a title: "Dr. Vance", "Ms. Okoro", "Sra. Gil", and Faker's titles of every
  locale ("Sig.ra", "Alhaji", "pani");
- a role word or a lead-in: "my therapist Jenna", "thanks to Marcus",
  "I'm Karen Li", "ask for Bree";
- a given name of any locale Faker ships (`gazetteers.py`), in any case
  ("tasha", "VIKTOR"). Names that are also words need more: common words
  ("Grace", "Will", "Nur") count capitalised in the middle of a sentence or
  before a surname; rarer dictionary words ("Amparo") only capitalised;
- a known family name after an unknown capitalised word ("Zhiwei Wang"), or
  first ("Wang Xiulan");
- a capitalised word listed right after a found name ("Omid and Parisa");
- the author's own name from the submission form.

A found name grows to the right over capitalised words (surnames, particles
such as "de la" or "Ó", an initial "K."), never across punctuation, and
over a degree after it ("PhD", "B.Sc."). The word lists and tables this
evidence comes from are in `name_evidence.py`.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from moderation.screening import gazetteers
from moderation.screening.gazetteers import fold
from moderation.screening.name_evidence import (
    AFTER_NOT_PERSON,
    AND_WORDS,
    GAELIC,
    GERMAN_ARTICLE_PREPOSITIONS,
    GERMAN_DETERMINERS,
    LEAD_INS,
    NOUN_ENDINGS,
    PARTICLES,
    PERSON_ACTS,
    PLACE_LEAD,
    PLACE_NAMES,
    QUESTION_WORDS,
    ROLE_AFTER,
    ROLE_WORDS,
    STREET_BEFORE,
    STRONG_INTRO,
    TITLE_BEFORE,
    TITLE_TAILS,
    TITLES,
    TITLES_NEEDING_CAPITALS,
    TITLES_NEEDING_DOT,
    WEAK_INTRO,
    company_after,
    family_names,
    given_names,
    name_suffix,
    not_names,
    place_given_names,
    prefix_before,
    rare_word_names,
    street_types_after,
    street_types_before,
    word_names,
    words_first,
)

# A word: letters, with inner apostrophes or hyphens ("O'Brien", "Ortiz-Baker").
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def folded(self) -> str:
        return fold(self.text)

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def shouting(self) -> bool:
        return len(self.text) > 1 and self.text.isupper()


@dataclass(frozen=True)
class NameSpan:
    start: int
    end: int
    reason: str


# A social handle ("@migraine_warrior_kat") is not a name, nor is a word of it.
_HANDLE = re.compile(r"(?<![\w.])@\w+|\w*_\w+")


def _tokens(text: str) -> list[Token]:
    handles = [m.span() for m in _HANDLE.finditer(text)]
    return [
        Token(m.group(0), m.start(), m.end())
        for m in _WORD.finditer(text)
        if not any(start <= m.start() < end for start, end in handles)
    ]


def _sentence_initial(text: str, token: Token) -> bool:
    before = text[: token.start].rstrip(" \t\"'“‘(*-—–")
    return not before or before[-1] in ".!?\n:;¡¿…"


def _looks_like_name_word(token: Token) -> bool:
    """Could this word be part of a name on its own evidence (capitals)?"""
    folded = token.folded
    if folded in not_names() or len(folded) < 2:
        return False
    if token.shouting and len(token.text) <= 4 and not _is_given(token):
        return False  # PT, MRI, ACL, SEO
    return token.capitalised


def _is_given(token: Token) -> bool:
    """A listed given name; a hyphenated one ("Hyun-woo", "Jean-Luc",
    "Mei-Ling") when its joined form is listed or, capitalised, its first part."""
    folded = token.folded
    if folded in given_names():
        return True
    if folded in rare_word_names() or folded in place_given_names():
        return token.capitalised and not token.shouting
    if "-" not in folded:
        return False
    if folded.replace("-", "") in given_names():
        return True
    first, second = token.text.split("-", 1)
    if not token.capitalised:
        return False
    # "Jean" alone is also a word; "Jean-Luc" with its capital L is not.
    return fold(first) in given_names() or (
        second[:1].isupper() and fold(first) in word_names() and fold(second) in given_names()
    )


def _known_name(token: Token) -> bool:
    return _is_given(token) or token.folded in word_names()


def _surname_candidate(text: str, prev: Token, token: Token) -> bool:
    if text[prev.end : token.start] not in (" ", "\u00a0"):
        return False
    folded = token.folded
    if folded in AFTER_NOT_PERSON or folded in not_names():
        return False
    if folded in street_types_after() or folded in gazetteers.place_affixes():
        return False  # "Brown Cove", "Marie Ville": a street or a place
    if token.shouting and len(token.text) <= 4 and not _known_name(token):
        return False
    if token.capitalised:
        return True
    # "john smith": a lower-case name goes on over a lower-case family name.
    return prev.text.islower() and token.text.islower() and folded in gazetteers.family_names()


def _extend(text: str, tokens: Sequence[Token], index: int) -> int:
    """Index of the last token of the name that starts at `index`."""
    last = index
    steps = 0
    i = index + 1
    while i < len(tokens) and steps < 3:
        token = tokens[i]
        gap = text[tokens[last].end : token.start]
        # Gaelic particles: "Lawrence Ó Hainchín", "Dean Mac an Mháistir".
        if gap == " " and token.text in GAELIC and i + 1 < len(tokens):
            following = tokens[i + 1]
            if text[token.end : following.start] == " " and following.capitalised:
                last, i, steps = i + 1, i + 2, steps + 1
                continue
        # An initial: "Brad K." or "John Q. Public".
        if gap == " " and len(token.text) == 1 and token.text.isupper():
            if text[token.end : token.end + 1] == ".":
                last, i, steps = i, i + 1, steps + 1
                continue
            break
        if gap == " " and token.text in ("Jr", "Sr", "II", "III"):
            last, i, steps = i, i + 1, steps + 1
            break
        if gap == " " and (token.folded in PARTICLES or token.text == "an") and i + 1 < len(tokens):
            following = tokens[i + 1]
            if (
                text[token.end : following.start] == " "
                and following.capitalised
                and following.folded not in not_names()
            ):
                last, i, steps = i + 1, i + 2, steps + 2
                continue
            break
        if gap.startswith(". ") and len(tokens[last].text) == 1:
            gap = gap[1:]  # after an initial
        if gap == " " and _surname_candidate(text, tokens[i - 1], token):
            last, i, steps = i, i + 1, steps + 1
            continue
        break
    return last


def _span_end(text: str, tokens: Sequence[Token], last: int) -> int:
    end = tokens[last].end
    short = len(tokens[last].text) == 1 or tokens[last].text in ("Jr", "Sr")
    if short and text[end : end + 1] == ".":
        end += 1
    return end


def _followed_by_organisation(text: str, tokens: Sequence[Token], last: int) -> bool:
    if last + 1 >= len(tokens):
        return False
    nxt = tokens[last + 1]
    gap = text[tokens[last].end : nxt.start]
    if company_after().match(text, tokens[last].end):
        return True
    if gap in (" ", "'s ", "’s ", "s "):
        return (
            nxt.folded in AFTER_NOT_PERSON
            or nxt.folded in street_types_after()
            or nxt.folded in gazetteers.place_affixes()
        )
    return False


def _place_word_at(tokens: Sequence[Token], i: int) -> bool:
    """ "North Lynnmouth", "am Kiefer": a place or a German noun, not a person."""
    before = tokens[i - 1].folded if i > 0 else ""
    return tokens[i].folded in gazetteers.place_affixes() or before in GERMAN_ARTICLE_PREPOSITIONS


def _title_at(text: str, tokens: Sequence[Token], i: int) -> bool:
    """Is token i a title followed by a name ("Dr. Vance", "Ms Okoro")?"""
    token = tokens[i]
    if token.folded not in TITLES or i + 1 >= len(tokens):
        return False
    head = TITLE_TAILS.get(token.folded)
    if head and not (
        i > 0 and tokens[i - 1].folded == head and text[tokens[i - 1].end : token.start] == "."
    ):
        return False  # only the "ra" of "Sig.ra", the "ssa" of "Dott.ssa"
    nxt = tokens[i + 1]
    gap = text[token.end : nxt.start]
    if gap not in (" ", ". ", ".", "\u00a0", ".\u00a0"):
        return False
    if token.folded in TITLES_NEEDING_DOT and not (
        gap.startswith(".") and token.capitalised and nxt.capitalised and len(nxt.folded) >= 2
    ):
        return False
    if gap.startswith(".") and token.folded in ("doctor", "professor", "nurse", "coach"):
        return False
    if token.folded in TITLES_NEEDING_CAPITALS and not token.capitalised:
        return False
    if nxt.folded in not_names() or nxt.folded in AFTER_NOT_PERSON:
        return False
    if nxt.shouting and len(nxt.text) <= 3 and not _known_name(nxt):
        return False
    return nxt.capitalised or _is_given(nxt)


def _context_before(text: str, token: Token) -> str:
    return text[max(0, token.start - 40) : token.start]


def _role_before(tokens: Sequence[Token], text: str, i: int) -> bool:
    if i == 0:
        return False
    prev = tokens[i - 1]
    gap = text[prev.end : tokens[i].start]
    if gap.strip(" ,:") or "\n" in gap:
        return False
    if prev.folded in ROLE_WORDS:
        # "my therapist Jenna", "the clinic manager, Sheila Tate" — not "PT Jenna"
        # at a sentence start where PT is the subject; after a comma only a
        # known name ("Therapeutin, Massage hilft" is German for a noun).
        if "," in gap and not _known_name(tokens[i]):
            return False
        return not (prev.folded == "pt" and prev.text == "PT" and i == 1)
    return False


def _place_after(text: str, tokens: Sequence[Token], i: int) -> bool:
    """ "Grace at the desk": a place at the clinic, not "Skip the surgeon"."""
    return bool(
        re.match(
            r"\s+(?:at|from|on|alla|am|en|à|na|no)\b", text[tokens[i].end : tokens[i].end + 10]
        )
    )


def _role_after(text: str, tokens: Sequence[Token], i: int) -> bool:
    return bool(ROLE_AFTER.match(text[tokens[i].end : tokens[i].end + 40]))


def find_names(text: str, author_name: str | None = None) -> list[NameSpan]:
    tokens = _tokens(text)
    author_words = _author_words(author_name)
    headline = _headline_tokens(text, tokens)
    spans: list[NameSpan] = []
    i = 0
    while i < len(tokens):
        found = _name_at(text, tokens, i, author_words, i in headline)
        if found is None:
            i += 1
            continue
        start_index, reason = found
        last = _extend(text, tokens, i + 1 if reason == "title" else i)
        if _followed_by_organisation(text, tokens, last) and reason not in ("title", "intro"):
            i = last + 1
            continue
        spans.append(
            NameSpan(tokens[start_index].start, _span_end(text, tokens, last), reason=reason)
        )
        i = last + 1
        while (joined := _coordinated_name(text, tokens, i)) is not None:
            last = _extend(text, tokens, joined)
            spans.append(NameSpan(tokens[joined].start, _span_end(text, tokens, last), "listed"))
            i = last + 1
    spans = _with_script_names(text, tokens, spans)
    return _with_prefixes_and_suffixes(text, spans)


# Letters of scripts without capitals: Hebrew, Arabic, Indic, Thai, Georgian,
# Hangul, kana and Han, with their combining marks.
_CASELESS_RUN = re.compile(
    "[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u0900-\u0dff\u0e00-\u0e7f\u10a0-\u10ff"
    "\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+"
    "(?:[ \u00a0][\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u0900-\u0dff\u0e00-\u0e7f"
    "\u10a0-\u10ff\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+)?"
)
_LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿĀ-ž]")


def _with_script_names(text: str, tokens: Sequence[Token], spans: list[NameSpan]) -> list[NameSpan]:
    """In a story written in Latin letters, a word or two in a script without
    capitals ("岡本 加奈", "우수민", "สิรวัฒน์", "بنو معقل") is a name: patients
    write the names of people, not prose, in another script. A title just
    before it goes with it ("Dr. ალადაშვილი")."""
    runs = list(_CASELESS_RUN.finditer(text))
    if not runs:
        return spans
    other = sum(len(run.group(0).replace(" ", "")) for run in runs)
    if len(_LATIN_LETTER.findall(text)) < other:
        return spans  # the story itself is in that script
    found = list(spans)
    for run in runs:
        start, end = run.span()
        if any(span.start < end and start < span.end for span in found):
            continue
        title = TITLE_BEFORE.search(text, max(0, start - 16), start)
        if title is not None:
            start = title.start()
            found = [span for span in found if not (title.start() <= span.start < run.start())]
        found.append(NameSpan(start, end, "script"))
    return sorted(found, key=lambda span: span.start)


_SUFFIX_GAP = re.compile(r",?[ \u00a0]+")


def _with_prefixes_and_suffixes(text: str, spans: list[NameSpan]) -> list[NameSpan]:
    """Grow each name over a title before it ("Sig.ra", "pani", "Alhaji") and
    a degree or generation after it ("PhD", ", S.Psi", "B.Sc.")."""
    grown: list[NameSpan] = []
    for index, span in enumerate(spans):
        start, end = span.start, span.end
        before = prefix_before().search(text, max(0, start - 40), start)
        if before is not None:
            if grown and grown[-1].start >= before.start():
                grown.pop()  # "Sig" of "Sig.ra" was taken for a name
            if not grown or grown[-1].end <= before.start():
                start = before.start()
        ceiling = spans[index + 1].start if index + 1 < len(spans) else len(text)
        gap = _SUFFIX_GAP.match(text, end, ceiling)
        after = name_suffix().match(text, gap.end(), ceiling) if gap else None
        if after is None and re.search(r" [A-Z]\.$", text[start:end]):
            # "Langern B." took the start of "B.Sc." for an initial.
            after = name_suffix().match(text, end - 2, ceiling)
        if after is not None and after.end() > end:
            end = after.end()
        grown.append(NameSpan(start, end, span.reason))
    return grown


def _coordinated_name(text: str, tokens: Sequence[Token], i: int) -> int | None:
    """Index of a name listed right after a found one ("Omid and Parisa",
    "Ana, Bruno"): a capitalised word that no list calls a word."""
    if i >= len(tokens):
        return None
    gap = text[tokens[i - 1].end : tokens[i].start]
    index = i
    if gap.strip() not in (",", "&"):
        if gap != " " or tokens[i].folded not in AND_WORDS or i + 1 >= len(tokens):
            return None
        if text[tokens[i].end : tokens[i + 1].start] != " ":
            return None
        index = i + 1
    token = tokens[index]
    folded = token.folded
    if not token.capitalised or token.shouting or len(folded) < 3:
        return None
    if folded in not_names() or folded in word_names() or folded in AFTER_NOT_PERSON:
        return None
    if folded in rare_word_names() and not _is_given(token):
        return None
    if index == i and not (_is_given(token) or folded in family_names()):
        # After a comma an unknown word only inside a list ("Khadija, Farhad and
        # Zeynep"), not "Kwame Mensah, Patient seit letztem Jahr".
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        between = text[token.end : following.start] if following else ""
        if following is None or not (between.strip() == "," or following.folded in AND_WORDS):
            return None
    return index


def _headline_tokens(text: str, tokens: Sequence[Token]) -> frozenset[int]:
    """Tokens of sentences Written Like A Headline: there a capital letter says
    nothing about a name."""
    headline: set[int] = set()
    sentence: list[int] = []
    for index in range(len(tokens) + 1):
        ends = index == len(tokens) or (
            index > 0 and re.search(r"[.!?\n]", text[tokens[index - 1].end : tokens[index].start])
        )
        if ends and sentence:
            # Everyday words ("Be", "To", "Clinic") written with capitals.
            everyday = [tokens[k] for k in sentence[1:] if tokens[k].folded in not_names()]
            capitals = sum(token.capitalised for token in everyday)
            rest = [tokens[k] for k in sentence[1:]]
            if (len(everyday) >= 2 and capitals >= 0.6 * len(everyday)) or (
                len(rest) >= 4 and sum(token.capitalised for token in rest) >= 0.8 * len(rest)
            ):
                headline.update(sentence)
            sentence = []
        if index < len(tokens):
            sentence.append(index)
    return frozenset(headline)


def _name_at(
    text: str,
    tokens: Sequence[Token],
    i: int,
    author_words: frozenset[str],
    headline: bool = False,
) -> tuple[int, str] | None:
    token = tokens[i]
    folded = token.folded
    if i + 1 < len(tokens) and TITLE_TAILS.get(tokens[i + 1].folded) == folded:
        return None  # "Sig.ra": the title is found at its "ra"
    if _title_at(text, tokens, i):
        return (i - 1 if folded in TITLE_TAILS else i), "title"
    if i > 0 and _title_at(text, tokens, i - 1):
        return None  # already part of a title span
    if len(folded) < 2 or (token.text.islower() and len(folded) < 3):
        return None
    if i > 0 and (
        tokens[i - 1].folded in STREET_BEFORE or tokens[i - 1].folded in street_types_before()
    ):
        return None  # "Via Roma", "Rua Augusta", "Callejón Carmela Tena"
    before = _context_before(text, token)
    initial = headline or _sentence_initial(text, token)
    has_surname = (
        not headline and i + 1 < len(tokens) and _surname_candidate(text, token, tokens[i + 1])
    )
    vetoed = folded in not_names()

    if STRONG_INTRO.search(before) and (token.capitalised or _known_name(token)) and not vetoed:
        return i, "intro"
    if WEAK_INTRO.search(before) and not vetoed:
        if _is_given(token) or (token.capitalised and has_surname):
            return i, "intro"
        if folded in word_names() and token.capitalised:
            return i, "intro"
    if (LEAD_INS.search(before) or _role_before(tokens, text, i)) and not vetoed:
        if _looks_like_name_word(token) or _is_given(token):
            return i, "context"
        if folded in word_names() and token.capitalised:
            return i, "context"
        if folded in rare_word_names():
            return i, "context"  # "my therapist john", "THANK YOU JOHN"
    if (
        (_known_name(token) or folded in rare_word_names())
        and token.capitalised
        and not vetoed
        and not (initial and folded in word_names() and not _place_after(text, tokens, i))
        and _role_after(text, tokens, i)
    ):
        return i, "context"
    if _acts_as_person(text, tokens, i) and not vetoed:
        return i, "context"
    if vetoed:
        if _known_name(token) and token.capitalised and has_surname and not initial:
            return i, "given name"
        return None
    if _is_given(token):
        is_place = folded in PLACE_NAMES or folded in place_given_names()
        if is_place and not has_surname and _after_place_word(tokens, i):
            return None  # "across Melbourne", "to UK and Ireland", "Mt Wellington"
        if _previous_is_saint(tokens, i) or _place_word_at(tokens, i):
            return None
        if initial and not has_surname and folded in words_first():
            return None  # "Man versteht", "Handy:", "Olá amigos"
        return i, "given name"
    capitalised_word = token.capitalised and not token.shouting
    if folded in word_names() and capitalised_word and (has_surname or not initial):
        if _after_place_word(tokens, i) and not has_surname:
            return None
        return i, "given name"
    if folded in author_words and token.capitalised and not initial:
        return i, "author"
    if (
        capitalised_word
        and has_surname
        and folded in family_names()
        and _is_given(tokens[i + 1])
        and not _after_place_word(tokens, i)
    ):
        return i, "family name first"  # "Nguyen Van An", "Wang Xiulan"
    if (
        capitalised_word
        and has_surname
        and _unknown_word(token)
        and folded not in PLACE_LEAD
        and not _after_place_word(tokens, i)
    ):
        surname = tokens[i + 1]
        if surname.folded in family_names() and not surname.shouting:
            return i, "family name"  # "Xiaoling Wang", "Nkechi Okafor"
    return None


def _acts_as_person(text: str, tokens: Sequence[Token], i: int) -> bool:
    """ "Carys explained everything": a name-like word that does what people do."""
    token = tokens[i]
    if not token.capitalised or token.shouting or len(token.folded) < 3:
        return False
    if not (_known_name(token) or token.folded in rare_word_names() or _unknown_word(token)):
        return False
    if not _known_name(token) and token.folded.endswith(NOUN_ENDINGS):
        return False  # "Stretching explained nothing"
    before = tokens[i - 1].folded if i > 0 else ""
    if token.folded in QUESTION_WORDS or before in GERMAN_DETERMINERS:
        return False
    if before in GERMAN_ARTICLE_PREPOSITIONS:
        return False  # "am Empfang war nett": a German noun
    return not _after_place_word(tokens, i) and bool(
        PERSON_ACTS.match(text[token.end : token.end + 60])
    )


def _unknown_word(token: Token) -> bool:
    """A word no list calls a word: it may be a given name we do not know."""
    folded = token.folded
    return not (
        folded in not_names()
        or folded in word_names()
        or folded in rare_word_names()
        or folded in AFTER_NOT_PERSON
        or folded in ROLE_WORDS
        or folded in TITLES
        or len(folded) < 3
    )


def _after_place_word(tokens: Sequence[Token], i: int) -> bool:
    return i > 0 and tokens[i - 1].folded in PLACE_LEAD


def _previous_is_saint(tokens: Sequence[Token], i: int) -> bool:
    return i > 0 and tokens[i - 1].folded in {"st", "saint", "san", "santa", "sao"}


def _author_words(author_name: str | None) -> frozenset[str]:
    """Words of the author's name worth looking for in the text: only when the
    name looks like a person's (one word of it is a known given name)."""
    if not author_name:
        return frozenset()
    words = [Token(m.group(0), 0, 0) for m in _WORD.finditer(author_name)]
    if not any(_known_name(word) for word in words):
        return frozenset()
    return frozenset(
        word.folded
        for word in words
        if len(word.folded) >= 3 and word.folded not in not_names() and not word.shouting
    )


def name_words_in(spans: Iterable[NameSpan], text: str) -> set[str]:
    return {fold(part) for span in spans for part in _WORD.findall(text[span.start : span.end])}
