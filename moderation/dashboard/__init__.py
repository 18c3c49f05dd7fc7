"""The cross-location dashboard of an organisation, for its admins and the
installation's superusers: per location and ISO week, what was received,
screened, decided and published, the median time to a decision, the reasons
stories were declined, and the ratings of every reviewed story next to the
published ones, so that a group can show that no location withholds
negative stories.

- `selectors`: the figures, in a few grouped queries for all locations.
- `views`, `urls`: the admin page, `/admin/dashboard/`.
- `asks`: the ask funnel's page, `/admin/dashboard/asks/` (its figures from
  `testimonials.visits.funnel`).
"""
