"""Honest publishing: disclosures beside each story, typical results, the
evidence a regulator may ask for, and the statistics behind them."""
