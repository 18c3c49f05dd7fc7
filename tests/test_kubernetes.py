"""deploy/kubernetes/ renders to valid manifests that keep their promises.

No cluster runs where the tests run: the kustomizations are rendered offline
(tests/support/kustomize.py; compared with `kubectl kustomize` where kubectl
is installed), every manifest is validated against the Kubernetes OpenAPI
schemas that the kubernetes-validate package ships, and the invariants
docs/deployment-kubernetes.md states are checked on what was rendered: one
beat, probes on web, limits everywhere, non-root read-only containers, every
setting in the ConfigMap or the Secret, and who may connect to whom.
"""

import base64
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from django.test import Client, override_settings
from django.urls import resolve

from config import health
from tests.support.kustomize import Manifest, pod_spec, render
from tests.test_compose import _dockerfile_instructions, _settings_variables

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
NGINX_TEMPLATE = DEPLOY / "nginx" / "testimonials.conf.template"

# The oldest Kubernetes the manifests are for, and the newest the package knows.
KUBERNETES_VERSIONS = ["1.29", kubernetes_validate.latest_version()]
QUEUES = ["screening", "outbound", "housekeeping"]
# Read by the settings but deliberately in neither the ConfigMap nor the Secret.
NOT_FOR_THE_CLUSTER = {
    # Only used without PostgreSQL and Redis (SQLite, file cache, filesystem broker).
    "SQLITE_PATH",
    "FILE_CACHE_DIR",
    "CELERY_BROKER_DIR",
    # Tests and development only: Twilio's API calls to a local imitation.
    "TWILIO_API_BASE_URL",
    # Only with MEDIA_STORAGE=filesystem; pods share no disk and use a bucket.
    "MEDIA_ROOT",
    # The test suite's own.
    "TEST_RUN_DIR",
    "TEST_DATABASE_SUFFIX",
    "PYTEST_XDIST_WORKER",
    "TEST_RUN_WORKER",
    "TEST_REDIS_CACHE",
    "TEST_EXTRA_SCREENERS",
    "TEST_SCREENERS",
    "TEST_EMAIL_DIR",
    "TEST_EMAIL_URL",
}
APP_COMPONENTS = {"web", "worker", "beat", "migrate"}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of deploy/ as an operator fills it in: secrets.env from its
    example, and a production overlay with the KEDA component added."""
    copy = tmp_path_factory.mktemp("deploy") / "deploy"
    shutil.copytree(DEPLOY, copy, ignore=shutil.ignore_patterns("secrets.env"))
    production = copy / "kubernetes" / "overlays" / "production"
    shutil.copy(production / "secrets.env.example", production / "secrets.env")
    keda = copy / "kubernetes" / "overlays" / "production-keda"
    shutil.copytree(production, keda)
    kustomization = yaml.safe_load((keda / "kustomization.yaml").read_text())
    kustomization["components"] = ["../../components/keda"]
    (keda / "kustomization.yaml").write_text(yaml.safe_dump(kustomization))
    return copy / "kubernetes"


RENDERS = ["base", "overlays/production", "overlays/production-keda"]


@pytest.fixture(scope="module")
def rendered(tree: Path) -> dict[str, list[Manifest]]:
    return {name: render(tree / name) for name in RENDERS}


@pytest.fixture(scope="module")
def production(rendered: dict[str, list[Manifest]]) -> list[Manifest]:
    return rendered["overlays/production"]


def _by_kind(manifests: list[Manifest], kind: str) -> dict[str, Manifest]:
    return {m["metadata"]["name"]: m for m in manifests if m["kind"] == kind}


def _containers(manifest: Manifest, init: bool = True) -> list[dict[str, Any]]:
    spec = pod_spec(manifest) or {}
    return [*(spec.get("initContainers", []) if init else []), *spec.get("containers", [])]


def _workloads(manifests: list[Manifest]) -> Iterator[Manifest]:
    return (m for m in manifests if pod_spec(m) is not None)


def _config(manifests: list[Manifest]) -> dict[str, str]:
    data: dict[str, str] = _by_kind(manifests, "ConfigMap")["testimonials-config"]["data"]
    return data


# --- Rendering and schemas ---------------------------------------------------


def test_it_renders_every_kustomization(rendered):
    kinds = {m["kind"] for m in rendered["overlays/production"]}
    assert {
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "Job",
        "ConfigMap",
        "Secret",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Ingress",
        "Namespace",
    } <= kinds
    assert "ScaledObject" in {m["kind"] for m in rendered["overlays/production-keda"]}
    namespace = _by_kind(rendered["overlays/production"], "Namespace")["testimonials"]
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for manifest in rendered["overlays/production-keda"]:
        if manifest["kind"] != "Namespace":
            assert manifest["metadata"]["namespace"] == "testimonials", manifest["metadata"]


def test_it_renders_as_kubectl_kustomize_does(tree, rendered):
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed: the Python rendering is not compared with it")
    for name in RENDERS:
        result = subprocess.run(
            [kubectl, "kustomize", str(tree / name)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        theirs = {_key(m): _decoded(m) for m in yaml.safe_load_all(result.stdout) if m}
        ours = {_key(m): _decoded(m) for m in rendered[name]}
        assert sorted(ours) == sorted(theirs), name
        for key, manifest in ours.items():
            assert manifest == theirs[key], f"{name}: {key} renders differently"


def _decoded(manifest: Manifest) -> Manifest:
    """A Secret with its values decoded (kustomize wraps long base64 lines)."""
    if manifest["kind"] != "Secret":
        return manifest
    data = {
        key: base64.b64decode("".join(value.split())) for key, value in manifest["data"].items()
    }
    return {**manifest, "data": data}


def _key(manifest: Manifest) -> tuple[str, str, str]:
    metadata = manifest["metadata"]
    return (manifest["kind"], metadata.get("namespace", ""), metadata["name"])


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_manifest_is_valid_for_kubernetes(rendered, version):
    checked = 0
    for name, manifests in rendered.items():
        for manifest in manifests:
            if manifest["apiVersion"].startswith("keda.sh/"):
                continue  # a custom resource: test_keda_scales_each_worker_on_its_queue
            try:
                kubernetes_validate.validate(manifest, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                pytest.fail(f"{name}: {_key(manifest)}: {error.message} at {list(error.path)}")
            checked += 1
    assert checked >= 60


# --- Workloads ------------------------------------------------------------


def test_exactly_one_beat_runs_and_it_is_never_doubled(rendered):
    for name, manifests in rendered.items():
        beats = [
            m
            for m in _workloads(manifests)
            for c in _containers(m, init=False)
            if "beat" in c.get("command", []) and "celery" in c["command"][0]
        ]
        assert len(beats) == 1, f"{name}: {[b['metadata']['name'] for b in beats]}"
        [beat] = beats
        assert beat["kind"] == "Deployment"
        assert beat["spec"]["replicas"] == 1, name
        # A rolling update would start the new beat before the old one stops.
        assert beat["spec"]["strategy"] == {"type": "Recreate"}, name
        assert beat["metadata"]["name"] not in _scaled_targets(manifests), name


def _scaled_targets(manifests: list[Manifest]) -> set[str]:
    return {
        m["spec"]["scaleTargetRef"]["name"]
        for m in manifests
        if m["kind"] in {"HorizontalPodAutoscaler", "ScaledObject"}
    }


def test_web_runs_gunicorn_as_the_image_does(production):
    web = _by_kind(production, "Deployment")["web"]
    [container] = _containers(web, init=False)
    dockerfile_cmd = [rest for keyword, rest in _dockerfile_instructions() if keyword == "CMD"][-1]
    assert container["command"] == yaml.safe_load(dockerfile_cmd)
    assert container["ports"] == [{"name": "http", "containerPort": 8000}]
    service = _by_kind(production, "Service")["web"]
    assert (
        service["spec"]["selector"].items() <= web["spec"]["template"]["metadata"]["labels"].items()
    )
    hpa = _by_kind(production, "HorizontalPodAutoscaler")["web"]
    assert hpa["spec"]["scaleTargetRef"]["name"] == "web"
    assert hpa["spec"]["minReplicas"] >= 2


def test_web_is_probed_on_readyz_then_healthz_with_a_host_it_accepts(production):
    [container] = _containers(_by_kind(production, "Deployment")["web"], init=False)
    # /readyz before a pod first serves; then /healthz, since a shared
    # PostgreSQL or Redis down would take every pod out at once (web.yaml).
    expected = {
        "startupProbe": health.readyz,
        "readinessProbe": health.healthz,
        "livenessProbe": health.healthz,
    }
    allowed_hosts = _config(production)["DJANGO_ALLOWED_HOSTS"].split(",")
    client = Client()
    for probe_name, view in expected.items():
        probe = container[probe_name]["httpGet"]
        assert resolve(probe["path"]).func == view, probe_name
        headers = {header["name"]: header["value"] for header in probe.get("httpHeaders", [])}
        host = headers.get("Host", "10.0.0.1")  # without one, the kubelet sends the pod's IP
        with override_settings(ALLOWED_HOSTS=allowed_hosts):
            answer = client.get(probe["path"], HTTP_HOST=host)
        assert answer.status_code != 400, f"{probe_name}: Host {host} is refused"


def test_every_container_has_requests_and_limits(rendered):
    for name, manifests in rendered.items():
        for workload in _workloads(manifests):
            for container in _containers(workload):
                resources = container.get("resources", {})
                where = f"{name}: {workload['metadata']['name']}/{container['name']}"
                for bound in ("requests", "limits"):
                    assert {"cpu", "memory"} <= set(resources.get(bound, {})), f"{where} {bound}"


def test_every_container_runs_as_a_user_on_a_read_only_root(rendered):
    for name, manifests in rendered.items():
        for workload in _workloads(manifests):
            spec = pod_spec(workload) or {}
            where = f"{name}: {workload['metadata']['name']}"
            pod_security = spec["securityContext"]
            assert pod_security["runAsNonRoot"] is True, where
            # The image's user is a name; the kubelet can check only a number.
            assert pod_security["runAsUser"] > 0, where
            # With the rest, what the namespace's Pod Security "restricted" asks.
            assert pod_security["seccompProfile"] == {"type": "RuntimeDefault"}, where
            assert spec["automountServiceAccountToken"] is False, where
            volumes = {volume["name"]: volume for volume in spec["volumes"]}
            for container in _containers(workload):
                security = container["securityContext"]
                assert security["readOnlyRootFilesystem"] is True, where
                assert security["allowPrivilegeEscalation"] is False, where
                assert security["capabilities"]["drop"] == ["ALL"], where
                mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
                # The one writable place besides named emptyDirs.
                scratch = mounts["/tmp"]  # noqa: S108 - a path inside the container
                assert "emptyDir" in volumes[scratch], f"{where}: /tmp"


def test_every_app_process_waits_for_the_migrate_job(production):
    migrate = _by_kind(production, "Job")["migrate"]
    [container] = _containers(migrate)
    assert container["command"] == ["python", "manage.py", "migrate", "--noinput"]
    for workload in _workloads(production):
        component = workload["metadata"]["labels"]["app.kubernetes.io/component"]
        if component in APP_COMPONENTS - {"migrate"}:
            [init] = (pod_spec(workload) or {})["initContainers"]
            assert "manage.py migrate --check" in init["command"][-1], workload["metadata"]


def test_one_worker_deployment_per_queue_with_its_concurrency(production):
    from django.conf import settings

    assert sorted(q.name for q in settings.CELERY_TASK_QUEUES) == sorted(QUEUES)
    config = _config(production)
    seen = []
    for workload in _workloads(production):
        [container] = _containers(workload, init=False)
        words = container.get("command", [])
        if words[:4] != ["celery", "-A", "config", "worker"]:
            continue
        [queue] = words[words.index("--queues") + 1].split(",")
        variable = f"CELERY_{queue.upper()}_CONCURRENCY"
        assert words[words.index("--concurrency") + 1] == f"$({variable})"
        assert variable in config
        # The liveness probe pings the node name the worker runs under.
        node = words[words.index("--hostname") + 1].replace("%h", "$HOSTNAME")
        assert f"-d {node} " in shlex.join(container["livenessProbe"]["exec"]["command"])
        seen.append(queue)
    assert sorted(seen) == sorted(QUEUES)


def test_keda_scales_each_worker_on_its_queue(rendered):
    manifests = rendered["overlays/production-keda"]
    deployments = _by_kind(manifests, "Deployment")
    scaled = _by_kind(manifests, "ScaledObject")
    assert len(scaled) == len(QUEUES)
    for scaled_object in scaled.values():
        spec = scaled_object["spec"]
        target = deployments[spec["scaleTargetRef"]["name"]]
        [container] = _containers(target, init=False)
        queue = container["command"][container["command"].index("--queues") + 1]
        [trigger] = spec["triggers"]
        assert trigger["type"] == "redis"
        assert trigger["metadata"]["listName"] == queue
        assert int(trigger["metadata"]["listLength"]) > 0
        assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"]
        assert all(isinstance(v, str) for v in trigger["metadata"].values()), trigger


def test_what_an_autoscaler_owns_has_no_fixed_replicas(rendered):
    for name, manifests in rendered.items():
        deployments = _by_kind(manifests, "Deployment")
        for target in _scaled_targets(manifests):
            assert "replicas" not in deployments[target]["spec"], f"{name}: {target}"
    plain = _by_kind(rendered["overlays/production"], "Deployment")
    assert all(plain[f"worker-{queue}"]["spec"]["replicas"] >= 1 for queue in QUEUES)


# --- Settings ----------------------------------------------------------------


def test_every_setting_is_in_the_config_map_or_the_secret(rendered, production):
    secret = set(_by_kind(production, "Secret")["testimonials-secrets"]["data"])
    # base's ConfigMap holds them all; an overlay only changes values.
    for name in RENDERS:
        config = set(_config(rendered[name]))
        assert not config & secret, f"{name}: in both: {sorted(config & secret)}"
        missing = _settings_variables() - NOT_FOR_THE_CLUSTER - config - secret
        assert not missing, f"{name}: read by config/settings, not given to pods: {sorted(missing)}"
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= secret
    for workload in _workloads(production):
        for container in _containers(workload):
            if container["image"].startswith("nginx"):
                continue
            sources = {
                next(iter(source.values()))["name"] for source in container.get("envFrom", [])
            }
            assert sources == {"testimonials-config", "testimonials-secrets"}, container["name"]


def test_the_config_map_holds_only_known_variables(production):
    env_example = (ROOT / ".env.example").read_text()
    for key in _config(production):
        assert key == "DJANGO_SETTINGS_MODULE" or f"{key}=" in env_example, key
    assert _config(production)["DJANGO_SETTINGS_MODULE"] == "config.settings.production"


def test_the_pods_settings_load_and_pass_the_deployment_checks(production, tmp_path):
    """Production settings read from nothing but the ConfigMap and the
    Secret (filled in as secrets.env.example asks) load, and
    `manage.py check --deploy` finds nothing to warn about."""
    secret = _by_kind(production, "Secret")["testimonials-secrets"]["data"]
    environment = {**_config(production)}
    environment.update({k: base64.b64decode(v).decode() for k, v in secret.items()})
    environment["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    # The image is the repository at /app: its paths, here.
    for key, value in environment.items():
        if value.startswith("/app/"):
            local = ROOT / value.removeprefix("/app/")
            assert local.exists() or key in {"METRICS_DIR", "STATIC_ROOT"}, f"{key}: {value}"
            environment[key] = str(local)
    environment["METRICS_DIR"] = str(tmp_path / "metrics")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "no issues" in result.stdout


# --- nginx -------------------------------------------------------------------


def test_nginx_serves_the_repositorys_config_in_front_of_web(production):
    templates = _by_kind(production, "ConfigMap")["nginx-templates"]["data"]
    assert templates == {"default.conf.template": NGINX_TEMPLATE.read_text()}
    [container] = _containers(_by_kind(production, "Deployment")["nginx"])
    environment = {variable["name"]: variable["value"] for variable in container["env"]}
    assert set(re.findall(r"\$\{(\w+)\}", NGINX_TEMPLATE.read_text())) == set(environment)
    web_service = _by_kind(production, "Service")["web"]
    assert environment["TESTIMONIALS_UPSTREAM"] == (
        f"{web_service['metadata']['name']}:{web_service['spec']['ports'][0]['port']}"
    )
    assert container["ports"][0]["containerPort"] == int(environment["NGINX_PORT"])
    ingress = _by_kind(production, "Ingress")["testimonials"]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "nginx"


# --- Network policies ----------------------------------------------------------


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        present = expression["key"] in labels
        value = labels.get(expression["key"])
        operator = expression["operator"]
        if operator == "In" and value not in expression["values"]:
            return False
        if operator == "NotIn" and value in expression["values"]:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def _peer_allows(peers: list[dict[str, Any]] | None, labels: dict[str, str]) -> bool:
    if not peers:
        return True  # no `from`/`to`: every peer
    for peer in peers:
        if "ipBlock" in peer:
            continue  # pods are not addressed by blocks here
        if "namespaceSelector" in peer and "podSelector" not in peer:
            return True  # any pod of the selected namespaces, which may be ours
        if "podSelector" in peer and _selects(peer["podSelector"], labels):
            return True
    return False


def _port_allows(ports: list[dict[str, Any]] | None, port: int) -> bool:
    return not ports or any(
        p.get("port") == port and p.get("protocol", "TCP") == "TCP" for p in ports
    )


def _allowed(
    policies: list[Manifest], source: dict[str, str], target: dict[str, str], port: int
) -> bool:
    """Whether a pod labelled `source` may open a TCP connection to `port`
    of a pod labelled `target`, both in the namespace, as NetworkPolicies
    say: each side's policies of its direction must let it (none: open)."""

    def side(direction: str, me: dict[str, str], other: dict[str, str]) -> bool:
        mine = [
            p
            for p in policies
            if direction in p["spec"]["policyTypes"] and _selects(p["spec"]["podSelector"], me)
        ]
        peer_key = "from" if direction == "Ingress" else "to"
        rules = [rule for p in mine for rule in p["spec"].get(direction.lower(), [])]
        return not mine or any(
            _peer_allows(rule.get(peer_key), other) and _port_allows(rule.get("ports"), port)
            for rule in rules
        )

    return side("Egress", source, target) and side("Ingress", target, source)


