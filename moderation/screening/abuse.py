"""Abuse: insults aimed at people, demeaning remarks, threats, hate.

Criticism of the service or of someone's behaviour is not abuse ("rude
receptionist", "he ignored me", "avoid this therapist"): the rules look for
name-calling ("idiot", "clown"), words that demean a person's body, age or
origin, and threats, veiled ones included ("I know where he parks").
Severity is high for threats, medium otherwise.

Written for English and Spanish, with the insult vocabulary, threats and
"go back where you came from" of Portuguese, French, German and Italian
(`LANGUAGES`); a story in any other language is flagged `unscreened` for
abuse by the runner.
"""

import re
from collections.abc import Iterator

from moderation.screening import Flag, ScreeningContext, Severity

LANGUAGES = frozenset({"en", "es", "pt", "fr", "de", "it"})

# Nouns and adjectives that insult whoever they are aimed at.
_INSULTS = r"""
    idiot|idiots|idiotic|moron|morons|moronic|imbecile|imbeciles|imbécil|cretin|cretins|dimwit
  | dimwits|nitwit|halfwit|numbskull|bonehead|airhead|dunce|buffoon|buffoons|clown|clowns
  | loser|losers|scumbag|scumbags|scum|lowlife|dirtbag|pervert|psycho|lunatic
  | retard|retards|retarded|quack|quacks|charlatan|charlatans|butcher|butchers
  | vermin|subhuman|slob|slobs|hag|bimbo|geezer
  | douchebag|douchebags|dumbass|jackass|dipshit|dickhead|wanker
  | idiota|idiotas|estúpido|estúpida|estupido|estupida|pendejo|pendeja|gilipollas|imbecil
  | tonto|tonta|otário|otária|burro|burra|connard|connasse|crétin|abruti
  | abrutie|débile|trottel|vollidiot|depp|arschloch|stronzo|cretino
  | payaso|payasa|payasos|payasas|subnormal|subnormales|retrasado|retrasada|retrasados
  | mongólico|mongólica|zorra|malnacido|malnacida|desgraciado|desgraciada|desgraciados
  | matasanos|charlatán|charlatana|charlatanes|cretina|cretinos|tarado|tarada|tarados
  | imbéciles|idiotas|estúpidos|estúpidas|pendejos|pendejas|maricón|maricones|sudaca|sudacas
  | imbecis|palhaço|palhaça|palhaços|jumento|jumenta|babaca|babacas|arrombado|arrombada
  | retardado|retardada|otários|cretina|lesado|lesada|corja
  | imbécile|imbéciles|crétins|abrutis|enfoiré|enfoirés|tocard|tocards|niaiseuse|niaiseux
  | idiotin|trottel|vollidioten|vollpfosten|dummkopf|blödmann|schlampe|wichser|pfuscher
  | scharlatan|versager|imbecille|imbecilli|coglione|coglioni|pagliaccio|pagliacci
  | deficiente|deficienti|cialtrone|ciarlatano|macellaio|stronza|stronzi
"""
_INSULT = re.compile(rf"(?ix)\b(?:{_INSULTS})\b")
# Insults of one language that are ordinary words in another ("retard": a
# delay in French; "burro": butter in Italian).
_ORDINARY = {"fr": {"retard", "retards"}, "it": {"burro"}}
# Swear words that insult only when aimed: "what a bitch", not "hurts like a bitch".
_AIMED_SWEAR = re.compile(
    r"""(?ix)\b(?:you|you're|he's|she's|is\s+a|was\s+a|what\s+a|that|this|such\s+a|total
      |complete|real|absolute|bunch\s+of|these|those)\s+(?:\w+\s+)?
      (?:bitch(?:es)?|bastards?|pricks?|assholes?|cunts?|twats?|dicks?)\b"""
)
# Adjectives that insult when aimed at a person, not at a thing ("stupid app").
_PERSON_ADJECTIVE = re.compile(
    r"""(?ix)\b(?:stupid|stupidest|dumb|dumbest|fat|fattest|ugly|ugliest|useless|worthless
      |pathetic|brainless|disgusting|smelly|senile|incompetent|lazy|laziest|whiny|ignorant
      |illiterate)\b"""
)
_PERSON_NOUN = re.compile(
    r"""(?ix)\b(?:person|people|woman|women|man|men|guy|guys|girl|lady|ladies|idiot
      |therapist|therapists|receptionist|receptionists|doctor|doctors|nurse|nurses|staff
      |physio|trainer|surgeon|chiropractor|assistant|manager|he|she|they|him|her|them|you
      |someone|somebody|anyone|lot|bunch|clown|creature|human|humans|being|folks|loser|losers
      |moron|morons|slob|cow|pig|hag|witch|fossil|geezer|grandpa|grandma|boomer|boomers)\b"""
)
_ALWAYS = re.compile(
    r"""(?ix)
      \b(?:dumb|stupid|thick|dense)\s+as\s+(?:a\s+)?(?:box\s+of\s+)?(?:rocks?|bricks?|a\s+post|dirt|wood)
    | \bpiece\s+of\s+(?:shit|crap|garbage|trash|work|filth)
    | \bwaste\s+of\s+(?:space|oxygen|air|skin)
    | \b(?:pathetic|poor|sorry|sad)\s+excuse\s+(?:for|of)\s+(?:a\s+|an\s+)?(?:human|person|man
      |woman|therapist|doctor|physio|professional|receptionist|nurse)
    | \b(?:go|send|ship|get|kick|take|put|deport|fly|crawl|swim|head)\s+(?:\w+\s+){0,2}back
      \s+(?:to\s+)?wher(?:e|ever)\s+(?:you|they|he|she|them|those\s+people)\s+
      (?:came|come|crawled)\s+from
    | \b(?:go|send|ship|get|kick|take|put|deport|fly|crawl|swim|head)\s+(?:\w+\s+){0,2}back
      \s+to\s+(?:your|their|his|her)\s+(?:own\s+)?country
    | \bpeople\s+like\s+(?:that|them|her|him|you|those)\s+(?:shouldn't|should\s+not)\s+be\b
    | \b(?:women|men|girls|females|immigrants|foreigners|old\s+people|blacks|whites|asians
      |mexicans|muslims|jews|gays|millennials|boomers)\s+(?:shouldn't|should\s+not|can't
      |cannot|don't\s+belong|do\s+not\s+belong|belong\s+in\s+the
      |are\s+(?:too|all|always|never)\b(?!\s+(?:welcome|treated|respected|greeted|made|given)))
    | \b(?:gorda|gordo|vieja|viejo)\s+(?:asquerosa|asqueroso|inútil|bruja|chocha|chocho|loca|loco
      |estúpida|estúpido|amargada|amargado|cerda|cerdo|vaca)\b
    | \bvuélvete\s+a\s+tu\s+país|\bque\s+se\s+vuelva[n]?\s+a\s+su\s+país
    | \b(?:voltar|volta|voltem)\s+(?:pro|para\s+o|ao)\s+(?:seu\s+)?país
      \s+(?:deles|dela|dele|de\s+vocês)?
    | \b(?:retourne[rz]?|rentre[rz]?)\s+(?:dans\s+(?:ton|votre|leur)\s+pays|chez\s+(?:toi|vous|eux))
    | \bdahin\s+zurück,?\s+wo\s+(?:sie|er|du|ihr)\s+herkomm\w*
    | \bgeh\w*\s+zurück\s+in\s+(?:dein|euer|ihr)\s+land
    | \b(?:torna\w*|tornatevene|tornassero)\s+(?:al|nel)\s+(?:tuo|loro|vostro)\s+paese
    | \b(?:bande|espèce)\s+de\s+(?:\w+\s+)?cons?\b|\bgros\s+con\b|\batrasado\s+mental\b
    | \bpedazo\s+de\s+(?:mierda|basura|idiota|inútil|imbécil)
    | \b(?:tonto|tonta)\s+de\s+remate\b
    """
)
_THREATS = re.compile(
    r"""(?ix)
      \bi\s+know\s+where\s+(?:he|she|you|they|your|his|her|their)\b[^.!?]{0,20}?
      \b(?:lives?|parks?|works?|sleeps?|kids?|family|house|car)\b
    | \bi\s+know\s+(?:what|which|where)\s+(?:car|school|gym|bus|route)?\s*
      (?:he|she|you|they)\s+(?:drives?|leaves?|gets?\s+off|finishes|walks?|parks?)\b
    | \b(?:someone|somebody|you|he|she|they|people)\s+(?:is|are|will|'s|’s|'re|’re)?\s*
      (?:going\s+to|gonna|will)\s+(?:get\s+hurt|pay(?=\s*(?:[.!?,;]|$)|\s+dearly)|regret
      |be\s+sorry|suffer|bleed)
    | \b(?:you've|you\s+have|you're|you\s+are|consider\s+yourselves?|be)\s+(?:been\s+)?warned\b
    | \bwatch\s+(?:your|his|her|their)\s+back\b
    | \b(?:slash|slashes|slashed|key|keys|keyed|smash|smashes|smashed)\s+(?:his|her|their|your)
      \s+(?:tires|tyres|car|windows?|windshield)\b
    | \bi\s+hope\s+(?:he|she|they|you)\s+(?:dies?|rots?|suffers?|gets?\s+(?:hit|hurt|run\s+over))\b
    | \b(?:i'll|i\s+will|i'm\s+going\s+to|im\s+gonna|i'm\s+gonna|gonna)\s+
      (?:kill|hurt|beat|punch|shoot|stab|destroy|find|get|end|break)\s+
      (?:you|him|her|them|that|this|the|your|his|every)
    | \b(?:make|making)\s+(?:him|her|them|you)\s+pay\b(?!\s+(?:for\s+(?:the|a|my|your)|by|in|at|up))
    | \b(?:he|she|they|you)\s*(?:'s|’s|is|are|'re)?\s*(?:going\s+to|gonna)\s+pay\s+for
      \s+(?:this|that|it|what)\b
    | \b(?:burn|blow)\s+(?:the\s+place|it|this\s+place|that\s+place)\s+(?:down|up)\b
    | \b(?:deserves?|ought)\s+to\s+(?:die|suffer|be\s+(?:shot|beaten|hurt|killed))
    | \bshould\s+be\s+(?:shot|beaten|hanged|hung|killed|strangled)\b
    | \bs[ée]\s+d[óo]nde\s+(?:vive|vives|viven|trabaja|trabajas|trabajan|aparca|aparcas|estaciona
      |duerme|viven\s+sus\s+hijos|estudian\s+sus\s+hijos)\b
    | \b(?:me\s+las|las)\s+(?:vas|va|van)\s+a\s+pagar\b|\b(?:vas|va|van)\s+a\s+pagar(?:la|lo)\b
    | \b(?:te|se)\s+(?:vas|va|van)\s+a\s+arrepentir\b
    | \b(?:est[áa]s|est[áa]n|quedas|quedan|queda)\s+advertid[oa]s?\b
    | \b(?:te|lo|la|los|las)\s+voy\s+a\s+(?:matar|partir|romper|reventar|buscar|hundir)\b
    | \bvoy\s+a\s+(?:matar|quemar|reventar)\b
    | \bmerece[n]?\s+(?:morir|sufrir|que\s+l[oea]s?\s+maten)\b
    | \bcuida\s+tus\s+espaldas\b|\bcuídese\s+las\s+espaldas\b
    | \b(?:consider\s+this|this\s+is)\s+(?:your\s+)?(?:only|final|last)\s+warning\b
    | \b(?:das\s+ist\s+eine\s+warnung|fica\s+o\s+aviso|c'est\s+un\s+avertissement
      |questo\s+è\s+un\s+avvertimento|es\s+una\s+advertencia)\b
    | \b(?:someone|somebody)\s+(?:should|ought\s+to|needs\s+to)\s+teach\s+(?:[\w.]+\s+){1,3}
      a\s+lesson
    | \bjemand\s+sollte\s+(?:[\w.]+\s+){1,4}eine\s+lektion\s+erteilen
    | \balguém\s+(?:devia|deveria)\s+dar\s+uma\s+lição
    | \bquelqu'un\s+devrait\s+(?:lui\s+)?donner\s+une\s+leçon
    | \bqualcuno\s+dovrebbe\s+dar(?:e|gli|le)\s+una\s+lezione
    | \bich\s+weiß,?\s+wo\s+(?:er|sie|du)\s+(?:wohnt|wohnst|parkt|parkst|arbeitet)
    | \b(?:sei|sabe|sabem|sé)\s+onde\s+(?:ela|ele|você)\s+(?:mora|estaciona|trabalha)
    | \bje\s+sais\s+où\s+(?:il|elle|tu)\s+(?:habite|habites|gare|se\s+gare|travaille)
    | \bso\s+dove\s+(?:abita|abiti|parcheggia|lavora)
    """
)
# Name-calling with an animal, only when aimed at someone ("is an arrogant
# pig", "you snake"), never "pig" or "snake" alone.
_ANIMAL_INSULT = re.compile(
    r"""(?ix)\b(?:is|was|you|what|such|that|this|he's|she's|you're|total|complete|real)
      \s+(?:an?\s+)?(?:\w+\s+)?(?:pig|pigs|swine|ape|apes|cow|cows|rat|rats|snake|snakes
      |weasel|weasels|donkey|donkeys|baboon|baboons|cerdo|cerda|puerco|puerca|rata)\b(?![-\w])"""
)
# Self-directed: "I felt like an idiot" is not aimed at anyone else.
_SELF = re.compile(
    r"(?i)\b(?:i|i'm|i’m|i\s+am|i\s+was|me|myself|felt\s+like|feel\s+like"
    r"|me\s+sent[íi]|me\s+siento|soy|fui|yo)\b[^.!?]{0,20}$"
)


