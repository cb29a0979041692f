"""A verifiable ballot end to end, timed stage by stage (issue 12, item 10).

    .venv/bin/python bench/verifiable.py --ballots 100000 --candidates 20 --trustees 3
    .venv/bin/python bench/verifiable.py --quick            # 200 ballots, a smoke test

One ranked question (``--candidates`` candidates, ``--seats`` seats, Meek STV), ``--trustees``
trustees with threshold ``--threshold`` (default a majority: 2 of 3). Stages, each printed as
soon as it is measured (wall seconds and CPU seconds of this process and its workers; the
machine's load average is printed too, since the two cores are shared):

1. setup: the trustees' key generation (moot.verify.vsim.run_dkg), one credential per voter,
   election.json (moot.verify.vballot.parse_election checks it);
2. encrypt: booth-crypto.js in headless Chromium (Debian's /usr/bin/chromium through
   Playwright) on this election.json, the page and the static files served by a local
   http.server on 127.0.0.1 (no other network): the voter's whole work per ballot (the election
   loaded and checked, the ranking packed, encrypted, proved, signed, the tracker), one
   warm-up then ``--encrypt-samples`` ballots of the first voters; median ms. These browser
   ballots are verified in Python and go on the board as those voters' ballots;
3. generate: the other voters' ballots by moot.verify.vsim.cast (Python, the same format) in
   ``--workers`` processes, cached under ``--cache`` keyed by every parameter (with the keys
   and credentials they were made with); the output says whether they were made or read;
4. accept: what the cast API does before it touches the database, per ballot
   (moot.verifiable.actions.casting.check_cast = vballot.verify_ballot, which holds the
   credential-set check, + vballot.tracker; then board.append's pure work: vboard.make_entry,
   entry_bytes, entry_hash). The database's part (row locks, the INSERT, the audit event) is
   NOT measured here: the function takes a Django Election row. Every ballot is accepted
   (``--workers`` processes verify, this process chains); median and p95 ms per ballot, the
   total of the per-ballot times, the wall time;
5. mix: each trustee re-encrypts and shuffles the rows with a proof (moot.verify.shuffle),
   seconds per trustee (one core each: the prover has no workers);
6. decrypt: ``threshold`` trustees' decryption shares with Chaum–Pedersen proofs for every
   row, then the combination, the discrete logarithms, the rankings' decoding and the count
   (moot.verify.vtally.result_payload), seconds;
7. record: board.jsonl, the count's files and the manifest signed by a fresh Ed25519 key
   (moot.verify.vrecord_write), zipped;
8. verify: moot.verify.vrecord.verify_record on the zip with the key, ``--workers`` processes,
   in a fresh process (so its peak memory is its own: ru_maxrss of it and of its workers);
9. result: the count of the plaintext rankings as the voters gave them (moot.verify.vresult
   on the votes, no cryptography) must give the very BLT, report files and elected that the
   decrypted, mixed ballots gave, and the verifier must pass: result_matches=1, else 0.

The last line is
    ballots=<n> encrypt_ms=<n> accept_ms=<n> mix_s=<n> decrypt_s=<n> verify_s=<n>
    result_matches=<0|1>
(one line; mix_s is the mean per trustee, decrypt_s the whole decryption stage). Exit 1 when
the result does not match or the record does not verify; 2 when Chromium is missing.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.server
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
STATIC = REPO / "src" / "moot" / "ballots" / "static"
MODULE = "/static/ballots/booth-crypto.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
CACHE_FORMAT = "bench-verifiable/1"
QUICK_BALLOTS = 200
TARGET_ENCRYPT_MS = 1000
TARGET_ACCEPT_MS = 10
TARGET_VERIFY_100K_S = 12 * 60

_STATE: dict[str, Any] = {}


def say(text: str) -> None:
    print(text, flush=True)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} on {os.cpu_count()} cores"


@contextlib.contextmanager
def timed() -> Iterator[dict[str, float]]:
    """Wall and CPU seconds of the block: this process and its reaped children."""
    out: dict[str, float] = {}
    wall, cpu = time.perf_counter(), time.process_time()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    yield out
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["wall"] = time.perf_counter() - wall
    out["cpu"] = (
        time.process_time()
        - cpu
        + (after.ru_utime - kids.ru_utime)
        + (after.ru_stime - kids.ru_stime)
    )


def pool(workers: int, initializer: Any, initargs: tuple[Any, ...]) -> Any:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return context.Pool(workers, initializer, initargs)


# -- 1. setup ------------------------------------------------------------------------------------
@dataclass
class Setup:
    election: dict[str, Any]
    counting: dict[str, Any]
    transcript: dict[str, Any]
    shares: dict[int, int]
    credentials: list[str]
    listed: list[str]
    question: dict[str, Any]


def ranked_question(candidates: int, seats: int) -> dict[str, Any]:
    return {
        "type": "ranked",
        "text": "Rank the candidates for the national executive",
        "candidates": [f"Candidate {k:02d}" for k in range(1, candidates + 1)],
        "seats": seats,
        "pack": 4,
    }


def make_setup(args: argparse.Namespace) -> Setup:
    import uuid as uuid_module

    from moot.verify import group
    from moot.verify.vballot import (
        credential_list,
        credentials_sha256,
        new_credential,
        public_credential,
    )
    from moot.verify.vsim import run_dkg

    uuid = str(uuid_module.uuid4())
    names = [f"Trustee {k}" for k in range(1, args.trustees + 1)]
    transcript, trustees, joint, keys = run_dkg(uuid, names, args.threshold)
    credentials = [new_credential() for _ in range(args.ballots)]
    listed = credential_list([public_credential(uuid, c) for c in credentials])
    question = ranked_question(args.candidates, args.seats)
    election = {
        "version": group.VERSION,
        "group": group.GROUP_NAME,
        "uuid": uuid,
        "ballot": {"id": 1, "title": "National executive (bench)"},
        "questions": [question],
        "public_key": joint.hex(),
        "threshold": args.threshold,
        "trustees": [
            {"index": t.index, "name": t.name, "verification_key": key.hex()}
            for t, key in zip(trustees, keys, strict=True)
        ],
        "credentials_sha256": credentials_sha256(listed),
        "revote": False,
    }
    return Setup(
        election,
        {"0": {"method": args.method}},
        transcript,
        {t.index: t.share for t in trustees},
        credentials,
        listed,
        question,
    )


def cache_key(args: argparse.Namespace) -> str:
    text = (
        f"{CACHE_FORMAT}|ballots={args.ballots}|candidates={args.candidates}|seats={args.seats}"
        f"|trustees={args.trustees}|threshold={args.threshold}|method={args.method}"
        f"|seed={args.seed}"
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def save_setup(path: Path, setup: Setup) -> None:
    data = {
        "election": setup.election,
        "counting": setup.counting,
        "transcript": setup.transcript,
        "shares": {str(j): f"{s:064x}" for j, s in setup.shares.items()},
        "credentials": setup.credentials,
        "listed": setup.listed,
    }
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data))
    temporary.replace(path)


def read_setup(path: Path) -> Setup:
    data = json.loads(path.read_text())
    return Setup(
        data["election"],
        data["counting"],
        data["transcript"],
        {int(j): int(s, 16) for j, s in data["shares"].items()},
        data["credentials"],
        data["listed"],
        data["election"]["questions"][0],
    )


# -- 2. encrypt in Chromium ----------------------------------------------------------------------
PAGE = b'<!doctype html><html lang="en"><title>booth bench</title></html>'


class StaticHandler(http.server.BaseHTTPRequestHandler):
    """``/``: an empty page; ``/static/...``: the source tree's static files, under the site's
    script policy (``script-src 'self'``)."""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/":
            self._send(200, "text/html; charset=utf-8", PAGE)
            return
        target = (STATIC / path.removeprefix("/static/")).resolve()
        if path.startswith("/static/") and target.is_relative_to(STATIC) and target.is_file():
            self._send(200, "text/javascript; charset=utf-8", target.read_bytes())
        else:
            self._send(404, "text/plain", b"not found")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", "default-src 'none'; script-src 'self'")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


ENCRYPT = """([election, items]) => {
  const run = (credential, selections) => {
    const start = performance.now();
    const made = booth.encryptBallot(booth.loadElection(election), credential, selections);
    const signed = made.sign();  // the booth signs at the cast (the ballot cast is signed)
    const ms = performance.now() - start;
    return [ms, new TextDecoder().decode(booth.canonical(signed)), made.tracker];
  };
  run(items[0][0], items[0][1]);  // warm-up (the JIT), not counted
  return items.map(([credential, selections]) => run(credential, selections));
}"""


def browser_encrypt(
    setup: Setup, selections: Sequence[list[list[int]]]
) -> tuple[list[float], list[dict[str, Any]], str]:
    """Encrypt the first voters' ballots in Chromium: (ms per ballot, ballots, version)."""
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StaticHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = chromium.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(f"{origin}/")
                page.evaluate(
                    f"async () => {{ window.booth = await import({json.dumps(MODULE)}); }}"
                )
                items = [[setup.credentials[v], s] for v, s in enumerate(selections)]
                made = page.evaluate(ENCRYPT, [setup.election, items])
                if errors:
                    raise RuntimeError(f"errors in the page: {errors}")
                version = chromium.version
            finally:
                chromium.close()
    finally:
        server.shutdown()
        server.server_close()
    ballots = [json.loads(text) for _, text, _ in made]
    from moot.verify.vballot import tracker

    for (_, _, reported), ballot in zip(made, ballots, strict=True):
        if tracker(ballot) != reported:
            raise RuntimeError("the browser's tracker is not the ballot's SHA-256")
    return [ms for ms, _, _ in made], ballots, version


