"""Publishing: what may be public, and how websites and readers get it.

- `gate`: the one query every public read goes through.
- `representations`: a published story as JSON.
- `changes_feed`: what websites were told, with signed cursors.
- `generation`: what follows a change of the public set (the changes feed
  row, webhooks, the cache generation).
- `cache`: cached public answers, valid until the generation moves.
- `channels`: which channel a read is for.
- `apis` (with `api_examples`), `topic_apis`: the websites' read API.
- `education_pages`, `widget`: the public pages, their feed and the widget.
"""
