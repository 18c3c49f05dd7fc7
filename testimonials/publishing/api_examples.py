"""OpenAPI examples for the topics, the published list and the changes feed."""

from drf_spectacular.utils import OpenApiExample

from testimonials.honesty import disclosures
from testimonials.models import PublishingMode

TOPIC_EXAMPLE = {
    "slug": "dry-needling-low-back-pain",
    "title": "Dry needling for low back pain",
    "summary": "What to expect from dry needling, and what patients say.",
    "open_for_submissions": True,
    "consent": {
        "version": "2026-01",
        "text": "I agree that the clinic may publish my story. I can withdraw it at any time.",
    },
    "education_url": "https://stories.clinic.example/education/dry-needling-low-back-pain/",
    "publishing_mode": "all",
    "typical_results": [
        {
            "text": "Most patients who combine dry needling with home exercises report less pain "
            "after four to eight weeks; about a third notice little change.",
            "tag": "",
            "label": "",
            "source": "The clinic's outcome audit, 2025",
        }
    ],
    "stats_url": "https://stories.clinic.example/api/v1/topics/dry-needling-low-back-pain/stats",
}


STORY_EXAMPLE = {
    "id": "3f0c2a4e-8d1b-4c55-9d7e-2b6a1f0e9c11",
    "display_name": "Maria L.",
    "body": "After four sessions and the home exercises I can sit through a workday again.",
    "rating": 5,
    "topic": "dry-needling-low-back-pain",
    "location": "riverside",
    "clinician": "ana-ruiz",
    "published_at": "2026-03-02T14:05:09.120000Z",
    "featured": False,
    "verified_patient": True,
    "material_connections": [
        {
            "kind": "incentive",
            "text": "The clinic offered a $10 gift card to every patient it invited to share a "
            "story, whatever the story says.",
        }
    ],
    "typical_results": {
        "text": "Most patients who combine dry needling with home exercises report less pain "
        "after four to eight weeks; about a third notice little change.",
        "tag": "",
        "label": "",
        "source": "The clinic's outcome audit, 2025",
    },
}


PUBLISHED_LIST_EXAMPLES = [
    OpenApiExample(
        "A page of stories",
        value={
            "next": "https://stories.clinic.example/api/v1/published/?cursor=cD0yMDI2",
            "previous": None,
            "results": [STORY_EXAMPLE],
            "collection": {
                "topic": "dry-needling-low-back-pain",
                "mode": "all",
                "label": "All reviews",
                "note": disclosures.MODE_NOTES[PublishingMode.ALL],
                "stats_url": TOPIC_EXAMPLE["stats_url"],
            },
        },
        response_only=True,
        status_codes=["200"],
    )
]


PUBLISHED_CHANGES_EXAMPLES = [
    OpenApiExample(
        "Published, edited and withdrawn stories",
        value={
            "results": [
                {
                    "type": "published",
                    "id": STORY_EXAMPLE["id"],
                    "topic": STORY_EXAMPLE["topic"],
                    "changed_at": "2026-03-02T14:05:09.120000Z",
                    "testimonial": STORY_EXAMPLE,
                },
                {
                    "type": "removed",
                    "id": "9b2d7c1a-0f4e-4a8b-b1c3-5d6e7f8a9b0c",
                    "topic": STORY_EXAMPLE["topic"],
                    "changed_at": "2026-03-02T15:40:00Z",
                    "testimonial": None,
                },
            ],
            "next_cursor": "MTI:1tTq2b:Yt0k...",
            "has_more": False,
        },
        response_only=True,
        status_codes=["200"],
    )
]
