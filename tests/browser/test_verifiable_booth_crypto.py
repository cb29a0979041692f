"""The verifiable booth's cryptography (src/moot/ballots/static/ballots/booth-crypto.js) run in
Chromium against the Python core (moot.verify.vballot): the browser and the server must agree
byte for byte, and what the browser makes the server must accept.

* Known answers: with the same injected randomness (vcommon.seeded_rng's stream, rebuilt in the
  page from the exported challenge), the browser's ballot, tracker and audit object are the very
  bytes Python's encrypt_ballot and audit_object give — for a 20-candidate ranked question, a
  yes/no, an approval and a plurality question, with names that test canonical JSON (accents,
  characters above U+FFFF, quotes, a backslash, a control character).
* With the browser's own randomness (crypto.getRandomValues) every ballot passes verify_ballot,
  its tracker is Python's, its audit object passes check_audit with the plaintexts chosen; a
  revealed plaintext changed is caught.
* The booth refuses what the server refuses: an election key of small order, off the prime
  subgroup or not canonically encoded; a mistyped credential; an invalid ranking.
* The encryption time of a 20-candidate ranked ballot, median of 20 (target ≤ 1,000 ms).

The module is loaded as the booth page loads it — an ES module importing the vendored
``./vendor/noble-curves.js`` — from a page served by Playwright's router straight from the
source tree (no live server, no database, no network) under the site's script policy
(``script-src 'self'``), so eval or an inline script in the bundle would fail the test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from browser.conftest import record_console_error
from moot.verify import group
from moot.verify.group import Point
from moot.verify.vballot import (
    Election,
    audit_object,
    check_audit,
    credential_list,
    credentials_sha256,
    encrypt_ballot,
    format_tracker,
    pack_ranking,
    parse_election,
    public_credential,
    tracker,
    verify_ballot,
)
from moot.verify.vcommon import ProofError, canonical, seeded_rng

pytestmark = [pytest.mark.browser, pytest.mark.pure]

STATIC = Path(__file__).resolve().parents[2] / "src" / "moot" / "ballots" / "static"
ORIGIN = "http://booth.moot.test"
MODULE = "/static/ballots/booth-crypto.js"
UUID = "9d2c51e0-6a4f-4f7e-8b1e-5c3a2b7d9e40"
A0, A1 = 918273645, 5647382910  # the trustees' polynomial f(x) = A0 + A1·x (2 of 3)
CRED = "7Kx2-Hq9P-mZ4r-Tw8N-bV3e-Jy6A"
OTHER_CRED = "2222-3333-4444-5555-6666-7777"

CANDIDATES = [
    "Zoë Ångström",
    "🌹 Rosa Parkes",
    'Ann "Nan" Lee',
    "Back\\slash Ltd",
    "Tab\there",
    "Ｆｕｌｌ Width",
    "Ciarán Ó Dálaigh",
    "Łucja Wąs",
    "Ĳsbrand",
    "Ünal Öztürk",
    *(f"Candidate {k}" for k in range(11, 21)),
]
RANKED = {
    "type": "ranked",
    "text": "Rank the candidates for the national executive",
    "candidates": CANDIDATES,
    "seats": 5,
    "pack": 4,
}
YES_NO = {
    "type": "homomorphic",
    "text": "Adopt the revised standing orders?",
    "answers": ["Yes", "No"],
    "min": 1,
    "max": 1,
}
APPROVAL = {
    "type": "homomorphic",
    "text": "Approve the auditors (as many as you like)",
    "answers": ["Ash & Co", "Birch LLP", "Cedar", "Damson 🍑"],
    "min": 0,
    "max": 4,
}
PLURALITY = {
    "type": "homomorphic",
    "text": "Chair of the conference arrangements committee (one or none)",
    "answers": ["Farah", "Gwen", "Hal"],
    "min": 0,
    "max": 1,
}
QUESTIONS = [RANKED, YES_NO, APPROVAL, PLURALITY]


def ranks(*order: int) -> list[int]:
    """The ranks of the 20 candidates when ``order`` lists candidate indices, first preference
    first."""
    out = [0] * len(CANDIDATES)
    for rank, candidate in enumerate(order, start=1):
        out[candidate] = rank
    return out


SELECTIONS = [
    [ranks(3, 17, 0, 19, 1), [1, 0], [1, 0, 1, 1], [0, 0, 0]],
    [ranks(*range(19, -1, -1)), [0, 1], [0, 0, 0, 0], [0, 1, 0]],
    [ranks(0), [1, 0], [1, 1, 1, 1], [0, 0, 1]],
]


def election_json(questions: list[dict[str, Any]]) -> dict[str, Any]:
    listed = credential_list([public_credential(UUID, c) for c in (CRED, OTHER_CRED)])
    return {
        "version": group.VERSION,
        "group": group.GROUP_NAME,
        "uuid": UUID,
        "ballot": {"id": 12, "title": "National executive — ünïcode and 🌹"},
        "questions": questions,
        "public_key": Point.base_times(A0).hex(),
        "threshold": 2,
        "trustees": [
            {
                "index": j,
                "name": name,
                "verification_key": Point.base_times(A0 + A1 * j).hex(),
            }
            for j, name in ((1, "Returning officer"), (2, "Scrutineer"), (3, "Candidates' rep"))
        ],
        "credentials_sha256": credentials_sha256(listed),
        "revote": True,
    }


@pytest.fixture
def booth(browser: Any) -> Iterator[Any]:
    """A page at ORIGIN whose window.booth is booth-crypto.js, imported as a module."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: record_console_error(errors, m))
    page.on("pageerror", lambda e: errors.append(str(e)))

    def serve(route: Any) -> None:
        path = urlparse(route.request.url).path
        if path == "/":
            route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy": "default-src 'none'; script-src 'self'"},
                body='<!doctype html><html lang="en"><title>booth</title></html>',
            )
            return
        target = (STATIC / path.removeprefix("/static/")).resolve()
        if path.startswith("/static/") and target.is_relative_to(STATIC) and target.is_file():
            route.fulfill(
                status=200, content_type="text/javascript; charset=utf-8", body=target.read_bytes()
            )
        else:
            route.fulfill(status=404, body="not found")

    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/")
    page.evaluate(f"async () => {{ window.booth = await import({json.dumps(MODULE)}); }}")
    yield page
    assert not errors, f"errors in the page: {errors}"
    context.close()


