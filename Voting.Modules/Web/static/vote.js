// With JavaScript, a vote goes through the JSON API without a reload. Without it, the same form
// posts to the server and the server answers with a confirmation page.
(() => {
  "use strict";
  const form = document.querySelector("form.options[data-api]");
  if (!form) return;
  const status = document.querySelector("[data-vote-status]");

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
      if (response.status === 409) {
        for (const b of form.querySelectorAll("button[data-option-id]")) b.disabled = true;
      }
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
