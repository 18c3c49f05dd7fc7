"""The deployment files hold together: docker-compose.yml, the Dockerfile,
the Procfiles and .env.example refer only to things that exist.

No container engine runs where the tests run, so docker-compose.yml is
checked by Debian's `docker-compose config` (the Compose file format's own
validation) when it is installed, and by its structure always.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import get_commands
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"

WORKER_SERVICES = {"worker", "worker-outbound", "worker-housekeeping"}
REQUIRED_SERVICES = {"web", "beat", "postgres", "redis", "nginx", *WORKER_SERVICES}
LONG_RUNNING = REQUIRED_SERVICES
APP_SERVICES = {"web", "beat", *WORKER_SERVICES}
ONE_SHOT_CONDITION = "service_completed_successfully"


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(data, dict)
    return data


def _services() -> dict[str, dict[str, Any]]:
    services = _compose()["services"]
    assert isinstance(services, dict)
    return services


def _words(command: str | list[str]) -> list[str]:
    """A command as words; `sh -c SCRIPT` is opened up into SCRIPT's words."""
    if isinstance(command, str):
        lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        argv = list(lexer)
    else:
        argv = [str(part) for part in command]
    if len(argv) >= 3 and Path(argv[0]).name in {"sh", "bash"} and argv[1] == "-c":
        return argv[:2] + _words(argv[2])
    return argv


def _problems_in(command: str | list[str]) -> list[str]:
    """What in a command line does not exist in the project: a manage.py
    command, a Celery app, a WSGI module or a script."""
    words = _words(command)
    problems: list[str] = []
    known_commands = get_commands()
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else ""
        if word.endswith("manage.py"):
            if not (ROOT / "manage.py").is_file():
                problems.append("manage.py is missing")
            if following not in known_commands:
                problems.append(f"`manage.py {following}` is not a management command")
        elif Path(word).name == "celery":
            if following not in {"-A", "--app"}:
                problems.append(f"celery without -A in {words}")
                continue
            app_module = words[i + 2]
            if not _module_file(app_module):
                problems.append(f"celery app module {app_module!r} does not exist")
            elif app_module == "config":
                import config

                if type(config.celery_app).__name__ != "Celery":
                    problems.append("config.celery_app is not a Celery app")
            if words[i + 3] not in {"worker", "beat", "inspect"}:
                problems.append(f"unexpected celery subcommand {words[i + 3]!r}")
        elif Path(word).name == "gunicorn":
            target = next(w for w in words[i + 1 :] if not w.startswith("-"))
            module, _, attribute = target.partition(":")
            path = _module_file(module)
            if path is None:
                problems.append(f"gunicorn module {module!r} does not exist")
            elif not re.search(rf"^{attribute or 'application'}\s*=", path.read_text(), re.M):
                problems.append(f"{path.name} defines no {attribute or 'application'}")
        elif word.endswith(".py") and not word.startswith("-") and not (ROOT / word).is_file():
            problems.append(f"script {word} does not exist")
    return problems


def _module_file(dotted: str) -> Path | None:
    base = ROOT.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _procfile(name: str) -> dict[str, str]:
    entries = {}
    for line in (ROOT / name).read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            process, _, command = line.partition(":")
            entries[process.strip()] = command.strip()
    return entries


# --- docker-compose.yml ----------------------------------------------------


def test_it_defines_the_eight_services():
    services = _services()
    assert set(services) >= REQUIRED_SERVICES, sorted(REQUIRED_SERVICES - set(services))
    assert "version" not in _compose(), "the Compose specification has no `version:` key"


def test_it_gives_every_long_running_service_a_healthcheck():
    for name, service in _services().items():
        if name not in LONG_RUNNING:
            continue
        check = service.get("healthcheck") or {}
        assert check.get("test"), f"{name} has no healthcheck"
        assert not check.get("disable"), f"{name} disables its healthcheck"
        assert check["test"][0] in {"CMD", "CMD-SHELL"}, f"{name}: {check['test']}"


def test_it_starts_the_app_only_once_its_dependencies_are_healthy():
    services = _services()
    for name, service in services.items():
        depends_on = service.get("depends_on", {})
        assert isinstance(depends_on, dict), f"{name}: depends_on must name conditions"
        for dependency, rule in depends_on.items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            condition = rule.get("condition")
            if condition == ONE_SHOT_CONDITION:
                assert services[dependency].get("restart") == "no", (
                    f"{dependency} must be a one-shot service for {name} to wait on it"
                )
                continue
            assert condition == "service_healthy", f"{name} -> {dependency}: {condition}"
            assert "healthcheck" in services[dependency], f"{dependency} has no healthcheck"
    for name in APP_SERVICES:
        rules = services[name]["depends_on"]
        for backing in ("postgres", "redis"):
            assert rules[backing]["condition"] == "service_healthy", f"{name} -> {backing}"


