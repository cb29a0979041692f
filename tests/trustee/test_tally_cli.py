"""After the close, the trustees run ``moot trustee step`` to mix and decrypt: every trustee
mixes once in index order, each shuffle and each set of decryption shares is checked on
arrival, two of three decrypt (trustee 2 away), and what does not verify is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from moot.accounts.actions import do_create_api_token
from moot.trustee import tally as tally_module
from moot.trustee.state import TrusteeDir, make_private_dir
from moot.verifiable import declaration
from moot.verifiable.actions import do_cast_verifiable
from moot.verifiable.models import BoardEntry, ElectionState, Trustee
from moot.verify import group, vballot
from trustee.conftest import SERVER, client_transport, run
from verifiable.world import VerifiableWorld, open_verifiable

pytestmark = pytest.mark.django_db

VOTES = [[1, 2, 0], [0, 1, 2], [2, 1, 3]]


@pytest.fixture
def closed(
    via_client: None, tmp_path: Path
) -> tuple[VerifiableWorld, dict[int, Path], dict[int, str]]:
    world = open_verifiable(voters=4)
    for voter, ranks in enumerate(VOTES):
        do_cast_verifiable(world.ballot, world.base.entries[voter], world.encrypt(voter, ranks))
    with transaction.atomic():
        declaration.close_board(world.ballot)
    world.election.refresh_from_db()
    assert world.election.state == ElectionState.CLOSED
    dirs: dict[int, Path] = {}
    tokens: dict[int, str] = {}
    for trustee in Trustee.objects.filter(election=world.election).select_related("user"):
        path = tmp_path / f"trustee-{trustee.index}"
        make_private_dir(path)
        where = TrusteeDir(path)
        tokens[trustee.index] = do_create_api_token(
            trustee.user, name="trustee", acting_user=trustee.user
        )[1]
        where.save_token(tokens[trustee.index])
        where.save_secrets(
            {
                "seal_secret": "00" * 32,
                "seal_public": trustee.seal_key,
                "share": group.scalar_hex(world.shares[trustee.index]),
            }
        )
        where.save_state(
            {
                "server": SERVER,
                "ballot": world.ballot.pk,
                "index": trustee.index,
                "uuid": str(world.election.uuid),
                "threshold": world.election.threshold,
            }
        )
        dirs[trustee.index] = path
    return world, dirs, tokens


def step(dirs: dict[int, Path], index: int, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    return run(["trustee", "step", "--dir", str(dirs[index])], capsys)


def kinds(world: VerifiableWorld) -> list[str]:
    return list(
        BoardEntry.objects.filter(election=world.election)
        .order_by("height")
        .values_list("kind", flat=True)
    )


def test_three_mix_in_turn_and_two_decrypt_with_trustee_2_away(
    closed: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    world, dirs, _tokens = closed
    code, out = step(dirs, 2, capsys)
    assert code == 0
    assert "waiting: trustee 1 to mix first" in out
    code, out = step(dirs, 1, capsys)
    assert code == 0, out
    assert "shuffled 3 ballots of 1 ranked question(s)" in out
    for index in (2, 3):
        code, out = step(dirs, index, capsys)
        assert code == 0, out
    world.election.refresh_from_db()
    assert world.election.state == ElectionState.DECRYPTING
    for index in (1, 3):  # trustee 2 is away: two of three are enough
        code, out = step(dirs, index, capsys)
        assert code == 0, out
    world.election.refresh_from_db()
    assert world.election.state == ElectionState.DECRYPTED
    assert kinds(world)[-7:] == [
        "close",
        "tally",
        "shuffle",
        "shuffle",
        "shuffle",
        "decryption",
        "decryption",
    ] or kinds(world)[-8:-1] == [
        "close",
        "tally",
        "shuffle",
        "shuffle",
        "shuffle",
        "decryption",
        "decryption",
    ]
    assert kinds(world)[-1] == "result"
    result = json.loads(BoardEntry.objects.get(election=world.election, kind="result").body)
    assert result["payload"]["decrypted_by"] == [1, 3]
    [question] = result["payload"]["questions"]
    # The mixed and decrypted rankings are the ones cast, in the mix's order.
    packed = sorted(vballot.pack_ranking(ranks, 3, 4) for ranks in VOTES)
    assert sorted(question["plaintexts"]) == packed
    assert (question["valid"], question["invalid"]) == (3, [])
    code, out = step(dirs, 2, capsys)
    assert code == 0
    assert "nothing: the election is decrypted" in out


def test_a_shuffle_that_does_not_verify_is_refused_and_writes_nothing(
    closed: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    world, _dirs, tokens = closed
    call = client_transport(SERVER, tokens[1])
    base = f"/ballots/{world.ballot.pk}/verifiable"
    board = call("GET", f"{base}/trustees/board", None)[1]
    tally = tally_module.read_tally(board["election"], board["entries"], verify=True)
    shuffles = tally_module.mix(tally, 1)
    first, second = shuffles[0]["outputs"][0], shuffles[0]["outputs"][1]
    shuffles[0]["outputs"][0], shuffles[0]["outputs"][1] = second, first  # rows swapped after
    before = kinds(world)
    status, answer = call("POST", f"{base}/trustees/me/shuffle", {"shuffles": shuffles})
    assert status == 422
    assert "The shuffle does not verify" in answer["detail"]
    assert kinds(world) == before
    # Trustee 2 cannot mix out of turn either.
    status, answer = client_transport(SERVER, tokens[2])(
        "POST", f"{base}/trustees/me/shuffle", {"shuffles": tally_module.mix(tally, 2)}
    )
    assert status == 409
    assert "trustee 1's turn" in answer["detail"]


def test_a_decryption_share_that_does_not_verify_is_refused(
    closed: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    world, dirs, tokens = closed
    for index in (1, 2, 3):
        assert step(dirs, index, capsys)[0] == 0
    # Trustee 3, the last mixer, went straight on to decrypt; trustee 2 tries a wrong share.
    assert kinds(world).count("decryption") == 1
    call = client_transport(SERVER, tokens[2])
    base = f"/ballots/{world.ballot.pk}/verifiable"
    board = call("GET", f"{base}/trustees/board", None)[1]
    tally = tally_module.read_tally(board["election"], board["entries"], verify=True)
    wrong = (world.shares[2] + 1) % group.L  # not trustee 2's share
    status, answer = call(
        "POST", f"{base}/trustees/me/decryption", tally_module.decrypt(tally, 2, wrong)
    )
    assert status == 422
    assert "proof does not verify" in answer["detail"]
    assert kinds(world).count("decryption") == 1
    assert world.election.state != ElectionState.DECRYPTED


def test_the_returning_officer_skips_a_mixer_but_the_threshold_must_mix(
    closed: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two of three: trustee 1 may be skipped (2 and 3 can still mix), then trustee 2 may not
    (only one could have mixed: it would know the permutation); the record verifies."""
    world, dirs, _tokens = closed
    officer = Trustee.objects.get(election=world.election, index=1).user  # any manager
    from moot.ballots.models import Ballot

    Ballot.objects.filter(pk=world.ballot.pk).update(returning_officer=officer)
    ro_token = do_create_api_token(officer, name="ro", acting_user=officer)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {ro_token}")
    url = f"/api/ballots/{world.ballot.pk}/verifiable/trustees/{{}}/skip"
    answer = client.post(
        url.format(1), {"reason": "did not mix by Friday"}, content_type="application/json"
    )
    assert answer.status_code == 200, answer.json()
    answer = client.post(url.format(2), {"reason": "away"}, content_type="application/json")
    assert answer.status_code == 422
    assert "At least the threshold (2) of trustees must mix" in answer.json()["detail"]
    for index in (2, 3):
        code, out = step(dirs, index, capsys)
        assert code == 0, out
    world.election.refresh_from_db()
    assert world.election.state == ElectionState.DECRYPTING
    assert kinds(world).count("shuffle") == 2
    for index in (2, 3):
        code, out = step(dirs, index, capsys)
        assert code == 0, out
    world.election.refresh_from_db()
    assert world.election.state == ElectionState.DECRYPTED
    from moot.verify.vrecord import Report, verify_files

    files = declaration.verifiable_record_files(world.election)
    report = verify_files(files, Report("x", trusted_key=None, fingerprint=None, workers=1))
    assert report.failure is None
    # A trustee may not skip anyone.
    other = Trustee.objects.get(election=world.election, index=2).user
    token = do_create_api_token(other, name="t", acting_user=other)[1]
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {token}").post(
        url.format(3), {"reason": "x"}, content_type="application/json"
    )
    assert answer.status_code == 403


