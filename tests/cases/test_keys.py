"""Custody of the case key (docs/cases.md, "Lost key"): split among named holders, recovered
from any k shares after the key file is lost, rotated with everything re-encrypted; each use
audited without the shares; `moot cases key ...` on the command line."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

from cases.intake_world import PDF, case_keys, public_complaint  # noqa: F401
from moot.audit.models import AuditEvent
from moot.cases import crypto
from moot.cases import evidence as files
from moot.cases.actions.keys import do_recover_key, do_rotate_key, do_split_key
from moot.cases.errors import CaseError
from moot.cases.models import Case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("case_keys")]
HOLDERS = ["Ada Treasurer", "Ben Chair", "Cy Secretary"]


def test_a_lost_key_is_recovered_from_two_of_three_shares(world):
    case, _ = public_complaint(world, files=[("post.pdf", PDF)])
    shares = do_split_key(threshold=2, holders=HOLDERS, acting_user=None)
    assert [holder for holder, _ in shares] == HOLDERS
    crypto.keys_path().unlink()
    with pytest.raises(crypto.CaseKeyError):
        crypto.open_text(Case.objects.get(pk=case.pk), "description_enc")
    kid = do_recover_key(shares=[shares[2][1], shares[0][1]], acting_user=None)
    reread = Case.objects.get(pk=case.pk)
    assert crypto.open_text(reread, "description_enc").startswith("At the branch meeting")
    assert files.read(reread.evidence.get()) == PDF
    split, recovered = (
        AuditEvent.objects.get(verb="cases.split_key"),
        AuditEvent.objects.get(verb="cases.recover_key"),
    )
    assert split.after["holders"] == HOLDERS
    assert recovered.after == {"key": kid, "shares": [1, 3]}
    assert shares[0][1] not in str(split.after)


def test_one_share_is_not_enough_and_a_foreign_share_is_refused(world):
    public_complaint(world)
    shares = do_split_key(threshold=2, holders=HOLDERS, acting_user=None)
    with pytest.raises(CaseError, match="2 different shares are needed, 1 given"):
        do_recover_key(shares=[shares[0][1]], acting_user=None)
    other = do_split_key(threshold=2, holders=HOLDERS, acting_user=None)
    # Same key split twice: shares of two splits of one key do not combine.
    with pytest.raises(CaseError):
        do_recover_key(shares=[shares[0][1], other[1][1]], acting_user=None)
    with pytest.raises(CaseError, match="already in the key file"):
        do_recover_key(shares=[shares[0][1], shares[1][1]], acting_user=None)


def test_rotation_re_encrypts_everything_and_retires_the_old_key(
    world, django_capture_on_commit_callbacks
):
    case, _ = public_complaint(world, files=[("post.pdf", PDF)])
    old = crypto.current_key()[0]
    with django_capture_on_commit_callbacks(execute=True):
        new, count = do_rotate_key(acting_user=None)
    assert new != old
    assert [kid for kid, _ in crypto.read_keys()] == [new]
    reread = Case.objects.get(pk=case.pk)
    assert crypto.key_id_of(reread.description_enc) == new
    assert crypto.open_text(reread, "description_enc").startswith("At the branch meeting")
    assert files.read(reread.evidence.get()) == PDF
    assert count >= 4  # description, contact, file name, the file, the log's messages
    assert AuditEvent.objects.get(verb="cases.rotate_key").after["retired"] == [old]


def test_the_command_splits_into_files_and_recovers_from_them(world, tmp_path):
    public_complaint(world)
    out = io.StringIO()
    call_command(
        "cases",
        "key",
        "split",
        "--threshold",
        "2",
        *[part for holder in HOLDERS for part in ("--holder", holder)],
        "--out",
        str(tmp_path / "shares"),
        stdout=out,
    )
    made = sorted((tmp_path / "shares").iterdir())
    assert len(made) == 3
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in made)
    crypto.keys_path().unlink()
    with pytest.raises(CommandError, match="does not open"):
        call_command("cases", "key", "check", stdout=io.StringIO(), stderr=io.StringIO())
    call_command(
        "cases",
        "key",
        "recover",
        "--share-file",
        str(made[0]),
        "--share-file",
        str(made[2]),
        stdout=io.StringIO(),
    )
    done = io.StringIO()
    call_command("cases", "key", "check", stdout=done)
    assert "opens the cases" in done.getvalue()


def _as_typed(*argv: str, stdout: io.StringIO | None = None) -> None:
    """Run `moot cases ...` as the command line does (run_from_argv without closing the test's
    connection): the options parsed from argv, so the system checks run unless skipped."""
    command = load_command_class("moot.cases", "cases")
    options = vars(command.create_parser("moot", "cases").parse_args(list(argv)))
    args = options.pop("args", ())
    command.execute(*args, stdout=stdout or io.StringIO(), stderr=io.StringIO(), **options)


def test_recover_and_check_run_while_the_start_up_check_fails(world, tmp_path):
    """The system check cases.E001 reports the lost key; the command that fixes it must not be
    stopped by it (run with the checks on, as `moot cases key recover` is typed)."""
    public_complaint(world)
    call_command(
        "cases",
        "key",
        "split",
        "--threshold",
        "2",
        *[part for holder in HOLDERS for part in ("--holder", holder)],
        "--out",
        str(tmp_path / "shares"),
        stdout=io.StringIO(),
    )
    made = sorted((tmp_path / "shares").iterdir())
    crypto.keys_path().unlink()
    with pytest.raises(CommandError, match="does not open"):
        _as_typed("key", "check")
    _as_typed("key", "recover", "--share-file", str(made[0]), "--share-file", str(made[1]))
    done = io.StringIO()
    _as_typed("key", "check", stdout=done)
    assert "opens the cases" in done.getvalue()
