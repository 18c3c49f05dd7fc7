"""Stories: a patient's story from submission to withdrawal or erasure.

- `submitting`: the submission service (validate, consent, save, screen on commit).
- `withdrawal`: the patient withdraws a story.
- `erasure`: erasing a story's personal data, keeping the consent evidence.
- `patient_links`: the patient's secret link (HMAC) and the story it opens.
- `apis` (with `api_examples`): submit, status and withdraw for apps.
- `share_page`, `story_pages`: the same on web pages.
"""