def test_a_returning_officer_who_mixed_cannot_skip_the_others_to_mix_alone(
    closed: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    world, dirs, _tokens = closed
    officer = Trustee.objects.get(election=world.election, index=1).user
    from moot.ballots.models import Ballot

    Ballot.objects.filter(pk=world.ballot.pk).update(returning_officer=officer)
    code, out = step(dirs, 1, capsys)
    assert code == 0, out
    ro_token = do_create_api_token(officer, name="ro", acting_user=officer)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {ro_token}")
    url = f"/api/ballots/{world.ballot.pk}/verifiable/trustees/{{}}/skip"
    assert (
        client.post(url.format(2), {"reason": "late"}, content_type="application/json").status_code
        == 200
    )
    answer = client.post(url.format(3), {"reason": "late"}, content_type="application/json")
    assert answer.status_code == 422
    assert "would leave 1 who have mixed or still can" in answer.json()["detail"]
    world.election.refresh_from_db()
    assert world.election.state == ElectionState.MIXING
    code, out = step(dirs, 2, capsys)  # skipped: waits
    assert code == 0
    assert "shuffled" not in out


def test_decryption_is_refused_with_fewer_than_the_threshold_of_mixers(
    closed: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Were a skip recorded past the rule (an operator writing the audit row), neither the
    server nor a trustee's step decrypts a board mixed by one trustee alone."""
    from moot.audit.actions import record
    from moot.verifiable.actions.mixing import do_post_decryption
    from moot.verifiable.audit_verbs import AuditVerb
    from moot.verifiable.errors import VerifiableError

    world, dirs, _tokens = closed
    code, out = step(dirs, 1, capsys)
    assert code == 0, out
    for index in (2, 3):
        record(
            actor=None,
            verb=AuditVerb.SKIP_MIXER,
            object_type="verifiable.election",
            object_id=world.election.pk,
            object_repr=str(world.election),
            after={"index": index},
            reason="bypassed",
            clause="test",
        )
    from moot.verifiable.models import Election

    Election.objects.filter(pk=world.election.pk).update(state=ElectionState.DECRYPTING)
    code, out = step(dirs, 3, capsys)
    assert "STOPPED: " in out
    assert "at least the threshold, 2, must mix" in out
    trustee = Trustee.objects.get(election=world.election, index=3)
    from moot.trustee.tally import decrypt
    from moot.verifiable.actions.mixing import read_board

    payload = decrypt(read_board(world.election), 3, world.shares[3])
    with pytest.raises(VerifiableError, match="at least the threshold"):
        do_post_decryption(trustee, payload, acting_user=trustee.user)
    assert kinds(world).count("decryption") == 0


def test_the_trustees_page_shows_the_mix_and_lets_the_returning_officer_skip(
    closed: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from moot.ballots.models import Ballot

    world, dirs, _tokens = closed
    officer = Trustee.objects.get(election=world.election, index=3).user
    Ballot.objects.filter(pk=world.ballot.pk).update(returning_officer=officer)
    url = f"/ballots/{world.ballot.pk}/verifiable/trustees/"
    client = Client()
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert "Trustee 1 mixes next." in page
    assert "Skip trustee 1" in page
    assert "Skip trustee 1" not in Client().get(url).content.decode()  # the public: no form
    refused = client.post(url, {"do": "skip", "index": "1", "reason": ""})
    assert refused.status_code == 200
    assert kinds(world).count("tally") == 0
    done = client.post(url, {"do": "skip", "index": "1", "reason": "missed Friday's deadline"})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "Trustee 1 was skipped: missed Friday&#x27;s deadline" in page
    assert "Trustee 2 mixes next." in page
    code, out = step(dirs, 1, capsys)  # skipped: nothing to mix, waits for the decryption
    assert code == 0
    assert "shuffled" not in out
