"""The pages in a real browser: Debian's chromium, headless, driven by Playwright.

Checks what a reader would meet: no console errors, no network requests, every
part visible, and no script from a session file or a file name ever running.
Screenshots are saved beside the test's files; with ``FOOTCOACH_UPDATE_DOCS=1``
the clean pages are also written to ``docs/report.png`` and ``docs/history.png``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from coach.cli import main
from coach.history import write_history
from coach.report import write_report
from coach.session import load_session, session_json, session_schema, write_session
from tests.session_examples import example_history, example_session

REPO = Path(__file__).resolve().parents[1]
# Each payload, if it ever ran, would set a flag, log an error, open a dialog or fetch "x".
PAYLOAD = "<script>window.__pwned=1;console.error('pwned')</script><img src=x onerror=window.__pwned=2>"
FILE_PAYLOAD = "<img src=x onerror=window.__pwned=3>"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
]
FLAGS += ["--disable-component-update", "--disable-sync"]


def _need(what: str) -> None:
    message = f"{what} is needed for the browser tests"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    chromium = shutil.which("chromium")
    if chromium is None:
        _need("Debian's chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("the playwright Python package (pip install -e '.[test]')")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        # A persistent context gives chromium a fresh profile folder of our own.
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium,
            headless=True,
            args=FLAGS,
            viewport={"width": 1100, "height": 900},
            offline=True,
        )
        yield context
        context.close()


@dataclass
class Visit:
    """What happened while a page was open."""

    page: Any
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def visit(browser: Any, path: Path) -> Visit:
    page = browser.new_page()
    seen = Visit(page)
    page.on("console", lambda m: seen.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    page.on("request", lambda r: seen.requests.append(r.url))

    def on_dialog(dialog: Any) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(300)  # let any late onerror handler run
    return seen


def assert_quiet(seen: Visit, path: Path) -> None:
    assert [c for c in seen.console if c.startswith(("error", "warning"))] == []
    assert seen.errors == [] and seen.dialogs == []
    others = [u for u in seen.requests if not u.startswith("data:") and u != path.as_uri()]
    assert others == [], others
    assert seen.page.evaluate("window.__pwned === undefined")


def assert_images_drawn(seen: Visit, count: int) -> None:
    sizes = seen.page.eval_on_selector_all("img.chart", "els => els.map(e => [e.complete, e.naturalWidth])")
    assert len(sizes) == count and all(done and width > 100 for done, width in sizes), sizes


def _save(seen: Visit, shot: Path, docs_name: str | None = None) -> None:
    seen.page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if docs_name and os.environ.get("FOOTCOACH_UPDATE_DOCS"):
        shutil.copyfile(shot, REPO / "docs" / docs_name)


def test_the_report_in_chromium(browser: Any, tmp_path: Path) -> None:
    session_file = tmp_path / "session.json"
    write_session(session_file, example_session())
    path = tmp_path / "report.html"
    write_report(path, load_session(session_file))
    seen = visit(browser, path)
    assert_quiet(seen, path)
    page = seen.page
    assert page.inner_text("h1") == "Your foot massage"
    assert page.locator("#recommendations li").count() == 3
    for part in ("#coverage", "#zones", "#timeline", "#pace", "#rhythm", "#cues", "#facts"):
        assert page.locator(part).is_visible(), part
    assert_images_drawn(seen, 3)
    text = page.inner_text("body")
    for words in ("Where your hands worked", "Pace against the targets", "Rhythm", "Session facts", "Arch"):
        assert words in text
    _save(seen, tmp_path / "report.png", "report.png")
    page.close()


def test_hostile_text_never_runs_in_the_report(browser: Any, tmp_path: Path) -> None:
    doc = json.loads(session_json(example_session(minutes=2.0, text=PAYLOAD, source=FILE_PAYLOAD)))
    doc["coach_version"] = "<script>window.__pwned=4</script>"
    folder = tmp_path / FILE_PAYLOAD
    folder.mkdir()
    session_file = folder / f"{FILE_PAYLOAD}.json"
    session_file.write_text(json.dumps(doc))
    path = folder / f"{FILE_PAYLOAD}.html"
    write_report(path, load_session(session_file))
    seen = visit(browser, path)
    assert_quiet(seen, path)
    text = seen.page.inner_text("body")
    assert "window.__pwned=1" in text and FILE_PAYLOAD in text  # shown as text, never run
    assert seen.page.locator("img").count() == 3  # only the three charts became images
    _save(seen, tmp_path / "hostile-report.png")
    seen.page.close()


def test_the_history_in_chromium(browser: Any, tmp_path: Path) -> None:
    for i, session in enumerate(example_history()):
        folder = tmp_path / "sessions" / f"{i:02d}"
        folder.mkdir(parents=True)
        write_session(folder / "session.json", session)
    path = tmp_path / "history.html"
    write_history(path, [tmp_path / "sessions"])
    seen = visit(browser, path)
    assert_quiet(seen, path)
    page = seen.page
    assert page.inner_text("h1") == "Your progress"
    for part in ("#streak", "#practice", "#zones-per-day", "#pace-trend", "#rhythm-trend", "#sessions"):
        assert page.locator(part).is_visible(), part
    assert_images_drawn(seen, 4)
    assert page.locator("#sessions tbody tr").count() == 9
    _save(seen, tmp_path / "history.png", "history.png")
    page.close()


def test_hostile_names_never_run_in_the_history(browser: Any, tmp_path: Path) -> None:
    folder = tmp_path / FILE_PAYLOAD
    for i, session in enumerate(example_history(3, text=PAYLOAD)):
        (folder / str(i)).mkdir(parents=True)
        write_session(folder / str(i) / "session.json", session)
    path = tmp_path / f"{FILE_PAYLOAD}.html"
    write_history(path, [folder])
    seen = visit(browser, path)
    assert_quiet(seen, path)
    assert seen.page.locator("img").count() == 4
    seen.page.close()


def test_the_docs_screenshots_are_committed() -> None:
    for name in ("report.png", "history.png"):
        data = (REPO / "docs" / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, name


def text_fields(schema: dict[str, Any]) -> list[tuple[str, ...]]:
    """Where the session schema allows free text: key paths, ``"*"`` for every item of a list."""

    def walk(node: dict[str, Any], at: tuple[str, ...]) -> list[tuple[str, ...]]:
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        types = node.get("type", [])
        found = (
            [at] if "string" in ([types] if isinstance(types, str) else types) and "enum" not in node else []
        )
        for key, child in node.get("properties", {}).items():
            found += walk(child, (*at, key))
        if isinstance(node.get("items"), dict):
            found += walk(node["items"], (*at, "*"))
        return found

    return walk(schema, ())


def _put(doc: Any, at: tuple[str, ...], value: str) -> None:
    head, rest = at[0], at[1:]
    keys = range(len(doc)) if head == "*" else [head]
    for key in keys:
        if rest:
            _put(doc[key], rest, value)
        else:
            doc[key] = value


def test_every_text_field_and_file_name_stays_text_through_the_commands(browser: Any, tmp_path: Path) -> None:
    fields = text_fields(session_schema())
    dates = [at for at in fields if at[-1] in ("created_at", "recorded_at")]  # parsed, never shown raw
    assert len(fields) >= 9 and len(dates) == 2
    doc = json.loads(session_json(example_session(minutes=1.0)))
    doc["routine"]["steps"] = [{"title": "Glides", "target_s": 60.0, "done_s": 12.0, "completed_at_s": None}]
    payloads = {}
    for at in fields:
        if at not in dates:
            payloads[at] = f"<img src=x onerror=window.__pwned='{'.'.join(at)}'>"
            _put(doc, at, payloads[at])
    folder = tmp_path / FILE_PAYLOAD
    folder.mkdir()
    session_file = folder / f"{FILE_PAYLOAD}.json"
    session_file.write_text(json.dumps(doc))
    pages = {
        folder / f"{FILE_PAYLOAD} report.html": "report",
        folder / f"{FILE_PAYLOAD} history.html": "history",
    }
    for page, command in pages.items():
        done = CliRunner().invoke(main, [command, str(session_file), "--out", str(page)])
        assert done.exit_code == 0, done.output
        seen = visit(browser, page)
        assert_quiet(seen, page)
        assert seen.page.locator("img:not(.chart)").count() == 0
        if command == "report":
            text = seen.page.inner_text("body")
            for at in (
                ("video", "source"),
                ("notes",),
                ("cues", "*", "message"),
                ("coach_version",),
                ("hand_model",),
            ):
                assert payloads[at] in text, at  # shown, as text
        seen.page.close()
    # A date field carrying markup is refused before any page is drawn.
    for at in dates:
        bad = json.loads(json.dumps(doc))
        _put(bad, at, FILE_PAYLOAD)
        session_file.write_text(json.dumps(bad))
        done = CliRunner().invoke(main, ["report", str(session_file), "--out", str(tmp_path / "r.html")])
        assert done.exit_code == 2 and f"{at[-1]}: " in done.stderr and not (tmp_path / "r.html").exists()
