// The verifiable booth page (/ballots/<id>/verifiable/vote/): reads the voter's choice and voting
// credential, encrypts in the browser with ballots/booth-crypto.js, then lets the voter either
// cast the encrypted ballot or check its encryption (a Benaloh audit: that ballot is never cast,
// and the next one is encrypted afresh). Words matter here: encrypted is not cast
// (docs/verifiable.md §8; VERIFIABLE.md §5).

import {
  BoothError,
  encryptBallot,
  formatTracker,
  loadElection,
  parseCredential,
} from "../ballots/booth-crypto.js";

const form = document.getElementById("booth");

function $(id) {
  return document.getElementById(id);
}

function say(text) {
  $("status").textContent = text;
}

function problem(text) {
  $("problem").textContent = text;
  if (text) $("problem").focus(); // the voter (and a screen reader) lands on what to fix
}

// The question's rule in plain words, when the choice does not follow it ("" when it does):
// checked before encrypting, so the voter reads what to do rather than a proof's terms.
function ruleBroken(question, values) {
  const chosen = values.filter((v) => v !== 0).length;
  if (question.type === "ranked") {
    return chosen === 0
      ? "Number at least one candidate: 1 beside your first choice."
      : "";
  }
  const { min, max } = question;
  if (chosen >= min && chosen <= max) return "";
  if (min === 1 && max === 1) return "Choose one answer.";
  if (chosen < min) return `Choose at least ${min} (you chose ${chosen}).`;
  return `Choose at most ${max} (you chose ${chosen}).`;
}

function markChoice(invalid) {
  const group = $("choice-group");
  if (!group) return;
  if (invalid) {
    group.setAttribute("aria-invalid", "true");
    group.setAttribute("aria-describedby", "problem");
  } else {
    group.removeAttribute("aria-invalid");
    group.removeAttribute("aria-describedby");
  }
}

function show(step) {
  for (const id of ["step-choose", "step-encrypted", "step-audit", "step-cast"]) {
    $(id).hidden = id !== step;
  }
  // After the cast the step itself says it: the status is kept for screen readers only, so
  // the message is not on screen twice.
  $("status").classList.toggle("visually-hidden", step === "step-cast");
  const heading = $(step).querySelector("h2");
  if (heading && step !== "step-choose") heading.focus();
}

