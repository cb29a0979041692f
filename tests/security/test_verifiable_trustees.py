"""Insider tests of the trustees and the credential authority (docs/security.md, "Verifiable
ballots: trustees and credentials"): the server never holds a trustee's share or a voter's
credential, a trustee posts only as themself, one person is never two trustees, and the
returning officer is never the credential authority."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core import serializers
from django.test import Client

from moot.trustee import cli as trustee_cli
from moot.trustee import dkg
from moot.verifiable.actions.credentials import do_appoint_credential_authority
from moot.verifiable.actions.trustees import do_appoint_trustees
from moot.verifiable.errors import VerifiableError
from moot.verifiable.models import Trustee
from moot.verify import group
from trustee.conftest import Ceremony, client_transport, init_all, make_ceremony, run, step_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def ceremony(db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ceremony:
    """Three trustees and a credential authority; the commands answered by the test client."""
    monkeypatch.setattr(trustee_cli, "TRANSPORT_FACTORY", client_transport)
    return make_ceremony(tmp_path)


def everything_stored() -> str:
    """Every row of every table, as text."""
    chunks = []
    for model in apps.get_models():
        rows = model._base_manager.all()
        chunks.append(serializers.serialize("json", rows))
    return "\n".join(chunks)


def secrets_of(path: Path) -> dict[str, Any]:
    return json.loads((path / "secrets.json").read_text())


def test_no_share_coefficient_or_sealing_secret_is_ever_on_the_server(
    ceremony: Ceremony, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    init_all(ceremony, capsys)
    step_all(ceremony, capsys)
    out = tmp_path / "authority"
    assert (
        run(
            [
                "credentials",
                "generate",
                "--uuid",
                str(ceremony.election.uuid),
                "--count",
                "3",
                "--out",
                str(out),
            ],
            capsys,
        )[0]
        == 0
    )
    assert (
        run(
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
        )[0]
        == 0
    )
    stored = everything_stored()
    secret_values: list[str] = []
    polys: dict[int, list[int]] = {}
    for index, path in ceremony.dirs.items():
        held = secrets_of(path)
        secret_values += [held["share"], held["seal_secret"], *held["coefficients"]]
        polys[index] = [group.decode_scalar(a) for a in held["coefficients"]]
    for coefficients in polys.values():  # every share dealt, f_i(j)
        for recipient in polys:
            secret_values.append(group.scalar_hex(dkg.evaluate(coefficients, recipient)))
    assert len(secret_values) == 3 * 4 + 9  # share, sealing key, 2 coefficients; 9 f_i(j)
    for value in secret_values:
        assert value not in stored
        assert str(int.from_bytes(bytes.fromhex(value), "little")) not in stored
    for line in (out / "credentials-secret.csv").read_text().split()[1:]:
        assert line not in stored
        assert line.replace("-", "") not in stored
    assert ceremony.refresh().credentials_count == 3


def test_a_trustee_posts_only_as_themself(
    ceremony: Ceremony, capsys: pytest.CaptureFixture[str]
) -> None:
    init_all(ceremony, capsys)
    base = f"/api/ballots/{ceremony.ballot_id}/verifiable/trustees"
    two = Client(HTTP_AUTHORIZATION=f"Bearer {ceremony.tokens[2]}")
    # A body naming another trustee is not a field: the index is the token's account's.
    answer = two.post(
        f"{base}/me/commitment",
        {"commitment_hash": "ab" * 32, "index": 1},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert Trustee.objects.get(election=ceremony.election, index=1).commitment_hash == ""
    answer = two.post(
        f"{base}/me/commitment", {"commitment_hash": "ab" * 32}, content_type="application/json"
    )
    assert answer.status_code == 200
    rows = dict(
        Trustee.objects.filter(election=ceremony.election).values_list("index", "commitment_hash")
    )
    assert rows == {1: "", 2: "ab" * 32, 3: ""}
    # Someone who is not a trustee, and the credential authority, post nothing.
    outsider = Client(HTTP_AUTHORIZATION=f"Bearer {ceremony.authority_token}")
    assert (
        outsider.post(
            f"{base}/me/commitment", {"commitment_hash": "cd" * 32}, content_type="application/json"
        ).status_code
        == 403
    )
    assert outsider.get(f"{base}/me/packets").status_code == 403
    # Nobody reads another trustee's packets: /me/ is always the caller's own.
    assert Client().get(f"{base}/me/packets").status_code == 401


def test_the_returning_officer_cannot_be_two_trustees_nor_the_credential_authority(
    ceremony: Ceremony,
) -> None:
    election, officer = ceremony.election, ceremony.returning_officer
    Trustee.objects.filter(election=election).delete()
    with pytest.raises(VerifiableError, match="already trustee 1"):
        do_appoint_trustees(
            election,
            [(officer, "RO"), (ceremony.trustees[1], "Scrutineer"), (officer, "RO again")],
            acting_user=officer,
        )
    assert not Trustee.objects.filter(election=election).exists()
    with pytest.raises(VerifiableError, match="cannot be the ballot's returning officer"):
        do_appoint_credential_authority(election, officer, acting_user=officer)


def test_only_the_credential_authority_uploads_and_only_before_the_opening(
    ceremony: Ceremony, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "authority"
    assert (
        run(
            [
                "credentials",
                "generate",
                "--uuid",
                str(ceremony.election.uuid),
                "--count",
                "2",
                "--out",
                str(out),
            ],
            capsys,
        )[0]
        == 0
    )
    data = json.loads((out / "public-credentials.json").read_text())
    body = {"credentials": data["credentials"], "credentials_sha256": data["credentials_sha256"]}
    url = f"/api/ballots/{ceremony.ballot_id}/verifiable/credentials"
    for token in ceremony.tokens.values():  # the trustees, the returning officer among them
        answer = Client(HTTP_AUTHORIZATION=f"Bearer {token}").post(
            url, body, content_type="application/json"
        )
        assert answer.status_code == 403
    assert not ceremony.refresh().credentials_json


def test_the_opening_refuses_a_list_written_past_the_authority_or_longer_than_the_roll() -> None:
    """An operator who writes a credential list into the election's row (no upload by the
    authority in the audit chain), or a list with more credentials than the roll has voters
    who may vote online (spare credentials could vote), does not open the election."""
    from django.db import transaction

    from moot.verifiable.actions import do_open_verifiable
    from moot.verifiable.models import BoardEntry, Election
    from moot.verify import vballot
    from verifiable.world import verifiable_world

    world = verifiable_world(voters=3)
    election = Election.objects.get(pk=world.election.pk)
    spare = vballot.public_credential(str(election.uuid), vballot.new_credential()).hex()
    listed = sorted([*json.loads(election.credentials_json), spare])
    election.credentials_json = json.dumps(listed)
    election.credentials_sha256 = vballot.credentials_sha256(listed)
    election.save(update_fields=["credentials_json", "credentials_sha256"])
    with (
        pytest.raises(VerifiableError, match="the audit chain records an upload of"),
        transaction.atomic(),
    ):
        do_open_verifiable(election)
    from moot.audit.actions import record

    with transaction.atomic():
        record(
            actor=None,
            verb="verifiable.upload_credentials",
            obj=election,
            after={"count": 4, "sha256": election.credentials_sha256},
        )
    with (
        pytest.raises(
            VerifiableError, match="has 4 credentials and the frozen roll has 3 online voters"
        ),
        transaction.atomic(),
    ):
        do_open_verifiable(election)
    assert not BoardEntry.objects.filter(election=election).exists()
