"""``coach batch``: many recordings, each to its own session and report, and one summary.

The work, in order:

1. :func:`find_videos`: the files named, and the videos inside named folders.
2. :func:`plan`: each video's content hash (sha256, streamed), its folder in the
   output (``<stem>-<hash prefix>``), and whether an earlier run already did it
   (``batch.json`` says so and its ``session.json`` loads).
3. :func:`run_batch`: the videos left are analysed in parallel, on a local
   process pool or on a Ray cluster; each job writes into a hidden folder that
   is renamed into place only when the analysis is complete, so a folder that
   exists is a finished one. ``batch.json`` is rewritten after every video, so
   an interrupted batch loses at most the videos in progress.
4. ``summary.csv`` and ``summary.html``: one row per video, failures with
   their one-line reason.

A video that cannot be read, or that makes the analysis fail or even crash its
worker process, is a failed row: the batch goes on without it. Only problems
with the batch itself stop it: a missing input path, an output folder that
cannot be written or disappears, a hand model that cannot be loaded.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from coach.errors import CoachError, InputError, ModelError
from coach.vocabulary import STROKE_TYPES, ZONES

if TYPE_CHECKING:
    from coach.analysis import AnalysisConfig
    from coach.session import Session

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv"})
"""What counts as a video inside a folder (a file named on the command line is tried whatever its name)."""

MANIFEST_NAME = "batch.json"
MANIFEST_SCHEMA = "footcoach.batch/1"
PARTIAL_PREFIX = ".partial-"
HASH_CHARS = 10
"""Hex digits of the content hash in a video's folder name (after its name, so two videos clash only
when they have the same name and the same first 40 bits of hash)."""
MAX_STEM_CHARS = 60
MAX_REASON_CHARS = 300

# Job outcomes: what went wrong, which decides whether the batch goes on.
VIDEO_FAILED = "video"  # this video only: the batch goes on
OUTPUT_FAILED = "output"  # the output folder: the batch stops
MODEL_FAILED = "model"  # the hand model: every video would fail, the batch stops

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_UNSAFE_NAME = re.compile(r"[^\w.-]+")
_SPREADSHEET_FORMULA = ("=", "+", "-", "@", "\t", "\r")


# --- containers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchConfig:
    """How a batch runs.

    Attributes:
        workers: videos analysed at once (local pool), and the CPUs of a local Ray cluster.
        ray_address: None for the local process pool; ``"local"`` starts a Ray
            cluster on this machine; ``"auto"``, ``"HOST:PORT"`` or ``"ray://HOST:PORT"``
            joins a running one (every node must see the videos and the output folder
            at the same paths, and have Footcoach installed).
        analysis: the settings of every stage, the same for every video (None: defaults).
        progress: a progress bar over the videos; None shows it when stderr is a terminal.
        threads: OpenCV threads in each worker; None leaves OpenCV's default (one per core),
            which makes workers fight over the cores when there is one worker per core.
        read_ahead: decode and track hands on threads of their own in each worker (see
            :func:`coach.recording.analyze_recording`). None: only when there are fewer
            workers than cores here, since with a worker per core the threads only
            compete with the other workers; off on a remote Ray cluster (one task per CPU).
    """

    workers: int = 1
    ray_address: str | None = None
    analysis: AnalysisConfig | None = None
    progress: bool | None = None
    threads: int | None = 1
    read_ahead: bool | None = None

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"threads must be at least 1 or None, got {self.threads}")
        if self.ray_address is not None and not self.ray_address.strip():
            raise ValueError("ray_address must not be empty")


@dataclass(frozen=True)
class Job:
    """One video to analyse.

    Attributes:
        video: the file, as an absolute path (workers may run elsewhere).
        sha256: its content hash, hex.
        folder: the name of its folder inside the output folder.
    """

    video: Path
    sha256: str
    folder: str


@dataclass(frozen=True)
class RunSettings:
    """The choices of a run that change a video's analysis, as ``batch.json`` records them.

    A video done by an earlier run with other settings is analysed again.

    Attributes:
        hand_model: the hand tracker's networks (``full``, ``lite``, or another bundle's file name).
        view: ``sole`` or ``top``.
        side: ``left``, ``right``, or None when the coach tells.
        heel_px, toe_px: the calibration for a fixed camera, or None.
    """

    hand_model: str = "full"
    view: str = "sole"
    side: str | None = None
    heel_px: tuple[float, float] | None = None
    toe_px: tuple[float, float] | None = None

    @classmethod
    def of(cls, analysis: AnalysisConfig | None) -> RunSettings:
        """The settings of ``analysis`` (None: the defaults).

        Raises:
            ModelError: the hand model file given by the environment does not exist.
        """
        from coach.analysis import AnalysisConfig
        from coach.models import hand_model_label, hand_model_path

        analysis = analysis or AnalysisConfig()
        hands = analysis.hands
        path = hand_model_path(hands.model_path, hands.model)
        return cls(
            hand_model=hand_model_label(path, hands.model),
            view=analysis.foot.view,
            side=analysis.side,
            heel_px=analysis.heel_px,
            toe_px=analysis.toe_px,
        )

    def to_json(self) -> dict[str, Any]:
        def point(p: tuple[float, float] | None) -> list[float] | None:
            return None if p is None else [float(p[0]), float(p[1])]

        return {
            "hand_model": self.hand_model,
            "view": self.view,
            "side": self.side,
            "heel_px": point(self.heel_px),
            "toe_px": point(self.toe_px),
        }

    @classmethod
    def from_json(cls, recorded: object) -> RunSettings | None:
        """Settings as ``batch.json`` holds them; None when missing or damaged (an older version's entry)."""
        if not isinstance(recorded, dict):
            return None

        def point(value: object) -> tuple[float, float] | None:
            if isinstance(value, list) and len(value) == 2 and all(isinstance(c, int | float) for c in value):
                return (float(value[0]), float(value[1]))
            return None

        model, view, side = recorded.get("hand_model"), recorded.get("view"), recorded.get("side")
        if not isinstance(model, str) or not isinstance(view, str) or not isinstance(side, str | None):
            return None
        return cls(model, view, side, point(recorded.get("heel_px")), point(recorded.get("toe_px")))

    def describe(self) -> str:
        """One short line for the summary, e.g. ``full, sole view, left foot, calibrated``."""
        parts = [self.hand_model, f"{self.view} view"]
        if self.side is not None:
            parts.append(f"{self.side} foot")
        if self.heel_px is not None:
            parts.append("calibrated")
        return ", ".join(parts)


@dataclass(frozen=True)
class WorkerSettings:
    """What every job of a batch is given besides its video.

    Attributes:
        analysis: the settings of every stage (None: defaults).
        threads: OpenCV threads in the worker (None: OpenCV's default).
        read_ahead: decode and track hands on threads of their own.
    """

    analysis: AnalysisConfig | None = None
    threads: int | None = 1
    read_ahead: bool = False


@dataclass(frozen=True)
class Outcome:
    """What a worker reports back for one job.

    Attributes:
        sha256: the job's content hash.
        ok: True when the folder with ``session.json`` and ``report.html`` is in place.
        reason: why it failed, one line (empty when ok).
        kind: what failed: :data:`VIDEO_FAILED`, :data:`OUTPUT_FAILED` or :data:`MODEL_FAILED`.
        seconds: wall time of the analysis.
    """

    sha256: str
    ok: bool
    reason: str = ""
    kind: str = VIDEO_FAILED
    seconds: float = 0.0


@dataclass(frozen=True)
class Figures:
    """A session's headline figures, for the summary.

    Attributes:
        duration_s: length of the video.
        active_s: seconds of massage strokes.
        foot_found: whether the foot was found.
        strokes: strokes of each type, in :data:`STROKE_TYPES` order.
        zone_shares: share of stroke time on each zone (0..1), in :data:`ZONES` order.
    """

    duration_s: float
    active_s: float
    foot_found: bool
    strokes: tuple[int, ...]
    zone_shares: tuple[float, ...]

    @classmethod
    def of(cls, session: Session) -> Figures:
        counts = {t: 0 for t in STROKE_TYPES}
        for stroke in session.strokes:
            counts[stroke.type] += 1
        return cls(
            duration_s=session.video.duration_s,
            active_s=session.active_s,
            foot_found=session.foot.found,
            strokes=tuple(counts[t] for t in STROKE_TYPES),
            zone_shares=tuple(session.coverage.zones[z].share for z in ZONES),
        )


@dataclass(frozen=True)
class Row:
    """One input video in the summary.

    Attributes:
        video: the path as found (what the user typed, joined with the path inside a named folder).
        status: ``"done"`` or ``"failed"``.
        run: ``"analysed"`` (this run), ``"skipped"`` (done by an earlier run),
            ``"duplicate"`` (the same content as an earlier row), ``"failed"``, or
            ``"earlier"``: not among this run's inputs, done by an earlier run
            into the same output folder (listed so the summary covers them all).
        reason: why it failed, one line (empty when done).
        sha256: content hash, or empty when the file could not be read.
        folder: its folder inside the output folder, or empty.
        seconds: wall time of its analysis (this run's, or the earlier run's).
        figures: the session's figures when done.
        settings: the settings it was analysed with (:meth:`RunSettings.describe`), or ""
            when unknown (a video done by a version that did not record them).
    """

    video: str
    status: str
    run: str
    reason: str = ""
    sha256: str = ""
    folder: str = ""
    seconds: float = 0.0
    figures: Figures | None = None
    settings: str = ""

    @property
    def done(self) -> bool:
        return self.status == "done"


@dataclass(frozen=True)
class BatchResult:
    """What a batch did.

    Attributes:
        rows: one per input video, in the order found.
        out_dir: the output folder.
        analysed: videos analysed by this run (duplicates of them not counted again).
        seconds: wall time of the analysis phase.
    """

    rows: tuple[Row, ...]
    out_dir: Path
    analysed: int
    seconds: float

    @property
    def skipped(self) -> int:
        return sum(r.run == "skipped" for r in self.rows)

    @property
    def earlier(self) -> int:
        """Rows of earlier runs' videos that were not among this run's inputs."""
        return sum(r.run == "earlier" for r in self.rows)

    @property
    def failed(self) -> int:
        return sum(not r.done for r in self.rows)

    @property
    def csv_path(self) -> Path:
        return self.out_dir / "summary.csv"

    @property
    def html_path(self) -> Path:
        return self.out_dir / "summary.html"

    @property
    def exit_code(self) -> int:
        """0 when every video is done, 1 when any failed."""
        return 1 if self.failed else 0


# --- finding and hashing ------------------------------------------------------------------------


def one_line(text: str, limit: int = MAX_REASON_CHARS) -> str:
    """Text safe for a one-line message: control characters (newlines in file names) become spaces."""
    text = _CONTROL.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def find_videos(inputs: Iterable[Path], out_dir: Path | None = None) -> list[Path]:
    """The files named, and the videos inside named folders (recursively), each once.

    Inside folders only names ending in :data:`VIDEO_SUFFIXES` count, hidden files
    and folders are left out, and so is anything inside ``out_dir``. A file named
    directly is taken whatever its name: if it is no video, its analysis fails
    and says so.

    Raises:
        InputError: a path does not exist, a folder holds no video, or nothing was given.
    """
    inside_out = Path(out_dir).resolve() if out_dir is not None else None
    found: dict[Path, Path] = {}  # resolved -> as found
    for path in inputs:
        path = Path(path)
        if path.is_dir():
            videos = _videos_in(path, inside_out)
            if not videos:
                kinds = ", ".join(sorted(VIDEO_SUFFIXES))
                raise InputError(f"{one_line(str(path))}: no videos in this folder (looked for {kinds})")
            for video in videos:
                found.setdefault(video.resolve(), video)
        elif path.exists() or path.is_symlink():
            found.setdefault(path.resolve(), path)
        else:
            raise InputError(f"{one_line(str(path))}: no such file or folder")
    if not found:
        raise InputError("no videos given")
    return list(found.values())


def _videos_in(folder: Path, out_dir: Path | None) -> list[Path]:
    videos = []

    def unreadable(exc: OSError) -> None:
        raise InputError(f"{one_line(str(exc.filename))}: cannot list this folder ({exc.strerror})")

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        here = Path(root)
        if out_dir is not None and here.resolve() == out_dir:
            dirs.clear()
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        videos += [
            here / f
            for f in sorted(files)
            if not f.startswith(".") and Path(f).suffix.lower() in VIDEO_SUFFIXES
        ]
    return videos


def file_sha256(path: Path) -> str:
    """The sha256 of a file's content, hex, read in chunks (memory does not grow with the file)."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def folder_name(video: Path, sha256: str) -> str:
    """``<stem>-<hash prefix>``: readable, and distinct for two ``session.mp4`` from different folders.

    The stem keeps letters and digits of any script, ``.``, ``-`` and ``_``; anything
    else (spaces, slashes, markup) becomes ``_``, and a leading dot is dropped, so the
    folder is never hidden and its name never needs quoting in a shell.
    """
    stem = _UNSAFE_NAME.sub("_", video.stem).strip("._") or "video"
    return f"{stem[:MAX_STEM_CHARS]}-{sha256[:HASH_CHARS]}"


# --- the manifest -------------------------------------------------------------------------------


@dataclass
class Manifest:
    """``batch.json``: what every earlier run did, so a run resumes where the last one stopped.

    Attributes:
        videos: sha256 -> ``{folder, status, source, reason, seconds}``.
        files: absolute path -> ``{size, mtime_ns, sha256}``: a file whose size and
            modification time are unchanged is not hashed again.
    """

    videos: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """The manifest at ``path``; empty when there is none or it cannot be used (everything is redone)."""
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(doc, dict) or doc.get("schema") != MANIFEST_SCHEMA:
            return cls()
        videos, files = doc.get("videos"), doc.get("files")
        return cls(
            videos=videos if isinstance(videos, dict) else {},
            files=files if isinstance(files, dict) else {},
        )

    def to_json(self) -> str:
        doc = {"schema": MANIFEST_SCHEMA, "videos": self.videos, "files": self.files}
        return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=True) + "\n"

    def cached_hash(self, path: Path) -> str | None:
        entry = self.files.get(str(path))
        try:
            st = path.stat()
        except OSError:
            return None
        if (
            isinstance(entry, dict)
            and entry.get("size") == st.st_size
            and entry.get("mtime_ns") == st.st_mtime_ns
        ):
            value = entry.get("sha256")
            return value if isinstance(value, str) else None
        return None

    def remember_hash(self, path: Path, sha256: str) -> None:
        try:
            st = path.stat()
        except OSError:
            return
        self.files[str(path)] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha256}


# --- planning -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What a run will do.

    Attributes:
        rows: one per input video; rows of jobs still to run have ``run == "pending"``.
        jobs: the distinct videos to analyse, in input order.
    """

    rows: tuple[Row, ...]
    jobs: tuple[Job, ...]


def plan(
    videos: Sequence[Path],
    out_dir: Path,
    manifest: Manifest,
    progress: bool = False,
    settings: RunSettings | None = None,
) -> Plan:
    """Hashes every video and decides what is left to do.

    A video is done when the manifest lists its hash as done, with this run's
    settings, and its folder's ``session.json`` loads (and passes the schema);
    anything else, including a video that failed before or was analysed with
    another hand model, view, side or calibration, is analysed again. An entry
    of a version that did not record its settings counts as done. Two files
    with the same content are analysed once.

    Args:
        videos: the videos, in order.
        out_dir: the output folder.
        manifest: what earlier runs did; the hashes of new or changed files are added to it.
        progress: a progress bar over the hashing (hundreds of videos take minutes to read).
        settings: this run's settings (None: the defaults).
    """
    from tqdm import tqdm

    settings = settings or RunSettings()
    rows: list[Row] = []
    jobs: dict[str, Job] = {}
    seen: dict[str, Row] = {}
    for video in tqdm(videos, desc="hashing", unit="video", disable=not progress, leave=False):
        shown = str(video)
        absolute = video.absolute()
        if not video.is_file():
            what = "no such file" if not video.exists() else "not a regular file"
            rows.append(Row(shown, "failed", "failed", what))
            continue
        sha = manifest.cached_hash(absolute)
        if sha is None:
            try:
                sha = file_sha256(video)
            except OSError as exc:
                rows.append(Row(shown, "failed", "failed", f"cannot read ({exc.strerror or exc})"))
                continue
            manifest.remember_hash(absolute, sha)
        if sha in seen:
            first = seen[sha]
            rows.append(replace(first, video=shown, run="duplicate"))
            continue
        entry = manifest.videos.get(sha)
        row = _done_row(entry, sha, out_dir, shown, "skipped") if _same_settings(entry, settings) else None
        if row is None:
            job = Job(absolute, sha, folder_name(video, sha))
            jobs[sha] = job
            row = Row(shown, "pending", "pending", "", sha, job.folder, settings=settings.describe())
        seen[sha] = row
        rows.append(row)
    return Plan(tuple(rows), tuple(jobs.values()))


def earlier_rows(manifest: Manifest, out_dir: Path, rows: Sequence[Row]) -> list[Row]:
    """The videos earlier runs finished into ``out_dir`` that this run's ``rows`` do not list.

    A video whose file is among this run's inputs with other content (it was
    replaced) is left out, as is one whose session no longer loads.
    """
    listed = {r.sha256 for r in rows if r.sha256}
    paths = {r.video for r in rows}
    found = []
    for sha, entry in manifest.videos.items():
        source = entry.get("source") if isinstance(entry, dict) else None
        if sha in listed or not isinstance(source, str) or source in paths:
            continue
        row = _done_row(entry, sha, out_dir, source, "earlier")
        if row is not None:
            found.append(row)
    return sorted(found, key=lambda r: r.video)


def _done_row(entry: object, sha: str, out_dir: Path, video: str, run: str) -> Row | None:
    """The summary row of a video ``entry`` of the manifest says is done, or None.

    None unless the entry is done, its folder is a plain name and the
    ``session.json`` there loads (and passes the schema).
    """
    from coach.session import load_session

    if not isinstance(entry, dict) or entry.get("status") != "done":
        return None
    folder = entry.get("folder")
    if not isinstance(folder, str) or not _plain_name(folder):
        return None
    try:
        session = load_session(out_dir / folder / "session.json")
    except InputError:
        return None
    seconds = entry.get("seconds")
    seconds = float(seconds) if isinstance(seconds, int | float) else 0.0
    recorded = RunSettings.from_json(entry.get("settings"))
    described = recorded.describe() if recorded is not None else ""
    return Row(video, "done", run, "", sha, folder, seconds, Figures.of(session), described)


def _same_settings(entry: object, settings: RunSettings) -> bool:
    """Whether a manifest entry was analysed with ``settings`` (an entry that does not say counts as yes)."""
    recorded = entry.get("settings") if isinstance(entry, dict) else None
    return recorded is None or RunSettings.from_json(recorded) == settings


def _plain_name(folder: str) -> bool:
    """A folder name as :func:`folder_name` makes them: no path, not hidden (batch.json may be edited)."""
    return bool(folder) and Path(folder).name == folder and not folder.startswith(".")


# --- the work of one video (runs in a worker) ---------------------------------------------------


def limit_threads(threads: int | None) -> None:
    """``threads`` threads of OpenCV (and of OpenMP and BLAS libraries loaded later) in this process.

    With one worker per core, libraries that start a thread per core on their own
    make the workers fight over the same cores. None leaves the libraries' defaults.
    """
    if threads is None:
        return
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)
    import cv2

    cv2.setNumThreads(threads)


