"""A verifiable ballot from start to end on the live server (issue 12, "Done when"): the trustees
make the key with the real ``moot trustee`` command over HTTP, the credential authority
generates and uploads the list with ``moot credentials``; a member votes on a phone in Chromium
(booth.js and booth-crypto.js encrypt), sees the tracker and finds it on the board; another
audits an encryption on the audit page, then casts afresh; a postal paper is counted beside
them; the returning officer closes it on its page (the count is refused until the trustees have
decrypted); two of the three trustees mix and decrypt (the second is away); the count, the
scrutineer's signature and the declaration on issue 11's pages; the published record
passes ``moot verify`` in a subprocess; axe (WCAG 2.2 A/AA) on every page."""

from __future__ import annotations

import csv
import datetime
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import PHONE, signed_in_page

pytestmark = pytest.mark.django_db(transaction=True)


def _fits(page: Any, label: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{label}: the page is {width}px wide"


def _cli(argv: list[str], capsys: Any) -> str:
    from moot.cli import main

    code = main(argv)
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    return out.out + out.err


def _encrypt(page: Any, ranks: dict[int, int], credential: str) -> str:
    for index, rank in ranks.items():
        page.locator(f"#rank-{index}").fill(str(rank))
    page.locator("#voting-credential").fill(credential)
    page.locator("#encrypt").click()
    expect(page.locator("#step-encrypted")).to_be_visible(timeout=30_000)
    tracker = page.locator("#tracker").inner_text()
    assert len(tracker.replace(" ", "")) == 64
    return tracker


def _post_paper(ballot: Any, entry: Any, candidate_ids: list[int]) -> None:
    """A postal paper the tellers keyed and decided (issue 11's sealed post return)."""
    from moot.ballots import content, secrecy
    from moot.ballots.models import Return

    text = json.dumps(candidate_ids, separators=(",", ":"))
    sealed = secrecy.seal(ballot, text, content.padded_width(ballot))
    Return.objects.create(ballot=ballot, entry=entry, slot="any", channel="post", sealed=sealed)


def test_a_verifiable_ballot_end_to_end(
    live_server: Any, browser: Any, axe: Any, tmp_path: Path, capsys: Any
) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from factories import UserFactory
    from moot.ballots.definition import definition_of, sha256_of
    from moot.ballots.models import Ballot, RollEntry
    from moot.verifiable.actions.mixing import do_skip_mixer
    from moot.verifiable.models import BoardEntry, Election, ElectionState
    from trustee.conftest import init_all, make_ceremony

    call_command("audit", "ensure-key", verbosity=0)  # the record is signed by the site
    server = live_server.url
    # 1. The trustees' key, by the real command over HTTP (2 of 3).
    ceremony = make_ceremony(tmp_path, ballot_state="frozen")
    ballot = Ballot.objects.get(pk=ceremony.ballot_id)
    ro, scrutineer = ceremony.returning_officer, ceremony.trustees[1]
    Ballot.objects.filter(pk=ballot.pk).update(scrutineer=scrutineer)
    init_all(ceremony, capsys, server=server)
    for _ in range(6):
        for directory in ceremony.dirs.values():
            _cli(["trustee", "step", "--dir", str(directory)], capsys)
    election = ceremony.refresh()
    assert election.state == ElectionState.CREDENTIALS, election.state
    # 2. The credential authority: one credential per voter, the public list uploaded.
    entries = list(RollEntry.objects.filter(ballot=ballot).order_by("pk"))
    out = tmp_path / "authority"
    _cli(
        [
            *("credentials", "generate", "--uuid", str(election.uuid)),
            *("--count", str(len(entries)), "--out", str(out)),
        ],
        capsys,
    )
    _cli(
        [
            *("credentials", "upload", "--server", server, "--ballot", str(ballot.pk)),
            *("--token", ceremony.authority_token),
            *("--file", str(out / "public-credentials.json")),
        ],
        capsys,
    )
    rows = list(csv.reader((out / "credentials-secret.csv").read_text().splitlines()))[1:]
    credentials = [row[0] for row in rows]
    election = ceremony.refresh()
    assert election.state == ElectionState.OPEN
    # The ballot is issued (issue 11's issue, tested there): open for voting.
    Ballot.objects.filter(pk=ballot.pk).update(state="open")
    voters = []
    for entry in entries[:2]:
        user = UserFactory()
        entry.member.user = user
        entry.member.save(update_fields=["user"])
        voters.append(user)

    # 3. A member votes on a phone: encrypt, cast, the tracker found on the board.
    phone = signed_in_page(browser, live_server, voters[0])
    phone.goto(f"{server}/ballots/{ballot.pk}/verifiable/vote/")
    expect(phone.locator("#booth")).to_be_visible()
    axe.check(phone, "the verifiable booth (phone)")
    _fits(phone, "the booth")
    tracker = _encrypt(phone, {1: 1, 0: 2}, credentials[0])
    expect(phone.locator("#step-encrypted")).to_contain_text("NOT cast yet")
    axe.check(phone, "the booth: encrypted, not cast (phone)")
    phone.locator("#cast").click()
    expect(phone.locator("#step-cast")).to_be_visible(timeout=30_000)
    expect(phone.locator("#cast-tracker")).to_have_text(tracker)
    axe.check(phone, "the booth: cast (phone)")
    phone.locator("#cast-board").click()
    phone.wait_for_url(f"**/ballots/{ballot.pk}/verifiable/board/**")
    phone.get_by_label("Find a tracker").fill(tracker)
    phone.get_by_role("button", name="Find").click()
    expect(phone.locator("#found")).to_contain_text("Your ballot is on the board")
    axe.check(phone, "the public board: the tracker found (phone)")
    _fits(phone, "the board")

    # 4. Another checks an encryption (Benaloh audit) on the audit page, then casts afresh.
    second = signed_in_page(browser, live_server, voters[1])
    second.goto(f"{server}/ballots/{ballot.pk}/verifiable/vote/")
    audited = _encrypt(second, {2: 1, 1: 2}, credentials[1])
    second.locator("#check").click()
    expect(second.locator("#step-audit")).to_be_visible()
    audit = second.locator("#audit-json").input_value()
    assert json.loads(audit)["plaintexts"]
    axe.check(second, "the booth: the audit shown (phone)")
    auditor = signed_in_page(browser, live_server, voters[1])
    auditor.goto(f"{server}/ballots/{ballot.pk}/verifiable/audit/")
    auditor.get_by_label("The audit the booth showed you").fill(audit)
    auditor.get_by_role("button", name="Check").click()
    expect(auditor.locator("#result")).to_contain_text("The audit checks out")
    axe.check(auditor, "the audit check page: it checks out (phone)")
    second.locator("#again").click()
    cast = _encrypt(second, {2: 1, 1: 2}, credentials[1])
    assert cast != audited  # encrypted afresh: the audited ballot is never cast
    second.locator("#cast").click()
    expect(second.locator("#step-cast")).to_be_visible(timeout=30_000)
    assert not BoardEntry.objects.filter(tracker=audited.replace(" ", "")).exists()
    # A postal paper, keyed by the tellers as in issue 11 (not on the board).
    ada, _bea, cy = (c.pk for c in ballot.candidates.filter(on_ballot=True).order_by("position"))
    _post_paper(ballot, entries[2], [cy, ada])

    # 5. The close, then two of the three trustees mix and decrypt (trustee 2 is away).
    Ballot.objects.filter(pk=ballot.pk).update(
        close_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    ballot.refresh_from_db()
    officer = signed_in_page(browser, live_server, ro)
    officer.goto(f"{server}/ballots/{ballot.pk}/close/")
    officer.get_by_label("I have checked the above").check()
    officer.get_by_role("button", name="Close the ballot").click()
    expect(officer.get_by_text("The ballot is closed: 3 ballots to count")).to_be_visible()
    # The count waits for the trustees: refused, and it says why.
    officer.get_by_label("I have checked the above").check()
    officer.get_by_role("button", name="Count the ballot").click()
    expect(officer.get_by_text("once its trustees have mixed and decrypted").first).to_be_visible()
    axe.check(officer, "the count, waiting for the trustees (phone)")
    assert officer.console_errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]  # the refusal's own status
    officer.console_errors.clear()
    for _ in range(4):
        for index in (1, 3):
            _cli(["trustee", "step", "--dir", str(ceremony.dirs[index])], capsys)
        election = ceremony.refresh()
        if election.state == ElectionState.MIXING and 2 not in election_mixers(election):
            do_skip_mixer(election, 2, "away on the day of the mix", acting_user=ro)
        if election.state == ElectionState.DECRYPTED:
            break
    election = Election.objects.get(pk=election.pk)
    assert election.state == ElectionState.DECRYPTED

    # 6. Issue 11's count, the scrutineer's signature, the declaration.
    ballot = Ballot.objects.get(pk=ballot.pk)
    Ballot.objects.filter(pk=ballot.pk).update(
        definition_hash=sha256_of(definition_of(ballot)),
        roll_commitment=roll_commitment(ballot, entries),
    )
    officer.goto(f"{server}/ballots/{ballot.pk}/count/")
    officer.get_by_label("I have checked the above").check()
    officer.get_by_role("button", name="Count the ballot").click()
    expect(officer.get_by_text("locked until the scrutineer signs").first).to_be_visible()
    ballot.refresh_from_db()
    assert ballot.returns["counted"] == 3
    signer = signed_in_page(browser, live_server, scrutineer)
    signer.goto(f"{server}/ballots/{ballot.pk}/scrutineer/")
    for key in ("a", "b", "c"):
        signer.locator(f"input[name={key}_satisfied][value=yes]").check()
    signer.get_by_role("button", name="Sign the report").click()
    expect(signer.get_by_text("You signed the report")).to_be_visible()
    axe.check(signer, "the scrutineer's report of a verifiable ballot, signed (phone)")
    officer.goto(f"{server}/ballots/{ballot.pk}/declare/")
    officer.get_by_label("I have checked the above").check()
    officer.get_by_role("button", name="Declare the result").click()
    expect(officer.get_by_text("The result is declared and public.")).to_be_visible()
    ballot.refresh_from_db()
    assert ballot.state == "declared"
    assert ballot.bundle_sha256, ballot.record_failure

    # 7. The results and record pages, the record downloaded and verified by `moot verify`.
    officer.goto(f"{server}/ballots/{ballot.pk}/results/")
    expect(officer.locator("#board-head")).to_have_text(election.board_head)
    axe.check(officer, "the results page of a verifiable ballot (phone)")
    officer.goto(f"{server}/ballots/{ballot.pk}/record/")
    command = officer.locator("#verify-verifiable").inner_text()
    axe.check(officer, "the record page of a verifiable ballot (phone)")
    answer = officer.request.get(f"{server}/ballots/{ballot.pk}/record.zip")
    assert answer.status == 200
    path = tmp_path / f"ballot-{ballot.pk}-record.zip"
    path.write_bytes(answer.body())
    key = command.split("--public-key ", 1)[1].strip()
    assert key.startswith("ed25519:")
    done = subprocess.run(
        [sys.executable, "-m", "moot.cli", "verify", str(path), "--public-key", key],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the record holds and is signed by the site's key" in done.stdout
    assert "verifiable: the count holds the board's 2 valid decrypted rankings" in done.stdout
    for page in (phone, second, auditor, officer, signer):
        assert page.console_errors == [], page.console_errors
        page.context.close()
    axe.assert_clean()


def election_mixers(election: Any) -> set[int]:
    from moot.verifiable.models import BoardEntry

    return {
        json.loads(e.body)["payload"]["mixer"]
        for e in BoardEntry.objects.filter(election=election, kind="shuffle")
    }


def roll_commitment(ballot: Any, entries: list[Any]) -> dict[str, Any]:
    """As at the freeze (the world above skips issue 11's freeze, tested there)."""
    channels = {"online": 0, "post": 0}
    for entry in entries:
        channels[entry.channel] += 1
    return {
        "format": "moot-ballot-roll/1",
        "ballot": ballot.pk,
        "freeze_date": None,
        "root": "ab" * 32,
        "size": len(entries),
        "assessed": len(entries),
        "refused": 0,
        "constituencies": [{"unit": ballot.unit_id, "name": "National", "eligible": len(entries)}],
        "regions": [{"unit": None, "name": "(no region)", "eligible": len(entries)}],
        "refusals": [],
        "channels": channels,
    }
