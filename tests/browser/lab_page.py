"""JupyterLab as a learner uses it, driven through Chromium: menus, notebooks, cells, outputs.

Only what a person can do is used to act (menus, clicks, keys, text typed in one go as a
paste would); the page is read through its DOM. A step that does not reach its end in
time raises ``TimeoutError`` with what the page showed, and a screenshot is taken.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

T = TypeVar("T")
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
PROMPT_NUMBER = re.compile(r"\[(\d+)\]")
STDERR = "application/vnd.jupyter.stderr"
# Marks a prompt once it has shown [*], however briefly: a cell that runs again in a new
# kernel may end with the number it had before.
WATCH_PROMPT = """
const prompt = arguments[0];
prompt.courseSawBusy = false;
new MutationObserver(() => {
  if (prompt.textContent.includes("*")) prompt.courseSawBusy = true;
}).observe(prompt, {childList: true, characterData: true, subtree: true});
"""


def wait_for(condition: Callable[[], T], seconds: float, what: str) -> T:
    """Poll ``condition`` until it returns something true; its last value is returned."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            value = condition()
        except (StaleElementReferenceException, WebDriverException):
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {seconds:.0f} s: {what}")
        time.sleep(0.25)


class JupyterLab:
    """One browser window on the course's JupyterLab."""

    def __init__(self, driver: WebDriver, url: str, screenshots: Path) -> None:
        self.driver = driver
        self.url = url
        self.base = url.split("/lab", 1)[0]
        self.token = url.rsplit("token=", 1)[1]
        self.screenshots = screenshots
        self.shots = 0

    def screenshot(self, name: str) -> Path:
        """Save what the window shows now, numbered in the order taken."""
        self.shots += 1
        path = self.screenshots / f"{self.shots:02d}-{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def open_start_url(self) -> None:
        self.driver.get(self.url)
        self.wait_until_ready()

    def open(self, path: str) -> Notebook:
        """Open a notebook alone (a reset workspace), as a learner opens it from the browser."""
        self.driver.get(f"{self.base}/lab/tree/{path}?reset&token={self.token}")
        self.wait_until_ready()
        notebook = Notebook(self)
        notebook.wait_for_kernel()
        return notebook

    def wait_until_ready(self) -> None:
        """Wait until a notebook shows, all its cells rendered (their number holds for a
        second)."""
        counts = [0, 0]

        def settled() -> bool:
            time.sleep(0.5)
            counts.append(len(self.find_all(f"{NOTEBOOK} .jp-Cell")))
            return counts[-1] > 0 and counts[-1] == counts[-2] == counts[-3]

        wait_for(settled, 90, "a notebook to show")

    def tab_titles(self) -> list[str]:
        return [tab.text for tab in self.find_all(".lm-DockPanel-tabBar .lm-TabBar-tab")]

    def dirty_tabs(self) -> list[str]:
        """Tabs marked as having unsaved changes."""
        return [tab.text for tab in self.find_all(".lm-DockPanel-tabBar .jp-mod-dirty")]

    def find_all(self, css: str, root: WebElement | None = None) -> list[WebElement]:
        return (root or self.driver).find_elements(By.CSS_SELECTOR, css)

    def menu(self, *labels: str) -> None:
        """Choose an item from the menu bar: ``menu("Run", "Run All Cells")``."""
        top = next(
            item for item in self.find_all(".lm-MenuBar-item") if item.text.strip() == labels[0]
        )
        top.click()
        for label in labels[1:]:
            item = wait_for(
                lambda label=label: next(
                    (
                        entry
                        for entry in self.find_all(".lm-Menu:not(.lm-mod-hidden) .lm-Menu-item")
                        if entry.find_element(By.CSS_SELECTOR, ".lm-Menu-itemLabel").text.strip()
                        == label
                    ),
                    None,
                ),
                10,
                f"menu item {label!r}",
            )
            item.click()

    def accept_dialog(self, label: str) -> None:
        button = wait_for(
            lambda: next(
                (
                    button
                    for button in self.find_all(".jp-Dialog button")
                    if button.text.strip() == label
                ),
                None,
            ),
            20,
            f"a dialog with a {label!r} button",
        )
        button.click()

    def keys(self, *keys: str) -> None:
        """Press keys together, where the focus is (``keys(Keys.SHIFT, Keys.ENTER)``)."""
        chord = ActionChains(self.driver)
        for key in keys[:-1]:
            chord.key_down(key)
        chord.send_keys(keys[-1])
        for key in reversed(keys[:-1]):
            chord.key_up(key)
        chord.perform()

    def page_text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def file_browser_names(self) -> list[str]:
        return [item.text for item in self.find_all(".jp-DirListing-itemName")]


