"""Outcome claims a clinic may not publish as typical: "cured", "miracle",
"guaranteed", "permanent fix", "100% pain free", "works for everyone",
"better than any drug", "skip the surgery", "stop your meds", "reverses
arthritis".

A claim inside a negated, hedged or critical clause is not one: "it's not
a miracle cure", "no clinic can promise a permanent fix", "they oversold it
like some miracle". A patient's own numbers ("my pain went from 8 to 3")
and recommendations ("I'd recommend them to everyone") are not claims.
"""

import re
from collections.abc import Iterator

from moderation.screening import Flag, ScreeningContext

# The languages the claims and their negations are written for; the runner
# flags a story in any other as not screened for claims.
LANGUAGES = frozenset({"en", "es", "pt", "fr", "de", "it"})

_CLAIMS: list[tuple[str, str]] = [
    (
        "a cure",
        r"\b(?:cured?|cures|curing|curative|cura|curó|curou|curado|curada|curada|se\s+me\s+curó"
        r"|curaron|curaram|curé|curamos|me\s+cur[eé]|guéri[est]?|geheilt|heilt|guarito|guarita"
        r"|guarisce|guariscono|heilmittel|remède|rimedio"
        r"|(?:completely|fully|totally|entirely|100%)\s+healed)\b",
    ),
    (
        "a miracle",
        r"\b(?:miracles?|miraculous(?:ly)?|milagros?[oa]?s?|milagre|milagrosa?|miracle|miracoloso"
        r"|miracol[oi]|wunder|wunderheil\w*|wirkt\s+wunder)\b",
    ),
    (
        "a guarantee",
        r"\b(?:guarantee[ds]?|guaranteed|garantizad[oa]s?|garantid[oa]s?|garanti[e]?s?|garantiert)\b",
    ),
    (
        "a permanent fix",
        r"\bpermanent(?:ly)?\s+(?:fix(?:ed)?|cure[ds]?|solution|relief|results?|recovery|healed"
        r"|gone|eliminated|resolved)\b|\bcured?\b[^.!?]{0,30}\bpermanently\b",
    ),
    (
        "forever",
        r"\b(?:pain[\s-]?free|gone|fixed|cured|healed|better|relief)\s+(?:\w+\s+){0,3}"
        r"(?:forever|for\s+good)\b|\bforever\s+(?:pain[\s-]?free|cured|fixed|healed)\b"
        r"|\bpara\s+siempre\b|\bpara\s+sempre\b|\bpour\s+toujours\b|\bfür\s+immer\b"
        r"|\bper\s+sempre\b|\b[àa]\s+jamais\b|\bein\s+für\s+alle\s+mal\b|\bune\s+fois\s+pour\s+toutes\b"
        r"|\b(?:dauerhafte\s+lösung|solution\s+définitive|soluzione\s+definitiva"
        r"|solução\s+definitiva|solución\s+definitiva)\b",
    ),
    (
        "never again",
        r"\bnever\s+(?:\w+\s+){0,2}(?:need|take|have|feel|felt|suffer|experience|get)\s+"
        r"(?:\w+\s+){0,3}(?:again|anymore)\b"
        # the complaint, never a person, "will never come back": "I'll never come back" is a verdict
        r"|\b(?:it|(?:the\s+|my\s+|your\s+)?(?:\w+\s+)?(?:pain|aches?|\w+itis|migraines?"
        r"|headaches?|symptoms?|sciatica|spasms?|problem|injury))(?:['’]ll)?\s+(?:will\s+)?"
        r"never\s+(?:come|comes|coming)\s+back\b"
        r"|\bnunca\s+m[aá]s\b"
        # the pain, not the clinic, never again: "nie wieder diese Praxis" is a verdict
        r"|\b(?:nie\s+wieder|plus\s+jamais|mai\s+più|nunca\s+mais)\s+(?:\w+\s+){0,2}"
        r"(?:schmerz\w*|weh\w*|ischias|migräne\w*|tabletten|medikament\w*|mal|douleur\w*"
        r"|médicament\w*|dolor\w*|male|farmac\w*|dor(?:es)?|rem[eé]dios?)\b",
    ),
    (
        "100%",
        r"\b100\s?(?:%|percent)\s+(?:pain[\s-]?free|effective|success(?:ful)?|cured?|guaranteed|fixed"
        r"|results?|healed|recovery|natural\s+cure)\b|\bfix\w*\s+(?:\w+\s+){0,3}100\s?%"
        r"|\bworks\s+100\s?%"
        r"|\b100\s?%\s+(?:sin\s+dolor|efectiv[oa]|eficaz|garantizad[oa]|curad[oa]|recuperad[oa])\b"
        r"|\bcien\s+por\s+cien(?:to)?\s+(?:efectiv[oa]|eficaz|garantizad[oa]|curad[oa])\b",
    ),
    (
        "works for everyone",
        r"\bworks?\s+(?:for|on|with)\s+(?:everyone|everybody|anyone|all|every(?:\s+single)?"
        r"\s+(?:patient|person|one|body|case|knee|back|problem|condition|\w+\s+problem))\b"
        r"|\bfunciona\s+(?:con|para)\s+(?:todo\s+el\s+mundo|todos|todas|qualquer)\b"
        r"|\bmarche\s+pour\s+tout\s+le\s+monde\b|\bwirkt\s+bei\s+jedem\b"
        r"|\bworks?\s+every\s+(?:single\s+)?time\b"
        r"|\b(?:fix|fixes|cure|cures|heal|heals)\s+(?:anyone|anybody|everyone|everybody)\b"
        r"|\bthe\s+only\s+(?:treatment|thing|therapy|cure)\s+that\s+(?:works|helps)\b"
        r"|\b(?:everyone|everybody|anyone|anybody)\s+with\s+[\w\s]{1,30}\s+needs\s+(?:this|it)\b",
    ),
    (
        "better than drugs",
        r"\bbetter\s+than\s+(?:any|all|every)?\s*(?:other\s+)?(?:drugs?|medications?|medicines?"
        r"|pills?|injections?|surgery|surgeries|painkillers?|meds)\b"
        r"|\bmejor\s+que\s+(?:cualquier|todos\s+los|todas\s+las|los|las)\s+(?:otr[oa]s?\s+)?"
        r"(?:medicamentos?|pastillas?|medicinas?|cirugías?|operaci[oó]n|operaciones|inyecciones"
        r"|inyección|analgésicos?)\b"
        r"|\b(?:besser|wirksamer)\s+als\s+(?:jedes?|jeder|alle)\s+(?:\w+\s+)?(?:medikament\w*"
        r"|tablette\w*|pille\w*|spritze\w*|operation\w*|schmerzmittel\w*)"
        r"|\b(?:mieux|plus\s+efficace)\s+que\s+(?:n'importe\s+quel(?:le)?|tous\s+les|toutes\s+les"
        r"|les)\s+(?:médicament\w*|pilule\w*|cachet\w*|comprimé\w*|opération\w*|chirurgie\w*"
        r"|anti-?inflammatoire\w*|antidouleur\w*)"
        r"|\b(?:meglio|più\s+efficace)\s+di\s+(?:qualsiasi|qualunque|tutti\s+i|tutte\s+le)\s+"
        r"(?:farmac\w*|pastigli\w*|medicin\w*|pillol\w*|operazion\w*|chirurgi\w*|antidolorific\w*)"
        r"|\b(?:melhor|mais\s+eficaz)\s+(?:que|do\s+que)\s+(?:qualquer|todos\s+os|todas\s+as)\s+"
        r"(?:rem[eé]dio\w*|medicament\w*|comprimid\w*|cirurgi\w*|pílula\w*|analg[eé]sic\w*)",
    ),
    (
        "skip surgery or medication",
        r"\b(?:skip|forget|cancel|avoid|ditch|throw\s+away|stop\s+taking|stop|quit)\s+(?:the\s+|your\s+|their\s+|all\s+)?"
        r"(?:surgery|surgeon|surgeons|operation|meds|medications?|pills|ibuprofen|painkillers|injections?)\b"
        r"|\b(?:nobody|no\s+one|you\s+don't|you\s+won't|nobody\s+will)\s+(?:\w+\s+)?needs?\s+(?:\w+\s+)?(?:surgery|meds|medication|pills)\b"
        r"|\b(?:olv[íi]date\s+de|olv[íi]dense\s+de|deja\s+de\s+tomar|dejen\s+de\s+tomar|deja|dejen)\s+"
        r"(?:la\s+|las\s+|los\s+|tus\s+|sus\s+)?(?:cirugía|operación|pastillas|medicamentos"
        r"|medicación|inyecciones|analgésicos)\b"
        r"|\bnadie\s+necesita\s+(?:\w+\s+)?(?:cirugía|operarse|pastillas|medicamentos)\b"
        # told not to be operated on, in each language
        r"|\bno\s+(?:te|se)\s+(?:operes|operen|dejes\s+operar|dejen\s+operar)\b"
        r"|\bnão\s+(?:faça|façam)\s+(?:a\s+)?(?:cirurgia|operação)|\bnão\s+se\s+operem?\b"
        r"|\b(?:lasst\s+euch|lassen\s+sie\s+sich)\s+(?:\w+\s+)?nicht\s+(?:\w+\s+){0,3}operieren\b"
        r"|\bsagt\s+die\s+op\s+ab\b|\bne\s+(?:vous|te)\s+(?:faites|fais)\s+pas\s+opérer\b"
        r"|\bnon\s+(?:fatevi|farti|vi\s+fate|ti\s+fare)\s+operare\b"
        r"|\bdon't\s+(?:bother\s+with|get|have)\s+(?:the\s+|a\s+|your\s+)?(?:\w+\s+)?"
        r"(?:surgery|operation|replacement|injections?)\b"
        r"|\b(?:parem?\s+de\s+tomar|larguem?|esqueçam?|joguem?\s+fora)\s+(?:o\s+|a\s+|os\s+|as\s+"
        r"|seus?\s+|suas?\s+)?(?:cirurgia|operação|remédios?|medicamentos?|comprimidos|analgésicos)\b"
        r"|\b(?:arrêtez|oubliez|annulez|jetez)\s+(?:la\s+|le\s+|les\s+|vos\s+|votre\s+)?"
        r"(?:chirurgie|opération|médicaments?|cachets|comprimés|anti-?inflammatoires|antidouleurs)\b"
        r"|\b(?:smettete\s+di\s+prendere|smetti\s+di\s+prendere|evitate|dimenticate|buttate)\s+"
        r"(?:l'|la\s+|le\s+|i\s+|gli\s+|il\s+)?(?:intervento|operazione|chirurgia|farmaci|pastiglie"
        r"|antidolorifici|antinfiammatori)\b",
    ),
    (
        "reverses damage",
        r"\b(?:revers(?:e|es|ed|ing)|regrow(?:s|ing)?|regenerat(?:e|es|ed|ing)|undid|undo(?:es)?)\s+"
        r"(?:all\s+)?(?:of\s+)?(?:my\s+|your\s+|the\s+)?(?:\w+\s+)?(?:arthritis|nerve\s+damage|damage"
        r"|degeneration|cartilage|disc|aging|osteoporosis|scoliosis)\b"
        r"|\b(?:revierte|revirtió|regenera|regeneró)\s+(?:la\s+|el\s+|mi\s+|tu\s+)?"
        r"(?:artrosis|artritis|daño|degeneración|cartílago|hernia|osteoporosis)\b",
    ),
]
_PATTERNS = [(label, re.compile(pattern, re.IGNORECASE)) for label, pattern in _CLAIMS]

