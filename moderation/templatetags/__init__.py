"""Template tags of the moderators' admin."""
