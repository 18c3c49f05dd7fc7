# ruff: noqa: E501  (sentences, one template a line)
"""Templates for `generated-content.jsonl` (see generate.py).

Each entry is `family: template`. A template may start with a mark: a
sentiment (`+`, `-`, `=`) followed by extra flags (`p` profanity, `a` abuse,
`c` medical claim) and a space, e.g. `-pa ` for a negative, profane, abusive
text. The kind of a family sets its own flag (abuse/* is abusive, claim/* a
claim, profanity/* profane). Spam is composed, not templated: see
templates_spam.py (spam/* is spam, and its sentiment is neutral).
Slots are those of templates_pii.py plus the word lists in WORDS below and
`{mash}` (keyboard mash).
"""

import random
from collections.abc import Callable

from moderation.screening.corpus import templates_spam

KINDS = ("spam", "abuse", "profanity", "claim", "hedged", "honest")

WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "insult": ("idiot", "moron", "clown", "imbecile", "incompetent fool", "halfwit", "buffoon"),
        "swear": ("shit", "crap", "bullshit"),
        "masked": ("sh*t", "sh!t", "f***ing", "b!tch", "a$$", "f-ing", "sh1t", "bullsh*t"),
        "abbr": ("wtf", "WTF", "omfg", "ffs", "OMFG"),
        "group": ("old people", "women", "foreigners", "immigrants", "fat people", "young people"),
    },
    "es": {
        "insult": ("idiota", "imbécil", "inútil", "payaso", "tonto", "incompetente"),
        "swear": ("mierda", "joder", "coño", "hostia", "puta madre", "carajo"),
        "masked": ("m13rda", "j*der", "p*ta", "mi3rda", "c*ño", "m!erda", "h0stia"),
        "abbr": ("ptm", "alv", "wtf", "hdlgp", "ctm"),
        "group": ("los viejos", "las mujeres", "los extranjeros", "los inmigrantes", "los gordos"),
    },
    "pt": {
        "insult": ("idiota", "imbecil", "palhaço", "burro", "incompetente", "anta"),
        "swear": ("merda", "porra", "caralho", "foda", "puta que pariu", "cacete"),
        "masked": ("m*rda", "p0rra", "c@ralho", "f*da", "merd@", "p*rra", "c*ralho"),
        "abbr": ("pqp", "wtf", "vsf", "tnc", "krl"),
        "group": ("os velhos", "as mulheres", "os estrangeiros", "os imigrantes", "os gordos"),
    },
    "fr": {
        "insult": ("idiot", "imbécile", "crétin", "abruti", "guignol", "incapable"),
        "swear": ("merde", "putain", "bordel", "chier", "foutu", "bordel de merde"),
        "masked": ("m*rde", "p*tain", "b0rdel", "put1", "m3rde", "p@tain", "ch*er"),
        "abbr": ("ptn", "wtf", "tfk", "ptdr", "wsh"),
        "group": ("les vieux", "les femmes", "les étrangers", "les immigrés", "les gros"),
    },
    "de": {
        "insult": ("Idiot", "Trottel", "Vollidiot", "Depp", "Versager", "Hohlkopf"),
        "swear": ("Scheiße", "Verdammt", "Mist", "Kacke", "Verdammte Scheiße", "Heilige Scheiße"),
        "masked": ("Sch***e", "Schei$$e", "verd@mmt", "Sch31ße", "K*cke", "besch*ssen", "Sch€iße"),
        "abbr": ("wtf", "WTF", "omfg", "ffs", "OMFG"),
        "group": ("alte Leute", "Frauen", "Ausländer", "Migranten", "dicke Menschen"),
    },
    "it": {
        "insult": ("idiota", "imbecille", "cretino", "pagliaccio", "somaro", "incapace"),
        "swear": ("merda", "cazzo", "porca puttana", "stronzata", "incazzato", "cazzata"),
        "masked": ("m*rda", "c***o", "c@zzo", "m3rda", "str*nzata", "ca**o", "p0rca p*ttana"),
        "abbr": ("wtf", "WTF", "cmq cazz", "omfg", "mlmc"),
        "group": ("i vecchi", "le donne", "gli stranieri", "gli immigrati", "i grassi"),
    },
}

TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "abuse": (
            "insult: -a {titled} is a complete {insult} who shouldn't be allowed near patients.",
            "insult: -a The {role} {first} is a total {insult}. Dumb as a box of rocks.",
            "insult: -a What a pack of morons at this place, starting with {titled}.",
            "demeaning: -a {first} is too old and too fat to be teaching anyone exercises, honestly embarrassing.",
            "demeaning: -a No wonder it didn't work, the therapist was a little girl who should be making coffee.",
            "demeaning: -a {titled} can barely speak English, go back to wherever you trained.",
            "threat: -a I'd watch my back if I were {first}. I know where she parks.",
            "threat: -a Someone should teach {titled} a lesson, and it might be me. Consider this a warning.",
            "threat: -a Tell {first} to be careful walking to the car at night after what she did to me.",
            "hate: -a {group} shouldn't be allowed to work in healthcare, they are all lazy and useless.",
            "hate: -a Typical, {group} ruin every clinic they touch.",
            "harassment: -a Everyone go leave one star for {name}, let's flood every page she has until she quits.",
            "harassment: -a I will keep posting about {first} every day. Her number is {phone}, call her and tell her what you think.",
        ),
        "profanity": (
            "plain: -p The waiting room was a {swear} show and nobody cared.",
            "plain: +p Holy shit, my {part} actually feels normal after {n} sessions.",
            "plain: -p Paid {price} for this {swear}. Never again at this place.",
            "plain: =p It helped a bit, but the parking is a pain in the ass.",
            "plain: -p Damn, what a waste of {price}. I was so pissed when they cancelled again.",
            "masked: +p This {masked} actually works, my {part} is way better.",
            "masked: -p Forty minutes late, {masked} service.",
            "masked: -p My {part} still hurts like a {masked} and they keep rebooking me.",
            "masked: =p {masked} I was skeptical. Some days better, some days not.",
            "abbreviation: -p {abbr}, they billed me twice.",
            "abbreviation: +p {abbr} my {part} is finally quiet, thank you {first}!",
            "abbreviation: -p {abbr} is wrong with the booking system here",
        ),
        "claim": (
            "cure: + {first} cured my {part} completely after {n} sessions.",
            "cure: + This clinic is the cure for sciatica, full stop.",
            "miracle: + For me it was a miracle, {weeks} years of pain gone.",
            "miracle: + Miracle workers! My {part} is brand new.",
            "guarantee: + Guaranteed results, I promise you will walk out pain free.",
            "guarantee: + 100% effective, I've been pain free since day one.",
            "universal: + This works for everyone, every single patient leaves fixed.",
            "universal: + It will work for you too, it works for every back problem there is.",
            "permanent: + Permanent fix! My {part} will never hurt again.",
            "permanent: + Pain gone forever after {n} visits with {titled}.",
            "skip-treatment: + Skip the surgery, {titled} fixed what three surgeons couldn't.",
            "skip-treatment: + Stop taking your pain meds and just come here.",
            "better-than-drugs: + Better than any drug I've ever taken.",
            "better-than-drugs: + Dry needling reverses nerve damage, better than any pill.",
        ),
        "hedged": (
            "claim: + Not a miracle cure and nobody pretended it was, but my {part} is much better.",
            "claim: = No clinic can promise a permanent fix, and they didn't.",
            "claim: - They oversold it like it's some miracle. It wasn't.",
            "claim: = It's not for everyone, my brother didn't improve.",
            "claim: + I wouldn't call it a cure, but pain went from {score} to {lowscore}.",
            "claim: = Can't say it works for everyone, it helped me a little.",
            "claim: + I avoided the injections, at least for now. Talk to your own doctor first.",
            "claim: - The website says guaranteed results; that's nonsense, nothing is guaranteed.",
            "claim: + No guarantees, {first} was honest about that, and it still helped.",
            "claim: - A friend said it works for everyone. It did not work for me.",
            "claim: = Nobody should stop their meds because of a review, I only added physio to mine.",
        ),
        "honest": (
            "positive: + {first} was patient and my {part} improved a lot in {weeks} weeks.",
            "positive: + Friendly staff, clear exercises, and {titled} listened to me.",
            "positive: + Back to running after {n} sessions. Thank you {first}!",
            "negative: - Waited {n} weeks and the {role} spent ten minutes with me.",
            "negative: - Rude receptionist and they billed me {price} twice.",
            "negative: - {titled} ignored what I said and my {part} is worse.",
            "mixed: = Good therapist, terrible parking, inconvenient hours.",
            "mixed: = {first} was great but the front desk lost my paperwork twice.",
            "mixed: = My {part} is about half better. Pricey at {price} a session.",
            "positive: + I was nervous about dry needling but {first} talked me through every step.",
            "negative: - Three cancelled appointments in a row and nobody called me back. My {part} is no better.",
            "mixed: = Exercises helped, the massage part did nothing. {first} was kind though.",
        ),
    },
    "es": {
        "abuse": (
            "insult: -a {titled} es un {insult} que no debería tratar pacientes.",
            "insult: -a La {role} {first} es una {insult} de manual.",
            "insult: -a Todos en esta clínica son unos inútiles, empezando por {titled}.",
            "demeaning: -a {first} es demasiado vieja y gorda para enseñar ejercicios.",
            "demeaning: -a Una niñata que debería estar sirviendo cafés, no tratando espaldas.",
            "threat: -a Yo que {first} tendría cuidado. Sé dónde aparca.",
            "threat: -a Alguien debería darle una lección a {titled}. Queda avisado.",
            "hate: -a {group} no deberían trabajar en sanidad, son todos unos vagos.",
            "hate: -a Típico, {group} lo arruinan todo.",
            "harassment: -a Dejad todos una estrella a {name} hasta que cierre. Su móvil es {phone}, llamadla.",
        ),
        "profanity": (
            "plain: -p La sala de espera es una mierda y nadie hace nada.",
            "plain: +p {swear}, mi {part} por fin está bien tras {n} sesiones.",
            "plain: -p Pagué {price} por esta mierda de tratamiento.",
            "masked: +p Esta {masked} funciona de verdad, mi {part} está mejor.",
            "masked: -p Cuarenta minutos tarde, servicio de {masked}.",
            "masked: =p {masked}, no sé si ha funcionado, unos días mejor y otros no.",
            "abbreviation: -p {abbr}, me cobraron dos veces.",
            "abbreviation: +p {abbr}, mi {part} ya no duele, gracias {first}!",
        ),
        "claim": (
            "cure: + {first} me curó la {part} por completo en {n} sesiones.",
            "cure: + Esta clínica es la cura definitiva para la ciática.",
            "miracle: + Para mí fue un milagro, años de dolor desaparecidos.",
            "guarantee: + Resultados garantizados, saldrás sin dolor.",
            "universal: + Funciona para todo el mundo, cada paciente sale curado.",
            "permanent: + Solución permanente, nunca más me dolerá la {part}.",
            "skip-treatment: + No te operes, {titled} arregló lo que tres cirujanos no pudieron.",
            "skip-treatment: + Deja las pastillas y ven aquí.",
            "better-than-drugs: + Mejor que cualquier medicamento que he tomado.",
            "permanent: + El dolor se fue para siempre después de {n} visitas.",
        ),
        "hedged": (
            "claim: + No es una cura milagrosa y nadie dijo que lo fuera, pero estoy mejor.",
            "claim: = Ninguna clínica puede prometer una solución permanente.",
            "claim: - Lo venden como si fuera un milagro. No lo es.",
            "claim: = No es para todo el mundo, a mi hermano no le ayudó.",
            "claim: + No diría que me curó, pero el dolor bajó de {score} a {lowscore}.",
            "claim: + Evité las infiltraciones, de momento. Consultad a vuestro médico.",
            "claim: - La web dice resultados garantizados; nada está garantizado.",
            "claim: + Sin garantías, {first} fue honesta, y aun así me ayudó.",
            "claim: - Un amigo dijo que funciona para todos. A mí no me funcionó.",
            "claim: = Nadie debería dejar su medicación por una reseña; yo solo añadí fisio.",
        ),
        "honest": (
            "positive: + {first} tuvo mucha paciencia y mi {part} mejoró en {weeks} semanas.",
            "positive: + Personal amable, ejercicios claros y {titled} me escuchó.",
            "positive: + Vuelvo a correr tras {n} sesiones. ¡Gracias {first}!",
            "negative: - Esperé {n} semanas y el {role} me dedicó diez minutos.",
            "negative: - Recepcionista borde y me cobraron {price} dos veces.",
            "negative: - {titled} no me escuchó y mi {part} está peor.",
            "mixed: = Buen fisio, aparcamiento horrible, horarios incómodos.",
            "mixed: = {first} genial, pero en recepción perdieron mis papeles.",
            "mixed: = Mi {part} está a medias. Caro, {price} la sesión.",
            "positive: + Tenía miedo a la punción seca, pero {first} me explicó cada paso.",
            "negative: - Me cancelaron tres citas seguidas y nadie me llamó. Mi {part} sigue igual.",
            "mixed: = Los ejercicios ayudaron, el masaje no tanto. {first} muy amable.",
        ),
    },
    "pt": {
        "abuse": (
            "insult: -a {titled} é um {insult} que não devia atender ninguém.",
            "insult: -a A {role} {first} é uma {insult} completa.",
            "insult: -a Todo mundo nessa clínica é {insult}.",
            "demeaning: -a {first} é velha e gorda demais pra ensinar exercício.",
            "demeaning: -a Uma menininha que devia estar servindo café, não tratando coluna.",
            "threat: -a Se eu fosse {first} tomava cuidado. Sei onde ela estaciona.",
            "threat: -a Alguém devia dar uma lição em {titled}. Fica o aviso.",
            "hate: -a {group} não deviam trabalhar na saúde, são todos preguiçosos.",
            "hate: -a Típico, {group} estragam tudo.",
            "harassment: -a Todo mundo deixa uma estrela pra {name} até fechar. O celular é {phone}, liguem.",
        ),
        "profanity": (
            "plain: -p A sala de espera é uma merda e ninguém faz nada.",
            "plain: +p {swear}, meu {part} finalmente melhorou depois de {n} sessões.",
            "plain: -p Paguei {price} por essa merda de tratamento.",
            "masked: +p Essa {masked} funciona mesmo, meu {part} está melhor.",
            "masked: -p Quarenta minutos de atraso, atendimento de {masked}.",
            "masked: =p {masked}, não sei se funcionou, uns dias melhor, outros não.",
            "abbreviation: -p {abbr}, me cobraram duas vezes.",
            "abbreviation: +p {abbr}, meu {part} parou de doer, valeu {first}!",
        ),
        "claim": (
            "cure: + {first} curou meu {part} completamente em {n} sessões.",
            "cure: + Essa clínica é a cura da ciática.",
            "miracle: + Pra mim foi um milagre, anos de dor sumiram.",
            "guarantee: + Resultado garantido, você sai sem dor.",
            "universal: + Funciona pra todo mundo, todo paciente sai curado.",
            "permanent: + Solução permanente, nunca mais vou sentir dor no {part}.",
            "skip-treatment: + Não faça a cirurgia, {titled} resolveu o que três cirurgiões não conseguiram.",
            "skip-treatment: + Pare de tomar remédio e venha pra cá.",
            "better-than-drugs: + Melhor que qualquer remédio que já tomei.",
            "permanent: + A dor sumiu para sempre depois de {n} visitas.",
        ),
        "hedged": (
            "claim: + Não é cura milagrosa e ninguém disse que era, mas estou melhor.",
            "claim: = Nenhuma clínica pode prometer solução permanente.",
            "claim: - Vendem como se fosse um milagre. Não é.",
            "claim: = Não é pra todo mundo, meu irmão não melhorou.",
            "claim: + Não diria que me curou, mas a dor foi de {score} para {lowscore}.",
            "claim: + Evitei as infiltrações, por enquanto. Falem com o seu médico.",
            "claim: - O site fala em resultado garantido; nada é garantido.",
            "claim: + Sem garantias, {first} foi honesta, e mesmo assim ajudou.",
            "claim: - Um amigo disse que funciona para todo mundo. Comigo não funcionou.",
            "claim: = Ninguém deve parar o remédio por causa de uma avaliação; eu só acrescentei a fisio.",
        ),
        "honest": (
            "positive: + {first} teve muita paciência e meu {part} melhorou em {weeks} semanas.",
            "positive: + Equipe simpática, exercícios claros e {titled} me ouviu.",
            "positive: + Voltei a correr depois de {n} sessões. Obrigada {first}!",
            "negative: - Esperei {n} semanas e o {role} ficou dez minutos comigo.",
            "negative: - Recepcionista grossa e me cobraram {price} duas vezes.",
            "negative: - {titled} não me ouviu e meu {part} piorou.",
            "mixed: = Bom fisioterapeuta, estacionamento péssimo, horários ruins.",
            "mixed: = {first} ótima, mas a recepção perdeu meus papéis.",
            "mixed: = Meu {part} melhorou pela metade. Caro, {price} a sessão.",
            "positive: + Eu tinha medo do agulhamento, mas {first} explicou cada passo.",
            "negative: - Cancelaram três consultas seguidas e ninguém me ligou. Meu {part} continua igual.",
            "mixed: = Os exercícios ajudaram, a massagem nem tanto. {first} foi gentil.",
        ),
    },
    "fr": {
        "abuse": (
            "insult: -a {titled} est un {insult} qui ne devrait pas soigner des patients.",
            "insult: -a La {role} {first} est une {insult} finie.",
            "insult: -a Tous des incapables dans ce cabinet, à commencer par {titled}.",
            "demeaning: -a {first} est trop vieille et trop grosse pour montrer des exercices.",
            "demeaning: -a Une gamine qui devrait servir le café, pas soigner des dos.",
            "threat: -a À la place de {first}, je ferais attention. Je sais où elle se gare.",
            "threat: -a Quelqu'un devrait donner une leçon à {titled}. C'est un avertissement.",
            "hate: -a {group} ne devraient pas travailler dans la santé, tous des fainéants.",
            "hate: -a Typique, {group} gâchent tout.",
            "harassment: -a Mettez tous une étoile à {name} jusqu'à ce qu'elle ferme. Son portable : {phone}, appelez-la.",
        ),
        "profanity": (
            "plain: -p La salle d'attente, c'est le bordel et personne ne fait rien.",
            "plain: +p {swear}, mon {part} va enfin bien après {n} séances.",
            "plain: -p J'ai payé {price} pour ce traitement de merde.",
            "masked: +p Ce truc marche, {masked}, mon {part} va mieux.",
            "masked: -p Quarante minutes de retard, {masked} de service.",
            "masked: =p {masked}, je ne sais pas si ça a marché, des hauts et des bas.",
            "abbreviation: -p {abbr}, ils m'ont facturé deux fois.",
            "abbreviation: +p {abbr}, mon {part} ne fait plus mal, merci {first} !",
        ),
        "claim": (
            "cure: + {first} a guéri mon {part} complètement en {n} séances.",
            "cure: + Ce cabinet, c'est le remède contre la sciatique, point.",
            "miracle: + Pour moi c'était un miracle, des années de douleur envolées.",
            "guarantee: + Résultats garantis, vous sortirez sans douleur.",
            "universal: + Ça marche pour tout le monde, chaque patient repart guéri.",
            "permanent: + Solution définitive, mon {part} ne me fera plus jamais mal.",
            "skip-treatment: + Évitez l'opération, {titled} a réglé ce que trois chirurgiens n'ont pas pu.",
            "skip-treatment: + Arrêtez vos médicaments et venez ici.",
            "better-than-drugs: + Mieux que n'importe quel médicament.",
            "permanent: + Douleur partie pour toujours après {n} visites.",
        ),
        "hedged": (
            "claim: + Ce n'est pas un remède miracle et personne ne l'a prétendu, mais je vais mieux.",
            "claim: = Aucun cabinet ne peut promettre une solution définitive.",
            "claim: - Ils le vendent comme un miracle. Ce n'en est pas un.",
            "claim: = Ce n'est pas pour tout le monde, mon frère n'a rien vu.",
            "claim: + Je ne dirais pas guéri, mais la douleur est passée de {score} à {lowscore}.",
            "claim: + J'ai évité les infiltrations, pour l'instant. Parlez-en à votre médecin.",
            "claim: - Le site promet des résultats garantis ; rien n'est garanti.",
            "claim: + Aucune garantie, {first} a été honnête, et ça m'a quand même aidé.",
            "claim: - Un ami disait que ça marche pour tout le monde. Pas pour moi.",
            "claim: = Personne ne devrait arrêter son traitement à cause d'un avis ; j'ai juste ajouté la kiné.",
        ),
        "honest": (
            "positive: + {first} a été patiente et mon {part} va mieux en {weeks} semaines.",
            "positive: + Équipe sympa, exercices clairs, et {titled} m'a écouté.",
            "positive: + Je recours après {n} séances. Merci {first} !",
            "negative: - Attendu {n} semaines et le {role} m'a vu dix minutes.",
            "negative: - Accueil désagréable et facturé {price} deux fois.",
            "negative: - {titled} n'a rien écouté et mon {part} va plus mal.",
            "mixed: = Bon kiné, parking horrible, horaires pas pratiques.",
            "mixed: = {first} super, mais l'accueil a perdu mon dossier.",
            "mixed: = Mon {part} va à moitié mieux. Cher, {price} la séance.",
            "positive: + J'avais peur des aiguilles, mais {first} m'a tout expliqué.",
            "negative: - Trois rendez-vous annulés et personne ne m'a rappelé. Mon {part} n'a pas bougé.",
            "mixed: = Les exercices ont aidé, le massage pas vraiment. {first} était gentille.",
        ),
    },
    "de": {
        "abuse": (
            "insult: -a {titled} ist ein {insult} und sollte keine Patienten behandeln.",
            "insult: -a Der {role} {first} ist ein kompletter {insult}.",
            "insult: -a Lauter Idioten in dieser Praxis, allen voran {titled}.",
            "demeaning: -a {first} ist zu alt und zu dick, um irgendwem Übungen zu zeigen.",
            "demeaning: -a Ein kleines Mädchen, das lieber Kaffee kochen sollte statt Rücken zu behandeln.",
            "threat: -a An {first}s Stelle würde ich aufpassen. Ich weiß, wo sie parkt.",
            "threat: -a Jemand sollte {titled} eine Lektion erteilen. Das ist eine Warnung.",
            "hate: -a {group} sollten nicht im Gesundheitswesen arbeiten, alle faul.",
            "hate: -a Typisch, {group} machen alles kaputt.",
            "harassment: -a Gebt alle {name} einen Stern, bis sie aufgibt. Handy: {phone}, ruft sie an.",
        ),
        "profanity": (
            "plain: -p Das Wartezimmer ist beschissen und keinen interessiert es.",
            "plain: +p {swear}, mein {part} ist nach {n} Terminen endlich gut.",
            "plain: -p {price} für diesen Scheiß bezahlt.",
            "masked: +p {masked}, das funktioniert wirklich, mein {part} ist besser.",
            "masked: -p Vierzig Minuten Verspätung, {masked} Service.",
            "masked: =p {masked}, keine Ahnung ob es geholfen hat, mal besser, mal nicht.",
            "abbreviation: -p {abbr}, die haben zweimal abgebucht.",
            "abbreviation: +p {abbr}, mein {part} tut nicht mehr weh, danke {first}!",
        ),
        "claim": (
            "cure: + {first} hat mein {part} in {n} Terminen vollständig geheilt.",
            "cure: + Diese Praxis ist das Heilmittel gegen Ischias, Punkt.",
            "miracle: + Für mich war es ein Wunder, jahrelange Schmerzen weg.",
            "guarantee: + Garantierte Ergebnisse, ihr geht schmerzfrei raus.",
            "universal: + Hilft jedem, wirklich jeder Patient geht geheilt raus.",
            "permanent: + Dauerhafte Lösung, mein {part} wird nie wieder wehtun.",
            "skip-treatment: + Lasst euch nicht operieren, {titled} hat geschafft, was drei Chirurgen nicht konnten.",
            "skip-treatment: + Setzt eure Schmerzmittel ab und kommt hierher.",
            "better-than-drugs: + Besser als jedes Medikament.",
            "permanent: + Schmerzen für immer weg nach {n} Besuchen.",
        ),
        "hedged": (
            "claim: + Kein Wundermittel, und das hat auch niemand behauptet, aber es geht mir besser.",
            "claim: = Keine Praxis kann eine dauerhafte Lösung versprechen.",
            "claim: - Die verkaufen das wie ein Wunder. Ist es nicht.",
            "claim: = Nicht für jeden, meinem Bruder hat es nicht geholfen.",
            "claim: + Geheilt würde ich nicht sagen, aber der Schmerz ging von {score} auf {lowscore}.",
            "claim: + Die Spritzen habe ich vorerst vermieden. Sprecht mit eurem Arzt.",
            "claim: - Auf der Website steht garantierte Ergebnisse; nichts ist garantiert.",
            "claim: + Keine Garantien, {first} war ehrlich, und es hat trotzdem geholfen.",
            "claim: - Ein Freund meinte, es hilft jedem. Mir hat es nicht geholfen.",
            "claim: = Niemand sollte wegen einer Bewertung Medikamente absetzen; ich habe nur Physio ergänzt.",
        ),
        "honest": (
            "positive: + {first} war geduldig und mein {part} ist in {weeks} Wochen viel besser.",
            "positive: + Freundliches Team, klare Übungen, und {titled} hat zugehört.",
            "positive: + Nach {n} Terminen laufe ich wieder. Danke {first}!",
            "negative: - {n} Wochen gewartet und der {role} hatte zehn Minuten für mich.",
            "negative: - Unfreundlicher Empfang und {price} doppelt abgebucht.",
            "negative: - {titled} hat nicht zugehört und mein {part} ist schlimmer.",
            "mixed: = Guter Therapeut, schlimme Parkplatzsituation, unpraktische Zeiten.",
            "mixed: = {first} super, aber der Empfang hat meine Unterlagen verloren.",
            "mixed: = Mein {part} ist halb so schlimm. Teuer, {price} pro Termin.",
            "positive: + Ich hatte Angst vor dem Dry Needling, aber {first} hat jeden Schritt erklärt.",
            "negative: - Drei Termine abgesagt und niemand hat zurückgerufen. Mein {part} ist unverändert.",
            "mixed: = Die Übungen haben geholfen, die Massage kaum. {first} war aber nett.",
        ),
    },
    "it": {
        "abuse": (
            "insult: -a {titled} è un {insult} che non dovrebbe curare nessuno.",
            "insult: -a La {role} {first} è una {insult} totale.",
            "insult: -a Tutti incompetenti in questo studio, a partire da {titled}.",
            "demeaning: -a {first} è troppo vecchia e grassa per insegnare esercizi.",
            "demeaning: -a Una ragazzina che dovrebbe servire caffè, non curare schiene.",
            "threat: -a Se fossi {first} starei attenta. So dove parcheggia.",
            "threat: -a Qualcuno dovrebbe dare una lezione a {titled}. Consideratelo un avvertimento.",
            "hate: -a {group} non dovrebbero lavorare nella sanità, sono tutti fannulloni.",
            "hate: -a Tipico, {group} rovinano tutto.",
            "harassment: -a Lasciate tutti una stella a {name} finché chiude. Il cellulare è {phone}, chiamatela.",
        ),
        "profanity": (
            "plain: -p La sala d'attesa è una merda e a nessuno importa.",
            "plain: +p {swear}, il mio {part} finalmente sta bene dopo {n} sedute.",
            "plain: -p Ho pagato {price} per questa merda di terapia.",
            "masked: +p Questa roba funziona davvero, {masked}, il mio {part} va meglio.",
            "masked: -p Quaranta minuti di ritardo, servizio di {masked}.",
            "masked: =p {masked}, non so se ha funzionato, giorni sì e giorni no.",
            "abbreviation: -p {abbr}, mi hanno addebitato due volte.",
            "abbreviation: +p {abbr}, il mio {part} non fa più male, grazie {first}!",
        ),
        "claim": (
            "cure: + {first} mi ha guarito il {part} completamente in {n} sedute.",
            "cure: + Questo studio è la cura per la sciatica, punto.",
            "miracle: + Per me è stato un miracolo, anni di dolore spariti.",
            "guarantee: + Risultati garantiti, uscirete senza dolore.",
            "universal: + Funziona per tutti, ogni paziente esce guarito.",
            "permanent: + Soluzione definitiva, il mio {part} non farà mai più male.",
            "skip-treatment: + Non operatevi, {titled} ha risolto quello che tre chirurghi non sono riusciti.",
            "skip-treatment: + Smettete i farmaci e venite qui.",
            "better-than-drugs: + Meglio di qualsiasi farmaco.",
            "permanent: + Dolore sparito per sempre dopo {n} visite.",
        ),
        "hedged": (
            "claim: + Non è una cura miracolosa e nessuno l'ha detto, ma sto meglio.",
            "claim: = Nessuno studio può promettere una soluzione definitiva.",
            "claim: - Lo vendono come un miracolo. Non lo è.",
            "claim: = Non è per tutti, mio fratello non è migliorato.",
            "claim: + Non direi guarito, ma il dolore è sceso da {score} a {lowscore}.",
            "claim: + Ho evitato le infiltrazioni, per ora. Parlatene col vostro medico.",
            "claim: - Il sito parla di risultati garantiti; niente è garantito.",
            "claim: + Nessuna garanzia, {first} è stata onesta, e mi ha aiutato lo stesso.",
            "claim: - Un amico diceva che funziona per tutti. Per me no.",
            "claim: = Nessuno dovrebbe smettere i farmaci per una recensione; io ho solo aggiunto la fisioterapia.",
        ),
        "honest": (
            "positive: + {first} è stata paziente e il mio {part} è migliorato in {weeks} settimane.",
            "positive: + Staff gentile, esercizi chiari, e {titled} mi ha ascoltato.",
            "positive: + Corro di nuovo dopo {n} sedute. Grazie {first}!",
            "negative: - Aspettato {n} settimane e il {role} mi ha dedicato dieci minuti.",
            "negative: - Reception sgarbata e mi hanno addebitato {price} due volte.",
            "negative: - {titled} non mi ha ascoltato e il mio {part} è peggiorato.",
            "mixed: = Bravo fisioterapista, parcheggio pessimo, orari scomodi.",
            "mixed: = {first} bravissima, ma la reception ha perso i miei documenti.",
            "mixed: = Il mio {part} è migliorato a metà. Caro, {price} a seduta.",
            "positive: + Avevo paura del dry needling, ma {first} mi ha spiegato ogni passaggio.",
            "negative: - Tre appuntamenti cancellati e nessuno mi ha richiamato. Il mio {part} è uguale.",
            "mixed: = Gli esercizi hanno aiutato, il massaggio poco. {first} però gentile.",
        ),
    },
}

