"""`manage.py` commands: screening a file, moderator accounts, a patient's data."""
