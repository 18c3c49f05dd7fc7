"""Portability: `imports` brings in another tool's stories, `exports`
writes ours out (CSV or JSON) with their history."""
