import contextlib
import dataclasses
import logging
import os

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from moderation.accounts import api_tokens
from moderation.accounts import moderators as moderation_moderators
from tests.factories import (
    PATIENT_EMAIL,
    PATIENT_NAME,
    ConsentTextFactory,
    TopicFactory,
    UserFactory,
)
from tests.faults import FAULT_FIGURE
from tests.support import worker as started_processes
from tests.support.log_canary import (
    CANARY,
    PERSONAL_DATA,
    CanaryLogHandler,
    Leak,
    leaks_in_output,
)
from tests.support.throttle import wait_for_room_in_the_window

SERVICES_REQUIRED = os.environ.get("CI", "").lower() == "true"
FAULTS = "tests/faults/"


def pytest_itemcollected(item):
    if not item.nodeid.endswith(item.name):
        # schemathesis names its cases "test[GET /path]" but, on pytest 9,
        # gives them all one node id, which pytest-xdist would run only once.
        item._id = dataclasses.replace(item._id, params=item.name.partition("[")[2][:-1])


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist the fault stage comes first: it is the longest, and
    it mostly waits on outages while the other worker runs the rest."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: item.get_closest_marker("faults") is None)


def pytest_xdist_make_scheduler(config, log):
    """How `make test` shares the tests among pytest-xdist's workers: each
    file whole in one (its module fixtures and state stay whole), and the
    fault stage whole in one, one outage at a time, as `make test-faults`
    runs it (two at once on two cores failed once, the only time)."""
    from xdist.scheduler import LoadFileScheduling

    class FaultStageTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(FAULTS):
                return FAULTS
            return str(super()._split_scope(nodeid))

    return FaultStageTogether(config, log)


def _missing_services():
    missing = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing.append("PostgreSQL (set DATABASE_URL)")
    if not settings.REDIS_URL:
        missing.append("Redis (set REDIS_URL)")
    return missing


CANARY_HANDLER = CanaryLogHandler()


# What the tests store that names a patient or tells their story: every
# log line is searched for any 12-character piece of it (log_canary).
PERSONAL_MODELS = ("Testimonial", "Authorization", "Invitation")


@pytest.fixture(scope="session", autouse=True)
def _search_every_log_line_for_the_canary():
    """Every record any logger writes during the run, at DEBUG and up,
    passes through the canary search (the verdict: pytest_sessionfinish),
    and every name, email and story a test stores is remembered for it."""
    from django.apps import apps
    from django.db.models.signals import post_save

    for name in PERSONAL_MODELS:
        post_save.connect(
            PERSONAL_DATA.collect,
            sender=apps.get_model("testimonials", name),
            weak=False,
            dispatch_uid=f"personal-data-{name}",
        )
    root = logging.getLogger()
    level = root.level
    root.addHandler(CANARY_HANDLER)
    root.setLevel(logging.DEBUG)
    yield
    root.removeHandler(CANARY_HANDLER)
    root.setLevel(level)
    for name in PERSONAL_MODELS:
        post_save.disconnect(
            sender=apps.get_model("testimonials", name), dispatch_uid=f"personal-data-{name}"
        )


@pytest.fixture(autouse=True)
def _search_this_tests_log_lines(request):
    """When a test ends, the lines it logged are searched for any piece of
    the personal data stored so far (a line may show it before it is saved)."""
    yield
    CANARY_HANDLER.search_pending(f" in {request.node.nodeid}")


def pytest_sessionfinish(session, exitstatus):
    CANARY_HANDLER.search_pending()
    leaks = list(CANARY_HANDLER.leaks)
    for process in started_processes.STARTED:
        process.wait_output_closed()
        leaks += leaks_in_output(
            f"process {process.name}", process.lines, startup_lines=process.startup_lines
        )
    # A pytest-xdist worker hands its leaks to the controller
    # (pytest_testnodedown), whose verdict and summary are the run's.
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["canary_leaks"] = [(leak.where, leak.line) for leak in leaks]
    leaks += getattr(session.config, "_canary_leaks", [])
    if leaks:
        session.config._canary_leaks = leaks
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_testnodedown(node, error):
    output = getattr(node, "workeroutput", {})
    leaks = [Leak(where, line) for where, line in output.get("canary_leaks", [])]
    if leaks:
        node.config._canary_leaks = [*getattr(node.config, "_canary_leaks", []), *leaks]