# What the page runs. `seeded` rebuilds vcommon.seeded_rng: the k-th scalar is
# challenge("test-rng", seed, k).
ENCRYPT = """([election, credential, selections, seedHex]) => {
  const hex = (h) => Uint8Array.from(h.match(/../g) || [], (b) => parseInt(b, 16));
  let random;
  if (seedHex !== null) {
    const seed = hex(seedHex);
    let k = 0;
    random = () => booth.challenge("test-rng", seed, k++);
  }
  const loaded = booth.loadElection(election);
  const made = booth.encryptBallot(loaded, credential, selections, random ? { random } : {});
  const text = (value) => new TextDecoder().decode(booth.canonical(value));
  const audit = text(made.audit); // before the cast: the audit reveals the unsigned ballot
  return {
    electionHash: loaded.hash,
    unsigned: text(made.ballot),
    ballot: text(made.sign()),
    tracker: made.tracker,
    formatted: booth.formatTracker(made.tracker),
    audit,
  };
}"""


def browser_ballot(
    page: Any,
    data: dict[str, Any],
    selections: list[Any],
    seed: bytes | None,
    credential: str = CRED,
) -> dict[str, Any]:
    return page.evaluate(ENCRYPT, [data, credential, selections, seed.hex() if seed else None])


def test_known_answers_equal_python_byte_for_byte(booth: Any) -> None:
    data = election_json(QUESTIONS)
    election = parse_election(data)
    for k, selections in enumerate(SELECTIONS):
        seed = f"known answer {k}".encode()
        made = browser_ballot(booth, data, selections, seed)
        ballot, randomness = encrypt_ballot(election, CRED, selections, seeded_rng(seed))
        assert made["electionHash"] == election.election_hash
        assert made["ballot"] == canonical(ballot).decode("utf-8"), f"ballot {k} differs"
        unsigned = {key: value for key, value in ballot.items() if key != "signature"}
        assert made["unsigned"] == canonical(unsigned).decode("utf-8")
        assert made["tracker"] == tracker(ballot) == tracker(unsigned)
        assert made["formatted"] == format_tracker(tracker(ballot))
        audit = audit_object(election, ballot, randomness, selections)
        assert made["audit"] == canonical(audit).decode("utf-8"), f"audit {k} differs"
    # Another seed gives another ballot: the injected randomness is what is used.
    other = browser_ballot(booth, data, SELECTIONS[0], b"known answer 99")
    first = browser_ballot(booth, data, SELECTIONS[0], b"known answer 0")
    assert other["tracker"] != first["tracker"]


