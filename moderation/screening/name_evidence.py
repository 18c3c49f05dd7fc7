"""The evidence `names.py` weighs: which words are names, and which words
around a capitalised word make it a person, a place or a company.

- Word lists drawn from the gazetteers (`gazetteers.py`, `data/*.txt`): given
  names, family names, given names that are also common words ("Will",
  "Grace") or rarer dictionary words ("Amparo"), given names that are places;
- titles ("Dr.", "Sra.", "Sig.ra") and the prefixes and degrees that grow a
  name ("Alhaji", "PhD");
- role words and lead-ins ("my therapist", "thanks to", "my name is");
- words that make the next or previous capitalised word a place, a street or
  an organisation ("from", "Via", "Street", "Clinic", "GmbH").

Only tables and lookups live here, no decision: `names.py` decides.
"""

import re
from functools import cache

from moderation.screening import gazetteers
from moderation.screening.gazetteers import fold


@cache
def word_names() -> frozenset[str]:
    """Given names that are also common words ("Will", "Grace", "Nur"): they
    need stronger evidence (capitalised mid-sentence, a surname, a title, a
    lead-in)."""
    return gazetteers.name_words() | _read_words("common_word_names.txt")


@cache
def rare_word_names() -> frozenset[str]:
    """Given names that are rarer dictionary words: names only when capitalised."""
    return _read_words("rare_word_names.txt") - word_names() - not_names()


@cache
def given_names() -> frozenset[str]:
    return gazetteers.given_names() - word_names() - rare_word_names() - gazetteers.place_names()


@cache
def family_names() -> frozenset[str]:
    """Family names that are no word of our languages ("Okafor", "Nguyen")."""
    return gazetteers.family_names() - _read_words("word_family_names.txt") - word_names()


def not_names() -> frozenset[str]:
    return gazetteers.not_names()


def _read_words(name: str) -> frozenset[str]:
    words: set[str] = set()
    for line in (gazetteers.DATA / name).read_text(encoding="utf-8").splitlines():
        words.update(fold(word) for word in line.split("#", 1)[0].split())
    return frozenset(words)


TITLES = {
    "dr", "dra", "doctor", "doc", "mr", "mrs", "ms", "miss", "mx", "prof", "professor",
    "sr", "sra", "srta", "señor", "señora", "senhor", "senhora", "don", "doña", "dona",
    "herr", "frau", "mme", "mlle", "madame", "monsieur", "dott", "dottssa", "nurse", "coach",
    "docteur", "doutor", "doutora", "dottor", "dottore", "dottoressa", "doctora", "sig", "ra",
    "signor", "signora", "signorina", "ssa", "mag", "m",
}  # fmt: skip
# The second half of a title written with a dot inside ("Sig.ra", "Dott.ssa"),
# and the half it needs before it.
TITLE_TAILS = {"ra": "sig", "ssa": "dott"}
# Abbreviations that are titles only with their dot and a capitalised name
# after them: "M. Dupont" (Monsieur), "Mag. Huber" (Magister), not "ich mag".
TITLES_NEEDING_DOT = {"m", "mag"}
# Titles that need a capitalised name after them ("the doctor said" is not one).
TITLES_NEEDING_CAPITALS = {"doctor", "doc", "nurse", "coach", "don", "dona", "miss", "frau", "sig"}

ROLE_WORDS = {
    # English
    "therapist", "physio", "physiotherapist", "pt", "trainer", "doctor", "doc", "surgeon",
    "chiropractor", "chiro", "nurse", "receptionist", "assistant", "aide", "manager",
    "specialist", "practitioner", "physician", "provider", "instructor", "tech",
    "technician", "clinician", "massage", "husband", "wife", "son", "daughter", "mom", "mum",
    "mother", "dad", "father", "sister", "brother", "friend", "neighbor", "neighbour",
    "coworker", "co-worker", "colleague", "boss", "partner", "fiance", "fiancee", "boyfriend",
    "girlfriend", "grandson", "granddaughter", "grandma", "grandpa", "grandmother",
    "grandfather", "aunt", "uncle", "cousin", "niece", "nephew", "kid", "child", "teammate",
    "roommate", "buddy", "pal", "kinesiologist", "osteopath", "acupuncturist",
    # Spanish, Portuguese, French, German, Italian
    "fisioterapeuta", "fisio", "terapeuta", "doctora", "medico", "medica", "enfermera",
    "enfermero", "esposo", "esposa", "marido", "hijo", "hija", "hermano", "hermana", "madre",
    "padre", "amigo", "amiga", "recepcionista", "filho", "filha", "irmao", "irma", "mae",
    "pai", "kine", "kinesitherapeute", "medecin", "mari", "femme", "fils", "fille", "frere",
    "soeur", "ami", "amie", "physiotherapeut", "physiotherapeutin", "therapeut",
    "therapeutin", "arzt", "arztin", "mann", "sohn", "tochter", "bruder", "schwester",
    "freund", "freundin", "fisioterapista", "moglie", "marito", "figlio", "figlia",
    "fratello", "sorella",
}  # fmt: skip

