# The production image: web (gunicorn), worker and beat all run from it;
# docker-compose.yml picks the command. Dependencies come from uv.lock only.
# `make image` builds it, tagged with the version in pyproject.toml.
#
# The base is an exact Python and Debian release; to pin its bytes as well,
# pass its digest: --build-arg PYTHON_IMAGE=python:3.11.11-slim-bookworm@sha256:...
ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm
FROM ${PYTHON_IMAGE}

ARG VERSION=dev
LABEL org.opencontainers.image.title="testimonials-service" \
      org.opencontainers.image.description="Collect, screen, moderate and publish patient testimonials" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT"

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

# ffprobe and ffmpeg check patients' video and audio and strip their
# metadata (testimonials/media/recordings.py); without them video is refused.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*

# A fixed uid and gid, the ones deploy/kubernetes runs the pods as.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app
WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project --no-cache
# The image's software bill of materials (CycloneDX 1.5), from the same lock
# file that installed it: `make image` copies it out beside the image.
RUN uv export --frozen --no-dev --format cyclonedx1.5 --preview-features sbom-export \
      --output-file /app/sbom.cdx.json

COPY --chown=app:app . .
# var/metrics and var/media exist in the image, so the shared volumes
# mounted there start owned by app.
RUN mkdir -p var/metrics var/media && chown -R app:app var
USER app

# Static files are collected into the image (var/static, compressed and
# hashed by whitenoise); the key is a random throwaway for this step only.
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput -v 0

EXPOSE 8000
# gunicorn takes its number of worker processes from WEB_CONCURRENCY.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--graceful-timeout", "10"]
