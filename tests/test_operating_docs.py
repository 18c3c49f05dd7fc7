"""docs/operating.md stays true: its configuration table lists
every variable the settings read, its metrics table names the metrics the
service exports, and its Prometheus snippets are valid YAML."""

import re
from pathlib import Path

import yaml

from config import metrics
from tests.test_compose import _settings_variables

OPERATING = Path(__file__).resolve().parent.parent / "docs" / "operating.md"


def _section(heading: str) -> str:
    text = OPERATING.read_text()
    start = text.index(f"\n{heading}\n")
    level = heading.split(" ")[0]
    following = re.search(rf"\n{level} ", text[start + len(heading) + 2 :])
    end = start + len(heading) + 2 + following.start() if following else len(text)
    return text[start:end]


def _first_column(table_text: str) -> set[str]:
    cells = re.findall(r"^\| ([^|]+) \|", table_text, re.M)
    return {name for cell in cells for name in re.findall(r"`([A-Za-z0-9_]+)`", cell)}


def test_the_configuration_table_lists_every_variable_the_settings_read():
    listed = _first_column(_section("## Configuration"))
    missing = _settings_variables() - listed
    assert not missing, f"read by config/settings, not in docs/operating.md: {sorted(missing)}"


def test_the_metrics_table_names_what_the_service_exports():
    exported = {
        f"{metric._name}_total" if metric._type == "counter" else metric._name
        for metric in vars(metrics).values()
        if hasattr(metric, "_type") and hasattr(metric, "_name")
    } | {
        "testimonials_queue_items",
        "testimonials_queue_oldest_age_seconds",
        "testimonials_webhook_deliveries_pending",
        "testimonials_asks_total",
    }
    documented = {name for name in _first_column(_section("## Metrics")) if "_" in name}
    assert documented == exported


def test_the_prometheus_snippets_are_valid_and_use_exported_metrics():
    blocks = re.findall(r"```yaml\n(.*?)```", _section("## Metrics"), re.S)
    documents = [yaml.safe_load(block) for block in blocks]
    assert documents[0]["scrape_configs"][0]["metrics_path"] == "/metrics"
    rules = documents[1]["groups"][0]["rules"]
    assert len(rules) == 4
    used = {name for rule in rules for name in re.findall(r"testimonials_[a-z_]+", rule["expr"])}
    documented = _first_column(_section("## Metrics"))
    assert used <= documented
