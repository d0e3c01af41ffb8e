"""axe-core, the accessibility engine, on every tab in English and Chinese after the tab's main action (issue 47):
no critical and no serious violation. The audit is bench/a11y.py's; its screenshots are the test artefacts."""
import sys
from pathlib import Path

import pytest

import browser

pytestmark = pytest.mark.skipif(not browser.available(), reason="Debian chromium + chromium-driver not installed")
axe = pytest.importorskip("axe_selenium_python")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_no_critical_or_serious_violation_on_any_tab(app_url, lang):
    from a11y import audit

    rows = audit(app_url, lang)
    worst = [(r["tab"], r["id"], r["impact"], r["targets"]) for r in rows if r["impact"] in ("critical", "serious")]
    assert not worst, worst