SENTIMENTS = {"+": "positive", "-": "negative", "=": "neutral"}
FLAG_LETTERS = {"p": "profanity", "a": "abuse", "c": "claim"}
KIND_FLAGS = {"abuse": "abuse", "profanity": "profanity", "claim": "claim"}


def pick(
    rng: random.Random, language: str, kind: str, turn: int
) -> tuple[str, str, str, dict[str, bool]]:
    """A family, a template ready to fill, its sentiment and its extra label flags.

    `turn` counts the items of this kind so far; spam families take turns.
    """
    if kind == "spam":
        return templates_spam.compose(rng, language, turn)
    entry = rng.choice(TEMPLATES[language][kind])
    family_tail, _, rest = entry.partition(": ")
    mark, _, template = rest.partition(" ")
    flags = dict.fromkeys(FLAG_LETTERS.values(), False)
    for letter in mark[1:]:
        flags[FLAG_LETTERS[letter]] = True
    if kind in KIND_FLAGS:
        flags[KIND_FLAGS[kind]] = True
    return f"{kind}/{family_tail}", template, SENTIMENTS[mark[0]], flags


def slots(
    rng: random.Random, gazetteer: object, language: str, family: str
) -> dict[str, Callable[[], list[tuple[str, str | None]]]]:
    """The word-list slots of this module, and keyboard mash."""

    def word(name: str) -> Callable[[], list[tuple[str, str | None]]]:
        return lambda: [(rng.choice(WORDS[language][name]), None)]

    def mash() -> list[tuple[str, str | None]]:
        row = rng.choice(("asdfghjkl", "qwertyuiop", "zxcvbnm", "jkljkl", "hjkl"))
        return [("".join(rng.choice(row) for _ in range(rng.randint(6, 24))), None)]

    extra = {name: word(name) for name in WORDS[language]}
    extra["mash"] = mash
    return extra
