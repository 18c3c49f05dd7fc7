# ruff: noqa: E501  (sentences, one template a line)
"""Spam for `generated-content.jsonl` (see generate.py): composed, not templated.

A spam text is a frame with `{pitch}` and `{cta}`, a pitch of the family (a
leading `!` marks a health claim) and a call to action; `fake-review-ad`
puts a fake patient's praise before it, and `junk` is keyboard mash or
filler. Spam families take turns; spammers often sign with a display name
of their own (SPAM_AUTHORS). Slots are those of templates_pii.py plus
`{mash}` (see templates_content.slots).
"""

import random

SPAM_FAMILIES = (
    "pharmacy", "replica", "followers", "crypto", "wallet-recovery", "tech-support", "dating",
    "psychic", "home-repair", "work-from-home", "loans", "casino", "seo", "supplement",
    "fake-review-ad", "junk",
)  # fmt: skip

SPAM_FRAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "{pitch}!!! {cta}",
        "Hello friends, {pitch}. {cta}",
        "LIMITED OFFER: {pitch}. {cta}",
        "{pitch}. Don't miss out. {cta}",
        "Check this out: {pitch}. {cta}",
        "Sorry for posting here but {pitch}. {cta}",
        "{cta} - {pitch}",
        "Best deal of the year! {pitch}. {cta}. Thank me later.",
        "*** {pitch} *** {cta} *** {pitch} ***",
    ),
    "es": (
        "{pitch}!!! {cta}",
        "Hola amigos, {pitch}. {cta}",
        "OFERTA LIMITADA: {pitch}. {cta}",
        "{pitch}. No te lo pierdas. {cta}",
        "Mirad esto: {pitch}. {cta}",
        "Perdón por escribir aquí pero {pitch}. {cta}",
        "{cta} - {pitch}",
        "¡La mejor oferta del año! {pitch}. {cta}.",
        "*** {pitch} *** {cta} ***",
    ),
    "pt": (
        "{pitch}!!! {cta}",
        "Olá amigos, {pitch}. {cta}",
        "OFERTA LIMITADA: {pitch}. {cta}",
        "{pitch}. Não perca. {cta}",
        "Olha isso: {pitch}. {cta}",
        "Desculpa postar aqui mas {pitch}. {cta}",
        "{cta} - {pitch}",
        "Melhor oferta do ano! {pitch}. {cta}.",
        "*** {pitch} *** {cta} ***",
    ),
    "fr": (
        "{pitch} !!! {cta}",
        "Bonjour à tous, {pitch}. {cta}",
        "OFFRE LIMITÉE : {pitch}. {cta}",
        "{pitch}. Ne ratez pas ça. {cta}",
        "Regardez ça : {pitch}. {cta}",
        "Désolé de poster ici mais {pitch}. {cta}",
        "{cta} - {pitch}",
        "Meilleure offre de l'année ! {pitch}. {cta}.",
        "*** {pitch} *** {cta} ***",
    ),
    "de": (
        "{pitch}!!! {cta}",
        "Hallo zusammen, {pitch}. {cta}",
        "NUR HEUTE: {pitch}. {cta}",
        "{pitch}. Nicht verpassen. {cta}",
        "Schaut mal: {pitch}. {cta}",
        "Sorry, dass ich hier poste, aber {pitch}. {cta}",
        "{cta} - {pitch}",
        "Das beste Angebot des Jahres! {pitch}. {cta}.",
        "*** {pitch} *** {cta} ***",
    ),
    "it": (
        "{pitch}!!! {cta}",
        "Ciao a tutti, {pitch}. {cta}",
        "OFFERTA LIMITATA: {pitch}. {cta}",
        "{pitch}. Non perdetevela. {cta}",
        "Guardate qui: {pitch}. {cta}",
        "Scusate se scrivo qui ma {pitch}. {cta}",
        "{cta} - {pitch}",
        "L'offerta migliore dell'anno! {pitch}. {cta}.",
        "*** {pitch} *** {cta} ***",
    ),
}

