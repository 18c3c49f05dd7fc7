"""axe-core in the browser tests: load the pinned axe.min.js (package.json,
installed by scripts/install-test-tools) into a page and fail with a readable
list of its serious and critical WCAG 2.2 AA violations.

Our pages' Content-Security-Policy allows no inline script, so the tests that
run axe open their pages in a context made with `bypass_csp=True`
(`axe_context`); the policy itself is tested by test_content_security_policy.py
and test_every_html_surface.py with it in force."""

import os
from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The success criteria of WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}

RUN = """
async (tags) => {
  const results = await axe.run(document, { runOnly: { type: "tag", values: tags } });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
    summary: v.nodes.length ? v.nodes[0].failureSummary : "",
  }));
}
"""


def axe_path() -> Path:
    """axe.min.js, or a skip (a failure under CI=true) saying how to get it."""
    if not AXE_JS.exists():
        message = f"{AXE_JS} is missing: run scripts/install-test-tools (npm ci)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE_JS


def violations(page) -> list[dict]:
    """axe's serious and critical violations of WCAG 2.2 AA on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_path()))
    found = page.evaluate(RUN, WCAG_AA)
    return [v for v in found if v["impact"] in BLOCKING]


def describe(found: list[dict]) -> str:
    lines = []
    for violation in found:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        lines += [f"    at {target}" for target in violation["targets"][:8]]
        if violation["summary"]:
            lines.append("    " + violation["summary"].replace("\n", "\n    "))
    return "\n".join(lines)


# Whether the page styles itself for a dark preference (Django's admin does;
# the public pages declare `color-scheme: light` and have one scheme).
HAS_DARK_SCHEME = """
() => [...document.styleSheets].some((sheet) => {
  try {
    return [...sheet.cssRules].some((rule) =>
      rule.media && rule.media.mediaText.includes("prefers-color-scheme: dark"));
  } catch (error) {
    return false;  // another origin's sheet: not ours to judge
  }
})
"""


class AxeReport:
    """Each page's violations, collected so one test reports every page at once."""

    def __init__(self) -> None:
        self.pages: dict[str, list[dict]] = {}
        self.dark: list[str] = []

    def check(self, page, where: str) -> None:
        """The page in the light scheme and, where it has one, the dark."""
        page.emulate_media(color_scheme="light")
        self.pages[where] = violations(page)
        if page.evaluate(HAS_DARK_SCHEME):
            # Loaded afresh: switched under a loaded page, some of Django's
            # admin colours stay as they were (its theme script ran with light).
            page.emulate_media(color_scheme="dark")
            page.reload()
            self.pages[f"{where} (dark)"] = violations(page)
            self.dark.append(where)
            page.emulate_media(color_scheme="light")

    def assert_clean(self) -> None:
        failing = {where: found for where, found in self.pages.items() if found}
        text = "\n".join(f"{where}:\n{describe(found)}" for where, found in failing.items())
        assert not failing, f"axe-core found serious or critical violations:\n{text}"
