"""Honest publishing: what readers must be told, and the evidence for it.

- `disclosures`: what stands next to a story (material connections, typical
  results, how a topic's stories are chosen).
- `stats`, `stats_api` (with `api_examples`): a topic's public report.
- `evidence`: a published story's evidence for a regulator.
"""
