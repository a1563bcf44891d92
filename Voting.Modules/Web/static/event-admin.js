// The organiser's controls under an event's presenter screen. Every button is a plain form that
// works without JavaScript; with it, the keys do the same without leaving the page: → next
// question, ← previous, R reveal or hide the results, T start the timer, F full screen. The live
// question and whether its results are hidden come from the screen's own hub messages (event.js).
(() => {
  "use strict";
  const root = document.querySelector("section.event[data-present]");
  const bar = document.querySelector("[data-controls]");
  if (!root || !bar) return;
  const eventId = root.dataset.eventId;
  const code = root.dataset.eventCode;
  const tokenInput = bar.querySelector("input[type=hidden]:not([name=pollId]):not([name=return])");
  const status = bar.querySelector("[data-control-status]");
  let live = root.dataset.livePollId || null;
  let hidden = null;

  root.addEventListener("voting:event", (e) => { live = e.detail.livePollId || null; hidden = null; });
  root.addEventListener("voting:results", (e) => { if (e.detail.pollId === live) hidden = Boolean(e.detail.hidden); });

  const say = (text) => { if (status) status.textContent = text; };

  const post = async (path, fields) => {
    const body = new URLSearchParams(fields);
    if (tokenInput) body.set(tokenInput.name, tokenInput.value);
    // The admin forms answer 303 to a page: the redirect itself is the success.
    const response = await fetch(path, { method: "POST", body, credentials: "same-origin", redirect: "manual" });
    if (!(response.type === "opaqueredirect" || response.ok)) throw new Error(String(response.status));
  };

  const move = async (step) => {
    const view = await (await fetch(`/api/events/${encodeURIComponent(code)}`, { credentials: "same-origin" })).json();
    const ids = view.polls.map((p) => p.id);
    const at = live === null ? -1 : ids.indexOf(live);
    const target = at < 0 ? (step > 0 ? ids[0] : null) : ids[at + step];
    if (target === undefined || (target === null && at < 0)) {
      say(step > 0 ? "This is the last question." : "This is the first question.");
      return;
    }
    await post(`/admin/events/${encodeURIComponent(eventId)}/live`, { pollId: target || "", return: "present" });
    say("");
  };

  const actions = {
    next: () => move(1),
    previous: () => move(-1),
    reveal: async () => {
      if (!live) return;
      await post(`/admin/polls/${encodeURIComponent(live)}/${hidden ? "reveal" : "hide"}`, {});
      say(hidden ? "Results revealed." : "Results hidden.");
    },
    timer: async () => {
      if (!live) return;
      const seconds = bar.querySelector("[data-timer-seconds]")?.value || "60";
      await post(`/admin/polls/${encodeURIComponent(live)}/timer`, { seconds });
      say(`Timer started: ${seconds} s.`);
    },
    fullscreen: async () => {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await document.documentElement.requestFullscreen();
    },
  };
  const act = (name) => actions[name]().catch((error) => say(`That did not work (${error.message}); try again.`));

  document.addEventListener("keydown", (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.target.closest("input, textarea, select")) return;
    const name = { ArrowRight: "next", ArrowLeft: "previous", r: "reveal", R: "reveal", t: "timer", T: "timer", f: "fullscreen", F: "fullscreen" }[e.key];
    if (!name) return;
    e.preventDefault();
    act(name);
  });
  // The buttons do the same as the keys, from whatever is live now rather than when the page was drawn.
  bar.addEventListener("submit", (e) => {
    const form = e.target;
    const button = e.submitter;
    const name = button?.hasAttribute("data-next") ? "next" : button?.hasAttribute("data-previous") ? "previous"
      : form.dataset.action === "reveal" ? "reveal" : form.dataset.action === "timer" ? "timer" : null;
    if (!name) return;
    e.preventDefault();
    act(name);
  });
  bar.querySelector("[data-next]")?.removeAttribute("disabled");
  bar.querySelector("[data-fullscreen-event]")?.addEventListener("click", () => act("fullscreen"));
})();
