"""`make run`: the embedded shape on a laptop."""

from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Every message lands as one file: emails under var/outbox/email/ (unless
# EMAIL_URL or EMAIL_BACKEND names a real one), texts under var/outbox/sms/.
if not env.str("EMAIL_URL", default="") and not env.str("EMAIL_BACKEND", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "outbox" / "email")
SMS_BACKEND = env.str("SMS_BACKEND", default="testimonials.visits.sms.FileBackend")
