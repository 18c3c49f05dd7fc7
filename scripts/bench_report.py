"""`make bench`'s report: the machine it ran on, and the table it prints
from var/bench.json's figures (scripts/bench.py)."""

import os
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    return {
        "nproc": os.cpu_count(),
        "cpu": model.group(1).strip() if model else "unknown",
        "database": "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite",
        "cache_and_broker": "Redis" if os.environ.get("REDIS_URL") else "files",
    }


def print_table(
    report: dict[str, Any], *, growth_repeat: int, growth_labels: dict[str, str], server: str
) -> None:
    m = report["machine"]
    load = report["load_average"]
    print()
    print(
        f"{m['nproc']} cores, {m['cpu']}; {m['database']}, {m['cache_and_broker']}; "
        f"load average {load['start'][0]:.2f} at the start, {load['end'][0]:.2f} at the end; "
        f"a {report['page_bytes']:,}-byte page; {report['seconds']} s in all"
    )
    print()
    print(
        "| case | req/s | p50 ms | p99 ms | share of nginx | of the bare view "
        "| of the bare create |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, r in report["cases"].items():
        print(
            f"| {name} | {r['rps']:,} | {r['p50_ms']} | {r['p99_ms']} | {r['share_of_nginx']} "
            f"| {r['share_of_bare_view']} | {r['share_of_bare_create']} |"
        )
    s = report["screening"]
    paced = s["submit_to_pending_review"]
    print()
    print(
        f"Screening: {s['screened_per_second']}/s while {s['submission_rate']}/s were submitted "
        f"({s['ratio_to_submission_rate']} of the rate; queue drained {s['drained_after_run_s']} s "
        f"after the run). Paced at {s['paced_rate']}/s: submit to pending_review p50 "
        f"{paced['p50_ms']} ms, p99 {paced['p99_ms']} ms ({paced['screened']} stories)."
    )
    print()
    small, big = report["growth"]["small"], report["growth"]["big"]
    print(
        f"| growth, ms (best of {growth_repeat}; median) | {small['stories']:,} stories "
        f"| {big['stories']:,} stories | ratio of the best |"
    )
    print("| --- | ---: | ---: | ---: |")
    for key, label in growth_labels.items():
        a, b = small[key], big[key]
        ratio = b["best"] / a["best"] if a["best"] else float("nan")
        print(
            f"| {label} | {a['best']}; {a['median']} | {b['best']}; {b['median']} | {ratio:.2f} |"
        )
    print()
    print("\n".join(report["middleware_cost"]["table"]))
    mem = report["memory"]
    print()
    print(
        f"RSS after the run: {server} workers {mem['web_workers_mb']} MB; "
        f"Celery processes {mem['celery_processes_mb']} MB"
    )
    print(f"\nwritten to {ROOT / 'var' / 'bench.json'}")
