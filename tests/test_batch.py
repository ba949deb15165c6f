"""``coach batch``: many videos, resumable, on a process pool or Ray, and what it does with bad input.

The clips are the first three seconds of the sample videos, cut once per run;
every analysis is real (MediaPipe on the frames). One batch through the command
line (two workers) is shared by most tests; the fault tests that need no
analysis run on their own.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import cv2
import pytest
from click.testing import CliRunner

from coach.batch import (
    MODEL_FAILED,
    BatchConfig,
    Job,
    Manifest,
    Outcome,
    WorkerSettings,
    analyse_job,
    find_videos,
    folder_name,
    kept_signal_handlers,
    one_line,
    run_batch,
    summary_csv,
)
from coach.cli import main
from coach.errors import InputError, ModelError
from coach.samples import samples_dir
from coach.session import load_session
from tests.test_browser import FILE_PAYLOAD, assert_quiet, browser, visit  # noqa: F401 (browser: a fixture)

COACH = [sys.executable, "-m", "coach"]
CLIP_FRAMES = 90
# (sample video, first frame, where the cut goes in the input folder): two session.mp4 in
# different folders, a folder and a file name with spaces and accents, and a file name that
# is markup.
CLIPS = (
    ("rushed_session", 0, "élève 1/session.mp4"),
    ("good_session", 0, "b c/session.mp4"),
    ("top_view_left", 30, f"b c/{FILE_PAYLOAD} séance.mp4"),
)


def cut(video: Path, out: Path, frames: int = CLIP_FRAMES, start: int = 0) -> Path:
    """Frames ``start`` to ``start + frames`` of ``video``, written as a new mp4."""
    out.parent.mkdir(parents=True, exist_ok=True)
    capture = cv2.VideoCapture(str(video))
    fps = capture.get(cv2.CAP_PROP_FPS)
    for _ in range(start):
        capture.read()
    writer = None
    for _ in range(frames):
        ok, image = capture.read()
        if not ok:
            break
        if writer is None:
            size = (image.shape[1], image.shape[0])
            writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
        writer.write(image)
    capture.release()
    assert writer is not None, video
    writer.release()
    return out


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of three good 3-second clips."""
    folder = tmp_path_factory.mktemp("clips")
    for sample, start, name in CLIPS:
        cut(samples_dir() / f"{sample}.mp4", folder / name, start=start)
    return folder