def _pod_labels(production: list[Manifest]) -> dict[str, dict[str, str]]:
    labels = {
        m["metadata"]["name"]: m["spec"]["template"]["metadata"]["labels"]
        for m in _workloads(production)
    }
    labels["postgresql"] = {"app.kubernetes.io/name": "postgresql"}
    labels["redis"] = {"app.kubernetes.io/name": "redis"}
    labels["stranger"] = {"app": "something-else"}
    return labels


def test_only_nginx_reaches_web(production):
    policies = list(_by_kind(production, "NetworkPolicy").values())
    pods = _pod_labels(production)
    reaching = {
        name for name, labels in pods.items() if _allowed(policies, labels, pods["web"], 8000)
    }
    assert reaching == {"nginx"}
    # And nothing reaches the workers, beat or the Job; anything reaches nginx.
    for quiet in ("beat", "migrate", *(f"worker-{queue}" for queue in QUEUES)):
        assert not any(_allowed(policies, labels, pods[quiet], 8000) for labels in pods.values())
    assert _allowed(policies, pods["stranger"], pods["nginx"], 8080)


def test_each_worker_serves_its_own_counts_on_its_metrics_port(production):
    port = int(_config(production)["WORKER_METRICS_PORT"])
    assert port
    workers = [m for m in _workloads(production) if m["metadata"]["name"].startswith("worker-")]
    assert sorted(m["metadata"]["name"] for m in workers) == sorted(f"worker-{q}" for q in QUEUES)
    for worker in workers:
        [container] = _containers(worker, init=False)
        assert {"name": "metrics", "containerPort": port, "protocol": "TCP"} in container["ports"]
        assert worker["spec"]["template"]["metadata"]["annotations"] == {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": str(port),
            "prometheus.io/path": "/metrics",
        }
        volumes = {v["name"]: v for v in pod_spec(worker)["volumes"]}
        assert "emptyDir" in volumes["metrics"], "the pod's own folder: nothing to add it up"


