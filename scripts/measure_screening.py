"""Memory and time of screening with every screener, as a worker runs it.

Imports what a Celery worker imports (the app and its tasks), screens
items of a JSON Lines file (default: the probe sets) one at a time, and
prints the process's resident memory and the median and p95 time per item.

    .venv/bin/python scripts/measure_screening.py [FILE ...] [--items 100] [--without-model]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--without-model", action="store_true", help="the rules alone")
    args = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    if args.without_model:
        learned = "moderation.screening.learned.screen"
        settings.SCREENING_SCREENERS = [p for p in settings.SCREENING_SCREENERS if p != learned]
    import psutil

    from config.celery_app import app

    app.loader.import_default_modules()  # the tasks modules, as `celery worker` does
    from moderation import screening
    from moderation.screening.batch import read_items

    files = args.files or sorted((ROOT / "tests/moderation/data").glob("screening-probe-*.jsonl"))
    texts = [item["body"] for path in files for item in read_items(path)]
    texts = (texts * (args.items // max(len(texts), 1) + 1))[: args.items]
    seconds = []
    version = ""
    for text in texts:
        started = time.perf_counter()
        result = screening.run(text, screening.ScreeningContext())
        seconds.append(time.perf_counter() - started)
        version = result.model_version
    rss = psutil.Process().memory_info().rss / 2**20
    by_screener = {}
    for name, screener in screening.named_screeners():
        spent = []
        for text in texts:
            started = time.perf_counter()
            screener(text, screening.ScreeningContext())
            spent.append(time.perf_counter() - started)
        by_screener[name] = statistics.median(spent) * 1000
    print("median per screener: " + ", ".join(f"{n} {ms:.2f} ms" for n, ms in by_screener.items()))
    ordered = sorted(seconds)
    print(f"model {version}: {len(texts)} items")
    print(f"resident memory {rss:.0f} MB")
    print(
        f"per item: median {statistics.median(seconds) * 1000:.1f} ms, "
        f"p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
