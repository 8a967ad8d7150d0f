"""The course as a student meets it: JupyterLab served by the README's course
command, a notebook opened in headless Chromium, every cell run from the menu.

Each module's student notebook is answered the way a student would (the
solution cells typed in), then Run → Run All Cells, File → Save Notebook; no
cell may show an error, in the page or in the saved notebook.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from nbtools import ROOT, completed_notebook, module_ids

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
RUN_ALL_TIMEOUT = 300
# The JupyterLab path (menus, live widgets, saving) is the same for every module, and nbval already
# runs every notebook: by default the browser runs the first module, one with sliders and scikit-learn
# displays, and the last (text widgets, a pretrained transformer). COURSE_BROWSER_MODULES=all runs
# every module (before a release), or a comma-separated list runs those.
DEFAULT_BROWSER_MODULES = ("01_perceptron", "06_evaluation", "11_attention_transformers")


def browser_modules() -> list[str]:
    """The modules whose student notebooks the browser runs (COURSE_BROWSER_MODULES)."""
    chosen = os.environ.get("COURSE_BROWSER_MODULES", "").strip()
    if chosen == "all":
        return module_ids()
    wanted = [m.strip() for m in chosen.split(",") if m.strip()] or list(DEFAULT_BROWSER_MODULES)
    unknown = sorted(set(wanted) - set(module_ids()))
    if unknown:
        raise ValueError(f"COURSE_BROWSER_MODULES names no such module: {unknown}; the modules are {module_ids()}")
    return wanted


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def course_server(tmp_path_factory):
    """The README's course command (setup skipped: the suite already set up) on a copy of the notebooks."""
    workdir = tmp_path_factory.mktemp("student")
    for module in browser_modules():
        nbformat.write(completed_notebook(module), workdir / f"{module}.ipynb")
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, COURSE_SKIP_SETUP="1", COURSE_FAST="1", COURSE_WIDGETS="1")
    log = open(workdir.parent / "jupyter.log", "w")
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "course"), "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={workdir}"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"JupyterLab did not start: {(workdir.parent / 'jupyter.log').read_text()}")
            time.sleep(1)
    yield base, token, workdir
    os.killpg(server.pid, 15)
    server.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,1000", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _menu(driver, menu: str, item: str) -> None:
    wait = WebDriverWait(driver, 30)
    wait.until(EC.element_to_be_clickable(
        (By.XPATH, f"//div[contains(@class,'lm-MenuBar-itemLabel') and text()='{menu}']"))).click()
    wait.until(EC.element_to_be_clickable(
        (By.XPATH, f"//div[contains(@class,'lm-Menu-itemLabel') and text()='{item}']"))).click()


def _code_cells(path: Path) -> list[dict]:
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


def _shut_down_kernels(base: str, token: str) -> None:
    """End every notebook session, so kernels of finished modules hold no memory or CPU."""
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{base}/api/sessions", headers=headers), timeout=30) as reply:
        sessions = json.load(reply)
    for session in sessions:
        request = urllib.request.Request(f"{base}/api/sessions/{session['id']}", headers=headers, method="DELETE")
        urllib.request.urlopen(request, timeout=60).close()


def _kernel_idle(driver) -> bool:
    return bool(driver.find_elements(By.XPATH, "//*[contains(@class,'jp-StatusBar')]//*[contains(text(),'Idle')]"))


@pytest.fixture
def kernels_shut_down_after(course_server):
    """Each module's kernel ends with its test: an idle kernel holds ~1.5 GB."""
    yield
    base, token, _ = course_server
    _shut_down_kernels(base, token)


@pytest.mark.parametrize("module", browser_modules())
def test_student_runs_every_cell_without_error(course_server, browser, kernels_shut_down_after, module, tmp_path):
    base, token, workdir = course_server
    # ?reset: a fresh workspace, so JupyterLab does not reopen (and start kernels for) earlier modules
    browser.get(f"{base}/lab/tree/{module}.ipynb?reset&token={token}")
    wait = WebDriverWait(browser, 120)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell")))
    wait.until(_kernel_idle)
    _menu(browser, "Run", "Run All Cells")
    saved = workdir / f"{module}.ipynb"
    deadline = time.time() + RUN_ALL_TIMEOUT
    try:
        while True:  # save from the menu until every code cell of the saved file has run
            time.sleep(5)
            _menu(browser, "File", "Save Notebook")
            time.sleep(1)
            cells = _code_cells(saved)
            failed = any(o["output_type"] == "error" for c in cells for o in c["outputs"])
            if _kernel_idle(browser) and (failed or all(c["execution_count"] for c in cells)):
                break
            assert time.time() < deadline, f"{module}: not every cell ran within {RUN_ALL_TIMEOUT} s"
    finally:
        browser.save_screenshot(str(tmp_path / f"{module}.png"))
    errors = [o for c in cells for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, f"{module}: cells raised {[(e['ename'], e['evalue']) for e in errors]}"
    shown = browser.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) "
                                                   "[data-mime-type='application/vnd.jupyter.error']")
    assert not shown, f"{module}: the page shows {len(shown)} error output(s)"


def test_a_student_sees_no_instructor_tools_and_no_news_prompt(course_server, browser):
    """The student's JupyterLab: Validate and the assignment list, no formgrader, course list,
    "Create Assignment" toolbar or "Jupyter news" prompt."""
    base, token, workdir = course_server
    browser.get(f"{base}/lab/tree/01_perceptron.ipynb?token={token}")
    wait = WebDriverWait(browser, 120)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell")))
    time.sleep(3)   # the news prompt, when enabled, appears a moment after the page
    config = json.loads(browser.find_element(By.ID, "jupyter-config-data").get_attribute("textContent"))
    disabled = config.get("disabledExtensions", [])
    for plugin in ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
                   "@jupyter/nbgrader:create-assignment", "@jupyterlab/apputils-extension:announcements"):
        assert plugin in disabled, f"{plugin} is enabled for students: {disabled}"
    page = browser.find_element(By.TAG_NAME, "body").text
    assert "news" not in page.lower(), f"a news prompt is shown: {page[:500]}"
    assert browser.find_elements(By.XPATH, "//*[contains(@class,'jp-Toolbar')]//*[contains(., 'Validate')]"), \
        "the notebook toolbar has no Validate button"
    labels = [e.get_attribute("textContent") for e in browser.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-itemLabel")]
    if "Nbgrader" in labels:
        _menu_open = browser.find_element(By.XPATH, "//div[contains(@class,'lm-MenuBar-itemLabel') and text()='Nbgrader']")
        _menu_open.click()
        items = [e.get_attribute("textContent") for e in browser.find_elements(By.CSS_SELECTOR, ".lm-Menu-itemLabel")]
        browser.find_element(By.TAG_NAME, "body").send_keys("\ue00c")   # Escape closes the menu
        assert "Formgrader" not in items and "Course List" not in items, items
    for path in ("formgrader", "course_list"):
        try:
            urllib.request.urlopen(f"{base}/{path}?token={token}", timeout=10)
            served = True
        except OSError:
            served = False
        assert not served, f"the server serves /{path} to students"