CTAS: dict[str, tuple[str, ...]] = {
    "en": ("Visit {spamurl}", "Call {phone} now", "WhatsApp {phone}", "Click: {spamurl}", "Email {email} for details",
           "Order at {spamurl} or call {phone}", "Join here {spamurl}", "Text {phone} today"),
    "es": ("Visita {spamurl}", "Llama al {phone}", "WhatsApp {phone}", "Entra en {spamurl}", "Escribe a {email}",
           "Pide en {spamurl} o llama al {phone}", "Únete aquí {spamurl}"),
    "pt": ("Acesse {spamurl}", "Ligue {phone}", "WhatsApp {phone}", "Clique: {spamurl}", "Mande e-mail para {email}",
           "Peça em {spamurl} ou ligue {phone}", "Entre aqui {spamurl}"),
    "fr": ("Visitez {spamurl}", "Appelez le {phone}", "WhatsApp {phone}", "Cliquez : {spamurl}", "Écrivez à {email}",
           "Commandez sur {spamurl} ou appelez le {phone}", "Rejoignez-nous {spamurl}"),
    "de": ("Besuche {spamurl}", "Ruf an: {phone}", "WhatsApp {phone}", "Klick: {spamurl}", "Schreib an {email}",
           "Bestellen auf {spamurl} oder unter {phone}", "Hier beitreten {spamurl}"),
    "it": ("Visita {spamurl}", "Chiama il {phone}", "WhatsApp {phone}", "Clicca: {spamurl}", "Scrivi a {email}",
           "Ordina su {spamurl} o chiama il {phone}", "Unisciti qui {spamurl}"),
}  # fmt: skip