@pytest.fixture(scope="module")
def inputs(clips: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The good clips, a zero-byte file and random bytes named .mp4, among non-videos."""
    folder = tmp_path_factory.mktemp("in") / "vidéos de la classe"
    shutil.copytree(clips, folder)
    (folder / "b c" / "empty.mp4").write_bytes(b"")
    (folder / "b c" / "noise.mp4").write_bytes(os.urandom(20_000))
    (folder / "b c" / "notes.txt").write_text("not a video")
    (folder / ".hidden.mp4").write_bytes(b"junk that is not looked at")
    return folder


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COACH, *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def batch(
    inputs: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """``coach batch`` on the input folder with two workers: (the finished process, the output folder)."""
    out = tmp_path_factory.mktemp("out") / "sortie à part"
    done = run_cli("batch", str(inputs), "--out", str(out), "--workers", "2", "--no-progress")
    return done, out


def read_csv(path: Path) -> dict[str, dict[str, str]]:
    """The rows of summary.csv by the video's folder and name (``b c/empty.mp4``)."""
    with path.open(newline="", encoding="utf-8") as stream:
        return {"/".join(Path(row["video"]).parts[-2:]): row for row in csv.DictReader(stream)}


def _sessions(out: Path) -> dict[str, dict[str, Any]]:
    """Every session under ``out`` by folder name, without ``created_at`` and the video's folder."""
    found = {}
    for path in sorted(out.glob("*/session.json")):
        doc = json.loads(path.read_text())
        doc.pop("created_at")
        doc["video"]["source"] = Path(doc["video"]["source"]).name
        found[path.parent.name] = doc
    return found


# --- one batch through the command line ---------------------------------------------------------


@pytest.mark.slow
def test_a_bad_video_is_reported_and_the_batch_goes_on(batch: tuple[Any, Path]) -> None:
    done, out = batch
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    failed = [line for line in done.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 2 and len(done.stderr.splitlines()) == 2, done.stderr
    assert failed[0].endswith("empty.mp4: file is empty")
    assert failed[1].endswith("noise.mp4: cannot read as a video (damaged file or unknown format)")
    assert done.stdout.splitlines()[0].startswith("5 videos: 3 analysed, 0 done before, 2 failed")
    rows = read_csv(out / "summary.csv")
    empty, noise = rows["b c/empty.mp4"], rows["b c/noise.mp4"]
    assert empty["status"] == "failed" and empty["reason"] == "file is empty"
    assert noise["status"] == "failed" and noise["reason"].startswith("cannot read as a video")
    assert empty["folder"] == "" and empty["report"] == ""
    assert len(rows) == 5 and not any(name.endswith(("notes.txt", ".hidden.mp4")) for name in rows)


@pytest.mark.slow
def test_every_good_video_has_its_own_folder_session_and_report(batch: tuple[Any, Path]) -> None:
    _, out = batch
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert len(folders) == 3, folders  # two session.mp4 from different folders do not collide
    assert sum(name.startswith("session-") for name in folders) == 2
    assert not any(name.startswith(".") for name in folders)  # no work folder left behind
    for name in folders:
        assert "<" not in name and " " not in name, name
        session = load_session(out / name / "session.json")  # the JSON Schema is checked
        assert session.video.frame_count == CLIP_FRAMES
        assert session.video.duration_s == pytest.approx(3.0, abs=0.05)
        assert (out / name / "report.html").stat().st_size > 10_000
        assert oct((out / name).stat().st_mode & 0o777) == oct(0o755 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.slow
def test_the_summary_has_one_row_per_video_with_the_session_figures(batch: tuple[Any, Path]) -> None:
    _, out = batch
    rows = read_csv(out / "summary.csv")
    assert len(rows) == 5
    good = {name: row for name, row in rows.items() if row["status"] == "done"}
    assert len(good) == 3
    for row in good.values():
        assert row["run"] == "analysed" and row["reason"] == ""
        session = load_session(out / row["report"].replace("report.html", "session.json"))
        assert (out / row["report"]).is_file()
        assert row["folder"] == folder_name(Path(row["video"]), row["sha256"])
        assert float(row["duration_s"]) == pytest.approx(session.video.duration_s, abs=0.01)
        assert float(row["active_s"]) == pytest.approx(session.active_s, abs=0.01)
        assert int(row["strokes"]) == len(session.strokes)
        assert int(row["glide_strokes"]) == sum(s.type == "glide" for s in session.strokes)
        assert float(row["arch_share"]) == pytest.approx(session.coverage.zones["arch"].share, abs=0.001)
        assert float(row["analysis_s"]) > 0
    manifest = json.loads((out / "batch.json").read_text())
    assert {v["status"] for v in manifest["videos"].values()} == {"done", "failed"}
    assert len(manifest["videos"]) == 5


@pytest.mark.slow
def test_a_rerun_skips_what_is_done_and_redoes_a_changed_video(
    batch: tuple[Any, Path], inputs: Path, tmp_path: Path
) -> None:
    _, first_out = batch
    folder, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(inputs, folder)
    shutil.copytree(first_out, out)
    before = {p: p.stat().st_mtime_ns for p in out.glob("*/session.json")}
    config = BatchConfig(workers=2, progress=False)

    again = run_batch([folder], out, config)
    assert (again.analysed, again.skipped, again.failed) == (0, 3, 2)
    assert {p: p.stat().st_mtime_ns for p in out.glob("*/session.json")} == before
    assert {r.run for r in again.rows} == {"skipped", "failed"}

    changed = folder / "élève 1" / "session.mp4"
    cut(samples_dir() / "neglects_arches.mp4", changed, frames=60)
    third = run_batch([folder], out, config)
    assert (third.analysed, third.skipped, third.failed) == (1, 2, 2)
    row = next(r for r in third.rows if r.video == str(changed))
    assert row.run == "analysed" and row.folder.endswith(row.sha256[:10])
    assert load_session(out / row.folder / "session.json").video.frame_count == 60
    assert {p: p.stat().st_mtime_ns for p in before} == before  # the others were left alone


@pytest.mark.slow
def test_a_run_on_other_videos_into_the_same_folder_lists_the_earlier_ones_too(
    batch: tuple[Any, Path], tmp_path: Path
) -> None:
    _, first_out = batch
    out = tmp_path / "out"
    shutil.copytree(first_out, out)
    new = cut(samples_dir() / "neglects_arches.mp4", tmp_path / "week 2" / "séance.mp4", frames=60)
    done = run_cli("batch", str(new.parent), "--out", str(out), "--workers", "1", "--no-progress")
    assert done.returncode == 0, done.stderr
    assert "1 video: 1 analysed, 0 done before, 0 failed" in done.stdout
    assert "the summary also lists 3 from earlier runs" in done.stdout
    rows = read_csv(out / "summary.csv")
    assert {name: row["run"] for name, row in rows.items()} == {
        "week 2/séance.mp4": "analysed",
        **{name: "earlier" for _, _, name in CLIPS},
    }
    for row in rows.values():  # the earlier videos keep their figures and links
        assert row["status"] == "done" and (out / row["report"]).is_file() and int(row["strokes"]) >= 0
    first = read_csv(first_out / "summary.csv")
    for _, _, name in CLIPS:
        assert (
            rows[name]["strokes"] == first[name]["strokes"] and rows[name]["folder"] == first[name]["folder"]
        )
    # An earlier video whose session no longer loads is not listed.
    broken = out / rows[CLIPS[0][2]]["folder"] / "session.json"
    broken.write_text("{}")
    again = run_batch([new.parent], out, BatchConfig(workers=1, progress=False))
    assert sorted(r.run for r in again.rows) == ["earlier", "earlier", "skipped"]
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert "by an earlier run, not among this run&#39;s videos" in page


@pytest.mark.slow
def test_a_rerun_with_another_view_analyses_again_and_the_summary_says_so(
    batch: tuple[Any, Path],
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    _, first_out = batch
    out = tmp_path / "out"
    shutil.copytree(first_out, out)
    first = read_csv(first_out / "summary.csv")
    assert {row["settings"] for row in first.values()} == {"full, sole view"}
    name = CLIPS[2][2]  # the top-view sample
    video = Path(first[name]["video"])
    before = (out / first[name]["folder"] / "session.json").stat().st_mtime_ns
    top = ("batch", str(video), "--out", str(out), "--view", "top", "--workers", "1", "--no-progress")
    done = run_cli(*top)
    assert done.returncode == 0, done.stderr
    assert "1 video: 1 analysed, 0 done before, 0 failed" in done.stdout
    rows = read_csv(out / "summary.csv")
    assert rows[name]["run"] == "analysed" and rows[name]["folder"] == first[name]["folder"]
    assert rows[name]["settings"] == "full, top view"
    assert (out / rows[name]["folder"] / "session.json").stat().st_mtime_ns != before  # written again
    assert {rows[n]["settings"] for n in rows if n != name and rows[n]["status"] == "done"} == {
        "full, sole view"
    }
    manifest = json.loads((out / "batch.json").read_text())
    assert manifest["videos"][rows[name]["sha256"]]["settings"]["view"] == "top"
    # The same settings again: nothing to do.
    again = run_cli(*top)
    assert "1 video: 0 analysed, 1 done before, 0 failed" in again.stdout, again.stdout
    page = visit(browser, out / "summary.html").page
    assert "Analysed with different settings" in page.inner_text("#settings")
    cells = page.eval_on_selector_all("td.settings", "els => els.map(e => e.textContent)")
    assert len(cells) == len(rows) and "full, top view" in cells


# --- faults -------------------------------------------------------------------------------------


def crash_on_crash(job: Job, out_dir: Path, settings: WorkerSettings) -> Outcome:
    """The real work, except that a video named crash*.mp4 ends its worker process at once."""
    if job.video.name.startswith("crash"):
        os._exit(70)
    return analyse_job(job, out_dir, settings)


@pytest.mark.slow
def test_a_video_that_crashes_its_worker_fails_alone(clips: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(clips / "élève 1" / "session.mp4", folder / "a.mp4")  # in progress when b crashes
    (folder / "b crash.mp4").write_bytes(b"")
    (folder / "crash.mp4").write_bytes(b"will crash")
    (folder / "d.mp4").write_bytes(b"")
    result = run_batch(
        [folder], tmp_path / "out", BatchConfig(workers=2, progress=False), job_fn=crash_on_crash
    )
    rows = {Path(r.video).name: r for r in result.rows}
    assert rows["a.mp4"].status == "done"
    assert rows["b crash.mp4"].reason == "file is empty"
    assert rows["crash.mp4"].reason == "the analysis crashed its worker process (twice)"
    assert rows["d.mp4"].reason == "file is empty"
    assert result.exit_code == 1


@pytest.mark.parametrize("what", ["missing", "empty folder"])
def test_a_missing_input_is_a_one_line_error_and_nothing_is_written(what: str, tmp_path: Path) -> None:
    given = tmp_path / "no such.mp4"
    if what == "empty folder":
        given = tmp_path / "empty folder"
        given.mkdir()
        (given / "notes.txt").write_text("no video here")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(given), "--out", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"coach: error: {given}: "), result.stderr
    assert not out.exists()


def test_an_output_that_is_a_file_is_a_one_line_error(tmp_path: Path) -> None:
    video = tmp_path / "v.mp4"
    video.write_bytes(b"")
    out = tmp_path / "out"
    out.write_text("a file")
    result = CliRunner().invoke(main, ["batch", str(video), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr == f"coach: error: {out}: exists and is not a folder\n"
    assert out.read_text() == "a file"


def _unprivileged(command: list[str]) -> list[str]:
    """The command, run without root's power to write anywhere (permission bits apply to it too)."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is needed to test a read-only folder as root")
    caps = "-dac_override,-dac_read_search,-fowner"
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}", *command]


def test_a_read_only_output_folder_is_a_one_line_error_and_nothing_runs(tmp_path: Path) -> None:
    video = tmp_path / "v.mp4"
    video.write_bytes(b"")
    out = tmp_path / "read only"
    out.mkdir()
    out.chmod(0o555)
    try:
        done = subprocess.run(
            _unprivileged([*COACH, "batch", str(video), "--out", str(out)]),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr == f"coach: error: {out}: cannot write in the output folder (Permission denied)\n"
        assert list(out.iterdir()) == []
    finally:
        out.chmod(0o755)


def test_an_output_folder_that_disappears_stops_the_batch(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.mp4", "b.mp4", "c.mp4"):
        (folder / name).write_bytes(os.urandom(1000))
    out = tmp_path / "out"
    seen = []

    def remove_the_output(row: Any) -> None:
        seen.append(row)
        shutil.rmtree(out)

    with pytest.raises(InputError) as caught:
        run_batch([folder], out, BatchConfig(workers=1, progress=False), on_row=remove_the_output)
    message = str(caught.value)
    assert caught.value.exit_code == 2 and "\n" not in message
    assert message.startswith(f"{out}: the output folder disappeared or cannot be written any more")
    assert len(seen) == 1 and not out.exists()  # nothing was made again


def test_ray_missing_is_a_one_line_error_saying_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    video = tmp_path / "v.mp4"
    video.write_bytes(b"")
    result = CliRunner().invoke(main, ["batch", str(video), "--out", str(tmp_path / "out"), "--ray", "local"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "pip install 'footcoach[batch]'" in result.stderr
    assert not (tmp_path / "out").exists()


def model_missing(job: Job, out_dir: Path, settings: WorkerSettings) -> Outcome:
    """What a worker reports when the hand model cannot be loaded."""
    return Outcome(job.sha256, False, "models/hand_landmarker.task: no such file", MODEL_FAILED)


def test_a_missing_hand_model_stops_the_batch_with_exit_3(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.mp4", "b.mp4"):
        (folder / name).write_bytes(os.urandom(1000))
    with pytest.raises(ModelError, match=r"hand_landmarker\.task: no such file") as caught:
        run_batch([folder], tmp_path / "out", BatchConfig(workers=1, progress=False), job_fn=model_missing)
    assert caught.value.exit_code == 3


@pytest.mark.slow
def test_ctrl_c_stops_the_workers_and_keeps_what_is_done(clips: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    video = clips / "élève 1" / "session.mp4"
    process = subprocess.Popen(
        [*COACH, "batch", str(video), "--out", str(out), "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not list(out.glob(".partial-*")) and time.monotonic() < deadline:  # a worker is on it
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130
    assert stderr == "coach: interrupted\n"
    assert sorted(p.name for p in out.iterdir()) == [".batch.lock", "batch.json"]  # no half-done folder
    assert json.loads((out / "batch.json").read_text())["videos"] == {}


def test_an_unreachable_ray_cluster_is_a_one_line_error(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    video = tmp_path / "v.mp4"
    video.write_bytes(b"")
    out = tmp_path / "out"
    for address, words in (("127.0.0.1:1", "cannot reach the Ray cluster at '127.0.0.1:1'"),
                           ("nowhere", "expected local, auto, HOST:PORT or ray://HOST:PORT")):  # fmt: skip
        result = CliRunner().invoke(main, ["batch", str(video), "--out", str(out), "--ray", address])
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr
        assert not out.exists()


# --- Ray ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ray_local() -> Any:
    try:
        import ray
    except ImportError:
        message = "Ray is needed for the Ray tests (scripts/setup-env test installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with kept_signal_handlers():  # Ray's SIGTERM handler would outlive it and stop other tests' processes
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        yield ray
        ray.shutdown()


@pytest.mark.slow
def test_ray_gives_the_same_sessions_as_the_process_pool(
    ray_local: Any, batch: tuple[Any, Path], clips: Path, tmp_path: Path
) -> None:
    _, pool_out = batch
    result = run_batch([clips], tmp_path / "out", BatchConfig(workers=2, ray_address="local", progress=False))
    assert (result.analysed, result.failed) == (3, 0)
    assert ray_local.is_initialized()  # a Ray started by the caller is left running
    assert _sessions(tmp_path / "out") == _sessions(pool_out)


# --- the summary page ---------------------------------------------------------------------------


@pytest.mark.slow
def test_the_summary_page_in_chromium(browser: Any, batch: tuple[Any, Path]) -> None:  # noqa: F811
    _, out = batch
    path = out / "summary.html"
    seen = visit(browser, path)
    assert_quiet(seen, path)  # no console errors, no requests, the file name's markup never ran
    page = seen.page
    assert page.inner_text("h1") == "Batch summary"
    assert page.locator("#sessions tbody tr").count() == 5
    assert f"{FILE_PAYLOAD} séance.mp4" in page.inner_text("#sessions")  # shown as text
    assert page.locator("img").count() == 0
    hrefs = page.eval_on_selector_all("#sessions a", "els => els.map(e => e.href)")
    assert len(hrefs) == 3
    for href in hrefs:
        assert href.startswith(out.as_uri() + "/") and href.endswith("/report.html")
        assert (out / unquote(href[len(out.as_uri()) + 1 :])).is_file()
    assert "file is empty" in page.inner_text("tr.failed >> nth=0")
    page.screenshot(path=str(out.parent / "summary.png"), full_page=True)
    page.close()


# --- the parts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("session.mp4", "session-0123456789"),
        ("séance du 3 mai.mov", "séance_du_3_mai-0123456789"),
        (f"{FILE_PAYLOAD}.mp4", "img_src_x_onerror_window.__pwned_3-0123456789"),
        (".hidden.mp4", "hidden-0123456789"),
        ("...mp4", "video-0123456789"),
        ("a\nb.mp4", "a_b-0123456789"),
        ("x" * 200 + ".mp4", "x" * 60 + "-0123456789"),
    ],
)
def test_folder_names_are_plain_and_carry_the_hash(name: str, expected: str) -> None:
    assert folder_name(Path("/videos") / name, "0123456789abcdef") == expected


def test_find_videos_takes_videos_in_folders_and_named_files_as_they_are(tmp_path: Path) -> None:
    for name in ("a/1.MP4", "a/2.mov", "a/.3.mp4", "a/.hidden/4.mp4", "a/notes.txt", "a/out/5.mp4", "x.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    found = find_videos(
        [tmp_path / "a", tmp_path / "x.txt", tmp_path / "a" / "1.MP4"], tmp_path / "a" / "out"
    )
    assert found == [tmp_path / "a" / "1.MP4", tmp_path / "a" / "2.mov", tmp_path / "x.txt"]
    with pytest.raises(InputError, match="no such file or folder"):
        find_videos([tmp_path / "missing"])


def test_plan_skips_a_done_video_only_when_its_session_loads_from_a_plain_folder(tmp_path: Path) -> None:
    from coach.batch import file_sha256, plan
    from coach.session import write_session
    from tests.session_examples import example_session

    video = tmp_path / "v.mp4"
    video.write_bytes(b"not analysed here")
    sha = file_sha256(video)
    out = tmp_path / "out"
    for folder in ("v-done", "elsewhere"):
        (out / folder).mkdir(parents=True)
        write_session(out / folder / "session.json", example_session())
    cases = {"v-done": "skipped", "../out/elsewhere": "pending", ".hidden": "pending", "missing": "pending"}
    for folder, run in cases.items():
        manifest = Manifest(videos={sha: {"status": "done", "folder": folder}})
        the_plan = plan([video, video], out, manifest)
        assert [r.run for r in the_plan.rows] == [run, "duplicate"], folder
        assert len(the_plan.jobs) == (run == "pending")
    (out / "v-done" / "session.json").write_text("{}")  # damaged: analysed again
    assert plan([video], out, Manifest(videos={sha: {"status": "done", "folder": "v-done"}})).jobs


def test_plan_redoes_a_video_done_with_other_settings(tmp_path: Path) -> None:
    from coach.batch import RunSettings, file_sha256, plan
    from coach.session import write_session
    from tests.session_examples import example_session

    video = tmp_path / "v.mp4"
    video.write_bytes(b"not analysed here")
    sha = file_sha256(video)
    out = tmp_path / "out"
    (out / "v-done").mkdir(parents=True)
    write_session(out / "v-done" / "session.json", example_session())
    earlier = RunSettings()  # full networks, sole view
    entry = {"status": "done", "folder": "v-done", "settings": earlier.to_json()}
    others = [
        RunSettings(hand_model="lite"),
        RunSettings(view="top"),
        RunSettings(side="left"),
        RunSettings(heel_px=(10.0, 20.0), toe_px=(30.0, 40.0)),
    ]
    for settings, run in [(earlier, "skipped"), *((other, "pending") for other in others)]:
        the_plan = plan([video], out, Manifest(videos={sha: dict(entry)}), settings=settings)
        assert [r.run for r in the_plan.rows] == [run], settings
        assert the_plan.rows[0].settings == (earlier if run == "skipped" else settings).describe()
    # An entry of a version that did not record its settings stays done.
    legacy = {"status": "done", "folder": "v-done"}
    the_plan = plan([video], out, Manifest(videos={sha: legacy}), settings=RunSettings(view="top"))
    assert [r.run for r in the_plan.rows] == ["skipped"] and the_plan.rows[0].settings == ""


def test_run_settings_round_trip_through_the_manifest() -> None:
    from coach.analysis import AnalysisConfig
    from coach.batch import RunSettings
    from coach.foot import FootConfig
    from coach.hands import HandTrackerConfig

    analysis = AnalysisConfig(
        hands=HandTrackerConfig(model="lite"),
        foot=FootConfig(view="top"),
        heel_px=(1.0, 2.0),
        toe_px=(3.0, 4.0),
        side="right",
    )
    settings = RunSettings.of(analysis)
    assert settings == RunSettings("lite", "top", "right", (1.0, 2.0), (3.0, 4.0))
    assert RunSettings.from_json(json.loads(json.dumps(settings.to_json()))) == settings
    assert settings.describe() == "lite, top view, right foot, calibrated"
    assert RunSettings.of(None).describe() == "full, sole view"
    for damaged in (None, [], {"view": "sole"}, {"hand_model": 3, "view": "sole"}):
        assert RunSettings.from_json(damaged) is None


def test_a_damaged_manifest_means_everything_is_redone(tmp_path: Path) -> None:
    path = tmp_path / "batch.json"
    for text in ("{not json", "[]", '{"schema": "other"}', '{"schema": "footcoach.batch/1", "videos": 3}'):
        path.write_text(text)
        assert Manifest.load(path).videos == {}
    assert Manifest.load(tmp_path / "missing.json").videos == {}


def test_text_cells_never_become_spreadsheet_formulas(tmp_path: Path) -> None:
    from coach.batch import BatchResult, Row

    rows = (Row("=HYPERLINK(1)\n.mp4", "failed", "failed", "-bad"), Row("+1.mp4", "failed", "failed", "@x"))
    text = summary_csv(BatchResult(rows, tmp_path, 0, 0.0))
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert [r["video"] for r in parsed] == ["'=HYPERLINK(1)\n.mp4", "'+1.mp4"]
    assert [r["reason"] for r in parsed] == ["'-bad", "'@x"]


def test_one_line() -> None:
    assert one_line("a\nb\r\n\tc") == "a b c"
    assert len(one_line("x" * 1000)) == 300
