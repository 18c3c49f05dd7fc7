"""Compile every `locale/*/LC_MESSAGES/*.po` to its `.mo` with polib.

The `.mo` files are committed, so neither the build nor a fresh machine
needs GNU gettext; `make messages` runs this after `makemessages`, and
tests/test_languages.py fails when a `.mo` differs from what its `.po`
compiles to.
"""

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def compiled(po_path: Path) -> bytes:
    """The `.mo` bytes of one catalogue (fuzzy entries left out, as msgfmt does)."""
    catalogue = polib.pofile(str(po_path))
    for entry in catalogue.fuzzy_entries():
        catalogue.remove(entry)
    return bytes(catalogue.to_binary())


def main() -> int:
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        mo_path.write_bytes(compiled(po_path))
        print(f"compiled {mo_path.relative_to(LOCALE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
