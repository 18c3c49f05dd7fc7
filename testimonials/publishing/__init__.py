"""Publishing: what may be public and how websites read it.

- `generation`: the publication state, its cache generation and the changes
  recorded when a story's publication changes.
- `cache`: the cached public reads.
- `channels`: which channel a website reads through.
"""
