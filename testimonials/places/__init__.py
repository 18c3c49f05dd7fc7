"""Places: organisations, their locations and clinicians.

- `selectors`: where a new story belongs, the slugs the public API filters by,
  the locations that publish.
- `services`: creating organisations, locations and clinicians, and their
  import from CSV.
- `apis`: `GET /api/v1/locations/`.
"""
