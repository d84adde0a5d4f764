"""Render an HTML file in a real headless Chromium and say what a person would meet there.

A helper for tests, not a test file: ``render`` opens a page by its ``file://`` URL with
playwright's sync API driving the system's Chromium (playwright's own browser download is not
used), and records the page's JavaScript errors, every request that would leave the machine
(each one blocked), the state of its images and inline SVGs, its visible text, its element ids
and a full-page screenshot. ``skip_reason`` says why such tests cannot run here, for
``pytest.skip``.

Every step is time-limited (``LAUNCH_TIMEOUT_MS``, ``TIMEOUT_MS``; enforced by playwright's
driver, so a page whose script never ends fails the test with ``TimeoutError`` instead of
hanging CI).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

# Each step on the page (navigation, reading it, the screenshot) must finish within this.
TIMEOUT_MS = 30_000
# Starting Chromium must finish within this (apart, so that a test can shorten the page steps alone).
LAUNCH_TIMEOUT_MS = 60_000

# URL schemes that never leave the machine; requests with any other scheme are external.
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")

# Chromium's console line for a resource that failed to load, e.g. one that ``render`` blocked.
_FAILED_LOAD = "Failed to load resource"

# Read after load, in the page: the images, the outermost inline SVGs, the text and the ids.
_READ_PAGE = """() => ({
    images: Array.from(document.images, (img) => ({
        src: (img.getAttribute("src") || img.currentSrc || "").slice(0, 60),
        alt: img.getAttribute("alt"),
        complete: img.complete,
        naturalWidth: img.naturalWidth,
        naturalHeight: img.naturalHeight,
    })),
    svgs: Array.from(document.querySelectorAll("svg"))
        .filter((svg) => !(svg.parentElement && svg.parentElement.closest("svg")))
        .map((svg) => {
            const box = svg.getBoundingClientRect();
            return {id: svg.id || null, width: box.width, height: box.height};
        }),
    text: document.body ? document.body.innerText : "",
    ids: Array.from(document.querySelectorAll("[id]"), (el) => el.id),
})"""

# Lets two animation frames run after load, so what a page draws (or throws) on its first frame is in.
_TWO_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def chromium_path() -> str | None:
    """The Chromium executable: ``$ORGSIM_CHROMIUM`` when set (a path or a command name), else the
    first of ``chromium``, ``chromium-browser``, ``google-chrome`` on PATH; None when none is found."""
    configured = os.environ.get("ORGSIM_CHROMIUM")
    if configured:
        return shutil.which(configured)
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def skip_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can. CI sets ``ORGSIM_NO_BROWSER`` to
    the reason when it could not install Chromium."""
    if "ORGSIM_NO_BROWSER" in os.environ:
        return os.environ["ORGSIM_NO_BROWSER"] or "ORGSIM_NO_BROWSER is set"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[test]')"
    if chromium_path() is None:
        configured = os.environ.get("ORGSIM_CHROMIUM")
        if configured:
            return f"ORGSIM_CHROMIUM={configured!r} is not an executable"
        return "no Chromium found (chromium, chromium-browser or google-chrome on PATH; apt-get install chromium)"
    return None


@dataclass(frozen=True)
class Rendered:
    """What ``render`` saw. ``console_errors`` holds console messages of type error (and failed
    ``console.assert``) and uncaught exceptions, but not Chromium's "Failed to load resource" line
    for a request that ``render`` itself blocked: that request is in ``external_requests``."""

    console_errors: list[str]
    external_requests: list[str]
    images: list[dict]  # src (first 60 characters), alt, complete, naturalWidth, naturalHeight
    svgs: list[dict]  # the outermost inline <svg>s: id, width, height (CSS pixels)
    text: str  # document.body.innerText
    ids: list[str]  # every element id, in document order (a duplicate appears twice)
    screenshot: Path  # full-page PNG

    @property
    def broken_images(self) -> list[dict]:
        """The images that did not load: not complete, or with no natural width."""
        return [img for img in self.images if not img["complete"] or img["naturalWidth"] == 0]


def render(html: Path, screenshot: Path, width: int = 1366, height: int = 900) -> Rendered:
    """Open ``html`` in headless Chromium (viewport ``width`` x ``height``, scale 1), wait for its
    load event, and record what it shows; write a full-page screenshot to ``screenshot``.

    Requests that would leave the machine are recorded and aborted. Raises ``TimeoutError`` when a
    step takes longer than its limit (``LAUNCH_TIMEOUT_MS``, ``TIMEOUT_MS``), and RuntimeError
    when no Chromium is found."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise RuntimeError(skip_reason() or "no Chromium found")
    html = Path(html).resolve()
    screenshot = Path(screenshot)
    errors: list[tuple[str, str]] = []  # (message, the URL it is about), in the order they came
    external: list[str] = []

    def on_console(message) -> None:
        if message.type in ("error", "assert"):
            url, line = message.location.get("url", ""), message.location.get("lineNumber", 0)
            where = f" ({url[:100]}:{line + 1})" if url and line else f" ({url[:100]})" if url else ""
            errors.append((message.text + where, url))

    def on_page_error(error) -> None:
        errors.append((f"uncaught {error.name or 'Error'}: {error.message}", ""))

    def block(route) -> None:
        external.append(route.request.url)
        route.abort()

    def block_web_socket(socket) -> None:
        external.append(socket.url)
        socket.close()

    step = "launching Chromium"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, args=["--no-sandbox"], timeout=LAUNCH_TIMEOUT_MS
            )
            try:
                page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
                page.set_default_timeout(TIMEOUT_MS)
                page.set_default_navigation_timeout(TIMEOUT_MS)
                page.on("console", on_console)
                page.on("pageerror", on_page_error)
                page.route(lambda url: not url.startswith(LOCAL_SCHEMES), block)
                if hasattr(page, "route_web_socket"):  # playwright >= 1.48
                    page.route_web_socket(lambda url: not url.startswith(LOCAL_SCHEMES), block_web_socket)
                step = "loading the page"
                page.goto(html.as_uri(), wait_until="load", timeout=TIMEOUT_MS)
                # Locator.evaluate, unlike Page.evaluate, is time-limited: a page stuck in a script
                # raises instead of hanging.
                step = "reading the page"
                root = page.locator("html")
                root.evaluate(_TWO_FRAMES, timeout=TIMEOUT_MS)
                seen = root.evaluate(_READ_PAGE, timeout=TIMEOUT_MS)
                step = "taking the screenshot"
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot), full_page=True, timeout=TIMEOUT_MS)
            finally:
                browser.close()
    except PlaywrightTimeout as error:
        limit = LAUNCH_TIMEOUT_MS if step == "launching Chromium" else TIMEOUT_MS
        raise TimeoutError(f"{html.name}: no answer within {limit / 1000:g} s while {step}") from error

    blocked = set(external)
    console_errors = [text for text, url in errors if not (text.startswith(_FAILED_LOAD) and url in blocked)]
    return Rendered(
        console_errors=console_errors,
        external_requests=external,
        images=seen["images"],
        svgs=seen["svgs"],
        text=seen["text"],
        ids=seen["ids"],
        screenshot=screenshot,
    )