# Lead-ins after which a capitalised word is a name ("thanks to Marcus").
LEAD_INS = re.compile(
    r"""(?ix)
    \b(?:
        thanks?\s+(?:you\s+)?(?:so\s+much\s+)?(?:to\s+)? | thx\s+(?:to\s+)?
      | (?:big|special|huge|many)\s+thanks\s+to | shout[\s-]?outs?\s+to | kudos\s+to
      | props\s+to | grateful\s+(?:to|for) | ask(?:ed)?\s+for | request(?:ed)?
      | hi | hello | hey | dear | gracias\s+(?:a\s+)? | obrigad[oa]\s+(?:ao?\s+)?
      | merci\s+(?:a\s+|à\s+)? | danke\s+(?:an\s+)? | grazie\s+(?:a\s+)?
      | querid[oa] | called | named | call | text | tell | email
      | nombre\s+es | se\s+llama | chamad[oa] | (?:emergency\s+)?contact\s*: | contact(?:e|o)?\s+con
      | fale\s+com | falar\s+com | hablar\s+con | pregunte\s+por | preguntar\s+por
      | chiede(?:te|re)\s+di | parlare\s+con | demandez | sprechen\s+sie\s+mit | fragen\s+sie\s+nach
      | booked\s+with | saw | seen\s+by | treated\s+by | got
      | (?:deliver|ship|send|return)\s+to | entregar\s+(?:para|a) | enviar\s+(?:para|a)
      | livrer\s+(?:à|a) | envoyer\s+(?:à|a) | consegnare\s+a | spedire\s+a | liefern\s+an
    )\s*,?\s*$
    """
)
STRONG_INTRO = re.compile(
    r"""(?ix)
    \b(?:my\s+name\s+is|my\s+name's|name's|me\s+llamo|mi\s+nombre\s+es|je\s+m'appelle
      | ich\s+hei(?:ß|ss)e|mein\s+name\s+ist|meu\s+nome\s+(?:é|e)|mi\s+chiamo
      | signed|sincerely|regards|faithfully|best\s+wishes)\s*,?\s*(?-i:[A-Z]\.\s*)?$
    """
)
WEAK_INTRO = re.compile(
    r"(?i)\b(?:i'm|i’m|im|i\s+am|this\s+is|soy|je\s+suis|ich\s+bin|eu\s+sou|sou\s+[oa]|sono)\s*,?\s*$"
)
PARTICLES = {
    "de", "da", "do", "dos", "das", "del", "della", "di", "van", "von", "der", "den", "la",
    "le", "du", "bin", "ibn", "al", "el", "ben", "y",
}  # fmt: skip
# A place, not a person, when one of these comes first ("drove in from Austin").
PLACE_LEAD = {"in", "from", "near", "at", "outside", "of", "into", "visiting", "st", "saint",
               "san", "santa", "sao", "mount", "mt", "lake", "fort", "port", "new", "across",
               "to", "around", "en", "em", "à", "nach", "aus", "desde"}  # fmt: skip
STREET_BEFORE = {
    "via", "viale", "piazza", "corso", "calle", "avenida", "rua", "rue", "plaza", "praca",
    "paseo", "carrer", "travessa", "largo", "strada", "ul", "aleja",
}  # fmt: skip
PLACE_NAMES = {
    "austin", "dallas", "houston", "charlotte", "florence", "georgia", "virginia", "savannah",
    "madison", "jackson", "lincoln", "victoria", "regina", "sydney", "chelsea", "orlando",
    "eugene", "tyler", "phoenix", "aurora", "santiago", "lourdes", "jordan", "milan", "paris",
    "denver", "cleveland", "kent", "salem", "camden", "hudson", "columbus", "raleigh",
    "augusta", "helena", "marion", "elizabeth", "beverly", "montgomery", "richmond", "troy",
}  # fmt: skip
# Words after a name that make it a street, a clinic or a brand instead.
AFTER_NOT_PERSON = {
    "street", "st", "avenue", "ave", "road", "rd", "lane", "ln", "drive", "dr", "boulevard",
    "blvd", "court", "ct", "way", "place", "pl", "parkway", "highway", "hwy", "clinic",
    "clinics", "hospital", "center", "centre", "physio", "physiotherapy", "physical", "rehab",
    "wellness", "health", "medical", "sports", "spine", "orthopedics", "chiropractic",
    "institute", "associates", "group", "university", "college", "pharmacy", "inc", "llc",
    "county", "city", "park", "memorial", "foundation",
}  # fmt: skip


@cache
def words_first() -> frozenset[str]:
    """Rare word names that are no proper noun either ("man", "handy", "ola"):
    opening a sentence they are words."""
    return rare_word_names() - _read_words("proper_word_names.txt")


@cache
def place_given_names() -> frozenset[str]:
    """Given names that are also places ("Florence", "London"): capitalised only."""
    return (gazetteers.given_names() & gazetteers.place_names()) - word_names() - not_names()


@cache
def street_types_after() -> frozenset[str]:
    return frozenset(fold(word) for word in gazetteers.street_types_after())