class Notebook:
    """The notebook in the active tab."""

    def __init__(self, lab: JupyterLab) -> None:
        self.lab = lab

    def cells(self) -> list[WebElement]:
        return self.lab.find_all(f"{NOTEBOOK} .jp-Notebook .jp-Cell")

    def code_prompts(self) -> list[str]:
        return [
            prompt.get_attribute("textContent").strip()
            for prompt in self.lab.find_all(f"{NOTEBOOK} .jp-CodeCell .jp-InputArea-prompt")
        ]

    def kernel_status(self) -> str:
        indicator = self.lab.find_all(f"{NOTEBOOK} .jp-Notebook-ExecutionIndicator")
        return indicator[0].get_attribute("data-status") if indicator else ""

    def wait_for_kernel(self, seconds: float = 60) -> None:
        wait_for(lambda: self.kernel_status() == "idle", seconds, "the kernel to be idle")

    def clear_outputs(self) -> None:
        self.lab.menu("Edit", "Clear Outputs of All Cells")
        wait_for(
            lambda: all(not PROMPT_NUMBER.search(p) for p in self.code_prompts()),
            20,
            "outputs to clear",
        )

    def wait_until_all_ran(self, seconds: float) -> None:
        """Wait until every code cell has run: each shows an execution number, none ``[*]``,
        and the kernel is idle."""

        def all_ran() -> bool:
            prompts = self.code_prompts()
            return (
                bool(prompts)
                and all(PROMPT_NUMBER.search(prompt) for prompt in prompts)
                and self.kernel_status() == "idle"
            )

        try:
            wait_for(all_ran, seconds, "every cell to run")
        except TimeoutError as timeout:
            stuck = [p for p in self.code_prompts() if not PROMPT_NUMBER.search(p)]
            raise TimeoutError(f"{timeout}; prompts not run: {stuck[:5]}") from None

    def run_all(self, seconds: float = 300) -> None:
        """Clear the outputs, then Run > Run All Cells, and wait for the last cell."""
        self.clear_outputs()
        self.lab.menu("Run", "Run All Cells")
        self.wait_until_all_ran(seconds)

    def restart_and_run_all(self, seconds: float = 300) -> None:
        self.clear_outputs()
        self.lab.menu("Kernel", "Restart Kernel and Run All Cells…")
        self.lab.accept_dialog("Restart")
        self.wait_until_all_ran(seconds)

    def select(self, index: int) -> WebElement:
        """Select cell ``index`` (command mode), as a click in its margin does."""
        cell = self.cells()[index]
        self.lab.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
        cell.find_element(By.CSS_SELECTOR, ".jp-InputPrompt").click()
        return cell

    def run_cell(self, index: int, seconds: float = 120) -> str:
        """Run one cell (Shift+Enter) and return what its output shows."""
        cell = self.select(index)
        prompt = cell.find_element(By.CSS_SELECTOR, ".jp-InputArea-prompt")
        self.lab.driver.execute_script(WATCH_PROMPT, prompt)
        self.lab.keys(Keys.SHIFT, Keys.ENTER)

        def done() -> bool:
            ran = self.lab.driver.execute_script("return arguments[0].courseSawBusy", prompt)
            return ran and bool(PROMPT_NUMBER.search(prompt.get_attribute("textContent")))

        wait_for(done, seconds, f"cell {index} to run")
        self.wait_for_kernel(seconds)
        return self.output_text(index)

    def replace_source(self, index: int, source: str) -> None:
        """Replace a cell's text, as select-all and paste would (no auto-indent, no
        closing brackets typed for us)."""
        cell = self.cells()[index]
        editor = cell.find_element(By.CSS_SELECTOR, ".cm-content")
        self.lab.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", editor)
        editor.click()
        self.lab.keys(Keys.CONTROL, "a")
        self.lab.driver.execute_cdp_cmd("Input.insertText", {"text": source})
        wait_for(lambda: self.source_text(index) == source, 10, f"cell {index} to hold the text")
        self.lab.keys(Keys.ESCAPE)

    def source_text(self, index: int) -> str:
        lines = self.cells()[index].find_elements(By.CSS_SELECTOR, ".cm-content .cm-line")
        return "\n".join(line.get_attribute("textContent") for line in lines)

    def output_text(self, index: int) -> str:
        outputs = self.cells()[index].find_elements(By.CSS_SELECTOR, ".jp-OutputArea")
        return outputs[0].text if outputs else ""

    def stderr_cells(self) -> list[int]:
        """Cells showing an error or anything written to standard error (a red box)."""
        return [
            index
            for index, cell in enumerate(self.cells())
            if cell.find_elements(By.CSS_SELECTOR, f'[data-mime-type="{STDERR}"]')
        ]

    def save(self) -> None:
        self.lab.menu("File", "Save Notebook")
        wait_for(lambda: not self.lab.dirty_tabs(), 20, "the notebook to be saved")

    def shut_down_kernel(self) -> None:
        self.lab.menu("Kernel", "Shut Down Kernel")
        wait_for(
            lambda: (
                self.kernel_status() in ("", "unknown", "dead")
                or "No Kernel" in self.lab.page_text()
            ),
            30,
            "the kernel to shut down",
        )
