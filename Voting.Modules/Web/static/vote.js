// With JavaScript, a vote goes through the JSON API without a reload. Without it, the same form
// posts to the server and the server answers with a confirmation page.
(() => {
  "use strict";
  const form = document.querySelector("form.options[data-api]");
  if (!form) return;
  const status = document.querySelector("[data-vote-status]");

  const type = form.dataset.type || "single";
  const closeForm = () => {
    for (const b of form.querySelectorAll("button, input:not([type=hidden])")) b.disabled = true;
  };

  // Multiple choice: once the most a ballot may hold are ticked, the others wait until one is unticked.
  const checks = form.querySelector("[data-max-choices]");
  const limitChoices = () => {
    if (!checks) return;
    const max = Number(checks.dataset.maxChoices);
    const boxes = [...form.querySelectorAll("input[data-choice-id]")];
    const full = boxes.filter((b) => b.checked).length >= max;
    for (const b of boxes) if (!b.checked) b.disabled = full;
  };
  if (checks) {
    form.addEventListener("change", limitChoices);
    limitChoices();
  }

  // The JSON body and what the status line says, by the poll's type; null when nothing is chosen.
  const ballot = (button) => {
    if (type === "multiple") {
      const chosen = [...form.querySelectorAll("input[data-choice-id]:checked")];
      if (chosen.length === 0) return null;
      return {
        body: { optionIds: chosen.map((b) => b.value) },
        text: chosen.map((b) => b.closest("label").textContent.trim()).join(", "),
      };
    }
    if (type === "words") {
      const words = [...form.querySelectorAll("input[data-word-input]")].map((i) => i.value.trim()).filter((w) => w.length > 0);
      if (words.length === 0) return null;
      return { body: { words }, text: words.join(", ") };
    }
    if (!button || !button.dataset.optionId) return undefined;
    const text = button.textContent.trim();
    return type === "rating"
      ? { body: { rating: Number(button.dataset.optionId) }, text }
      : { body: { optionId: button.dataset.optionId }, text };
  };

  // A poll with a timer counts down on the server's clock: the page carries the server's time when
  // it was drawn, and the difference to this device's clock is kept (a phone may be minutes off).
  const section = form.closest("section[data-closes-at]");
  const countdown = document.querySelector("[data-countdown]");
  if (section && countdown) {
    const closesAt = Number(section.dataset.closesAt);
    const offset = Number(section.dataset.serverNow) - Date.now();
    const tick = () => {
      const left = closesAt - (Date.now() + offset);
      if (left <= 0) {
        clearInterval(ticker);
        closeForm();
        countdown.textContent = "This poll is closed: it takes no more votes.";
        countdown.dataset.state = "closed";
        return;
      }
      const seconds = Math.ceil(left / 1000);
      countdown.dataset.secondsLeft = String(seconds);
      countdown.dataset.state = seconds <= 10 ? "closing" : "open";
      countdown.textContent = `Voting closes in ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    };
    const ticker = setInterval(tick, 250);
    tick();
  }

  // The ballot is remembered on this device (the server keeps it too, but the page is the same for
  // everyone): coming back shows it ticked, filled or pressed, ready to change.
  const pollId = form.closest("[data-poll-id]")?.dataset.pollId;
  const storageKey = pollId ? `voting:ballot:${pollId}` : null;
  const remember = (chosen, button) => {
    try {
      if (storageKey) localStorage.setItem(storageKey, JSON.stringify({ body: chosen.body, text: chosen.text, optionId: button?.dataset.optionId }));
    } catch { /* storage full or off: nothing to remember with */ }
  };
  const showVoted = (label, optionId) => {
    for (const b of form.querySelectorAll("button[data-option-id]")) {
      b.setAttribute("aria-pressed", String(b.dataset.optionId === optionId));
    }
    status.textContent = `You voted ${label} — you can change it any time.`;
    status.dataset.state = "voted";
    if (optionId) status.dataset.votedOptionId = optionId;
  };
  const restore = () => {
    let saved = null;
    try { saved = storageKey ? JSON.parse(localStorage.getItem(storageKey) || "null") : null; } catch { saved = null; }
    if (!saved || typeof saved.text !== "string" || !saved.body) return;
    if (form.querySelector("button:disabled, input:disabled:not([data-choice-id])")) return;
    if (type === "multiple" && Array.isArray(saved.body.optionIds)) {
      for (const b of form.querySelectorAll("input[data-choice-id]")) b.checked = saved.body.optionIds.includes(b.value);
      limitChoices();
    } else if (type === "words" && Array.isArray(saved.body.words)) {
      const inputs = [...form.querySelectorAll("input[data-word-input]")];
      // A form drawn again after a refusal carries what was typed then: that wins.
      if (inputs.some((i) => i.value.trim().length > 0)) return;
      saved.body.words.slice(0, inputs.length).forEach((w, i) => { inputs[i].value = w; });
    }
    showVoted(saved.text, saved.optionId);
    status.dataset.remembered = "true";
  };
  if (!form.querySelector("input[data-choice-id]:checked")) restore();

  form.addEventListener("submit", async (event) => {
    const button = event.submitter;
    const chosen = ballot(button);
    if (chosen === undefined) return;
    event.preventDefault();
    if (chosen === null) {
      status.textContent = type === "words" ? "Type at least one word." : "Choose at least one option.";
      status.dataset.state = "error";
      return;
    }
    const label = chosen.text;
    status.textContent = "Sending your vote…";
    status.dataset.state = "sending";
    try {
      const response = await fetch(form.dataset.api, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify(chosen.body),
      });
      if (response.status === 202) {
        showVoted(label, button?.dataset.optionId);
        delete status.dataset.remembered;
        remember(chosen, button);
        return;
      }
      let detail = "";
      try { detail = (await response.json()).detail || ""; } catch { /* not JSON */ }
      if (response.status === 409) closeForm();
      status.textContent = response.status === 409 ? "This poll is closed: it takes no more votes."
        : response.status === 429 ? "Too many votes at once; wait a moment and try again."
        : response.status === 503 ? "We could not confirm your vote; please try again."
        : detail || `Your vote was not taken (${response.status}).`;
      status.dataset.state = "error";
    } catch {
      status.textContent = "No connection; please try again.";
      status.dataset.state = "error";
    }
  });
})();
