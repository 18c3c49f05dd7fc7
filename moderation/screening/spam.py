"""Spam: ads, sales links, money schemes, SEO keyword strings and junk.

Only *clear* spam gets severity high, the one flag that lets screening
reject without a human (see `screening.decide`): keyboard mash or
repeated-character junk, a keyword string with no sentence in it, or an
offer together with a way to buy (a link, a phone, "DM me"). A single
commercial hint gets a medium flag and goes to a moderator like any other
story. A patient who names a product or links their own blog is not spam.
"""

import re
from collections import Counter

from moderation.screening import Flag, ScreeningContext
from moderation.screening.pii import find_phones, find_urls

# Offers: each pattern that matches adds one point.
_OFFERS = [
    # a discount: "50% off", "-50%", "50% de desconto", "sconto 50%", "15% Rabatt"
    r"\b\d{1,3}\s?%\s?off\b|(?<![\w-])-\d{1,3}\s?%"
    r"|\b\d{1,3}\s?%\s+(?:de\s+)?(?:desconto|descuento|rabatt|sconto|réduction|discount)\b"
    r"|\b(?:sconto|rabatt|descuento|desconto|seniors?\s+discount)\s+(?:del?\s+)?\d{1,3}\s?%",
    # a free estimate: the home-repair and trades advert in every language
    r"\b(?:free\s+(?:quote|estimate|inspection)|presupuesto\s+(?:gratis|gratuito|sin\s+compromiso)"
    r"|orçamento\s+(?:grátis|gratuito|sem\s+compromisso)|devis\s+gratuit|preventivo\s+gratuito"
    r"|kostenlose\s+besichtigung|kostenloses\s+angebot)\b",
    r"\bfree\s+(?:shipping|delivery|spins?|trial|gift|bonus)\b",
    r"\b(?:buy|order|shop|play|sign\s+up|join|register|download|subscribe)\s+(?:now|today|here|online)\b",
    r"\b(?:limited\s+(?:stock|time|offer|spots)|today\s+only|act\s+now|while\s+(?:stocks?|supplies)\s+last|don't\s+miss\s+out)\b",
    r"\b(?:promo|coupon|discount|referral)\s+code\b",
    r"\b(?:money[-\s]back|risk[-\s]free|no\s+credit\s+check|100%\s+safe|fast\s+delivery|cheapest|best\s+price|lowest\s+price)\b",
    r"\b(?:casino|jackpot|free\s+spins|welcome\s+bonus|slots?\s+machine|sports?\s+betting|bet\s+now|poker\s+online)\b",
    r"\b(?:crypto(?:currency|currencies)?|bitcoins?|btc|ethereum|forex|nft|trading\s+(?:bot|signals?)|binary\s+options|passive\s+income)\b",
    r"\b(?:payday\s+loans?|quick\s+loans?|cash\s+advance|loans?\s+(?:approved|available|today))\b",
    r"\b(?:work(?:ing)?\s+from\s+home|from\s+the\s+comfort\s+of\s+your\s+home|be\s+your\s+own\s+boss)\b",
    r"\b(?:make|earn|earning|made|making)\s+\$\s?\d[\d,]*(?:\.\d+)?\s*(?:k\b)?(?:\s*(?:an?|per|a)\s+(?:hour|day|week|month))?",
    # an amount per period: "$3000 weekly", "$500 diarios", "500€ par jour"
    r"[$€£]\s?\d[\d,.]*\s*(?:k\b)?\s*(?:/\s*(?:day|week|hr|hour|d[ií]a|dia|jour|tag)\b|(?:weekly|daily|monthly|an?\s+(?:day|week)|per\s+(?:day|week)|diarios?|al\s+d[ií]a|por\s+d[ií]a|semanales|por\s+semana|por\s+dia|par\s+jour|pro\s+tag)\b)"
    r"|\b\d[\d,.]*\s?[$€£]\s*(?:/\s*(?:day|week|d[ií]a|dia|jour|tag)\b|(?:diarios?|al\s+d[ií]a|por\s+d[ií]a|par\s+jour|pro\s+tag)\b)",
    r"\b(?:easy|fast|quick)\s+(?:money|cash)\b|\bdinero\s+f[aá]cil\b|\bdinheiro\s+f[aá]cil\b|\bargent\s+facile(?:ment)?\b|\bde\s+l'argent\s+facilement\b|\bschnelles\s+geld\b",
    r"\b(?:visit|check\s+out|shop\s+at|browse)\s+(?:my|our)\s+(?:online\s+)?(?:store|shop|boutique)\b",
    r"\b(?:desde|en)\s+casa\b[^.!?]{0,40}\b(?:gana|ganar|dinero|ingresos)\b|\b(?:gana|ganar|dinero|ingresos)\b[^.!?]{0,40}\bdesde\s+casa\b",
    r"\bturn(?:ed|s)?\s+\$\s?\d[\d,]*\s+into\s+\$\s?\d",
    r"\bguaranteed\s+(?:returns?|profits?|payouts?|income|roi|gains?)\b|\b\d+\s?%\s+(?:daily|weekly|monthly)\s+(?:returns?|profits?|roi)\b",
    r"\b(?:buy|get|gain)\s+(?:\d+[kK]?\s+)?(?:real\s+)?(?:followers|likes|views|subscribers|backlinks)\b",
    # no \b before "$": after a space there is no word boundary to find
    r"\b(?:followers|likes|backlinks|seo\s+services?|link\s+building|guest\s+posts?)\b.*(?:\b(?:cheap|buy|only)\b|\$)",
    r"\b(?:essay|homework|assignment)\s+(?:writing|writers?|help)\b",
    # blog-comment spam praises a post or a site, which a patient's story has not
    r"\b(?:nice|great|informative|awesome|useful|helpful)\s+(?:post|article|blog)\b"
    r"|\bi\s+(?:like|love|enjoyed)\s+(?:reading\s+)?your\s+(?:website|site|blog|article|post)\b",
    r"\b(?:weight\s+loss|diet\s+pills?|keto\s+pills?|fat\s+burners?|viagra|cialis|replica|rolex"
    r"|ray-?bans?)\b|\blose\s+\d+\s*(?:lbs|pounds|kg|kilos)\b",
    # pharmacy without a prescription, in the languages clinics receive
    r"\b(?:without\s+(?:a\s+)?prescription|no\s+prescription\s+(?:needed|required)|online\s+pharmacy"
    r"|sin\s+receta|sem\s+receita|sans\s+ordonnance|ohne\s+rezept|senza\s+ricetta)\b",
    # the crypto-scam family's other faces: recovering a lost wallet or stolen funds
    r"\b(?:wallet|funds?|crypto|bitcoin)\s+recovery\b"
    r"|\brecover\s+(?:your\s+)?(?:lost|stolen|scammed)\s+(?:crypto|bitcoin|funds|money|wallet)\b",
    # psychics, spells, dating and tech-support lines sold in a comment
    r"\b(?:love\s+spells?|spell\s+caster|psychic\s+readings?|tarot\s+readings?|hot\s+singles"
    r"|dating\s+(?:site|app)|tech(?:nical)?\s+support\s+(?:number|line|hotline))\b",
    r"\bfor\s+(?:only|just)\s+\$\s?\d",
    # Spanish, Portuguese, French, German: each kind of offer counts on its own,
    # as the English ones do.
    r"\b(?:gana|ganar|gane)\s+dinero\b|\b(?:ganhe|ganhar)\s+dinheiro\b|\bgagnez\s+de\s+l'argent\b|\bgeld\s+verdienen\b",
    r"\bpr[eé]stamos?\b|\bempr[eé]stimos?\b|\bcr[eé]ditos?\s+(?:r[aá]pidos?|f[aá]cil(?:es)?|inmediatos?|urgentes?|sem\s+consulta)\b|\bcrédit\s+rapide\b|\bsofortkredit\b",
    r"\bsin\s+(?:aval|bur[oó]|papeleos?|comprobar\s+ingresos)\b|\bsem\s+(?:fiador|consulta\s+ao\s+spc)\b|\bsans\s+justificatifs?\b|\bohne\s+schufa\b",
    r"\bdinero\s+(?:en\s+(?:tu|su)\s+cuenta|r[aá]pido|f[aá]cil)\b|\bdinheiro\s+(?:na\s+(?:sua|tua)\s+conta|r[aá]pido|f[aá]cil)\b",
    r"\boferta\s+(?:exclusiva|especial|limitada)\b|\bpromo[cç][aã]o\b|\bcompra\s+(?:ya|ahora)\b|\bcompre\s+(?:j[aá]|agora)\b|\bachetez\s+maintenant\b|\bjetzt\s+kaufen\b",
]
_OFFER = [re.compile(pattern, re.IGNORECASE) for pattern in _OFFERS]
# Offers that are spam by their nature, whatever the link looks like: each
# counts two points, so with a link or a call to action it is clear spam.
_STRONG_OFFER = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # "buy high-authority backlinks": a few words may stand between
        r"\b(?:buy|order|purchase)\s+(?:[\w-]+\s+){0,3}?(?:followers|likes|views|subscribers|backlinks)\b",
        r"\b(?:double|triple|2x|10x|multiply)\s+(?:your\s+)?(?:bitcoin|btc|eth|ether|crypto|usdt|coins?|investment|deposit)\b",
        r"\bsend\s+(?:us\s+|me\s+)?\d+(?:[.,]\d+)?\s*(?:btc|eth|usdt|bitcoins?|ether)\b",
    )
]
# Ways to buy: a call to action with somewhere to go.
_CHANNEL = re.compile(
    r"""(?ix)\b(?:
        click(?:\s+here|\s+the\s+link|\s+below|:)? | visit | go\s+to | check\s+(?:it\s+)?out
      | check\s+my\s+(?:site|website|page|channel|profile) | order\s+(?:at|from|now|online)
      | call\s+(?:now|today|us) | dm\s+me | message\s+me | whats\s?app | telegram | signal\s+me
      | link\s+in\s+(?:bio|profile) | sign\s+up | escr[ií]be(?:me|nos)?\s+por | entra\s+en
      | acesse | visite | haz\s+clic | haga\s+clic | clique\s+aqui | cliquez\s+ici | hier\s+klicken
      | klicken\s+sie\s+hier | escr[ií]beme | m[aá]ndame\s+(?:un\s+)?mensaje
    )"""
)
# A call to phone or message, in the languages clinics receive.
_CALL = re.compile(
    r"(?i)\b(?:call|order|text|whats\s?app|ligue|liga|chiama|chiamate|ruf\s+an|anruf|llama|llame"
    r"|appelez)\b"
)
_SHORTENER = re.compile(
    r"(?i)\b(?:bit\.ly|tinyurl\.com|t\.co|goo\.gl|ow\.ly|is\.gd|t\.me|cutt\.ly)/"
)
_COMMERCIAL_TLDS = {"biz", "shop", "store", "xyz", "online", "site", "top", "vip", "win", "bet",
                    "loan", "cash", "click"}  # fmt: skip