def pytest_terminal_summary(terminalreporter, config):
    """The figure each fault test measured (`tests/faults/conftest.py`),
    gathered from the reports, so that pytest-xdist's workers' count too;
    then any log line that carried the canary."""
    figures = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name == FAULT_FIGURE
    ]
    if figures:
        terminalreporter.section("fault figures")
        for line in figures:
            terminalreporter.write_line(line)
    if PERSONAL_DATA.lines_searched:
        terminalreporter.write_sep(
            "-",
            f"personal data in the logs: {PERSONAL_DATA.lines_searched} lines searched for "
            f"{len(PERSONAL_DATA.windows)} pieces in {PERSONAL_DATA.seconds:.2f}s",
        )
    leaks = getattr(config, "_canary_leaks", [])
    if leaks:
        terminalreporter.section("personal data in the logs", red=True, bold=True)
        terminalreporter.write_line(
            f"{len(leaks)} log line(s) carry the canary {CANARY!r} or a piece (12 characters "
            "or more) of a test patient's name, email or story; no log line may show any:"
        )
        for leak in leaks[:20]:
            terminalreporter.write_line(f"  {leak.describe()}")


@pytest.fixture(scope="session", autouse=True)
def _clean_redis_after_the_run():
    """Leave the shared Redis as we found it: delete this run's keys only."""
    yield
    if not settings.REDIS_URL or not settings.REDIS_KEY_PREFIX:
        return
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(match=f"{settings.REDIS_KEY_PREFIX}*", count=500))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(autouse=True)
def _rows_written_directly_move_the_generations_on(request):
    """Factories write published stories, authorizations and topics
    directly, and the services' after-commit hooks never run in a test
    rolled back at its end: bump the generations when such rows are
    written, as the hooks would after commit, so cached answers follow. A `queryset.update()` still
    sends nothing, like a change made behind the services' back."""
    if request.node.get_closest_marker("hooks_only") is not None:
        yield
        return
    from django.db.models.signals import post_delete, post_save

    from testimonials.models import (
        Authorization,
        Clinician,
        Location,
        Organisation,
        StatusChange,
        Testimonial,
        Topic,
        TypicalResultsStatement,
    )
    from testimonials.publishing import generation

    def bump(**kwargs):
        with contextlib.suppress(Exception):  # the tests of a cache that is down
            generation.publication_cache_bump()
        generation.stats_changed()

    # A status change writes its audit row (StatusChange) in the transaction.
    models = (Testimonial, Authorization, StatusChange, Topic, TypicalResultsStatement)
    # Places change the public reads too (testimonials.places.receivers, after commit).
    models += (Organisation, Location, Clinician)
    for model in models:
        post_save.connect(bump, sender=model, weak=False, dispatch_uid=f"bump-{model.__name__}")
        post_delete.connect(bump, sender=model, weak=False, dispatch_uid=f"unbump-{model.__name__}")
    yield
    for model in models:
        post_save.disconnect(sender=model, dispatch_uid=f"bump-{model.__name__}")
        post_delete.disconnect(sender=model, dispatch_uid=f"unbump-{model.__name__}")


@pytest.fixture(autouse=True)
def _no_answers_from_earlier_tests():
    """Each test's database starts afresh (rolled back), without the commit
    hooks that would move the publication generation on: cached answers
    from an earlier test would look current. The in-process cache is
    emptied; a shared Redis keeps its keys (the run's own prefix)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from testimonials.publishing import cache as public_cache

    public_cache.forget_local()
    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture(autouse=True)
def _require_services(request):
    """Tests marked `services` need PostgreSQL and Redis. Without them they
    are skipped (pytest -ra lists why); with CI=true they fail instead."""
    if request.node.get_closest_marker("services") is None:
        return
    missing = _missing_services()
    if not missing:
        return
    reason = "needs " + " and ".join(missing)
    if SERVICES_REQUIRED:
        pytest.fail(f"CI=true but this test {reason}")
    pytest.skip(reason)


@pytest.fixture
def consent(db):
    return ConsentTextFactory()


@pytest.fixture
def topic(db):
    return TopicFactory()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def moderator(db):
    """alice, a moderator with an API token."""
    token = moderation_moderators.moderator_create(username="alice", password="alice-pass-123")
    return token.user


@pytest.fixture
def other_moderator(db):
    token = moderation_moderators.moderator_create(username="bob", password="bob-pass-123")
    return token.user


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def patient_user(db):
    """charlie: signed in, but no moderator."""
    return UserFactory(username="charlie")


@pytest.fixture
def moderator_client(moderator):
    client = APIClient()
    key = api_tokens.token_issue(user=moderator, name="tests").key
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def submission(consent, topic):
    return {
        "topic": topic.slug,
        "author_name": PATIENT_NAME,
        "body": (
            f"{CANARY} After four sessions and the home exercises {CANARY} I can sit "
            f"through a workday again {CANARY}."
        ),
        "consent_to_publish": True,
        "consent_text_version": consent.version,
        "email": PATIENT_EMAIL,
        "rating": 5,
        "display_preference": "first_name_initial",
    }


@pytest.fixture
def room_in_the_throttle_window():
    """For a test that counts requests up to a per-minute limit."""
    wait_for_room_in_the_window()
