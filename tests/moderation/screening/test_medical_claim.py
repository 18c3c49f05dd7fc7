import pytest

from moderation.screening import ScreeningContext
from moderation.screening.medical_claim import screen


def claims(text):
    return [text[f.start : f.end] for f in screen(text, ScreeningContext())]


@pytest.mark.parametrize(
    "text",
    [
        "Their program cured my arthritis in a month.",
        "It's a miracle, the pain is gone.",
        "Guaranteed results if you just show up.",
        "A permanent fix for my sciatica.",
        "I'm pain free forever after three visits.",
        "100% effective, I promise you.",
        "This works for everyone, every single patient.",
        "Better than any painkiller on the market.",
        "Skip the surgery and come here first.",
        "Stop taking your meds, you won't need them.",
        "Their laser reversed my nerve damage.",
        "The migraines will never come back.",
        "Me curó la espalda por completo.",
    ],
)
def test_it_finds_outcome_claims(text):
    assert claims(text)


@pytest.mark.parametrize(
    "text",
    [
        "My pain went from 8 to 3 after four sessions.",
        "I avoided the injections, at least for now.",
        "I'd recommend them to everyone in my running club.",
        "It's not a miracle cure, and nobody pretended it was.",
        "No clinic can promise a permanent fix, and they didn't.",
        "The ads make it sound like some miracle; for me it was not.",
        "It's not for everyone, but it helped me.",
        "I had cured meat and cheese at the cafe next door.",
        "I will never come back to this clinic.",
        "The wait took forever and I'm forever grateful to the nurse.",
        "There is no guarantee, they said, but it is worth a try.",
        "My surgeon suggested trying physical therapy first.",
    ],
)
def test_negated_hedged_or_ordinary_mentions_are_not_claims(text):
    assert claims(text) == []


# Each general family of claims beside a twin that must stay clean: a denied
# or hedged claim, a recommendation, or the same words about something else.
@pytest.mark.parametrize(
    ("claim", "clean"),
    [
        # universal claims, over every person or every occasion
        ("It works every time.", "Not every treatment works every time, and they said so."),
        ("Dr. Lee can fix anyone.", "No one can fix anyone overnight, she told me."),
        ("Everyone with sciatica needs this.", "Everyone with a desk job should stretch more."),
        # permanence of a result
        ("The pain is gone for good.", "They moved to Denver for good."),
        ("My sciatica will never come back.", "My husband will never come back here."),
        # cure and guarantee grammar
        ("It cured my back.", "It wasn't a cure, but it helped my back."),
        ("Results guaranteed.", "There is no guarantee, they said."),
    ],
)
def test_each_claim_family_flags_the_claim_and_not_its_twin(claim, clean):
    assert claims(claim)
    assert claims(clean) == []


# Hedging and denial: someone else's words, a question, a denial in the next
# sentence, a name. Each beside a twin that is still a claim.
@pytest.mark.parametrize(
    ("hedged", "claim"),
    [
        (
            "A friend said it works for everyone. Not for me.",
            "It works for everyone. I sent my whole family.",
        ),
        ("Is this a cure? No. Do I feel better? Somewhat.", "This is a cure. I feel better."),
        ("It cured me, they say. It didn't.", "It cured me. It didn't take long."),
        (
            'The flyer talks about a "permanent fix for sciatica", which is oversold.',
            "A permanent fix for sciatica, and the flyer says so too.",
        ),
        (
            "La web dice resultados garantizados; nada está garantizado.",
            "Resultados garantizados en tres sesiones.",
        ),
        ("Vendem como se fosse um milagre. Não é.", "Foi um milagre para as minhas costas."),
        ("Geheilt würde ich nicht sagen, aber es ist besser.", "Mein Rücken ist geheilt."),
        ("La fisio Milagros Quispe me explicó todo.", "Fue un milagro, la espalda está bien."),
    ],
)
def test_hedged_reported_or_denied_claims_are_not_claims_but_their_twins_are(hedged, claim):
    assert claims(hedged) == []
    assert claims(claim)


def test_a_guarantee_of_money_or_rankings_is_not_a_health_claim():
    assert claims("Guaranteed page 1 ranking, buy backlinks today.") == []
    assert claims("Guaranteed pain relief, buy the cream today.")


# The same families in the other languages clinics receive, each with a
# hedged or ordinary twin.
@pytest.mark.parametrize(
    ("claim", "clean"),
    [
        ("Per me è stato un miracolo.", "Lo vendono come un miracolo. Non lo è."),
        ("Für mich war es ein Wunder.", "Kein Wunder, dass die Praxis voll ist."),
        ("Mieux que n'importe quel médicament.", "Mieux que la dernière fois, merci."),
        ("Meglio di qualsiasi farmaco.", "Meglio di quanto pensassi, grazie."),
        ("Dolore sparito per sempre.", "Il dolore è diminuito dopo otto visite."),
        ("Mon dos ne me fera plus jamais mal.", "Je ne reviendrai plus jamais ici."),
        ("No te operes, la fisio lo arregla todo.", "Al final no me operé, por ahora."),
        ("Não faça a cirurgia, resolveram tudo aqui.", "Fiz a cirurgia e depois a fisio."),
        ("Lasst euch nicht operieren!", "Ich habe mich nicht operieren lassen, vorerst."),
        ("Don't bother with the knee replacement, do their rehab.", "I don't have surgery yet."),
    ],
)
def test_each_claim_family_holds_in_other_languages(claim, clean):
    assert claims(claim)
    assert claims(clean) == []