function csrfToken() {
  const input = form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

let election = null;
let pending = null; // {ballot (unsigned), tracker, audit, sign} encrypted, not yet cast or audited

async function loadElectionOnce() {
  if (election) return election;
  const response = await fetch(form.dataset.election, { credentials: "same-origin" });
  if (!response.ok) throw new BoothError("election", `the election could not be loaded (${response.status})`);
  election = loadElection(await response.json());
  return election;
}

// The selection for the one question, in election.json's order (data-index), as booth-crypto
// takes it: ranks (0 = not ranked), or 0/1 per answer.
function selection(question) {
  const style = form.dataset.style;
  const n = question.type === "ranked" ? question.candidates.length : question.answers.length;
  const values = new Array(n).fill(0);
  if (style === "rank") {
    for (const input of form.querySelectorAll("input.rank-box")) {
      const text = input.value.trim();
      const index = Number(input.dataset.index);
      if (text === "") continue;
      if (!/^[0-9]+$/.test(text)) {
        input.setAttribute("aria-invalid", "true");
        input.focus();
        throw new BoothError(
          `the box beside ${input.labels[0].textContent}`,
          `“${text}” is not a number: write 1, 2, 3 … or leave it empty`,
        );
      }
      input.removeAttribute("aria-invalid");
      values[index] = Number(text);
    }
    return values;
  }
  for (const input of form.querySelectorAll("input[data-index]")) {
    if (input.checked) values[Number(input.dataset.index)] = 1;
  }
  return values;
}

function explain(error) {
  if (error instanceof BoothError) {
    const where = error.where.replace(/^selections\[0\]/, "your choice");
    return `${where}: ${error.what}.`;
  }
  return `Something went wrong: ${error.message || error}.`;
}

async function encrypt(event) {
  event.preventDefault();
  problem("");
  try {
    const credentialInput = $("voting-credential");
    $("encrypt").disabled = true;
    const loaded = await loadElectionOnce();
    // The choice first (it comes first on the page), in the question's own words.
    const selections = loaded.questions.map((question) => selection(question));
    const broken = loaded.questions
      .map((question, q) => ruleBroken(question, selections[q]))
      .find((text) => text);
    if (broken) {
      markChoice(true);
      say("");
      problem(broken);
      return;
    }
    markChoice(false);
    try {
      parseCredential(credentialInput.value);
      credentialInput.removeAttribute("aria-invalid");
    } catch (error) {
      credentialInput.setAttribute("aria-invalid", "true");
      throw error;
    }
    say("Encrypting your ballot on this device…");
    // Let the status reach the screen (and a screen reader) before the work starts.
    await new Promise((resolve) => setTimeout(resolve, 30));
    pending = encryptBallot(loaded, credentialInput.value, selections);
    $("tracker").textContent = formatTracker(pending.tracker);
    say("Your ballot is encrypted but NOT cast yet: cast it, or check its encryption.");
    show("step-encrypted");
  } catch (error) {
    say("");
    problem(explain(error));
  } finally {
    $("encrypt").disabled = false;
  }
}

async function cast() {
  if (!pending) return;
  problem("");
  say("Sending your encrypted ballot…");
  $("cast").disabled = true;
  $("check").disabled = true;
  try {
    // Signed only now, to cast: an audited ballot is never signed, so never castable.
    const signed = pending.sign();
    const response = await fetch(form.dataset.cast, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ ballot: signed }),
    });
    const answer = await response.json().catch(() => ({}));
    if (response.status !== 201) {
      throw new Error(answer.detail || `the server answered ${response.status}`);
    }
    $("cast-tracker").textContent = answer.tracker_shown;
    $("cast-board").href = answer.board_url;
    const mismatch = $("tracker-mismatch");
    if (answer.tracker !== pending.tracker) {
      // The server recorded another ballot than the one encrypted here: say so loudly.
      mismatch.textContent =
        `WARNING: the server answered with the tracker ${answer.tracker_shown}, but this ` +
        `device encrypted the ballot with the tracker ${formatTracker(pending.tracker)}. ` +
        "They should be the same. Tell the returning officer and the scrutineer now, and " +
        "look for your own tracker on the board.";
      mismatch.hidden = false;
    } else {
      mismatch.textContent = "";
      mismatch.hidden = true;
    }
    pending = null;
    $("voting-credential").value = "";
    say(`Your ballot is cast. Your tracker is ${answer.tracker_shown}.`);
    show("step-cast");
  } catch (error) {
    say("");
    problem(`Your ballot was not cast: ${error.message}`);
  } finally {
    $("cast").disabled = false;
    $("check").disabled = false;
  }
}

function check() {
  if (!pending) return;
  const text = JSON.stringify(pending.audit, null, 1);
  $("audit-json").value = text;
  $("audit-tracker").textContent = formatTracker(pending.tracker);
  const link = $("audit-download");
  if (link.dataset.url) URL.revokeObjectURL(link.dataset.url);
  link.dataset.url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  link.href = link.dataset.url;
  pending = null; // an audited ballot is never cast
  say("This ballot will not be cast. Check its audit, then encrypt your ballot afresh to vote.");
  show("step-audit");
}

function again() {
  $("audit-json").value = "";
  say("Encrypt your ballot afresh: a new encryption, with new randomness.");
  show("step-choose");
  $("encrypt").focus();
}

if (form) {
  form.hidden = false;
  form.addEventListener("submit", encrypt);
  $("cast").addEventListener("click", cast);
  $("check").addEventListener("click", check);
  $("again").addEventListener("click", again);
}