# A leading "!" marks a pitch that makes a health claim.
PITCHES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "pharmacy": ("Cheap Viagra, Cialis and Tramadol without prescription", "Buy oxycodone online, no doctor needed, discreet shipping"),
        "replica": ("Rolex and Gucci replicas at 90% off", "Designer bags, AAA replica quality, free shipping"),
        "followers": ("Get 10k Instagram followers in 24h for just $9", "Buy real TikTok likes and YouTube views, instant delivery"),
        "crypto": ("Turn $250 into $5,000 a week with our AI crypto trading bot", "Bitcoin doubling program, send 0.1 BTC and get 0.2 BTC back"),
        "wallet-recovery": ("Lost access to your crypto wallet? Our experts recover stolen funds", "Scammed by a broker? We recover lost Bitcoin and USDT"),
        "tech-support": ("Your computer is infected! Call certified Windows support", "Printer offline? Email not working? 24/7 tech support hotline"),
        "dating": ("Hot singles in your area want to meet you tonight", "Lonely? Beautiful women waiting to chat with you"),
        "psychic": ("Powerful love spells, bring back your ex in 3 days", "Spiritual healer removes black magic and bad luck"),
        "home-repair": ("Roof leaking? Same-day roofing and gutter repair, 50% off this week", "Cheap plumbing, HVAC and water damage repair, free quote"),
        "work-from-home": ("Earn $500 a day from home, no experience needed", "Moms are making $8,000 a month working 2 hours a day from home"),
        "loans": ("Instant payday loans, bad credit OK, approval in 5 minutes", "Need cash? Loans up to $50,000, no credit check"),
        "casino": ("Claim 200 free spins and a $1,000 bonus at our online casino", "Best online slots and sports betting, 300% deposit bonus"),
        "seo": ("Best SEO services, 1000 high DA backlinks, rank #1 on Google", "physio near me best physio clinic cheap physio physio deals back pain clinic near me"),
        "supplement": ("!This herbal supplement cures arthritis and back pain in 7 days", "!Joint pills that reverse nerve damage, 100% guaranteed", "Keto burn pills, lose 30 lbs in 30 days"),
    },
    "es": {
        "pharmacy": ("Viagra y Cialis baratos sin receta", "Compra tramadol online, sin médico, envío discreto"),
        "replica": ("Réplicas de Rolex y Gucci al 90% de descuento", "Bolsos de diseño, réplicas AAA, envío gratis"),
        "followers": ("Consigue 10.000 seguidores en Instagram en 24h por 9 euros", "Compra likes de TikTok y visitas de YouTube al instante"),
        "crypto": ("Convierte 250 euros en 5.000 a la semana con nuestro robot de trading", "Programa para duplicar tus bitcoins, envía 0,1 BTC y recibe 0,2"),
        "wallet-recovery": ("¿Perdiste tu monedero cripto? Recuperamos fondos robados", "¿Te estafó un bróker? Recuperamos tus bitcoins"),
        "tech-support": ("¡Tu ordenador está infectado! Llama al soporte técnico oficial", "¿Impresora sin conexión? Soporte técnico 24 horas"),
        "dating": ("Solteras cerca de ti quieren conocerte esta noche", "¿Te sientes solo? Chicas guapas esperan para chatear"),
        "psychic": ("Amarres de amor, recupera a tu ex en 3 días", "Vidente quita mal de ojo y mala suerte"),
        "home-repair": ("¿Goteras? Reparamos tejados hoy mismo, 50% de descuento", "Fontanería y reformas baratas, presupuesto gratis"),
        "work-from-home": ("Gana 500 euros al día desde casa sin experiencia", "Madres ganan 3.000 euros al mes trabajando 2 horas desde casa"),
        "loans": ("Préstamos rápidos sin aval, aprobados en 5 minutos", "¿Necesitas dinero? Créditos hasta 50.000 euros sin consultar ASNEF"),
        "casino": ("200 giros gratis y 1.000 euros de bono en nuestro casino online", "Las mejores tragaperras y apuestas deportivas, bono del 300%"),
        "seo": ("Servicios SEO, 1000 backlinks de calidad, primero en Google", "fisioterapeuta barato fisio cerca de mí mejor fisio madrid fisio ofertas"),
        "supplement": ("!Este suplemento natural cura la artritis y el dolor de espalda en 7 días", "!Cápsulas milagrosas para las articulaciones, resultados garantizados", "Pastillas keto, adelgaza 10 kilos en un mes"),
    },
    "pt": {
        "pharmacy": ("Viagra e Cialis baratos sem receita", "Compre tramadol online, sem médico, entrega discreta"),
        "replica": ("Réplicas de Rolex e Gucci com 90% de desconto", "Bolsas de grife, réplica AAA, frete grátis"),
        "followers": ("Ganhe 10 mil seguidores no Instagram em 24h por R$ 19", "Compre curtidas no TikTok e views no YouTube na hora"),
        "crypto": ("Transforme R$ 500 em R$ 10.000 por semana com nosso robô de trading", "Programa que dobra seus bitcoins, envie 0,1 BTC e receba 0,2"),
        "wallet-recovery": ("Perdeu acesso à sua carteira cripto? Recuperamos fundos roubados", "Foi enganado por corretora? Recuperamos seus bitcoins"),
        "tech-support": ("Seu computador está infectado! Ligue para o suporte técnico", "Impressora offline? Suporte técnico 24 horas"),
        "dating": ("Solteiras perto de você querem te conhecer hoje", "Sozinho? Mulheres lindas esperando para conversar"),
        "psychic": ("Amarração amorosa, traga seu amor de volta em 3 dias", "Vidente tira mau-olhado e azar"),
        "home-repair": ("Goteira? Conserto de telhado no mesmo dia, 50% de desconto", "Encanador e reformas baratas, orçamento grátis"),
        "work-from-home": ("Ganhe R$ 500 por dia em casa sem experiência", "Mães ganham R$ 8.000 por mês trabalhando 2 horas em casa"),
        "loans": ("Empréstimo rápido para negativados, aprovado em 5 minutos", "Precisa de dinheiro? Crédito até R$ 50.000 sem consulta ao SPC"),
        "casino": ("200 giros grátis e bônus de R$ 1.000 no nosso cassino online", "Melhores slots e apostas esportivas, bônus de 300%"),
        "seo": ("Serviços de SEO, 1000 backlinks, primeiro lugar no Google", "fisioterapia barata fisio perto de mim melhor fisio são paulo promoção fisio"),
        "supplement": ("!Este suplemento natural cura artrite e dor nas costas em 7 dias", "!Cápsulas milagrosas para as articulações, resultado garantido", "Pílulas keto, perca 10 kg em um mês"),
    },
    "fr": {
        "pharmacy": ("Viagra et Cialis pas chers sans ordonnance", "Achetez du tramadol en ligne, sans médecin, livraison discrète"),
        "replica": ("Répliques Rolex et Gucci à -90%", "Sacs de créateurs, répliques AAA, livraison gratuite"),
        "followers": ("10 000 abonnés Instagram en 24h pour 9 euros", "Achetez des likes TikTok et des vues YouTube instantanément"),
        "crypto": ("Transformez 250 euros en 5 000 par semaine avec notre robot de trading", "Programme qui double vos bitcoins, envoyez 0,1 BTC et recevez 0,2"),
        "wallet-recovery": ("Accès perdu à votre portefeuille crypto ? Nous récupérons les fonds volés", "Arnaqué par un courtier ? Nous récupérons vos bitcoins"),
        "tech-support": ("Votre ordinateur est infecté ! Appelez le support technique", "Imprimante hors ligne ? Assistance technique 24h/24"),
        "dating": ("Des célibataires près de chez vous veulent vous rencontrer ce soir", "Seul ? De jolies femmes attendent pour discuter"),
        "psychic": ("Retour de l'être aimé en 3 jours, grand marabout", "Voyant puissant, désenvoûtement et chance"),
        "home-repair": ("Fuite de toit ? Réparation le jour même, -50% cette semaine", "Plomberie et travaux pas chers, devis gratuit"),
        "work-from-home": ("Gagnez 500 euros par jour depuis chez vous sans expérience", "Des mamans gagnent 3 000 euros par mois en 2 heures par jour"),
        "loans": ("Prêt rapide même fiché, accord en 5 minutes", "Besoin d'argent ? Crédit jusqu'à 50 000 euros sans justificatif"),
        "casino": ("200 tours gratuits et 1 000 euros de bonus sur notre casino en ligne", "Meilleures machines à sous et paris sportifs, bonus de 300%"),
        "seo": ("Services SEO, 1000 backlinks, première page Google", "kiné pas cher kiné près de chez moi meilleur kiné paris promo kiné"),
        "supplement": ("!Ce complément naturel guérit l'arthrose et le mal de dos en 7 jours", "!Gélules miracles pour les articulations, résultats garantis", "Pilules keto, perdez 10 kilos en un mois"),
    },
    "de": {
        "pharmacy": ("Günstiges Viagra und Cialis ohne Rezept", "Tramadol online kaufen, ohne Arzt, diskreter Versand"),
        "replica": ("Rolex und Gucci Replikate 90% billiger", "Designertaschen in AAA-Replika-Qualität, gratis Versand"),
        "followers": ("10.000 Instagram-Follower in 24 Stunden für 9 Euro", "TikTok-Likes und YouTube-Views sofort kaufen"),
        "crypto": ("Mach aus 250 Euro 5.000 pro Woche mit unserem KI-Trading-Bot", "Bitcoin-Verdopplung: sende 0,1 BTC und erhalte 0,2 zurück"),
        "wallet-recovery": ("Zugang zur Krypto-Wallet verloren? Wir holen gestohlene Gelder zurück", "Von einem Broker betrogen? Wir holen eure Bitcoins zurück"),
        "tech-support": ("Ihr Computer ist infiziert! Rufen Sie den technischen Support an", "Drucker offline? Technischer Support rund um die Uhr"),
        "dating": ("Singles in deiner Nähe wollen dich heute Abend treffen", "Einsam? Hübsche Frauen warten auf deinen Chat"),
        "psychic": ("Liebeszauber, dein Ex kommt in 3 Tagen zurück", "Hellseher löst Flüche und Pech"),
        "home-repair": ("Dach undicht? Dachreparatur am selben Tag, 50% Rabatt", "Günstiger Klempner und Renovierung, kostenloses Angebot"),
        "work-from-home": ("Verdiene 500 Euro am Tag von zu Hause ohne Erfahrung", "Mütter verdienen 3.000 Euro im Monat mit 2 Stunden am Tag"),
        "loans": ("Sofortkredit ohne Schufa, Zusage in 5 Minuten", "Geld gebraucht? Kredite bis 50.000 Euro ohne Prüfung"),
        "casino": ("200 Freispiele und 1.000 Euro Bonus in unserem Online-Casino", "Die besten Slots und Sportwetten, 300% Einzahlungsbonus"),
        "seo": ("SEO-Service, 1000 Backlinks, Platz 1 bei Google", "physiotherapie günstig physio in der nähe beste physio berlin physio angebot"),
        "supplement": ("!Dieses Naturpräparat heilt Arthrose und Rückenschmerzen in 7 Tagen", "!Wunderkapseln für die Gelenke, garantierte Wirkung", "Keto-Pillen, 10 Kilo in einem Monat abnehmen"),
    },
    "it": {
        "pharmacy": ("Viagra e Cialis economici senza ricetta", "Compra tramadolo online, senza medico, spedizione discreta"),
        "replica": ("Repliche Rolex e Gucci al 90% di sconto", "Borse firmate, repliche AAA, spedizione gratuita"),
        "followers": ("10.000 follower su Instagram in 24 ore a 9 euro", "Compra like su TikTok e visualizzazioni YouTube subito"),
        "crypto": ("Trasforma 250 euro in 5.000 a settimana con il nostro robot di trading", "Programma che raddoppia i tuoi bitcoin, invia 0,1 BTC e ricevi 0,2"),
        "wallet-recovery": ("Accesso perso al wallet crypto? Recuperiamo i fondi rubati", "Truffato da un broker? Recuperiamo i tuoi bitcoin"),
        "tech-support": ("Il tuo computer è infetto! Chiama l'assistenza tecnica", "Stampante offline? Assistenza tecnica 24 ore su 24"),
        "dating": ("Single vicino a te vogliono conoscerti stasera", "Ti senti solo? Ragazze bellissime aspettano di chattare"),
        "psychic": ("Legamenti d'amore, riporta indietro il tuo ex in 3 giorni", "Sensitivo toglie il malocchio e la sfortuna"),
        "home-repair": ("Tetto che perde? Riparazioni in giornata, sconto 50%", "Idraulico e ristrutturazioni economiche, preventivo gratuito"),
        "work-from-home": ("Guadagna 500 euro al giorno da casa senza esperienza", "Mamme guadagnano 3.000 euro al mese lavorando 2 ore al giorno"),
        "loans": ("Prestiti veloci anche per cattivi pagatori, approvati in 5 minuti", "Ti servono soldi? Finanziamenti fino a 50.000 euro senza garanzie"),
        "casino": ("200 giri gratis e 1.000 euro di bonus nel nostro casinò online", "Le migliori slot e scommesse sportive, bonus del 300%"),
        "seo": ("Servizi SEO, 1000 backlink, primo su Google", "fisioterapista economico fisio vicino a me miglior fisio milano offerte fisio"),
        "supplement": ("!Questo integratore naturale cura l'artrite e il mal di schiena in 7 giorni", "!Capsule miracolose per le articolazioni, risultati garantiti", "Pillole keto, perdi 10 chili in un mese"),
    },
}  # fmt: skip

