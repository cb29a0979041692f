"""Credentials (issue 11 item 5): derived from a key outside the database, never stored; each
refusal of a credential says which it is."""

from __future__ import annotations

import datetime
import hashlib
import stat

import pytest
from django.utils import timezone

from factories import MemberFactory, UnitFactory
from moot.ballots import credentials
from moot.ballots.errors import BallotError
from moot.ballots.models import Ballot, RevokedCredential, RollEntry

pytestmark = pytest.mark.django_db


def _frozen_ballot(unit: object, title: str = "National executive") -> Ballot:
    ballot = Ballot.objects.create(
        unit=unit,
        title=title,
        kind="election",
        method="scottish-stv",
        state="frozen",
        frozen_at=timezone.now(),
    )
    credentials.create_ballot_key(ballot)
    return ballot


def _entry(ballot: Ballot, *, eligible: bool = True, **fields: object) -> RollEntry:
    member = MemberFactory()
    return RollEntry.objects.create(
        ballot=ballot, member=member, unit=member.constituency, eligible=eligible, **fields
    )


def test_credential_is_derived_shaped_and_stable_but_changes_with_serial() -> None:
    unit = UnitFactory(kind="national")
    ballot = _frozen_ballot(unit)
    entry = _entry(ballot)
    code = credentials.credential_for(ballot, entry)
    assert len(code) == 19
    assert code.count("-") == 3
    assert set(code.replace("-", "")) <= set(credentials.CROCKFORD)
    credentials.forget_keys()  # read back from the file: the same credential
    assert credentials.credential_for(ballot, entry) == code
    entry.serial = 1
    assert credentials.credential_for(ballot, entry) != code


def test_key_file_is_private_and_outside_the_database() -> None:
    ballot = _frozen_ballot(UnitFactory(kind="national"))
    path = credentials.key_path(ballot)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert str(ballot.pk) in path.name
    credentials.destroy_ballot_key(ballot)
    assert not path.exists()
    with pytest.raises(BallotError, match="credential key of this ballot"):
        credentials.credential_for(ballot, _entry(ballot))


def test_hash_normalises_case_dashes_and_crockford_aliases() -> None:
    assert credentials.hash_credential("abcd-ef01-oil0-2345") == credentials.hash_credential(
        "ABCDEF0101102345"
    )
    assert (
        credentials.hash_credential("ABCD EF01 0110 2345")
        == hashlib.sha256(b"ABCDEF0101102345").hexdigest()
    )


def test_paper_check_is_six_digits_and_depends_on_number_and_ballot() -> None:
    unit = UnitFactory(kind="national")
    first, second = _frozen_ballot(unit), _frozen_ballot(unit, "Other")
    codes = {credentials.paper_check(first, n) for n in range(1, 50)}
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(codes) > 40
    assert credentials.paper_check(first, 7) != credentials.paper_check(second, 7) or (
        credentials.paper_check(first, 8) != credentials.paper_check(second, 8)
    )


def test_entry_for_credential_finds_the_entry() -> None:
    ballot = _frozen_ballot(UnitFactory(kind="national"))
    entry = _entry(ballot)
    code = credentials.credential_for(ballot, entry)
    entry.credential_hash = credentials.hash_credential(code)
    entry.save()
    assert credentials.entry_for_credential(ballot, code.lower()).pk == entry.pk


def test_entry_for_credential_refusals_are_distinct() -> None:
    unit = UnitFactory(kind="national")
    ballot, other = _frozen_ballot(unit), _frozen_ballot(unit, "Other ballot")
    with pytest.raises(BallotError, match="16 letters and digits") as exc:
        credentials.entry_for_credential(ballot, "12345")
    assert exc.value.field == "credential"
    with pytest.raises(BallotError, match="No voter of this ballot") as exc:
        credentials.entry_for_credential(ballot, "AAAA-BBBB-CCCC-DDDD")
    assert exc.value.code == "not_found"

    elsewhere = _entry(other)
    code = credentials.credential_for(other, elsewhere)
    elsewhere.credential_hash = credentials.hash_credential(code)
    elsewhere.save()
    with pytest.raises(BallotError, match="another ballot"):
        credentials.entry_for_credential(ballot, code)

    replaced = _entry(ballot)
    old = credentials.credential_for(ballot, replaced)
    RevokedCredential.objects.create(
        ballot=ballot,
        entry=replaced,
        credential_hash=credentials.hash_credential(old),
        reason="lost",
        revoked_at=timezone.make_aware(datetime.datetime(2026, 3, 4, 12)),
    )
    with pytest.raises(BallotError, match="replaced on 4 March 2026: use the newest"):
        credentials.entry_for_credential(ballot, old)

    barred = _entry(ballot, eligible=False, reason="Suspended", clause="4.2")
    code = credentials.credential_for(ballot, barred)
    barred.credential_hash = credentials.hash_credential(code)
    barred.save()
    with pytest.raises(BallotError, match="may not vote") as exc:
        credentials.entry_for_credential(ballot, code)
    assert exc.value.clause == "4.2"
    assert exc.value.code == "ineligible"