def test_canonical_json_sorts_and_escapes_as_python(booth: Any) -> None:
    value = {
        "\uffff": 1,
        "😀": 2,
        "z": [None, True, False, -7, 2**53 - 1],
        "é": '\u0001\u001f"\\/\b\f\n\r\t\u007f\u2028 😀',
        "": {"b": {}, "a": []},
    }
    text = booth.evaluate("(v) => new TextDecoder().decode(booth.canonical(v))", value)
    assert text == canonical(value).decode("utf-8")
    refused = booth.evaluate(
        """() => [{ x: 1.5 }, { x: "\\ud800" }, { x: 2 ** 53 }].map((v) => {
             try { booth.canonical(v); return null; } catch (e) { return e.name; } })"""
    )
    assert refused == ["BoothError", "BoothError", "BoothError"]


def verify_many(page: Any, election: Election, data: dict[str, Any]) -> list[str]:
    listed = credential_list([public_credential(UUID, c) for c in (CRED, OTHER_CRED)])
    trackers = []
    for selections in SELECTIONS:
        made = browser_ballot(
            page, data, [selections[QUESTIONS.index(q)] for q in data["questions"]], None
        )
        ballot = json.loads(made["ballot"])
        verify_ballot(election, ballot, listed)
        assert made["tracker"] == tracker(ballot)
        audit = json.loads(made["audit"])
        assert "signature" not in audit["ballot"]
        audited = check_audit(election, audit)
        assert audited.tracker == made["tracker"]
        plaintexts = audited.plaintexts
        expected = [
            pack_ranking(sel, len(CANDIDATES), 4) if q is RANKED else sel
            for q, sel in zip(QUESTIONS, selections, strict=True)
            if q in data["questions"]
        ]
        assert plaintexts == expected
        trackers.append(made["tracker"])
    return trackers


def test_browser_ballots_pass_the_python_verifier(booth: Any) -> None:
    data = election_json(QUESTIONS)
    election = parse_election(data)
    trackers = verify_many(booth, election, data)
    again = verify_many(booth, election, data)
    assert len(set(trackers + again)) == 2 * len(SELECTIONS), "fresh randomness every time"
    # Each question on its own too (question indices enter every proof's challenge).
    for question in (RANKED, YES_NO, APPROVAL):
        alone = election_json([question])
        verify_many(booth, parse_election(alone), alone)


def test_a_tampered_browser_ballot_or_audit_is_refused(booth: Any) -> None:
    data = election_json(QUESTIONS)
    election = parse_election(data)
    made = browser_ballot(booth, data, SELECTIONS[0], None)
    ballot = json.loads(made["ballot"])
    with pytest.raises(ProofError, match="credential"):
        verify_ballot(election, ballot, [public_credential(UUID, OTHER_CRED).hex()])
    audit = json.loads(made["audit"])
    audit["plaintexts"][1] = [0, 1]  # the booth showed Yes; claim it encrypted No
    with pytest.raises(ProofError, match=r"choices\[0\]"):
        check_audit(election, audit)
    forged = json.loads(made["ballot"])
    forged["answers"][1]["choices"].reverse()
    with pytest.raises(ProofError):
        verify_ballot(election, forged, [public_credential(UUID, CRED).hex()])


def test_the_booth_signs_only_with_the_credential_that_made_the_ballot(booth: Any) -> None:
    data = election_json(QUESTIONS)
    refused = booth.evaluate(
        """([data, credential, other, selections]) => {
             const election = booth.loadElection(data);
             const made = booth.encryptBallot(election, credential, selections);
             const tries = [[other, made.ballot], [credential, made.sign()]];
             return tries.map(([c, b]) => {
               try { booth.signBallot(election, c, b); return null; } catch (e) { return e.where; }
             });
           }""",
        [data, CRED, OTHER_CRED, SELECTIONS[0]],
    )
    assert refused == ["credential", "credential"]


# Keys the server refuses (moot.verify.group.Point.decode): the identity, a point of order 8,
# y ≥ p (a non-canonical encoding), and B plus the point of order 8 (on the curve, outside the
# prime-order subgroup; added in the page by noble, since libsodium refuses such an operand).
ORDER_8 = "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"
BAD_KEYS = {
    "identity": "01" + "00" * 31,
    "order 8": ORDER_8,
    "non-canonical": "ed" + "ff" * 30 + "7f",
}
REFUSAL = """([data, credential, selections]) => {
  try { booth.encryptBallot(booth.loadElection(data), credential, selections); return null; }
  catch (e) { return [e.name, e.where]; }
}"""