FAKE_REVIEW_OPENERS: dict[str, tuple[str, ...]] = {
    "en": (
        "Great clinic!!",
        "Amazing physio, 5 stars!",
        "Loved my therapist!!!",
        "Best clinic in town. Anyway,",
    ),
    "es": (
        "¡¡Gran clínica!!",
        "Fisio increíble, 5 estrellas!",
        "Me encantó mi fisio!!!",
        "La mejor clínica. Por cierto,",
    ),
    "pt": (
        "Ótima clínica!!",
        "Fisio incrível, 5 estrelas!",
        "Amei minha fisioterapeuta!!!",
        "Melhor clínica da cidade. Aliás,",
    ),
    "fr": (
        "Super cabinet !!",
        "Kiné génial, 5 étoiles !",
        "J'ai adoré mon kiné !!!",
        "Meilleur cabinet du coin. Sinon,",
    ),
    "de": (
        "Tolle Praxis!!",
        "Super Physio, 5 Sterne!",
        "Meine Therapeutin war klasse!!!",
        "Beste Praxis der Stadt. Übrigens,",
    ),
    "it": (
        "Ottimo studio!!",
        "Fisio fantastico, 5 stelle!",
        "Adoro la mia fisioterapista!!!",
        "Il miglior studio in città. Comunque,",
    ),
}