def test_it_migrates_before_the_app_starts():
    services = _services()
    migrating = [
        name
        for name, service in services.items()
        if "migrate" in _words(service.get("command", []))
        and "manage.py" in str(service["command"])
    ]
    assert migrating, "no service runs `manage.py migrate`"
    for name in APP_SERVICES - set(migrating):
        assert any(services[name]["depends_on"].get(m) for m in migrating), (
            f"{name} does not wait for migrations"
        )


def test_it_points_the_app_at_its_postgres_and_redis_unless_told_otherwise():
    for name, service in _services().items():
        if "build" not in service:
            continue
        environment = service["environment"]
        assert environment["DATABASE_URL"] == (
            "${DATABASE_URL:-postgres://postgres@postgres:5432/testimonials}"
        ), name
        assert environment["REDIS_URL"] == "${REDIS_URL:-redis://redis:6379/0}", name
        assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production", name
        assert "DJANGO_SECRET_KEY" in environment, name


def test_it_runs_commands_that_exist_in_the_project():
    checked = 0
    for name, service in _services().items():
        if "build" not in service:
            image = service["image"]
            assert re.fullmatch(r"(postgres|redis|nginx):[\d.]+", image), image
            continue
        assert service.get("command"), f"{name} has no command"
        assert _problems_in(service["command"]) == [], name
        test = service.get("healthcheck", {}).get("test", ["CMD"])
        assert _problems_in(test[1] if test[0] == "CMD-SHELL" else test[1:]) == [], name
        checked += 1
    assert checked >= len(APP_SERVICES)


def test_it_probes_the_web_service_on_a_real_url():
    test = " ".join(_services()["web"]["healthcheck"]["test"])
    paths = re.findall(r"http://127\.0\.0\.1:8000(/[^'\" ]*)", test)
    assert paths, test
    for path in paths:
        try:
            resolve(path)
        except Resolver404:
            pytest.fail(f"the web healthcheck asks for {path}, which no URL serves")


def test_it_puts_the_repositorys_nginx_config_in_front_of_web():
    nginx = _services()["nginx"]
    [mount] = nginx["volumes"]
    source, target, _ = mount.split(":")
    template = ROOT / source
    assert template.is_file(), source
    assert target == "/etc/nginx/templates/default.conf.template"
    text = template.read_text()
    # Every ${...} the template uses is set for the image to fill in.
    assert set(re.findall(r"\$\{(\w+)\}", text)) == set(nginx["environment"])
    assert nginx["environment"]["TESTIMONIALS_UPSTREAM"] == "web:8000"
    assert f":{nginx['environment']['NGINX_PORT']}" in nginx["ports"][0]
    assert "ports" not in _services()["web"], "web is reached through nginx only"
    assert "proxy_cache_valid 200 301 302 404 1s;" in text


def test_it_pings_each_worker_by_its_node_name():
    for name in WORKER_SERVICES:
        test = " ".join(_services()[name]["healthcheck"]["test"])
        assert "inspect ping" in test
        assert "celery@$$HOSTNAME" in test or "celery@$HOSTNAME" in test


def _queues_of(command: str | list[str]) -> list[str] | None:
    """The queues a `celery worker` command consumes (None: every queue of
    the settings, for a worker without --queues)."""
    words = _words(command)
    for flag in ("--queues", "-Q"):
        if flag in words:
            return words[words.index(flag) + 1].split(",")
    return None


def _worker_commands(commands: dict[str, str | list[str]]) -> dict[str, list[str] | None]:
    return {
        name: _queues_of(command)
        for name, command in commands.items()
        if "worker" in _words(command) and "celery" in " ".join(_words(command))
    }


def _check_one_worker_per_queue(workers: dict[str, list[str] | None], where: str) -> None:
    from django.conf import settings

    queues = [queue.name for queue in settings.CELERY_TASK_QUEUES]
    assert None not in workers.values(), f"{where}: a worker without --queues takes every queue"
    consumed = [queue for names in workers.values() for queue in names or []]
    assert sorted(consumed) == sorted(queues), f"{where}: {workers}"
    assert all(len(names or []) == 1 for names in workers.values()), where


