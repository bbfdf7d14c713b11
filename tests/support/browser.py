"""A minimal headless-Chromium driver for tests: W3C WebDriver over HTTP, standard library only.

Starts `chromedriver` (Debian package `chromium-driver`) on a free local port and drives
`chromium` headless: open a file, run JavaScript, take a full-page PNG screenshot (through the
DevTools `Page.captureScreenshot` command that chromedriver forwards). No selenium or
playwright needed. `find_chromium()` says why it cannot run, for a clear pytest skip.
"""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

__all__ = ["find_chromium", "Browser"]


def find_chromium() -> tuple[str, str] | str:
    """(chromium, chromedriver) paths, or the reason they are not usable."""
    chrome = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver")
    if not chrome or not driver:
        missing = [n for n, p in (("chromium", chrome), ("chromedriver", driver)) if not p]
        return (f"{' and '.join(missing)} not installed (Debian: apt-get install -y chromium chromium-driver; "
                "scripts/test.sh installs them when it runs as root)")
    return chrome, driver


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One headless Chromium session; use as a context manager."""

    def __init__(self, width: int = 1280, height: int = 900) -> None:
        found = find_chromium()
        if isinstance(found, str):
            raise RuntimeError(found)
        self.chrome, driver = found
        self.port = _free_port()
        self.proc = subprocess.Popen([driver, f"--port={self.port}"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.size = (width, height)
        self.session: str | None = None

    def _call(self, method: str, path: str, body: Any = None, timeout: float = 60) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return json.loads(resp.read())["value"]
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"webdriver {method} {path}: {exc.read().decode(errors='replace')[:500]}") from None

    def __enter__(self) -> Browser:
        deadline = time.monotonic() + 30
        while True:
            try:
                self._call("GET", "/status", timeout=2)
                break
            except (OSError, RuntimeError):
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.close()
                    raise RuntimeError("chromedriver did not start") from None
                time.sleep(0.2)
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={self.size[0]},{self.size[1]}", "--hide-scrollbars"]
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": self.chrome, "args": args}}}}
        self.session = self._call("POST", "/session", caps, timeout=120)["sessionId"]
        return self

    def open(self, path: Path) -> None:
        """Load a local file and wait until the document and its images are loaded."""
        self._call("POST", f"/session/{self.session}/url", {"url": path.resolve().as_uri()})

    def run(self, script: str, *args: Any) -> Any:
        """Run JavaScript (a function body; `arguments` holds args) and return its value."""
        return self._call("POST", f"/session/{self.session}/execute/sync", {"script": script, "args": list(args)})

    def screenshot(self, out: Path, full_page: bool = True) -> Path:
        """A PNG of the whole page (or the viewport)."""
        if full_page:
            params = {"format": "png", "captureBeyondViewport": True}
            value = self._call("POST", f"/session/{self.session}/goog/cdp/execute",
                               {"cmd": "Page.captureScreenshot", "params": params})
            data = value["data"]
        else:
            data = self._call("GET", f"/session/{self.session}/screenshot")
        out.write_bytes(base64.b64decode(data))
        return out

    def close(self) -> None:
        if self.session:
            try:
                self._call("DELETE", f"/session/{self.session}", timeout=10)
            except (OSError, RuntimeError):
                pass
            self.session = None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def __exit__(self, *exc: object) -> None:
        self.close()