_COMMERCIAL_WORDS = {
    "cheap", "discount", "discounts", "sale", "sales", "outlet", "deal", "deals", "casino", "bet",
    "loan", "loans", "crypto", "btc", "profit", "profits", "cash", "keto", "burn", "pills",
    "cure", "follow", "followers", "boost", "bonus", "spin", "spins", "slots", "forex", "earn",
    "money", "rich", "essay", "essays", "prestamos", "promo", "offer", "offers", "free", "win",
    "income", "job", "jobs",
}  # fmt: skip


# Domains run words together ("creditoexpress"): these distinctive stems
# count inside a word too.
_COMMERCIAL_STEMS = re.compile(
    r"(?<!s)loan|casino|crypto|bitcoin|btc|forex|(?<!non)profit|(?<!ac)credit|prestamo|emprestimo"
    r"|followers|outlet"
    r"|replica|jackpot|payday|cashback"
)


def _commercial(url: str) -> bool:
    if _SHORTENER.search(url + "/"):
        return True
    host = re.sub(r"(?i)^(?:https?://)?(?:www\.)?", "", url).split("/", 1)[0].lower()
    parts = host.split(".")
    words = set(re.split(r"[^a-z0-9]+", ".".join(parts[:-1])))
    if _COMMERCIAL_STEMS.search(".".join(parts[:-1])):
        return True
    return parts[-1] in _COMMERCIAL_TLDS or bool(words & _COMMERCIAL_WORDS)


_PERSONAL_LINK = re.compile(
    r"(?i)\b(?:my|our)\s+(?:\w+\s+){0,3}(?:blog|vlog|video|videos|photos?|pictures|journey|story|diary|channel|page|instagram|youtube|post)\b"
)

_VOWELS = set("aeiouyáéíóúàèìòùâêîôûäëïöüãõ")
_KEYBOARD_RUNS = ("qwert", "werty", "asdf", "sdfg", "dfgh", "fghj", "ghjk", "hjkl", "zxcv",
                  "xcvb", "yuio", "uiop", "jkl;")  # fmt: skip
_STOPWORDS = set(
    re.findall(
        r"\S+",
        """i me my we our you your he she it they them the a an and or but so to of in on at for
    with from by is are was were be been am do did does have has had not no this that my
    after before about as if when then than very just too also all some it's i'm i've its
    el la los las de del y que en un una es por con para mi me se lo le o pero muy
    o os as um uma é do da dos das em no na com para meu minha mas
    le la les un une des et est à au en du pour pas je mon ma mes très
    der die das und ist ein eine nicht ich mit zu von im für sehr""",
    )
)


def _is_gibberish(word: str) -> bool:
    lowered = word.lower()
    letters = [ch for ch in lowered if ch.isalpha()]
    if len(letters) < 5:
        return False
    if re.search(r"(.)\1{3,}", lowered):
        return True
    if any(run in lowered for run in _KEYBOARD_RUNS):
        return True
    if re.fullmatch(r"(.{2,6}?)\1{2,}.*", lowered):
        return True  # "qwertyqwertyqwerty", "hahahaha" is caught by the length of its run
    vowels = sum(ch in _VOWELS for ch in letters)
    return vowels == 0 or (len(letters) >= 8 and vowels / len(letters) < 0.12)