def _check_each_worker_runs_its_queues_processes(commands: dict[str, str | list[str]]) -> None:
    for name, queues in _worker_commands(commands).items():
        words = _words(commands[name])
        assert "--concurrency" in words, f"{name} would run CELERY_CONCURRENCY processes"
        number = words[words.index("--concurrency") + 1]
        variable = f"CELERY_{(queues or [''])[0].upper()}_CONCURRENCY"
        assert number.startswith(f"${{{variable}:-"), f"{name}: {number}"


def test_it_runs_one_worker_service_per_queue():
    services = _services()
    workers = _worker_commands(
        {name: s["command"] for name, s in services.items() if "command" in s}
    )
    assert set(workers) == WORKER_SERVICES
    _check_one_worker_per_queue(workers, "docker-compose.yml")
    _check_each_worker_runs_its_queues_processes(
        {name: services[name]["command"] for name in workers}
    )


def _compose_config(project: Path, dotenv: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`docker-compose config` of docker-compose.yml with `dotenv` as the
    `.env` beside it (in `project`, a folder of the test's own), and nothing
    from this process's environment: what compose would hand each service."""
    binary = shutil.which("docker-compose")
    if binary is None:
        message = (
            "Debian's docker-compose is not installed, so docker-compose.yml could not be "
            "validated (apt-get install docker-compose; .ci/run does this as root)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    shutil.copy(COMPOSE_FILE, project / "docker-compose.yml")
    (project / ".env").write_text("".join(f"{k}={v}\n" for k, v in dotenv.items()))
    return subprocess.run(
        [binary, "config"],
        cwd=project,
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        timeout=60,
        check=False,
    )


MINIMAL_DOTENV = {"DJANGO_SECRET_KEY": "compose-config-check", "POSTGRES_PASSWORD": "pg-secret"}


def test_it_is_valid_for_docker_compose(tmp_path):
    result = _compose_config(tmp_path, MINIMAL_DOTENV)
    assert result.returncode == 0, result.stderr or result.stdout


# Settings compose gives a value of its own, whatever `.env` says.
COMPOSE_DECIDES = {
    # The folder of the `metrics` volume that web and the workers share.
    "METRICS_DIR",
}
APP_AND_MIGRATE = APP_SERVICES | {"migrate"}


def test_every_setting_in_env_reaches_every_app_service(tmp_path):
    """Each variable the settings read, set in `.env`, arrives with that
    value in web, every worker, beat and migrate."""
    variables = _settings_variables()
    dotenv = {**MINIMAL_DOTENV, **{name: f"from-dotenv-{name.lower()}" for name in variables}}
    result = _compose_config(tmp_path, dotenv)
    assert result.returncode == 0, result.stderr
    rendered = yaml.safe_load(result.stdout)["services"]
    for name in APP_AND_MIGRATE:
        environment = rendered[name]["environment"]
        lost = sorted(
            variable
            for variable in variables - COMPOSE_DECIDES
            if environment.get(variable) != dotenv[variable]
        )
        assert not lost, f"{name} does not get these settings from .env: {lost}"
        assert environment["METRICS_DIR"] == "/app/var/metrics", name
        assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production", name


def test_every_app_service_reads_the_one_env_file():
    for name in APP_AND_MIGRATE:
        assert _services()[name]["env_file"] == ".env", name


def test_with_a_minimal_env_the_app_uses_the_compose_postgres_and_redis(tmp_path):
    result = _compose_config(tmp_path, MINIMAL_DOTENV)
    assert result.returncode == 0, result.stderr
    rendered = yaml.safe_load(result.stdout)["services"]
    for name in APP_AND_MIGRATE:
        environment = rendered[name]["environment"]
        assert environment["DATABASE_URL"] == "postgres://postgres@postgres:5432/testimonials"
        # libpq's own variable: the password stays out of the URL.
        assert environment["PGPASSWORD"] == "pg-secret"
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert rendered["postgres"]["environment"]["POSTGRES_PASSWORD"] == "pg-secret"
    assert rendered["migrate"]["environment"]["SEED_DEMO"] == "false", "no demo in production"


@pytest.mark.parametrize("required", ["POSTGRES_PASSWORD", "DJANGO_SECRET_KEY"])
def test_it_refuses_to_start_without_a_database_password_or_secret_key(tmp_path, required):
    dotenv = {k: v for k, v in MINIMAL_DOTENV.items() if k != required}
    result = _compose_config(tmp_path, dotenv)
    assert result.returncode != 0
    assert f"set {required} in .env" in result.stderr


def test_it_seeds_the_demo_only_when_asked():
    migrate = _services()["migrate"]
    assert migrate["environment"]["SEED_DEMO"] == "${SEED_DEMO:-false}"
    assert '[ "$$SEED_DEMO" = true ]' in migrate["command"][-1]


def test_it_rotates_every_services_log():
    for name, service in _services().items():
        logging = service.get("logging") or {}
        assert logging.get("driver") == "json-file", name
        assert {"max-size", "max-file"} <= set(logging.get("options", {})), name


# --- Dockerfile ------------------------------------------------------------


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_it_builds_an_image_whose_command_exists():
    instructions = _dockerfile_instructions()
    assert instructions[1] == ("FROM", "${PYTHON_IMAGE}")  # tests/test_image.py: which
    cmd = [rest for keyword, rest in instructions if keyword == "CMD"][-1]
    argv = json.loads(cmd)
    assert argv[0] == "gunicorn"
    assert _problems_in(argv) == []
    assert ("USER", "app") in instructions, "the image must not run as root"
    for keyword, rest in instructions:
        if keyword == "COPY":
            sources = [w for w in shlex.split(rest) if not w.startswith("--")][:-1]
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: no such file"


def test_it_pins_the_same_uv_as_the_makefile():
    makefile_pin = re.search(r"^UV_VERSION := (\S+)", (ROOT / "Makefile").read_text(), re.M)
    assert makefile_pin is not None
    assert f"uv=={makefile_pin.group(1)}" in DOCKERFILE.read_text()


def test_it_keeps_secrets_and_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".venv", "var", ".git"} <= ignored


# --- Procfiles -------------------------------------------------------------


def test_the_procfile_web_listens_where_a_platform_sends_traffic():
    words = _words(_procfile("Procfile")["web"])
    assert words[words.index("--bind") + 1] == "0.0.0.0:${PORT:-8000}"


@pytest.mark.parametrize("procfile", ["Procfile", "Procfile.dev"])
def test_it_runs_procfile_commands_that_exist(procfile):
    entries = _procfile(procfile)
    assert next(iter(entries)) == "web", "web must come first: honcho hands it PORT unchanged"
    assert {"web", "worker", "beat"} <= set(entries)
    for process, command in entries.items():
        assert _problems_in(command) == [], f"{procfile} {process}: {command}"


@pytest.mark.parametrize("procfile", ["Procfile", "Procfile.dev"])
def test_it_runs_one_procfile_worker_per_queue_with_its_own_node_name(procfile):
    entries = _procfile(procfile)
    workers = _worker_commands(dict(entries.items()))
    _check_one_worker_per_queue(workers, procfile)
    _check_each_worker_runs_its_queues_processes(dict(entries.items()))
    names = [
        _words(entries[process])[_words(entries[process]).index("--hostname") + 1]
        for process in workers
    ]
    assert len(set(names)) == len(workers), f"{procfile}: workers share a node name: {names}"


# --- .env.example ----------------------------------------------------------

SETTING_READ = re.compile(
    r"""(?:\benv(?:\.\w+)?|os\.environ\.get|os\.environ\.setdefault|os\.getenv|os\.environ)"""
    r"""\s*[(\[]\s*["']([A-Z][A-Z0-9_]*)["']"""
)


def _settings_variables() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        names |= set(SETTING_READ.findall(path.read_text()))
    return names - {"DJANGO_SETTINGS_MODULE"}


def _documented_variables() -> set[str]:
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.M))


def test_it_finds_the_settings_variables():
    # Guards the pattern below: it must see the variables we know are read.
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SUBMIT_THROTTLE_RATE"} <= (
        _settings_variables()
    )


def test_it_lists_every_setting_in_env_example():
    missing = _settings_variables() - _documented_variables()
    assert not missing, f"read by config/settings but not in .env.example: {sorted(missing)}"


def test_it_lists_every_variable_the_deployment_files_read():
    text = "\n".join(
        (ROOT / name).read_text() for name in ("docker-compose.yml", "Procfile", "Procfile.dev")
    )
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text)) - {"HOSTNAME"}
    missing = used - _documented_variables()
    assert not missing, f"used by the deployment files but not in .env.example: {sorted(missing)}"
