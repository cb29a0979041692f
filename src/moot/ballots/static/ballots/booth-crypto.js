// The cryptography of moot's verifiable voting booth (docs/verifiable.md §1–§8), in the voter's
// browser. It must agree byte for byte with the Python core (moot.verify.group, vcommon,
// vproofs, vballot): tests/browser/test_verifiable_booth_crypto.py runs this module in Chromium
// and checks its ballots with the Python verifier, and a ballot made with the same randomness
// against the Python encryption (a known-answer cross-check).
//
// The group is edwards25519's prime-order subgroup through @noble/curves (vendored, audited): no
// field arithmetic is written here. Scalars are BigInts modulo L; points are noble Points, 32
// bytes on the wire (RFC 8032 compressed), 64 lower-case hex digits in JSON.
//
// What the booth page calls (everything else is exported for tests and the audit page):
//   loadElection(electionJson)              -> election (checked; its context hash computed)
//   parseCredential(text)                   -> the 24-character credential, or a BoothError
//   encryptBallot(election, credential, selections[, {random}])
//                                           -> {ballot, tracker, audit, sign}: the ballot is
//                                              UNSIGNED; sign() signs it, only to cast it
//   signBallot(election, credential, unsigned[, {random}]) -> the ballot to cast
//   formatTracker(tracker)                  -> "xxxxxxxx xxxxxxxx …" (8 groups of 8)
// selections: one entry per question — homomorphic: an array of 0/1 per answer; ranked: an
// array of ranks per candidate (0 = not ranked, else 1..k each once, k ≥ 1).

import { ed25519, sha256, sha512 } from "./vendor/noble-curves.js";

export const VERSION = "moot-verifiable/1";
export const GROUP_NAME = "ed25519-prime-order-subgroup";
const Point = ed25519.Point;
export const L = Point.Fn.ORDER; // 2^252 + 27742317777372353535851937790883648493
const B = Point.BASE;
const ZERO = Point.ZERO;
const CREDENTIAL_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const CREDENTIAL_LENGTH = 24;
const MAX_CHUNK = 2 ** 24;
const utf8 = new TextEncoder();

/** A refusal the booth shows to the voter: `where` names the input, `what` says what is wrong. */
export class BoothError extends Error {
  constructor(where, what) {
    super(`${where}: ${what}`);
    this.name = "BoothError";
    this.where = where;
    this.what = what;
  }
}

// --- scalars and bytes ----------------------------------------------------------------------

const mod = (n) => ((n % L) + L) % L;

function bytesToHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A scalar as 32 bytes little-endian (after reduction modulo L). */
function scalarBytes(n) {
  let x = mod(n);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** A scalar on the wire: 64 lower-case hex digits, 32 bytes little-endian. */
export function scalarHex(n) {
  return bytesToHex(scalarBytes(n));
}

function bytesToNumberLE(bytes) {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((size, c) => size + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A uniform non-zero scalar: 64 bytes from crypto.getRandomValues reduced modulo L (no bias
 * worth the name: 512 bits reduced into 253). */
export function randomScalar() {
  for (;;) {
    const n = bytesToNumberLE(crypto.getRandomValues(new Uint8Array(64))) % L;
    if (n !== 0n) return n;
  }
}

// --- points ---------------------------------------------------------------------------------

/** `n·P`. A secret scalar takes noble's constant-time `multiply`, which refuses 0 (0·P is the
 * identity: handled here); a public one (a challenge, a simulated response, a plaintext) may
 * take the faster `multiplyUnsafe`. */
function mul(P, n, { secret = true } = {}) {
  const k = mod(n);
  if (k === 0n || P.equals(ZERO)) return ZERO;
  return secret ? P.multiply(k) : P.multiplyUnsafe(k);
}

/** `m·B` for a small public plaintext m (0 gives the identity). */
function baseTimesPublic(m) {
  return mul(B, BigInt(m), { secret: false });
}

/** A point received from outside (the election's key): 64 lower-case hex digits, a canonical
 * RFC 8032 encoding, in the prime-order subgroup and not of small order — the checks the server
 * makes with libsodium's crypto_core_ed25519_is_valid_point. */
export function decodePoint(hex, what = "point") {
  if (typeof hex !== "string" || !/^[0-9a-f]{64}$/.test(hex)) {
    throw new BoothError(what, "a point is 64 lower-case hexadecimal digits");
  }
  let P;
  try {
    P = Point.fromHex(hex, false); // strict RFC 8032: y < p, no x = 0 with the sign bit set
  } catch (error) {
    throw new BoothError(what, `not a point of edwards25519 (${error.message})`);
  }
  if (P.toHex() !== hex) throw new BoothError(what, "not the canonical encoding of its point");
  if (P.isSmallOrder()) throw new BoothError(what, "a point of small order (or the identity)");
  if (!P.isTorsionFree()) throw new BoothError(what, "not in the prime-order subgroup");
  return P;
}

const pointHex = (P) => P.toHex();
const ciphertextJson = (ct) => ({ alpha: pointHex(ct.alpha), beta: pointHex(ct.beta) });

// --- canonical JSON -------------------------------------------------------------------------

/** Code-point order, as Python sorts str keys (JavaScript's default sort compares UTF-16 code
 * units, which differs above U+FFFF). */
function compareCodePoints(a, b) {
  const x = Array.from(a, (c) => c.codePointAt(0));
  const y = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}

function hasLoneSurrogate(text) {
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (u >= 0xdc00 && u <= 0xdfff) {
      return true;
    }
  }
  return false;
}

function canonicalText(value, where) {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new BoothError(where, "only integers (within 2^53) are hashed, never a fraction");
    }
    return String(value);
  }
  if (typeof value === "string") {
    // JSON.stringify escapes exactly what Python's json.dumps(ensure_ascii=False) escapes
    // (", \, and U+0000–U+001F, with \b \f \n \r \t and lower-case \u00xx); a lone surrogate,
    // which Python could not encode as UTF-8, is refused.
    if (hasLoneSurrogate(value)) throw new BoothError(where, "text with a lone surrogate");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((v, i) => canonicalText(v, `${where}[${i}]`)).join(",")}]`;
  }
  if (typeof value === "object") {
    const keys = Object.keys(value).sort(compareCodePoints);
    const items = keys.map((k) => {
      if (value[k] === undefined) throw new BoothError(`${where}.${k}`, "undefined value");
      return `${canonicalText(k, where)}:${canonicalText(value[k], `${where}.${k}`)}`;
    });
    return `{${items.join(",")}}`;
  }
  throw new BoothError(where, `a ${typeof value} cannot be hashed`);
}

/** Canonical JSON bytes: sorted keys (by code point), no spaces, UTF-8 — Python's
 * json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(). */
export function canonical(value) {
  return utf8.encode(canonicalText(value, "json"));
}

// --- the Fiat–Shamir hash (moot.verify.group.transcript) ------------------------------------

/** One transcript part, kind-prefixed: P point (32 bytes), N integer (32 bytes LE, < 2^256),
 * S text (UTF-8), B bytes. */
function encodePart(part) {
  if (part instanceof Point) return concat([utf8.encode("P"), part.toBytes()]);
  if (typeof part === "bigint" || typeof part === "number") {
    const n = BigInt(part);
    if (n < 0n || n >= 1n << 256n) throw new RangeError("an integer part must be in [0, 2^256)");
    const out = new Uint8Array(33);
    out[0] = 0x4e; // "N"
    let x = n;
    for (let i = 1; i <= 32; i++) {
      out[i] = Number(x & 0xffn);
      x >>= 8n;
    }
    return out;
  }
  if (typeof part === "string") return concat([utf8.encode("S"), utf8.encode(part)]);
  if (part instanceof Uint8Array) return concat([utf8.encode("B"), part]);
  throw new TypeError(`not a transcript part: ${typeof part}`);
}

function framed(body) {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length, false); // 4-byte big-endian length
  out.set(body, 4);
  return out;
}

/** The bytes hashed for a challenge: "moot-verifiable/1/<tag>", then each part, every one
 * preceded by its length (4 bytes, big-endian). */
export function transcript(tag, parts) {
  const head = framed(utf8.encode(`${VERSION}/${tag}`));
  return concat([head, ...parts.map((p) => framed(encodePart(p)))]);
}

/** The challenge: SHA-512 of the transcript read little-endian, modulo L. */
export function challenge(tag, ...parts) {
  return bytesToNumberLE(sha512(transcript(tag, parts))) % L;
}

// --- the election ---------------------------------------------------------------------------

/** The election (election.json as published) checked for what the booth relies on, with its
 * context hash ctx = SHA-256(canonical(election)) and the public key decoded. */
export function loadElection(json) {
  if (typeof json !== "object" || json === null) throw new BoothError("election", "not an object");
  if (json.version !== VERSION) {
    throw new BoothError("election.version", `expected ${VERSION}, got ${json.version}`);
  }
  if (json.group !== GROUP_NAME) {
    throw new BoothError("election.group", `expected ${GROUP_NAME}, got ${json.group}`);
  }
  if (typeof json.uuid !== "string" || !json.uuid) {
    throw new BoothError("election.uuid", "the ballot's uuid is missing");
  }
  if (!Array.isArray(json.questions) || json.questions.length === 0) {
    throw new BoothError("election.questions", "no questions");
  }
  json.questions.forEach(checkQuestion);
  const publicKey = decodePoint(json.public_key, "election.public_key");
  // The trustees' keys are not used to encrypt, but a booth that takes an election the board
  // would refuse helps nobody: each is held to the same checks.
  if (!Array.isArray(json.trustees) || json.trustees.length === 0) {
    throw new BoothError("election.trustees", "no trustees");
  }
  json.trustees.forEach((t, k) =>
    decodePoint(t && t.verification_key, `election.trustees[${k}].verification_key`),
  );
  const ctx = sha256(canonical(json));
  return {
    json,
    uuid: json.uuid,
    questions: json.questions,
    publicKey,
    ctx,
    hash: bytesToHex(ctx),
  };
}

function checkQuestion(q, index) {
  const where = `election.questions[${index}]`;
  const count = (list, name) => {
    if (!Array.isArray(list) || list.length === 0) {
      throw new BoothError(`${where}.${name}`, "empty");
    }
    return list.length;
  };
  if (q.type === "homomorphic") {
    const n = count(q.answers, "answers");
    const { min, max } = q;
    const integers = Number.isInteger(min) && Number.isInteger(max);
    if (!integers || min < 0 || min > max || max < 1 || max > n) {
      throw new BoothError(where, `min ${min}, max ${max}: 0 ≤ min ≤ max and 1 ≤ max ≤ ${n}`);
    }
  } else if (q.type === "ranked") {
    const n = count(q.candidates, "candidates");
    if (!Number.isInteger(q.pack) || q.pack < 1) throw new BoothError(`${where}.pack`, "not ≥ 1");
    // Each chunk's plaintext is below (n+1)^pack, at most 2^24 (moot.verify.vballot.MAX_CHUNK:
    // the tally looks its logarithm up in a table that big).
    if ((n + 1) ** q.pack > MAX_CHUNK) {
      throw new BoothError(`${where}.pack`, `chunks up to ${n + 1}^${q.pack} exceed ${MAX_CHUNK}`);
    }
  } else {
    throw new BoothError(`${where}.type`, `unknown question type ${q.type}`);
  }
}

// --- credentials (design §2) ----------------------------------------------------------------

/** The credential as typed: hyphens and spaces are ignored, letters are case-sensitive; 24
 * characters of the base58 alphabet remain, or the voter is told what is wrong. */
export function parseCredential(text) {
  if (typeof text !== "string") throw new BoothError("credential", "not text");
  const cleaned = text.replace(/[-\s\x1c-\x1f\x85]/g, ""); // Python's str.isspace() and "-"
  for (const ch of cleaned) {
    if (!CREDENTIAL_ALPHABET.includes(ch)) {
      throw new BoothError("credential", `the character “${ch}” is not used in credentials`);
    }
  }
  if (cleaned.length !== CREDENTIAL_LENGTH) {
    throw new BoothError(
      "credential",
      `${cleaned.length} characters; a credential has ${CREDENTIAL_LENGTH} ` +
        "(hyphens and spaces aside)",
    );
  }
  return cleaned;
}

/** The voter's signing key: z = challenge("credential", uuid, credential), Z = z·B. */
export function credentialKey(election, credentialText) {
  const credential = parseCredential(credentialText);
  const z = challenge("credential", election.uuid, credential);
  // z = 0 (probability 2^-252) would give the identity, which no list holds: refuse it.
  if (z === 0n) throw new BoothError("credential", "this credential cannot sign; ask for another");
  return { z, Z: mul(B, z) };
}

// --- exponential ElGamal --------------------------------------------------------------------

/** (α, β) = (r·B, m·B + r·Y). */
function encrypt(election, m, r) {
  return { alpha: mul(B, r), beta: baseTimesPublic(m).add(mul(election.publicKey, r)) };
}

// --- proofs ---------------------------------------------------------------------------------

/** The CDS range proof (design §5) that ct = (α, β) encrypts m ∈ [lo, hi] with randomness r:
 * every branch j ≠ m simulated from random (c_j, s_j), the real one from a fresh w. */
function rangeProof(election, Z, q, i, ct, m, r, lo, hi, random) {
  const Y = election.publicKey;
  const branches = [];
  let simulatedSum = 0n;
  let w = 0n;
  for (let j = lo; j <= hi; j++) {
    if (j === m) {
      w = random();
      branches.push({ A: mul(B, w), B: mul(Y, w) });
      continue;
    }
    const c = random();
    const s = random();
    simulatedSum += c;
    const shifted = ct.beta.subtract(baseTimesPublic(j));
    branches.push({
      c,
      s,
      A: mul(B, s, { secret: false }).subtract(mul(ct.alpha, c, { secret: false })),
      B: mul(Y, s, { secret: false }).subtract(mul(shifted, c, { secret: false })),
    });
  }
  const commitments = branches.flatMap((b) => [b.A, b.B]);
  const c = challenge("range", election.ctx, Z, q, i, lo, hi, ct.alpha, ct.beta, ...commitments);
  const real = branches[m - lo];
  real.c = mod(c - simulatedSum);
  real.s = mod(w + real.c * r);
  return branches.map((b) => ({ challenge: scalarHex(b.c), response: scalarHex(b.s) }));
}

// --- answers (design §4) --------------------------------------------------------------------

function homomorphicAnswer(election, Z, q, question, selection, random) {
  const where = `selections[${q}]`;
  const n = question.answers.length;
  if (!Array.isArray(selection) || selection.length !== n) {
    throw new BoothError(where, `one 0 or 1 per answer (${n})`);
  }
  selection.forEach((v, i) => {
    if (v !== 0 && v !== 1) throw new BoothError(`${where}[${i}]`, "must be 0 or 1");
  });
  const total = selection.reduce((a, b) => a + b, 0);
  if (total < question.min || total > question.max) {
    const { min, max } = question;
    throw new BoothError(where, `${total} chosen; choose between ${min} and ${max}`);
  }
  const randomness = selection.map(() => random());
  const cts = selection.map((m, i) => encrypt(election, m, randomness[i]));
  const individual = cts.map((ct, i) =>
    rangeProof(election, Z, q, i, ct, selection[i], randomness[i], 0, 1, random),
  );
  const sum = cts.reduce((a, ct) => ({ alpha: a.alpha.add(ct.alpha), beta: a.beta.add(ct.beta) }));
  const sumR = randomness.reduce((a, r) => mod(a + r), 0n);
  const overall = rangeProof(
    election, Z, q, cts.length, sum, total, sumR, question.min, question.max, random,
  );
  return {
    answer: {
      choices: cts.map(ciphertextJson),
      individual_proofs: individual,
      overall_proof: overall,
    },
    randomness,
    plaintexts: selection.slice(),
  };
}

/** The ranking packed into chunks: candidate i's rank is digit i % pack of chunk i // pack, in
 * base n + 1 (n candidates). */
export function packRanking(ranks, candidates, pack) {
  const base = BigInt(candidates + 1);
  const chunks = [];
  for (let start = 0; start < candidates; start += pack) {
    let m = 0n;
    for (let d = Math.min(pack, candidates - start) - 1; d >= 0; d--) {
      m = m * base + BigInt(ranks[start + d]);
    }
    chunks.push(m);
  }
  return chunks;
}

function checkRanking(where, ranks, n) {
  if (!Array.isArray(ranks) || ranks.length !== n) {
    throw new BoothError(where, `one rank per candidate (${n}), 0 for a candidate not ranked`);
  }
  const given = [];
  ranks.forEach((r, i) => {
    if (!Number.isInteger(r) || r < 0 || r > n) {
      throw new BoothError(`${where}[${i}]`, `a rank is 0 (not ranked) or 1 to ${n}`);
    }
    if (r > 0) given.push(r);
  });
  if (given.length === 0) throw new BoothError(where, "rank at least one candidate");
  given.sort((a, b) => a - b);
  given.forEach((r, k) => {
    if (r !== k + 1) {
      const why = `rank ${k + 1} is missing or repeated`;
      throw new BoothError(where, `ranks must be 1 to ${given.length}, each once (${why})`);
    }
  });
}

function rankedAnswer(election, Z, q, question, selection, random) {
  const where = `selections[${q}]`;
  const n = question.candidates.length;
  checkRanking(where, selection, n);
  const plaintexts = packRanking(selection, n, question.pack);
  const randomness = plaintexts.map(() => random());
  const cts = plaintexts.map((m, j) => encrypt(election, m, randomness[j]));
  // One proof of knowledge of every chunk's randomness (design §6): A_j = w_j·B.
  const ws = cts.map(() => random());
  const parts = cts.flatMap((ct, j) => [ct.alpha, ct.beta, mul(B, ws[j])]);
  const c = challenge("ranked", election.ctx, Z, q, ...parts);
  const responses = ws.map((w, j) => scalarHex(w + c * randomness[j]));
  return {
    answer: { choices: cts.map(ciphertextJson), proof: { challenge: scalarHex(c), responses } },
    randomness,
    plaintexts,
  };
}

// --- the ballot (design §7–§8) --------------------------------------------------------------

/** SHA-256 of the canonical bytes of the ballot's UNSIGNED part (every field but "signature"),
 * 64 hex digits: shown before the voter casts or checks, and what the board lists. */
export function tracker(ballot) {
  const unsigned = Object.fromEntries(Object.entries(ballot).filter(([key]) => key !== "signature"));
  return bytesToHex(sha256(canonical(unsigned)));
}

/** The tracker as the voter reads it: 8 groups of 8 hex digits. */
export function formatTracker(hex) {
  return hex.match(/.{1,8}/g).join(" ");
}

// Every scalar drawn is checked: an injected source that gives anything but a BigInt in
// [1, L) is a programming error, never silently reduced.
function checkedRandom(options) {
  const source = options.random || randomScalar;
  return () => {
    const n = source();
    if (typeof n !== "bigint" || n <= 0n || n >= L) {
      throw new RangeError("random scalar not in [1, L)");
    }
    return n;
  };
}

function signWith(election, z, Z, unsigned, random) {
  // Schnorr signature by z over the answers' hash: A = w·B, c = challenge("signature", ctx, Z,
  // A, SHA-256(canonical(answers))), s = w + c·z.
  const w = random();
  const c = challenge("signature", election.ctx, Z, mul(B, w), sha256(canonical(unsigned.answers)));
  return { ...unsigned, signature: { challenge: scalarHex(c), response: scalarHex(w + c * z) } };
}

/** The ballot to cast: the unsigned ballot signed by the voting credential that made it. Only
 * a cast is signed, so an audited (revealed) ballot can never be cast by whoever sees it. */
export function signBallot(election, credentialText, unsigned, options = {}) {
  const { z, Z } = credentialKey(election, credentialText);
  if (pointHex(Z) !== unsigned.credential || "signature" in unsigned) {
    throw new BoothError("credential", "this voting credential did not make this ballot");
  }
  return signWith(election, z, Z, unsigned, checkedRandom(options));
}

/** Encrypt and prove a ballot, NOT signed. `random` (a function returning a scalar in [1, L))
 * is injected only by tests; the booth uses crypto.getRandomValues. Returns the unsigned
 * ballot, its tracker (show it before the voter chooses), the audit object that reveals its
 * randomness (a Benaloh challenge: an audited ballot is never signed nor cast; encrypt
 * afresh), and sign(): the signed ballot to cast (the signature's scalar drawn last). */
export function encryptBallot(election, credentialText, selections, options = {}) {
  if (!Array.isArray(selections) || selections.length !== election.questions.length) {
    throw new BoothError("selections", `one selection per question (${election.questions.length})`);
  }
  const random = checkedRandom(options);
  const { z, Z } = credentialKey(election, credentialText);
  const made = election.questions.map((question, q) =>
    question.type === "ranked"
      ? rankedAnswer(election, Z, q, question, selections[q], random)
      : homomorphicAnswer(election, Z, q, question, selections[q], random),
  );
  const ballot = {
    version: VERSION,
    election_hash: election.hash,
    credential: pointHex(Z),
    answers: made.map((a) => a.answer),
  };
  const audit = {
    ballot,
    randomness: made.map((a) => a.randomness.map(scalarHex)),
    plaintexts: made.map((a) => a.plaintexts.map((m) => Number(m))),
  };
  return { ballot, tracker: tracker(ballot), audit, sign: () => signWith(election, z, Z, ballot, random) };
}