def find_abuse(text: str, language: str | None = None) -> Iterator[tuple[int, int, str]]:
    ordinary = _ORDINARY.get(language or "", set())
    for match in _THREATS.finditer(text):
        yield match.start(), match.end(), "threat"
    for match in _ALWAYS.finditer(text):
        yield match.start(), match.end(), "insult"
    for match in _ANIMAL_INSULT.finditer(text):
        yield match.start(), match.end(), "insult"
    for match in _AIMED_SWEAR.finditer(text):
        yield match.start(), match.end(), "insult"
    for match in _INSULT.finditer(text):
        if match.group(0).lower() in ordinary:
            continue
        if _SELF.search(text[max(0, match.start() - 30) : match.start()]):
            continue
        yield match.start(), match.end(), "insult"
    for match in _PERSON_ADJECTIVE.finditer(text):
        # "stupid receptionist", "the receptionist is stupid", "someone that stupid"
        after = text[match.end() : match.end() + 25]
        before = text[max(0, match.start() - 25) : match.start()]
        sentence_before = re.split(r"[.!?]", before)[-1]
        word = match.group(0).lower()
        if word in ("incompetent", "lazy", "useless", "ignorant", "pathetic", "disgusting"):
            # criticism of how someone works, unless it is name-calling
            if re.match(
                r"(?i)\s*,?\s*(?:\w+\s+)?(?:idiots?|morons?|losers?|slobs?|fools?)\b", after
            ):
                yield match.start(), match.end(), "insult"
            continue
        if (
            any(_PERSON_NOUN.fullmatch(word) for word in re.findall(r"[\w']+", after)[:2])
            or (
                re.search(r"(?i)\b(?:that|so|too)\s*$", sentence_before)
                and re.search(
                    r"(?i)\b(?:someone|somebody|anyone|person|people|he|she|they)\b",
                    sentence_before,
                )
            )
            or re.search(
                r"(?i)\b(?:he|she|they|you|therapist|receptionist|doctor|nurse|staff)\s+(?:is|was|are|were|'s|’s|'re)\s+(?:so\s+|such\s+|really\s+|just\s+)?(?:a\s+|an\s+)?$",
                sentence_before,
            )
        ):
            yield match.start(), match.end(), "insult"


def screen(text: str, context: ScreeningContext) -> list[Flag]:
    flags: list[Flag] = []
    seen: list[tuple[int, int]] = []
    for start, end, kind in sorted(find_abuse(text, context.language)):
        if any(start < other_end and other_start < end for other_start, other_end in seen):
            continue
        seen.append((start, end))
        severity: Severity = "high" if kind == "threat" else "medium"
        detail = "A threat." if kind == "threat" else "An insult or a demeaning remark."
        flags.append(Flag(kind="abuse", severity=severity, detail=detail, start=start, end=end))
    return flags
