"""``moot credentials``: generated on the authority's machine, the public list uploaded (only by
the authority), each voter sent one credential through a real SMTP server — and no file left
that says who got which."""

from __future__ import annotations

import csv
import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from accounts.smtp import SmtpSink, _free_port
from moot.verifiable.models import ElectionState
from moot.verify import vballot
from trustee.conftest import SERVER, Ceremony, init_all, run, step_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink("127.0.0.1", _free_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def generate(c: Ceremony, out: Path, capsys: pytest.CaptureFixture[str], count: int = 3) -> None:
    code, text = run(
        [
            "credentials",
            "generate",
            "--uuid",
            str(c.election.uuid),
            "--count",
            str(count),
            "--out",
            str(out),
        ],
        capsys,
    )
    assert code == 0, text


def secret_rows(out: Path) -> list[str]:
    with (out / "credentials-secret.csv").open() as handle:
        return [row["credential"] for row in csv.DictReader(handle)]


def test_generate_writes_a_private_secret_file_and_the_sorted_public_list(
    ceremony: Ceremony, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "authority"
    generate(ceremony, out, capsys)
    assert stat.S_IMODE((out / "credentials-secret.csv").stat().st_mode) == 0o600
    made = secret_rows(out)
    assert len(made) == 3
    public = json.loads((out / "public-credentials.json").read_text())
    uuid = str(ceremony.election.uuid)
    expected = sorted(vballot.public_credential(uuid, c).hex() for c in made)
    assert public["credentials"] == expected
    assert public["credentials_sha256"] == vballot.credentials_sha256(expected)


def test_upload_by_the_authority_then_the_election_opens_with_the_keys(
    ceremony: Ceremony, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    too_many = tmp_path / "too-many"
    generate(ceremony, too_many, capsys, count=4)  # the roll has 3 voters
    code, text = run(
        [
            "credentials",
            "upload",
            "--server",
            SERVER,
            "--ballot",
            str(ceremony.ballot_id),
            "--file",
            str(too_many / "public-credentials.json"),
            "--token",
            ceremony.authority_token,
        ],
        capsys,
    )
    assert code == 1
    assert "The list has 4 credentials and the frozen roll has 3 voters" in text
    assert ceremony.refresh().credentials_count == 0
    out = tmp_path / "authority"
    generate(ceremony, out, capsys)
    upload = [
        "credentials",
        "upload",
        "--server",
        SERVER,
        "--ballot",
        str(ceremony.ballot_id),
        "--file",
        str(out / "public-credentials.json"),
    ]
    code, text = run([*upload, "--token", ceremony.tokens[1]], capsys)  # the returning officer
    assert code == 1
    assert "Only the election's credential authority" in text
    code, text = run([*upload, "--token", ceremony.authority_token], capsys)
    assert code == 0, text
    election = ceremony.refresh()
    assert election.credentials_count == 3
    assert election.state != ElectionState.OPEN  # the keys are not made yet
    init_all(ceremony, capsys)
    last = step_all(ceremony, capsys)
    election = ceremony.refresh()
    assert election.state == ElectionState.OPEN, last
    assert election.election_hash


def test_upload_refuses_a_list_made_for_another_election_or_changed(
    ceremony: Ceremony, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "authority"
    generate(ceremony, out, capsys)
    path = out / "public-credentials.json"
    data = json.loads(path.read_text())
    data["credentials"] = data["credentials"][1:]
    path.write_text(json.dumps(data))
    code, text = run(
        [
            "credentials",
            "upload",
            "--server",
            SERVER,
            "--ballot",
            str(ceremony.ballot_id),
            "--token",
            ceremony.authority_token,
            "--file",
            str(path),
        ],
        capsys,
    )
    assert code == 1
    assert "credentials_sha256 does not match" in text
    assert not ceremony.refresh().credentials_json


def test_send_gives_each_voter_one_credential_and_keeps_no_pairing(
    ceremony: Ceremony, tmp_path: Path, capsys: pytest.CaptureFixture[str], sink: SmtpSink
) -> None:
    out = tmp_path / "authority"
    generate(ceremony, out, capsys, count=4)
    voters = tmp_path / "voters.csv"
    addresses = ["ada@example.org", "bo@example.org", "cy@example.org"]
    voters.write_text("\n".join(addresses) + "\n")
    code, text = run(
        [
            "credentials",
            "send",
            "--secret",
            str(out / "credentials-secret.csv"),
            "--voters",
            str(voters),
            "--smtp",
            f"{sink.host}:{sink.port}",
            "--from",
            "authority@example.org",
            "--link",
            "https://moot.example.org/ballots/1/",
            "--title",
            "National executive 2027",
        ],
        capsys,
    )
    assert code == 0, text
    assert "sent 3 credentials; 0 refused by the mail server; 1 unused" in text
    made = set(secret_rows(out))
    got = []
    for address in addresses:
        [mail] = sink.to(address)
        sent = [c for c in made if c in mail.body]
        assert len(sent) == 1
        assert "https://moot.example.org/ballots/1/" in mail.body
        got.append(sent[0])
    assert len(set(got)) == 3
    unused = (out / "credentials-unused.csv").read_text().split()
    assert unused[1:] == sorted(made - set(got))
    # No file in the authority's directory names a voter.
    for path in out.iterdir():
        for address in addresses:
            assert address not in path.read_text()


def test_send_refuses_more_voters_than_credentials_and_a_repeated_address(
    ceremony: Ceremony, tmp_path: Path, capsys: pytest.CaptureFixture[str], sink: SmtpSink
) -> None:
    out = tmp_path / "authority"
    generate(ceremony, out, capsys, count=1)
    voters = tmp_path / "voters.csv"
    base = [
        "credentials",
        "send",
        "--secret",
        str(out / "credentials-secret.csv"),
        "--voters",
        str(voters),
        "--smtp",
        f"{sink.host}:{sink.port}",
        "--from",
        "a@example.org",
        "--link",
        "https://moot.example.org/",
        "--title",
        "Rule change",
    ]
    voters.write_text("ada@example.org\nbo@example.org\n")
    code, text = run(base, capsys)
    assert code == 1
    assert "2 voters but only 1 credentials" in text
    voters.write_text("ada@example.org\nADA@example.org\n")
    code, text = run(base, capsys)
    assert code == 1
    assert "line 2: ADA@example.org is listed twice" in text
    assert not sink.messages


def test_a_second_send_is_refused_and_resume_sends_only_to_the_addresses_not_yet_sent(
    ceremony: Ceremony, tmp_path: Path, capsys: pytest.CaptureFixture[str], sink: SmtpSink
) -> None:
    out = tmp_path / "authority"
    generate(ceremony, out, capsys, count=3)
    voters = tmp_path / "voters.csv"
    voters.write_text("ada@example.org\nbo@example.org\n")
    base = [
        "credentials",
        "send",
        "--secret",
        str(out / "credentials-secret.csv"),
        "--voters",
        str(voters),
        "--smtp",
        f"{sink.host}:{sink.port}",
        "--from",
        "a@example.org",
        "--link",
        "https://moot.example.org/",
        "--title",
        "National executive 2027",
    ]
    code, text = run(base, capsys)
    assert code == 0, text
    [first] = sink.to("ada@example.org")
    assert first.message["Subject"] == "Your voting credential: National executive 2027"
    body = " ".join(first.body.split())
    assert "nobody else can vote with it" not in body
    assert "Keep it secret: with it and your invitation you can vote" in body
    state = out / "credentials-sent.json"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    kept = json.loads(state.read_text())
    assert kept["sent"] == 2
    assert "example.org" not in state.read_text()  # salted hashes, no address
    # The same command again: refused, nothing sent.
    code, text = run(base, capsys)
    assert code == 1
    assert "a second run would give those voters a second credential" in text
    assert len(sink.messages) == 2
    # A voter added (an interrupted run's rest): --resume sends to her only.
    voters.write_text("ada@example.org\nbo@example.org\ncy@example.org\n")
    code, text = run([*base, "--resume"], capsys)
    assert code == 0, text
    assert "sent 1 credentials; 0 refused by the mail server; 0 unused" in text
    assert "skipped 2 addresses already sent to" in text
    assert len(sink.messages) == 3
    made = set(secret_rows(out))
    given = [
        next(c for c in made if c in sink.to(a)[0].body)
        for a in ("ada@example.org", "bo@example.org", "cy@example.org")
    ]
    assert len(set(given)) == 3  # no credential given twice
    kept = json.loads(state.read_text())
    assert sorted(kept["consumed"]) == sorted(given)
    for line in kept["consumed"]:  # consumed, sorted: not in the order of the addresses
        assert line in made


def test_check_confirms_the_board_holds_exactly_the_authoritys_list(
    ceremony: Ceremony, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "authority"
    generate(ceremony, out, capsys)
    code, text = run(
        [
            "credentials",
            "upload",
            "--server",
            SERVER,
            "--ballot",
            str(ceremony.ballot_id),
            "--file",
            str(out / "public-credentials.json"),
            "--token",
            ceremony.authority_token,
        ],
        capsys,
    )
    assert code == 0, text
    init_all(ceremony, capsys)
    step_all(ceremony, capsys)
    assert ceremony.refresh().state == ElectionState.OPEN
    check = ["credentials", "check", "--server", SERVER, "--ballot", str(ceremony.ballot_id)]
    code, text = run([*check, "--file", str(out / "public-credentials.json")], capsys)
    assert code == 0, text
    assert "hold exactly this file's 3 public credentials" in text
    other = tmp_path / "other"
    generate(ceremony, other, capsys)  # another list for the same election
    code, text = run([*check, "--file", str(other / "public-credentials.json")], capsys)
    assert code == 1
    assert "MISMATCH: election.json's credentials_sha256 is" in text
    assert "3 on the board are not in the file, 3 of the file are not on the board" in text
