"""``moot trustee init`` keeps a working token until the server accepts a new one and says
whether it registered now; ``moot trustee step --server`` reaches another address for one run
without changing the stored one."""

from __future__ import annotations

import json
from typing import Any

import pytest

from moot.trustee import cli as trustee_cli
from trustee.conftest import SERVER, Ceremony, client_transport, init_all, run


def _init(c: Ceremony, index: int, token: str, capsys: pytest.CaptureFixture[str]) -> Any:
    return run(
        [
            "trustee",
            "init",
            "--server",
            SERVER,
            "--ballot",
            str(c.ballot_id),
            "--token",
            token,
            "--dir",
            str(c.dirs[index]),
        ],
        capsys,
    )


def test_init_keeps_the_working_token_when_the_new_one_is_refused(
    ceremony: Ceremony, capsys: pytest.CaptureFixture[str]
) -> None:
    init_all(ceremony, capsys)
    token_file = ceremony.dirs[1] / "token"
    before = token_file.read_text()
    code, out = _init(ceremony, 1, ceremony.authority_token, capsys)  # not a trustee's token
    assert code == 1
    assert "nothing was changed" in out
    assert token_file.read_text() == before
    code, out = _init(ceremony, 1, ceremony.tokens[2], capsys)  # another trustee's token
    assert code == 1
    assert "use that trustee's own token" in out
    assert token_file.read_text() == before
    code, out = _init(ceremony, 1, ceremony.tokens[1], capsys)  # again: nothing new to register
    assert code == 0, out
    assert "already registered (state registered)" in out
    assert "sealing key registered" not in out


def test_a_refused_first_init_leaves_no_directory(
    ceremony: Ceremony, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _init(ceremony, 1, ceremony.authority_token, capsys)
    assert code == 1
    assert not ceremony.dirs[1].exists()
    code, out = _init(ceremony, 1, ceremony.tokens[1], capsys)
    assert code == 0, out
    assert "sealing key registered" in out


def test_step_with_server_overrides_the_stored_address_for_this_run(
    ceremony: Ceremony, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    init_all(ceremony, capsys)
    reached: list[str] = []

    def recording(server: str, token: str) -> Any:
        reached.append(server)
        return client_transport(server, token)

    monkeypatch.setattr(trustee_cli, "TRANSPORT_FACTORY", recording)
    elsewhere = "https://moot.example.org"
    code, out = run(
        ["trustee", "step", "--dir", str(ceremony.dirs[1]), "--server", elsewhere], capsys
    )
    assert code == 0, out
    assert reached == [elsewhere]
    stored = json.loads((ceremony.dirs[1] / "state.json").read_text())
    assert stored["server"] == SERVER
    code, out = run(["trustee", "status", "--dir", str(ceremony.dirs[1])], capsys)
    assert code == 0, out
    assert reached == [elsewhere, SERVER]