# -- 3. generate ---------------------------------------------------------------------------------
def _init_generate(election: dict[str, Any], credentials: list[str]) -> None:
    from moot.verify.vballot import parse_election

    _STATE["parsed"] = parse_election(election)
    _STATE["credentials"] = credentials


def _generate(task: tuple[int, list[list[list[int]]]]) -> list[bytes]:
    from moot.verify.vcommon import canonical
    from moot.verify.vsim import Vote, cast

    start, selections = task
    return [
        canonical(cast(_STATE["parsed"], _STATE["credentials"][start + k], Vote(start + k, s)))
        for k, s in enumerate(selections)
    ]


def chunks(items: Sequence[Any], size: int) -> list[tuple[int, list[Any]]]:
    return [(k, list(items[k : k + size])) for k in range(0, len(items), size)]


def generate(
    setup: Setup, selections: Sequence[list[list[int]]], first: int, workers: int, path: Path
) -> None:
    """Ballots of voters ``first``.. into ``path`` (one canonical ballot a line)."""
    tasks = [(first + k, part) for k, part in chunks(selections[first:], 500)]
    temporary = path.with_suffix(".tmp")
    with temporary.open("wb") as out:
        if workers <= 1:
            _init_generate(setup.election, setup.credentials)
            results: Iterator[list[bytes]] = map(_generate, tasks)
            for lines in results:
                out.writelines(line + b"\n" for line in lines)
        else:
            with pool(workers, _init_generate, (setup.election, setup.credentials)) as workers_:
                for lines in workers_.imap(_generate, tasks):
                    out.writelines(line + b"\n" for line in lines)
    temporary.replace(path)


