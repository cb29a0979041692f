"""``moot trustee step``: whatever the election needs next from this trustee.

The server's public ceremony document (``GET /api/ballots/<id>/verifiable/ceremony``) says
where every trustee is; this trustee's own progress is read from it too, so a step that
crashed after the server accepted a post simply goes on from there. Each post is idempotent on
the server (the same value again is accepted, a different one refused), and every secret is
saved in the trustee's directory before the public value made from it is posted.

Everything this trustee relies on is checked here, not taken from the server: the other
trustees' coefficients against their commitment hashes and proofs, every share received
against its dealer's coefficients. When the server's data does not verify, the step says which
trustee and what, and stops.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from moot.trustee import dkg
from moot.trustee.client import Api
from moot.trustee.state import TrusteeDir
from moot.verify import group
from moot.verify.group import Point
from moot.verify.vcommon import ProofError

# The server's trustee states, in order (moot.verifiable.models.TrusteeState).
ORDER = ("invited", "registered", "committed", "revealed", "shared", "checked", "done")


class CeremonyError(Exception):
    """The server's data does not verify, or this directory does not match the server."""


@dataclass
class Outcome:
    did: list[str] = field(default_factory=list)
    waiting: str = ""
    failed: str = ""

    def lines(self) -> list[str]:
        out = [f"did: {line}" for line in self.did] or ["did: nothing new"]
        if self.failed:
            out.append(f"STOPPED: {self.failed}")
        elif self.waiting:
            out.append(f"waiting: {self.waiting}")
        return out


def _at_least(trustee: dict[str, Any], state: str) -> bool:
    return trustee["state"] in ORDER and ORDER.index(trustee["state"]) >= ORDER.index(state)