_CLAUSE_BREAK = re.compile(
    r"[.!?;:\n]|\bbut\b|\bhowever\b|\bthough\b|\bpero\b|\baunque\b|\bsino\b|\bmas\b|\bmais\b"
    r"|\baber\b|—"
)
# In the clause before the claim: it is denied, hedged or reported critically.
_NEGATION = re.compile(
    r"""(?ix)\b(?:not|no|never|nothing|nobody|none|without|hardly|far\s+from|n't|cannot
      |isn't|wasn't|aren't|won't|can't|couldn't|wouldn't|don't|doesn't|didn't|nor|neither
      |promise[sd]?|promising|claim(?:s|ed)?|pretend(?:s|ed)?|advertis\w*|market\w*|oversold
      |oversell\w*|hype[sd]?|supposed|looking\s+for|hoping\s+for|hoped\s+for|searching\s+for
      |expect(?:ed|ing)?|like\s+it's|like\s+it\s+was|as\s+if|some\s+kind\s+of|some|so-called
      |no\s+such|nunca|ningún|ninguna|nadie|sin|ni|prometen|promete|prometían|prometía
      |supuestamente|venden\s+como|dicen\s+que|esperaba|buscaba|como\s+si|não|nem|ninguém|pas|jamais|aucun|nicht|kein\w*|nie
      |said|says|told|tells|calls?|called|calling|sells?|sold|selling
      |prometer|garantir|promettre|versprechen|verspricht|promet|promettent|promis
      |dice|dicen|dijo|decía|decían|diz|dizem|disse|fala\s+em|falam\s+em|vendem|vende|venden
      |dit|disait|disent|vendent|vendu|sagt|sagte|sagen|behauptet|steht|rien|nada|nichts
      |non|nessun\w*|niente|nulla|senza|dicono|promettono|vendono|venduto)\b"""
)
# Right after the claim: "... a miracle, and for me it was not."
_NEGATION_AFTER = re.compile(
    r"(?i)^[^.!?]{0,40}\b(?:it\s+was\s+not|it\s+wasn't|it\s+isn't|it\s+is\s+not)\b"
    r"|^[^.!?]{0,60}\b(?:oversold|exaggerat\w*|overstat\w*|nonsense|exager\w*|übertrieben"
    r"|exagér\w*)"
    r"|^[^.!?]{0,30}\b(?:wouldn't|would\s+not)\s+(?:say|call)|^[^.!?]{0,30}\bwürde\s+ich\s+nicht"
    r"|^[^.!?]{0,30}\bne\s+dirais\s+pas|^[^.!?]{0,30}\bno\s+(?:lo\s+)?dir[ií]a"
    r"|^\s*,\s*(?:\w+\s+)?(?:non|no|nope|não|nein)\s*(?:[,.!;]|$)"
)
# The next sentence denies it: "A friend said it works for everyone. Not for me."
_DENIED_NEXT = re.compile(
    r"""(?ix)^[^.!?]{0,60}[.!?;]+\s*(?:but\s+|mas\s+|pero\s+|mais\s+|aber\s+)?(?:
        (?:it|that|this)\s+(?:did\s+not|didn't|does\s+not|doesn't|was\s+not|wasn't|is\s+not
        |isn't)\s*(?:[.,!;]|$|work|help)
      | not\s+(?:for|with|in)\s+me\b | (?:no|nope)\s*[.,!] | nothing\s+(?:is|was)\b
      | (?:a|para)\s+m[ií]\s+no\b | no\s+(?:lo\s+)?(?:es|fue)\b | nada\s+(?:est[áa]|es)\b
      | não\s+(?:é|foi)\b | (?:para|pra)\s+mim\s+não\b | nada\s+é\b | isso\s+não\b
      | (?:ce\s+)?n'en\s+est\s+pas\b | (?:ce\s+)?n'est\s+pas\b | pas\s+pour\s+moi\b | rien\s+n'est\b
      | nichts\s+ist\b | (?:bei|für)\s+mich\s+nicht\b | ist\s+es\s+nicht\b
      | non\s+(?:lo\s+)?(?:è|era|fu)\b | per\s+me\s+no\b | niente\s+è\b
    )"""
)
# Quotation marks opened before the claim and not closed: someone else's words.
_QUOTES = re.compile(r"[\"“”«»]")
# A guarantee of money, rankings or a refund is not a health outcome (a spam
# flag covers the ad).
_GUARANTEE_OF_MONEY = re.compile(
    r"""(?ix)\b(?:returns?|profits?|ranking|page\s+1|likes|followers|abonnés|income|payouts?|roi
      |retorno|lucro|ganancias|rendimiento|gains|money\s+back|refund|dinheiro\s+de\s+volta
      |reembolso|remboursé|satisfaction)\b"""
)
_SCARE_QUOTES = re.compile(r"[\"'“‘]\s*$")
# "cured meat", "cured ham": food, not health.
_FOOD = re.compile(
    r"(?i)^\s+(?:meats?|hams?|bacon|salmon|sausages?|salami|pork|beef|fish|olives?|eggs?|tobacco|cheese|chorizo|jam[oó]n)\b"
)


