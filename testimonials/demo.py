"""Demo content for `manage.py seed_demo`: the organisation's two locations
and a clinician at each, a topic at each location, its article, and stories."""

# The installation's organisation (made from CLINIC_NAME) gets two locations;
# each topic belongs to one, so that a story needs to name none.
# (slug, name)
DEMO_LOCATIONS: list[tuple[str, str]] = [
    ("downtown", "Downtown clinic"),
    ("riverside", "Riverside clinic"),
]
# (slug, name as shown publicly, location slug)
DEMO_CLINICIANS: list[tuple[str, str, str]] = [
    ("ana-ruiz", "Ana Ruiz, PT", "downtown"),
    ("ben-okafor", "Ben Okafor, DPT", "riverside"),
]

DEMO_CONSENT_VERSION = "2026-01"
DEMO_CONSENT_TEXT = (
    "I agree that the clinic may publish the story I submit here, with the name shown as I "
    "choose, on its education pages, its public testimonial feed and on websites that embed "
    "them. Moderators may remove personal details before publishing. My treatment does not "
    "depend on agreeing. I can withdraw my story at any time with the link I receive, and it "
    "will be removed from every page that shows it."
)

DRY_NEEDLING_SLUG = "dry-needling-low-back-pain"
DRY_NEEDLING_TITLE = "Dry needling for low back pain"
DRY_NEEDLING_SUMMARY = (
    "What dry needling is, what the evidence says, and what a session feels like."
)
DRY_NEEDLING_ARTICLE = """\
Dry needling is a technique physical therapists use to treat tight, tender bands of muscle, often called trigger points. A therapist inserts a very thin, solid needle through the skin into the muscle. No medication is injected, which is why it is called "dry".

For low back pain, therapists usually needle the muscles that run alongside the spine and those around the hip and buttock. Many patients feel a brief twitch or a deep ache when the needle reaches the muscle; this usually settles within seconds. Soreness like after a workout can last a day or two.

Research on dry needling for low back pain is mixed. Several trials found that, combined with exercise and education, it can reduce pain and improve movement in the short term. It is not a stand-alone cure, and it does not help everyone. Your therapist will combine it with exercises you can do at home, because staying active is what helps backs most over time.

Dry needling is not for everyone. Tell your therapist if you are pregnant, take blood thinners, have a bleeding disorder, a fear of needles, or a skin infection in the area. Serious side effects are rare when it is done by a trained clinician with sterile, single-use needles.

Below, patients share their own experiences with dry needling at our clinic. They are individual stories, published with each patient's consent. Individual results vary, and your own plan will depend on your assessment.
"""

# What patients generally achieve, as a clinic would write it from its own
# outcome records (example wording: a real clinic writes its own).
DRY_NEEDLING_TYPICAL_RESULTS = (
    "Most of our patients with low back pain who combine dry needling with a home exercise plan "
    "report less pain and easier movement after four to eight weeks. About one in three notice "
    "little change. Dry needling does not cure back pain, and results depend on the cause of the "
    "pain and on staying active."
)
DRY_NEEDLING_TYPICAL_RESULTS_SOURCE = "Example wording for the demo: replace with your own audit"

# (author, material connection, detail): disclosed with the story.
DEMO_CONNECTIONS = {"Priya Natarajan": ("discount", "10% off a follow-up visit")}

DRY_NEEDLING_LOCATION = "downtown"

SECOND_TOPIC_SLUG = "neck-pain"
SECOND_TOPIC_TITLE = "Physical therapy for neck pain"
SECOND_TOPIC_SUMMARY = "Exercises, posture and manual therapy for a stiff or painful neck."
SECOND_TOPIC_ARTICLE = """\
Most neck pain comes from muscles and joints that have become stiff or irritated, often after long hours at a desk or a night in an awkward position. It usually improves within a few weeks.

Physical therapy focuses on gentle movement, strengthening of the deep neck muscles, and changes to how you sit and work. Manual therapy can ease stiffness for a while; exercises keep the gains.
"""

SECOND_TOPIC_LOCATION = "riverside"

# The clinician a story is about, by author (chosen from the list, as a
# patient would).
DEMO_STORY_CLINICIANS = {
    "Maria Lopez": "ana-ruiz",
    "Tom Becker": "ana-ruiz",
    "Grace Okoye": "ben-okafor",
    "Daniel Weiss": "ben-okafor",
}

# (author, display preference, rating, body, final status)
DEMO_STORIES: list[tuple[str, str, int | None, str, str]] = [
    (
        "Maria Lopez",
        "first_name_initial",
        5,
        "I was nervous about the needles, but my therapist explained every step. After four "
        "sessions and the home exercises I can sit through a whole workday again.",
        "published",
    ),
    (
        "James Carter",
        "initials",
        4,
        "The twitch feeling surprised me the first time. My lower back felt looser the next "
        "morning, and the stretches they gave me helped keep it that way.",
        "published",
    ),
    (
        "Priya Natarajan",
        "anonymous",
        3,
        "Honest review: the needling helped a little, the exercise plan helped more. Sessions "
        "sometimes started late, but the staff were kind and clear about what to expect.",
        "published",
    ),
    (
        "Tom Becker",
        "full_name",
        2,
        "It did not do much for my back and I was sore for two days. The therapist listened "
        "and switched my plan to more strengthening work, which I appreciated.",
        "pending_review",
    ),
    (
        "Alex Kim",
        "first_name_initial",
        5,
        "Great results after three visits! I wrote about my whole recovery on my blog at "
        "www.alex-recovers.example.com if anyone wants the details.",
        "pending_review",
    ),
    (
        "Best Deals",
        "full_name",
        None,
        "Cheap meds online!!! visit http://pills.example.biz and http://deals.example.biz "
        "and www.more-deals.example.biz today",
        "rejected",
    ),
    (
        "Sam Rivera",
        "first_name_initial",
        4,
        "Dry needling plus the core exercises got me back to gardening. I changed my mind about "
        "having my name online though.",
        "withdrawn",
    ),
    (
        "Lena Fischer",
        "first_name_initial",
        5,
        "Just finished my first session and wanted to share how welcoming everyone was. I will "
        "update after a few more weeks of treatment.",
        "submitted",
    ),
]

# The second topic's stories, at the other location: (as DEMO_STORIES).
SECOND_TOPIC_STORIES: list[tuple[str, str, int | None, str, str]] = [
    (
        "Grace Okoye",
        "first_name_initial",
        5,
        "Months of a stiff neck from working at a laptop. The chin tucks and the desk changes "
        "my therapist suggested made the difference within a few weeks.",
        "published",
    ),
    (
        "Daniel Weiss",
        "initials",
        2,
        "The exercises were clear, but my neck is only slightly better after six visits and "
        "the appointments were hard to get. I expected more.",
        "published",
    ),
    (
        "Hannah Berg",
        "first_name_initial",
        4,
        "Friendly team and a clear plan. Turning my head to reverse the car no longer hurts.",
        "pending_review",
    ),
    (
        "Omar Haddad",
        "anonymous",
        3,
        "The waiting room had the news on far too loud and the parking was full again.",
        "rejected",
    ),
]