def _pool_worker_init(threads: int | None) -> None:
    # Ctrl-C reaches the whole process group; the parent stops the workers itself, so
    # they must not each print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit_threads(threads)


def analyse_job(job: Job, out_dir: Path, settings: WorkerSettings) -> Outcome:
    """Analyses one video into ``out_dir/<job.folder>``; never raises for a bad video.

    Writes into a hidden folder first and renames it into place when the session
    and the report are complete.

    Returns:
        The outcome; a failure carries a one-line reason and what failed.
    """
    from coach.recording import analyze_recording

    limit_threads(settings.threads)
    start = time.perf_counter()

    def failed(reason: str, kind: str = VIDEO_FAILED) -> Outcome:
        prefix = f"{job.video}: "
        if reason.startswith(prefix):  # the row names the video already
            reason = reason[len(prefix) :]
        return Outcome(job.sha256, False, one_line(reason), kind, time.perf_counter() - start)

    try:
        work = Path(tempfile.mkdtemp(prefix=f"{PARTIAL_PREFIX}{job.folder}-", dir=out_dir))
    except FileNotFoundError:
        return failed(f"{out_dir}: the output folder is gone", OUTPUT_FAILED)
    except OSError as exc:
        return failed(f"{out_dir}: cannot write in the output folder ({exc.strerror})", OUTPUT_FAILED)
    try:
        os.chmod(work, 0o755)  # mkdtemp makes it private; the video's folder is an ordinary one
        analyze_recording(job.video, work, settings.analysis, progress=False, read_ahead=settings.read_ahead)
        final = out_dir / job.folder
        if final.exists():  # a folder the manifest did not vouch for: replaced
            shutil.rmtree(final)
        os.replace(work, final)
    except ModelError as exc:
        return failed(str(exc), MODEL_FAILED)
    except CoachError as exc:
        return failed(str(exc), VIDEO_FAILED if out_dir.is_dir() else OUTPUT_FAILED)
    except OSError as exc:
        if not out_dir.is_dir():
            return failed(f"{out_dir}: the output folder is gone", OUTPUT_FAILED)
        return failed(f"cannot write its results ({exc.strerror or exc})")
    except Exception as exc:  # a bug, on this video only: reported, the batch goes on
        return failed(f"internal error: {type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Outcome(job.sha256, True, seconds=time.perf_counter() - start)


JobFunction = Callable[[Job, Path, WorkerSettings], Outcome]


# --- running the jobs ---------------------------------------------------------------------------


def run_local(
    jobs: Sequence[Job],
    out_dir: Path,
    settings: WorkerSettings,
    workers: int,
    job_fn: JobFunction = analyse_job,
) -> Iterator[Outcome]:
    """Runs jobs on a pool of ``workers`` processes; yields each outcome as it comes.

    At most ``workers`` jobs are handed to the pool at a time, so when a video
    crashes its worker process (which breaks the whole pool) only the jobs in
    progress are suspects: they are run again one at a time on a fresh pool, and
    only the one that crashes again fails.
    """
    import multiprocessing

    # spawn, not fork: the parent may already run threads (OpenCV, tqdm), and a forked
    # child inherits their locks in whatever state they were.
    context = multiprocessing.get_context("spawn")
    queue = [(job, False) for job in reversed(jobs)]  # (job, suspect); pop() takes the next in order
    idle_pools = 0
    while queue:
        if idle_pools == 2:
            raise CoachError("the worker processes stop before doing any work (see the messages above)")
        idle_pools += 1
        suspects: list[Job] = []
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_pool_worker_init, initargs=(settings.threads,)
        ) as pool:
            running: dict[Future[Outcome], tuple[Job, bool]] = {}
            try:
                broken = False
                while (queue or running) and not broken:
                    # A suspect runs alone, so that a second crash names the culprit.
                    while queue and len(running) < workers and not any(s for _, s in running.values()):
                        job, suspect = queue[-1]
                        if suspect and running:
                            break
                        try:
                            running[pool.submit(job_fn, job, out_dir, settings)] = (job, suspect)
                        except BrokenProcessPool:  # a job in progress crashed its worker just now
                            broken = True
                            break
                        queue.pop()
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    if broken or any(isinstance(f.exception(), BrokenProcessPool) for f in finished):
                        broken = True
                        finished, _ = wait(running)  # the others end too, one way or the other
                    for future in finished:
                        idle_pools = 0
                        job, suspect = running.pop(future)
                        if not isinstance(future.exception(), BrokenProcessPool):
                            yield future.result()
                        elif suspect:
                            yield Outcome(
                                job.sha256, False, "the analysis crashed its worker process (twice)"
                            )
                        else:
                            suspects.append(job)
            except BaseException:
                _stop_workers(pool)
                raise
        queue += [(job, True) for job in reversed(suspects)]


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Ends the pool's worker processes now, rather than after the videos they are on."""
    # The standard library (before Python 3.14) has no public way to end busy workers.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=10)