@dataclass
class Step:
    directory: TrusteeDir
    api: Api
    state: dict[str, Any]
    secrets: dict[str, Any]
    outcome: Outcome = field(default_factory=Outcome)
    extra_steps: list[Callable[[Step, dict[str, Any]], bool]] = field(default_factory=list)

    # --- the document -----------------------------------------------------------------------
    def ceremony(self) -> dict[str, Any]:
        doc = self.api.get("/ceremony")
        if not isinstance(doc, dict) or doc.get("uuid") != self.state["uuid"]:
            raise CeremonyError(
                "the server's ceremony document is not this election's (uuid differs)"
            )
        if int(doc["threshold"]) != int(self.state["threshold"]):
            raise CeremonyError(
                f"the server now says the threshold is {doc['threshold']}; this trustee joined "
                f"an election with threshold {self.state['threshold']}: tell the returning "
                "officer and the scrutineer"
            )
        count = int(doc.get("trustee_count") or len(doc["trustees"]))
        if "trustees" not in self.state:
            self.state["trustees"] = count
            self.directory.save_state(self.state)
        elif count != int(self.state["trustees"]):
            raise CeremonyError(
                f"the server now says there are {count} trustees; this trustee joined an "
                f"election with {self.state['trustees']}: tell the returning officer and the "
                "scrutineer"
            )
        return doc

    def check_key(
        self,
        *,
        uuid: str,
        threshold: int,
        count: int,
        public_key: str,
        own_key: str,
        own_points: list[str],
        dealer_constants: list[str],
    ) -> None:
        """The election's key is the one this trustee's ceremony made: the uuid, t and n it
        joined; its verification key is s_j·B for the share kept here; its coefficients are the
        ones this directory holds; Y is the sum of the qualified dealers' F_{i,0}."""
        problems = []
        if uuid != self.state["uuid"]:
            problems.append(f"the election's uuid is {uuid}, this trustee's {self.state['uuid']}")
        if threshold != int(self.state["threshold"]):
            problems.append(
                f"the threshold is {threshold}, this trustee's {self.state['threshold']}"
            )
        if "trustees" in self.state and count != int(self.state["trustees"]):
            problems.append(
                f"{count} trustees, this trustee's ceremony had {self.state['trustees']}"
            )
        if "share" in self.secrets:
            mine = Point.base_times(group.decode_scalar(self.secrets["share"])).hex()
            if own_key != mine:
                problems.append(
                    f"trustee {self.index}'s verification key is {own_key[:16]}…, the share kept "
                    f"here makes {mine[:16]}…"
                )
        if "coefficients" in self.secrets:
            local = [
                point.hex()
                for point in dkg.commitments(
                    [group.decode_scalar(a) for a in self.secrets["coefficients"]]
                )
            ]
            if own_points != local:
                problems.append(
                    f"trustee {self.index}'s coefficients are not the ones this directory holds"
                )
        total = group.IDENTITY
        try:
            for constant in dealer_constants:
                total = total + Point.decode(constant)
        except (ProofError, ValueError, TypeError):
            problems.append("a qualified dealer's first coefficient is not a point")
        else:
            if total.hex() != public_key:
                problems.append(
                    f"the public key {public_key[:16]}… is not the sum of the qualified dealers' "
                    f"first coefficients ({total.hex()[:16]}…)"
                )
        if problems:
            raise CeremonyError(
                "the election's key is not the one your ceremony made: "
                + "; ".join(problems)
                + " — nothing was mixed or decrypted: tell the returning officer and the "
                "scrutineer"
            )

    def check_ceremony_key(self, doc: dict[str, Any]) -> None:
        """At the end of the ceremony (the key is set): the ceremony document's key."""
        me = self.me(doc)
        self.check_key(
            uuid=str(doc["uuid"]),
            threshold=int(doc["threshold"]),
            count=int(doc.get("trustee_count") or len(doc["trustees"])),
            public_key=str(doc["public_key"]),
            own_key=str(me["verification_key"]),
            own_points=[str(c["point"]) for c in me["coefficients"] or []],
            dealer_constants=[
                str((t["coefficients"] or [{"point": ""}])[0]["point"]) for t in self.dealers(doc)
            ],
        )

    def check_election_key(self, document: dict[str, Any], setup: dict[str, Any]) -> None:
        """Before mixing or decrypting: election.json's key and the board's setup entry."""
        dkg_part = setup.get("dkg") or {}
        rows = {int(r["index"]): r for r in dkg_part.get("trustees") or []}
        keys = {int(t["index"]): str(t["verification_key"]) for t in document["trustees"]}
        qualified = [int(i) for i in dkg_part.get("qualified") or []]
        self.check_key(
            uuid=str(document["uuid"]),
            threshold=int(document["threshold"]),
            count=len(document["trustees"]),
            public_key=str(document["public_key"]),
            own_key=keys.get(self.index, ""),
            own_points=[str(p) for p in (rows.get(self.index) or {}).get("coefficients") or []],
            dealer_constants=[
                str(((rows.get(i) or {}).get("coefficients") or [""])[0]) for i in qualified
            ],
        )

    @property
    def index(self) -> int:
        return int(self.state["index"])

    def me(self, doc: dict[str, Any]) -> dict[str, Any]:
        for trustee in doc["trustees"]:
            if trustee["index"] == self.index:
                return dict(trustee)
        raise CeremonyError(f"the server no longer lists trustee {self.index}")

    @staticmethod
    def qualified(doc: dict[str, Any]) -> list[dict[str, Any]]:
        """The trustees still in the ceremony (share-holders)."""
        return [t for t in doc["trustees"] if t["state"] != "disqualified"]

    @classmethod
    def dealers(cls, doc: dict[str, Any]) -> list[dict[str, Any]]:
        """QUAL: those whose coefficients make the key (no upheld complaint against them)."""
        return [t for t in cls.qualified(doc) if not t["disqualified_reason"]]

    def others_not_yet(self, doc: dict[str, Any], state: str) -> list[str]:
        return [
            f"trustee {t['index']} ({t['name']})"
            for t in self.qualified(doc)
            if not _at_least(t, state)
        ]

    # --- the run -----------------------------------------------------------------------------
    def run(self) -> Outcome:
        for _ in range(20):  # each pass posts at most one thing; a DKG has seven
            doc = self.ceremony()
            me = self.me(doc)
            if me["state"] == "disqualified":
                self.outcome.failed = (
                    f"the server disqualified this trustee: {me['disqualified_reason']}"
                )
                return self.outcome
            if len(self.dealers(doc)) < int(doc["threshold"]):
                self.outcome.failed = (
                    f"only {len(self.dealers(doc))} trustees are left and the election needs "
                    f"{doc['threshold']}: it cannot open (the returning officer is told)"
                )
                return self.outcome
            progressed = self._advance(doc, me)
            if not progressed:
                return self.outcome
        return self.outcome

    def _advance(self, doc: dict[str, Any], me: dict[str, Any]) -> bool:
        state = me["state"]
        if state == "invited":
            self._register()
            return True
        if state == "registered":
            self._commit(doc)
            return True
        if state == "committed":
            return self._reveal(doc)
        if state == "revealed":
            return self._deal(doc)
        if state == "shared":
            return self._receive(doc)
        if state == "checked":
            return self._finalise(doc)
        if doc.get("public_key"):
            self.check_ceremony_key(doc)
        for extra in self.extra_steps:
            if extra(self, doc):
                return True
        if not self.outcome.waiting:
            self.outcome.waiting = _after_keys(doc)
        return False

    # --- the DKG ------------------------------------------------------------------------------
    def _register(self) -> None:
        self.api.post("/trustees/me/seal-key", {"seal_key": self.secrets["seal_public"]})
        self.outcome.did.append("registered this trustee's sealing key")

    def _polynomial(self, threshold: int) -> list[int]:
        if "coefficients" not in self.secrets:
            self.secrets["coefficients"] = [
                group.scalar_hex(a) for a in dkg.random_polynomial(threshold)
            ]
            self.directory.save_secrets(self.secrets)  # before anything is posted
        coefficients = [group.decode_scalar(a) for a in self.secrets["coefficients"]]
        if len(coefficients) != threshold:
            raise CeremonyError(
                f"this directory holds a polynomial for threshold {len(coefficients)}, the "
                f"server says {threshold}"
            )
        return coefficients

    def _my_hash(self, threshold: int) -> str:
        points = dkg.commitments(self._polynomial(threshold))
        return dkg.commitment_hash(self.state["uuid"], self.index, points)

    def _commit(self, doc: dict[str, Any]) -> None:
        digest = self._my_hash(int(doc["threshold"]))
        self.api.post("/trustees/me/commitment", {"commitment_hash": digest})
        self.outcome.did.append(f"committed to this trustee's coefficients ({digest[:16]}…)")

    def _check_my_hash(self, doc: dict[str, Any], me: dict[str, Any]) -> None:
        if me["commitment_hash"] != self._my_hash(int(doc["threshold"])):
            raise CeremonyError(
                "the server holds a commitment hash this directory's coefficients do not make: "
                "this is not the directory that committed (or the server changed it)"
            )

    def _reveal(self, doc: dict[str, Any]) -> bool:
        missing = self.others_not_yet(doc, "committed")
        if missing:
            self.outcome.waiting = "the commitment hashes of " + ", ".join(missing)
            return False
        me = self.me(doc)
        self._check_my_hash(doc, me)
        coefficients = self._polynomial(int(doc["threshold"]))
        self.api.post(
            "/trustees/me/coefficients",
            {"coefficients": dkg.reveal(self.state["uuid"], self.index, coefficients)},
        )
        self.outcome.did.append("revealed the coefficients with their proofs of knowledge")
        return True

    def dealers_points(self, doc: dict[str, Any]) -> dict[int, list[Point]]:
        """Every qualified dealer's coefficients, each checked against its hash and proofs."""
        points: dict[int, list[Point]] = {}
        for trustee in self.dealers(doc):
            try:
                points[trustee["index"]] = dkg.check_reveal(
                    self.state["uuid"],
                    index=trustee["index"],
                    threshold=int(doc["threshold"]),
                    expected_hash=trustee["commitment_hash"],
                    revealed=trustee["coefficients"],
                    where=f"trustee {trustee['index']} ({trustee['name']}), coefficients",
                )
            except ProofError as exc:
                raise CeremonyError(
                    f"the server's data does not verify — {exc}; the server should have "
                    "refused it: do not go on, tell the returning officer and the scrutineer"
                ) from exc
        return points

    def _deal(self, doc: dict[str, Any]) -> bool:
        missing = self.others_not_yet(doc, "revealed")
        if missing:
            self.outcome.waiting = "the revealed coefficients of " + ", ".join(missing)
            return False
        self.dealers_points(doc)  # refuse to deal into an election whose data does not verify
        coefficients = self._polynomial(int(doc["threshold"]))
        packets = []
        for trustee in self.qualified(doc):
            if trustee["index"] == self.index:
                continue
            seal_key = dkg.check_seal_key(trustee["seal_key"], f"trustee {trustee['index']}")
            share = dkg.evaluate(coefficients, trustee["index"])
            sealed = dkg.seal_share(
                self.state["uuid"], self.index, trustee["index"], share, seal_key
            )
            packets.append({"recipient": trustee["index"], "sealed": sealed})
        self.api.post("/trustees/me/packets", {"packets": packets})
        self.outcome.did.append(
            f"sealed and sent a share to each of the {len(packets)} other trustees"
        )
        return True

    def _keys(self) -> dkg.SealKeys:
        return dkg.SealKeys(
            bytes.fromhex(self.secrets["seal_secret"]), bytes.fromhex(self.secrets["seal_public"])
        )

    def _receive(self, doc: dict[str, Any]) -> bool:
        missing = self.others_not_yet(doc, "shared")
        if missing:
            self.outcome.waiting = "the shares of " + ", ".join(missing)
            return False
        points = self.dealers_points(doc)
        packets = {int(p["dealer"]): str(p["sealed"]) for p in self.api.get("/trustees/me/packets")}
        shares: dict[str, str] = {}
        complaints = []
        keys = self._keys()
        for dealer in sorted(points):
            if dealer == self.index:
                continue
            sealed = packets.get(dealer)
            if sealed is None:
                raise CeremonyError(
                    f"trustee {dealer} is shown as having dealt but the server gives no packet "
                    "from them to this trustee"
                )
            where = f"the packet from trustee {dealer}"
            try:
                share = dkg.open_share(
                    sealed,
                    keys=keys,
                    uuid=self.state["uuid"],
                    dealer=dealer,
                    recipient=self.index,
                    where=where,
                )
                good = dkg.share_is_good(points[dealer], self.index, share)
            except ProofError:
                good = False
            if good:
                shares[str(dealer)] = group.scalar_hex(share)
            else:
                complaints.append(
                    {"dealer": dealer, "box_key": dkg.box_key(sealed, keys.secret).hex()}
                )
        self.secrets["received"] = shares
        self.directory.save_secrets(self.secrets)
        self.api.post("/trustees/me/checked", {"complaints": complaints})
        if complaints:
            self.outcome.did.append(
                "checked the shares received; complained against trustee(s) "
                + ", ".join(str(c["dealer"]) for c in complaints)
                + " (their share failed its check: the server re-checks and disqualifies them)"
            )
        else:
            self.outcome.did.append(f"checked the {len(shares)} shares received: all good")
        return True

    def _finalise(self, doc: dict[str, Any]) -> bool:
        missing = self.others_not_yet(doc, "checked")
        if missing:
            self.outcome.waiting = "the share checks of " + ", ".join(missing)
            return False
        points = self.dealers_points(doc)
        coefficients = self._polynomial(int(doc["threshold"]))
        received = self.secrets.get("received", {})
        share = 0
        for dealer in points:
            if dealer == self.index:
                share += dkg.evaluate(coefficients, self.index)
            elif str(dealer) in received:
                share += group.decode_scalar(received[str(dealer)])
            else:
                raise CeremonyError(
                    f"trustee {dealer} is still qualified but this trustee's complaint against "
                    "them was not upheld by the server: tell the returning officer"
                )
        share %= group.L
        key = dkg.verification_key(points, self.index)
        if Point.base_times(share) != key:
            raise CeremonyError("the share computed does not match its verification key")
        self.secrets["share"] = group.scalar_hex(share)
        self.directory.save_secrets(self.secrets)
        proof = dkg.prove_knowledge(
            share, self.state["uuid"].encode("utf-8"), dkg.share_label(self.index)
        )
        self.api.post("/trustees/me/share-key", {"verification_key": key.hex(), "proof": proof})
        self.outcome.did.append(
            f"computed this trustee's share (kept here) and posted its verification key "
            f"{key.hex()[:16]}… with a proof"
        )
        return True


def _after_keys(doc: dict[str, Any]) -> str:
    state = doc.get("state")
    waiting = {
        "setup": "the returning officer to finish appointing the trustees",
        "keys": "the other trustees to finish the key generation",
        "credentials": "the credential authority to upload the public credential list",
        "open": "the ballot to close (then the mix)",
        "closed": "the returning officer to start the mix",
        "mixing": "the other trustees' shuffles",
        "decrypting": "the other trustees' decryption shares",
        "decrypted": "nothing: the election is decrypted",
    }
    return waiting.get(str(state), f"the election (state {state})")
