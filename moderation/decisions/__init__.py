"""Decisions: what moderators do with a story and read to do it.

`services` (approve, reject, unpublish, reopen, edit, feature, connection),
`inputs` (the validation both the API and the admin's review page use),
`claims` and `notes`, `selectors` (queue, item, audit trail), `statistics`
(the week's numbers), `presentation` and `diff` (how the review page shows
flags and edits).
"""