def import_ray() -> Any:
    """The ``ray`` module (an optional dependency: imported only when ``--ray`` is used).

    Raises:
        InputError: Ray is not installed; says how to install it.
    """
    try:
        import ray
    except ImportError:
        raise InputError(
            "--ray needs Ray, which is not installed: pip install 'footcoach[batch]' (or pip install ray)"
        ) from None
    return ray


@contextmanager
def ray_cluster(address: str, workers: int) -> Iterator[Any]:
    """Ray, connected: ``"local"`` starts a cluster of ``workers`` CPUs here, anything else joins one.

    A Ray already initialised in this process (tests, benchmarks) is used as it
    is and left running; a cluster this function started is stopped at the end.

    Raises:
        InputError: Ray is not installed, the address is malformed, or the cluster cannot be reached.
    """

    ray = import_ray()
    if ray.is_initialized():
        yield ray
        return
    if address not in ("local", "auto"):
        _check_reachable(address)
    with kept_signal_handlers(), _ray_session(ray, address, workers) as session:
        yield session


@contextmanager
def kept_signal_handlers() -> Iterator[None]:
    """Puts back this process's SIGINT and SIGTERM handlers afterwards: Ray leaves its own installed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


@contextmanager
def _ray_session(ray: Any, address: str, workers: int) -> Iterator[Any]:
    import logging

    try:
        if address == "local":
            ray.init(
                num_cpus=workers, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR
            )
        else:
            ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR)
    except (ConnectionError, ValueError, RuntimeError) as exc:
        raise InputError(
            f"cannot start or reach the Ray cluster at {address!r}: {one_line(str(exc), 200)}"
        ) from None
    try:
        yield ray
    finally:
        ray.shutdown()


def _check_reachable(address: str) -> None:
    """Fails fast on a ``HOST:PORT`` nobody answers on (Ray itself retries for minutes)."""
    import socket

    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise InputError(f"--ray {address!r}: expected local, auto, HOST:PORT or ray://HOST:PORT")
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as exc:
        raise InputError(f"cannot reach the Ray cluster at {address!r} ({exc.strerror or exc})") from None


def run_ray(
    jobs: Sequence[Job],
    out_dir: Path,
    settings: WorkerSettings,
    ray: Any,
    job_fn: JobFunction = analyse_job,
) -> Iterator[Outcome]:
    """Runs jobs as Ray remote tasks (one CPU each) on a connected Ray; yields each outcome as it comes.

    Ray places the tasks on the cluster's CPUs; this only hands them over and
    collects the results in the order they end.
    """
    task = ray.remote(num_cpus=1, max_retries=1)(job_fn)
    pending = {task.remote(job, out_dir, settings): job for job in jobs}
    try:
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                job = pending.pop(ref)
                try:
                    yield ray.get(ref)
                except ray.exceptions.RayError as exc:
                    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                    yield Outcome(
                        job.sha256, False, one_line(f"the Ray task failed: {type(exc).__name__} {first}")
                    )
    except BaseException:
        for ref in pending:
            ray.cancel(ref, force=True)
        raise


# --- the batch ----------------------------------------------------------------------------------


@contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """One batch at a time per output folder (they would overwrite each other's manifest)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    try:
        handle = open(out_dir / ".batch.lock", "a")  # noqa: SIM115 - held for the whole batch
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot write in the output folder ({exc.strerror})") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(f"{out_dir}: another coach batch is writing to this folder") from None
        yield
    finally:
        handle.close()


def _prepare_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot create the output folder ({exc.strerror})") from None


def _clear_partials(out_dir: Path) -> None:
    """Removes the hidden work folders of jobs that an earlier, stopped run left behind."""
    for stale in out_dir.glob(f"{PARTIAL_PREFIX}*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)


def _gone(out_dir: Path, done: int, detail: str) -> InputError:
    return InputError(
        f"{out_dir}: the output folder disappeared or cannot be written any more ({detail}); "
        f"the batch stopped after {done} video{'' if done == 1 else 's'}"
    )


def _finished_row(row: Row, outcome: Outcome, out_dir: Path, analysed: int) -> Row:
    """A pending row completed with its job's outcome; the session written is read back to check it.

    Raises:
        ModelError, InputError: the outcome says the batch cannot go on.
    """
    from coach.session import load_session

    if outcome.kind == MODEL_FAILED:
        raise ModelError(outcome.reason)
    if outcome.kind == OUTPUT_FAILED:
        raise _gone(out_dir, analysed, outcome.reason)
    if outcome.ok:
        try:
            session = load_session(out_dir / row.folder / "session.json")
        except InputError as exc:
            if not out_dir.is_dir():
                raise _gone(out_dir, analysed, "no such folder") from None
            outcome = replace(outcome, ok=False, reason=f"wrote an unreadable session: {exc}")
        else:
            figures = Figures.of(session)
            return replace(row, status="done", run="analysed", seconds=outcome.seconds, figures=figures)
    return replace(
        row, status="failed", run="failed", reason=outcome.reason, folder="", seconds=outcome.seconds
    )


def run_batch(
    inputs: Iterable[Path],
    out_dir: Path,
    config: BatchConfig | None = None,
    on_row: Callable[[Row], None] | None = None,
    job_fn: JobFunction = analyse_job,
) -> BatchResult:
    """Analyses every video under ``inputs`` into ``out_dir`` and writes the summary.

    Args:
        inputs: video files and folders of videos.
        out_dir: the output folder (created if missing): one folder per video,
            ``batch.json``, ``summary.csv`` and ``summary.html``.
        config: workers, Ray, the analysis settings.
        on_row: called with each video's row as soon as its analysis ends (this run's only).
        job_fn: the work of one video (a module-level function, so that workers can import it).

    Returns:
        The rows; its ``exit_code`` is 0 when every video is done and 1 when any failed.

    Raises:
        InputError: a missing input path, a folder without videos, an output folder
            that cannot be written or that disappears during the batch, or (with Ray)
            Ray missing or unreachable.
        ModelError: the hand model cannot be loaded.
    """
    config = config or BatchConfig()
    out_dir = Path(out_dir).absolute()
    videos = find_videos(inputs, out_dir)
    with ExitStack() as stack:
        ray = None
        if config.ray_address is not None:  # before anything is written
            ray = stack.enter_context(ray_cluster(config.ray_address, config.workers))
        _prepare_out_dir(out_dir)
        stack.enter_context(_locked(out_dir))
        return _run(videos, out_dir, config, ray, on_row, job_fn)


def _run(
    videos: Sequence[Path],
    out_dir: Path,
    config: BatchConfig,
    ray: Any,
    on_row: Callable[[Row], None] | None,
    job_fn: JobFunction,
) -> BatchResult:
    """The batch in a usable, locked output folder (see :func:`run_batch`)."""
    import sys

    from tqdm import tqdm

    from coach.session import write_text_atomic

    manifest_path = out_dir / MANIFEST_NAME
    _clear_partials(out_dir)
    manifest = Manifest.load(manifest_path)
    progress = sys.stderr.isatty() if config.progress is None else config.progress
    run_settings = RunSettings.of(config.analysis)
    the_plan = plan(videos, out_dir, manifest, progress, run_settings)
    write_text_atomic(manifest_path, manifest.to_json())  # the file hashes, and: can we write here?
    pending = {r.sha256: r for r in the_plan.rows if r.run == "pending"}
    finished: dict[str, Row] = {}
    read_ahead = config.read_ahead
    if read_ahead is None:
        read_ahead = config.ray_address in (None, "local") and config.workers < default_workers()
    settings = WorkerSettings(config.analysis, config.threads, read_ahead)
    if ray is None:
        outcomes = run_local(the_plan.jobs, out_dir, settings, config.workers, job_fn)
    else:
        outcomes = run_ray(the_plan.jobs, out_dir, settings, ray, job_fn)
    start = time.perf_counter()
    analysed = 0
    try:
        with tqdm(total=len(the_plan.jobs), unit="video", disable=not progress, leave=False) as bar:
            for outcome in outcomes:
                row = _finished_row(pending[outcome.sha256], outcome, out_dir, analysed)
                analysed += row.run == "analysed"
                finished[outcome.sha256] = row
                manifest.videos[outcome.sha256] = {
                    "folder": row.folder,
                    "status": row.status,
                    "source": row.video,
                    "reason": row.reason,
                    "seconds": round(row.seconds, 2),
                    "settings": run_settings.to_json(),
                }
                try:
                    write_text_atomic(manifest_path, manifest.to_json())
                except InputError as exc:
                    raise _gone(out_dir, analysed, str(exc)) from None
                bar.update(1)
                if on_row is not None:
                    on_row(row)
    except BaseException:
        outcomes.close()  # stops the workers now
        _clear_partials(out_dir)  # what the stopped workers left
        raise
    seconds = time.perf_counter() - start
    rows = []
    for row in the_plan.rows:
        if row.run in ("pending", "duplicate") and row.sha256 in finished:
            done = finished[row.sha256]
            run = "failed" if not done.done else "duplicate" if row.run == "duplicate" else done.run
            row = replace(done, video=row.video, run=run)
        rows.append(row)
    rows.extend(earlier_rows(manifest, out_dir, rows))
    result = BatchResult(tuple(rows), out_dir, analysed, seconds)
    try:
        write_summary(result)
    except InputError:
        if not out_dir.is_dir():
            raise _gone(out_dir, analysed, "no such folder") from None
        raise
    return result


# --- the summary --------------------------------------------------------------------------------

CSV_COLUMNS: tuple[str, ...] = (
    "video",
    "status",
    "run",
    "reason",
    "folder",
    "report",
    "sha256",
    "duration_s",
    "active_s",
    "foot_found",
    "strokes",
    *(f"{t}_strokes" for t in STROKE_TYPES),
    *(f"{z}_share" for z in ZONES),
    "analysis_s",
    "settings",
)


def _cell(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula (a file name may start with ``=``)."""
    return "'" + text if text.startswith(_SPREADSHEET_FORMULA) else text


def summary_csv(result: BatchResult) -> str:
    """``summary.csv``: one row per video, the columns of :data:`CSV_COLUMNS`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in result.rows:
        f = r.figures
        figures: list[Any] = [""] * (4 + len(STROKE_TYPES) + len(ZONES))
        if f is not None:
            figures = [
                f"{f.duration_s:.2f}",
                f"{f.active_s:.2f}",
                "yes" if f.foot_found else "no",
                sum(f.strokes),
                *f.strokes,
                *(f"{s:.3f}" for s in f.zone_shares),
            ]
        report = f"{r.folder}/report.html" if r.done else ""
        text = [_cell(r.video), r.status, r.run, _cell(r.reason), r.folder, report, r.sha256]
        writer.writerow([*text, *figures, f"{r.seconds:.1f}", r.settings])
    return out.getvalue()


def _common_folder(videos: Sequence[str]) -> str:
    """The folder all the videos are in (so the page can show the rest of each path), or ""."""
    try:
        return os.path.commonpath([os.path.dirname(v) for v in videos]) if videos else ""
    except ValueError:  # absolute and relative paths mixed
        return ""


def summary_context(result: BatchResult) -> dict[str, Any]:
    """Everything ``batch.html.j2`` shows, as plain data."""
    base = _common_folder([r.video for r in result.rows])
    rows = []
    for i, r in enumerate(result.rows, 1):
        f = r.figures
        rows.append(
            {
                "number": i,
                "video": r.video,
                "shown": os.path.relpath(r.video, base) if base else r.video,
                "status": r.status,
                "run": r.run,
                "reason": r.reason,
                "href": f"{quote(r.folder)}/report.html" if r.done else None,
                "figures": f,
                "strokes": sum(f.strokes) if f else 0,
                "seconds": r.seconds,
                "settings": r.settings,
            }
        )
    done = [r for r in result.rows if r.figures is not None and r.run != "duplicate"]
    kinds = {r.settings for r in result.rows if r.done}
    return {
        "settings": next(iter(kinds)) if len(kinds) == 1 else "",
        "mixed_settings": len(kinds) > 1,
        "base": base,
        "count": len(result.rows),
        "done": sum(r.done for r in result.rows),
        "failed": result.failed,
        "analysed": result.analysed,
        "skipped": result.skipped + result.earlier,
        "total_duration_s": sum(r.figures.duration_s for r in done if r.figures),
        "total_active_s": sum(r.figures.active_s for r in done if r.figures),
        "zones": [z.replace("_", " ").capitalize() for z in ZONES],
        "types": [t.replace("_", " ") for t in STROKE_TYPES],
        "rows": rows,
    }


def summary_html(result: BatchResult) -> str:
    """``summary.html``: the same rows as the CSV, as one self-contained page with no scripts."""
    from coach.report import environment

    return environment().get_template("batch.html.j2").render(summary_context(result))


def write_summary(result: BatchResult) -> None:
    """Writes ``summary.csv`` and ``summary.html`` atomically."""
    from coach.session import write_text_atomic

    write_text_atomic(result.csv_path, summary_csv(result))
    write_text_atomic(result.html_path, summary_html(result))


def default_workers() -> int:
    """The CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
