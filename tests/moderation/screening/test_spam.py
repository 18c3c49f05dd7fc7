import pytest

from moderation.screening import ScreeningContext
from moderation.screening.spam import screen


def spam(text):
    return [f.severity for f in screen(text, ScreeningContext())]


@pytest.mark.parametrize(
    "text",
    [
        "Great clinic!! Also get 80% off designer watches today only at watch-outlet-deals.shop",
        "Earn $300 a day working from home, no experience. Visit quick-cash-jobs.biz",
        "Turn $200 into $5,000 with our crypto trading bot, DM me on telegram @richfast",
        "Buy 5K real followers for only $4.99!!! Go to instafame-boost.com now",
        "Payday loans approved in 5 minutes, no credit check. Call now 1-800-555-0177",
        "Nice post, very informative. Please check my site about cheap essay writing help.",
        "zxcvbnm zxcvbnm qwertyuiop",
        "aaaaaaaaaaaaaaaaaaaaaaa",
        "test test test test test",
        "knee pain doctor knee pain clinic knee pain relief knee pain near me knee pain cheap "
        "knee pain best near me",
    ],
)
def test_it_marks_clear_spam_high(text):
    assert spam(text) == ["high"]


@pytest.mark.parametrize(
    "text",
    [
        "I used a Theraband and a foam roller from the sporting goods store at home.",
        "I documented my recovery on my blog: https://knee-diary.example.net/week-6",
        "Follow my recovery on youtube.com/@kneejourney, this clinic is in every video.",
        "Copay was $30 a visit, and the clinic gave me a 10% discount for paying up front.",
        "Worst experience ever!!! They charged me $400 and my back is worse. Avoid!!!",
        "Noooooo more pain in the mornings, I can finally sleep.",
        "Terrible. Don't bother.",
        "Two links the clinic gave me: example.org/exercises and example.org/stretches",
    ],
)
def test_it_leaves_patients_stories_alone_even_angry_ones(text):
    assert spam(text) == []


@pytest.mark.parametrize(
    "text",
    [
        # inflected keywords count as one: barato/barata/baratos, cheap/cheaper
        "fisioterapia barata madrid masaje barato madrid fisioterapeuta baratos madrid "
        "masajes baratas madrid",
        # a price after a space
        "Get 5000 backlinks for your site, $49 per pack at linkpower-hub.net",
        # adjectives between the verb and what is sold
        "Buy premium high-authority backlinks and climb the rankings: serpclimb-links.net",
        # crypto wording with a domain that has no commercial word in it
        "Double your bitcoin in 48 hours, guaranteed returns. "
        "Send 0.1 BTC to join at coinvault-x2.net",
    ],
)
def test_it_catches_spam_phrased_in_new_ways(text):
    assert spam(text) == ["high"]


@pytest.mark.parametrize(
    "text",
    [
        "The parking was cheap, cheaper than the hospital, and the cheapest in town by far.",
        "My sister likes the stretches, and the copay was only $20 a visit.",
        "I get really nice views of the river from the treatment room.",
        "My husband talks about bitcoin all day, but he drove me to every session.",
        "Guaranteed to make you laugh, that receptionist. Shoulder is much better.",
    ],
)
def test_near_misses_of_the_new_spam_rules_stay_clean(text):
    assert spam(text) == []


def test_a_patient_mentioning_bought_followers_is_never_rejected():
    # no link and no call to action: a moderator looks at it at most
    assert "high" not in spam("My daughter wants to buy more followers for her cat account.")


# Offers of unrelated goods with a way to buy are clear spam; the same words
# in a patient's story, with nothing to buy, are not.
@pytest.mark.parametrize(
    ("advert", "story"),
    [
        (
            "Buy tramadol without prescription, fast delivery, order at pills-now.shop",
            "I could not get the muscle relaxant without a prescription, so Dr. Lee wrote one.",
        ),
        (
            "Great article! Check out my site for cheap SEO services: seo-rank.xyz",
            "I found a great article on their site about posture and do the exercises daily.",
        ),
        (
            "Lost bitcoins to a scam? Wallet recovery experts, message me on WhatsApp",
            "My brother lost his bitcoins, and the stress gave him neck pain.",
        ),
        (
            "Lose 20 lbs in a month with our fat burners, order now at slimfast-keto.biz",
            "I had to lose 20 lbs before the knee surgery and the dietitian helped.",
        ),
    ],
)
def test_each_offer_family_is_spam_with_a_way_to_buy_and_clean_in_a_story(advert, story):
    assert spam(advert) == ["high"]
    assert spam(story) == []


def test_a_phone_number_spelled_out_is_not_a_keyword_string():
    spelled = "Ben Adams - five one six five six three five zero five nine - ben@example.org"
    assert spam(spelled) == []
    keywords = "knee pain clinic knee pain doctor knee pain relief knee pain cheap knee pain best"
    assert spam(keywords) == ["high"]


@pytest.mark.parametrize(
    ("junk", "story"),
    [
        ("!!!!!!!!!!!!!!!!!!!!", "Great!!!! Back pain gone after four sessions!!!!"),
        (". . . . . . . . . . . .", "10/10 :) :)"),
        (
            "This is a test submission. Please delete.",
            "Please delete my old review, they fixed it.",
        ),
    ],
)
def test_rows_of_punctuation_and_test_posts_are_junk_and_their_twins_are_not(junk, story):
    assert spam(junk) == ["high"]
    assert spam(story) == []


@pytest.mark.parametrize(
    ("advert", "story"),
    [
        (
            "Roof leaking? Free quote, same week service. Call 0491 570 006, seniors discount 15%.",
            "My pain went down 50% and the front desk gave me a free quote for orthotics.",
        ),
        (
            "Reformas, presupuesto gratis y 20% de descuento. Llama al +34 699 555 012",
            "Me dieron un presupuesto para las plantillas y fue razonable.",
        ),
        (
            "Tetto che perde? Preventivo gratuito, sconto 50%. Chiama 333 111 2233",
            "Il dolore è sceso del 50% dopo sei sedute.",
        ),
    ],
)
def test_trades_adverts_with_a_discount_or_free_quote_and_a_number_are_spam(advert, story):
    assert spam(advert) == ["high"]
    assert spam(story) == []