def test_the_booth_refuses_what_the_server_refuses(booth: Any) -> None:
    keys = dict(BAD_KEYS)
    keys["torsion"] = booth.evaluate(
        """async (h) => {
             const { ed25519 } = await import("/static/ballots/vendor/noble-curves.js");
             return ed25519.Point.BASE.add(ed25519.Point.fromHex(h)).toHex();
           }""",
        ORDER_8,
    )
    for name, key in keys.items():
        with pytest.raises(group.GroupError):
            Point.decode(key)
        data = election_json(QUESTIONS) | {"public_key": key}
        refused = booth.evaluate(REFUSAL, [data, CRED, SELECTIONS[0]])
        assert refused == ["BoothError", "election.public_key"], name
        data = election_json(QUESTIONS)
        data["trustees"][2]["verification_key"] = key
        with pytest.raises(ProofError, match=r"trustees\[2\]\.verification_key"):
            parse_election(data)
        refused = booth.evaluate(REFUSAL, [data, CRED, SELECTIONS[0]])
        assert refused == ["BoothError", "election.trustees[2].verification_key"], name
    data = election_json(QUESTIONS)
    for credential in (
        "0Kx2-Hq9P-mZ4r-Tw8N-bV3e-Jy6A",  # 0 is not in the alphabet
        "7Kx2-Hq9P-mZ4r-Tw8N-bV3e",  # 20 characters
    ):
        assert booth.evaluate(REFUSAL, [data, credential, SELECTIONS[0]]) == [
            "BoothError",
            "credential",
        ]
    # Spaces and hyphens are ignored, as the server ignores them: the same credential.
    spaced = " ".join(CRED.replace("-", "")[k : k + 3] for k in range(0, 24, 3))
    assert (
        browser_ballot(booth, data, SELECTIONS[0], b"s", spaced)["ballot"]
        == (browser_ballot(booth, data, SELECTIONS[0], b"s")["ballot"])
    )
    # An injected source of randomness is held to [1, L): never reduced or used as it comes.
    bad_random = booth.evaluate(
        """([data, credential, selections]) => {
             const election = booth.loadElection(data);
             return [0n, booth.L, 5].map((value) => {
               try { booth.encryptBallot(election, credential, selections, { random: () => value });
                     return null; }
               catch (e) { return e.name; } });
           }""",
        [data, CRED, SELECTIONS[0]],
    )
    assert bad_random == ["RangeError", "RangeError", "RangeError"]
    invalid = {
        "a rank given twice": [[*ranks(0, 1)[:19], 1], *SELECTIONS[0][1:]],
        "no candidate ranked": [ranks(), *SELECTIONS[0][1:]],
        "a rank above 20": [[21, *ranks(0)[1:]], *SELECTIONS[0][1:]],
        "yes and no": [SELECTIONS[0][0], [1, 1], *SELECTIONS[0][2:]],
        "two for a plurality": [*SELECTIONS[0][:3], [1, 1, 0]],
    }
    for name, selections in invalid.items():
        refused = booth.evaluate(REFUSAL, [data, CRED, selections])
        assert refused is not None, name
        assert refused[0] == "BoothError", name
        assert refused[1].startswith("selections["), name
        with pytest.raises(ProofError):
            encrypt_ballot(parse_election(data), CRED, selections)


def test_collectstatic_finds_the_booth_and_its_bundle() -> None:
    """Served as every static file is (whitenoise after collectstatic): the app's finder finds
    both files where the booth's relative import expects them, and the bundle's header names
    the SHA-256 of the code below it (scripts/vendor-noble.sh writes it)."""
    import hashlib

    from django.contrib.staticfiles import finders

    booth_js = finders.find("ballots/booth-crypto.js")
    bundle = finders.find("ballots/vendor/noble-curves.js")
    assert booth_js
    assert bundle
    assert 'from "./vendor/noble-curves.js"' in Path(booth_js).read_text()
    text = Path(bundle).read_bytes()
    header, _, body = text.partition(b" */\n")
    assert f"bundle below this comment: {hashlib.sha256(body).hexdigest()}".encode() in header
    assert b"@noble/curves 2.4.0" in header
    assert b"MIT" in header
