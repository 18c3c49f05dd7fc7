"""Error tracking (Sentry): off unless SENTRY_DSN is set; what is sent is
scrubbed like the logs (config/error_tracking.py). Traces are off unless the
rate is above 0.

Imported by `config.settings.base` once `.env` is read.
"""

import environ

env = environ.Env()

SENTRY_DSN: str = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT: str = env.str("SENTRY_ENVIRONMENT", default="")
SENTRY_TRACES_SAMPLE_RATE: float = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    from config import error_tracking

    error_tracking.start(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )
