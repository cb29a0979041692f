"""The commands' own HTTP code, for real: urllib with a Bearer token against a live server
(pytest-django's ``live_server``), a whole 2-of-3 key ceremony and the credential upload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from moot.verifiable.models import ElectionState, Trustee, TrusteeState
from trustee.conftest import init_all, make_ceremony, run, step_all

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_key_ceremony_and_the_upload_over_http(
    live_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A draft ballot: the election does not open (its board's rows refuse the flush that ends
    # a live-server test), everything before the opening is exercised.
    ceremony = make_ceremony(tmp_path, ballot_state="draft")
    server = live_server.url
    assert server.startswith(("http://localhost", "http://127.0.0.1"))
    init_all(ceremony, capsys, server=server)
    step_all(ceremony, capsys)
    out = tmp_path / "authority"
    code, text = run(
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
    )
    assert code == 0, text
    code, text = run(
        [
            "credentials",
            "upload",
            "--server",
            server,
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
    assert "the server holds this file's 3 public credentials" in text
    election = ceremony.refresh()
    assert election.state == ElectionState.CREDENTIALS
    assert election.credentials_count == 3
    assert election.public_key
    assert set(Trustee.objects.filter(election=election).values_list("state", flat=True)) == {
        TrusteeState.DONE
    }
    # A wrong token is refused by the server, and the command says so.
    code, text = run(
        [
            "credentials",
            "upload",
            "--server",
            server,
            "--ballot",
            str(ceremony.ballot_id),
            "--token",
            "not-a-token",
            "--file",
            str(out / "public-credentials.json"),
        ],
        capsys,
    )
    assert code == 1
    assert "the server refused (401)" in text
