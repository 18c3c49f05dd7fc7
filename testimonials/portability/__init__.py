"""Portability: importing stories from other tools, exporting ours."""