def find_claims(text: str) -> Iterator[tuple[int, int, str]]:
    for label, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            clause = _CLAUSE_BREAK.split(text[max(0, start - 80) : start])[-1]
            # Only the last few words count: "years of no relief, then it cured me".
            near = " ".join(clause.split()[-6:])
            near = re.sub(r"(?i)\bnothing\s+short\s+of\b", "", near)  # emphasis, not denial
            if label == "never again":
                if re.search(r"(?i)\b(?:not|no|n't)\b", near):
                    continue
            elif _NEGATION.search(near) or re.search(r"(?i)n't\s*(?:\w+\s+)?$", near + " "):
                continue
            if _NEGATION_AFTER.match(text[end : end + 60]):
                continue
            if _SCARE_QUOTES.search(text[max(0, start - 2) : start]):
                continue
            if _DENIED_NEXT.match(text[end : end + 100]):
                continue
            sentence_before = re.split(r"[.!?]\s", text[max(0, start - 120) : start])[-1]
            if len(_QUOTES.findall(sentence_before)) % 2 == 1:
                continue
            rest = re.match(r"[^.!?]*([.!?]?)", text[end:])
            if rest is not None and rest.group(1) == "?":
                continue  # a question asks, it does not claim
            if label == "a guarantee" and _GUARANTEE_OF_MONEY.search(
                text[max(0, start - 40) : end + 40]
            ):
                continue
            if _PROPER_NAME.match(text[start : end + 30]) and not _sentence_start(text, start):
                continue  # "Milagros Quispe", a name
            if label == "a cure" and _FOOD.match(text[end : end + 20]):
                continue
            if label == "skip surgery or medication" and not _imperative_or_general(text, start):
                continue
            if label == "a guarantee" and re.search(
                r"(?i)\bno\s+$", text[max(0, start - 5) : start]
            ):
                continue
            yield start, end, label


