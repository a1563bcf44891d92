// With JavaScript, a vote goes through the JSON API without a reload. Without it, the same form
// posts to the server and the server answers with a confirmation page.
(() => {
  "use strict";
  const form = document.querySelector("form.options[data-api]");
  if (!form) return;
  const status = document.querySelector("[data-vote-status]");

  const closeForm = () => {
    for (const b of form.querySelectorAll("button[data-option-id]")) b.disabled = true;
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

  form.addEventListener("submit", async (event) => {
    const button = event.submitter;
    if (!button || !button.dataset.optionId) return;
    event.preventDefault();
    const label = button.textContent.trim();
    status.textContent = "Sending your vote…";
    status.dataset.state = "sending";
    try {
      const response = await fetch(form.dataset.api, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ optionId: button.dataset.optionId }),
      });
      if (response.status === 202) {
        for (const b of form.querySelectorAll("button[data-option-id]")) {
          b.setAttribute("aria-pressed", String(b === button));
        }
        status.textContent = `You voted ${label} — you can change it any time.`;
        status.dataset.state = "voted";
        status.dataset.votedOptionId = button.dataset.optionId;
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