JUNK: dict[str, tuple[str, ...]] = {
    "en": ("{mash}", "test test test", "asdf {mash}", "aaaaaaaaaaaaaaaaaaaaa", "{mash} {mash2}", "hello?? test test", "lol {mash}",
           "qwerty qwerty qwerty", ".............", "testing testing 123 testing"),
    "es": ("{mash}", "prueba prueba prueba", "asdf {mash}", "jajajajajajajajaja", "{mash} {mash2}", "hola?? prueba", "probando probando"),
    "pt": ("{mash}", "teste teste teste", "asdf {mash}", "kkkkkkkkkkkkkkkkkk", "{mash} {mash2}", "oi?? teste", "testando testando"),
    "fr": ("{mash}", "test test essai", "azerty {mash}", "mdrrrrrrrrrrrrrrrrr", "{mash} {mash2}", "allo?? test", "essai essai essai"),
    "de": ("{mash}", "Test Test Test", "asdf {mash}", "hahahahahahahahahaha", "{mash} {mash2}", "hallo?? test", "qwertz qwertz"),
    "it": ("{mash}", "prova prova prova", "asdf {mash}", "ahahahahahahahahah", "{mash} {mash2}", "ciao?? prova", "provaaaaaaaaa"),
}  # fmt: skip

SPAM_AUTHORS = (
    "BestDeals", "Crypto King", "SEO Expert", "Support Team", "Lucky Spin", "QuickCash", "Sofia", "admin",
    "Weight Loss Secret", "Promo", "xxx", "Mike", "Recovery Agent", "HomeFix Pros", "Psychic Reader",
)  # fmt: skip