@cache
def street_types_before() -> frozenset[str]:
    return frozenset(fold(word).rstrip(".") for word in gazetteers.street_types_before())


@cache
def company_after() -> re.Pattern[str]:
    """A company's legal form right after a name: "Rosselet Paschoud SA", "Arnold & Söhne"."""
    suffixes = sorted(gazetteers.company_suffixes(), key=len, reverse=True)
    return re.compile(rf",?[ \u00a0]+(?:{'|'.join(map(re.escape, suffixes))})(?![\w])")


GERMAN_ARTICLE_PREPOSITIONS = {"am", "im", "beim", "vom", "zum", "zur", "ins", "aufs", "ans"}

ROLE_AFTER = re.compile(
    r"""(?ix)^(?:,\s*|\s+)(?:(?:my|our|the|a|your|his|her)\s+)?(?:\w+\s+)?
    (?:therapist|physio|physiotherapist|pt|trainer|doctor|surgeon|chiropractor|nurse
      |receptionist|assistant|aide|manager|coach|tech|technician)\b
    | ^\s+(?:at|from|on)\s+(?:the\s+)?(?:front\s+desk|desk|reception|check-?in)\b
    | ^\s+(?:alla|in|en\s+la|en|na|no|am|an\s+der|à|a)\s+(?:l['’])?
        (?:reception|recepci[oó]n|recep[cç][aã]o|empfang|rezeption|accueil)\b"""
)

# What only a person does to a patient, right after a capitalised word: "Isla
# gave me exercises", "Carys explained everything", "Thaís fez agulhamento",
# "Pascale me curó", "Ibrahima mi ha spiegato", "Mila war aber nett".
PERSON_ACTS = re.compile(
    r"""(?ix)^\s+(?:
        (?:gave|showed|taught|helped|got|fixed|sorted|talked)\s+(?:me|us)\b
      | explained\b | listened\b | reassured\b
      | (?:was|is)\s+(?:so\s+|really\s+|very\s+|super\s+)?
          (?:kind|lovely|gentle|patient|friendly|amazing|brilliant|a\s+star|a\s+legend|magic)\b
      | me\s+(?:cur[oó]|ayud[oó]|explic[oó]|atendi[oó]|ajudou|explicou|atendeu|ouviu)\b
      | fez\s+(?:a\s+|o\s+)?\w | teve\s+muita\s+paci[eê]ncia\b
      | m['’]a\s+(?:aid[ée]e?|soign[ée]e?|expliqu[ée]|conseill[ée]e?|[ée]cout[ée]e?)\b
      | (?:était|est)\s+(?:trop\s+|très\s+)?(?:gentil(?:le)?|adorable|patiente?)\b
      | mi\s+ha\s+(?:spiegato|seguit[oa]|aiutat[oa]|curat[oa])\b
      | hat\s+mich\b | (?:war|ist)\s+(?:aber\s+|sehr\s+|so\s+)?(?:nett|geduldig|freundlich|klasse)\b
      | (?:es|è|é)\s+(?:un\s+crack|fantastic[oa]|demais)\b
    )"""
)

# Endings of nouns, never of names we do not know ("Stretching", "Behandlung").
NOUN_ENDINGS = ("ing", "tion", "ment", "ness", "ung", "heit", "keit", "ismus", "logie")
# Words that open a question, not a name, before "me atendeu" or "hat mich".
QUESTION_WORDS = {"who", "quem", "quien", "qui", "wer", "chi", "cual", "qual"}
# German determiners: the capitalised noun after them is a noun ("Die Ferse").
GERMAN_DETERMINERS = {
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einem", "meine",
    "meiner", "meinem", "mein", "unsere", "unser", "ihre", "seine", "diese", "dieser",
}  # fmt: skip

TITLE_BEFORE = re.compile(
    r"(?i)(?<![\w.])(?:(?:Frau|Herr|Mrs?|Ms|Mme|Sra?|Srta)\.?[ ]+)?"
    r"(?:Dra?|Doctor|Doctora|Docteur|Doutora?|Dott(?:or(?:e|essa)?)?|Prof|Mrs?|Ms|Mme|Sra?|Srta|Sig(?:\.ra)?"
    r"|Frau|Herr|Madame|Monsieur)\.?[ \u00a0]+$"
)


GAELIC = {"Ó", "Ní", "Nic", "Mac", "Mc", "Ua", "Uí", "Ò"}


@cache
def prefix_before() -> re.Pattern[str]:
    prefixes = sorted(gazetteers.name_prefixes(), key=len, reverse=True)
    return re.compile(rf"(?<![\w.])(?:{'|'.join(map(re.escape, prefixes))})[ \u00a0]+$")


@cache
def name_suffix() -> re.Pattern[str]:
    suffixes = sorted(gazetteers.name_suffixes(), key=len, reverse=True)
    return re.compile(rf"(?:{'|'.join(map(re.escape, suffixes))})(?![\w])")


AND_WORDS = {"and", "y", "e", "et", "und", "ed", "&"}
