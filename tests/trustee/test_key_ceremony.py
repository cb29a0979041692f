"""The key ceremony as three trustees run it, each with ``moot trustee`` on their own machine:
2-of-3, a cheating dealer caught by a complaint, a server whose data does not verify."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from moot.trustee import ceremony as ceremony_module
from moot.trustee import dkg
from moot.verifiable.models import Complaint, ElectionState, Trustee, TrusteeState
from moot.verify.group import Point
from trustee.conftest import Ceremony, init_all, run, step, step_all

pytestmark = pytest.mark.django_db


def secrets_of(c: Ceremony, index: int) -> dict[str, Any]:
    return json.loads((c.dirs[index] / "secrets.json").read_text())


def test_three_trustees_make_the_key_and_only_public_values_reach_the_server(
    ceremony: Ceremony, capsys: pytest.CaptureFixture[str]
) -> None:
    init_all(ceremony, capsys)
    for path in ceremony.dirs.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
        for name in ("state.json", "secrets.json", "token"):
            assert stat.S_IMODE((path / name).stat().st_mode) == 0o600
    code, out = step(ceremony, 1, capsys)
    assert code == 0
    assert "committed" in out
    assert "waiting: the commitment hashes of trustee 2" in out
    last = step_all(ceremony, capsys)
    election = ceremony.refresh()
    assert election.state in (ElectionState.CREDENTIALS, ElectionState.OPEN)
    shares = {
        i: int.from_bytes(bytes.fromhex(secrets_of(ceremony, i)["share"]), "little")
        for i in ceremony.dirs
    }
    rows = {t.index: t for t in Trustee.objects.filter(election=election)}
    for index, share in shares.items():
        assert rows[index].state == TrusteeState.DONE
        assert Point.base_times(share).hex() == rows[index].verification_key
    # Y is the sum of the first coefficients, and any two shares give its secret.
    first = [Point.decode(rows[i].coefficients[0]["point"]) for i in rows]
    assert dkg.joint_public_key(first).hex() == election.public_key
    assert "waiting: the credential authority" in last[1]
    # Idempotent: a step again does nothing new and says so.
    code, out = step(ceremony, 2, capsys)
    assert code == 0
    assert "did: nothing new" in out


def test_a_dealer_who_seals_a_bad_share_is_disqualified_and_two_go_on(
    ceremony: Ceremony,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    real = dkg.seal_share

    def cheat(uuid: str, dealer: int, recipient: int, share: int, key: bytes) -> str:
        return real(
            uuid, dealer, recipient, share + (1 if (dealer, recipient) == (2, 3) else 0), key
        )

    monkeypatch.setattr(ceremony_module.dkg, "seal_share", cheat)
    init_all(ceremony, capsys)
    last = step_all(ceremony, capsys)
    election = ceremony.refresh()
    complaint = Complaint.objects.get(election=election)
    assert (complaint.complainant, complaint.dealer, complaint.verdict) == (3, 2, "upheld")
    dealer = Trustee.objects.get(election=election, index=2)
    assert "fails its check" in dealer.disqualified_reason
    # Out of the key as a dealer, still a share-holder of the others' (as election.json and
    # the verifier have it): every trustee finishes, and the key is trustees 1 and 3's alone.
    rows = {t.index: t for t in Trustee.objects.filter(election=election)}
    assert {t.state for t in rows.values()} == {TrusteeState.DONE}
    first = [Point.decode(rows[i].coefficients[0]["point"]) for i in (1, 3)]
    assert election.public_key == dkg.joint_public_key(first).hex()
    assert "STOPPED" not in last[2]
    assert "waiting: the credential authority" in last[2]
    # With the credentials in, the election opens; election.json names all three trustees.
    out = tmp_path / "authority"
    assert (
        run(
            [
                "credentials",
                "generate",
                "--uuid",
                str(election.uuid),
                "--count",
                "3",
                "--out",
                str(out),
            ],
            capsys,
        )[0]
        == 0
    )
    code, text = run(
        [
            "credentials",
            "upload",
            "--server",
            "http://localhost",
            "--ballot",
            str(ceremony.ballot_id),
            "--token",
            ceremony.authority_token,
            "--file",
            str(out / "public-credentials.json"),
        ],
        capsys,
    )
    assert code == 0, text
    election = ceremony.refresh()
    assert election.state == ElectionState.OPEN
    document = json.loads(election.election_json)
    assert [t["index"] for t in document["trustees"]] == [1, 2, 3]


def test_a_complaint_against_an_honest_dealer_is_refused_and_writes_nothing(
    ceremony: Ceremony, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    init_all(ceremony, capsys)
    for _ in range(2):
        for index in (1, 2, 3):
            step(ceremony, index, capsys)
    step(ceremony, 1, capsys)  # deals last, then checks what it received
    # Trustee 3's machine claims every share it got is bad (the server's own check is left
    # alone: only the trustee's copy of the module is changed).
    lying = SimpleNamespace(**{name: getattr(dkg, name) for name in dir(dkg)})
    lying.share_is_good = lambda *args: False
    monkeypatch.setattr(ceremony_module, "dkg", lying)
    code, out = step(ceremony, 3, capsys)
    assert code == 1
    assert "The complaint against trustee 1 does not hold" in out
    assert "passes its check" in out
    election = ceremony.election
    assert not Complaint.objects.filter(election=election).exists()
    states = dict(Trustee.objects.filter(election=election).values_list("index", "state"))
    assert states == {1: "checked", 2: "shared", 3: "shared"}


def test_a_trustee_stops_when_the_server_shows_a_coefficient_proof_that_fails(
    ceremony: Ceremony, capsys: pytest.CaptureFixture[str]
) -> None:
    init_all(ceremony, capsys)
    for _ in range(2):
        for index in (1, 2, 3):
            step(ceremony, index, capsys)
    row = Trustee.objects.get(election=ceremony.election, index=2)
    assert Trustee.objects.get(election=ceremony.election, index=1).state == "revealed"
    # A server that changed trustee 2's proof after checking it (the database edited).
    forged = [dict(c) for c in row.coefficients]
    forged[1] = {**forged[1], "proof": forged[0]["proof"]}
    Trustee.objects.filter(pk=row.pk).update(coefficients=forged)
    code, out = step(ceremony, 1, capsys)  # about to deal
    assert code == 1
    assert "STOPPED: the server's data does not verify — trustee 2" in out
    assert "coefficient 1 does not verify" in out


def test_status_lists_every_trustee_and_never_a_secret(
    ceremony: Ceremony, capsys: pytest.CaptureFixture[str]
) -> None:
    init_all(ceremony, capsys)
    step_all(ceremony, capsys, rounds=2)
    code, out = run(["trustee", "status", "--dir", str(ceremony.dirs[1])], capsys)
    assert code == 0
    assert "* trustee 1 Returning officer" in out
    assert "trustee 3 Candidates' representative" in out
    for value in secrets_of(ceremony, 1).values():
        if isinstance(value, str):
            assert value not in out


def test_init_refuses_an_account_that_is_not_a_trustee_and_plain_http_elsewhere(
    ceremony: Ceremony, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    code, out = run(
        [
            "trustee",
            "init",
            "--server",
            "http://localhost",
            "--ballot",
            str(ceremony.ballot_id),
            "--token",
            ceremony.authority_token,
            "--dir",
            str(tmp_path / "x"),
        ],
        capsys,
    )
    assert code == 1
    assert "not a trustee of ballot" in out
    code, out = run(
        [
            "trustee",
            "init",
            "--server",
            "http://moot.example.org",
            "--ballot",
            "1",
            "--token",
            "t",
            "--dir",
            str(tmp_path / "y"),
        ],
        capsys,
    )
    assert code == 1
    assert "plain http sends your token in clear" in out


def test_a_reveal_whose_proof_fails_disqualifies_the_trustee_on_arrival(
    ceremony: Ceremony, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.test import Client

    init_all(ceremony, capsys)
    for index in (1, 3, 2):
        step(ceremony, index, capsys)  # all three commit; 2 reveals last
    # Trustee 2's honest reveal went in; put it back before the reveal and post instead its
    # points with the second proof replaced by the first's.
    two = Trustee.objects.get(election=ceremony.election, index=2)
    assert two.state == TrusteeState.REVEALED
    forged = [dict(c) for c in two.coefficients]
    forged[1] = {**forged[1], "proof": forged[0]["proof"]}
    Trustee.objects.filter(pk=two.pk).update(state=TrusteeState.COMMITTED, coefficients=None)
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {ceremony.tokens[2]}").post(
        f"/api/ballots/{ceremony.ballot_id}/verifiable/trustees/me/coefficients",
        {"coefficients": forged},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert answer.json()["state"] == "disqualified"
    two.refresh_from_db()
    assert "do not verify" in two.disqualified_reason
    code, out = step(ceremony, 2, capsys)
    assert code == 1
    assert "STOPPED: the server disqualified this trustee" in out