def compose(rng: random.Random, language: str, turn: int) -> tuple[str, str, str, dict[str, bool]]:
    """A spam family, its text ready to fill, its sentiment and its label flags.

    `turn` counts the spam items so far; spam families take turns.
    """
    family = SPAM_FAMILIES[turn % len(SPAM_FAMILIES)]
    flags = {"profanity": False, "abuse": False, "claim": False}
    if family == "junk":
        return "spam/junk", rng.choice(JUNK[language]), "neutral", flags
    pitches = PITCHES[language]
    pitch_family = rng.choice(sorted(pitches)) if family == "fake-review-ad" else family
    pitch = rng.choice(pitches[pitch_family])
    if pitch.startswith("!"):
        flags["claim"] = True
        pitch = pitch[1:]
    cta = rng.choice(CTAS[language])
    frame = rng.choice(SPAM_FRAMES[language])
    if family == "fake-review-ad":
        frame = rng.choice(FAKE_REVIEW_OPENERS[language]) + " " + frame
    return f"spam/{family}", frame.replace("{pitch}", pitch).replace("{cta}", cta), "neutral", flags


def author(rng: random.Random, family: str) -> str | None:
    """A spammer's display name, or None for the usual patient names."""
    if family.startswith("spam/") and rng.random() < 0.7:
        return rng.choice(SPAM_AUTHORS)
    return None
