"""``moot trustee init|step|status`` and ``moot credentials generate|upload|send``.

Exit status: 0 done (or waiting for others), 1 stopped (the server's data does not verify, the
server refused, a file is wrong: the message says what), 2 bad usage."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from moot.trustee import credentials as creds
from moot.trustee import dkg
from moot.trustee.ceremony import CeremonyError, Step
from moot.trustee.client import Api, ClientError, HttpTransport, Transport, check_server_url
from moot.trustee.state import (
    StateError,
    TrusteeDir,
    make_private_dir,
    read_json,
    write_json,
    write_private,
)

# Tests drive the commands against Django's test client through this seam; None = real HTTP.
TRANSPORT_FACTORY: Any = None


def _transport(server: str, token: str) -> Transport:
    if TRANSPORT_FACTORY is not None:
        return TRANSPORT_FACTORY(server, token)  # type: ignore[no-any-return]
    return HttpTransport(check_server_url(server), token)


def _token(value: str) -> str:
    if value == "-":
        value = sys.stdin.readline()
    elif not value:
        value = os.environ.get("MOOT_TOKEN", "")
    value = value.strip()
    if not value:
        raise ClientError("give --token TOKEN (or --token - to read it from standard input)")
    return value


# --- moot trustee -----------------------------------------------------------------------------
def trustee_init(args: argparse.Namespace) -> int:
    directory = Path(args.dir)
    token = _token(args.token)
    server = check_server_url(args.server)
    fresh = not (directory / "state.json").exists()
    if not fresh:
        state, secrets, _ = TrusteeDir(directory).load()
        if (state["server"], state["ballot"]) != (server, args.ballot):
            raise StateError(
                f"{directory} already belongs to ballot {state['ballot']} on {state['server']}; "
                "use another directory"
            )
    else:
        if directory.exists() and any(directory.iterdir()):
            raise StateError(f"{directory}: not empty; give a new directory for this trustee")
        keys = dkg.SealKeys.generate()
        secrets = {"seal_secret": keys.secret.hex(), "seal_public": keys.public.hex()}
        state = {"server": server, "ballot": args.ballot}
    # The new token is tried first: a directory's working token is replaced only once the
    # server has accepted the new one for a trustee of this ballot.
    api = Api(_transport(server, token), args.ballot)
    doc = api.get("/ceremony")
    index = doc.get("you", {}).get("trustee")
    if not isinstance(index, int):
        raise ClientError(
            f"the token's account is not a trustee of ballot {args.ballot}: ask the returning "
            "officer to appoint you (or use your own token); nothing was changed"
        )
    if not fresh and (state.get("index"), state.get("uuid")) != (index, doc["uuid"]):
        raise StateError(
            f"{directory} is trustee {state.get('index')} of election {state.get('uuid')}; the "
            f"token is trustee {index}'s of election {doc['uuid']}: use that trustee's own token"
        )
    me = next(t for t in doc["trustees"] if t["index"] == index)
    if me["state"] != "invited" and me["seal_key"] != secrets["seal_public"]:
        raise CeremonyError(
            "the server holds another sealing key for this trustee: this is not the directory "
            "that registered; use that one"
        )
    where = TrusteeDir(directory)
    if fresh:
        make_private_dir(directory)
        where.save_secrets(secrets)  # the sealing key, before its public half is posted
    where.save_token(token)
    state.update(
        {
            "index": index,
            "uuid": doc["uuid"],
            "threshold": doc["threshold"],
            "trustees": int(doc.get("trustee_count") or len(doc["trustees"])),
        }
    )
    where.save_state(state)
    if me["state"] == "invited":
        api.post("/trustees/me/seal-key", {"seal_key": secrets["seal_public"]})
        print(f"trustee {index} of ballot {args.ballot} ({me['name']}): sealing key registered")
    else:
        print(
            f"trustee {index} of ballot {args.ballot} ({me['name']}): already registered "
            f"(state {me['state']}); the token is saved"
        )
    print(f"keep {directory} private and backed up; next: moot trustee step --dir {directory}")
    return 0


def _step(directory: Path, server: str = "") -> Step:
    where = TrusteeDir(directory)
    state, secrets, token = where.load()
    address = check_server_url(server) if server else state["server"]
    api = Api(_transport(address, token), int(state["ballot"]))
    from moot.trustee.tally_steps import TALLY_STEPS

    return Step(where, api, state, secrets, extra_steps=list(TALLY_STEPS))


def trustee_step(args: argparse.Namespace) -> int:
    step = _step(Path(args.dir), args.server)
    try:
        outcome = step.run()
    except CeremonyError as exc:
        step.outcome.failed = str(exc)
        outcome = step.outcome
    for line in outcome.lines():
        print(line)
    return 1 if outcome.failed else 0


def trustee_status(args: argparse.Namespace) -> int:
    step = _step(Path(args.dir), args.server)
    doc = step.ceremony()
    print(
        f"ballot {step.state['ballot']}: election {doc['uuid']}, state {doc['state']}, "
        f"{doc['threshold']} of {len(doc['trustees'])} trustees needed"
    )
    for trustee in doc["trustees"]:
        mark = "*" if trustee["index"] == step.index else " "
        line = f"{mark} trustee {trustee['index']} {trustee['name']}: {trustee['state']}"
        if trustee.get("disqualified_reason"):
            line += f" ({trustee['disqualified_reason']})"
        print(line)
    held = [
        name
        for name, key in (("polynomial", "coefficients"), ("share", "share"))
        if key in step.secrets
    ]
    print(f"this directory holds: sealing key{', ' if held else ''}{', '.join(held)}")
    return 0


# --- moot credentials ---------------------------------------------------------------------------
def credentials_generate(args: argparse.Namespace) -> int:
    if not 1 <= args.count <= creds.MAX_COUNT:
        raise creds.CredentialError(f"--count: between 1 and {creds.MAX_COUNT}")
    out = Path(args.out)
    make_private_dir(out)
    for name in ("credentials-secret.csv", "public-credentials.json"):
        if (out / name).exists():
            raise creds.CredentialError(f"{out / name} exists: give a new directory")
    made = [creds.new_credential() for _ in range(args.count)]
    public = creds.public_list(args.uuid, made)
    write_private(out / "credentials-secret.csv", _credential_lines(made))
    write_json(out / "public-credentials.json", public)
    print(f"{args.count} credentials for election {args.uuid}")
    print(f"secret (send them, then destroy): {out / 'credentials-secret.csv'}")
    print(
        f"public (upload): {out / 'public-credentials.json'} sha256 {public['credentials_sha256']}"
    )
    return 0


def credentials_upload(args: argparse.Namespace) -> int:
    data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    uuid, listed, digest = creds.check_public_file(data)
    api = Api(_transport(check_server_url(args.server), _token(args.token)), args.ballot)
    doc = api.get("/ceremony")
    if doc["uuid"] != uuid:
        raise creds.CredentialError(
            f"{args.file} was made for election {uuid}, ballot {args.ballot} is election "
            f"{doc['uuid']}: generate the credentials with --uuid {doc['uuid']}"
        )
    answer = api.post("/credentials", {"credentials": listed, "credentials_sha256": digest})
    if (answer.get("count"), answer.get("credentials_sha256")) != (len(listed), digest):
        raise creds.CredentialError(
            f"the server answered {answer.get('count')} credentials with SHA-256 "
            f"{answer.get('credentials_sha256')}, not this file's {len(listed)} with {digest}: "
            "tell the returning officer and the scrutineer"
        )
    print(f"the server holds this file's {len(listed)} public credentials, SHA-256 {digest}")
    print(
        f"{answer.get('detail', '')}; the election opens by itself once the ballot is frozen "
        "and the trustees' key is made"
    )
    return 0


def credentials_check(args: argparse.Namespace) -> int:
    """The board's credentials entry and election.json are exactly the authority's list."""
    data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    uuid, listed, digest = creds.check_public_file(data)
    transport = _transport(check_server_url(args.server), args.token or "-")
    base = f"/verifiable/ballots/{args.ballot}"

    def get(path: str) -> Any:
        status, answer = transport("GET", base + path, None)
        if not 200 <= status < 300 or not isinstance(answer, dict):
            detail = answer.get("detail") if isinstance(answer, dict) else answer
            raise creds.CredentialError(f"the server refused {path} ({status}): {detail}")
        return answer

    election = get("/election")
    entry = get("/board/1")
    problems = []
    if election.get("uuid") != uuid:
        problems.append(f"election.json is election {election.get('uuid')}, the file {uuid}")
    if election.get("credentials_sha256") != digest:
        problems.append(
            f"election.json's credentials_sha256 is {election.get('credentials_sha256')}, the "
            f"file's {digest}"
        )
    payload = entry.get("payload") or {}
    if entry.get("type") != "credentials":
        problems.append(f"board entry 1 is {entry.get('type')!r}, not the credentials entry")
    elif payload.get("credentials") != listed:
        board = payload.get("credentials") or []
        extra = len(set(board) - set(listed))
        missing = len(set(listed) - set(board))
        problems.append(
            f"the board lists {len(board)} credentials, the file {len(listed)}: {extra} on the "
            f"board are not in the file, {missing} of the file are not on the board"
        )
    if problems:
        for line in problems:
            print(f"MISMATCH: {line}")
        print("the board's credential list is not the authority's: tell the scrutineer")
        return 1
    print(
        f"the board's credentials entry and election.json hold exactly this file's "
        f"{len(listed)} public credentials (SHA-256 {digest})"
    )
    return 0


SENT_STATE = "credentials-sent.json"


def credentials_send(args: argparse.Namespace) -> int:
    secret_path = Path(args.secret)
    secret = creds.read_secret_lines(secret_path.read_text("utf-8").splitlines(), args.secret)
    voters = creds.read_voters(Path(args.voters).read_text("utf-8").splitlines(), args.voters)
    host, _, port = args.smtp.rpartition(":")
    if not host or not port.isdigit():
        raise creds.CredentialError("--smtp HOST:PORT, e.g. --smtp mail.example.org:587")
    if not args.title.strip():
        raise creds.CredentialError("--title: the ballot's title, named in each e-mail")
    state_path = secret_path.with_name(SENT_STATE)
    if state_path.exists():
        state = creds.SentState(read_json(state_path))
        if not args.resume:
            raise creds.CredentialError(
                f"credentials were already sent from {secret_path} ({len(state.sent_to)} "
                f"addresses, {state_path}): a second run would give those voters a second "
                "credential. Give --resume to send only to the addresses not yet sent to."
            )
    else:
        state = creds.SentState.new()
    already = [address for address in voters if state.has(address)]
    voters = [address for address in voters if not state.has(address)]
    pool = [c for c in secret if c not in state.consumed]
    mail = creds.Mail(
        host=host,
        port=int(port),
        sender=args.sender,
        link=args.link,
        starttls=args.starttls,
        user=os.environ.get("MOOT_SMTP_USER", ""),
        password=os.environ.get("MOOT_SMTP_PASSWORD", ""),
        title=args.title.strip(),
    )
    state.runs += 1
    write_json(state_path, state.to_json())  # before the first message: a rerun needs --resume

    def sent_one(address: str, credential: str) -> None:
        state.mark(address, credential)
        write_json(state_path, state.to_json())

    sent, failed, _unused = creds.send_all(mail, voters, pool, on_sent=sent_one)
    unused = sorted(c for c in secret if c not in state.consumed)
    unused_path = secret_path.with_name("credentials-unused.csv")
    write_private(unused_path, _credential_lines(unused))
    print(
        f"sent {sent} credentials; {len(failed)} refused by the mail server; {len(unused)} unused"
    )
    if already:
        print(f"skipped {len(already)} addresses already sent to by an earlier run")
    for address in failed:
        print(f"refused: {address}")
    print(
        f"no file says who got which; the unused credentials are in {unused_path}; what was "
        f"sent (counts, salted address hashes) is in {state_path}"
    )
    return 1 if failed else 0


# --- parsers --------------------------------------------------------------------------------------
def _trustee_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="moot trustee", description="A trustee's own machine.")
    sub = parser.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init", help="make this trustee's directory and register")
    init.add_argument("--server", required=True)
    init.add_argument("--ballot", type=int, required=True)
    init.add_argument("--token", default="", help="API token; - reads it from standard input")
    init.add_argument("--dir", required=True)
    init.set_defaults(run=trustee_init)
    for name, run, text in (
        ("step", trustee_step, "do what the election needs next from this trustee"),
        ("status", trustee_status, "where every trustee is"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("--dir", required=True)
        command.add_argument(
            "--server",
            default="",
            help="the site's address, instead of the one stored at init (not saved)",
        )
        command.set_defaults(run=run)
    return parser


def _credentials_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="moot credentials", description="The credential authority's own machine."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    generate = sub.add_parser("generate")
    generate.add_argument("--uuid", required=True)
    generate.add_argument("--count", type=int, required=True)
    generate.add_argument("--out", required=True)
    generate.set_defaults(run=credentials_generate)
    upload = sub.add_parser("upload")
    upload.add_argument("--server", required=True)
    upload.add_argument("--ballot", type=int, required=True)
    upload.add_argument("--token", default="")
    upload.add_argument("--file", required=True)
    upload.set_defaults(run=credentials_upload)
    check = sub.add_parser("check", help="the board's credentials entry is exactly the file's")
    check.add_argument("--server", required=True)
    check.add_argument("--ballot", type=int, required=True)
    check.add_argument("--token", default="", help="not needed: the board is public")
    check.add_argument("--file", required=True)
    check.set_defaults(run=credentials_check)
    send = sub.add_parser("send")
    send.add_argument("--secret", required=True)
    send.add_argument("--voters", required=True)
    send.add_argument("--smtp", required=True)
    send.add_argument("--from", dest="sender", required=True)
    send.add_argument("--link", required=True, help="the ballot's address, put in each e-mail")
    send.add_argument("--title", required=True, help="the ballot's title, in each e-mail")
    send.add_argument(
        "--resume",
        action="store_true",
        help="after an interrupted run: send only to the addresses not yet sent to",
    )
    send.add_argument("--starttls", action="store_true")
    send.set_defaults(run=credentials_send)
    return parser


def _run(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (
        ClientError,
        StateError,
        CeremonyError,
        creds.CredentialError,
        OSError,
        ValueError,
    ) as exc:
        print(f"{parser.prog}: {exc}", file=sys.stderr)
        return 1


def trustee_main(argv: list[str]) -> int:
    return _run(_trustee_parser(), argv)


def credentials_main(argv: list[str]) -> int:
    return _run(_credentials_parser(), argv)


def _credential_lines(credentials: list[str]) -> str:
    """A credentials file: the header, then one credential a line. Credentials are base58
    (letters and digits only), so no cell needs quoting and none can start a spreadsheet
    formula; the house's CSV writer (moot.csv_export) is outside this pure package."""
    return "".join(f"{line}\n" for line in ["credential", *credentials])
