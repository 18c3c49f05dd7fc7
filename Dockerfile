# The production image: web (gunicorn), worker and beat all run from it;
# docker-compose.yml picks the command. Dependencies come from uv.lock only.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    PATH=/app/.venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    PORT=8000 \
    WEB_CONCURRENCY=4

# The same uv as the Makefile's.
RUN pip install --no-cache-dir uv==0.13.9

RUN groupadd --system app && useradd --system --gid app --home-dir /app --shell /usr/sbin/nologin app
WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project --no-cache

COPY --chown=app:app . .
# var/metrics exists in the image, so the shared volume mounted there starts
# owned by app.
RUN mkdir -p var/metrics && chown -R app:app var
USER app

# Static files are collected into the image (var/static, compressed and
# hashed by whitenoise); the key is a random throwaway for this step only.
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput -v 0

EXPOSE 8000
# gunicorn takes its number of worker processes from WEB_CONCURRENCY.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--graceful-timeout", "10"]