def _junk(text: str) -> str | None:
    words = re.findall(r"\S+", text)
    if not words:
        return None
    gibberish = [word for word in words if _is_gibberish(word)]
    if len(gibberish) / len(words) >= 0.5 and len(words) <= 12:
        return "Keyboard mash or repeated characters."
    if re.match(r"(?i)\s*lorem\s+ipsum\b", text):
        return "Placeholder text."
    letters = sum(ch.isalpha() for ch in text)
    marks = re.sub(r"\s", "", text)
    if (
        not letters
        and len(marks) >= 5
        and (re.search(r"(\W)\1{4,}", marks) or len(set(marks)) <= 3)
    ):
        return "A row of punctuation or symbols."
    # a post that says it is a test: "This is a test submission. Please delete."
    if len(words) <= 12 and re.search(
        r"(?i)\btest\s+(?:submission|post|message|entry)(?![-\w])", text
    ):
        return "A test submission."
    lowered = [re.sub(r"\W", "", word.lower()) for word in words]
    lowered = [word for word in lowered if word]
    if len(lowered) >= 3:
        counts = Counter(lowered)
        _, count = counts.most_common(1)[0]
        if count / len(lowered) >= 0.6 and len(counts) <= 3:
            return "The same word over and over."
    return None


def _stem(word: str) -> str:
    """Fold simple inflections so "cheap/cheaper/cheapest" and
    "barato/barata/baratos" count as one keyword."""
    for suffix in ("est", "er", "os", "as", "es", "s", "o", "a"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


# Digits spelled out are a phone number (personal data), never search keywords.
_NUMBER_WORDS = frozenset(
    re.findall(
        r"\S+",
        """zero oh one two three four five six seven eight nine cero uno dos tres cuatro cinco
    seis siete ocho nueve um dois três quatro sete oito nove un deux trois quatre cinq sept
    huit neuf null eins zwei drei vier fünf sechs sieben acht neun""",
    )
)


def _keyword_string(text: str) -> bool:
    """SEO filler: a string of search phrases with no sentence in it."""
    near_me = text.lower().count("near me")
    words = re.findall(r"[\w']+", text.lower().replace("near me", "near"))
    words = [word for word in words if word not in _NUMBER_WORDS]
    if len(words) < 10 or re.search(r"[.!?]\s+\w", text.strip()):
        return False
    stop = sum(word in _STOPWORDS for word in words) / len(words)
    content = Counter(_stem(word) for word in words if word not in _STOPWORDS and len(word) > 2)
    repeated = sum(count for count in content.values() if count >= 3)
    return stop < 0.15 and (repeated >= 4 or near_me >= 2)


def screen(text: str, context: ScreeningContext) -> list[Flag]:
    junk = _junk(text)
    if junk:
        return [Flag(kind="spam", severity="high", detail=junk)]
    if _keyword_string(text):
        return [Flag(kind="spam", severity="high", detail="A string of search keywords.")]

    offers = [pattern.pattern for pattern in _OFFER if pattern.search(text)]
    offers += [pattern.pattern for pattern in _STRONG_OFFER if pattern.search(text)] * 2
    urls = [text[f.start : f.end] for f in find_urls(text)]
    phones = find_phones(text)
    personal_link = bool(_PERSONAL_LINK.search(text))
    commercial_links = [url for url in urls if _commercial(url)]
    channel = bool(_CHANNEL.search(text)) or bool(commercial_links)
    if urls and not personal_link:
        channel = True
    if phones and _CALL.search(text) and offers:
        channel = True
    score = float(len(offers) + len(commercial_links))
    if len(urls) >= 3:
        score += 1
    if text.count("!!!") or text.count("$"):
        score += 0.5

    reasons = f"{len(offers)} sales phrase(s), {len(urls)} link(s)"
    if channel and score >= 2:
        return [Flag(kind="spam", severity="high", detail=f"An advert: {reasons}.")]
    if score >= 3 or (score >= 2 and not personal_link):
        return [Flag(kind="spam", severity="medium", detail=f"Looks like an advert: {reasons}.")]
    if len(urls) >= 3 and not personal_link:
        return [Flag(kind="spam", severity="medium", detail=f"{len(urls)} links in one story.")]
    return []
