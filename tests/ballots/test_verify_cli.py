"""`moot ballot verify BUNDLE` runs the pure verifier with no database at all (B8's bench and
anyone holding a published record run it); `moot ballot export ID OUT.zip` writes the record."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from moot.ballots.actions.record import do_publish_ballot_record
from moot.ballots.record import record_bytes, record_files, zip_files
from moot.verify.record import MANIFEST, dump_json, sha256_hex

from .record_world import declared_ballot

MOOT = Path(sys.executable).with_name("moot")


def run_moot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MOOT), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def no_database_env(tmp_path: Path) -> dict[str, str]:
    """A database that cannot be reached: a PostgreSQL port nobody listens on. Anything that
    touched the database would fail (and say so on stderr)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(
        DJANGO_SETTINGS_MODULE="moot.site.settings",
        DATABASE_URL="postgres://nobody:nothing@127.0.0.1:9/no-such-database",
        MOOT_VAR_DIR=str(tmp_path / "var"),
        MOOT_KEYS_DIR=str(tmp_path / "keys"),
        MOOT_HTTPS="0",
    )
    return env


@pytest.mark.django_db
def test_verify_runs_without_a_database(tmp_path: Path, settings) -> None:
    from moot.audit import checkpoint as cp

    settings.MOOT_AUDIT_KEY = str(tmp_path / "audit-key.pem")
    public = cp.generate_key(tmp_path / "audit-key.pem")
    key_file = tmp_path / "site.pub"
    key_file.write_text(cp.public_key_text(public))
    declared = declared_ballot()
    bundle = tmp_path / "record.zip"
    bundle.write_bytes(record_bytes(declared.ballot))
    files = record_files(declared.ballot)
    manifest = json.loads(files[MANIFEST])
    manifest["elected"] = ["Ed Elwood", *manifest["elected"][1:]]
    forged = tmp_path / "forged.zip"
    forged.write_bytes(zip_files({**files, MANIFEST: dump_json(manifest)}))
    env = no_database_env(tmp_path)
    elected = ", ".join(declared.ballot.result["elected"])
    one_line = "ed25519:" + __import__("base64").b64encode(cp.raw_public(public)).decode()

    for key in (str(key_file), one_line, cp.raw_public(public).hex()):
        done = run_moot("ballot", "verify", str(bundle), "--public-key", key, env=env)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().endswith(
            f"the record holds and is signed by the site's key; elected: {elected}"
        )
        assert "re-derived byte for byte" in done.stdout
        assert done.stderr == ""
    done = run_moot(
        "ballot", "verify", str(bundle), "--key-fingerprint", cp.fingerprint(public), env=env
    )
    assert done.returncode == 0, done.stderr

    # Without a key: consistent, never "the record holds"; a distinct exit status.
    done = run_moot("ballot", "verify", str(bundle), env=env)
    assert done.returncode == 3
    assert "the record holds" not in done.stdout + done.stderr
    assert "UNAUTHENTICATED" in done.stderr
    done = run_moot("ballot", "verify", str(bundle), "--unauthenticated", env=env)
    assert done.returncode == 0
    assert "UNAUTHENTICATED" in done.stderr
    assert "the record holds" not in done.stdout + done.stderr

    done = run_moot("ballot", "verify", str(forged), "--public-key", str(key_file), env=env)
    assert done.returncode == 1
    assert "FAIL manifest.json: declared elected Ed Elwood" in done.stderr
    assert "the record does NOT hold" in done.stderr

    done = run_moot("ballot", "verify", str(bundle), "--public-key", "ed25519:AAAA", env=env)
    assert done.returncode == 1
    assert "--public-key" in done.stderr

    done = run_moot("ballot", "verify", str(tmp_path / "missing.zip"), env=env)
    assert done.returncode == 1
    assert "no such file" in done.stderr


@pytest.mark.pure
def test_the_verifier_loads_no_django(tmp_path: Path) -> None:
    """The module the command runs is pure: importing and running it loads no Django."""
    program = (
        "import sys, moot.verify.record as r\n"
        "report = r.verify_bundle(sys.argv[1])\n"
        "assert not report.ok\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    (tmp_path / "x.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", program, str(tmp_path / "x.zip")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.django_db
def test_export_writes_the_published_record_byte_for_byte(tmp_path: Path, capsys, settings) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path / "m")}},
    }
    declared = declared_ballot()
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    call_command("ballot", "export", str(declared.ballot.pk), str(first))
    assert "built now; not yet published" in capsys.readouterr().out
    digest = do_publish_ballot_record(declared.ballot.pk)
    call_command("ballot", "export", str(declared.ballot.pk), str(second))
    out = capsys.readouterr().out
    assert f"SHA-256 {digest} (the published record)" in out
    assert first.read_bytes() == second.read_bytes()
    assert sha256_hex(second.read_bytes()) == digest
    with pytest.raises(CommandError, match="already exists"):
        call_command("ballot", "export", str(declared.ballot.pk), str(second))
    with pytest.raises(CommandError, match="no ballot number 999999"):
        call_command("ballot", "export", "999999", str(tmp_path / "c.zip"))
    declared.ballot.state = "counted"
    declared.ballot.bundle_sha256 = ""
    declared.ballot.save()
    with pytest.raises(CommandError, match="published when the ballot is declared"):
        call_command("ballot", "export", str(declared.ballot.pk), str(tmp_path / "d.zip"))