def test_only_prometheus_reaches_a_workers_metrics_port(production):
    policies = list(_by_kind(production, "NetworkPolicy").values())
    pods = _pod_labels(production)
    port = int(_config(production)["WORKER_METRICS_PORT"])
    prometheus = {"app.kubernetes.io/name": "prometheus"}
    for queue in QUEUES:
        worker = pods[f"worker-{queue}"]
        assert _allowed(policies, prometheus, worker, port)
        assert not any(_allowed(policies, labels, worker, port) for labels in pods.values())
        assert not _allowed(policies, prometheus, worker, 8000), "that port only"
    assert not _allowed(policies, prometheus, pods["web"], port)
    assert not _allowed(policies, prometheus, pods["beat"], port)


@pytest.mark.parametrize(("store", "port"), [("postgresql", 5432), ("redis", 6379)])
def test_only_web_and_workers_reach_postgresql_and_redis(production, store, port):
    policies = list(_by_kind(production, "NetworkPolicy").values())
    pods = _pod_labels(production)
    reaching = {
        name for name, labels in pods.items() if _allowed(policies, labels, pods[store], port)
    }
    # Beat sends the sweeps through Redis; the Job migrates the database.
    assert reaching == {"web", "beat", "migrate", *(f"worker-{queue}" for queue in QUEUES)}
    # Even a PostgreSQL or Redis outside the cluster: nginx connects to web only.
    outside = {"app.kubernetes.io/name": "managed"}
    assert not _allowed(policies, pods["nginx"], outside, port)


# --- Disruption budgets ----------------------------------------------------------


def test_every_serving_deployment_has_a_budget_that_lets_a_drain_finish(rendered):
    for name, manifests in rendered.items():
        budgets = list(_by_kind(manifests, "PodDisruptionBudget").values())
        hpas = _by_kind(manifests, "HorizontalPodAutoscaler")
        for deployment in _by_kind(manifests, "Deployment").values():
            labels = deployment["spec"]["template"]["metadata"]["labels"]
            covering = [b for b in budgets if _selects(b["spec"]["selector"], labels)]
            deployment_name = deployment["metadata"]["name"]
            if deployment_name == "beat":
                assert covering == [], "beat's budget would block every drain"
                continue
            assert len(covering) == 1, f"{name}: {deployment_name}"
            [budget] = covering
            if "minAvailable" in budget["spec"]:
                fewest = (
                    hpas[deployment_name]["spec"]["minReplicas"]
                    if deployment_name in hpas
                    else deployment["spec"]["replicas"]
                )
                assert budget["spec"]["minAvailable"] < fewest, f"{name}: {deployment_name}"
