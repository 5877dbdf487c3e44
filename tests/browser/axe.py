"""axe-core in Playwright: run the accessibility rules on the page shown.

axe-core (MPL-2.0, npm package ``axe-core``) is vendored in ``vendor/`` so that
``make test`` needs neither npm nor a network. The pages send a Content-Security-Policy
without inline scripts, so the script is evaluated through the DevTools protocol
(``page.evaluate``) instead of ``page.add_script_tag``, which would insert an inline
``<script>`` the policy refuses.
"""

from pathlib import Path

AXE_SOURCE = Path(__file__).with_name("vendor") / "axe.min.js"
BLOCKING = {"critical", "serious"}


def axe_violations(page) -> list[dict]:
    """The critical and serious violations of WCAG 2.1 A/AA and axe's best practices."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    assert page.evaluate("axe.version").startswith("4."), "axe-core did not load"
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                resultTypes: ['violations'],
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
            }));
        }"""
    )
    return [v for v in result if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}" for v in violations)