_PROPER_NAME = re.compile(r"[A-ZÁÉÍÓÚ][a-záéíóúñ]+\s+[A-ZÁÉÍÓÚ][a-záéíóúñ]+")


def _sentence_start(text: str, start: int) -> bool:
    return not text[:start].strip() or text[:start].rstrip()[-1] in '.!?:;\n"“'


def _imperative_or_general(text: str, start: int) -> bool:
    """ "Skip the surgery" told to others, not "I was able to avoid surgery"."""
    before = _CLAUSE_BREAK.split(text[max(0, start - 60) : start])[-1].strip().lower()
    if not before or before in (
        ",",
        "so",
        "just",
        "and",
        "then",
        "so just",
        "you should",
        "people should",
    ):
        return True
    if re.search(r"(?i)\b(?:should|must|need\s+to|can|could)\s*$", before):
        return not re.search(r"(?i)\b(?:i|we)\s+(?:could|can)\s*$", before)
    if re.search(r"(?i)\b(?:nobody|no\s+one|you\s+don't|you\s+won't)\b", text[start : start + 20]):
        return True
    return bool(re.fullmatch(r"(?i)(?:\w+\s*,\s*)?", before))


def screen(text: str, context: ScreeningContext) -> list[Flag]:
    flags: list[Flag] = []
    taken: list[tuple[int, int]] = []
    for start, end, label in sorted(find_claims(text)):
        if any(start < other_end and other_start < end for other_start, other_end in taken):
            continue
        taken.append((start, end))
        flags.append(
            Flag(
                kind="medical_claim",
                severity="medium",
                detail=f"An outcome claim ({label}).",
                start=start,
                end=end,
            )
        )
    return flags