# -- 4. accept -----------------------------------------------------------------------------------
def _init_accept(election: dict[str, Any], listed: list[str]) -> None:
    from moot.verify.vballot import parse_election

    _STATE["parsed"] = parse_election(election)
    _STATE["listed"] = frozenset(listed)


def _accept(task: tuple[int, list[dict[str, Any]]]) -> list[tuple[float, str]]:
    """check_cast's work per ballot: (seconds, tracker)."""
    from moot.verify.vballot import tracker, verify_ballot

    out = []
    for ballot in task[1]:
        start = time.perf_counter()
        verify_ballot(_STATE["parsed"], ballot, _STATE["listed"])
        digest = tracker(ballot)
        out.append((time.perf_counter() - start, digest))
    return out


def accept(
    setup: Setup, ballots: Sequence[dict[str, Any]], entries: list[dict[str, Any]], workers: int
) -> list[float]:
    """Accept every ballot onto ``entries``; the per-ballot milliseconds (check + append)."""
    from moot.verify.vboard import BALLOT, entry_bytes, entry_hash, head, make_entry

    tasks = chunks(ballots, 500)
    if workers <= 1:
        _init_accept(setup.election, setup.listed)
        checked = [r for t in tasks for r in _accept(t)]
    else:
        with pool(workers, _init_accept, (setup.election, setup.listed)) as workers_:
            checked = [r for part in workers_.imap(_accept, tasks) for r in part]
    parent = head(entries)
    times = []
    for (seconds, _), ballot in zip(checked, ballots, strict=True):
        start = time.perf_counter()
        entry = make_entry(len(entries), parent, BALLOT, ballot)
        entry_bytes(entry).decode("utf-8")  # the row's body
        parent = entry_hash(entry)
        entries.append(entry)
        times.append((seconds + time.perf_counter() - start) * 1000)
    return times


