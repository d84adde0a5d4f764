"""The headless-browser harness (tests/browser.py) on small pages made here: it must see what a
person's browser would, so that a report test built on it can be trusted."""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

import pytest

from tests import browser
from tests.browser import chromium_path, render, skip_reason


@pytest.fixture
def needs_browser():
    reason = skip_reason()
    if reason is not None:
        pytest.skip(reason)


def tiny_png(width: int, height: int) -> bytes:
    """A valid RGB PNG of the given size, all one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x20\x60\xa0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG file's IHDR chunk."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def page(tmp_path: Path, body: str, head: str = "") -> Path:
    path = tmp_path / "page.html"
    path.write_text(f"<!doctype html>\n<html><head><meta charset=utf-8>{head}</head>\n<body>{body}</body></html>\n")
    return path


def test_a_clean_self_contained_page_renders_without_complaint(tmp_path, needs_browser):
    png = base64.b64encode(tiny_png(3, 2)).decode()
    html = page(
        tmp_path,
        head="<style>.hidden { display: none } #tall { height: 1500px }</style>",
        body=f"""<h1 id="title">Hello report</h1>
<p class="hidden">not shown</p>
<img id="logo" alt="a logo" src="data:image/png;base64,{png}">
<svg id="chart" width="120" height="80" viewBox="0 0 120 80"><rect width="120" height="80" fill="teal"/>
<svg width="10" height="10"></svg></svg>
<div id="tall">end</div>""",
    )
    seen = render(html, tmp_path / "shots" / "clean.png", width=1000, height=700)

    assert seen.console_errors == []
    assert seen.external_requests == []
    assert seen.broken_images == []
    assert seen.images == [
        {
            "src": f"data:image/png;base64,{png}"[:60],
            "alt": "a logo",
            "complete": True,
            "naturalWidth": 3,
            "naturalHeight": 2,
        }
    ]
    assert seen.svgs == [{"id": "chart", "width": 120, "height": 80}]  # the nested <svg> is not listed
    assert "Hello report" in seen.text and "end" in seen.text
    assert "not shown" not in seen.text  # the inline CSS applied: innerText is the visible text
    assert seen.ids == ["title", "logo", "chart", "tall"]
    assert seen.screenshot == tmp_path / "shots" / "clean.png"
    width, height = png_size(seen.screenshot)
    assert width == 1000
    assert height > 1500  # full page, not just the 700-pixel viewport


def test_a_console_error_is_reported(tmp_path, needs_browser):
    html = page(tmp_path, '<p>x</p><script>console.log("fine"); console.error("boom")</script>')
    seen = render(html, tmp_path / "shot.png")
    assert len(seen.console_errors) == 1
    assert seen.console_errors[0].startswith("boom (file://")  # the message, then where it came from
    assert seen.external_requests == []


def test_an_uncaught_exception_is_reported(tmp_path, needs_browser):
    html = page(tmp_path, '<p>x</p><script>throw new TypeError("kaput")</script>')
    seen = render(html, tmp_path / "shot.png")
    assert seen.console_errors == ["uncaught TypeError: kaput"]


def test_external_requests_are_reported_and_blocked(tmp_path, needs_browser):
    html = page(
        tmp_path,
        head='<link rel="stylesheet" href="http://example.org/a.css">',
        body='<p>x</p><img src="https://example.com/x.png">',
    )
    seen = render(html, tmp_path / "shot.png")
    assert sorted(seen.external_requests) == ["http://example.org/a.css", "https://example.com/x.png"]
    # blocked, so the image did not load (nothing left the machine)
    assert [img["src"] for img in seen.broken_images] == ["https://example.com/x.png"]
    assert seen.broken_images[0]["naturalWidth"] == 0
    # Chromium's "Failed to load resource" for what the harness blocked is not reported twice
    assert seen.console_errors == []


def test_broken_images_are_reported(tmp_path, needs_browser):
    html = page(tmp_path, '<img id="bad" src="data:image/png;base64,AAAA"><img id="gone" src="missing.png">')
    seen = render(html, tmp_path / "shot.png")
    assert seen.external_requests == []
    broken = {img["src"]: img for img in seen.broken_images}
    assert set(broken) == {"data:image/png;base64,AAAA", "missing.png"}
    assert all(img["naturalWidth"] == 0 and img["naturalHeight"] == 0 for img in broken.values())
    # a local file that is missing is a real error, unlike a blocked external request
    assert len(seen.console_errors) == 1
    assert "ERR_FILE_NOT_FOUND" in seen.console_errors[0] and "missing.png" in seen.console_errors[0]


def test_a_page_stuck_in_a_script_fails_instead_of_hanging(tmp_path, needs_browser, monkeypatch):
    monkeypatch.setattr(browser, "TIMEOUT_MS", 2000)  # the page steps only, not the launch
    html = page(tmp_path, '<p>x</p><script>addEventListener("load", () => setTimeout(() => { for (;;) {} }))</script>')
    with pytest.raises(TimeoutError, match="page.html: no answer within 2 s while reading the page"):
        render(html, tmp_path / "shot.png")


def test_the_chromium_executable_and_the_skip_reason_follow_the_environment(tmp_path, monkeypatch):
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.delenv("ORGSIM_NO_BROWSER", raising=False)
    monkeypatch.setenv("ORGSIM_CHROMIUM", str(fake))
    assert chromium_path() == str(fake)

    monkeypatch.setenv("ORGSIM_CHROMIUM", str(tmp_path / "absent"))
    assert chromium_path() is None
    reason = skip_reason()
    assert reason is not None and "absent" in reason

    monkeypatch.setenv("ORGSIM_NO_BROWSER", "apt-get install chromium failed")
    assert skip_reason() == "apt-get install chromium failed"

    monkeypatch.delenv("ORGSIM_CHROMIUM")
    monkeypatch.setenv("PATH", str(tmp_path))  # only the fake, under a name that is not searched
    monkeypatch.delenv("ORGSIM_NO_BROWSER")
    assert chromium_path() is None
    fake.rename(tmp_path / "chromium-browser")
    assert chromium_path() == str(tmp_path / "chromium-browser")
