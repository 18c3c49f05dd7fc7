"""The embedded shape: the web server and the worker write one SQLite file
at once. WAL, a busy timeout and IMMEDIATE transactions must keep every
write, with no "database is locked"."""

import subprocess
import sys
import textwrap

from tests.support.worker import BASE_DIR

SETUP = textwrap.dedent(
    """
    from testimonials.models import ConsentText, Topic
    ConsentText.objects.create(version="v1", text="I agree.")
    Topic.objects.create(slug="t", title="T", article="A")
    """
)

WRITER = textwrap.dedent(
    """
    from moderation.intake.screening import testimonial_screen
    from testimonials.stories.submitting import Submission, testimonial_submit
    for n in range(40):
        outcome = testimonial_submit(submission=Submission(
            topic_slug="t", author_name="Writer", body=f"Story number {n}, long enough to keep.",
            consent_to_publish=True, consent_text_version="v1"))
        testimonial_screen(testimonial_id=outcome.testimonial.pk)
    """
)


def manage(env, *args, **kwargs):
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def test_three_processes_write_one_sqlite_file_without_locking_errors(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_SECRET_KEY="test",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        CELERY_BROKER_DIR=str(tmp_path / "broker"),
        FILE_CACHE_DIR=str(tmp_path / "cache"),
        LOG_LEVEL="WARNING",
    )
    for args in (("migrate", "-v0"), ("shell", "-c", SETUP)):
        done = manage(env, *args)
        output, _ = done.communicate(timeout=120)
        assert done.returncode == 0, output

    writers = [manage(env, "shell", "-c", WRITER) for _ in range(3)]
    outputs = [writer.communicate(timeout=180)[0] for writer in writers]
    for writer, output in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, output
        assert "database is locked" not in output

    count = manage(
        env,
        "shell",
        "-c",
        "from testimonials.models import Testimonial as T, StatusChange as C; "
        "print(T.objects.filter(status='pending_review').count(), C.objects.count())",
    )
    output, _ = count.communicate(timeout=60)
    assert output.split()[-2:] == ["120", "240"]