# -- 5-7. close, mix, decrypt, record --------------------------------------------------------------
def close_and_sum(setup: Setup, entries: list[dict[str, Any]], ballots: list[Any]) -> None:
    from moot.verify.vboard import CLOSE, TALLY, append, head
    from moot.verify.vrecord_checks import homomorphic_sums, sums_json

    close = {
        "ballots": len(ballots),
        "counted": len(ballots),
        "head": head(entries),
        "superseded": [],
        "voters_online": len(ballots),  # one ballot per voter: no re-votes here
    }
    append(entries, CLOSE, close)
    append(entries, TALLY, sums_json(homomorphic_sums(setup.election, ballots)))


def mix(
    setup: Setup, entries: list[dict[str, Any]], ballots: list[Any]
) -> tuple[Any, list[tuple[float, float]]]:
    """Each trustee's shuffle in turn: the last outputs and (wall, cpu) seconds per trustee."""
    from moot.verify.group import Point
    from moot.verify.shuffle import rows_digest, shuffle
    from moot.verify.vboard import SHUFFLE, append
    from moot.verify.vtally import ranked_rows

    key = Point.decode(setup.election["public_key"])
    from moot.verify.vballot import parse_election

    ctx = parse_election(setup.election).ctx
    rows = ranked_rows(setup.election, 0, ballots)
    seconds = []
    for mixer in sorted(setup.shares):
        with timed() as took:
            outputs, proof = shuffle(key, rows, ctx, mixer)
            payload = {
                "question": 0,
                "mixer": mixer,
                "inputs_digest": rows_digest(rows).hex(),
                "outputs": [[ct.to_json() for ct in row] for row in outputs],
                "proof": proof.to_json(),
            }
        append(entries, SHUFFLE, payload)
        seconds.append((took["wall"], took["cpu"]))
        say(
            f"mix: trustee {mixer} shuffled {len(rows):,} rows × {len(rows[0]) if rows else 0} "
            f"with a proof in {took['wall']:.1f} s (cpu {took['cpu']:.1f} s; {load()})"
        )
        rows = outputs
    return rows, seconds


def decrypt(
    setup: Setup, entries: list[dict[str, Any]], finals: Any, threshold: int
) -> tuple[dict[str, Any], dict[str, bytes]]:
    from moot.verify.vballot import parse_election
    from moot.verify.vboard import DECRYPTION, RESULT, append
    from moot.verify.vproofs import make_decryption_share
    from moot.verify.vtally import decryption_payload, result_payload

    ctx = parse_election(setup.election).ctx
    factors: dict[int, dict[int, list[list[Any]]]] = {}
    for j in sorted(setup.shares)[:threshold]:
        with timed() as took:
            shares = [
                [make_decryption_share(setup.shares[j], j, ct, ctx=ctx) for ct in row]
                for row in finals
            ]
            append(entries, DECRYPTION, decryption_payload(j, {}, {0: shares}))
        factors[j] = {0: [[s.factor for s in row] for row in shares]}
        say(
            f"decrypt: trustee {j}'s {len(finals) * len(finals[0]):,} shares with proofs in "
            f"{took['wall']:.1f} s (cpu {took['cpu']:.1f} s)"
        )
    with timed() as took:
        payload, made = result_payload(
            setup.election, setup.counting, {}, {0: finals}, {}, factors, len(finals)
        )
        append(entries, RESULT, payload)
    say(
        f"decrypt: combined, discrete logarithms (a table of "
        f"{(len(setup.question['candidates']) + 1) ** setup.question['pack']:,} points), decoded "
        f"and counted in "
        f"{took['wall']:.1f} s (cpu {took['cpu']:.1f} s)"
    )
    return payload, made


# -- 8. verify -----------------------------------------------------------------------------------
VERIFY = """
import json, resource, sys, time
from moot.verify.vrecord import verify_record
start, cpu = time.perf_counter(), time.process_time()
report = verify_record(sys.argv[1], public_key=bytes.fromhex(sys.argv[2]), workers=int(sys.argv[3]))
wall = time.perf_counter() - start
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "wall": wall,
    "cpu": time.process_time() - cpu + kids.ru_utime + kids.ru_stime,
    "ok": report.holds, "lines": report.lines(), "elected": report.elected,
    "rss_kb": me.ru_maxrss, "workers_rss_kb": kids.ru_maxrss,
}))
"""


