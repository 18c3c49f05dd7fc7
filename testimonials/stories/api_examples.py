"""OpenAPI examples for the patient's API."""

from drf_spectacular.utils import OpenApiExample

_LINKS = "https://stories.clinic.example/api/v1/testimonials/3f0c2a4e-8d1b-4c55-9d7e-2b6a1f0e9c11"
PATIENT_EXAMPLE = {
    "id": "3f0c2a4e-8d1b-4c55-9d7e-2b6a1f0e9c11",
    "status": "submitted",
    "topic": "dry-needling-low-back-pain",
    "display_name": "Maria L.",
    "rating": 5,
    "submitted_at": "2026-03-01T09:12:44.501000Z",
    "published_at": None,
    "rejection_reason": "",
    "status_url": f"{_LINKS}/9c1e…b7/",
    "withdraw_url": f"{_LINKS}/9c1e…b7/withdraw",
    "story_page_url": "https://stories.clinic.example/stories/3f0c2a4e-8d1b-4c55-9d7e-2b6a1f0e9c11/9c1e…b7/",
    "authorization": {
        "id": "b51c7f7e-3f0d-4a43-9d38-1e0f6c1d2a77",
        "state": "active",
        "basis": "signed",
        "text": "After four sessions and the home exercises I can sit through a workday again.",
        "created_at": "2026-03-01T09:12:44.501000Z",
        "superseded_at": None,
        "content_sha256": "5d41402abc4b2a76b9719d911017c592a1c8f2e6b3d4f1e0a9c8b7d6e5f4a3b2",
        "display_name": "Maria L.",
        "channels": ["clinic", "partners", "widget"],
        "expires_at": "2028-03-02T00:00:00Z",
        "signature": "Maria Lopez",
        "signature_method": "typed",
        "signer_role": "patient",
        "patient_is_adult": True,
        "signed_at": "2026-03-01T09:12:44.501000Z",
        "revoked_at": None,
        "consent_version": "2026-01",
        "consent_text": "I agree that the clinic may publish my story.",
        "discloser": "The clinic that runs this website, and the staff who publish its stories.",
        "purpose": "To show people who consider this treatment what other patients experienced.",
        "statements": {
            "revocation": "You may revoke this authorization at any time, in writing: ...",
            "conditioning": "Your treatment ... do not depend on whether you sign.",
            "redisclosure": "Once published, your story can be read and copied by anyone ...",
        },
        "awaiting_approval": False,
    },
}


TESTIMONIAL_SUBMIT_EXAMPLES = [
    OpenApiExample(
        "A story",
        value={
            "topic": "dry-needling-low-back-pain",
            "author_name": "Maria Lopez",
            "body": "After four sessions and the home exercises I can sit through a workday again.",
            "consent_to_publish": True,
            "consent_text_version": "2026-01",
            "email": "maria@example.com",
            "rating": 5,
            "display_preference": "first_name_initial",
            "channels": ["clinic", "partners", "widget"],
            "signature": "Maria Lopez",
            "expires_on": "2028-03-01",
            "age_18_or_over": True,
        },
        request_only=True,
    ),
    OpenApiExample(
        "A story signed by a parent",
        value={
            "topic": "dry-needling-low-back-pain",
            "author_name": "Sam Lopez",
            "body": "My knee stopped hurting on the stairs after six weeks of exercises.",
            "consent_to_publish": True,
            "consent_text_version": "2026-01",
            "display_preference": "initials",
            "channels": ["clinic"],
            "age_18_or_over": False,
            "signature": "Maria Lopez",
            "guardian_relationship": "parent",
        },
        request_only=True,
    ),
    OpenApiExample("Received", value=PATIENT_EXAMPLE, response_only=True, status_codes=["202"]),
]


TESTIMONIAL_STATUS_EXAMPLES = [
    OpenApiExample(
        "Waiting for a moderator",
        value={**PATIENT_EXAMPLE, "status": "pending_review"},
        response_only=True,
    )
]


TESTIMONIAL_WITHDRAW_EXAMPLES = [
    OpenApiExample(
        "Withdrawn",
        value={**PATIENT_EXAMPLE, "status": "withdrawn"},
        response_only=True,
    )
]
