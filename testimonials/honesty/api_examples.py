"""OpenAPI examples for a topic's public report."""

from testimonials.honesty import disclosures

_RATINGS_EXAMPLE = {"1": 2, "2": 3, "3": 6, "4": 11, "5": 19, "none": 1}
STATS_EXAMPLE = {
    "topic": "dry-needling-low-back-pain",
    "publishing_mode": "all",
    "publishing_mode_label": "All reviews",
    "received": 50,
    "awaiting_review": 3,
    "published": 40,
    "rejected": {
        "total": 4,
        "by_reason": {
            "personal_data": 1,
            "profanity_abuse": 0,
            "spam": 2,
            "off_topic": 1,
            "duplicate": 0,
            "no_consent": 0,
            "medical_claim": 0,
            "other": 0,
        },
    },
    "unpublished": {"total": 1, "by_reason": {"personal_data": 1}},
    "withdrawn": 2,
    "ratings": {
        "reviewed": _RATINGS_EXAMPLE,
        "published": {"1": 2, "2": 3, "3": 5, "4": 10, "5": 19, "none": 1},
    },
    "content_based_reasons": list(disclosures.CONTENT_BASED_REASONS),
    "generated_at": "2026-03-02T14:05:09.120000Z",
}