def verify(path: Path, public_key: bytes, workers: int) -> dict[str, Any]:
    """verify_record in a fresh process (its own peak memory)."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    done = subprocess.run(
        [sys.executable, "-c", VERIFY, str(path), public_key.hex(), str(workers)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the verifier's process failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- 9. the result from the plaintexts -----------------------------------------------------------
def plaintext_result(
    setup: Setup, selections: Sequence[list[list[int]]]
) -> tuple[dict[str, bytes], list[str]]:
    """The count of the votes as the voters gave them, no cryptography involved."""
    from moot.verify.vresult import count_files, ranking_of

    rankings = [ranking_of(s[0]) for s in selections]
    return count_files(
        0, setup.question, setup.counting["0"], setup.election["ballot"]["title"], rankings
    )


# -- main ----------------------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=None, help="default 100,000 (--quick 200)")
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--seats", type=int, default=5)
    parser.add_argument("--trustees", type=int, default=3)
    parser.add_argument("--threshold", type=int, default=None, help="default a majority")
    parser.add_argument("--method", default="meek")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_BALLOTS} ballots")
    parser.add_argument("--encrypt-samples", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--cache", default=str(Path(tempfile.gettempdir()) / "moot-bench-verifiable")
    )
    parser.add_argument("--no-cache", action="store_true", help="make the ballots afresh")
    args = parser.parse_args(argv)
    if args.ballots is None:
        args.ballots = QUICK_BALLOTS if args.quick else 100_000
    if args.threshold is None:
        args.threshold = args.trustees // 2 + 1
    if not 1 <= args.threshold <= args.trustees:
        parser.error("the threshold is between 1 and the number of trustees")
    if args.ballots < 2 or args.candidates < 2:
        parser.error("at least 2 ballots and 2 candidates")
    args.encrypt_samples = max(1, min(args.encrypt_samples, args.ballots))
    return args


def prepare(
    args: argparse.Namespace, selections: Sequence[list[list[int]]]
) -> tuple[Setup, list[dict[str, Any]]]:
    """The election and every voter's ballot, made (and cached) or read from the cache."""
    folder = Path(args.cache) / cache_key(args)
    setup_file, ballots_file = folder / "setup.json", folder / "ballots.jsonl"
    if not args.no_cache and setup_file.exists() and ballots_file.exists():
        with timed() as took:
            setup = read_setup(setup_file)
            ballots = [json.loads(line) for line in ballots_file.open("rb")]
        say(
            f"generate: {len(ballots):,} ballots READ FROM THE CACHE {ballots_file} (made by an "
            f"earlier run with these parameters) in {took['wall']:.1f} s"
        )
        return setup, ballots
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # the trustees' shares are in it
    with timed() as took:
        setup = make_setup(args)
    say(
        f"setup: {args.trustees} trustees' key generation (threshold {args.threshold}) and "
        f"{args.ballots:,} credentials in {took['wall']:.1f} s"
    )
    save_setup(setup_file, setup)
    with timed() as took:
        generate(setup, selections, 0, args.workers, ballots_file)
    say(
        f"generate: {args.ballots:,} ballots MADE by vsim.cast in {args.workers} process(es) in "
        f"{took['wall']:.1f} s ({took['wall'] / args.ballots * 1000:.2f} ms wall, "
        f"{took['cpu'] / args.ballots * 1000:.2f} ms cpu per ballot; {load()}), cached at "
        f"{ballots_file}"
    )
    ballots = [json.loads(line) for line in ballots_file.open("rb")]
    return setup, ballots


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from moot.verify.vballot import parse_election, verify_ballot
    from moot.verify.vboard import CREDENTIALS, SETUP, append
    from moot.verify.vrecord_write import record_files, write_record
    from moot.verify.vsim import random_votes

    n = args.ballots
    say(
        f"bench/verifiable.py: {n:,} ballots, one ranked question of {args.candidates} "
        f"candidates ({args.seats} seats, {args.method}), {args.trustees} trustees (threshold "
        f"{args.threshold}), {args.workers} worker(s); Python {sys.version.split()[0]}; {load()}"
    )
    if not Path(CHROMIUM).exists():
        say(f"{CHROMIUM} is missing: apt-get install -y chromium")
        return 2
    question = ranked_question(args.candidates, args.seats)
    selections = [v.selections for v in random_votes([question], n, seed=args.seed)]
    setup, ballots = prepare(args, selections)
    parsed = parse_election(setup.election)

    samples = args.encrypt_samples
    times, made, version = browser_encrypt(setup, selections[:samples])
    for ballot in made:
        verify_ballot(parsed, ballot, setup.listed)
    ballots[:samples] = made
    encrypt_ms = statistics.median(times)
    say(
        f"encrypt: {samples} ranked ballots of {args.candidates} candidates in headless Chromium "
        f"{version}: median {encrypt_ms:.1f} ms, max {max(times):.1f} ms per ballot (the "
        f"election loaded and checked each time; {load()}); each verified and cast as its "
        f"voter's ballot (target ≤ {TARGET_ENCRYPT_MS} ms)"
    )

    entries: list[dict[str, Any]] = []
    append(entries, SETUP, {"election": setup.election, "counting": setup.counting,
                            "dkg": setup.transcript})  # fmt: skip
    append(entries, CREDENTIALS, {"credentials": setup.listed})
    with timed() as took_accept:
        accepted = accept(setup, ballots, entries, args.workers)
    took = took_accept
    accept_ms = statistics.median(accepted)
    p95 = statistics.quantiles(accepted, n=20)[-1] if len(accepted) > 1 else accepted[0]
    say(
        f"accept: {n:,} ballots, verify_ballot + credential set + tracker + the board entry's "
        f"hashing (no database): median {accept_ms:.2f} ms, p95 {p95:.2f} ms per ballot, "
        f"{sum(accepted) / 1000:.1f} s in total of per-ballot time; {took['wall']:.1f} s wall "
        f"in {args.workers} process(es), cpu {took['cpu']:.1f} s (target ≤ {TARGET_ACCEPT_MS} ms)"
    )

    close_and_sum(setup, entries, ballots)
    finals, mixes = mix(setup, entries, ballots)
    mix_s = statistics.mean(wall for wall, _ in mixes)
    mix_cpu = statistics.mean(cpu for _, cpu in mixes)
    accept_cpu = took_accept["cpu"] / n * 1000
    del ballots
    with timed() as took:
        payload, result_files = decrypt(setup, entries, finals, args.threshold)
    decrypt_s, decrypt_cpu = took["wall"], took["cpu"]
    say(f"decrypt: {args.threshold} trustees and the result in {decrypt_s:.1f} s in all")

    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    record = Path(args.cache) / f"record-{cache_key(args)}.zip"
    with timed() as took:
        write_record(record, record_files(setup.election, entries, result_files, signing_key=key))
    say(
        f"record: {len(entries):,} board entries, {record.stat().st_size / 1e6:.1f} MB zipped "
        f"({record.stat().st_size / n / 1000:.1f} KB per ballot) at {record}, written in "
        f"{took['wall']:.1f} s"
    )
    del entries, finals

    checked = verify(record, raw, args.workers)
    verify_s = checked["wall"]
    for line in checked["lines"]:
        say(f"verify:   {line}")
    peak = max(checked["rss_kb"], checked["workers_rss_kb"]) / 1024
    say(
        f"verify: the whole record in {verify_s:.1f} s wall with {args.workers} workers "
        f"({verify_s / n * 1000:.2f} ms per ballot; cpu {checked['cpu']:.1f} s = "
        f"{checked['cpu'] / n * 1000:.2f} ms per ballot), peak memory {peak:.0f} MB (verifier "
        f"{checked['rss_kb'] / 1024:.0f} MB, largest worker {checked['workers_rss_kb'] / 1024:.0f}"
        f" MB); {load()}"
    )

    expected_files, elected = plaintext_result(setup, selections)
    ranked = payload["questions"][0]
    matches = (
        checked["ok"]
        and expected_files == result_files
        and ranked["elected"] == elected
        and checked["elected"] == {"0": elected}
        and ranked["valid"] == n
        and not ranked["invalid"]
    )
    say(
        f"result: elected {', '.join(elected)} from the plaintexts; the decrypted mixed ballots "
        f"give {'the same BLT, report and elected' if matches else 'SOMETHING ELSE'}; the "
        f"record {'verifies' if checked['ok'] else 'does NOT verify'}"
    )
    say(
        f"cpu (seconds of processor time of the stage, all its processes; the wall figures "
        f"above and below include waiting for the shared cores): accept_ms={accept_cpu:.2f} "
        f"mix_s={mix_cpu:.1f} decrypt_s={decrypt_cpu:.1f} verify_s={checked['cpu']:.1f}"
    )
    say(
        f"ballots={n} encrypt_ms={encrypt_ms:.1f} accept_ms={accept_ms:.2f} mix_s={mix_s:.1f} "
        f"decrypt_s={decrypt_s:.1f} verify_s={verify_s:.1f} result_matches={int(matches)}"
    )
    return 0 if matches else 1


if __name__ == "__main__":
    sys.exit(main())
