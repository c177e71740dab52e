"""The instructor's pages in a real Chromium, opened from disk as an instructor would:
the class report draws its charts and a learner's feedback page shows each answer beside
its checks, with nothing fetched and no console error (``conftest.console_stays_clean``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "[late]\ndue = 2027-01-15T23:59:00Z\npenalty = 10\n"
TIMES = "learner,submitted_at\nada,2027-01-15T20:00:00Z\nben,2027-01-18T08:00:00Z\n"


@pytest.fixture(scope="module")
def grades(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A grading run of the example class under a late policy."""
    root = tmp_path_factory.mktemp("report")
    (root / "settings.toml").write_text(SETTINGS)
    (root / "times.csv").write_text(TIMES)
    subprocess.run(
        [sys.executable, "-m", "checker", "grade", str(ROOT / "tests" / "example_class"),
         "--out", str(root / "out"), "--settings", str(root / "settings.toml"),
         "--times", str(root / "times.csv")],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    return root / "out"


def test_the_class_report_draws_its_charts(lab, grades: Path):
    lab.driver.get((grades / "report.html").as_uri())
    assert lab.driver.title == "Class report"
    charts = lab.driver.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) == 3  # distribution, pass rates, hand-ins
    for chart in charts:
        assert chart.size["width"] > 100 and chart.size["height"] > 50
        bars = chart.find_elements(By.CSS_SELECTOR, "rect.bar")
        assert any(bar.size["height"] > 0 and bar.size["width"] > 0 for bar in bars)
    headings = [h.text for h in lab.driver.find_elements(By.TAG_NAME, "h2")]
    assert headings[:3] == ["Grade distribution", "Pass rate per exercise", "Checks failed most"]
    lab.screenshot("class-report")


def test_a_feedback_page_shows_the_answer_beside_its_checks(lab, grades: Path):
    lab.driver.get((grades / "feedback" / "ben.html").as_uri())
    assert "3 days late" in lab.driver.find_element(By.TAG_NAME, "body").text
    exercise = lab.driver.find_element(By.CSS_SELECTOR, "div.exercise")
    answer, checks = exercise.find_elements(By.XPATH, "./div")
    assert answer.find_element(By.TAG_NAME, "pre").text.strip()
    assert checks.location["x"] > answer.location["x"] + answer.size["width"] / 2
    assert abs(checks.location["y"] - answer.location["y"]) < 5
    lab.screenshot("feedback-page")
